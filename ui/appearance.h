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
// "system" restores the style and palette the platform gave the application (Qt 6.4 has no colour-scheme API, so
// following the system means keeping the platform's palette); "light" and "dark" use Fusion with a complete palette.
void applyTheme(const QString &theme);
QPalette themePalette(bool dark); // every role in every group, for "light" and "dark"
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
