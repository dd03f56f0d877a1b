// SPDX-License-Identifier: GPL-3.0-or-later
// What keys spent, read once at start so the limit counters survive a restart (core/policy/keylimiter).
#include "core/store/database.h"
#include "core/store/sqlhelpers.h"

using namespace Qt::StringLiterals;

namespace rd::store {

using namespace detail;

Result<QList<SpendRow>> Database::spendSince(qint64 sinceMs)
{
    auto query = run(m_db,
                     u"read spend"_s,
                     u"SELECT COALESCE(key_id, ''), COALESCE(model, ''), COUNT(*), "
                     "COALESCE(SUM(input_tokens + output_tokens + cache_create_5m_tokens + cache_create_1h_tokens + "
                     "cache_read_tokens), 0), COALESCE(SUM(rated_cost_usd), 0), MIN(ts_ms) "
                     "FROM usage_requests WHERE ts_ms >= ? GROUP BY 1, 2"_s,
                     {sinceMs});
    if (!query) {
        return tl::unexpected(query.error());
    }
    QList<SpendRow> rows;
    while (query->next()) {
        rows.append(SpendRow{query->value(0).toString(),
                             query->value(1).toString(),
                             query->value(2).toLongLong(),
                             query->value(3).toLongLong(),
                             query->value(4).toDouble(),
                             query->value(5).toLongLong()});
    }
    return rows;
}

Result<QHash<QString, double>> Database::lifetimeRatedCostByKey()
{
    // Both sums are lower bounds of the truth: request rows may have been purged (the rollups keep them), and rows
    // recorded before rollups existed are only in usage_requests until the writer rebuilds the rollups.
    QHash<QString, double> out;
    for (const QString &sql :
         {u"SELECT key_id, SUM(rated_cost_usd) FROM usage_rollups WHERE granularity = 'month' GROUP BY key_id"_s,
          u"SELECT COALESCE(key_id, ''), SUM(rated_cost_usd) FROM usage_requests GROUP BY 1"_s}) {
        auto query = run(m_db, u"read lifetime spend"_s, sql);
        if (!query) {
            return tl::unexpected(query.error());
        }
        while (query->next()) {
            double &v = out[query->value(0).toString()];
            v = std::max(v, query->value(1).toDouble());
        }
    }
    return out;
}

} // namespace rd::store
