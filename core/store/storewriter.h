// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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
// which takes a short lock and wakes the writer; the writer drains the whole queue into one transaction.
class StoreWriter : public QObject
{
    Q_OBJECT
public:
    explicit StoreWriter(StoreLocation location, QObject *parent = nullptr);
    ~StoreWriter() override; // flushes what is queued, then joins the thread

    void start();               // starts the thread and opens the connection there
    void enqueue(UsageRow row); // any thread, never blocks on SQL
    using Task = std::function<Result<void>(Database &)>;
    void enqueueTask(Task task); // any thread: a small state write (account state, sticky sessions), run in order
    // Any thread but the writer's: blocks until every row enqueued before the call is committed (or counted as
    // failed). Only for shutdown and tests — never call it from the GUI thread while the app runs.
    void flush();
    qint64 writtenRows() const { return m_written.load(); }
    qint64 failedRows() const { return m_failed.load(); }

signals:
    void rowsWritten(int count); // emitted on the writer thread after each committed batch

private:
    void drain(); // writer thread
    StoreLocation m_location;
    QThread m_thread;
    QObject *m_worker = nullptr; // lives on m_thread; owns the Database
    QMutex m_mutex;
    QList<UsageRow> m_queue;
    QList<Task> m_tasks;
    bool m_drainScheduled = false;
    bool m_started = false;
    qint64 m_enqueued = 0;     // under m_mutex: rows ever enqueued
    qint64 m_processed = 0;    // under m_mutex: rows ever written or failed
    QWaitCondition m_progress; // woken whenever m_processed grows
    std::atomic<qint64> m_written{0};
    std::atomic<qint64> m_failed{0};
};

} // namespace rd::store
