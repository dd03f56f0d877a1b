// SPDX-License-Identifier: GPL-3.0-or-later
// Usage rollups (migration 6) and the retention of per-request rows. Hour buckets are UTC hours; day and month
// buckets start at local midnight in the calendar's zone, which SQL cannot compute: rows are bucketed here.
#include "core/policy/limitcalendar.h"
#include "core/store/database.h"
#include "core/store/sqlhelpers.h"

#include <QDateTime>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <array>
#include <optional>

using namespace Qt::StringLiterals;

namespace rd::store {

using namespace detail;

namespace {

constexpr qint64 kHourMs = qint64(3600) * 1000;
constexpr qint64 kDayMs = 24 * kHourMs;
// Above this many distinct buckets × groups a rebuild writes what it has (the upsert adds) and starts afresh.
constexpr qsizetype kRebuildFlushEntries = 50'000;

enum class Grain
{
    Hour,
    Day,
    Month,
};
constexpr std::array kGrains{Grain::Hour, Grain::Day, Grain::Month};

QString grainName(Grain grain)
{
    switch (grain) {
    case Grain::Hour:
        return u"hour"_s;
    case Grain::Day:
        return u"day"_s;
    case Grain::Month:
        return u"month"_s;
    }
    return {};
}

// Finds the bucket of a time for one granularity. Remembers the last bucket, so rows in time order cost one
// time-zone lookup per bucket rather than per row.
class BucketFinder
{
public:
    BucketFinder(const policy::LimitCalendar &calendar, Grain grain)
        : m_calendar(calendar)
        , m_grain(grain)
    {}

    qint64 start(qint64 ms)
    {
        if (ms < m_from || ms >= m_to) {
            locate(ms);
        }
        return m_from;
    }
    // The first bucket that starts at or after ms.
    qint64 ceil(qint64 ms) { return start(ms) == ms ? ms : m_to; }

private:
    void locate(qint64 ms)
    {
        switch (m_grain) {
        case Grain::Hour:
            m_from = m_calendar.hourStart(ms);
            m_to = m_from + kHourMs;
            return;
        case Grain::Day:
            m_from = m_calendar.dayStart(ms);
            m_to = m_calendar.nextDayStart(ms);
            return;
        case Grain::Month: {
            m_from = m_calendar.monthStart(ms);
            const QDate day = QDateTime::fromMSecsSinceEpoch(ms, m_calendar.zone()).date();
            m_to = QDate(day.year(), day.month(), 1).addMonths(1).startOfDay(m_calendar.zone()).toMSecsSinceEpoch();
            return;
        }
        }
    }
    const policy::LimitCalendar &m_calendar;
    Grain m_grain;
    qint64 m_from = 0;
    qint64 m_to = 0; // empty range until the first lookup
};

struct RollupKey
{
    Grain grain = Grain::Hour;
    qint64 bucketStart = 0;
    QString keyId;
    QString accountId;
    QString model;
    bool operator==(const RollupKey &) const = default;
};

size_t qHash(const RollupKey &key, size_t seed = 0)
{
    return qHashMulti(seed, int(key.grain), key.bucketStart, key.keyId, key.accountId, key.model);
}

struct RollupSums
{
    UsageTotals totals;
    qint64 errors = 0;
    qint64 aborted = 0;
    qint64 totalMs = 0;

