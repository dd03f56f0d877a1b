// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace rd::ui {

// The window's own preferences (QSettings, per user): geometry, last page, tray behaviour, theme, language.
// Relay-wide settings live in the store instead (relaydesk settings …).
class Preferences
{
public:
    QByteArray geometry() const;
    void setGeometry(const QByteArray &geometry);
    QString lastPage() const;
    void setLastPage(const QString &page);
    bool closeToTray() const; // default true: closing the window keeps the relay running in the tray
    void setCloseToTray(bool on);
    QString theme() const; // "system" (default), "light", "dark"
    void setTheme(const QString &theme);
    QString language() const; // "" = the system's, else "en" or "zh_CN"
    void setLanguage(const QString &language);
};

} // namespace rd::ui
