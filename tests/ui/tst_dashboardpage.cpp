// SPDX-License-Identifier: GPL-3.0-or-later
// The dashboard against a real relay (offscreen): live charts, account load, subscription windows, today's totals,
// and timers that run only while the page is active and shown.
#include "core/facade/storeclient.h"
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"
#include "ui/pages/dashboardpage.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

namespace {
const QByteArray kBody = R"({"model":"claude-sonnet-4-5-20250929","max_tokens":16,)"
                         R"("messages":[{"role":"user","content":"hi"}]})"_ba;

QLineSeries *series(rd::ui::DashboardPage &page, const QString &chart, int index = 0)
{
    auto *view = page.findChild<QChartView *>(chart);
    if (!view || view->chart()->series().size() <= index) {
        return nullptr;
    }
    return qobject_cast<QLineSeries *>(view->chart()->series().at(index));
}

double sum(const QLineSeries *s)
{
    double total = 0;
    for (const QPointF &p : s->points()) {
        total += p.y();
    }
    return total;
}

bool timersRunning(rd::ui::DashboardPage &page)
{
    const auto *live = page.findChild<QTimer *>(u"liveTimer"_s);
    const auto *totals = page.findChild<QTimer *>(u"totalsTimer"_s);
    return live && totals && live->isActive() && totals->isActive();
}

bool timersStopped(rd::ui::DashboardPage &page)
{
    const auto *live = page.findChild<QTimer *>(u"liveTimer"_s);
    const auto *totals = page.findChild<QTimer *>(u"totalsTimer"_s);
    return live && totals && !live->isActive() && !totals->isActive();
}
} // namespace

class TestDashboardPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void showsNothingAndRunsNothingWithoutAnEngine()
    {
        rd::ui::DashboardPage page;
        QCOMPARE(page.objectName(), u"dashboardPage"_s);
        QCOMPARE(page.title(), u"Dashboard"_s);
        page.show();
        page.setActive(true);
        QVERIFY(timersStopped(page));
        QTest::qWait(50);
        QVERIFY(series(page, u"requestsChart"_s)->points().isEmpty());
        QCOMPARE(page.findChild<QTableWidget *>(u"accountLoad"_s)->rowCount(), 0);
        QVERIFY(page.findChild<QLabel *>(u"todayTotals"_s)->text().isEmpty());
        page.setActive(false);
    }

    void showsLiveTrafficAccountsAndTodaysTotals()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        rd::test::RelayHarness relay;
        relay.config().backgroundRefreshMs = 200; // the refresher fetches the subscription windows soon
        rd::test::RelayHarness::AccountOptions account;
        account.name = u"team plan"_s;
        account.baseUrl = upstream.baseUrl();
        account.oauth = true;
        account.tokenExpiresAtMs = QDateTime::currentMSecsSinceEpoch() + 3'600'000;
        account.maxConcurrency = 4;
        const QString accountId = relay.addAccount(account);
        QVERIFY(!accountId.isEmpty());
        const QByteArray key = relay.addKey(u"owner"_s, true, {}, true); // a subscription serves its owner
        QVERIFY(relay.start());

        rd::facade::StoreClient store(relay.service()->storeLocation());
        rd::ui::DashboardPage page;
        page.attach(rd::ui::UiContext{relay.service(), &store, relay.dataDir()});
        page.resize(900, 700);
        page.show();
        page.setActive(true);
        QVERIFY(page.isActive());
        QVERIFY(timersRunning(page));

        for (int i = 0; i < 3; ++i) {
            const auto response = RelayClient::roundTrip(
                relay.port(), RelayClient::post("/api/v1/messages", kBody, RelayClient::anthropicHeaders(key)));
            QCOMPARE(response.status, 200);
        }
        relay.flushUsage();

        // Charts: every request of the last hour is on the requests chart; latency has a p50 and a p99 series.
        QLineSeries *requests = series(page, u"requestsChart"_s);
        QVERIFY(requests);
        QTRY_COMPARE(sum(requests), 3.0);
        QCOMPARE(requests->count(), 60);
        const qint64 minute = QDateTime::currentMSecsSinceEpoch() / 60'000 * 60'000;
        QVERIFY(qAbs(static_cast<qint64>(requests->points().constLast().x()) - minute) <= 60'000);
        QVERIFY(sum(series(page, u"tokensChart"_s)) >= 3 * 18); // 12 in + 6 out each
        QVERIFY(series(page, u"costChart"_s));
        QVERIFY(series(page, u"latencyChart"_s, 1));
        QVERIFY(!series(page, u"latencyChart"_s, 0)->points().isEmpty());

        // Account load lists the account with its concurrency limit.
        auto *accounts = page.findChild<QTableWidget *>(u"accountLoad"_s);
        QVERIFY(accounts);
        QTRY_COMPARE(accounts->rowCount(), 1);
        QVERIFY(accounts->item(0, 0)->text().startsWith(u"team plan"_s)); // the harness numbers names
        QCOMPARE(accounts->item(0, 0)->data(Qt::UserRole).toString(), accountId);
        QCOMPARE(accounts->item(0, 2)->text(), u"0 / 4"_s);

        // Subscription windows as the refresher stores them (fractions of 1): the mock reports 19% and 7.5%.
        QTRY_VERIFY(page.findChild<QProgressBar *>(u"subscription:%1/5h"_s.arg(accountId)));
        auto *fiveHour = page.findChild<QProgressBar *>(u"subscription:%1/5h"_s.arg(accountId));
        QTRY_COMPARE(fiveHour->value(), 190);
        QVERIFY(fiveHour->toolTip().startsWith(u"Resets "_s));
        QTRY_COMPARE(page.findChild<QProgressBar *>(u"subscription:%1/7d"_s.arg(accountId))->value(), 75);

        // Stopping and starting again refreshes at once (today's totals come from the store).
        page.setActive(false);
        QVERIFY(timersStopped(page));
        page.setActive(true);
        QVERIFY(timersRunning(page));
        auto *totals = page.findChild<QLabel *>(u"todayTotals"_s);
        QTRY_VERIFY2(totals->text().startsWith(u"3 requests"_s), qPrintable(totals->text()));

        // Hidden (another page, or the window in the tray): nothing runs, even while still active.
        page.hide();
        QVERIFY(timersStopped(page));
        page.show();
        QVERIFY(timersRunning(page));
        page.setActive(false);
        QVERIFY(timersStopped(page));
        store.waitForIdle();
    }
};

QTEST_MAIN(TestDashboardPage)
#include "tst_dashboardpage.moc"
