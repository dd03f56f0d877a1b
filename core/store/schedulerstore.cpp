// SPDX-License-Identifier: GPL-3.0-or-later
// The scheduler's tables: account runtime state and sticky sessions (migration 2).
#include "core/store/database.h"
#include "core/store/sqlhelpers.h"

#include <QHash>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace rd::store {

using namespace detail;

Result<void> Database::resetAccountState(const QString &idOrName)
{
    const Result<QString> id = resolveId(u"accounts"_s, idOrName, u"account"_s);
    if (!id) {
        return tl::unexpected(id.error());
    }
    auto done =
        run(m_db, u"reset account state"_s, u"UPDATE accounts SET state_epoch = state_epoch + 1 WHERE id = ?"_s, {*id});
    if (!done) {
        return tl::unexpected(done.error());
    }
    return {};
}

Result<void> Database::updateAccountCredentials(const QString &id, const QByteArray &sealed, qint64 tokenExpiresAtMs)
{
    auto done = run(m_db,
                    u"update account credentials"_s,
                    u"UPDATE accounts SET sealed_credentials = ?, token_expires_at = ? WHERE id = ?"_s,
                    {sealed, tokenExpiresAtMs, id});
    if (!done) {
        return tl::unexpected(done.error());
    }
    if (done->numRowsAffected() == 0) {
        return fail(ErrorCode::NotFound, u"no account with id '%1'"_s.arg(id));
    }
    return {};
}

Result<void> Database::setAccountShared(const QString &idOrName, bool shared)
{
    return setFlag(u"accounts"_s, u"shared_with_others"_s, u"account"_s, idOrName, shared);
}

Result<void> Database::setKeyBinding(const QString &idOrName, const QString &binding, bool isOwner)
{
    const Result<QString> id = resolveId(u"api_keys"_s, idOrName, u"key"_s);
    if (!id) {
        return tl::unexpected(id.error());
    }
    auto done = run(m_db,
                    u"bind key"_s,
                    u"UPDATE api_keys SET binding = ?, is_owner = ? WHERE id = ?"_s,
                    {nullableText(binding), int(isOwner), *id});
    if (!done) {
        return tl::unexpected(done.error());
    }
    return {};
}

Result<void> Database::upsertAccountStates(const QList<AccountStateRow> &rows)
{
    WriteTransaction tx(m_db);
    if (auto ok = tx.begin(); !ok) {
        return ok;
    }
    for (const AccountStateRow &r : rows) {
        auto done = run(m_db,
                        u"save account state"_s,
                        u"INSERT INTO account_state (account_id, cooldown_until_ms, reason, family_cooldowns, blocked, "
                        "needs_sign_in, epoch, updated_ms, subscription) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (account_id) DO UPDATE SET cooldown_until_ms = excluded.cooldown_until_ms, "
                        "reason = excluded.reason, family_cooldowns = excluded.family_cooldowns, "
                        "blocked = excluded.blocked, needs_sign_in = excluded.needs_sign_in, epoch = excluded.epoch, "
                        "updated_ms = excluded.updated_ms, subscription = excluded.subscription"_s,
                        {r.accountId,
                         r.cooldownUntilMs,
                         nullableText(r.reason),
                         nullableText(r.familyCooldowns),
                         int(r.blocked),
                         int(r.needsSignIn),
                         r.epoch,
                         r.updatedMs,
                         nullableText(r.subscription)});
        if (!done) {
            return tl::unexpected(done.error());
        }
    }
    return tx.commit();
}

Result<QHash<QString, AccountStateRow>> Database::accountStates()
{
    auto query = run(m_db,
                     u"read account state"_s,
                     u"SELECT account_id, cooldown_until_ms, reason, family_cooldowns, blocked, needs_sign_in, epoch, "
                     "updated_ms, subscription FROM account_state"_s);
    if (!query) {
        return tl::unexpected(query.error());
    }
    QHash<QString, AccountStateRow> out;
    while (query->next()) {
        AccountStateRow r;
        r.accountId = query->value(0).toString();
        r.cooldownUntilMs = query->value(1).toLongLong();
        r.reason = query->value(2).toString();
        r.familyCooldowns = query->value(3).toString();
        r.blocked = query->value(4).toBool();
        r.needsSignIn = query->value(5).toBool();
        r.epoch = query->value(6).toInt();
        r.updatedMs = query->value(7).toLongLong();
        r.subscription = query->value(8).toString();
        out.insert(r.accountId, r);
    }
    return out;
}

Result<void> Database::replaceStickySessions(const QList<StickyRow> &rows)
{
    WriteTransaction tx(m_db);
    if (auto ok = tx.begin(); !ok) {
        return ok;
    }
    if (auto cleared = run(m_db, u"clear sticky sessions"_s, u"DELETE FROM sticky_sessions"_s); !cleared) {
        return tl::unexpected(cleared.error());
    }
    for (const StickyRow &r : rows) {
        auto done = run(m_db,
                        u"save sticky session"_s,
                        u"INSERT INTO sticky_sessions (family, session_key, account_id, expires_at_ms) "
                        "VALUES (?, ?, ?, ?)"_s,
                        {r.family, QString::fromLatin1(r.sessionKey), r.accountId, r.expiresAtMs});
        if (!done) {
            return tl::unexpected(done.error());
        }
    }
    return tx.commit();
}

Result<QList<StickyRow>> Database::stickySessions()
{
    auto query = run(m_db,
                     u"read sticky sessions"_s,
                     u"SELECT family, session_key, account_id, expires_at_ms FROM sticky_sessions"_s);
    if (!query) {
        return tl::unexpected(query.error());
    }
    QList<StickyRow> out;
    while (query->next()) {
        out.append(StickyRow{query->value(0).toString(),
                             query->value(1).toString().toLatin1(),
                             query->value(2).toString(),
                             query->value(3).toLongLong()});
    }
    return out;
}

Result<QList<QPair<QString, UsageTotals>>> Database::usageGrouped(const QString &by, qint64 sinceMs)
{
    // The group expression comes from this fixed table, never from the caller's text.
    static const QHash<QString, QString> groups{
        {u"key"_s, u"COALESCE(key_id, '')"_s},
        {u"model"_s, u"COALESCE(model, '')"_s},
        {u"account"_s, u"COALESCE(account_id, '')"_s},
        {u"key-model"_s, u"COALESCE(key_id, '') || '|' || COALESCE(model, '')"_s}};
    const QString group = groups.value(by);
    if (group.isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"usage can be grouped by key, model, account or key-model, not '%1'"_s.arg(by.left(40)));
    }
    auto query = run(m_db,
                     u"group usage"_s,
                     u"SELECT %1, %2 FROM usage_requests WHERE ts_ms >= ? GROUP BY 1 ORDER BY 8 DESC, 2 DESC, 1"_s.arg(
                         group, kUsageTotalsColumns),
                     {sinceMs});
    if (!query) {
        return tl::unexpected(query.error());
    }
    QList<QPair<QString, UsageTotals>> out;
    while (query->next()) {
        out.append({query->value(0).toString(), usageTotalsAt(*query, 1)});
    }
    return out;
}

} // namespace rd::store
