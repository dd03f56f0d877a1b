// SPDX-License-Identifier: GPL-3.0-or-later
// Usage rollups: after thousands of requests (errors, aborted streams, DST days, a +05:30 zone) written in many
// batches through the real StoreWriter, every hour, day and month rollup equals the request rows grouped the same way;
// a rebuild reproduces them, a purge keeps them, and the queries refuse what they do not know.
#include "core/policy/limitcalendar.h"
#include "core/store/database.h"
#include "core/store/storewriter.h"

#include <QDateTime>
#include <QMap>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;
using rd::policy::LimitCalendar;
using rd::store::Database;
using rd::store::StoreWriter;
using rd::store::UsageRow;

namespace {

constexpr qint64 kHourMs = 3600 * 1000;
constexpr qint64 kDayMs = 24 * kHourMs;

struct Sums
{
    QList<qint64> counts; // requests, errors, aborted, input, output, cache 5m, cache 1h, cache read, total ms
    double cost = 0;
    double rated = 0;
};
using Table = QMap<QString, Sums>; // "granularity|bucket|key|account|model"

QString tableKey(const QString &grain, qint64 bucket, const QString &key, const QString &account, const QString &model)
{
    return u"%1|%2|%3|%4|%5"_s.arg(grain).arg(bucket).arg(key, account, model);
}

Table rollupTable(Database &db)
{
    Table table;
    QSqlQuery q(db.connection());
    if (!q.exec(
            u"SELECT granularity, bucket_start, key_id, account_id, model, requests, errors, aborted, input_tokens, "
            "output_tokens, cache_create_5m_tokens, cache_create_1h_tokens, cache_read_tokens, total_ms, cost_usd, "
            "rated_cost_usd FROM usage_rollups"_s)) {
        qFatal("cannot read usage_rollups");
    }
    while (q.next()) {
        Sums &s = table[tableKey(q.value(0).toString(),
                                 q.value(1).toLongLong(),
                                 q.value(2).toString(),
                                 q.value(3).toString(),
                                 q.value(4).toString())];
        for (int i = 5; i <= 13; ++i) {
            s.counts.append(q.value(i).toLongLong());
        }
        s.cost = q.value(14).toDouble();
        s.rated = q.value(15).toDouble();
    }
    return table;
}

// The rollups as they should be, bucketed here without the store's code: UTC hours, local days and months.
Table expectedTable(Database &db, const LimitCalendar &calendar)
{
    Table table;
    QSqlQuery q(db.connection());
    if (!q.exec(u"SELECT ts_ms, COALESCE(key_id, ''), COALESCE(account_id, ''), COALESCE(model, ''), status, aborted, "
                "input_tokens, output_tokens, cache_create_5m_tokens, cache_create_1h_tokens, cache_read_tokens, "
                "total_ms, cost_usd, rated_cost_usd FROM usage_requests"_s)) {
        qFatal("cannot read usage_requests");
    }
    const QTimeZone &zone = calendar.zone();
    while (q.next()) {
        const qint64 ts = q.value(0).toLongLong();
        const QDate date = QDateTime::fromMSecsSinceEpoch(ts, zone).date();
        const QList<QPair<QString, qint64>> buckets{
            {u"hour"_s, ts - ts % kHourMs},
            {u"day"_s, date.startOfDay(zone).toMSecsSinceEpoch()},
            {u"month"_s, QDate(date.year(), date.month(), 1).startOfDay(zone).toMSecsSinceEpoch()}};
        const int status = q.value(4).toInt();
        const QList<qint64> row{1,
                                status >= 400 || status == 0 ? 1 : 0,
                                q.value(5).toLongLong(),
                                q.value(6).toLongLong(),
                                q.value(7).toLongLong(),
                                q.value(8).toLongLong(),
                                q.value(9).toLongLong(),
                                q.value(10).toLongLong(),
                                q.value(11).toLongLong()};
        for (const auto &[grain, bucket] : buckets) {
            Sums &s =
                table[tableKey(grain, bucket, q.value(1).toString(), q.value(2).toString(), q.value(3).toString())];
            s.counts.resize(row.size());
            for (qsizetype i = 0; i < row.size(); ++i) {
                s.counts[i] += row.at(i);
            }
            s.cost += q.value(12).toDouble();
            s.rated += q.value(13).toDouble();
        }
    }
    return table;
}

// "" when equal: counts exactly, costs within 1e-9.
QString difference(const Table &actual, const Table &expected)
{
    if (actual.keys() != expected.keys()) {
        return u"%1 rollup rows, expected %2"_s.arg(actual.size()).arg(expected.size());
    }
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        const Sums &a = actual.value(it.key());
        if (a.counts != it->counts || std::abs(a.cost - it->cost) > 1e-9 || std::abs(a.rated - it->rated) > 1e-9) {
            return u"rollup %1 differs"_s.arg(it.key());
        }
    }
    return {};
}

