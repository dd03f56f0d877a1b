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
        m_byKey[row.keyId].add(row);
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
