// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/records.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <atomic>
#include <functional>

namespace rd::relay {

// Where finished requests go: in-memory totals per key (for key-info without SQL) and the store writer's queue.
// Shared by every worker; record() takes one short lock and never waits for SQL.
class UsageRecorder
{
public:
    using Sink = std::function<void(store::UsageRow &&)>; // the store writer's enqueue

    explicit UsageRecorder(Sink sink = {});
    void record(store::UsageRow &&row);
    void seed(const QHash<QString, store::UsageTotals> &totalsByKey); // at start-up, from the store
    store::UsageTotals totalsForKey(const QString &keyId) const;
    qint64 requestsRecorded() const { return m_recorded.load(std::memory_order_relaxed); }

private:
    Sink m_sink;
    mutable QMutex m_mutex;
    QHash<QString, store::UsageTotals> m_byKey;
    std::atomic<qint64> m_recorded{0};
};

} // namespace rd::relay