qint64 utc(int y, int m, int d, int h = 0, int min = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min), QTimeZone::utc()).toMSecsSinceEpoch();
}

// Random requests from late October 2025 to mid April 2026, a third of them near DST changes and local midnights.
QList<UsageRow> generateRows(int count, quint32 seed, const LimitCalendar &calendar)
{
    QRandomGenerator random(seed);
    const qint64 from = utc(2025, 10, 20);
    const qint64 to = utc(2026, 4, 12);
    QList<qint64> edges{utc(2025, 10, 26, 1), utc(2026, 3, 29, 1)}; // Europe's DST changes
    for (int month = 11; month <= 16; ++month) {
        edges.append(calendar.monthStart(utc(2025 + (month - 1) / 12, (month - 1) % 12 + 1, 15)));
    }
    const QList<int> statuses{200, 200, 200, 200, 201, 400, 429, 500, 529, 0};
    QList<UsageRow> rows;
    for (int i = 0; i < count; ++i) {
        UsageRow row;
        row.requestId = u"req_%1"_s.arg(i);
        row.timestampMs = i % 3 == 0
                              ? edges.at(random.bounded(int(edges.size()))) + random.bounded(-3 * kHourMs, 3 * kHourMs)
                              : random.bounded(from, to);
        const int key = random.bounded(6);
        row.keyId = key == 5 ? QString() : u"key_%1"_s.arg(key);
        const int account = random.bounded(5);
        row.accountId = account == 4 ? QString() : u"acc_%1"_s.arg(account);
        const int model = random.bounded(5);
        row.model = model == 4 ? QString() : u"claude-model-%1"_s.arg(model);
        row.status = statuses.at(random.bounded(int(statuses.size())));
        row.stream = random.bounded(2) == 1;
        row.aborted = row.stream && random.bounded(5) == 0; // the client went away mid-stream: partial usage
        row.inputTokens = random.bounded(20000);
        row.outputTokens = row.status >= 400 ? 0 : random.bounded(4000);
        row.cacheCreate5mTokens = random.bounded(3) == 0 ? random.bounded(5000) : 0;
        row.cacheCreate1hTokens = random.bounded(7) == 0 ? random.bounded(9000) : 0;
        row.cacheReadTokens = random.bounded(60000);
        row.usageSeen = !row.aborted || random.bounded(2) == 1;
        row.totalMs = random.bounded(120000);
        row.costUsd = random.generateDouble() * 0.3;
        row.ratedCostUsd = row.costUsd * (1 + random.bounded(3) * 0.25);
        rows.append(row);
    }
    return rows;
}

} // namespace

class TestRollups : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    rd::store::StoreLocation location() const { return {m_dir->filePath(u"relaydesk.db"_s)}; }
    Database openOrFail(const QString &name = u"test"_s)
    {
        rd::Result<Database> db = Database::open(location(), name);
        if (!db) {
            qFatal("open failed: %s", qPrintable(db.error().detail));
        }
        return std::move(*db);
    }
    static LimitCalendar calendar()
    {
        QFETCH_GLOBAL(QByteArray, zone);
        return LimitCalendar(QTimeZone(zone), 1, 0);
    }
    // Writes the rows through a started writer in batches of 1 to 300 rows (one flush, so one transaction, each).
    static void writeInBatches(const QList<UsageRow> &rows, const LimitCalendar &cal, const QString &path)
    {
        StoreWriter writer({path});
        writer.setPolicy(cal, 0);
        writer.start();
        QRandomGenerator random(7);
        for (qsizetype i = 0; i < rows.size();) {
            const qsizetype n = std::min<qsizetype>(1 + random.bounded(300), rows.size() - i);
            for (qsizetype j = 0; j < n; ++j) {
                writer.enqueue(rows.at(i + j));
            }
            i += n;
            writer.flush();
        }
        if (writer.writtenRows() != rows.size() || writer.failedRows() != 0) {
            qFatal("the writer lost rows");
        }
    }
    void writeGenerated(int count = 6000)
    {
        const LimitCalendar cal = calendar();
        writeInBatches(generateRows(count, 42, cal), cal, location().sqlitePath);
    }

