// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <array>
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>

namespace rd::scheduling {

// Session → account bindings for one relay, shared by every worker thread (sharded mutexes, short critical sections,
// no I/O under a lock). Keys are per scheduler family (PROTOCOLS §7.1); an empty session key never binds.
class StickyMap
{
public:
    using Clock = std::function<qint64()>; // epoch ms (bindings survive restarts, so wall-clock time)
    struct Entry
    {
        QString family;
        QByteArray sessionKey;
        QString accountId;
        qint64 expiresAtMs = 0;

        friend bool operator==(const Entry &, const Entry &) = default;
    };

    explicit StickyMap(Clock clock, qint64 ttlMs = 3'600'000, qint64 renewThresholdMs = 900'000);

    // The bound account; an expired binding is removed (nullopt). When less than the renewal threshold remains the
    // binding is renewed to now + ttl (threshold 0 = never renew).
    std::optional<QString> lookup(const QString &family, const QByteArray &sessionKey);
    void bind(const QString &family, const QByteArray &sessionKey, const QString &accountId); // expiresAt = now + ttl
    void drop(const QString &family, const QByteArray &sessionKey);
    int dropAccount(const QString &accountId); // every family; returns how many bindings went
    int purgeExpired();                        // returns how many bindings went
    QList<Entry> snapshot() const;             // for persistence, in no particular order
    void restore(const QList<Entry> &entries); // skips expired ones; not counted as a change (the saved state has them)
    qsizetype size() const;
    qint64 changeCount() const; // increments on every bind/drop/renew/purge, so a persister knows when to save
    void setTtl(qint64 ttlMs, qint64 renewThresholdMs); // applies to later binds and renewals

private:
    struct Key
    {
        QString family;
        QByteArray sessionKey;

        friend bool operator==(const Key &, const Key &) = default;
        friend size_t qHash(const Key &key, size_t seed = 0) noexcept
        {
            return qHashMulti(seed, key.family, key.sessionKey);
        }
    };
    struct Binding
    {
        QString accountId;
        qint64 expiresAtMs = 0;
    };
    struct Shard
    {
        mutable std::mutex mutex;
        QHash<Key, Binding> bindings;
    };
    static constexpr size_t kShardCount = 16;

    Shard &shardFor(const Key &key);
    void changed(qint64 count = 1) { m_changeCount.fetch_add(count, std::memory_order_relaxed); }

    const Clock m_clock;
    std::atomic<qint64> m_ttlMs;
    std::atomic<qint64> m_renewThresholdMs;
    std::atomic<qint64> m_changeCount{0};
    std::array<Shard, kShardCount> m_shards;
};

} // namespace rd::scheduling