    void add(const UsageRow &row)
    {
        totals.add(row);
        errors += (row.status >= 400 || row.status == 0) ? 1 : 0;
        aborted += row.aborted ? 1 : 0;
        totalMs += row.totalMs;
    }
};

using RollupMap = QHash<RollupKey, RollupSums>;

// The key columns are NOT NULL: a missing key, account or model is '' (a null QString would bind NULL).
QString notNull(const QString &text)
{
    return text.isNull() ? u""_s : text;
}

// Adds one row to the bucket of every granularity whose cut it reaches (cuts: rebuildRollups; none: all).
void accumulate(RollupMap &sums,
                std::array<BucketFinder, 3> &finders,
                const UsageRow &row,
                const std::optional<std::array<qint64, 3>> &cuts = std::nullopt)
{
    for (size_t i = 0; i < kGrains.size(); ++i) {
        if (cuts && row.timestampMs < (*cuts)[i]) {
            continue;
        }
        const RollupKey key{kGrains[i],
                            finders[i].start(row.timestampMs),
                            notNull(row.keyId),
                            notNull(row.accountId),
                            notNull(row.model)};
        sums[key].add(row);
    }
}

std::array<BucketFinder, 3> findersFor(const policy::LimitCalendar &calendar)
{
    return {
        BucketFinder(calendar, Grain::Hour), BucketFinder(calendar, Grain::Day), BucketFinder(calendar, Grain::Month)};
}

// Upsert syntax shared by SQLite (3.24+) and PostgreSQL (9.5+): an existing bucket row grows by the new sums.
Result<void> writeRollups(QSqlDatabase &db, const RollupMap &sums)
{
    if (sums.isEmpty()) {
        return {};
    }
    QSqlQuery query(db);
    if (!query.prepare(
            u"INSERT INTO usage_rollups (granularity, bucket_start, key_id, account_id, model, requests, "
            "errors, aborted, input_tokens, output_tokens, cache_create_5m_tokens, cache_create_1h_tokens, "
            "cache_read_tokens, cost_usd, rated_cost_usd, total_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (granularity, bucket_start, key_id, account_id, model) DO UPDATE SET "
            "requests = usage_rollups.requests + excluded.requests, "
            "errors = usage_rollups.errors + excluded.errors, "
            "aborted = usage_rollups.aborted + excluded.aborted, "
            "input_tokens = usage_rollups.input_tokens + excluded.input_tokens, "
            "output_tokens = usage_rollups.output_tokens + excluded.output_tokens, "
            "cache_create_5m_tokens = usage_rollups.cache_create_5m_tokens + excluded.cache_create_5m_tokens, "
            "cache_create_1h_tokens = usage_rollups.cache_create_1h_tokens + excluded.cache_create_1h_tokens, "
            "cache_read_tokens = usage_rollups.cache_read_tokens + excluded.cache_read_tokens, "
            "cost_usd = usage_rollups.cost_usd + excluded.cost_usd, "
            "rated_cost_usd = usage_rollups.rated_cost_usd + excluded.rated_cost_usd, "
            "total_ms = usage_rollups.total_ms + excluded.total_ms"_s)) {
        return sqlFailure(u"write usage rollups"_s, query.lastError());
    }
    for (auto it = sums.cbegin(); it != sums.cend(); ++it) {
        const RollupKey &k = it.key();
        const RollupSums &s = it.value();
        const QVariantList values{grainName(k.grain),
                                  k.bucketStart,
                                  k.keyId,
                                  k.accountId,
                                  k.model,
                                  s.totals.requests,
                                  s.errors,
                                  s.aborted,
                                  s.totals.inputTokens,
                                  s.totals.outputTokens,
                                  s.totals.cacheCreate5mTokens,
                                  s.totals.cacheCreate1hTokens,
                                  s.totals.cacheReadTokens,
                                  s.totals.costUsd,
                                  s.totals.ratedCostUsd,
                                  s.totalMs};
        for (qsizetype i = 0; i < values.size(); ++i) {
            query.bindValue(int(i), values.at(i));
        }
        if (!query.exec()) {
            return sqlFailure(u"write usage rollups"_s, query.lastError());
        }
    }
    return {};
}

// Only what a rollup needs from a request row.
UsageRow rollupRowFromQuery(const QSqlQuery &query)
{
    UsageRow row;
    row.timestampMs = query.value(0).toLongLong();
    row.keyId = query.value(1).toString();
    row.accountId = query.value(2).toString();
    row.model = query.value(3).toString();
    row.status = query.value(4).toInt();
    row.aborted = query.value(5).toBool();
    row.inputTokens = query.value(6).toLongLong();
    row.outputTokens = query.value(7).toLongLong();
    row.cacheCreate5mTokens = query.value(8).toLongLong();
    row.cacheCreate1hTokens = query.value(9).toLongLong();
    row.cacheReadTokens = query.value(10).toLongLong();
    row.costUsd = query.value(11).toDouble();
    row.ratedCostUsd = query.value(12).toDouble();
    row.totalMs = query.value(13).toLongLong();
    return row;
}

const QString kPurgedBeforeMeta = u"usage_purged_before"_s;

} // namespace

Result<void> Database::addUsageToRollups(const QList<UsageRow> &rows, const policy::LimitCalendar &calendar)
{
    // The batch is summed in memory first: one upsert per bucket and group, not one per row.
    RollupMap sums;
    std::array<BucketFinder, 3> finders = findersFor(calendar);
    for (const UsageRow &row : rows) {
        accumulate(sums, finders, row);
    }
    return writeRollups(m_db, sums);
}

Result<void> Database::rebuildRollups(const policy::LimitCalendar &calendar)
{
    WriteTransaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun) {
        return begun;
    }
    auto oldest = run(m_db, u"find the oldest usage row"_s, u"SELECT MIN(ts_ms) FROM usage_requests"_s);
    if (!oldest) {
        return tl::unexpected(oldest.error());
    }
    if (!oldest->next() || oldest->value(0).isNull()) {
        return transaction.commit(); // no rows: nothing to recompute, and every rollup stays
    }
    const qint64 oldestMs = oldest->value(0).toLongLong();
    oldest->finish();
    const Result<std::optional<QString>> purged = meta(kPurgedBeforeMeta);
    if (!purged) {
        return tl::unexpected(purged.error());
    }
    // A bucket is recomputed only when every row that fed it still exists: from the oldest row's bucket (rows
    // before it are gone, whatever removed them), and never a bucket that starts before the purge horizon, which
    // purged rows may have fed in part (a day purge cuts UTC hours in +05:30 zones, and always cuts months).
    std::array<BucketFinder, 3> finders = findersFor(calendar);
    std::array<qint64, 3> cuts{};
    for (size_t i = 0; i < kGrains.size(); ++i) {
        cuts[i] = finders[i].start(oldestMs);
        if (purged->has_value()) {
            cuts[i] = std::max(cuts[i], finders[i].ceil((*purged)->toLongLong()));
        }
        const auto cleared = run(m_db,
                                 u"clear usage rollups"_s,
                                 u"DELETE FROM usage_rollups WHERE granularity = ? AND bucket_start >= ?"_s,
                                 {grainName(kGrains[i]), cuts[i]});
        if (!cleared) {
            return tl::unexpected(cleared.error());
        }
    }
    QSqlQuery rows(m_db);
    rows.setForwardOnly(true);
    if (!rows.prepare(u"SELECT ts_ms, key_id, account_id, model, status, aborted, input_tokens, output_tokens, "
                      "cache_create_5m_tokens, cache_create_1h_tokens, cache_read_tokens, cost_usd, rated_cost_usd, "
                      "total_ms FROM usage_requests WHERE ts_ms >= ? ORDER BY ts_ms"_s)) {
        return sqlFailure(u"read usage rows"_s, rows.lastError());
    }
    rows.addBindValue(*std::min_element(cuts.cbegin(), cuts.cend()));
    if (!rows.exec()) {
        return sqlFailure(u"read usage rows"_s, rows.lastError());
    }
    RollupMap sums;
    while (rows.next()) {
        accumulate(sums, finders, rollupRowFromQuery(rows), cuts);
        if (sums.size() >= kRebuildFlushEntries) {
            if (auto written = writeRollups(m_db, sums); !written) {
                return written;
            }
            sums.clear();
        }
    }
    if (rows.lastError().isValid()) {
        return sqlFailure(u"read usage rows"_s, rows.lastError());
    }
    rows.finish();
    if (auto written = writeRollups(m_db, sums); !written) {
        return written;
    }
    return transaction.commit();
}

