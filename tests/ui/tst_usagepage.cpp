// SPDX-License-Identifier: GPL-3.0-or-later
// The usage page (offscreen) over usage rows written straight into a relay's store: totals per model and key for the
// chosen range with names resolved, one bar set per group, the metric switch, ranges in the relay's zone, the CSV
// text and the export.
#include "core/facade/storeclient.h"
#include "core/policy/keylimiter.h"
#include "core/policy/limitcalendar.h"
#include "tests/support/relayharness.h"
#include "ui/pages/usagepage.h"

#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedBarSeries>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <memory>

using namespace Qt::StringLiterals;
using rd::policy::LimitCalendar;
using rd::store::UsageRow;
using rd::ui::UsagePage;
using rd::ui::UsageRange;

namespace {
const QString kSonnet = u"claude-sonnet-4-5"_s;
const QString kOpus = u"claude-opus-4-1"_s;

enum Column
{
    Name,
    Requests,
    Input,
    Output,
    CacheWrites,
    CacheReads,
    Cost,
    RatedCost,
};

class ExportingPage : public UsagePage
{
public:
    QString path;

protected:
    QString chooseExportPath() override { return path; }
};

// The row whose name column shows name (the totals row is "Total"), or -1.
int rowNamed(QTableWidget *table, const QString &name)
{
    for (int r = 0; r < table->rowCount(); ++r) {
        if (table->item(r, Name) && table->item(r, Name)->text() == name) {
            return r;
        }
    }
    return -1;
}

QVariant cell(QTableWidget *table, const QString &row, Column column)
{
    const int r = rowNamed(table, row);
    return r < 0 ? QVariant() : table->item(r, column)->data(Qt::UserRole);
}

QList<QBarSet *> barSets(UsagePage &page)
{
    auto *view = page.findChild<QChartView *>(u"usageChart"_s);
    if (!view || view->chart()->series().size() != 1) {
        return {};
    }
    auto *series = qobject_cast<QStackedBarSeries *>(view->chart()->series().constFirst());
    return series ? series->barSets() : QList<QBarSet *>();
}

double setSum(const QList<QBarSet *> &sets, const QString &label)
{
    for (const QBarSet *set : sets) {
        if (set->label() == label) {
            double sum = 0;
            for (int i = 0; i < set->count(); ++i) {
                sum += set->at(i);
            }
            return sum;
        }
    }
    return -1;
}

bool choose(UsagePage &page, const QString &combo, int index)
{
    QSignalSpy shown(&page, &UsagePage::reportShown);
    page.findChild<QComboBox *>(combo)->setCurrentIndex(index);
    return shown.wait(5000);
}
} // namespace

