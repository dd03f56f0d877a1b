// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scheduling/stickymap.h"

#include <QTest>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;
using rd::scheduling::StickyMap;

namespace {
constexpr qint64 kStart = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 kTtl = 3'600'000;
constexpr qint64 kThreshold = 900'000;
const QString kClaude = u"claude"_s;
const QString kOpenAi = u"openai"_s;
const QByteArray kSession = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"_ba;

QList<StickyMap::Entry> sorted(QList<StickyMap::Entry> entries)
{
    std::sort(entries.begin(), entries.end(), [](const StickyMap::Entry &a, const StickyMap::Entry &b) {
        return std::tie(a.family, a.sessionKey) < std::tie(b.family, b.sessionKey);
    });
    return entries;
}
} // namespace

class TestStickyMap : public QObject
{
    Q_OBJECT
private slots:
    void init() { m_now = kStart; }
    void bindThenLookup();
    void emptyKeyNeverBinds();
    void expiresAtExactlyTtl();
    void renewsOnlyBelowThreshold_data();
    void renewsOnlyBelowThreshold();
    void familiesAreIsolated();
    void dropRemovesOneBinding();
    void dropAccountRemovesEveryFamily();
    void purgeExpiredRemovesOnlyExpired();
    void snapshotRestoreRoundTripSkipsExpired();
    void setTtlAppliesToLaterBinds();
    void concurrentBindAndLookupStayConsistent();

private:
    StickyMap makeMap(qint64 threshold = kThreshold)
    {
        return StickyMap([this] { return m_now; }, kTtl, threshold);
    }
    qint64 m_now = kStart;
};

void TestStickyMap::bindThenLookup()
{
    StickyMap map([this] { return m_now; });
    QCOMPARE(map.lookup(kClaude, kSession), std::nullopt);
    map.bind(kClaude, kSession, u"acc-1"_s);
    QCOMPARE(map.lookup(kClaude, kSession), u"acc-1"_s);
    map.bind(kClaude, kSession, u"acc-2"_s); // rebinding replaces
    QCOMPARE(map.lookup(kClaude, kSession), u"acc-2"_s);
    QCOMPARE(map.size(), 1);
    const QList<StickyMap::Entry> entries = map.snapshot();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().expiresAtMs, kStart + kTtl); // the default ttl is one hour
}

void TestStickyMap::emptyKeyNeverBinds()
{
    StickyMap map = makeMap();
    map.bind(kClaude, QByteArray(), u"acc-1"_s);
    QCOMPARE(map.size(), 0);
    QCOMPARE(map.lookup(kClaude, QByteArray()), std::nullopt);
    QCOMPARE(map.changeCount(), 0);
}

void TestStickyMap::expiresAtExactlyTtl()
{
    StickyMap map = makeMap(0);
    map.bind(kClaude, kSession, u"acc-1"_s);
    m_now = kStart + kTtl - 1;
    QCOMPARE(map.lookup(kClaude, kSession), u"acc-1"_s);
    m_now = kStart + kTtl;
    const qint64 before = map.changeCount();
    QCOMPARE(map.lookup(kClaude, kSession), std::nullopt);
    QCOMPARE(map.size(), 0); // removed on the way
    QCOMPARE(map.changeCount(), before + 1);
}