Result<qint64> Database::purgeUsageBefore(qint64 beforeMs, int chunkRows)
{
    Q_ASSERT(chunkRows > 0);
    chunkRows = std::max(chunkRows, 1);
    qint64 deleted = 0;
    bool horizonRecorded = false;
    // Small transactions: the write lock is never held for long, and the relay's batches slip in between.
    for (;;) {
        WriteTransaction transaction(m_db);
        if (auto begun = transaction.begin(); !begun) {
            return tl::unexpected(begun.error());
        }
        const auto query = run(m_db,
                               u"purge usage rows"_s,
                               u"DELETE FROM usage_requests WHERE id IN (SELECT id FROM usage_requests "
                               "WHERE ts_ms < ? ORDER BY ts_ms LIMIT ?)"_s,
                               {beforeMs, chunkRows});
        if (!query) {
            return tl::unexpected(query.error());
        }
        const int removed = query->numRowsAffected();
        // With the first deletion: rebuildRollups must never replace a bucket these rows fed. Only ever moves on.
        if (removed > 0 && !horizonRecorded) {
            const Result<std::optional<QString>> previous = meta(kPurgedBeforeMeta);
            if (!previous) {
                return tl::unexpected(previous.error());
            }
            if (!previous->has_value() || (*previous)->toLongLong() < beforeMs) {
                if (auto recorded = setMeta(kPurgedBeforeMeta, QString::number(beforeMs)); !recorded) {
                    return tl::unexpected(recorded.error());
                }
            }
            horizonRecorded = true;
        }
        if (auto committed = transaction.commit(); !committed) {
            return tl::unexpected(committed.error());
        }
        deleted += removed;
        if (removed < chunkRows) {
            return deleted;
        }
    }
}

