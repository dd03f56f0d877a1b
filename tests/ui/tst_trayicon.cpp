// SPDX-License-Identifier: GPL-3.0-or-later
// The tray icon's menu against a real relay (offscreen). Offscreen there may be no system tray, so the test drives the
// menu's actions directly; nothing here depends on the icon being shown or on a notification daemon.
#include "core/relay/relayservice.h"
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/tray/trayicon.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

namespace {
QByteArray messagesBody()
{
    return R"({"model":"claude-sonnet-4-5-20250929","max_tokens":16,"messages":[{"role":"user","content":"hi"}]})"_ba;
}
} // namespace

class TestTrayIcon : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<MockUpstream> m_mock;
    std::unique_ptr<rd::test::RelayHarness> m_relay;
    std::unique_ptr<rd::ui::MainWindow> m_window;
    std::unique_ptr<rd::ui::TrayIcon> m_tray;
    QByteArray m_key;
    QString m_accountId;

    int call()
    {
        return RelayClient::roundTrip(
                   m_relay->port(),
                   RelayClient::post("/api/v1/messages", messagesBody(), RelayClient::anthropicHeaders(m_key)))
            .status;
    }
    QAction *action(const QString &name) const { return m_tray->menu()->findChild<QAction *>(name); }
    void showMenu() { emit m_tray->menu()->aboutToShow(); } // what opening the menu does, without a tray host

