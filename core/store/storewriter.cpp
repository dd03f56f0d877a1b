// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/storewriter.h"

#include "core/util/logging.h"

#include <QMutexLocker>

#include <optional>
#include <tuple>
#include <utility>

using namespace Qt::StringLiterals;

namespace rd::store {

namespace {

// Lives on the "store-writer" thread and owns its Database, which Qt 6.4 cannot move between threads.
class WriterWorker : public QObject
{
public:
    WriterWorker(StoreLocation location, QString connectionName)
        : m_location(std::move(location))
        , m_connectionName(std::move(connectionName))
    {}

    // Opens on first use and retries on later batches after a failure (e.g. the folder was not writable yet).
    [[nodiscard]] Result<void> write(const QList<UsageRow> &rows)
    {
        if (auto opened = open(); !opened) {
            return opened;
        }
        return m_db->insertUsage(rows);
    }

    [[nodiscard]] Result<void> runTask(const StoreWriter::Task &task)
    {
        if (auto opened = open(); !opened) {
            return opened;
        }
        return task(*m_db);
    }

    [[nodiscard]] Result<void> open()
    {
        if (m_db) {
            return {};
        }
        Result<Database> opened = Database::open(m_location, m_connectionName);
        if (!opened) {
            // Logged once per distinct reason, not once per batch, while the store stays unavailable.
            if (std::exchange(m_lastOpenError, opened.error().detail) != opened.error().detail) {
                qCWarning(lcStore) << "store writer cannot open the database:" << opened.error().detail;
            }
            return tl::unexpected(opened.error());
        }
        m_lastOpenError.clear();
        m_db.emplace(std::move(*opened));
        return {};
    }

private:
    StoreLocation m_location;
    QString m_connectionName;
    std::optional<Database> m_db;
    QString m_lastOpenError;
};

} // namespace

StoreWriter::StoreWriter(StoreLocation location, QObject *parent)
    : QObject(parent)
    , m_location(std::move(location))
{
    m_thread.setObjectName(u"store-writer"_s);
    // No parent: the worker moves to the writer thread and is deleted there once the thread's loop ends.
    auto *worker = new WriterWorker(m_location, u"relaydesk-writer-%1"_s.arg(quintptr(this), 0, 16));
    worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
    m_worker = worker;
}

StoreWriter::~StoreWriter()
{
    if (!m_started) {
        bool pending = false;
        {
            const QMutexLocker lock(&m_mutex);
            pending = !m_queue.isEmpty();
        }
        if (!pending) {
            delete m_worker; // its thread never ran, so nothing else can touch it
            return;
        }
        start(); // rows were enqueued but never started: write them rather than lose them
    }
    flush();
    m_thread.quit();
    m_thread.wait();
}

void StoreWriter::start()
{
    Q_ASSERT(!m_started);
    m_started = true;
    m_thread.start();
    auto *worker = static_cast<WriterWorker *>(m_worker);
    // Opened right away so a broken store is reported at start-up, not at the first request.
    QMetaObject::invokeMethod(
        worker, [worker] { std::ignore = worker->open(); }, Qt::QueuedConnection);
}

void StoreWriter::enqueue(UsageRow row)
{
    bool schedule = false;
    {
        const QMutexLocker lock(&m_mutex);
        m_queue.append(std::move(row));
        ++m_enqueued;
        schedule = !std::exchange(m_drainScheduled, true);
    }
    // One queued drain at a time; rows arriving while it runs are picked up by its loop.
    if (schedule) {
        QMetaObject::invokeMethod(
            m_worker, [this] { drain(); }, Qt::QueuedConnection);
    }
}

void StoreWriter::enqueueTask(Task task)
{
    bool schedule = false;
    {
        const QMutexLocker lock(&m_mutex);
        m_tasks.append(std::move(task));
        ++m_enqueued;
        schedule = !std::exchange(m_drainScheduled, true);
    }
    if (schedule) {
        QMetaObject::invokeMethod(
            m_worker, [this] { drain(); }, Qt::QueuedConnection);
    }
}

void StoreWriter::flush()
{
    Q_ASSERT_X(QThread::currentThread() != &m_thread, "StoreWriter::flush", "called on the writer thread");
    Q_ASSERT_X(m_thread.isRunning(), "StoreWriter::flush", "called before start()");
    if (QThread::currentThread() == &m_thread || !m_thread.isRunning()) {
        qCWarning(lcStore) << "StoreWriter::flush() ignored: it would never return";
        return;
    }
    QMutexLocker lock(&m_mutex);
    const qint64 target = m_enqueued;
    while (m_processed < target) {
        m_progress.wait(&m_mutex);
    }
}

void StoreWriter::drain()
{
    auto *worker = static_cast<WriterWorker *>(m_worker);
    for (;;) {
        QList<UsageRow> batch;
        QList<Task> tasks;
        {
            const QMutexLocker lock(&m_mutex);
            if (m_queue.isEmpty() && m_tasks.isEmpty()) {
                m_drainScheduled = false;
                return;
            }
            batch.swap(m_queue); // enqueue() keeps appending to a fresh list while we write
            tasks.swap(m_tasks);
        }
        const int count = int(batch.size());
        if (count == 0) {
            // nothing to insert: only state tasks this round
        } else if (const Result<void> written = worker->write(batch); written) {
            m_written += count;
            emit rowsWritten(count);
        } else {
            m_failed += count;
            qCWarning(lcStore) << "store writer dropped" << count << "usage rows:" << written.error().detail;
        }
        for (const Task &task : std::as_const(tasks)) {
            if (const Result<void> done = worker->runTask(task); !done) {
                qCWarning(lcStore) << "store writer could not save state:" << done.error().detail;
            }
        }
        // After the counters and the signal, so a returning flush() sees both.
        {
            const QMutexLocker lock(&m_mutex);
            m_processed += count + int(tasks.size());
        }
        m_progress.wakeAll();
    }
}

} // namespace rd::store
