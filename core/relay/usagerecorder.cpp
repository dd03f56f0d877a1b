// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/usagerecorder.h"

namespace rd::relay {

UsageRecorder::UsageRecorder(Sink sink)
    : m_sink(std::move(sink))
{}

void UsageRecorder::record(store::UsageRow &&row)
{
    {
        QMutexLocker lock(&m_mutex);
        store::UsageTotals &t = m_byKey[row.keyId];
        ++t.requests;
        t.inputTokens += row.inputTokens;
        t.outputTokens += row.outputTokens;
        t.cacheCreate5mTokens += row.cacheCreate5mTokens;
        t.cacheCreate1hTokens += row.cacheCreate1hTokens;
        t.cacheReadTokens += row.cacheReadTokens;
        t.costUsd += row.costUsd;
        t.ratedCostUsd += row.ratedCostUsd;
    }
    m_recorded.fetch_add(1, std::memory_order_relaxed);
    if (m_sink) {
        m_sink(std::move(row));
    }
}

void UsageRecorder::seed(const QHash<QString, store::UsageTotals> &totalsByKey)
{
    QMutexLocker lock(&m_mutex);
    m_byKey = totalsByKey;
}

store::UsageTotals UsageRecorder::totalsForKey(const QString &keyId) const
{
    QMutexLocker lock(&m_mutex);
    return m_byKey.value(keyId);
}

} // namespace rd::relay
