// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 5's "done when", driven through the widgets only: add a Console account, create a key, copy the Claude Code
// snippet, make a request with that key, see it in the charts and the request log, and toggle the account from the
// tray — in English with the light theme and in Chinese with the dark one.
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"
#include "ui/appearance.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/tray/trayicon.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QLineSeries>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

namespace {
void type(QWidget *dialog, const QString &name, const QString &text)
{
    auto *edit = dialog->findChild<QLineEdit *>(name);
    QVERIFY2(edit, qPrintable(name));
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

QPushButton *okButton(QWidget *dialog)
{
    return dialog->findChild<QDialogButtonBox *>(u"buttons"_s)->button(QDialogButtonBox::Ok);
}

qreal requestsCharted(QWidget *window)
{
    auto *view = window->findChild<QChartView *>(u"requestsChart"_s);
    if (!view || view->chart()->series().isEmpty()) {
        return 0;
    }
    qreal sum = 0;
    for (const QPointF &p : static_cast<QLineSeries *>(view->chart()->series().first())->points()) {
        sum += p.y();
    }
    return sum;
}
} // namespace

class TestNewUser : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"RelayDeskNewUserTest"_s);
    }

    void fromNothingToALiveRequest_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("theme");
        QTest::newRow("English, light") << u"en"_s << u"light"_s;
        QTest::newRow("Chinese, dark") << u"zh_CN"_s << u"dark"_s;
    }
    void fromNothingToALiveRequest()
    {
        QFETCH(QString, language);
        QFETCH(QString, theme);
        QVERIFY(rd::ui::installTranslator(*qApp, language));
        rd::ui::applyTheme(theme);
        MockUpstream mock;
        QVERIFY(mock.listen());
        rd::test::RelayHarness relay; // an empty store: no accounts, no keys
        QVERIFY(relay.start());
        rd::ui::MainWindow window;
        rd::ui::TrayIcon tray(&window);
        window.attach(relay.service(), relay.dataDir(), QString());
        tray.attach(window.context());
        window.show();

        // 1. A Console account, through the dialog.
        window.showPage(u"accountsPage"_s);
        QTest::mouseClick(window.findChild<QPushButton *>(u"addConsoleButton"_s), Qt::LeftButton);
        QDialog *add = nullptr;
        QTRY_VERIFY((add = window.findChild<QDialog *>(u"addConsoleDialog"_s)) && add->isVisible());
        type(add, u"name"_s, u"work"_s);
        type(add, u"baseUrl"_s, mock.baseUrl());
        type(add, u"apiKey"_s, u"sk-ant-api03-new-user-flow"_s);
        QVERIFY(okButton(add)->isEnabled());
        QTest::mouseClick(okButton(add), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(relay.service()->accounts().size(), 1, 10000); // the relay serves it

        // 2. A key, shown once, and the Claude Code snippet copied.
        window.showPage(u"keysPage"_s);
        QTest::mouseClick(window.findChild<QPushButton *>(u"createKeyButton"_s), Qt::LeftButton);
        QDialog *create = nullptr;
        QTRY_VERIFY((create = window.findChild<QDialog *>(u"keyDialog"_s)) && create->isVisible());
        type(create, u"name"_s, u"laptop"_s);
        QTest::mouseClick(okButton(create), Qt::LeftButton);
        QDialog *shown = nullptr;
        QTRY_VERIFY((shown = window.findChild<QDialog *>(u"newKeyDialog"_s)) && shown->isVisible());
        const QString key = shown->findChild<QLineEdit *>(u"keyField"_s)->text();
        QVERIFY(key.startsWith(u"cr_"_s));
        auto *snippets = shown->findChild<QTabWidget *>(u"snippets"_s);
        const QString claudeCode = qobject_cast<QPlainTextEdit *>(snippets->widget(0))->toPlainText();
        QVERIFY(claudeCode.contains(u"http://127.0.0.1:%1/api"_s.arg(relay.port())));
        QTest::mouseClick(shown->findChild<QPushButton *>(u"copyButton"_s), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), key);
        shown->close();
        QVERIFY(relay.waitForRevision());

        // 3. Claude Code's request with the copied key (as its snippet configures it).
        const auto answer = RelayClient::roundTrip(
            relay.port(),
            RelayClient::post("/api/v1/messages",
                              "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":16,"
                              "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                              RelayClient::anthropicHeaders(QGuiApplication::clipboard()->text().toLatin1())));
        QCOMPARE(answer.status, 200);
        QCOMPARE(mock.requests().last().header("x-api-key"), "sk-ant-api03-new-user-flow"_ba);

        // 4. Live in the charts and in the request log.
        window.showPage(u"dashboardPage"_s);
        QTRY_VERIFY_WITH_TIMEOUT(requestsCharted(&window) >= 1, 10000);
        window.showPage(u"logsPage"_s);
        auto *requestLog = window.findChild<QTableWidget *>(u"requestLog"_s);
        QVERIFY(requestLog);
        QTRY_VERIFY_WITH_TIMEOUT(requestLog->rowCount() >= 1, 10000);

        // 5. The account off from the tray: the store and the relay follow.
        QAction *toggle = nullptr;
        QTRY_VERIFY(
            (toggle = tray.menu()->findChild<QAction *>(u"account:%1"_s.arg(relay.service()->accounts().first().id))));
        QVERIFY(toggle->isChecked());
        toggle->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!relay.db().listAccounts().value().first().enabled, 10000);
        QVERIFY(relay.waitForRevision());
        QTRY_VERIFY(!relay.service()->accounts().first().enabled);
        QGuiApplication::clipboard()->clear();
        rd::ui::applyTheme(u"system"_s);
        QVERIFY(rd::ui::installTranslator(*qApp, u"en"_s));
    }
};

QTEST_MAIN(TestNewUser)
#include "tst_newuser.moc"
