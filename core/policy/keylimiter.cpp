// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/policy/keylimiter.h"

#include "core/scheduling/upstreamverdict.h"

#include <QDateTime>

#include <cmath>

using namespace Qt::StringLiterals;

namespace rd::policy {

namespace {

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QString localTime(qint64 ms, const LimitCalendar &calendar)
{
    return QDateTime::fromMSecsSinceEpoch(ms, calendar.zone()).toString(Qt::ISODate);
}

QString usd(double v)
{
    return u"$"_s + QString::number(v, 'f', v < 1 ? 4 : 2);
}

qint64 secondsUntil(qint64 ms, qint64 now)
{
    return std::max<qint64>(1, (ms - now + 999) / 1000);
}

Refusal costRefusal(LimitKind kind,
                    QByteArray code,
                    const QString &what,
                    double current,
                    double limit,
                    qint64 resetAtMs,
                    const LimitCalendar &calendar)
{
    Refusal r;
    r.kind = kind;
    r.status = 402;
    r.code = std::move(code);
    r.message = u"%1 cost limit exceeded: %2 of %3 spent"_s.arg(what, usd(current), usd(limit));
    r.message += resetAtMs > 0 ? u"; it resets at %1"_s.arg(localTime(resetAtMs, calendar)) : u"; it does not reset"_s;
    r.details = QJsonObject{{u"currentCost"_s, current}, {u"costLimit"_s, limit}};
    if (resetAtMs > 0) {
        r.details.insert(u"resetAt"_s, isoUtc(resetAtMs));
    }
    return r;
}

} // namespace

Clock systemClock()
{
    return [] { return QDateTime::currentMSecsSinceEpoch(); };
}

KeyLease::KeyLease(std::shared_ptr<KeyLimiter> limiter, QString keyId)
    : m_limiter(std::move(limiter))
    , m_keyId(std::move(keyId))
{}

KeyLease::~KeyLease()
{
    m_limiter->release(m_keyId);
}

KeyLimiter::KeyLimiter(Clock clock)
    : m_clock(std::move(clock))
{}

void KeyLimiter::setCalendar(const LimitCalendar &calendar)
{
    const QMutexLocker lock(&m_mutex);
    m_calendar = calendar;
    m_dayStart = m_dayEnd = m_weekStart = m_weekEnd = 0; // recomputed at the next call
}

LimitCalendar KeyLimiter::calendar() const
{
    const QMutexLocker lock(&m_mutex);
    return m_calendar;
}

std::shared_ptr<KeyLease> KeyLimiter::newLease(const QString &keyId)
{
    return std::make_shared<KeyLease>(shared_from_this(), keyId);
}

void KeyLimiter::rollCalendar(State &s, qint64 now)
{
    if (now >= m_dayEnd || now < m_dayStart) {
        m_dayStart = m_calendar.dayStart(now);
        m_dayEnd = m_calendar.nextDayStart(now);
    }
    if (now >= m_weekEnd || now < m_weekStart) {
        m_weekStart = m_calendar.weekStart(now);
        m_weekEnd = m_calendar.nextWeekStart(now);
    }
    if (s.dayStartMs != m_dayStart) {
        s.dayStartMs = m_dayStart;
        s.dayCost = 0;
    }
    if (s.weekStartMs != m_weekStart) {
        s.weekStartMs = m_weekStart;
        s.weekCost = 0;
        s.weekFamilyCost.clear();
    }
}

std::optional<Refusal>
KeyLimiter::checkBudgets(State &s, const KeyLimits &limits, QByteArrayView family, bool countsInWindow, qint64 now)
{
    if (limits.hasWindow()) {
        const qint64 length = qint64(limits.windowMinutes) * 60'000;
        if (s.windowStartMs != 0 && now >= s.windowStartMs + length) {
            s.windowStartMs = 0; // the window ended: the next counted request opens a new one
            s.windowRequests = s.windowTokens = 0;
            s.windowCost = 0;
        }
        if (s.windowStartMs != 0) {
            const qint64 resetAt = s.windowStartMs + length;
            auto refuse = [&](LimitKind kind, const QString &what, const QJsonObject &details) {
                Refusal r;
                r.kind = kind;
                r.status = 429;
                r.code = "rate_limit_exceeded";
                r.retryAfterS = secondsUntil(resetAt, now);
                r.message =
                    u"Rate limit exceeded: %1 in this key's %2-minute window; it resets at %3 (in %4 s)"_s.arg(what)
                        .arg(limits.windowMinutes)
                        .arg(isoUtc(resetAt))
                        .arg(r.retryAfterS);
                r.details = details;
                r.details.insert(u"resetAt"_s, isoUtc(resetAt));
                r.details.insert(u"remainingMinutes"_s, qint64(std::ceil(double(resetAt - now) / 60'000)));
                return r;
            };
            if (limits.windowRequests > 0 && s.windowRequests >= limits.windowRequests) {
                return refuse(LimitKind::WindowRequests,
                              u"%1 of %2 requests"_s.arg(s.windowRequests).arg(limits.windowRequests),
                              {{u"currentRequests"_s, s.windowRequests}, {u"requestLimit"_s, limits.windowRequests}});
            }
            if (limits.windowTokens > 0 && s.windowTokens >= limits.windowTokens) {
                return refuse(LimitKind::WindowTokens,
                              u"%1 of %2 tokens"_s.arg(s.windowTokens).arg(limits.windowTokens),
                              {{u"currentTokens"_s, s.windowTokens}, {u"tokenLimit"_s, limits.windowTokens}});
            }
            if (limits.windowCostUsd > 0 && s.windowCost >= limits.windowCostUsd) {
                return refuse(LimitKind::WindowCost,
                              u"%1 of %2"_s.arg(usd(s.windowCost), usd(limits.windowCostUsd)),
                              {{u"currentCost"_s, s.windowCost}, {u"costLimit"_s, limits.windowCostUsd}});
            }
        }
    }
    if (limits.dailyCostUsd > 0 && s.dayCost >= limits.dailyCostUsd) {
        return costRefusal(LimitKind::DailyCost,
                           "daily_cost_limit_exceeded",
                           u"Daily"_s,
                           s.dayCost,
                           limits.dailyCostUsd,
                           m_dayEnd,
                           m_calendar);
    }
    if (limits.weeklyCostUsd > 0 && s.weekCost >= limits.weeklyCostUsd) {
        return costRefusal(LimitKind::WeeklyCost,
                           "weekly_cost_limit_exceeded",
                           u"Weekly"_s,
                           s.weekCost,
                           limits.weeklyCostUsd,
                           m_weekEnd,
                           m_calendar);
    }
    if (limits.totalCostUsd > 0 && s.totalCost >= limits.totalCostUsd) {
        return costRefusal(LimitKind::TotalCost,
                           "total_cost_limit_exceeded",
                           u"Total"_s,
                           s.totalCost,
                           limits.totalCostUsd,
                           0,
                           m_calendar);
    }
    if (limits.weeklyFamilyCostUsd > 0 && family == limits.weeklyFamily) {
        const double spent = s.weekFamilyCost.value(limits.weeklyFamily);
        if (spent >= limits.weeklyFamilyCostUsd) {
            QString name = QString::fromLatin1(limits.weeklyFamily);
            name[0] = name[0].toUpper();
            return costRefusal(LimitKind::WeeklyFamilyCost,
                               "weekly_" + limits.weeklyFamily + "_cost_limit_exceeded",
                               u"Weekly %1"_s.arg(name),
                               spent,
                               limits.weeklyFamilyCostUsd,
                               m_weekEnd,
                               m_calendar);
        }
    }
    if (countsInWindow && limits.hasWindow()) {
        if (s.windowStartMs == 0) {
            s.windowStartMs = now; // fixed window, anchored at its first request
        }
        ++s.windowRequests;
    }
    return std::nullopt;
}

Admission KeyLimiter::admit(const QString &keyId,
                            const KeyLimits &limits,
                            QByteArrayView modelFamily,
                            bool exemptFromConcurrency,
                            bool countsInWindow,
                            Waiter waiter)
{
    Admission a;
    if (limits.isEmpty()) {
        return a; // the common case: no lock at all
    }
    const QMutexLocker lock(&m_mutex);
    const qint64 now = m_clock();
    State &s = m_states[keyId];
    rollCalendar(s, now);
    const bool limited = !exemptFromConcurrency && limits.concurrency > 0;
    if (limited && s.inFlight >= limits.concurrency) {
        Refusal r;
        r.status = 429;
        r.code = "rate_limit_exceeded";
        r.retryAfterS = 1;
        r.details = QJsonObject{{u"currentConcurrency"_s, s.inFlight}, {u"concurrencyLimit"_s, limits.concurrency}};
        if (limits.queueSize > 0 && waiter) {
            if (qsizetype(s.queue.size()) < limits.queueSize) {
                a.outcome = Admission::Outcome::Queued;
                a.ticket = m_nextTicket++;
                s.queue.push_back(
                    Waiting{a.ticket, limits, modelFamily.toByteArray(), countsInWindow, std::move(waiter)});
                return a;
            }
            r.kind = LimitKind::QueueFull;
            r.message = u"Concurrency queue full: %1 requests already wait for this key's %2 concurrent slots"_s
                            .arg(s.queue.size())
                            .arg(limits.concurrency);
            r.details.insert(u"queueSize"_s, limits.queueSize);
        } else {
            r.kind = LimitKind::Concurrency;
            r.message = u"Concurrency limit exceeded: this key allows %1 concurrent requests"_s.arg(limits.concurrency);
        }
        a.outcome = Admission::Outcome::Refused;
        a.refusal = std::move(r);
        return a;
    }
    if (auto refusal = checkBudgets(s, limits, modelFamily, countsInWindow, now)) {
        a.outcome = Admission::Outcome::Refused;
        a.refusal = std::move(refusal);
        return a;
    }
    if (limited) {
        ++s.inFlight;
        a.lease = newLease(keyId);
    }
    return a;
}

Refusal KeyLimiter::queueTimeout(const KeyLimits &limits) const
{
    Refusal r;
    r.kind = LimitKind::QueueTimeout;
    r.status = 429;
    r.code = "rate_limit_exceeded";
    r.retryAfterS = 1;
    r.message =
        u"Queue timeout: none of this key's %1 concurrent slots became free within %2 s"_s.arg(limits.concurrency)
            .arg(limits.queueTimeoutMs / 1000.0);
    r.details = QJsonObject{{u"concurrencyLimit"_s, limits.concurrency}};
    return r;
}

bool KeyLimiter::cancel(const QString &keyId, quint64 ticket)
{
    const QMutexLocker lock(&m_mutex);
    const auto it = m_states.find(keyId);
    if (it == m_states.end()) {
        return false;
    }
    auto &queue = it->queue;
    for (auto q = queue.begin(); q != queue.end(); ++q) {
        if (q->ticket == ticket) {
            queue.erase(q);
            return true;
        }
    }
    return false;
}

void KeyLimiter::release(const QString &keyId)
{
    QList<std::pair<Waiter, Admission>> answers;
    {
        const QMutexLocker lock(&m_mutex);
        State &s = m_states[keyId];
        const qint64 now = m_clock();
        rollCalendar(s, now);
        bool handedOver = false;
        while (!s.queue.empty() && !handedOver) {
            Waiting w = std::move(s.queue.front());
            s.queue.pop_front();
            Admission a;
            if (auto refusal = checkBudgets(s, w.limits, w.family, w.countsInWindow, now)) {
                a.outcome = Admission::Outcome::Refused;
                a.refusal = std::move(refusal);
            } else {
                a.lease = newLease(keyId); // the slot passes on: inFlight stays as it is
                handedOver = true;
            }
            answers.append({std::move(w.waiter), std::move(a)});
        }
        if (!handedOver) {
            s.inFlight = std::max(0, s.inFlight - 1);
        }
    }
    for (auto &[waiter, admission] : answers) {
        waiter(std::move(admission));
    }
}

void KeyLimiter::addUsage(State &s, qint64 startedMs, qint64 tokens, double ratedCostUsd, QByteArrayView family)
{
    if (s.windowStartMs != 0) {
        s.windowTokens += tokens;
        s.windowCost += ratedCostUsd;
    }
    if (startedMs >= s.dayStartMs) { // a request begun yesterday does not count against today
        s.dayCost += ratedCostUsd;
    }
    if (startedMs >= s.weekStartMs) {
        s.weekCost += ratedCostUsd;
        if (!family.isEmpty()) {
            s.weekFamilyCost[family.toByteArray()] += ratedCostUsd;
        }
    }
    s.totalCost += ratedCostUsd;
}

void KeyLimiter::recordUsage(
    const QString &keyId, qint64 startedMs, qint64 tokens, double ratedCostUsd, QByteArrayView family)
{
    const QMutexLocker lock(&m_mutex);
    State &s = m_states[keyId];
    rollCalendar(s, m_clock());
    addUsage(s, startedMs, tokens, ratedCostUsd, family);
}

QList<KeyLimiter::Crossing> KeyLimiter::recordUsage(const QString &keyId,
                                                    qint64 startedMs,
                                                    qint64 tokens,
                                                    double ratedCostUsd,
                                                    QByteArrayView family,
                                                    const KeyLimits &limits)
{
    QList<Crossing> out;
    const QMutexLocker lock(&m_mutex);
    State &s = m_states[keyId];
    rollCalendar(s, m_clock()); // the counters below are today's and this week's
    const double dayBefore = s.dayCost;
    const double weekBefore = s.weekCost;
    const double totalBefore = s.totalCost;
    const double familyBefore = s.weekFamilyCost.value(limits.weeklyFamily);
    addUsage(s, startedMs, tokens, ratedCostUsd, family);
    auto check = [&out](const QString &name, double was, double now, double cap) {
        if (cap <= 0) {
            return;
        }
        for (const double share : {1.0, 0.8}) {
            if (was < share * cap && now >= share * cap) {
                out.append(Crossing{name, now, cap});
                return; // one warning per request and limit: the highest line crossed is enough
            }
        }
    };
    check(u"daily"_s, dayBefore, s.dayCost, limits.dailyCostUsd);
    check(u"weekly"_s, weekBefore, s.weekCost, limits.weeklyCostUsd);
    check(u"total"_s, totalBefore, s.totalCost, limits.totalCostUsd);
    if (family == limits.weeklyFamily) {
        check(u"weekly "_s + QString::fromLatin1(limits.weeklyFamily),
              familyBefore,
              s.weekFamilyCost.value(limits.weeklyFamily),
              limits.weeklyFamilyCostUsd);
    }
    return out;
}

void KeyLimiter::seedDay(const QList<store::SpendRow> &rows)
{
    const QMutexLocker lock(&m_mutex);
    const qint64 now = m_clock();
    for (const store::SpendRow &row : rows) {
        State &s = m_states[row.keyId];
        rollCalendar(s, now);
        s.dayCost += row.ratedCostUsd;
    }
}

void KeyLimiter::seedWeek(const QList<store::SpendRow> &rows)
{
    const QMutexLocker lock(&m_mutex);
    const qint64 now = m_clock();
    for (const store::SpendRow &row : rows) {
        State &s = m_states[row.keyId];
        rollCalendar(s, now);
        s.weekCost += row.ratedCostUsd;
        s.weekFamilyCost[scheduling::modelFamily(row.model.toUtf8())] += row.ratedCostUsd;
    }
}

void KeyLimiter::seedTotals(const QHash<QString, double> &lifetime)
{
    const QMutexLocker lock(&m_mutex);
    for (auto it = lifetime.cbegin(); it != lifetime.cend(); ++it) {
        m_states[it.key()].totalCost = it.value();
    }
}

void KeyLimiter::seedWindow(const QString &keyId, const store::SpendRow &window)
{
    if (window.requests == 0) {
        return;
    }
    const QMutexLocker lock(&m_mutex);
    State &s = m_states[keyId];
    s.windowStartMs = window.firstMs;
    s.windowRequests = window.requests;
    s.windowTokens = window.tokens;
    s.windowCost = window.ratedCostUsd;
}

qint64 KeyLimiter::activate(const QString &keyId, qint64 nowMs, bool *first)
{
    const QMutexLocker lock(&m_mutex);
    const auto it = m_activations.constFind(keyId);
    *first = it == m_activations.cend();
    if (!*first) {
        return *it;
    }
    m_activations.insert(keyId, nowMs);
    return nowMs;
}

KeyLimiter::Usage KeyLimiter::usage(const QString &keyId, const KeyLimits &limits) const
{
    const QMutexLocker lock(&m_mutex);
    Usage u;
    const auto it = m_states.constFind(keyId);
    if (it == m_states.cend()) {
        return u;
    }
    const State &s = *it;
    const qint64 now = m_clock();
    u.inFlight = s.inFlight;
    u.waiting = int(s.queue.size());
    const bool windowOpen =
        limits.hasWindow() && s.windowStartMs != 0 && now < s.windowStartMs + qint64(limits.windowMinutes) * 60'000;
    if (windowOpen) {
        u.windowStartMs = s.windowStartMs;
        u.windowRequests = s.windowRequests;
        u.windowTokens = s.windowTokens;
        u.windowCostUsd = s.windowCost;
    }
    // Counters of a day or week that has ended read as zero.
    const qint64 dayStart = m_calendar.dayStart(now);
    const qint64 weekStart = m_calendar.weekStart(now);
    u.dayCostUsd = s.dayStartMs == dayStart ? s.dayCost : 0;
    u.weekCostUsd = s.weekStartMs == weekStart ? s.weekCost : 0;
    u.familyWeekCostUsd = s.weekStartMs == weekStart ? s.weekFamilyCost.value(limits.weeklyFamily) : 0;
    u.totalCostUsd = s.totalCost;
    return u;
}

} // namespace rd::policy