private slots:
    void init()
    {
        m_mock = std::make_unique<MockUpstream>();
        QVERIFY(m_mock->listen());
        m_relay = std::make_unique<rd::test::RelayHarness>();
        rd::test::RelayHarness::AccountOptions a;
        a.name = u"console"_s;
        a.baseUrl = m_mock->baseUrl();
        m_accountId = m_relay->addAccount(a);
        QVERIFY(!m_accountId.isEmpty());
        m_key = m_relay->addKey(u"tray"_s);
        QVERIFY(m_relay->start());
        m_window = std::make_unique<rd::ui::MainWindow>();
        m_tray = std::make_unique<rd::ui::TrayIcon>(m_window.get());
        QCOMPARE(m_tray->state(), rd::ui::TrayIcon::State::Starting);
        m_window->attach(m_relay->service(), m_relay->dataDir(), QString());
        m_tray->attach(m_window->context());
        m_tray->show();
    }
    void cleanup()
    {
        m_tray.reset(); // before the window whose store client it uses
        m_window.reset();
        m_relay.reset();
        m_mock.reset();
    }

    void buildsTheMenu()
    {
        QCOMPARE(m_tray->icon()->objectName(), u"trayIcon"_s);
        QCOMPARE(m_tray->menu()->objectName(), u"trayMenu"_s);
        for (const QString &name : {u"relayOnAction"_s, u"todayAction"_s, u"openAction"_s, u"quitAction"_s}) {
            QVERIFY2(action(name), qPrintable(name));
        }
        QVERIFY(!action(u"todayAction"_s)->isEnabled());
        QVERIFY(action(u"relayOnAction"_s)->isChecked());
        QVERIFY(action(u"account:"_s + m_accountId));
        QVERIFY(action(u"account:"_s + m_accountId)->isChecked());
        QCOMPARE(m_tray->state(), rd::ui::TrayIcon::State::Running);
        QVERIFY(m_tray->icon()->toolTip().contains(u"127.0.0.1:%1"_s.arg(m_relay->port())));
        for (const QString &icon : {u"running"_s, u"paused"_s, u"error"_s}) {
            QVERIFY(QFile::exists(u":/icons/tray-%1.svg"_s.arg(icon)));
        }
        QVERIFY(!m_tray->icon()->icon().isNull());
    }

    void relayOnActionPausesAndResumes()
    {
        QAction *relayOn = action(u"relayOnAction"_s);
        relayOn->setChecked(false);
        QVERIFY(m_relay->service()->isPaused());
        QCOMPARE(call(), 503);
        QCOMPARE(m_tray->state(), rd::ui::TrayIcon::State::Paused);
        QVERIFY(m_tray->icon()->toolTip().contains(u"paused"_s));

        relayOn->trigger(); // checked again
        QVERIFY(relayOn->isChecked());
        QVERIFY(!m_relay->service()->isPaused());
        QCOMPARE(call(), 200);
        QCOMPARE(m_tray->state(), rd::ui::TrayIcon::State::Running);
        QVERIFY(m_tray->icon()->toolTip().contains(u"running"_s));

        // Paused elsewhere (the window, the CLI): the check follows.
        m_relay->service()->setPaused(true);
        QVERIFY(!relayOn->isChecked());
        m_relay->service()->setPaused(false);
        QVERIFY(relayOn->isChecked());
    }

    void accountActionDisablesTheAccount()
    {
        QAction *account = action(u"account:"_s + m_accountId);
        QVERIFY(account);
        account->setChecked(false);
        const auto enabledInStore = [this] {
            const auto accounts = m_relay->db().listAccounts();
            return accounts && !accounts->isEmpty() && accounts->first().enabled;
        };
        QTRY_VERIFY(!enabledInStore());
        QVERIFY(m_relay->waitForRevision());
        QTRY_VERIFY(!m_relay->service()->accounts().first().enabled);
        showMenu();
        QVERIFY(!action(u"account:"_s + m_accountId)->isChecked()); // the refresh keeps the user's choice
        QVERIFY(call() != 200);                                     // no account left to serve it

        action(u"account:"_s + m_accountId)->trigger();
        QTRY_VERIFY(enabledInStore());
        QVERIFY(m_relay->waitForRevision());
        QTRY_VERIFY(m_relay->service()->accounts().first().enabled);
        QCOMPARE(call(), 200);
    }

    void todayActionShowsTodaysTotals()
    {
        QAction *today = action(u"todayAction"_s);
        QTRY_VERIFY(today->text().contains(u"0 requests"_s));
        QCOMPARE(call(), 200);
        m_relay->flushUsage();
        showMenu();
        QTRY_VERIFY2(today->text().contains(u"Today: 1 requests, $"_s), qPrintable(today->text()));
        QVERIFY(m_tray->icon()->toolTip().contains(u"1 requests"_s));
    }

    void notifiesSignInOncePerQuietPeriod()
    {
        QSignalSpy notified(m_tray.get(), &rd::ui::TrayIcon::notified);
        emit m_relay->service()->accountNeedsSignIn(m_accountId, u"the refresh token was revoked"_s);
        QCOMPARE(notified.count(), 1);
        QVERIFY(notified.first().at(1).toString().contains(u"console"_s));
        QVERIFY(notified.first().at(1).toString().contains(u"revoked"_s));
        emit m_relay->service()->accountNeedsSignIn(m_accountId, u"again"_s);
        QCOMPARE(notified.count(), 1); // at most one per account per 10 minutes
    }

    void notifiesWhenAnAccountStartsCoolingDown()
    {
        QSignalSpy notified(m_tray.get(), &rd::ui::TrayIcon::notified);
        showMenu(); // the tray has seen the account active
        m_mock->enqueue(MockUpstream::error(429, "rate_limit_error", "slow down", {{"retry-after", "60"}}));
        QVERIFY(call() != 200);
        QTRY_VERIFY(m_relay->service()->accounts().first().state.startsWith(u"cooling down"_s));
        showMenu();
        QCOMPARE(notified.count(), 1);
        QVERIFY(notified.first().at(0).toString().contains(u"rate limited"_s));
        QVERIFY(notified.first().at(1).toString().contains(u"console"_s));
        QVERIFY(action(u"account:"_s + m_accountId)->text().contains(u"cooling down"_s));
        showMenu();
        QCOMPARE(notified.count(), 1); // still cooling down: no news
    }

    void openActionShowsTheWindow()
    {
        QVERIFY(!m_window->isVisible());
        action(u"openAction"_s)->trigger();
        QVERIFY(m_window->isVisible());
    }

    void failureShowsTheErrorState()
    {
        rd::ui::TrayIcon tray(nullptr);
        tray.showFailure(u"port 1 in use"_s);
        QCOMPARE(tray.state(), rd::ui::TrayIcon::State::Error);
        QVERIFY(tray.icon()->toolTip().contains(u"port 1 in use"_s));
        QVERIFY(!tray.menu()->findChild<QAction *>(u"relayOnAction"_s)->isEnabled());
    }
};

QTEST_MAIN(TestTrayIcon)
#include "tst_trayicon.moc"
