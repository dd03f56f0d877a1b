// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLocale>
#include <QPalette>
#include <QString>
#include <QStringList>

class QApplication;
class QChartView;

namespace rd::ui {

// Theme and language of the whole application (the choices live in Preferences).
// "system" follows the desktop: the platform's own style and palette, or the dark palette when the desktop prefers
// dark but the platform palette is light (see desktopPrefersDark); "light" and "dark" use Fusion with a complete
// palette.
void applyTheme(const QString &theme);
QPalette themePalette(bool dark); // every role in every group, for "light" and "dark"

// What the desktop says about light and dark (Qt 6.4 has no colour-scheme API, so RelayDesk asks the desktop itself).
struct DesktopHints
{
    QString gtkTheme;         // $GTK_THEME, e.g. "Adwaita:dark"
    QString gnomeColorScheme; // gsettings org.gnome.desktop.interface color-scheme, e.g. "'prefer-dark'"
    QString kdeColorScheme;   // [General] ColorScheme of ~/.config/kdeglobals, e.g. "BreezeDark"
    bool platformPaletteDark = false;
};
DesktopHints readDesktopHints(); // once per process (asks gsettings with a 1 s cap), then cached
bool desktopPrefersDark(const DesktopHints &hints);
// Keeps a chart's colours with the application's palette: a dark chart theme on a dark palette, a light one otherwise.
void followPalette(QChartView *view);
// The smallest 1, 2 or 5 × 10^n at or above value (1 for nothing), so a chart's Y axis ends on a round number.
double niceAxisMax(double value);

// "en" or "zh_CN": the first of the user's UI languages RelayDesk has a translation for (English otherwise).
QString systemLanguage(const QStringList &uiLanguages = QLocale::system().uiLanguages());
// Installs ":/i18n/relaydesk_<lang>.qm" (language "" = systemLanguage()), replacing one installed before. English is
// the source language and needs no file. False when the translation is not there (the texts stay English).
bool installTranslator(QApplication &app, const QString &language);

} // namespace rd::ui
