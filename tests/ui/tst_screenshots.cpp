// SPDX-License-Identifier: GPL-3.0-or-later
// Every page of the window renders (offscreen), in light and dark, with live data from a real relay.
// scripts/screenshots.sh runs this with RELAYDESK_SCREENSHOT_DIR set to write docs/screenshots/<page>-<theme>.png.
#include "core/facade/storeclient.h"
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"
#include "ui/appearance.h"
#include "ui/mainwindow/mainwindow.h"

#include <QApplication>
#include <QDir>
#include <QListWidget>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

class TestScreenshots : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"RelayDeskScreenshots"_s);
    }

    void everyPageRendersInBothThemes()
    {
        MockUpstream mock;
        QVERIFY(mock.listen());
        rd::test::RelayHarness relay;
        rd::test::RelayHarness::AccountOptions account;
        account.name = u"console-main"_s;
        account.baseUrl = mock.baseUrl();
        QVERIFY(!relay.addAccount(account).isEmpty());
        rd::store::ApiKeyRecord limited;
        limited.name = u"team-ci"_s;
        limited.description = u"CI jobs"_s;
        limited.limits = u"{\"concurrency\":4,\"daily_cost_usd\":20}"_s;
        const QByteArray key = relay.addKey(limited);
        relay.addKey(u"laptop"_s);
        QVERIFY(relay.start());
        for (int i = 0; i < 12; ++i) {
            mock.enqueue(MockUpstream::message("claude-sonnet-4-5-20250929", "hi", 1200 + 100 * i, 300 + 20 * i));
            const auto r =
                RelayClient::roundTrip(relay.port(),
                                       RelayClient::post("/api/v1/messages",
                                                         "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":16,"
                                                         "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                                                         RelayClient::anthropicHeaders(key)));
            QCOMPARE(r.status, 200);
        }
        relay.flushUsage();

        const QString outDir = qEnvironmentVariable("RELAYDESK_SCREENSHOT_DIR");
        if (!outDir.isEmpty()) {
            QVERIFY(QDir().mkpath(outDir));
        }
        for (const QString &language : {u"en"_s, u"zh_CN"_s}) {
            QVERIFY(rd::ui::installTranslator(*qApp, language));
            rd::ui::MainWindow window; // after the translator: its texts are set at construction
            window.resize(1180, 760);
            window.attach(relay.service(), u"~/.local/share/RelayDesk"_s, QString());
            window.show();
            auto *sidebar = window.findChild<QListWidget *>(u"sidebar"_s);
            QVERIFY(sidebar && sidebar->count() >= 6);
            for (const QString &theme : {u"light"_s, u"dark"_s}) {
                rd::ui::applyTheme(theme);
                for (int i = 0; i < sidebar->count(); ++i) {
                    const QString page = sidebar->item(i)->data(Qt::UserRole).toString();
                    window.showPage(page);
                    // Let the page load its data (store answers, charts) before it is drawn.
                    QTest::qWait(400);
                    const QImage image = window.grab().toImage();
                    QVERIFY2(!image.isNull() && image.width() >= 880, qPrintable(page));
                    // Not a blank canvas: more than a handful of colours.
                    QSet<QRgb> colours;
                    for (int y = 0; y < image.height(); y += 7) {
                        for (int x = 0; x < image.width(); x += 7) {
                            colours.insert(image.pixel(x, y));
                        }
                    }
                    QVERIFY2(colours.size() > 8, qPrintable(page));
                    if (!outDir.isEmpty()) {
                        const QString name = page.chopped(4); // "dashboardPage" → "dashboard"
                        const QString suffix = language == u"en"_s ? QString() : u"-"_s + language;
                        QVERIFY(image.save(u"%1/%2-%3%4.png"_s.arg(outDir, name, theme, suffix)));
                    }
                }
            }
        }
        QVERIFY(rd::ui::installTranslator(*qApp, u"en"_s));
        rd::ui::applyTheme(u"system"_s);
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