qint64 Database::retentionHorizon(const policy::LimitCalendar &calendar, int retentionDays, qint64 nowMs)
{
    if (retentionDays <= 0) {
        return 0;
    }
    // Calendar days back (a DST day has 23 or 25 hours), then local midnight: purges cut along day buckets.
    const QDateTime back = QDateTime::fromMSecsSinceEpoch(nowMs, calendar.zone()).addDays(-retentionDays);
    return calendar.dayStart(back.isValid() ? back.toMSecsSinceEpoch() : nowMs - retentionDays * kDayMs);
}

Result<QList<RollupPoint>>
Database::rollupSeries(const QString &granularity, const QString &by, qint64 fromMs, qint64 toMs, const QString &keyId)
{
    if (granularity != u"hour" && granularity != u"day" && granularity != u"month") {
        return fail(ErrorCode::InvalidArgument,
                    u"rollups come by hour, day or month, not '%1'"_s.arg(granularity.left(40)));
    }
    // The group expression comes from this fixed table, never from the caller's text.
    static const QHash<QString, QString> groups{{u""_s, u"''"_s},
                                                {u"key"_s, u"key_id"_s},
                                                {u"model"_s, u"model"_s},
                                                {u"account"_s, u"account_id"_s},
                                                {u"key-model"_s, u"key_id || '|' || model"_s}};
    const auto group = groups.constFind(by);
    if (group == groups.cend()) {
        return fail(ErrorCode::InvalidArgument,
                    u"rollups can be grouped by key, model, account or key-model, not '%1'"_s.arg(by.left(40)));
    }
    QString sql = u"SELECT bucket_start, %1, SUM(requests), SUM(input_tokens), SUM(output_tokens), "
                  "SUM(cache_create_5m_tokens), SUM(cache_create_1h_tokens), SUM(cache_read_tokens), SUM(cost_usd), "
                  "SUM(rated_cost_usd), SUM(errors), SUM(total_ms), SUM(aborted) FROM usage_rollups "
                  "WHERE granularity = ? AND bucket_start >= ? AND bucket_start < ?"_s.arg(*group);
    QVariantList values{granularity, fromMs, toMs};
    if (!keyId.isEmpty()) {
        sql += u" AND key_id = ?"_s;
        values.append(keyId);
    }
    sql += u" GROUP BY 1, 2 ORDER BY 1, 2"_s;
    auto query = run(m_db, u"read usage rollups"_s, sql, values);
    if (!query) {
        return tl::unexpected(query.error());
    }
    QList<RollupPoint> points;
    while (query->next()) {
        RollupPoint p;
        p.bucketStartMs = query->value(0).toLongLong();
        p.group = query->value(1).toString();
        p.totals = usageTotalsAt(*query, 2);
        p.errors = query->value(10).toLongLong();
        p.totalLatencyMs = query->value(11).toLongLong();
        p.aborted = query->value(12).toLongLong();
        points.append(p);
    }
    return points;
}

} // namespace rd::store
