// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/usage/livewindow.h"

#include <QMutexLocker>

#include <algorithm>
#include <cmath>
#include <limits>

namespace rd::usage {

namespace {

constexpr qint64 kNoMinute = std::numeric_limits<qint64>::min();
constexpr double kStep = 1.05;
constexpr int kOverflow = LiveWindow::kLatencyBuckets - 1;

// Upper bound (inclusive) of every latency bucket: 0, 1, 1.05, 1.05², … 1.05²⁷³ (≈ 607 s), +inf.
const std::array<double, LiveWindow::kLatencyBuckets> kUpper = [] {
    std::array<double, LiveWindow::kLatencyBuckets> upper{};
    for (int i = 1; i < kOverflow; ++i) {
        upper[i] = std::pow(kStep, i - 1);
    }
    upper[kOverflow] = std::numeric_limits<double>::infinity();
    return upper;
}();

qint64 minuteOf(qint64 epochMs) // floor division: correct before 1970 too
{
    const qint64 q = epochMs / LiveWindow::kMinuteMs;
    return (epochMs % LiveWindow::kMinuteMs < 0) ? q - 1 : q;
}

// A binary search over the bounds rather than log(): exact at every boundary and about as cheap.
int bucketOf(qint64 latencyMs)
{
    const auto it = std::lower_bound(kUpper.cbegin(), kUpper.cend(), static_cast<double>(latencyMs));
    return static_cast<int>(it - kUpper.cbegin());
}

double representative(int bucket)
{
    if (bucket <= 1) {
        return kUpper[bucket]; // 0 and 1 ms exactly
    }
    if (bucket == kOverflow) {
        return kUpper[kOverflow]; // +inf: clamped to the slowest sample, an upper bound
    }
    return kUpper[bucket] / std::sqrt(kStep); // geometric midpoint of (upper / 1.05, upper]
}

// The nearest-rank percentiles (rank = ceil(p × n)) of one histogram, from a single walk.
template <typename Count>
void fillPercentiles(LivePoint &point,
                     const std::array<Count, LiveWindow::kLatencyBuckets> &counts,
                     qint64 samples,
                     qint64 minLatency,
                     qint64 maxLatency)
{
    if (samples <= 0) {
        return;
    }
    const qint64 rank50 = (samples * 50 + 99) / 100;
    const qint64 rank99 = (samples * 99 + 99) / 100;
    const auto clamped = [&](int bucket) {
        return std::clamp(representative(bucket), static_cast<double>(minLatency), static_cast<double>(maxLatency));
    };
    qint64 seen = 0;
    for (int i = 0; i < LiveWindow::kLatencyBuckets; ++i) {
        seen += static_cast<qint64>(counts[i]);
        if (point.p50LatencyMs < 0 && seen >= rank50) {
            point.p50LatencyMs = clamped(i);
        }
        if (seen >= rank99) {
            point.p99LatencyMs = clamped(i);
            return;
        }
    }
}

struct Merged
{
    LivePoint point;
    qint64 samples = 0;
    qint64 minLatency = std::numeric_limits<qint64>::max();
    qint64 maxLatency = std::numeric_limits<qint64>::min();
    std::array<qint64, LiveWindow::kLatencyBuckets> counts{};
};

} // namespace

LiveWindow::LiveWindow(int minutes)
    : m_minutes(std::max(1, minutes))
    , m_slots(static_cast<std::size_t>(m_minutes))
{
    Q_ASSERT(minutes > 0);
    for (Slot &slot : m_slots) {
        slot.minute = kNoMinute;
    }
}

void LiveWindow::record(qint64 epochMs, int status, bool aborted, qint64 tokens, double costUsd, qint64 latencyMs)
{
    const qint64 minute = minuteOf(epochMs);
    const int bucket = latencyMs >= 0 ? bucketOf(latencyMs) : -1; // the search runs outside the lock
    const auto index = static_cast<std::size_t>(((minute % m_minutes) + m_minutes) % m_minutes);

    QMutexLocker lock(&m_mutex);
    Slot &slot = m_slots[index];
    if (slot.minute > minute) {
        return; // the slot already holds a later minute: this one has left the window
    }
    if (slot.minute < minute) { // a new minute reuses the slot (no allocation: the histogram is inline)
        slot.minute = minute;
        slot.requests = slot.errors = slot.tokens = slot.samples = 0;
        slot.costUsd = 0;
        slot.counts.fill(0);
    }
    ++slot.requests;
    slot.errors += (aborted || status >= 400) ? 1 : 0;
    slot.tokens += tokens;
    slot.costUsd += costUsd;
    if (bucket >= 0) {
        slot.minLatency = slot.samples == 0 ? latencyMs : std::min(slot.minLatency, latencyMs);
        slot.maxLatency = slot.samples == 0 ? latencyMs : std::max(slot.maxLatency, latencyMs);
        ++slot.samples;
        ++slot.counts[static_cast<std::size_t>(bucket)];
    }
}

const LiveWindow::Slot *LiveWindow::liveSlot(qint64 minute) const
{
    const Slot &slot = m_slots[static_cast<std::size_t>(((minute % m_minutes) + m_minutes) % m_minutes)];
    return slot.minute == minute ? &slot : nullptr;
}

QList<LivePoint> LiveWindow::snapshot(qint64 nowEpochMs) const
{
    const qint64 now = minuteOf(nowEpochMs);
    QList<LivePoint> points;
    points.reserve(m_minutes);
    QMutexLocker lock(&m_mutex);
    for (qint64 minute = now - m_minutes + 1; minute <= now; ++minute) {
        LivePoint point;
        point.minuteStartMs = minute * kMinuteMs;
        if (const Slot *slot = liveSlot(minute)) {
            point.requests = slot->requests;
            point.errors = slot->errors;
            point.tokens = slot->tokens;
            point.costUsd = slot->costUsd;
            fillPercentiles(point, slot->counts, slot->samples, slot->minLatency, slot->maxLatency);
        }
        points.append(point);
    }
    return points;
}

LivePoint LiveWindow::total(qint64 nowEpochMs, int lastMinutes) const
{
    const qint64 now = minuteOf(nowEpochMs);
    Merged merged;
    const qint64 first = now - std::clamp(lastMinutes, 1, m_minutes) + 1;
    merged.point.minuteStartMs = first * kMinuteMs;
    QMutexLocker lock(&m_mutex);
    for (qint64 minute = first; minute <= now; ++minute) {
        const Slot *slot = liveSlot(minute);
        if (!slot) {
            continue;
        }
        merged.point.requests += slot->requests;
        merged.point.errors += slot->errors;
        merged.point.tokens += slot->tokens;
        merged.point.costUsd += slot->costUsd;
        if (slot->samples > 0) {
            merged.samples += slot->samples;
            merged.minLatency = std::min(merged.minLatency, slot->minLatency);
            merged.maxLatency = std::max(merged.maxLatency, slot->maxLatency);
            for (int i = 0; i < kLatencyBuckets; ++i) {
                merged.counts[i] += slot->counts[i];
            }
        }
    }
    lock.unlock();
    fillPercentiles(merged.point, merged.counts, merged.samples, merged.minLatency, merged.maxLatency);
    return merged.point;
}

} // namespace rd::usage
