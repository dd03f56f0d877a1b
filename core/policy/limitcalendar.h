// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTimeZone>

namespace rd::policy {

// Where days and weeks begin for cost limits and statistics: local midnight in one time zone, and a weekly reset
// on a chosen day (1 = Monday … 7 = Sunday) and hour. Times are ms since the epoch (UTC).
class LimitCalendar
{
public:
    LimitCalendar(); // the system time zone, weeks from Monday 00:00
    LimitCalendar(const QTimeZone &zone, int weeklyResetDay, int weeklyResetHour);

    qint64 hourStart(qint64 ms) const;
    qint64 dayStart(qint64 ms) const;
    qint64 nextDayStart(qint64 ms) const;
    qint64 weekStart(qint64 ms) const; // the last reset at or before ms
    qint64 nextWeekStart(qint64 ms) const;
    qint64 monthStart(qint64 ms) const;
    const QTimeZone &zone() const { return m_zone; }
    int weeklyResetDay() const { return m_resetDay; }
    int weeklyResetHour() const { return m_resetHour; }

private:
    QDateTime local(qint64 ms) const;
    QTimeZone m_zone;
    int m_resetDay = 1;
    int m_resetHour = 0;
};

} // namespace rd::policy
