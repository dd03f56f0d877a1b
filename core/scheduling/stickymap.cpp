// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scheduling/stickymap.h"

#include <utility>

namespace rd::scheduling {

StickyMap::StickyMap(Clock clock, qint64 ttlMs, qint64 renewThresholdMs)
    : m_clock(std::move(clock))
    , m_ttlMs(ttlMs)
    , m_renewThresholdMs(renewThresholdMs)
{
    Q_ASSERT(m_clock);
}

StickyMap::Shard &StickyMap::shardFor(const Key &key)
{
    // The QHash inside a shard re-hashes with its own seed, so reusing the plain hash for the shard choice is fine.
    return m_shards[qHash(key) % kShardCount];
}

std::optional<QString> StickyMap::lookup(const QString &family, const QByteArray &sessionKey)
{
    if (sessionKey.isEmpty()) {
        return std::nullopt;
    }
    const qint64 now = m_clock(); // outside the lock: the clock is the caller's code
    const qint64 ttl = m_ttlMs.load(std::memory_order_relaxed);
    const qint64 threshold = m_renewThresholdMs.load(std::memory_order_relaxed);
    const Key key{family, sessionKey};
    Shard &shard = shardFor(key);
    std::unique_lock lock(shard.mutex);
    const auto it = shard.bindings.find(key);
    if (it == shard.bindings.end()) {
        return std::nullopt;
    }
    if (it->expiresAtMs <= now) {
        shard.bindings.erase(it);
        lock.unlock();
        changed();
        return std::nullopt;
    }
    QString accountId = it->accountId;
    const bool renew = threshold > 0 && it->expiresAtMs - now < threshold;
    if (renew) {
        it->expiresAtMs = now + ttl;
    }
    lock.unlock();
    if (renew) {
        changed();
    }
    return accountId;
}

void StickyMap::bind(const QString &family, const QByteArray &sessionKey, const QString &accountId)
{
    if (sessionKey.isEmpty()) {
        return;
    }
    const qint64 expiresAt = m_clock() + m_ttlMs.load(std::memory_order_relaxed);
    Key key{family, sessionKey};
    Shard &shard = shardFor(key);
    {
        const std::lock_guard lock(shard.mutex);
        shard.bindings.insert(std::move(key), Binding{accountId, expiresAt});
    }
    changed();
}

void StickyMap::drop(const QString &family, const QByteArray &sessionKey)
{
    const Key key{family, sessionKey};
    Shard &shard = shardFor(key);
    bool removed = false;
    {
        const std::lock_guard lock(shard.mutex);
        removed = shard.bindings.remove(key);
    }
    if (removed) {
        changed();
    }
}

int StickyMap::dropAccount(const QString &accountId)
{
    int removed = 0;
    for (Shard &shard : m_shards) {
        const std::lock_guard lock(shard.mutex);
        removed += static_cast<int>(shard.bindings.removeIf(
            [&accountId](QHash<Key, Binding>::iterator it) { return it->accountId == accountId; }));
    }
    if (removed > 0) {
        changed(removed);
    }
    return removed;
}

int StickyMap::purgeExpired()
{
    const qint64 now = m_clock();
    int removed = 0;
    for (Shard &shard : m_shards) {
        const std::lock_guard lock(shard.mutex);
        removed += static_cast<int>(
            shard.bindings.removeIf([now](QHash<Key, Binding>::iterator it) { return it->expiresAtMs <= now; }));
    }
    if (removed > 0) {
        changed(removed);
    }
    return removed;
}

QList<StickyMap::Entry> StickyMap::snapshot() const
{
    QList<Entry> entries;
    for (const Shard &shard : m_shards) {
        const std::lock_guard lock(shard.mutex);
        entries.reserve(entries.size() + shard.bindings.size());
        for (auto it = shard.bindings.cbegin(); it != shard.bindings.cend(); ++it) {
            entries.append(Entry{it.key().family, it.key().sessionKey, it->accountId, it->expiresAtMs});
        }
    }
    return entries;
}

void StickyMap::restore(const QList<Entry> &entries)
{
    const qint64 now = m_clock();
    for (const Entry &entry : entries) {
        if (entry.expiresAtMs <= now || entry.sessionKey.isEmpty() || entry.accountId.isEmpty()) {
            continue;
        }
        const Key key{entry.family, entry.sessionKey};
        Shard &shard = shardFor(key);
        const std::lock_guard lock(shard.mutex);
        shard.bindings.insert(key, Binding{entry.accountId, entry.expiresAtMs});
    }
}

qsizetype StickyMap::size() const
{
    qsizetype total = 0;
    for (const Shard &shard : m_shards) {
        const std::lock_guard lock(shard.mutex);
        total += shard.bindings.size();
    }
    return total;
}

qint64 StickyMap::changeCount() const
{
    return m_changeCount.load(std::memory_order_relaxed);
}

void StickyMap::setTtl(qint64 ttlMs, qint64 renewThresholdMs)
{
    m_ttlMs.store(ttlMs, std::memory_order_relaxed);
    m_renewThresholdMs.store(renewThresholdMs, std::memory_order_relaxed);
}

} // namespace rd::scheduling
