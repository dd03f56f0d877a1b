// SPDX-License-Identifier: GPL-3.0-or-later
// The live window is driven with explicit times: every call takes "now" as an argument, nothing sleeps.
#include "core/usage/livewindow.h"

#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using rd::usage::LivePoint;
using rd::usage::LiveWindow;

namespace {

constexpr qint64 kMinute = LiveWindow::kMinuteMs;
constexpr qint64 kT0 = 28'333'334 * kMinute; // 2023-11-14 22:14:00 UTC, a minute start

// Nearest-rank percentile of a sorted list: the ceil(p × n)-th smallest value.
double exactPercentile(const std::vector<qint64> &sorted, int percent)
{
    const auto n = static_cast<qint64>(sorted.size());
    return static_cast<double>(sorted[static_cast<std::size_t>((n * percent + 99) / 100 - 1)]);
}

bool withinError(double estimate, double exact)
{
    return qAbs(estimate - exact) <= exact * LiveWindow::kMaxRelativeError + 1e-9;
}

// Latencies drawn from a seeded generator: log-uniform between lo and hi milliseconds.
std::vector<qint64> latencies(int count, qint64 lo, qint64 hi, quint32 seed)
{
    QRandomGenerator random(seed);
    std::vector<qint64> out;
    out.reserve(static_cast<std::size_t>(count));
    const double span = std::log(static_cast<double>(hi) + 1) - std::log(static_cast<double>(lo) + 1);
    for (int i = 0; i < count; ++i) {
        const double x = std::exp(std::log(static_cast<double>(lo) + 1) + random.generateDouble() * span) - 1;
        out.push_back(std::clamp(static_cast<qint64>(std::llround(x)), lo, hi));
    }
    return out;
}

QString describe(const LivePoint &p)
{
    return u"requests %1 errors %2 tokens %3 cost %4 p50 %5 p99 %6"_s.arg(p.requests)
        .arg(p.errors)
        .arg(p.tokens)
        .arg(p.costUsd)
        .arg(p.p50LatencyMs)
        .arg(p.p99LatencyMs);
}

} // namespace

