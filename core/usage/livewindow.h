// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QMutex>
#include <QtGlobal>

#include <array>
#include <vector>

namespace rd::usage {

// One minute of traffic (or several merged, see LiveWindow::total()).
struct LivePoint
{
    qint64 minuteStartMs = 0; // epoch ms of the (first) minute's start
    qint64 requests = 0;
    qint64 errors = 0; // status >= 400 or aborted
    qint64 tokens = 0; // input + output + cache writes + cache reads
    double costUsd = 0;
    double p50LatencyMs = -1; // -1 when the minute holds no latency sample
    double p99LatencyMs = -1;
};

// The live statistics behind the charts: the last N one-minute buckets in a ring. Thread-safe: relay workers call
// record() (one short mutex hold, no allocation), the UI thread calls snapshot()/total().
//
// Latency percentiles come from a fixed log-scale histogram per minute: bucket 0 holds 0 ms, bucket 1 (0, 1] ms,
// then each bucket's upper bound is 5% above the previous one up to 10 minutes; slower samples share one overflow
// bucket. A percentile is the nearest-rank sample's bucket, reported as the bucket's geometric midpoint (1 for
// bucket 1) clamped into the [min, max] latency seen, so the relative error is at most sqrt(1.05) - 1 ≈ 2.47%
// from 1 ms to 10 minutes (0 and 1 ms are exact). A percentile falling in the overflow bucket (over 10 minutes) is
// reported as the slowest sample seen: an upper bound, exact only for that sample.
class LiveWindow
{
public:
    static constexpr int kDefaultMinutes = 60;
    static constexpr qint64 kMinuteMs = 60'000;
    static constexpr double kMaxRelativeError = 0.0247; // of a percentile between 1 ms and 10 minutes
    static constexpr int kLatencyBuckets = 276;         // 0, (0,1], 273 × 5% steps to ≥ 10 min, overflow

    explicit LiveWindow(int minutes = kDefaultMinutes);

    int minutes() const { return m_minutes; }

    // One finished request. A negative latencyMs records no latency sample. A record for a minute older than what
    // its ring slot already holds (i.e. older than the window) is ignored.
    void record(qint64 epochMs, int status, bool aborted, qint64 tokens, double costUsd, qint64 latencyMs);

    // Exactly minutes() points, oldest first, the last one being the minute containing nowEpochMs; minutes without
    // traffic are zeros (percentiles -1).
    QList<LivePoint> snapshot(qint64 nowEpochMs) const;

    // The last lastMinutes minutes (clamped to [1, minutes()]) up to the one containing nowEpochMs merged into one
    // point; minuteStartMs is the oldest merged minute's start, percentiles come from the merged histogram.
    LivePoint total(qint64 nowEpochMs, int lastMinutes) const;

private:
    struct Slot
    {
        qint64 minute = -1; // minute index (epoch ms / 60 000); < 0: never used
        qint64 requests = 0;
        qint64 errors = 0;
        qint64 tokens = 0;
        double costUsd = 0;
        qint64 samples = 0;
        qint64 minLatency = 0;
        qint64 maxLatency = 0;
        std::array<quint32, kLatencyBuckets> counts{};
    };
    const Slot *liveSlot(qint64 minute) const; // the slot holding that minute, or nullptr

    const int m_minutes;
    mutable QMutex m_mutex;
    std::vector<Slot> m_slots; // minute m lives in m_slots[m mod m_minutes]
};

} // namespace rd::usage
