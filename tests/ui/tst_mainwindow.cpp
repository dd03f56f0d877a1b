// SPDX-License-Identifier: GPL-3.0-or-later
// The minimal main window against a real relay (offscreen): where it listens, what it holds, the data-key warning.
#include "tests/support/relayharness.h"
#include "ui/mainwindow/mainwindow.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QTest>

using namespace Qt::StringLiterals;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void showsRelayAddressAndCounts()
    {
        rd::test::RelayHarness relay;
        relay.addKey(u"one"_s);
        relay.addKey(u"two"_s);
        QVERIFY(relay.start());
        rd::ui::MainWindow window;
        window.attach(relay.service(), relay.dataDir(), QString());
        window.show();
        auto *address = window.findChild<QLabel *>(u"address"_s);
        auto *counts = window.findChild<QLabel *>(u"counts"_s);
        auto *warning = window.findChild<QLabel *>(u"warning"_s);
        QVERIFY(address && counts && warning);
        QTRY_VERIFY(address->text().contains(u"127.0.0.1:%1/api"_s.arg(relay.port())));
        QTRY_VERIFY(counts->text().startsWith(u"2 keys, 0 accounts"_s));
        QVERIFY(warning->isHidden());
        // A key added elsewhere (the CLI) shows up without a restart.
        relay.addKey(u"three"_s);
        QVERIFY(relay.waitForRevision());
        QTRY_VERIFY(counts->text().startsWith(u"3 keys"_s));
    }

    void everyPageHasAnSvgIconInTheSidebar()
    {
        rd::ui::MainWindow window;
        auto *sidebar = window.findChild<QListWidget *>(u"sidebar"_s);
        QVERIFY(sidebar);
        QCOMPARE(sidebar->count(), 6);
        for (int i = 0; i < sidebar->count(); ++i) {
            const QString page = sidebar->item(i)->data(Qt::UserRole).toString();
            QVERIFY2(QFile::exists(u":/icons/pages/%1.svg"_s.arg(page.chopped(4))), qPrintable(page));
            QVERIFY2(!sidebar->item(i)->icon().pixmap(20, 20).isNull(), qPrintable(page)); // the SVG plugin renders it
        }
        QVERIFY(!window.windowIcon().pixmap(32, 32).isNull());
    }

    void warnsLoudlyWhenTheDataKeyIsNotInTheKeychain()
    {
        rd::test::RelayHarness relay;
        QVERIFY(relay.start());
        rd::ui::MainWindow window;
        window.attach(relay.service(), relay.dataDir(), u"data key kept in a file"_s);
        window.show();
        auto *warning = window.findChild<QLabel *>(u"warning"_s);
        QVERIFY(warning->isVisible());
        QVERIFY(warning->text().contains(u"NOT in the system keychain"_s));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
