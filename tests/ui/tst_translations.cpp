// SPDX-License-Identifier: GPL-3.0-or-later
// The zh_CN catalogue is embedded, installs, reaches every page and dialog, and English comes back on request.
#include "ui/appearance.h"
#include "ui/dialogs/addconsoleaccountdialog.h"
#include "ui/dialogs/claudesigninwizard.h"
#include "ui/dialogs/keydialog.h"
#include "ui/mainwindow/mainwindow.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

bool hasCjk(const QString &text)
{
    return std::any_of(
        text.cbegin(), text.cend(), [](QChar c) { return c.unicode() >= 0x4e00 && c.unicode() <= 0x9fff; });
}

bool hasLetters(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(), [](QChar c) { return c.isLetter(); });
}

// Texts that stay as they are in Chinese: proper names, language names, units and sample values.
bool mayStayEnglish(const QString &text)
{
    static const QStringList names{u"RelayDesk"_s, u"Claude Code"_s, u"English"_s, u"USD"_s, u"p50"_s, u"p99"_s};
    static const QRegularExpression identifier(u"^[a-z0-9-]+$"_s); // service and client ids ("claude", "codex-cli")
    return names.contains(text) || identifier.match(text).hasMatch() || text.contains(u"://"_s)
           || text.startsWith(u"sk-"_s);
}

// "objectName (class): text" of every visible-text widget under root whose text has letters but no Chinese.
QStringList untranslated(const QWidget *root)
{
    QStringList texts;
    const auto check = [&texts](const QObject *widget, QString text) {
        text.remove(u'&');
        if (hasLetters(text) && !hasCjk(text) && !mayStayEnglish(text)) {
            texts << u"%1 (%2): %3"_s.arg(
                widget->objectName(), QString::fromLatin1(widget->metaObject()->className()), text);
        }
    };
    for (const auto *label : root->findChildren<QLabel *>()) {
        check(label, label->text());
    }
    for (auto *button : root->findChildren<QAbstractButton *>()) {
        // OK/Cancel of a button box come from Qt's own catalogue (qtbase_*.qm, loaded when the system has it).
        const auto *box = qobject_cast<const QDialogButtonBox *>(button->parent());
        if (box && box->standardButton(button) != QDialogButtonBox::NoButton) {
            continue;
        }
        if (qobject_cast<const QPushButton *>(button) || qobject_cast<const QCheckBox *>(button)
            || qobject_cast<const QRadioButton *>(button)) {
            check(button, button->text());
        }
    }
    for (const auto *group : root->findChildren<QGroupBox *>()) {
        check(group, group->title());
    }
    for (const auto *tabs : root->findChildren<QTabWidget *>()) {
        for (int i = 0; i < tabs->count(); ++i) {
            check(tabs, tabs->tabText(i));
        }
    }
    return texts;
}

QApplication &application()
{
    return *qobject_cast<QApplication *>(QCoreApplication::instance());
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"RelayDeskTests"_s);
        QCoreApplication::setApplicationName(u"tst_translations"_s);
        QSettings().clear();
    }
    void cleanup() { QVERIFY(rd::ui::installTranslator(application(), u"en"_s)); }
    void cleanupTestCase() { QSettings().clear(); }

    void chineseIsEmbeddedAndInstalls()
    {
        QVERIFY(QFile::exists(u":/i18n/relaydesk_zh_CN.qm"_s));
        QVERIFY(rd::ui::installTranslator(application(), u"zh_CN"_s));
        QCOMPARE(QCoreApplication::translate("rd::ui::MainWindow", "Relay:"), u"中转："_s);
        QVERIFY(!rd::ui::installTranslator(application(), u"xx_XX"_s)); // no such catalogue: stays English
        QCOMPARE(QCoreApplication::translate("rd::ui::MainWindow", "Relay:"), u"Relay:"_s);
    }

    void sidebarAndPagesComeOutInChinese()
    {
        QVERIFY(rd::ui::installTranslator(application(), u"zh_CN"_s));
        rd::ui::MainWindow window;
        auto *sidebar = window.findChild<QListWidget *>(u"sidebar"_s);
        QVERIFY(sidebar);
        QCOMPARE(sidebar->count(), 6);
        QCOMPARE(sidebar->item(0)->text(), u"仪表盘"_s);
        for (int i = 0; i < sidebar->count(); ++i) {
            QVERIFY2(hasCjk(sidebar->item(i)->text()), qPrintable(sidebar->item(i)->text()));
        }
        const QStringList left = untranslated(&window);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
    }

    void dialogsComeOutInChinese()
    {
        QVERIFY(rd::ui::installTranslator(application(), u"zh_CN"_s));
        rd::ui::KeyDialog key(rd::store::ApiKeyRecord{}, {}, true);
        rd::ui::AddConsoleAccountDialog account(nullptr);
        rd::ui::ClaudeSignInWizard wizard(nullptr);
        for (const QWidget *dialog :
             {static_cast<QWidget *>(&key), static_cast<QWidget *>(&account), static_cast<QWidget *>(&wizard)}) {
            QVERIFY2(hasCjk(dialog->windowTitle()), qPrintable(dialog->windowTitle()));
            const QStringList left = untranslated(dialog);
            QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
        }
    }

    void englishComesBack()
    {
        QVERIFY(rd::ui::installTranslator(application(), u"zh_CN"_s));
        QVERIFY(rd::ui::installTranslator(application(), u"en"_s));
        rd::ui::MainWindow window;
        auto *sidebar = window.findChild<QListWidget *>(u"sidebar"_s);
        QVERIFY(sidebar);
        QCOMPARE(sidebar->item(0)->text(), u"Dashboard"_s);
        QVERIFY(!hasCjk(sidebar->item(sidebar->count() - 1)->text()));
        QVERIFY(untranslated(&window).size() > 20); // the check above is not vacuous: in English it finds the texts
    }
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
