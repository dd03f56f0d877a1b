// SPDX-License-Identifier: GPL-3.0-or-later
// Every key limit at and across its boundary, with a clock the test moves (PROTOCOLS.md §7.6).
#include "core/policy/keylimiter.h"
#include "tests/support/testsupport.h"

#include <QDateTime>
#include <QTest>
#include <QThread>
#include <QTimeZone>

#include <atomic>

using namespace Qt::StringLiterals;
using rd::policy::Admission;
using rd::policy::KeyLimiter;
using rd::policy::KeyLimits;
using rd::policy::LimitCalendar;
using rd::policy::LimitKind;

namespace {
// Wednesday 2026-11-25 12:00 in Europe/Berlin (UTC+1).
const QTimeZone kBerlin("Europe/Berlin");
qint64 berlin(int y, int m, int d, int h, int min = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min), kBerlin).toMSecsSinceEpoch();
}

std::shared_ptr<KeyLimiter> limiterAt(rd::test::ManualClock &clock)
{
    auto limiter = std::make_shared<KeyLimiter>(clock.clock());
    limiter->setCalendar(LimitCalendar(kBerlin, 1, 0));
    return limiter;
}

Admission admit(KeyLimiter &l, const KeyLimits &limits, QByteArrayView family = "sonnet", KeyLimiter::Waiter w = {})
{
    return l.admit(u"k"_s, limits, family, false, true, std::move(w));
}
} // namespace

class TestKeyLimiter : public QObject
{
    Q_OBJECT
private slots:
    void noLimitsAdmitsWithoutALease()
    {
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        const Admission a = admit(*l, KeyLimits());
        QCOMPARE(a.outcome, Admission::Outcome::Admitted);
        QVERIFY(!a.lease);
    }

    void concurrencyIsLeasedAndAlwaysReleased()
    {
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        KeyLimits limits;
        limits.concurrency = 2;
        Admission a = admit(*l, limits);
        Admission b = admit(*l, limits);
        QCOMPARE(a.outcome, Admission::Outcome::Admitted);
        QCOMPARE(b.outcome, Admission::Outcome::Admitted);
        const Admission c = admit(*l, limits);
        QCOMPARE(c.outcome, Admission::Outcome::Refused);
        QCOMPARE(c.refusal->kind, LimitKind::Concurrency);
        QCOMPARE(c.refusal->status, 429);
        QCOMPARE(c.refusal->retryAfterS, 1);
        QVERIFY(c.refusal->message.contains(u"2 concurrent"_s));
        QCOMPARE(l->usage(u"k"_s, limits).inFlight, 2);
        a.lease.reset(); // released
        QCOMPARE(l->usage(u"k"_s, limits).inFlight, 1);
        QCOMPARE(admit(*l, limits).outcome, Admission::Outcome::Admitted); // its lease dies at once
        b.lease.reset();
        QCOMPARE(l->usage(u"k"_s, limits).inFlight, 0);
    }

    void countTokensSkipsConcurrency()
    {
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        KeyLimits limits;
        limits.concurrency = 1;
        const Admission held = admit(*l, limits);
        QVERIFY(held.lease);
        const Admission counted = l->admit(u"k"_s, limits, "sonnet", true, true);
        QCOMPARE(counted.outcome, Admission::Outcome::Admitted);
        QVERIFY(!counted.lease);
    }

    void queueHandsTheSlotOnInOrder()
    {
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        KeyLimits limits;
        limits.concurrency = 1;
        limits.queueSize = 2;
        Admission first = admit(*l, limits);
        QList<int> order;
        std::shared_ptr<rd::policy::KeyLease> second;
        const Admission q1 = admit(*l, limits, "sonnet", [&](Admission a) {
            order << 1;
            second = a.lease;
        });
        const Admission q2 = admit(*l, limits, "sonnet", [&](Admission) { order << 2; });
        QCOMPARE(q1.outcome, Admission::Outcome::Queued);
        QCOMPARE(q2.outcome, Admission::Outcome::Queued);
        const Admission full = admit(*l, limits, "sonnet", [](Admission) {});
        QCOMPARE(full.outcome, Admission::Outcome::Refused);
        QCOMPARE(full.refusal->kind, LimitKind::QueueFull);
        QCOMPARE(l->usage(u"k"_s, limits).waiting, 2);
        first.lease.reset(); // the slot goes to the first waiter, not back to the pool
        QCOMPARE(order, QList<int>{1});
        QVERIFY(second);
        QCOMPARE(l->usage(u"k"_s, limits).inFlight, 1);
        QVERIFY(l->cancel(u"k"_s, q2.ticket)); // the second gives up (timeout or client gone)
        QVERIFY(!l->cancel(u"k"_s, q2.ticket));
        second.reset();
        QCOMPARE(order, QList<int>{1}); // nobody waits any more
        QCOMPARE(l->usage(u"k"_s, limits).inFlight, 0);
        QCOMPARE(l->queueTimeout(limits).kind, LimitKind::QueueTimeout);
    }