private slots:
    void initTestCase_data()
    {
        QTest::addColumn<QByteArray>("zone");
        QTest::newRow("Europe/Berlin (DST)") << "Europe/Berlin"_ba;
        QTest::newRow("Asia/Kolkata (+05:30)") << "Asia/Kolkata"_ba;
        QTest::newRow("UTC") << "UTC"_ba;
    }
    void initTestCase() { QVERIFY(QTimeZone("Europe/Berlin"_ba).isValid() && QTimeZone("Asia/Kolkata"_ba).isValid()); }
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    void rollupsEqualTheRequestRowsGroupedTheSameWay()
    {
        writeGenerated();
        Database db = openOrFail();
        QCOMPARE(db.usageTotals()->requests, 6000);
        const Table rollups = rollupTable(db);
        const QString diff = difference(rollups, expectedTable(db, calendar()));
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        // Day and month buckets start at local midnight (the DST days too); hour buckets are whole UTC hours.
        const QTimeZone zone = calendar().zone();
        int days = 0;
        for (auto it = rollups.cbegin(); it != rollups.cend(); ++it) {
            const QStringList parts = it.key().split(u'|');
            const QDateTime start = QDateTime::fromMSecsSinceEpoch(parts.at(1).toLongLong(), zone);
            if (parts.at(0) == u"hour") {
                QCOMPARE(parts.at(1).toLongLong() % kHourMs, 0);
            } else {
                QCOMPARE(start.time(), QTime(0, 0));
                days += parts.at(0) == u"day" ? 1 : 0;
                QVERIFY(parts.at(0) == u"day" || start.date().day() == 1);
            }
        }
        QVERIFY(days > 1000); // about 170 days × many key/account/model combinations
        // Both of Berlin's DST days are local days of 25 and 23 hours.
        const auto series = db.rollupSeries(u"day"_s, QString(), utc(2025, 10, 24), utc(2026, 3, 31), QString());
        QVERIFY(series);
        QList<qint64> starts;
        for (const auto &p : *series) {
            starts.append(p.bucketStartMs);
        }
        const qint64 fallBack = calendar().dayStart(utc(2025, 10, 26, 12));
        const qint64 springForward = calendar().dayStart(utc(2026, 3, 29, 12));
        QVERIFY(starts.contains(fallBack) && starts.contains(springForward));
        const bool berlin = zone.id() == "Europe/Berlin";
        QCOMPARE(calendar().nextDayStart(fallBack) - fallBack, berlin ? 25 * kHourMs : kDayMs);
        QCOMPARE(calendar().nextDayStart(springForward) - springForward, berlin ? 23 * kHourMs : kDayMs);
    }

    void rebuildGivesIdenticalTables()
    {
        writeGenerated();
        Database db = openOrFail();
        const Table before = rollupTable(db);
        QVERIFY(db.rebuildRollups(calendar()));
        QString diff = difference(rollupTable(db), before);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));

        // An upgrade: rows without rollups and no rollups_built; the writer builds them once its policy is known.
        QVERIFY(QSqlQuery(db.connection()).exec(u"DELETE FROM usage_rollups"_s));
        QVERIFY(QSqlQuery(db.connection()).exec(u"DELETE FROM meta WHERE key = 'rollups_built'"_s));
        {
            StoreWriter writer(location());
            writer.start(); // no policy yet: no rebuild in a guessed zone
            writer.enqueueTask([](Database &) -> rd::Result<void> { return {}; });
            writer.flush();
            QVERIFY(rollupTable(db).isEmpty());
            writer.setPolicy(calendar(), 0);
            writer.flush();
        }
        QCOMPARE(*db.meta(u"rollups_built"_s), std::optional<QString>(u"1"_s));
        diff = difference(rollupTable(db), before);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }

    void purgeKeepsRollupsAndALaterRebuildKeepsTheOldBuckets()
    {
        writeGenerated();
        Database db = openOrFail();
        const Table before = rollupTable(db);
        // Not on any bucket boundary: cuts an hour, a day and a month in two.
        const qint64 cut = utc(2026, 1, 15, 10, 17) + 12345;
        QSqlQuery count(db.connection());
        QVERIFY(count.exec(u"SELECT COUNT(*) FROM usage_requests WHERE ts_ms < %1"_s.arg(cut)) && count.next());
        const qint64 old = count.value(0).toLongLong();
        QVERIFY(old > 1000);
        count.finish();
        QCOMPARE(*db.purgeUsageBefore(cut, 700), old); // several chunks
        QCOMPARE(db.usageTotals()->requests, 6000 - old);
        QCOMPARE(db.usageTotals(QString(), 0)->requests, db.usageTotals(QString(), cut)->requests);
        QCOMPARE(*db.meta(u"usage_purged_before"_s), std::optional<QString>(QString::number(cut)));
        QString diff = difference(rollupTable(db), before);
        QVERIFY2(diff.isEmpty(), qPrintable(u"purge touched the rollups: "_s + diff));

        QVERIFY(db.rebuildRollups(calendar()));
        diff = difference(rollupTable(db), before);
        QVERIFY2(diff.isEmpty(), qPrintable(u"rebuild after a purge: "_s + diff));
        // A second, earlier purge never moves the horizon back; purging nothing changes nothing.
        QCOMPARE(*db.purgeUsageBefore(cut - kDayMs), 0);
        QCOMPARE(*db.meta(u"usage_purged_before"_s), std::optional<QString>(QString::number(cut)));
        // Every row gone: the rollups still hold all of it, and a rebuild has nothing to replace.
        QCOMPARE(*db.purgeUsageBefore(utc(2027, 1, 1)), 6000 - old);
        QVERIFY(db.rebuildRollups(calendar()));
        diff = difference(rollupTable(db), before);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        // New rows after all that land on top of the kept buckets, and a rebuild leaves both alone.
        QVERIFY(db.insertUsage(generateRows(50, 9, calendar()), calendar()));
        QVERIFY(db.rebuildRollups(calendar()));
        for (const QString &grain : {u"hour"_s, u"day"_s, u"month"_s}) {
            const auto series = db.rollupSeries(grain, QString(), 0, utc(2030, 1, 1), QString());
            QVERIFY(series);
            qint64 requests = 0;
            for (const auto &p : *series) {
                requests += p.totals.requests;
            }
            QCOMPARE(requests, 6050);
        }
    }

    void writerPurgesAtStartAndWhenTheRetentionShrinks()
    {
        const LimitCalendar cal = calendar();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QList<UsageRow> rows;
        for (int daysAgo : {40, 20, 12, 2}) {
            UsageRow row;
            row.requestId = u"req_%1"_s.arg(daysAgo);
            row.timestampMs = now - daysAgo * kDayMs;
            row.keyId = u"key_a"_s;
            row.inputTokens = daysAgo;
            row.status = 200;
            rows.append(row);
        }
        {
            Database db = openOrFail();
            QVERIFY(db.insertUsage(rows, cal));
        }
        StoreWriter writer(location());
        writer.setPolicy(cal, 30);
        writer.start();
        writer.enqueueTask([](Database &) -> rd::Result<void> { return {}; });
        writer.flush();
        Database db = openOrFail();
        QCOMPARE(db.usageTotals()->requests, 3);
        writer.setPolicy(cal, 30); // unchanged: nothing to do
        writer.setPolicy(cal, 10);
        writer.flush();
        QCOMPARE(db.usageTotals()->requests, 1);
        QCOMPARE(db.usageTotals()->inputTokens, 2);
        // The rollups still count all four requests.
        const auto months = db.rollupSeries(u"month"_s, u"key"_s, 0, now + kDayMs, u"key_a"_s);
        QVERIFY(months);
        qint64 requests = 0;
        qint64 input = 0;
        for (const auto &p : *months) {
            requests += p.totals.requests;
            input += p.totals.inputTokens;
        }
        QCOMPARE(requests, 4);
        QCOMPARE(input, 40 + 20 + 12 + 2);
        const qint64 horizon = Database::retentionHorizon(cal, 10, now);
        QCOMPARE(QDateTime::fromMSecsSinceEpoch(horizon, cal.zone()).time(), QTime(0, 0));
        QVERIFY(horizon <= now - 10 * kDayMs + kHourMs && horizon > now - 11 * kDayMs - kHourMs); // ±1 h: DST
        QCOMPARE(Database::retentionHorizon(cal, 0, now), 0);
    }

    void seriesGroupsByEveryDimension_data()
    {
        QTest::addColumn<QString>("granularity");
        QTest::addColumn<QString>("by");
        for (const QString &grain : {u"hour"_s, u"day"_s, u"month"_s}) {
            for (const QString &by : {QString(), u"key"_s, u"model"_s, u"account"_s, u"key-model"_s}) {
                QTest::addRow("%s by '%s'", qPrintable(grain), qPrintable(by)) << grain << by;
            }
        }
    }
    void seriesGroupsByEveryDimension()
    {
        QFETCH(QString, granularity);
        QFETCH(QString, by);
        writeGenerated(1500);
        Database db = openOrFail();
        const auto points = db.rollupSeries(granularity, by, 0, utc(2030, 1, 1), QString());
        QVERIFY(points);
        QHash<QString, rd::store::UsageTotals> sums;
        qint64 previous = 0;
        for (const auto &p : *points) {
            QVERIFY(p.bucketStartMs >= previous); // oldest first
            previous = p.bucketStartMs;
            rd::store::UsageTotals &s = sums[p.group];
            s.requests += p.totals.requests;
            s.inputTokens += p.totals.inputTokens;
            s.cacheReadTokens += p.totals.cacheReadTokens;
            s.costUsd += p.totals.costUsd;
            s.ratedCostUsd += p.totals.ratedCostUsd;
        }
        // One key only, and a window of buckets [from, to).
        const auto oneKey = db.rollupSeries(granularity, by, 0, utc(2030, 1, 1), u"key_1"_s);
        QVERIFY(oneKey);
        qint64 keyRequests = 0;
        for (const auto &p : *oneKey) {
            keyRequests += p.totals.requests;
        }
        QCOMPARE(keyRequests, db.usageTotals(u"key_1"_s)->requests);
        const qint64 from = calendar().monthStart(utc(2026, 1, 15));
        const qint64 to = calendar().monthStart(utc(2026, 2, 15));
        const auto january = db.rollupSeries(granularity, by, from, to, QString());
        QVERIFY(january);
        qint64 windowRequests = 0;
        for (const auto &p : *january) {
            QVERIFY(p.bucketStartMs >= from && p.bucketStartMs < to);
            windowRequests += p.totals.requests;
        }
        // Whole buckets: in a +05:30 zone local midnight falls mid-way through a UTC hour bucket.
        const auto firstBucketFrom = [&granularity](qint64 ms) {
            return granularity == u"hour" ? (ms + kHourMs - 1) / kHourMs * kHourMs : ms;
        };
        QCOMPARE(windowRequests,
                 db.usageTotals(QString(), firstBucketFrom(from))->requests
                     - db.usageTotals(QString(), firstBucketFrom(to))->requests);
        if (by.isEmpty()) {
            QCOMPARE(sums.keys(), QStringList{QString()});
            const rd::store::UsageTotals all = *db.usageTotals();
            QCOMPARE(sums.value(QString()).requests, all.requests);
            QVERIFY(std::abs(sums.value(QString()).ratedCostUsd - all.ratedCostUsd) < 1e-9);
            return;
        }
        const auto grouped = db.usageGrouped(by, 0);
        QVERIFY(grouped);
        QCOMPARE(sums.size(), grouped->size());
        for (const auto &[group, t] : *grouped) {
            QVERIFY2(sums.contains(group), qPrintable(group));
            QCOMPARE(sums.value(group).requests, t.requests);
            QCOMPARE(sums.value(group).inputTokens, t.inputTokens);
            QCOMPARE(sums.value(group).cacheReadTokens, t.cacheReadTokens);
            QVERIFY(std::abs(sums.value(group).costUsd - t.costUsd) < 1e-9);
            QVERIFY(std::abs(sums.value(group).ratedCostUsd - t.ratedCostUsd) < 1e-9);
            if (by == u"key-model") {
                QCOMPARE(group.count(u'|'), 1);
            }
        }
    }

    void unknownGranularityOrGroupingIsRefused_data()
    {
        QTest::addColumn<QString>("granularity");
        QTest::addColumn<QString>("by");
        QTest::newRow("week") << u"week"_s << u"key"_s;
        QTest::newRow("upper case") << u"HOUR"_s << u"key"_s;
        QTest::newRow("empty granularity") << QString() << u"key"_s;
        QTest::newRow("SQL as granularity") << u"hour' OR '1'='1"_s << QString();
        QTest::newRow("column name") << u"day"_s << u"key_id"_s;
        QTest::newRow("SQL as grouping") << u"day"_s << u"model; DROP TABLE usage_rollups"_s;
    }
    void unknownGranularityOrGroupingIsRefused()
    {
        QFETCH(QString, granularity);
        QFETCH(QString, by);
        Database db = openOrFail();
        const auto points = db.rollupSeries(granularity, by, 0, utc(2030, 1, 1), QString());
        QVERIFY(!points);
        QCOMPARE(points.error().code, rd::ErrorCode::InvalidArgument);
        if (!by.isEmpty() && by != u"key") {
            QCOMPARE(db.usageGrouped(by, 0).error().code, rd::ErrorCode::InvalidArgument);
        }
        QVERIFY(db.rollupSeries(u"day"_s, QString(), 0, 1, QString())); // the table is still there
    }
};

QTEST_GUILESS_MAIN(TestRollups)
#include "tst_rollups.moc"
