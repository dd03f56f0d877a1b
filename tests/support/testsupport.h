// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace rd::test {

// The source tree (for fixtures), from RELAYDESK_TEST_SOURCE_DIR set by CTest.
QString sourceDir();

// A wall clock tests move by hand (RelayConfig::clock, KeyLimiter): starts at a fixed, known instant.
class ManualClock
{
public:
    explicit ManualClock(qint64 startMs)
        : m_now(std::make_shared<std::atomic<qint64>>(startMs))
    {}
    qint64 now() const { return m_now->load(); }
    void set(qint64 ms) { m_now->store(ms); }
    void advance(qint64 ms) { m_now->fetch_add(ms); }
    std::function<qint64()> clock() const
    {
        auto now = m_now;
        return [now] { return now->load(); };
    }

private:
    std::shared_ptr<std::atomic<qint64>> m_now;
};

} // namespace rd::test
