// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/policy/limitcalendar.h"

#include <QDateTime>

namespace rd::policy {

LimitCalendar::LimitCalendar()
    : m_zone(QTimeZone::systemTimeZone())
{}

LimitCalendar::LimitCalendar(const QTimeZone &zone, int weeklyResetDay, int weeklyResetHour)
    : m_zone(zone.isValid() ? zone : QTimeZone::systemTimeZone())
    , m_resetDay(qBound(1, weeklyResetDay, 7))
    , m_resetHour(qBound(0, weeklyResetHour, 23))
{}

QDateTime LimitCalendar::local(qint64 ms) const
{
    return QDateTime::fromMSecsSinceEpoch(ms, m_zone);
}

qint64 LimitCalendar::hourStart(qint64 ms) const
{
    // Whole UTC hours: the same buckets in every zone (zones with half-hour offsets still get whole local days).
    constexpr qint64 hour = qint64(3600) * 1000;
    return ms - ((ms % hour) + hour) % hour;
}

qint64 LimitCalendar::dayStart(qint64 ms) const
{
    // startOfDay handles days that begin at 01:00 because of a DST change.
    return local(ms).date().startOfDay(m_zone).toMSecsSinceEpoch();
}

qint64 LimitCalendar::nextDayStart(qint64 ms) const
{
    return local(ms).date().addDays(1).startOfDay(m_zone).toMSecsSinceEpoch();
}

qint64 LimitCalendar::weekStart(qint64 ms) const
{
    const QDate today = local(ms).date();
    QDate day = today.addDays(-((today.dayOfWeek() - m_resetDay + 7) % 7));
    QDateTime reset(day, QTime(m_resetHour, 0), m_zone);
    if (reset.toMSecsSinceEpoch() > ms) { // today is the reset day, but before the reset hour
        day = day.addDays(-7);
        reset = QDateTime(day, QTime(m_resetHour, 0), m_zone);
    }
    return reset.toMSecsSinceEpoch();
}

qint64 LimitCalendar::nextWeekStart(qint64 ms) const
{
    const QDate start = QDateTime::fromMSecsSinceEpoch(weekStart(ms), m_zone).date();
    return QDateTime(start.addDays(7), QTime(m_resetHour, 0), m_zone).toMSecsSinceEpoch();
}

qint64 LimitCalendar::monthStart(qint64 ms) const
{
    const QDate d = local(ms).date();
    return QDate(d.year(), d.month(), 1).startOfDay(m_zone).toMSecsSinceEpoch();
}

} // namespace rd::policy
