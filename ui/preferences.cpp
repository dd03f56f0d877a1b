// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/preferences.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace rd::ui {

QByteArray Preferences::geometry() const
{
    return QSettings().value(u"window/geometry"_s).toByteArray();
}

void Preferences::setGeometry(const QByteArray &geometry)
{
    QSettings().setValue(u"window/geometry"_s, geometry);
}

QString Preferences::lastPage() const
{
    return QSettings().value(u"window/lastPage"_s).toString();
}

void Preferences::setLastPage(const QString &page)
{
    QSettings().setValue(u"window/lastPage"_s, page);
}

bool Preferences::closeToTray() const
{
    return QSettings().value(u"tray/closeToTray"_s, true).toBool();
}

void Preferences::setCloseToTray(bool on)
{
    QSettings().setValue(u"tray/closeToTray"_s, on);
}

QString Preferences::theme() const
{
    const QString theme = QSettings().value(u"appearance/theme"_s, u"system"_s).toString();
    return theme == u"light"_s || theme == u"dark"_s ? theme : u"system"_s;
}

void Preferences::setTheme(const QString &theme)
{
    QSettings().setValue(u"appearance/theme"_s, theme);
}

QString Preferences::language() const
{
    return QSettings().value(u"appearance/language"_s).toString();
}

void Preferences::setLanguage(const QString &language)
{
    QSettings().setValue(u"appearance/language"_s, language);
}

} // namespace rd::ui
