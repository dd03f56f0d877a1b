// SPDX-License-Identifier: GPL-3.0-or-later
// The Logs page against a real relay (offscreen): the request log with names and a details pane, the live log fed by
// LogHub (redacted, filtered by level and text), and a refresh timer that runs only while the page is active and shown.
#include "core/facade/storeclient.h"
#include "core/util/loghub.h"
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"
#include "ui/pages/logspage.h"

#include <QAbstractItemModel>
#include <QComboBox>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

Q_LOGGING_CATEGORY(lcPageTest, "relaydesk.test.logspage", QtInfoMsg)

namespace {
const QByteArray kBody = R"({"model":"claude-sonnet-4-5-20250929","max_tokens":16,)"
                         R"("messages":[{"role":"user","content":"hi"}]})"_ba;

// Messages (column 3) of the rows the live log shows.
QStringList shownMessages(rd::ui::LogsPage &page)
{
    auto *view = page.findChild<QTableView *>(u"liveLog"_s);
    QStringList out;
    const QAbstractItemModel *model = view->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        out << model->index(row, 3).data().toString();
    }
    return out;
}

int shownContaining(rd::ui::LogsPage &page, const QString &needle)
{
    int n = 0;
    for (const QString &m : shownMessages(page)) {
        n += m.contains(needle) ? 1 : 0;
    }
    return n;
}

QTimer *requestTimer(rd::ui::LogsPage &page)
{
    return page.findChild<QTimer *>(u"requestTimer"_s);
}
} // namespace

class TestLogsPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(rd::LogHub::install());
    }
    void cleanupTestCase() { rd::LogHub::uninstall(); }

    void hasItsPartsAndRunsNothingWithoutAnEngine()
    {
        rd::ui::LogsPage page;
        QCOMPARE(page.objectName(), u"logsPage"_s);
        QCOMPARE(page.title(), u"Logs"_s);
        QVERIFY(page.findChild<QTabWidget *>());
        QVERIFY(page.findChild<QTableView *>(u"liveLog"_s));
        QVERIFY(page.findChild<QComboBox *>(u"levelFilter"_s));
        QVERIFY(page.findChild<QLineEdit *>(u"search"_s));
        QVERIFY(page.findChild<QTableWidget *>(u"requestLog"_s));
        auto *details = page.findChild<QPlainTextEdit *>(u"requestDetails"_s);
        QVERIFY(details && details->isReadOnly());
        page.setLogHub(nullptr); // null-safe
        page.show();
        page.setActive(true);
        QVERIFY(!requestTimer(page)->isActive()); // no store: nothing to poll
        qCWarning(lcPageTest) << "not attached to a hub";
        QTest::qWait(2 * rd::LogHub::kEmitIntervalMs);
        QCOMPARE(shownContaining(page, u"not attached"_s), 0);
    }

    void showsRequestsWithNamesAndDetails()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        rd::test::RelayHarness relay;
        rd::test::RelayHarness::AccountOptions account;
        account.name = u"console team"_s;
        account.baseUrl = upstream.baseUrl();
        const QString accountId = relay.addAccount(account);
        QVERIFY(!accountId.isEmpty());
        const auto accounts = relay.db().listAccounts();
        QVERIFY(accounts && accounts->size() == 1);
        const QString accountName = accounts->first().name; // the harness numbers the names it is given
        QVERIFY(accountName.startsWith(u"console team"_s));
        const QByteArray key = relay.addKey(u"laptop key"_s);
        QVERIFY(relay.start());

        const auto response = RelayClient::roundTrip(
            relay.port(), RelayClient::post("/api/v1/messages", kBody, RelayClient::anthropicHeaders(key)));
        QCOMPARE(response.status, 200);
        relay.flushUsage();
        const auto usage = relay.db().recentUsage(1);
        QVERIFY(usage && usage->size() == 1);
        const QString requestId = usage->first().requestId;
        QVERIFY(!requestId.isEmpty());

        rd::facade::StoreClient store(relay.service()->storeLocation());
        rd::ui::LogsPage page;
        page.attach(rd::ui::UiContext{relay.service(), &store, relay.dataDir()});
        page.resize(900, 600);
        page.show();
        QVERIFY(!requestTimer(page)->isActive()); // shown but not active: no polling
        page.setActive(true);
        QVERIFY(requestTimer(page)->isActive());
        QCOMPARE(requestTimer(page)->interval(), rd::ui::LogsPage::kRequestIntervalMs);

        auto *tabs = page.findChild<QTabWidget *>();
        auto *table = page.findChild<QTableWidget *>(u"requestLog"_s);
        tabs->setCurrentIndex(1);
        QTRY_COMPARE(table->rowCount(), 1); // read once on activation, asynchronously
        QCOMPARE(table->item(0, 1)->text(), u"laptop key"_s);
        QCOMPARE(table->item(0, 2)->text(), accountName);
        QCOMPARE(table->item(0, 3)->text(), u"claude-sonnet-4-5-20250929"_s);
        QCOMPARE(table->item(0, 4)->text(), u"200"_s);

        auto *details = page.findChild<QPlainTextEdit *>(u"requestDetails"_s);
        QVERIFY(details->toPlainText().isEmpty());
        table->selectRow(0);
        QVERIFY(details->toPlainText().contains(requestId));
        QVERIFY(details->toPlainText().contains(u"laptop key"_s));
        QVERIFY(details->toPlainText().contains(u"anthropic"_s)); // the route
        QVERIFY(!details->toPlainText().contains(QString::fromLatin1(key)));

        // Hidden or inactive: the timer stops; active again: an immediate read picks up the new request.
        page.setActive(false);
        QVERIFY(!requestTimer(page)->isActive());
        QCOMPARE(RelayClient::roundTrip(
                     relay.port(), RelayClient::post("/api/v1/messages", kBody, RelayClient::anthropicHeaders(key)))
                     .status,
                 200);
        relay.flushUsage();
        page.setActive(true);
        QTRY_COMPARE(table->rowCount(), 2);
        QCOMPARE(details->toPlainText().contains(requestId), true); // the selection follows its request
        page.hide();
        QVERIFY(!requestTimer(page)->isActive());
    }

    void liveLogIsRedactedFilteredAndSearchable()
    {
        rd::ui::LogsPage page;
        page.setLogHub(rd::LogHub::instance());
        page.resize(900, 600);
        page.show();
        page.setActive(true);

        const QByteArray key = "cr_" + QByteArray("0123456789abcdef").repeated(4);
        qCWarning(lcPageTest, "refused key %s marker-a", key.constData());
        qCInfo(lcPageTest, "informational marker-b");
        qCInfo(lcPageTest, "informational marker-c");
        QTRY_COMPARE(shownContaining(page, u"marker-"_s), 3);
        QCOMPARE(shownContaining(page, u"refused key cr_012…redacted marker-a"_s), 1);
        for (const QString &m : shownMessages(page)) {
            QVERIFY2(!m.contains(QString::fromLatin1(key)), "a key reached the live log");
        }

        auto *level = page.findChild<QComboBox *>(u"levelFilter"_s);
        level->setCurrentIndex(level->findData(rd::LogHub::severity(QtWarningMsg)));
        QCOMPARE(shownContaining(page, u"marker-"_s), 1);
        QCOMPARE(shownContaining(page, u"marker-a"_s), 1);
        level->setCurrentIndex(level->findData(rd::LogHub::severity(QtInfoMsg)));
        QCOMPARE(shownContaining(page, u"marker-"_s), 3);

        auto *search = page.findChild<QLineEdit *>(u"search"_s);
        QTest::keyClicks(search, u"MARKER-B"_s); // case-insensitive
        QCOMPARE(shownMessages(page), QStringList{u"informational marker-b"_s});
        search->clear();
        QTest::keyClicks(search, u"test.logspage"_s); // the category is searched too
        QCOMPARE(shownContaining(page, u"marker-"_s), 3);
        search->clear();

        // A second page attached later starts with what the hub already holds.
        rd::ui::LogsPage late;
        late.setLogHub(rd::LogHub::instance());
        QCOMPARE(shownContaining(late, u"marker-"_s), 3);
        late.setLogHub(nullptr);
        qCInfo(lcPageTest, "informational marker-d");
        QTRY_COMPARE(shownContaining(page, u"marker-"_s), 4);
        QCOMPARE(shownContaining(late, u"marker-"_s), 3); // detached: no longer fed
    }

    void followsTheNewestLineOnlyAtTheBottom()
    {
        rd::ui::LogsPage page;
        page.setLogHub(rd::LogHub::instance());
        page.resize(600, 300);
        page.show();
        auto *view = page.findChild<QTableView *>(u"liveLog"_s);
        for (int i = 0; i < 200; ++i) {
            qCInfo(lcPageTest, "filler %d", i);
        }
        QTRY_VERIFY(shownContaining(page, u"filler 199"_s) == 1);
        QTRY_COMPARE(view->verticalScrollBar()->value(), view->verticalScrollBar()->maximum());
        QVERIFY(view->verticalScrollBar()->maximum() > 0);

        view->verticalScrollBar()->setValue(0); // the user scrolls up to read: stay there
        for (int i = 0; i < 50; ++i) {
            qCInfo(lcPageTest, "more %d", i);
        }
        QTRY_VERIFY(shownContaining(page, u"more 49"_s) == 1);
        QCOMPARE(view->verticalScrollBar()->value(), 0);
    }
};

QTEST_MAIN(TestLogsPage)
#include "tst_logspage.moc"
