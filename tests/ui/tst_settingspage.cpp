// SPDX-License-Identifier: GPL-3.0-or-later
// The settings page against a real relay's store (offscreen): values load from the store, a bad field saves nothing,
// good ones are written, an address beyond loopback is confirmed first; theme, language and tray preferences.
#include "core/facade/storeclient.h"
#include "tests/support/relayharness.h"
#include "ui/appearance.h"
#include "ui/pages/settingspage.h"
#include "ui/preferences.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStyle>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using Settings = QHash<QString, QString>;

namespace {

// Answers the page's confirmations without a modal dialog.
class AnsweringSettingsPage : public rd::ui::SettingsPage
{
public:
    bool answer = true;
    QStringList asked;

protected:
    bool confirm(const QString &question) override
    {
        asked << question;
        return answer;
    }
};

// A relay with a few stored settings and a page attached to its store, shown, with its first read done.
struct Fixture
{
    rd::test::RelayHarness relay;
    std::optional<rd::facade::StoreClient> store;
    std::optional<AnsweringSettingsPage> page;

    bool start(const Settings &stored = {})
    {
        for (auto it = stored.cbegin(); it != stored.cend(); ++it) {
            if (!relay.db().setSetting(it.key(), it.value())) {
                return false;
            }
        }
        if (!relay.start()) {
            return false;
        }
        store.emplace(relay.service()->storeLocation());
        page.emplace();
        page->attach(rd::ui::UiContext{relay.service(), &*store, relay.dataDir()});
        page->show();
        page->activateWindow();
        page->setActive(true);
        if (!QTest::qWaitForWindowActive(&*page)) {
            return false;
        }
        return QTest::qWaitFor([this] { return save()->isEnabled(); });
    }
    template <typename T>
    T *find(const QString &name)
    {
        return page->findChild<T *>(name);
    }
    QPushButton *save() { return find<QPushButton>(u"saveButton"_s); }
    QString error() { return find<QLabel>(u"errorLabel"_s)->text(); }
    QString status() { return find<QLabel>(u"statusLabel"_s)->text(); }
    Settings stored() { return relay.db().settings().value_or(Settings{{u"error"_s, u"unreadable"_s}}); }
    void type(const QString &edit, const QString &text)
    {
        auto *line = find<QLineEdit>(edit);
        line->clear();
        QTest::keyClicks(line, text);
    }
    [[nodiscard]] bool clickSave()
    {
        QTest::mouseClick(save(), Qt::LeftButton);
        store->waitForIdle(); // anything the click posted has run; then its answer arrives
        return QTest::qWaitFor([this] { return save()->isEnabled(); });
    }
};

} // namespace

class TestSettingsPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"RelayDeskTests"_s);
        QCoreApplication::setApplicationName(u"tst_settingspage"_s);
        QSettings().clear();
        m_originalWindow = QApplication::palette().color(QPalette::Window);
        m_originalStyle = QApplication::style()->name();
    }
    void cleanupTestCase() { QSettings().clear(); }

    void loadsCurrentValuesFromTheStore()
    {
        Fixture f;
        QVERIFY(f.start({{u"limits.time_zone"_s, u"Asia/Tokyo"_s},
                         {u"limits.weekly_reset_day"_s, u"3"_s},
                         {u"limits.weekly_reset_hour"_s, u"6"_s},
                         {u"pricing.table_url"_s, u"https://prices.example/table.json"_s},
                         {u"pricing.refresh_hours"_s, u"6"_s},
                         {u"pricing.service_rates"_s, uR"({"claude":1.2,"gemini":0.5})"_s},
                         {u"usage.retention_days"_s, u"30"_s},
                         {u"relay.port"_s, u"3100"_s}}));
        QCOMPARE(f.page->objectName(), u"settingsPage"_s);
        QCOMPARE(f.page->title(), u"Settings"_s);
        QCOMPARE(f.find<QLineEdit>(u"hostEdit"_s)->text(), u"127.0.0.1"_s); // the default
        QCOMPARE(f.find<QSpinBox>(u"portSpin"_s)->value(), 3100);
        QVERIFY(!f.find<QLabel>(u"hostWarning"_s)->isVisibleTo(&*f.page));
        QVERIFY(f.find<QLabel>(u"listenNote"_s)->text().contains(u":%1"_s.arg(f.relay.port())));
        auto *dataDir = f.find<QLineEdit>(u"dataDir"_s);
        QCOMPARE(dataDir->text(), f.relay.dataDir());
        QVERIFY(dataDir->isReadOnly());
        QVERIFY(f.find<QPushButton>(u"openDataDir"_s)->isEnabled());
        QCOMPARE(f.find<QLineEdit>(u"priceUrl"_s)->text(), u"https://prices.example/table.json"_s);
        QCOMPARE(f.find<QSpinBox>(u"refreshHours"_s)->value(), 6);
        QCOMPARE(f.find<QLineEdit>(u"serviceRates"_s)->text(), u"claude=1.2, gemini=0.5"_s);
        QCOMPARE(f.find<QComboBox>(u"timeZone"_s)->currentText(), u"Asia/Tokyo"_s);
        QCOMPARE(f.find<QComboBox>(u"resetDay"_s)->currentData().toInt(), 3);
        QCOMPARE(f.find<QSpinBox>(u"resetHour"_s)->value(), 6);
        QCOMPARE(f.find<QSpinBox>(u"retentionDays"_s)->value(), 30);
        QVERIFY(f.error().isEmpty());

        // Saving what was loaded writes nothing.
        const Settings before = f.stored();
        QVERIFY(f.clickSave());
        QCOMPARE(f.stored(), before);
        QVERIFY(f.error().isEmpty());
    }

    void invalidFieldShowsTheErrorAndSavesNothing_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("time zone") << u"timeZone"_s << u"Mars/Olympus"_s << u"time zone"_s;
        QTest::newRow("price URL") << u"priceUrl"_s << u"ftp://prices.example/t.json"_s << u"pricing.table_url"_s;
        QTest::newRow("service rates") << u"serviceRates"_s << u"claude=fast"_s << u"claude"_s;
        QTest::newRow("unknown service") << u"serviceRates"_s << u"teleport=2"_s << u"teleport"_s;
        QTest::newRow("host") << u"hostEdit"_s << u"relay.lan"_s << u"relay.host"_s;
    }
    void invalidFieldShowsTheErrorAndSavesNothing()
    {
        QFETCH(QString, field);
        QFETCH(QString, text);
        QFETCH(QString, error);
        Fixture f;
        QVERIFY(f.start({{u"pricing.refresh_hours"_s, u"6"_s}}));
        const Settings before = f.stored();
        f.find<QSpinBox>(u"refreshHours"_s)->setValue(12); // a valid change that must not be written either
        if (auto *combo = f.find<QComboBox>(field)) {
            combo->setEditText(text);
        } else {
            f.type(field, text);
        }
        QVERIFY(f.clickSave());
        QVERIFY2(f.error().contains(error), qPrintable(f.error()));
        QVERIFY(f.find<QLabel>(u"errorLabel"_s)->isVisible());
        QVERIFY(!f.status().startsWith(u"Saved"_s));
        QTest::qWait(50);
        QCOMPARE(f.stored(), before);
        QVERIFY(f.page->findChild<QWidget *>(field)->hasFocus()); // the keyboard is where the problem is
    }

    void validChangesAreSaved()
    {
        Fixture f;
        QVERIFY(f.start({{u"pricing.refresh_hours"_s, u"6"_s}}));
        f.find<QSpinBox>(u"portSpin"_s)->setValue(3111);
        f.find<QSpinBox>(u"refreshHours"_s)->setValue(24); // the default: the row goes
        f.type(u"serviceRates"_s, u"gemini=0.5, claude=1.5"_s);
        f.type(u"priceUrl"_s, u"https://prices.example/t.json"_s);
        f.find<QComboBox>(u"timeZone"_s)->setEditText(u"Europe/Berlin"_s);
        auto *day = f.find<QComboBox>(u"resetDay"_s);
        day->setCurrentIndex(day->findData(7));
        f.find<QSpinBox>(u"resetHour"_s)->setValue(23);
        f.find<QSpinBox>(u"retentionDays"_s)->setValue(400);
        QVERIFY(f.clickSave());
        const Settings expected{{u"relay.port"_s, u"3111"_s},
                                {u"pricing.service_rates"_s, uR"({"claude":1.5,"gemini":0.5})"_s},
                                {u"pricing.table_url"_s, u"https://prices.example/t.json"_s},
                                {u"limits.time_zone"_s, u"Europe/Berlin"_s},
                                {u"limits.weekly_reset_day"_s, u"7"_s},
                                {u"limits.weekly_reset_hour"_s, u"23"_s},
                                {u"usage.retention_days"_s, u"400"_s}};
        QTRY_COMPARE(f.stored(), expected);
        QTRY_VERIFY2(f.status().startsWith(u"Saved"_s), qPrintable(f.status()));
        QVERIFY(f.error().isEmpty());
        QCOMPARE(f.find<QLineEdit>(u"serviceRates"_s)->text(), u"claude=1.5, gemini=0.5"_s); // as stored

        // The system's zone again: the row goes.
        auto *zone = f.find<QComboBox>(u"timeZone"_s);
        zone->setCurrentIndex(0);
        QVERIFY(f.clickSave());
        QTRY_VERIFY(!f.stored().contains(u"limits.time_zone"_s));
        QCOMPARE(f.stored().value(u"relay.port"_s), u"3111"_s);
    }

    void addressBeyondLoopbackIsConfirmed()
    {
        Fixture f;
        QVERIFY(f.start());
        auto *warning = f.find<QLabel>(u"hostWarning"_s);
        f.type(u"hostEdit"_s, u"0.0.0.0"_s);
        QVERIFY(warning->isVisible());

        f.page->answer = false; // declined: nothing is written
        QVERIFY(f.clickSave());
        QCOMPARE(f.page->asked.size(), 1);
        QVERIFY(f.page->asked.constFirst().contains(u"0.0.0.0"_s));
        QVERIFY(f.status().startsWith(u"Not saved"_s));
        QTest::qWait(50);
        QVERIFY(!f.stored().contains(u"relay.host"_s));

        f.page->answer = true;
        QVERIFY(f.clickSave());
        QCOMPARE(f.page->asked.size(), 2);
        QTRY_COMPARE(f.stored().value(u"relay.host"_s), u"0.0.0.0"_s);
        QTRY_VERIFY2(f.status().startsWith(u"Saved"_s), qPrintable(f.status()));
        QVERIFY(f.status().contains(u"next start"_s));

        // Loopback needs no confirmation; the default address removes the row.
        f.type(u"hostEdit"_s, u"127.0.0.2"_s);
        QVERIFY(!warning->isVisible());
        QVERIFY(f.clickSave());
        QTRY_COMPARE(f.stored().value(u"relay.host"_s), u"127.0.0.2"_s);
        f.type(u"hostEdit"_s, u"localhost"_s);
        QVERIFY(f.clickSave());
        QTRY_VERIFY(!f.stored().contains(u"relay.host"_s));
        QCOMPARE(f.page->asked.size(), 2);
        QTRY_COMPARE(f.find<QLineEdit>(u"hostEdit"_s)->text(), u"127.0.0.1"_s);
    }

    void themeAppliesAtOnce()
    {
        rd::ui::SettingsPage page;
        page.show();
        auto *theme = page.findChild<QComboBox *>(u"theme"_s);
        QVERIFY(theme);
        QCOMPARE(theme->currentData().toString(), u"system"_s);

        theme->setCurrentIndex(theme->findData(u"dark"_s));
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 128);
        QCOMPARE(QApplication::style()->name().toLower(), u"fusion"_s);
        QTRY_COMPARE(page.palette().color(QPalette::Window), QApplication::palette().color(QPalette::Window));
        QCOMPARE(rd::ui::Preferences().theme(), u"dark"_s);

        theme->setCurrentIndex(theme->findData(u"light"_s));
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 128);
        QCOMPARE(rd::ui::Preferences().theme(), u"light"_s);

        theme->setCurrentIndex(theme->findData(u"system"_s));
        QCOMPARE(QApplication::palette().color(QPalette::Window), m_originalWindow);
        QCOMPARE(QApplication::style()->name(), m_originalStyle);
        QCOMPARE(rd::ui::Preferences().theme(), u"system"_s);
    }

    void themePalettesAreReadable_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("dark") << true;
        QTest::newRow("light") << false;
    }
    void themePalettesAreReadable()
    {
        QFETCH(bool, dark);
        const QPalette p = rd::ui::themePalette(dark);
        const auto contrast = [&p](QPalette::ColorGroup group, QPalette::ColorRole fg, QPalette::ColorRole bg) {
            return qAbs(p.color(group, fg).lightness() - p.color(group, bg).lightness());
        };
        for (const QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive}) {
            QVERIFY(contrast(group, QPalette::WindowText, QPalette::Window) > 120);
            QVERIFY(contrast(group, QPalette::Text, QPalette::Base) > 120);
            QVERIFY(contrast(group, QPalette::ButtonText, QPalette::Button) > 120);
            QVERIFY(contrast(group, QPalette::ToolTipText, QPalette::ToolTipBase) > 120);
            QVERIFY(contrast(group, QPalette::HighlightedText, QPalette::Highlight) > 60);
            QVERIFY(contrast(group, QPalette::Link, QPalette::Base) > 60);
        }
        QCOMPARE(p.color(QPalette::Window).lightness() < 128, dark);
        // Disabled text is dimmer than enabled text, yet still visible.
        QVERIFY(contrast(QPalette::Disabled, QPalette::Text, QPalette::Base)
                < contrast(QPalette::Active, QPalette::Text, QPalette::Base));
        QVERIFY(contrast(QPalette::Disabled, QPalette::WindowText, QPalette::Window) > 30);
    }

    void preferencesPersist()
    {
        {
            rd::ui::SettingsPage page;
            page.show();
            auto *tray = page.findChild<QCheckBox *>(u"closeToTray"_s);
            QVERIFY(tray->isChecked()); // the default
            QTest::mouseClick(tray, Qt::LeftButton);
            QVERIFY(!tray->isChecked());
            QCOMPARE(rd::ui::Preferences().closeToTray(), false);
            auto *language = page.findChild<QComboBox *>(u"language"_s);
            QCOMPARE(language->currentData().toString(), QString());
            language->setCurrentIndex(language->findData(u"zh_CN"_s));
            QCOMPARE(rd::ui::Preferences().language(), u"zh_CN"_s);
            QVERIFY(page.findChild<QLabel *>(u"statusLabel"_s)->text().contains(u"next starts"_s));
        }
        rd::ui::SettingsPage again;
        QVERIFY(!again.findChild<QCheckBox *>(u"closeToTray"_s)->isChecked());
        QCOMPARE(again.findChild<QComboBox *>(u"language"_s)->currentData().toString(), u"zh_CN"_s);
    }

    void followsTheDesktopsDarkPreference_data()
    {
        QTest::addColumn<QString>("gtkTheme");
        QTest::addColumn<QString>("gnome");
        QTest::addColumn<QString>("kde");
        QTest::addColumn<bool>("platformDark");
        QTest::addColumn<bool>("dark");
        QTest::newRow("nothing said") << QString() << QString() << QString() << false << false;
        QTest::newRow("GNOME prefer-dark") << QString() << u"'prefer-dark'"_s << QString() << false << true;
        QTest::newRow("GNOME default") << QString() << u"'default'"_s << QString() << false << false;
        QTest::newRow("GTK_THEME variant") << u"Adwaita:dark"_s << QString() << QString() << false << true;
        QTest::newRow("GTK_THEME dark name") << u"Yaru-dark"_s << QString() << QString() << false << true;
        QTest::newRow("GTK_THEME light") << u"Adwaita"_s << QString() << QString() << false << false;
        QTest::newRow("KDE Breeze Dark") << QString() << QString() << u"BreezeDark"_s << false << true;
        QTest::newRow("KDE Breeze") << QString() << QString() << u"BreezeClassic"_s << false << false;
        QTest::newRow("dark platform palette") << QString() << QString() << QString() << true << true;
    }
    void followsTheDesktopsDarkPreference()
    {
        QFETCH(QString, gtkTheme);
        QFETCH(QString, gnome);
        QFETCH(QString, kde);
        QFETCH(bool, platformDark);
        QFETCH(bool, dark);
        QCOMPARE(rd::ui::desktopPrefersDark(rd::ui::DesktopHints{gtkTheme, gnome, kde, platformDark}), dark);
    }

    void systemLanguageIsOneWeHave_data()
    {
        QTest::addColumn<QStringList>("uiLanguages");
        QTest::addColumn<QString>("expected");
        QTest::newRow("nothing") << QStringList() << u"en"_s;
        QTest::newRow("English") << QStringList{u"en-GB"_s} << u"en"_s;
        QTest::newRow("Simplified Chinese") << QStringList{u"zh-CN"_s, u"en-US"_s} << u"zh_CN"_s;
        QTest::newRow("Simplified, Singapore") << QStringList{u"zh-Hans-SG"_s} << u"zh_CN"_s;
        QTest::newRow("Traditional falls through") << QStringList{u"zh-TW"_s, u"zh-CN"_s} << u"zh_CN"_s;
        QTest::newRow("Traditional only") << QStringList{u"zh-Hant-HK"_s} << u"en"_s;
        QTest::newRow("first one we have") << QStringList{u"de-DE"_s, u"zh-CN"_s} << u"zh_CN"_s;
        QTest::newRow("none we have") << QStringList{u"fr-FR"_s} << u"en"_s;
    }
    void systemLanguageIsOneWeHave()
    {
        QFETCH(QStringList, uiLanguages);
        QFETCH(QString, expected);
        QCOMPARE(rd::ui::systemLanguage(uiLanguages), expected);
    }

    void translatorLoadsOnlyWhatExists()
    {
        auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
        QVERIFY(app);
        QVERIFY(rd::ui::installTranslator(*app, u"en"_s)); // the source language needs no file
        QCOMPARE(rd::ui::installTranslator(*app, u"zh_CN"_s), QFile::exists(u":/i18n/relaydesk_zh_CN.qm"_s));
        QVERIFY(!rd::ui::installTranslator(*app, u"xx"_s));
        QVERIFY(rd::ui::installTranslator(*app, u"en"_s));
    }

private:
    QColor m_originalWindow;
    QString m_originalStyle;
};

QTEST_MAIN(TestSettingsPage)
#include "tst_settingspage.moc"