    void aGrantNobodyTakesIsReleased()
    {
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        KeyLimits limits;
        limits.concurrency = 1;
        limits.queueSize = 1;
        Admission first = admit(*l, limits);
        // The waiter drops its admission (its exchange is gone): the lease must not leak.
        QCOMPARE(admit(*l, limits, "sonnet", [](Admission) {}).outcome, Admission::Outcome::Queued);
        first.lease.reset();
        QCOMPARE(l->usage(u"k"_s, limits).inFlight, 0);
    }

    void windowLimits_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QByteArray>("detail");
        QTest::newRow("requests") << int(LimitKind::WindowRequests) << "currentRequests"_ba;
        QTest::newRow("tokens") << int(LimitKind::WindowTokens) << "currentTokens"_ba;
        QTest::newRow("cost") << int(LimitKind::WindowCost) << "currentCost"_ba;
    }
    void windowLimits()
    {
        QFETCH(int, kind);
        QFETCH(QByteArray, detail);
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        KeyLimits limits;
        limits.windowMinutes = 10;
        if (kind == int(LimitKind::WindowRequests)) {
            limits.windowRequests = 3;
        } else if (kind == int(LimitKind::WindowTokens)) {
            limits.windowTokens = 1000;
        } else {
            limits.windowCostUsd = 1.0;
        }
        const qint64 start = clock.now();
        // Three requests of 400 tokens / $0.40: the third crosses tokens and cost (and completes), the fourth is
        // refused; for requests the fourth is refused at 3.
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(admit(*l, limits).outcome, Admission::Outcome::Admitted);
            l->recordUsage(u"k"_s, clock.now(), 400, 0.40, "sonnet");
            clock.advance(60'000);
        }
        const Admission refused = admit(*l, limits);
        QCOMPARE(refused.outcome, Admission::Outcome::Refused);
        QCOMPARE(int(refused.refusal->kind), kind);
        QCOMPARE(refused.refusal->status, 429);
        QCOMPARE(refused.refusal->retryAfterS, qint64(7 * 60)); // anchored at the first request: 10 − 3 minutes
        QVERIFY(refused.refusal->details.contains(QString::fromLatin1(detail)));
        QCOMPARE(refused.refusal->details.value(u"resetAt"_s).toString(),
                 QDateTime::fromMSecsSinceEpoch(start + 600'000, Qt::UTC).toString(Qt::ISODate));
        // One millisecond before the window ends: still refused; at its end: a new window.
        clock.set(start + 600'000 - 1);
        QCOMPARE(admit(*l, limits).outcome, Admission::Outcome::Refused);
        clock.set(start + 600'000);
        QCOMPARE(admit(*l, limits).outcome, Admission::Outcome::Admitted);
        QCOMPARE(l->usage(u"k"_s, limits).windowRequests, 1);
        QCOMPARE(l->usage(u"k"_s, limits).windowStartMs, start + 600'000);
    }

    void costLimits_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<qint64>("resetAt"); // when the limit resets (0 = never)
        QTest::newRow("daily") << int(LimitKind::DailyCost) << "daily_cost_limit_exceeded"_ba
                               << berlin(2026, 11, 26, 0);
        QTest::newRow("weekly") << int(LimitKind::WeeklyCost) << "weekly_cost_limit_exceeded"_ba
                                << berlin(2026, 11, 30, 0);
        QTest::newRow("total") << int(LimitKind::TotalCost) << "total_cost_limit_exceeded"_ba << qint64(0);
        QTest::newRow("weekly opus") << int(LimitKind::WeeklyFamilyCost) << "weekly_opus_cost_limit_exceeded"_ba
                                     << berlin(2026, 11, 30, 0);
    }
    void costLimits()
    {
        QFETCH(int, kind);
        QFETCH(QByteArray, code);
        QFETCH(qint64, resetAt);
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        KeyLimits limits;
        switch (LimitKind(kind)) {
        case LimitKind::DailyCost:
            limits.dailyCostUsd = 5;
            break;
        case LimitKind::WeeklyCost:
            limits.weeklyCostUsd = 5;
            break;
        case LimitKind::TotalCost:
            limits.totalCostUsd = 5;
            break;
        default:
            limits.weeklyFamily = "opus";
            limits.weeklyFamilyCostUsd = 5;
            break;
        }
        QCOMPARE(admit(*l, limits, "opus").outcome, Admission::Outcome::Admitted);
        l->recordUsage(u"k"_s, clock.now(), 100, 4.99, "opus");
        QCOMPARE(admit(*l, limits, "opus").outcome, Admission::Outcome::Admitted); // 4.99 < 5: still allowed
        l->recordUsage(u"k"_s, clock.now(), 100, 0.50, "opus");                    // this one crosses and completes
        const Admission refused = admit(*l, limits, "opus");
        QCOMPARE(refused.outcome, Admission::Outcome::Refused);
        QCOMPARE(refused.refusal->status, 402);
        QCOMPARE(refused.refusal->code, code);
        QCOMPARE(refused.refusal->details.value(u"costLimit"_s).toDouble(), 5.0);
        QCOMPARE(refused.refusal->details.value(u"currentCost"_s).toDouble(), 5.49);
        if (resetAt > 0) {
            QCOMPARE(refused.refusal->details.value(u"resetAt"_s).toString(),
                     QDateTime::fromMSecsSinceEpoch(resetAt, Qt::UTC).toString(Qt::ISODate));
            QVERIFY2(refused.refusal->message.contains(u"resets at"_s), qPrintable(refused.refusal->message));
            clock.set(resetAt - 1);
            QCOMPARE(admit(*l, limits, "opus").outcome, Admission::Outcome::Refused);
            clock.set(resetAt);
            QCOMPARE(admit(*l, limits, "opus").outcome, Admission::Outcome::Admitted);
        } else {
            clock.advance(365LL * 86'400'000);
            QCOMPARE(admit(*l, limits, "opus").outcome, Admission::Outcome::Refused);
        }
        if (LimitKind(kind) == LimitKind::WeeklyFamilyCost) {
            clock.set(berlin(2026, 11, 25, 13));
            QCOMPARE(admit(*l, limits, "sonnet").outcome, Admission::Outcome::Admitted); // other families go on
        }
    }

    void requestsBegunYesterdayDoNotCountToday()
    {
        rd::test::ManualClock clock(berlin(2026, 11, 25, 23, 59));
        auto l = limiterAt(clock);
        KeyLimits limits;
        limits.dailyCostUsd = 1;
        const qint64 begun = clock.now();
        clock.set(berlin(2026, 11, 26, 0, 5)); // a long stream ends after midnight
        l->recordUsage(u"k"_s, begun, 10, 2.0, "sonnet");
        QCOMPARE(admit(*l, limits).outcome, Admission::Outcome::Admitted);
        QCOMPARE(l->usage(u"k"_s, limits).totalCostUsd, 2.0);
        QCOMPARE(l->usage(u"k"_s, limits).dayCostUsd, 0.0);
    }

    void calendarFollowsTheZoneAndResetDay_data()
    {
        QTest::addColumn<int>("resetDay");
        QTest::addColumn<int>("resetHour");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<qint64>("weekStart");
        QTest::addColumn<qint64>("dayStart");
        QTest::newRow("monday 00:00") << 1 << 0 << berlin(2026, 11, 25, 12) << berlin(2026, 11, 23, 0)
                                      << berlin(2026, 11, 25, 0);
        QTest::newRow("wednesday 13:00, before it")
            << 3 << 13 << berlin(2026, 11, 25, 12) << berlin(2026, 11, 18, 13) << berlin(2026, 11, 25, 0);
        QTest::newRow("wednesday 13:00, after it")
            << 3 << 13 << berlin(2026, 11, 25, 14) << berlin(2026, 11, 25, 13) << berlin(2026, 11, 25, 0);
        QTest::newRow("sunday") << 7 << 0 << berlin(2026, 11, 28, 12) << berlin(2026, 11, 22, 0)
                                << berlin(2026, 11, 28, 0);
        // 2026-03-29: clocks go forward at 02:00 in Berlin; the day still starts at local midnight.
        QTest::newRow("DST day") << 1 << 0 << berlin(2026, 3, 29, 12) << berlin(2026, 3, 23, 0)
                                 << berlin(2026, 3, 29, 0);
    }
    void calendarFollowsTheZoneAndResetDay()
    {
        QFETCH(int, resetDay);
        QFETCH(int, resetHour);
        QFETCH(qint64, now);
        QFETCH(qint64, weekStart);
        QFETCH(qint64, dayStart);
        const LimitCalendar calendar(kBerlin, resetDay, resetHour);
        QCOMPARE(calendar.weekStart(now), weekStart);
        QCOMPARE(calendar.nextWeekStart(now),
                 QDateTime::fromMSecsSinceEpoch(weekStart, kBerlin).addDays(7).toMSecsSinceEpoch());
        QCOMPARE(calendar.dayStart(now), dayStart);
        QCOMPARE(calendar.monthStart(now),
                 QDateTime(QDateTime::fromMSecsSinceEpoch(now, kBerlin)
                               .date()
                               .addDays(1 - QDateTime::fromMSecsSinceEpoch(now, kBerlin).date().day()),
                           QTime(0, 0),
                           kBerlin)
                     .toMSecsSinceEpoch());
    }

    void countersComeBackFromTheStore()
    {
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        KeyLimits limits;
        limits.dailyCostUsd = 10;
        limits.weeklyFamily = "opus";
        limits.weeklyFamilyCostUsd = 3;
        limits.totalCostUsd = 100;
        limits.windowMinutes = 5;
        limits.windowRequests = 2;
        l->seedDay({rd::store::SpendRow{u"k"_s, u"claude-sonnet-4-5"_s, 2, 100, 9.0, clock.now() - 1000}});
        l->seedWeek({rd::store::SpendRow{u"k"_s, u"claude-opus-4-5"_s, 1, 100, 3.5, clock.now() - 86'400'000}});
        l->seedTotals({{u"k"_s, 99.0}});
        l->seedWindow(u"k"_s, rd::store::SpendRow{u"k"_s, QString(), 2, 300, 0.2, clock.now() - 60'000});
        const KeyLimiter::Usage u = l->usage(u"k"_s, limits);
        QCOMPARE(u.dayCostUsd, 9.0);
        QCOMPARE(u.familyWeekCostUsd, 3.5);
        QCOMPARE(u.totalCostUsd, 99.0);
        QCOMPARE(u.windowRequests, qint64(2));
        const Admission a = admit(*l, limits, "opus");
        QCOMPARE(a.outcome, Admission::Outcome::Refused);
        QCOMPARE(a.refusal->kind, LimitKind::WindowRequests); // the window comes first (§7.6 order)
        QCOMPARE(a.refusal->retryAfterS, qint64(4 * 60));
        clock.advance(4 * 60'000);
        QCOMPARE(admit(*l, limits, "opus").refusal->kind, LimitKind::WeeklyFamilyCost);
        QCOMPARE(admit(*l, limits, "sonnet").outcome, Admission::Outcome::Admitted);
    }

    void budgetWarningsAt80And100Percent()
    {
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        KeyLimits limits;
        limits.dailyCostUsd = 10;
        limits.totalCostUsd = 100;
        auto crossed = [&](double cost) {
            QStringList names;
            for (const auto &c : l->recordUsage(u"k"_s, clock.now(), 1, cost, "sonnet", limits)) {
                names << u"%1 %2"_s.arg(c.limit).arg(c.used);
            }
            return names;
        };
        QCOMPARE(crossed(7.9), QStringList());
        QCOMPARE(crossed(0.2), QStringList{u"daily 8.1"_s}); // 80 %
        QCOMPARE(crossed(0.5), QStringList());
        QCOMPARE(crossed(5.0), QStringList{u"daily 13.6"_s}); // 100 %, reported once
        QCOMPARE(crossed(1.0), QStringList());
        QCOMPARE(crossed(90.0), QStringList{u"total 104.6"_s}); // past both lines at once: the higher one
    }

    void activationHappensOnce()
    {
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        bool first = false;
        QCOMPARE(l->activate(u"k"_s, 1000, &first), 1000);
        QVERIFY(first);
        QCOMPARE(l->activate(u"k"_s, 5000, &first), 1000);
        QVERIFY(!first);
    }

    void concurrentRequestsNeverExceedTheLimit()
    {
        // Eight threads race for three slots and a 500-request window: never more than three hold a slot, exactly
        // 500 are admitted past the window, and every slot is back at the end.
        rd::test::ManualClock clock(berlin(2026, 11, 25, 12));
        auto l = limiterAt(clock);
        KeyLimits limits;
        limits.concurrency = 3;
        limits.windowMinutes = 60;
        limits.windowRequests = 500;
        std::atomic<int> holding{0};
        std::atomic<int> maxHolding{0};
        std::atomic<int> admitted{0};
        std::atomic<int> windowRefusals{0};
        QList<QThread *> threads;
        for (int t = 0; t < 8; ++t) {
            threads << QThread::create([&] {
                for (int i = 0; i < 2000; ++i) {
                    Admission a = admit(*l, limits);
                    if (a.outcome == Admission::Outcome::Admitted) {
                        const int now = ++holding;
                        int seen = maxHolding.load();
                        while (now > seen && !maxHolding.compare_exchange_weak(seen, now)) {
                        }
                        ++admitted;
                        --holding;
                        a.lease.reset();
                    } else if (a.refusal->kind == LimitKind::WindowRequests) {
                        ++windowRefusals;
                    }
                }
            });
            threads.last()->start();
        }
        for (QThread *t : std::as_const(threads)) {
            QVERIFY(t->wait(60'000));
            delete t;
        }
        QVERIFY2(maxHolding.load() <= 3, qPrintable(QString::number(maxHolding.load())));
        QCOMPARE(admitted.load(), 500);
        QVERIFY(windowRefusals.load() > 0);
        QCOMPARE(l->usage(u"k"_s, limits).inFlight, 0);
    }

    void limitsParseAndRefuseNonsense_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<bool>("valid");
        QTest::newRow("empty") << QString() << true;
        QTest::newRow("all") << u"{\"concurrency\":2,\"queue_size\":3,\"window_minutes\":1,\"window_requests\":5,"
                                "\"daily_cost_usd\":1.5,\"weekly_family\":\"opus\",\"weekly_family_cost_usd\":2}"_s
                             << true;
        QTest::newRow("unknown field") << u"{\"concurency\":2}"_s << false;
        QTest::newRow("negative") << u"{\"daily_cost_usd\":-1}"_s << false;
        QTest::newRow("text number") << u"{\"concurrency\":\"2\"}"_s << false;
        QTest::newRow("queue without concurrency") << u"{\"queue_size\":3}"_s << false;
        QTest::newRow("window without amount") << u"{\"window_minutes\":3}"_s << false;
        QTest::newRow("amount without window") << u"{\"window_requests\":3}"_s << false;
        QTest::newRow("family cost without family") << u"{\"weekly_family_cost_usd\":3}"_s << false;
        QTest::newRow("not an object") << u"[1]"_s << false;
    }
    void limitsParseAndRefuseNonsense()
    {
        QFETCH(QString, json);
        QFETCH(bool, valid);
        const auto parsed = KeyLimits::fromText(json);
        QCOMPARE(parsed.has_value(), valid);
        if (valid) {
            QCOMPARE(KeyLimits::fromJson(parsed->toJson()).value(), *parsed); // round trip
        } else {
            QVERIFY(!parsed.error().detail.isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestKeyLimiter)
#include "tst_keylimiter.moc"
