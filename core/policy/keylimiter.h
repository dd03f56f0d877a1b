// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/policy/keylimits.h"
#include "core/policy/limitcalendar.h"
#include "core/store/records.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace rd::policy {

using Clock = std::function<qint64()>; // ms since the epoch; tests inject their own
Clock systemClock();

enum class LimitKind
{
    Concurrency,
    QueueFull,
    QueueTimeout,
    WindowRequests,
    WindowTokens,
    WindowCost,
    DailyCost,
    WeeklyCost,
    TotalCost,
    WeeklyFamilyCost,
};

// Why a request was refused, ready for the client (PROTOCOLS.md §7.6): 429 with retry-after, or 402 with a code.
struct Refusal
{
    LimitKind kind = LimitKind::Concurrency;
    int status = 429;
    QByteArray code;        // "rate_limit_exceeded", "daily_cost_limit_exceeded", …
    QString message;        // names the limit and when it resets
    qint64 retryAfterS = 0; // 0 = no retry-after header
    QJsonObject details;    // current, limit, resetAt … as extra top-level fields
};

class KeyLimiter;

// A leased concurrency slot: released when the last copy goes (the exchange finished, or the grant never arrived).
class KeyLease
{
public:
    KeyLease(std::shared_ptr<KeyLimiter> limiter, QString keyId);
    ~KeyLease();
    KeyLease(const KeyLease &) = delete;
    KeyLease &operator=(const KeyLease &) = delete;

private:
    std::shared_ptr<KeyLimiter> m_limiter;
    QString m_keyId;
};

struct Admission
{
    enum class Outcome
    {
        Admitted,
        Refused,
        Queued,
    };
    Outcome outcome = Outcome::Admitted;
    std::optional<Refusal> refusal;
    std::shared_ptr<KeyLease> lease; // Admitted with a concurrency limit
    quint64 ticket = 0;              // Queued: for cancel()
};

// The live counters behind every key limit, shared by all relay workers; one short lock per call, no SQL.
// Counters rebuilt from the store at start (seed) survive restarts; limits compare what is already consumed, so the
// request that crosses a limit completes (§7.6).
class KeyLimiter : public std::enable_shared_from_this<KeyLimiter>
{
public:
    explicit KeyLimiter(Clock clock = systemClock());
    void setCalendar(const LimitCalendar &calendar);
    LimitCalendar calendar() const;
    qint64 now() const { return m_clock(); }

    // Called when a queued request gets its slot (with the lease) or is refused by a later check; from the thread
    // that released the slot — post it to your own thread.
    using Waiter = std::function<void(Admission)>;

    // Checks 6–10 of §7.6 in order. exemptFromConcurrency: count_tokens (which still counts in the window, as the
    // issue asks). countsInWindow: false for requests the window should not see.
    Admission admit(const QString &keyId,
                    const KeyLimits &limits,
                    QByteArrayView modelFamily,
                    bool exemptFromConcurrency,
                    bool countsInWindow,
                    Waiter waiter = {});
    // A queued request gives up (timeout, client gone). false: its grant is already on its way to the waiter.
    bool cancel(const QString &keyId, quint64 ticket);
    Refusal queueTimeout(const KeyLimits &limits) const;

    // A finished request's tokens and rated cost, attributed to the time it started.
    void recordUsage(const QString &keyId, qint64 startedMs, qint64 tokens, double ratedCostUsd, QByteArrayView family);
    // The same, and which of the key's cost limits this request carried past 80 % or 100 % (for warnings).
    struct Crossing
    {
        QString limit; // "daily", "weekly", "total", "weekly opus"
        double used = 0;
        double cap = 0;
    };
    QList<Crossing> recordUsage(const QString &keyId,
                                qint64 startedMs,
                                qint64 tokens,
                                double ratedCostUsd,
                                QByteArrayView family,
                                const KeyLimits &limits);
    // At start, from the store: spend since today's start, since this week's start (per key and model), in total,
    // and one key's rate window (rows since now − window length; the window is anchored at the first of them).
    void seedDay(const QList<store::SpendRow> &rows);
    void seedWeek(const QList<store::SpendRow> &rows);
    void seedTotals(const QHash<QString, double> &lifetime);
    void seedWindow(const QString &keyId, const store::SpendRow &window);

    // "N days after first use": the first call for a key fixes its activation time (later calls return it).
    // *first tells whether this call did it (and should persist it).
    qint64 activate(const QString &keyId, qint64 nowMs, bool *first);

    struct Usage // what key-info shows
    {
        int inFlight = 0;
        int waiting = 0;
        qint64 windowStartMs = 0;
        qint64 windowRequests = 0;
        qint64 windowTokens = 0;
        double windowCostUsd = 0;
        double dayCostUsd = 0;
        double weekCostUsd = 0;
        double familyWeekCostUsd = 0;
        double totalCostUsd = 0;
    };
    Usage usage(const QString &keyId, const KeyLimits &limits) const;

private:
    friend class KeyLease;
    struct Waiting
    {
        quint64 ticket;
        KeyLimits limits;
        QByteArray family;
        bool countsInWindow;
        Waiter waiter;
    };
    struct State
    {
        int inFlight = 0;
        std::deque<Waiting> queue;
        qint64 windowStartMs = 0;
        qint64 windowRequests = 0;
        qint64 windowTokens = 0;
        double windowCost = 0;
        qint64 dayStartMs = -1;
        double dayCost = 0;
        qint64 weekStartMs = -1;
        double weekCost = 0;
        QHash<QByteArray, double> weekFamilyCost;
        double totalCost = 0;
    };
    void release(const QString &keyId);
    // Under m_mutex, after rollCalendar: the request's spend into the window, today, this week and the total.
    static void addUsage(State &s, qint64 startedMs, qint64 tokens, double ratedCostUsd, QByteArrayView family);
    void rollCalendar(State &s, qint64 now); // under m_mutex: a new day or week starts its counters at zero
    // Checks 7–10; on success counts the request in the window. Under m_mutex.
    std::optional<Refusal>
    checkBudgets(State &s, const KeyLimits &limits, QByteArrayView family, bool countsInWindow, qint64 now);
    std::shared_ptr<KeyLease> newLease(const QString &keyId);

    Clock m_clock;
    mutable QMutex m_mutex;
    LimitCalendar m_calendar;
    QHash<QString, State> m_states;
    QHash<QString, qint64> m_activations;
    quint64 m_nextTicket = 1;
    // The current day and week, recomputed only when the clock leaves them (time-zone maths is not free).
    qint64 m_dayStart = 0;
    qint64 m_dayEnd = 0;
    qint64 m_weekStart = 0;
    qint64 m_weekEnd = 0;
};

} // namespace rd::policy
