// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/appearance.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QColor>
#include <QEvent>
#include <QFile>
#include <QLibraryInfo>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>
#include <QTranslator>

#include <cmath>

using namespace Qt::StringLiterals;

namespace rd::ui {

namespace {

// What the platform gave the application, taken before the first theme replaces it.
struct PlatformLook
{
    QString styleName;
    QPalette palette;
};

const PlatformLook &platformLook()
{
    static const PlatformLook look{QApplication::style()->name(), QApplication::palette()};
    return look;
}

struct Colors
{
    QColor window, text, base, alternateBase, button, light, midlight, mid, dark, shadow, highlight, highlightedText,
        link, linkVisited, toolTipBase, toolTipText, placeholder, disabledText, disabledHighlight, disabledBase;
};

Colors darkColors()
{
    return {QColor(0x35, 0x35, 0x35), QColor(0xee, 0xee, 0xee), QColor(0x24, 0x24, 0x24), QColor(0x3a, 0x3a, 0x3a),
            QColor(0x3c, 0x3c, 0x3c), QColor(0x50, 0x50, 0x50), QColor(0x45, 0x45, 0x45), QColor(0x2a, 0x2a, 0x2a),
            QColor(0x1e, 0x1e, 0x1e), QColor(0x0a, 0x0a, 0x0a), QColor(0x2a, 0x82, 0xda), QColor(0xff, 0xff, 0xff),
            QColor(0x5a, 0xa9, 0xf5), QColor(0xb3, 0x8b, 0xf0), QColor(0x20, 0x20, 0x20), QColor(0xee, 0xee, 0xee),
            QColor(0x8a, 0x8a, 0x8a), QColor(0x7f, 0x7f, 0x7f), QColor(0x50, 0x50, 0x50), QColor(0x30, 0x30, 0x30)};
}

Colors lightColors()
{
    return {QColor(0xef, 0xef, 0xef), QColor(0x1a, 0x1a, 0x1a), QColor(0xff, 0xff, 0xff), QColor(0xf5, 0xf5, 0xf5),
            QColor(0xe8, 0xe8, 0xe8), QColor(0xff, 0xff, 0xff), QColor(0xf4, 0xf4, 0xf4), QColor(0xb8, 0xb8, 0xb8),
            QColor(0x9f, 0x9f, 0x9f), QColor(0x76, 0x76, 0x76), QColor(0x30, 0x8c, 0xc6), QColor(0xff, 0xff, 0xff),
            QColor(0x00, 0x55, 0xb3), QColor(0x6a, 0x3d, 0xa8), QColor(0xff, 0xff, 0xdc), QColor(0x1a, 0x1a, 0x1a),
            QColor(0x80, 0x80, 0x80), QColor(0x9a, 0x9a, 0x9a), QColor(0xc8, 0xc8, 0xc8), QColor(0xef, 0xef, 0xef)};
}

} // namespace

QPalette themePalette(bool dark)
{
    const Colors c = dark ? darkColors() : lightColors();
    QPalette p;
    const QPalette::ColorRole roles[] = {QPalette::Window,
                                         QPalette::WindowText,
                                         QPalette::Base,
                                         QPalette::AlternateBase,
                                         QPalette::Button,
                                         QPalette::ButtonText,
                                         QPalette::Text,
                                         QPalette::BrightText,
                                         QPalette::Light,
                                         QPalette::Midlight,
                                         QPalette::Mid,
                                         QPalette::Dark,
                                         QPalette::Shadow,
                                         QPalette::Highlight,
                                         QPalette::HighlightedText,
                                         QPalette::Link,
                                         QPalette::LinkVisited,
                                         QPalette::ToolTipBase,
                                         QPalette::ToolTipText,
                                         QPalette::PlaceholderText};
    const QColor colors[] = {c.window,
                             c.text,
                             c.base,
                             c.alternateBase,
                             c.button,
                             c.text,
                             c.text,
                             QColor(0xff, 0x55, 0x55),
                             c.light,
                             c.midlight,
                             c.mid,
                             c.dark,
                             c.shadow,
                             c.highlight,
                             c.highlightedText,
                             c.link,
                             c.linkVisited,
                             c.toolTipBase,
                             c.toolTipText,
                             c.placeholder};
    static_assert(std::size(roles) == std::size(colors));
    for (std::size_t i = 0; i < std::size(roles); ++i) {
        p.setColor(QPalette::All, roles[i], colors[i]); // Active, Inactive and Disabled
    }
    // Disabled widgets: greyed text, a muted selection, no bright base.
    for (const QPalette::ColorRole role : {QPalette::WindowText,
                                           QPalette::Text,
                                           QPalette::ButtonText,
                                           QPalette::HighlightedText,
                                           QPalette::ToolTipText,
                                           QPalette::PlaceholderText}) {
        p.setColor(QPalette::Disabled, role, c.disabledText);
    }
    p.setColor(QPalette::Disabled, QPalette::Highlight, c.disabledHighlight);
    p.setColor(QPalette::Disabled, QPalette::Base, c.disabledBase);
    p.setColor(QPalette::Disabled, QPalette::Light, c.window); // no embossed shadow under disabled text
    return p;
}

void applyTheme(const QString &theme)
{
    const PlatformLook &platform = platformLook();
    if (theme == u"light"_s || theme == u"dark"_s) {
        if (QApplication::style()->name().compare(u"fusion"_s, Qt::CaseInsensitive) != 0) {
            QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
        }
        QApplication::setPalette(themePalette(theme == u"dark"_s));
        return;
    }
    if (theme == u"system"_s && platform.palette.color(QPalette::Window).lightness() >= 128
        && desktopPrefersDark(readDesktopHints())) {
        applyTheme(u"dark"_s);
        return;
    }
    if (QApplication::style()->name().compare(platform.styleName, Qt::CaseInsensitive) != 0) {
        if (QStyle *style = QStyleFactory::create(platform.styleName)) {
            QApplication::setStyle(style);
        }
    }
    QApplication::setPalette(platform.palette);
}

bool desktopPrefersDark(const DesktopHints &hints)
{
    if (hints.platformPaletteDark) {
        return true;
    }
    const QString gtk = hints.gtkTheme.toLower();
    if (gtk.endsWith(u":dark"_s) || gtk.contains(u"-dark"_s)) {
        return true;
    }
    if (hints.gnomeColorScheme.contains(u"prefer-dark"_s)) {
        return true;
    }
    return hints.kdeColorScheme.contains(u"dark"_s, Qt::CaseInsensitive);
}

DesktopHints readDesktopHints()
{
    static const DesktopHints hints = [] {
        DesktopHints h;
        h.gtkTheme = qEnvironmentVariable("GTK_THEME");
        h.platformPaletteDark = platformLook().palette.color(QPalette::Window).lightness() < 128;
        if (!QStandardPaths::findExecutable(u"gsettings"_s).isEmpty()) {
            QProcess gsettings;
            gsettings.start(u"gsettings"_s, {u"get"_s, u"org.gnome.desktop.interface"_s, u"color-scheme"_s});
            if (gsettings.waitForFinished(1000) && gsettings.exitCode() == 0) {
                h.gnomeColorScheme = QString::fromUtf8(gsettings.readAllStandardOutput()).trimmed();
            } else {
                gsettings.kill();
                gsettings.waitForFinished(200);
            }
        }
        const QString kdeglobals = QStandardPaths::locate(QStandardPaths::GenericConfigLocation, u"kdeglobals"_s);
        if (!kdeglobals.isEmpty()) {
            h.kdeColorScheme = QSettings(kdeglobals, QSettings::IniFormat).value(u"General/ColorScheme"_s).toString();
        }
        return h;
    }();
    return hints;
}

QString systemLanguage(const QStringList &uiLanguages)
{
    for (const QString &name : uiLanguages) {
        const QLocale locale(name);
        if (locale.language() == QLocale::English) {
            return u"en"_s;
        }
        // Only Simplified Chinese exists; Traditional Chinese readers get the next language they listed.
        if (locale.language() == QLocale::Chinese && locale.script() != QLocale::TraditionalChineseScript) {
            return u"zh_CN"_s;
        }
    }
    return u"en"_s;
}

bool installTranslator(QApplication &app, const QString &language)
{
    const QString lang = language.isEmpty() ? systemLanguage() : language;
    const auto name = u"relaydeskTranslator"_s;
    const auto qtName = u"qtbaseTranslator"_s;
    for (const QString &n : {name, qtName}) {
        if (auto *old = app.findChild<QTranslator *>(n, Qt::FindDirectChildrenOnly)) {
            QApplication::removeTranslator(old);
            delete old;
        }
    }
    if (lang == u"en"_s) {
        return true;
    }
    // Qt's own texts (OK, Cancel, the file dialog) from the system's Qt translations, when installed.
    auto *qtTranslator = new QTranslator(&app);
    qtTranslator->setObjectName(qtName);
    if (qtTranslator->load(u"qtbase_%1"_s.arg(lang), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QApplication::installTranslator(qtTranslator);
    } else {
        delete qtTranslator;
    }
    auto *translator = new QTranslator(&app);
    translator->setObjectName(name);
    if (!translator->load(u":/i18n/relaydesk_%1.qm"_s.arg(lang))) {
        delete translator;
        return false;
    }
    QApplication::installTranslator(translator);
    return true;
}

namespace {
class ChartPaletteFollower : public QObject
{
public:
    using QObject::QObject;
    static void apply(QChartView *view)
    {
        const bool dark = view->palette().color(QPalette::Window).lightness() < 128;
        const QChart::ChartTheme theme = dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
        if (view->chart() && view->chart()->theme() != theme) {
            view->chart()->setTheme(theme);
            view->chart()->setBackgroundRoundness(0);
        }
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::PaletteChange) {
            apply(static_cast<QChartView *>(watched));
        }
        return false;
    }
};
} // namespace

double niceAxisMax(double value)
{
    if (!(value > 0)) {
        return 1;
    }
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 2.0, 5.0, 10.0}) {
        if (value <= step * magnitude * (1 + 1e-9)) {
            return step * magnitude;
        }
    }
    return 10 * magnitude;
}

void followPalette(QChartView *view)
{
    view->installEventFilter(new ChartPaletteFollower(view));
    ChartPaletteFollower::apply(view);
}

} // namespace rd::ui