void TestStickyMap::renewsOnlyBelowThreshold_data()
{
    QTest::addColumn<qint64>("threshold");
    QTest::addColumn<qint64>("elapsed");
    QTest::addColumn<qint64>("expiresAt");
    QTest::newRow("plenty left") << kThreshold << qint64(60'000) << kStart + kTtl;
    QTest::newRow("exactly the threshold left") << kThreshold << kTtl - kThreshold << kStart + kTtl;
    QTest::newRow("just below the threshold")
        << kThreshold << kTtl - kThreshold + 1 << kStart + kTtl - kThreshold + 1 + kTtl;
    QTest::newRow("one ms left") << kThreshold << kTtl - 1 << kStart + kTtl - 1 + kTtl;
    QTest::newRow("threshold 0 never renews") << qint64(0) << kTtl - 1 << kStart + kTtl;
}

void TestStickyMap::renewsOnlyBelowThreshold()
{
    QFETCH(qint64, threshold);
    QFETCH(qint64, elapsed);
    QFETCH(qint64, expiresAt);
    StickyMap map = makeMap(threshold);
    map.bind(kClaude, kSession, u"acc-1"_s);
    const qint64 before = map.changeCount();
    m_now = kStart + elapsed;
    QCOMPARE(map.lookup(kClaude, kSession), u"acc-1"_s);
    QCOMPARE(map.snapshot().first().expiresAtMs, expiresAt);
    QCOMPARE(map.changeCount() != before, expiresAt != kStart + kTtl); // a renewal is a change, a plain hit is not
}

void TestStickyMap::familiesAreIsolated()
{
    StickyMap map = makeMap();
    map.bind(kClaude, kSession, u"claude-acc"_s);
    QCOMPARE(map.lookup(kOpenAi, kSession), std::nullopt);
    map.bind(kOpenAi, kSession, u"openai-acc"_s);
    QCOMPARE(map.lookup(kClaude, kSession), u"claude-acc"_s);
    QCOMPARE(map.lookup(kOpenAi, kSession), u"openai-acc"_s);
    map.drop(kOpenAi, kSession);
    QCOMPARE(map.lookup(kClaude, kSession), u"claude-acc"_s);
    QCOMPARE(map.size(), 1);
}

void TestStickyMap::dropRemovesOneBinding()
{
    StickyMap map = makeMap();
    map.bind(kClaude, "a"_ba, u"acc-1"_s);
    map.bind(kClaude, "b"_ba, u"acc-1"_s);
    const qint64 before = map.changeCount();
    map.drop(kClaude, "a"_ba);
    QCOMPARE(map.changeCount(), before + 1);
    map.drop(kClaude, "missing"_ba); // nothing went, nothing to save
    QCOMPARE(map.changeCount(), before + 1);
    QCOMPARE(map.lookup(kClaude, "a"_ba), std::nullopt);
    QCOMPARE(map.lookup(kClaude, "b"_ba), u"acc-1"_s);
}

void TestStickyMap::dropAccountRemovesEveryFamily()
{
    StickyMap map = makeMap();
    for (int i = 0; i < 50; ++i) {
        const QByteArray key = QByteArray::number(i);
        map.bind(kClaude, key, i % 2 ? u"cooling"_s : u"fine"_s);
        map.bind(kOpenAi, key, u"cooling"_s);
    }
    const qint64 before = map.changeCount();
    QCOMPARE(map.dropAccount(u"cooling"_s), 75);
    QVERIFY(map.changeCount() > before);
    QCOMPARE(map.size(), 25);
    QCOMPARE(map.dropAccount(u"cooling"_s), 0);
    QCOMPARE(map.lookup(kClaude, "0"_ba), u"fine"_s);
    QCOMPARE(map.lookup(kClaude, "1"_ba), std::nullopt);
    QCOMPARE(map.lookup(kOpenAi, "0"_ba), std::nullopt);
}

void TestStickyMap::purgeExpiredRemovesOnlyExpired()
{
    StickyMap map = makeMap();
    map.bind(kClaude, "old"_ba, u"acc-1"_s);
    m_now += 10 * 60'000;
    map.bind(kClaude, "new"_ba, u"acc-1"_s);
    m_now = kStart + kTtl; // "old" expires now, "new" ten minutes later
    const qint64 before = map.changeCount();
    QCOMPARE(map.purgeExpired(), 1);
    QCOMPARE(map.changeCount(), before + 1);
    QCOMPARE(map.purgeExpired(), 0);
    QCOMPARE(map.changeCount(), before + 1);
    QCOMPARE(map.size(), 1);
    QCOMPARE(map.snapshot().first().sessionKey, "new"_ba);
}

void TestStickyMap::snapshotRestoreRoundTripSkipsExpired()
{
    StickyMap map = makeMap();
    map.bind(kClaude, "a"_ba, u"acc-1"_s);
    map.bind(kOpenAi, "a"_ba, u"acc-2"_s);
    m_now += 30 * 60'000;
    map.bind(kClaude, "b"_ba, u"acc-3"_s);
    const QList<StickyMap::Entry> saved = map.snapshot();
    QCOMPARE(saved.size(), 3);

    StickyMap later = makeMap(); // a restart within the hour keeps everything, expiry times included
    later.restore(saved);
    QCOMPARE(sorted(later.snapshot()), sorted(saved));
    QCOMPARE(later.changeCount(), 0);

    m_now = kStart + kTtl; // the first two have expired by the next start
    StickyMap muchLater = makeMap();
    muchLater.restore(saved);
    const QList<StickyMap::Entry> expected{{kClaude, "b"_ba, u"acc-3"_s, kStart + 30 * 60'000 + kTtl}};
    QCOMPARE(muchLater.snapshot(), expected);
    QCOMPARE(muchLater.lookup(kClaude, "a"_ba), std::nullopt);
}

void TestStickyMap::setTtlAppliesToLaterBinds()
{
    StickyMap map = makeMap();
    map.setTtl(60'000, 0);
    map.bind(kClaude, kSession, u"acc-1"_s);
    m_now += 59'999;
    QCOMPARE(map.lookup(kClaude, kSession), u"acc-1"_s);
    QCOMPARE(map.snapshot().first().expiresAtMs, kStart + 60'000); // threshold 0: not renewed
    m_now += 1;
    QCOMPARE(map.lookup(kClaude, kSession), std::nullopt);
}

void TestStickyMap::concurrentBindAndLookupStayConsistent()
{
    constexpr int kThreads = 4;
    constexpr int kOps = 10'000;
    constexpr int kOwnKeys = 500;    // per thread, only that thread writes them
    constexpr int kSharedKeys = 100; // every thread rebinds these
    std::atomic<qint64> now{kStart};
    StickyMap map([&now] { return now.load(); }, kTtl, kThreshold);
    std::atomic<int> wrongOwn{0};
    std::atomic<int> missingShared{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const QString account = u"acc-%1"_s.arg(t);
            for (int i = 0; i < kOps; ++i) {
                const int group = i / 4;
                const QByteArray own = "own-" + QByteArray::number(t) + "-" + QByteArray::number(group % kOwnKeys);
                const QByteArray shared = "shared-" + QByteArray::number(group % kSharedKeys);
                switch (i % 4) {
                case 0:
                    map.bind(kClaude, own, account);
                    break;
                case 1:
                    wrongOwn += map.lookup(kClaude, own) != account;
                    break;
                case 2:
                    map.bind(kClaude, shared, account);
                    break;
                default:
                    missingShared += !map.lookup(kClaude, shared).has_value();
                    now.fetch_add(1); // time moves, so some lookups renew
                }
            }
        });
    }
    for (std::thread &thread : threads) {
        thread.join();
    }
    QCOMPARE(wrongOwn.load(), 0);
    QCOMPARE(missingShared.load(), 0);
    QCOMPARE(map.size(), qsizetype(kThreads * kOwnKeys + kSharedKeys));
    QCOMPARE(map.snapshot().size(), map.size());
    QVERIFY(map.changeCount() >= kThreads * kOps / 2); // every bind counts
}

QTEST_GUILESS_MAIN(TestStickyMap)
#include "tst_stickymap.moc"
