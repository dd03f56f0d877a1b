// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/policy/limitcalendar.h"
#include "core/store/database.h"
#include "core/store/records.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QThread>
#include <QWaitCondition>

#include <atomic>
#include <functional>

namespace rd::store {

// Owns the only write connection, on its own thread ("store-writer"). The hot path only calls enqueue(),
// which takes a short lock and wakes the writer; the writer drains the whole queue into one transaction, rollups
// included. Also the store's upkeep: rebuilds the rollups once after an upgrade and purges old request rows.
class StoreWriter : public QObject
{
    Q_OBJECT
public:
    explicit StoreWriter(StoreLocation location, QObject *parent = nullptr);
    ~StoreWriter() override; // flushes what is queued, then joins the thread

    // Any thread; again whenever the relay settings change. The calendar buckets the rollups (until the first call:
    // the system zone); request rows older than retentionDays days (from local midnight) are purged, rollups kept
    // (retentionDays <= 0: nothing is purged). Upkeep — building the rollups once after an upgrade (meta
    // rollups_built), then the purge — waits for the first call, then runs at once and about hourly.
    void setPolicy(const policy::LimitCalendar &calendar, int retentionDays);
    void start();               // starts the thread and opens the connection there
    void enqueue(UsageRow row); // any thread, never blocks on SQL
    using Task = std::function<Result<void>(Database &)>;
    void enqueueTask(Task task); // any thread: a small state write (account state, sticky sessions), run in order
    // Any thread but the writer's: blocks until every row enqueued before the call is committed (or counted as
    // failed), and the upkeep that start() or setPolicy() asked for is done. Only for shutdown and tests — never
    // call it from the GUI thread while the app runs.
    void flush();
    qint64 writtenRows() const { return m_written.load(); }
    qint64 failedRows() const { return m_failed.load(); }

signals:
    void rowsWritten(int count); // emitted on the writer thread after each committed batch

private:
    void drain();         // writer thread
    void requestUpkeep(); // any thread: a rollup check and a purge, in order with the queued writes
    StoreLocation m_location;
    QThread m_thread;
    QObject *m_worker = nullptr; // lives on m_thread; owns the Database
    QMutex m_mutex;
    QList<UsageRow> m_queue;
    QList<Task> m_tasks;
    bool m_drainScheduled = false;
    bool m_upkeepDue = false;         // under m_mutex
    bool m_policySet = false;         // under m_mutex
    policy::LimitCalendar m_calendar; // under m_mutex
    int m_retentionDays = 0;          // under m_mutex
    bool m_started = false;           // under m_mutex once the thread runs
    qint64 m_enqueued = 0;            // under m_mutex: rows ever enqueued
    qint64 m_processed = 0;           // under m_mutex: rows ever written or failed
    QWaitCondition m_progress;        // woken whenever m_processed grows
    std::atomic<qint64> m_written{0};
    std::atomic<qint64> m_failed{0};
};

} // namespace rd::store