class TestUsagePage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_relay = std::make_unique<rd::test::RelayHarness>();
        rd::store::ApiKeyRecord alice;
        alice.name = u"alice"_s;
        QVERIFY(!m_relay->addKey(alice, &m_alice).isEmpty());
        rd::store::ApiKeyRecord bob;
        bob.name = u"bob"_s;
        QVERIFY(!m_relay->addKey(bob, &m_bob).isEmpty());
        m_account = m_relay->addAccount({});
        QVERIFY(m_relay->start());
        const LimitCalendar calendar = m_relay->service()->limiter()->calendar();
        QVERIFY(m_relay->db().insertUsage(usageRows(calendar), calendar));
        m_store = std::make_unique<rd::facade::StoreClient>(m_relay->service()->storeLocation());
    }

    void cleanupTestCase()
    {
        m_store.reset();
        m_relay.reset();
    }

    void totalsPerModelAndKeyForTheLastSevenDays()
    {
        UsagePage page;
        QCOMPARE(page.objectName(), u"usagePage"_s);
        QCOMPARE(page.title(), u"Usage"_s);
        QCOMPARE(page.findChild<QComboBox *>(u"rangePicker"_s)->currentText(), u"Last 7 days"_s);
        attach(page);
        auto *table = page.findChild<QTableWidget *>(u"usageTable"_s);
        QVERIFY(table);

        // Grouped by model (the default): one row per model and the totals.
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(cell(table, kSonnet, Requests).toLongLong(), 3);
        QCOMPARE(cell(table, kSonnet, Input).toLongLong(), 410);
        QCOMPARE(cell(table, kSonnet, Cost).toDouble(), 0.80);
        QCOMPARE(cell(table, kOpus, CacheWrites).toLongLong(), 15);
        QCOMPARE(cell(table, kOpus, CacheReads).toLongLong(), 300);
        QCOMPARE(cell(table, kOpus, RatedCost).toDouble(), 3.90);
        QCOMPARE(rowNamed(table, u"Total"_s), 2);
        QCOMPARE(cell(table, u"Total"_s, Requests).toLongLong(), 5);
        QCOMPARE(cell(table, u"Total"_s, Input).toLongLong(), 660);
        QCOMPARE(cell(table, u"Total"_s, Output).toLongLong(), 205);
        QCOMPARE(cell(table, u"Total"_s, Cost).toDouble(), 3.80);
        QCOMPARE(cell(table, u"Total"_s, RatedCost).toDouble(), 4.80);
        QCOMPARE(table->item(0, Name)->text(), kOpus); // largest cost first

        // Grouped by key: the keys' names, the same totals.
        QVERIFY(choose(page, u"groupBy"_s, 2));
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(cell(table, u"alice"_s, Requests).toLongLong(), 2);
        QCOMPARE(cell(table, u"alice"_s, Cost).toDouble(), 2.50);
        QCOMPARE(cell(table, u"bob"_s, Requests).toLongLong(), 3);
        QCOMPARE(cell(table, u"bob"_s, Cost).toDouble(), 1.30);
        QCOMPARE(table->item(rowNamed(table, u"bob"_s), Name)->data(Qt::UserRole).toString(), m_bob);
        QCOMPARE(cell(table, u"Total"_s, Cost).toDouble(), 3.80);

        // The wider range takes in the older row; the page's range is the one CSV exports.
        QVERIFY(choose(page, u"rangePicker"_s, 2));
        QCOMPARE(cell(table, u"alice"_s, Cost).toDouble(), 9.50);
        QCOMPARE(cell(table, u"Total"_s, Requests).toLongLong(), 6);
        QCOMPARE(page.report().range.bucketStarts.size(), 30);
    }

    void chartHasOneSetPerGroupAndFollowsTheMetric()
    {
        UsagePage page;
        attach(page);
        QList<QBarSet *> sets = barSets(page);
        QCOMPARE(sets.size(), 2);
        QCOMPARE(sets.constFirst()->count(), 7); // one bar per day
        QCOMPARE(setSum(sets, kSonnet), 0.80);
        QCOMPARE(setSum(sets, kOpus), 3.00);

        page.findChild<QComboBox *>(u"metric"_s)->setCurrentIndex(2); // requests: drawn from what is loaded
        sets = barSets(page);
        QCOMPARE(setSum(sets, kSonnet), 3.0);
        QCOMPARE(setSum(sets, kOpus), 2.0);
        page.findChild<QComboBox *>(u"metric"_s)->setCurrentIndex(3); // tokens
        QCOMPARE(setSum(barSets(page), kOpus), 250.0 + 130 + 15 + 300);

        QVERIFY(choose(page, u"groupBy"_s, 2));
        QCOMPARE(barSets(page).size(), 2);
        QCOMPARE(setSum(barSets(page), u"alice"_s), 100.0 + 50 + 200 + 80 + 15 + 300);
        QVERIFY(choose(page, u"groupBy"_s, 0)); // no grouping: one set
        QCOMPARE(barSets(page).size(), 1);

        QVERIFY(choose(page, u"rangePicker"_s, 0)); // today: hours
        QCOMPARE(page.report().range.bucket, u"hour"_s);
        QCOMPARE(barSets(page).constFirst()->count(), page.report().range.bucketStarts.size());
        QVERIFY(choose(page, u"rangePicker"_s, 3)); // 12 months: months
        QCOMPARE(barSets(page).constFirst()->count(), 12);
    }

    void rangesFollowTheRelaysZone_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QDate>("from");
        QTest::addColumn<QDate>("to");
        QTest::addColumn<QString>("granularity");
        QTest::addColumn<QString>("bucket");
        QTest::addColumn<QString>("start");
        QTest::addColumn<QString>("end");
        QTest::addColumn<int>("buckets");
        const auto today = static_cast<int>(UsageRange::Kind::Today);
        const auto week = static_cast<int>(UsageRange::Kind::Last7Days);
        const auto year = static_cast<int>(UsageRange::Kind::Last12Months);
        const auto custom = static_cast<int>(UsageRange::Kind::Custom);
        QTest::newRow("today") << today << QDate() << QDate() << u"hour"_s << u"hour"_s
                               << u"2026-03-31T00:00:00+02:00"_s << u"2026-04-01T00:00:00+02:00"_s << 24;
        QTest::newRow("7 days across summer time")
            << week << QDate() << QDate() << u"day"_s << u"day"_s << u"2026-03-25T00:00:00+01:00"_s
            << u"2026-04-01T00:00:00+02:00"_s << 7;
        QTest::newRow("12 months") << year << QDate() << QDate() << u"month"_s << u"month"_s
                                   << u"2025-04-01T00:00:00+02:00"_s << u"2026-04-01T00:00:00+02:00"_s << 12;
        QTest::newRow("custom day of 23 hours")
            << custom << QDate(2026, 3, 29) << QDate(2026, 3, 29) << u"hour"_s << u"hour"_s
            << u"2026-03-29T00:00:00+01:00"_s << u"2026-03-30T00:00:00+02:00"_s << 23;
        QTest::newRow("custom half year, reversed")
            << custom << QDate(2026, 6, 30) << QDate(2026, 1, 1) << u"day"_s << u"month"_s
            << u"2026-01-01T00:00:00+01:00"_s << u"2026-07-01T00:00:00+02:00"_s << 6;
    }
    void rangesFollowTheRelaysZone()
    {
        QFETCH(int, kind);
        QFETCH(QDate, from);
        QFETCH(QDate, to);
        const QTimeZone berlin("Europe/Berlin");
        const LimitCalendar calendar(berlin, 1, 0);
        const qint64 now = QDateTime(QDate(2026, 3, 31), QTime(10, 0), berlin).toMSecsSinceEpoch();
        const UsageRange r = UsageRange::compute(static_cast<UsageRange::Kind>(kind), calendar, now, from, to);
        QTEST(r.granularity, "granularity");
        QTEST(r.bucket, "bucket");
        QTEST(QDateTime::fromMSecsSinceEpoch(r.fromMs, berlin).toString(Qt::ISODate), "start");
        QTEST(QDateTime::fromMSecsSinceEpoch(r.toMs, berlin).toString(Qt::ISODate), "end");
        QTEST(static_cast<int>(r.bucketStarts.size()), "buckets");
        QCOMPARE(r.bucketStarts.constFirst(), r.fromMs);
    }

    void csvHasTheCliColumnsAndTheRange()
    {
        rd::ui::UsageReport report;
        report.by = u"key"_s;
        report.zone = QTimeZone::utc();
        report.range.fromMs = QDateTime(QDate(2026, 5, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        report.range.toMs = QDateTime(QDate(2026, 5, 8), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        rd::store::UsageTotals a;
        a.requests = 3;
        a.inputTokens = 100;
        a.outputTokens = 20;
        a.cacheCreate5mTokens = 5;
        a.cacheCreate1hTokens = 6;
        a.cacheReadTokens = 7;
        a.costUsd = 1.5;
        a.ratedCostUsd = 1.8;
        rd::store::UsageTotals b;
        b.requests = 1;
        b.costUsd = 0.000125;
        report.rows = {{u"key_1"_s, u"team, \"blue\""_s, a}, {u"key_gone"_s, QString(), b}};
        QCOMPARE(rd::ui::usageCsv(report),
                 u"key,name,requests,input_tokens,output_tokens,cache_write_5m_tokens,cache_write_1h_tokens,"
                 "cache_read_tokens,cost_usd,rated_cost_usd,range_start,range_end\n"
                 "key_1,\"team, \"\"blue\"\"\",3,100,20,5,6,7,1.500000,1.800000,2026-05-01T00:00:00+00:00,"
                 "2026-05-08T00:00:00+00:00\n"
                 "key_gone,,1,0,0,0,0,0,0.000125,0.000000,2026-05-01T00:00:00+00:00,2026-05-08T00:00:00+00:00\n"_s);
        report.by.clear();
        report.rows.clear();
        QVERIFY(rd::ui::usageCsv(report).startsWith(u"group,name,requests,"_s));
    }

    void exportWritesTheTableAsCsv()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ExportingPage page;
        page.path = dir.filePath(u"usage.csv"_s);
        auto *button = page.findChild<QPushButton *>(u"exportButton"_s);
        QVERIFY(!button->isEnabled()); // nothing to export yet
        attach(page);
        QVERIFY(button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
        QFile file(page.path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString csv = QString::fromUtf8(file.readAll());
        QCOMPARE(csv, rd::ui::usageCsv(page.report()));
        QCOMPARE(csv.count(u'\n'), 3); // header and the two models
        QVERIFY(csv.contains(kOpus + u",claude-opus-4-1,2,250,130,10,5,300,3.000000,3.900000,"_s));

        page.path.clear(); // cancelled: nothing written, nothing changed
        QVERIFY(file.remove());
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(!QFile::exists(dir.filePath(u"usage.csv"_s)));
    }

private:
    void attach(UsagePage &page)
    {
        QSignalSpy shown(&page, &UsagePage::reportShown);
        page.attach(rd::ui::UiContext{m_relay->service(), m_store.get(), m_relay->dataDir()});
        page.resize(1000, 700);
        page.show();
        page.setActive(true);
        QVERIFY(shown.wait(5000));
    }

    // Two keys, two models, several days in the relay's zone: five rows in the last 7 days, one 10 and one 40 days
    // back.
    QList<UsageRow> usageRows(const LimitCalendar &calendar) const
    {
        const qint64 now = m_relay->service()->now();
        const QDate today = QDateTime::fromMSecsSinceEpoch(now, calendar.zone()).date();
        const auto at = [&](int daysBack) {
            const qint64 midnight = calendar.dayStart(now);
            return daysBack == 0
                       ? midnight + (now - midnight) / 2
                       : QDateTime(today.addDays(-daysBack), QTime(12, 0), calendar.zone()).toMSecsSinceEpoch();
        };
        QList<UsageRow> rows;
        const auto add = [&](int daysBack,
                             const QString &key,
                             const QString &model,
                             const QList<qint64> &tokens,
                             double cost,
                             double rated) {
            UsageRow r;
            r.requestId = u"req_%1"_s.arg(rows.size());
            r.timestampMs = at(daysBack);
            r.keyId = key;
            r.accountId = m_account;
            r.model = model;
            r.route = u"anthropic.messages"_s;
            r.status = 200;
            r.usageSeen = true;
            r.inputTokens = tokens.value(0);
            r.outputTokens = tokens.value(1);
            r.cacheCreate5mTokens = tokens.value(2);
            r.cacheCreate1hTokens = tokens.value(3);
            r.cacheReadTokens = tokens.value(4);
            r.costUsd = cost;
            r.ratedCostUsd = rated;
            rows.append(r);
        };
        add(0, m_alice, kSonnet, {100, 50}, 0.50, 0.60);
        add(1, m_alice, kOpus, {200, 80, 10, 5, 300}, 2.00, 2.40);
        add(3, m_bob, kSonnet, {300, 20}, 0.25, 0.25);
        add(3, m_bob, kSonnet, {10, 5}, 0.05, 0.05);
        add(6, m_bob, kOpus, {50, 50}, 1.00, 1.50);
        add(10, m_alice, kOpus, {1, 1}, 7.00, 7.00);
        add(40, m_bob, kSonnet, {1, 1}, 9.00, 9.00);
        return rows;
    }

    std::unique_ptr<rd::test::RelayHarness> m_relay;
    std::unique_ptr<rd::facade::StoreClient> m_store;
    QString m_alice;
    QString m_bob;
    QString m_account;
};

QTEST_MAIN(TestUsagePage)
#include "tst_usagepage.moc"