class TestLiveWindow : public QObject
{
    Q_OBJECT
private slots:
    void snapshotHasOnePointPerMinuteEndingNow()
    {
        LiveWindow window(5);
        const QList<LivePoint> points = window.snapshot(kT0 + 12'345);
        QCOMPARE(points.size(), 5);
        for (int i = 0; i < points.size(); ++i) {
            QCOMPARE(points[i].minuteStartMs, kT0 - (4 - i) * kMinute);
            QCOMPARE(points[i].requests, 0);
            QCOMPARE(points[i].errors, 0);
            QCOMPARE(points[i].tokens, 0);
            QCOMPARE(points[i].costUsd, 0.0);
            QCOMPARE(points[i].p50LatencyMs, -1.0);
            QCOMPARE(points[i].p99LatencyMs, -1.0);
        }
        QCOMPARE(LiveWindow().snapshot(kT0).size(), 60);
    }

    // position: index from the end of the snapshot (0 = the minute containing now); -1 = not shown.
    void bucketsByMinute_data()
    {
        QTest::addColumn<qint64>("at");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<int>("position");
        QTest::newRow("first ms of the current minute") << kT0 << kT0 << 0;
        QTest::newRow("last ms of the current minute") << kT0 + 59'999 << kT0 + 30'000 << 0;
        QTest::newRow("last ms of the previous minute") << kT0 - 1 << kT0 << 1;
        QTest::newRow("first ms of the next minute") << kT0 + kMinute << kT0 + 59'999 << -1;
        QTest::newRow("oldest minute of the window") << kT0 - 59 * kMinute << kT0 + 59'999 << 59;
        QTest::newRow("just older than the window") << kT0 - 60 * kMinute + 59'999 << kT0 << -1;
        QTest::newRow("long ago") << kT0 - 1000 * kMinute << kT0 << -1;
    }
    void bucketsByMinute()
    {
        QFETCH(qint64, at);
        QFETCH(qint64, now);
        QFETCH(int, position);
        LiveWindow window;
        window.record(at, 200, false, 10, 0.5, 100);
        const QList<LivePoint> points = window.snapshot(now);
        QCOMPARE(points.size(), 60);
        for (int i = 0; i < points.size(); ++i) {
            const bool expected = points.size() - 1 - i == position;
            QVERIFY2(points[i].requests == (expected ? 1 : 0), qPrintable(QString::number(i)));
            QCOMPARE(points[i].tokens, expected ? 10 : 0);
        }
    }

    void minutesLeaveTheWindowAndSlotsAreReused()
    {
        LiveWindow window(3);
        window.record(kT0, 200, false, 1, 0.25, 10);
        window.record(kT0 + kMinute, 200, false, 2, 0.25, 20);
        QCOMPARE(window.snapshot(kT0 + 2 * kMinute).first().tokens, 1); // still the oldest minute shown
        QCOMPARE(window.total(kT0 + 3 * kMinute, 3).tokens, 2);         // gone, though its slot was not reused yet

        // kT0 + 3 min shares kT0's slot: the old minute is reset, not added to.
        window.record(kT0 + 3 * kMinute, 500, false, 4, 0.25, 40);
        const QList<LivePoint> points = window.snapshot(kT0 + 3 * kMinute);
        QCOMPARE(points.last().requests, 1);
        QCOMPARE(points.last().tokens, 4);
        QCOMPARE(points.last().errors, 1);
        QCOMPARE(points.last().p50LatencyMs, 40.0);

        // A record for a minute older than the window is ignored, even one arriving late.
        window.record(kT0 + 59'999, 200, false, 1000, 1.0, 1);
        const LivePoint all = window.total(kT0 + 3 * kMinute, 3);
        QCOMPARE(all.requests, 2);
        QCOMPARE(all.tokens, 6);
        QCOMPARE(window.snapshot(kT0 + 3 * kMinute).last().tokens, 4);
    }

    void futureRecordsWaitForTheirMinute()
    {
        LiveWindow window(10);
        window.record(kT0 + 2 * kMinute + 5, 200, false, 7, 0.0, 3);
        QCOMPARE(window.total(kT0, 10).requests, 0);
        QCOMPARE(window.snapshot(kT0 + 2 * kMinute).last().tokens, 7);
    }

    void countsErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("aborted");
        QTest::addColumn<bool>("error");
        QTest::newRow("200") << 200 << false << false;
        QTest::newRow("304") << 304 << false << false;
        QTest::newRow("399") << 399 << false << false;
        QTest::newRow("400") << 400 << false << true;
        QTest::newRow("429") << 429 << false << true;
        QTest::newRow("529") << 529 << false << true;
        QTest::newRow("200, client went away") << 200 << true << true;
        QTest::newRow("502, aborted") << 502 << true << true;
    }
    void countsErrors()
    {
        QFETCH(int, status);
        QFETCH(bool, aborted);
        QFETCH(bool, error);
        LiveWindow window;
        window.record(kT0 + 1, 200, false, 0, 0, 5);
        window.record(kT0 + 2, status, aborted, 0, 0, 5);
        const LivePoint now = window.snapshot(kT0 + 3).last();
        QCOMPARE(now.requests, 2);
        QCOMPARE(now.errors, error ? 1 : 0);
    }

    void percentilesWithinTheDocumentedError_data()
    {
        QTest::addColumn<qint64>("lo");
        QTest::addColumn<qint64>("hi");
        QTest::addColumn<int>("count");
        QTest::newRow("1 ms to 2 minutes") << qint64(1) << qint64(120'000) << 5000;
        QTest::newRow("0 to 50 ms") << qint64(0) << qint64(50) << 3000;
        QTest::newRow("narrow: 200 to 260 ms") << qint64(200) << qint64(260) << 4000;
        QTest::newRow("up to 10 minutes") << qint64(1000) << qint64(600'000) << 3000;
        QTest::newRow("all 0 ms") << qint64(0) << qint64(0) << 100;
        QTest::newRow("all 1 ms") << qint64(1) << qint64(1) << 100;
        QTest::newRow("a single sample") << qint64(1234) << qint64(1234) << 1;
        QTest::newRow("two samples") << qint64(10) << qint64(9000) << 2;
    }
    void percentilesWithinTheDocumentedError()
    {
        QFETCH(qint64, lo);
        QFETCH(qint64, hi);
        QFETCH(int, count);
        std::vector<qint64> samples = latencies(count, lo, hi, 42);
        LiveWindow window;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            window.record(kT0 + static_cast<qint64>(i % kMinute), 200, false, 1, 0, samples[i]);
        }
        std::sort(samples.begin(), samples.end());
        const LivePoint point = window.snapshot(kT0).last();
        QCOMPARE(point.requests, count);
        for (const auto &[percent, estimate] : {std::pair{50, point.p50LatencyMs}, std::pair{99, point.p99LatencyMs}}) {
            const double exact = exactPercentile(samples, percent);
            QVERIFY2(withinError(estimate, exact),
                     qPrintable(u"p%1: %2 for %3"_s.arg(percent).arg(estimate).arg(exact)));
        }
    }

    void latenciesBeyondTenMinutesReportTheSlowest()
    {
        LiveWindow window;
        window.record(kT0, 200, false, 0, 0, 3'600'000);
        QCOMPARE(window.snapshot(kT0).last().p50LatencyMs, 3'600'000.0);
        for (int i = 0; i < 98; ++i) {
            window.record(kT0, 200, false, 0, 0, 100);
        }
        window.record(kT0, 200, false, 0, 0, 7'200'000);
        const LivePoint point = window.snapshot(kT0).last();
        QVERIFY2(withinError(point.p50LatencyMs, 100), qPrintable(describe(point)));
        QCOMPARE(point.p99LatencyMs, 7'200'000.0); // overflow: the slowest sample, though the exact p99 is 3 600 000
    }

    void negativeLatencyIsNoSample()
    {
        LiveWindow window;
        window.record(kT0, 200, false, 3, 0, -1);
        LivePoint point = window.snapshot(kT0).last();
        QCOMPARE(point.requests, 1);
        QCOMPARE(point.p50LatencyMs, -1.0);
        window.record(kT0, 200, false, 3, 0, 80);
        point = window.snapshot(kT0).last();
        QCOMPARE(point.p50LatencyMs, 80.0);
        QCOMPARE(point.p99LatencyMs, 80.0);
    }

    void totalMergesTheLastMinutes()
    {
        LiveWindow window(10);
        std::vector<qint64> lastTwo;
        const std::vector<qint64> perMinute[3] = {
            latencies(1500, 1, 400, 1), latencies(1500, 300, 30'000, 2), latencies(1000, 50, 5000, 3)};
        for (int m = 0; m < 3; ++m) {
            for (const qint64 latency : perMinute[m]) {
                window.record(kT0 + m * kMinute + 30'000, m == 2 ? 503 : 200, false, 10, 0.125, latency);
            }
            if (m > 0) {
                lastTwo.insert(lastTwo.end(), perMinute[m].cbegin(), perMinute[m].cend());
            }
        }
        std::sort(lastTwo.begin(), lastTwo.end());
        const qint64 now = kT0 + 2 * kMinute + 59'999;
        const LivePoint merged = window.total(now, 2);
        QCOMPARE(merged.minuteStartMs, kT0 + kMinute);
        QCOMPARE(merged.requests, 2500);
        QCOMPARE(merged.errors, 1000);
        QCOMPARE(merged.tokens, 25'000);
        QCOMPARE(merged.costUsd, 312.5);
        QVERIFY2(withinError(merged.p50LatencyMs, exactPercentile(lastTwo, 50)), qPrintable(describe(merged)));
        QVERIFY2(withinError(merged.p99LatencyMs, exactPercentile(lastTwo, 99)), qPrintable(describe(merged)));

        const LivePoint everything = window.total(now, 1000); // clamped to the window
        QCOMPARE(everything.minuteStartMs, kT0 - 7 * kMinute);
        QCOMPARE(everything.requests, 4000);
        const LivePoint nothing = window.total(kT0 + 20 * kMinute, 5);
        QCOMPARE(nothing.requests, 0);
        QCOMPARE(nothing.p50LatencyMs, -1.0);
        QCOMPARE(nothing.p99LatencyMs, -1.0);
    }

    void concurrentRecordsAreAllCounted()
    {
        constexpr int kThreads = 4;
        constexpr int kPerThread = 100'000;
        LiveWindow window;
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back(QThread::create([&window, t] {
                for (int i = 0; i < kPerThread; ++i) {
                    // Spread over three minutes: new minutes take their slots while other threads write.
                    const qint64 at = kT0 + (static_cast<qint64>(i) * 3 * kMinute) / kPerThread;
                    window.record(at, i % 10 == 0 ? 500 : 200, false, t + 1, 0.5, i % 1000);
                }
            }));
        }
        for (auto &thread : threads) {
            thread->start();
        }
        for (auto &thread : threads) {
            QVERIFY(thread->wait(QDeadlineTimer(60'000)));
        }
        const LivePoint all = window.total(kT0 + 2 * kMinute, 3);
        QCOMPARE(all.requests, qint64(kThreads) * kPerThread);
        QCOMPARE(all.errors, qint64(kThreads) * kPerThread / 10);
        QCOMPARE(all.tokens, qint64(kPerThread) * (1 + 2 + 3 + 4));
        QCOMPARE(all.costUsd, 0.5 * kThreads * kPerThread);
        qint64 perMinuteSum = 0;
        for (const LivePoint &p : window.snapshot(kT0 + 2 * kMinute)) {
            perMinuteSum += p.requests;
        }
        QCOMPARE(perMinuteSum, all.requests);
    }
};

QTEST_GUILESS_MAIN(TestLiveWindow)
#include "tst_livewindow.moc"
