// SPDX-License-Identifier: GPL-3.0-or-later
// Relay-wide settings (STYLE.md §7). Values are validated by core/config/relaysettings before they get here.
#include "core/store/database.h"
#include "core/store/sqlhelpers.h"

using namespace Qt::StringLiterals;

namespace rd::store {

using namespace detail;

Result<QHash<QString, QString>> Database::settings()
{
    auto query = run(m_db, u"read settings"_s, u"SELECT key, value FROM settings"_s);
    if (!query) {
        return tl::unexpected(query.error());
    }
    QHash<QString, QString> out;
    while (query->next()) {
        out.insert(query->value(0).toString(), query->value(1).toString());
    }
    return out;
}

Result<void> Database::setSetting(const QString &key, const QString &value)
{
    auto query = run(m_db,
                     u"write setting"_s,
                     u"INSERT INTO settings (key, value) VALUES (?, ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s,
                     {key, value});
    if (!query) {
        return tl::unexpected(query.error());
    }
    return {};
}

Result<void> Database::unsetSetting(const QString &key)
{
    auto query = run(m_db, u"remove setting"_s, u"DELETE FROM settings WHERE key = ?"_s, {key});
    if (!query) {
        return tl::unexpected(query.error());
    }
    return {};
}

} // namespace rd::store
