// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/storewriter.h"

#include "core/util/logging.h"

#include <QDateTime>
#include <QMutexLocker>
#include <QTimer>

#include <chrono>
#include <optional>
#include <tuple>
#include <utility>

using namespace Qt::StringLiterals;

namespace rd::store {

namespace {

using namespace std::chrono_literals;
constexpr auto kUpkeepInterval = 1h;
const QString kRollupsBuiltMeta = u"rollups_built"_s;

// Lives on the "store-writer" thread and owns its Database, which Qt 6.4 cannot move between threads.
class WriterWorker : public QObject
{
public:
    WriterWorker(StoreLocation location, QString connectionName)
        : m_location(std::move(location))
        , m_connectionName(std::move(connectionName))
    {}

    // Opens on first use and retries on later batches after a failure (e.g. the folder was not writable yet).
    [[nodiscard]] Result<void> write(const QList<UsageRow> &rows, const policy::LimitCalendar &calendar)
    {
        if (auto opened = open(); !opened) {
            return opened;
        }
        return m_db->insertUsage(rows, calendar);
    }

    // Rows recorded before the rollups existed get theirs once; then request rows past retention go. A store that
    // cannot be opened was already reported by open(): the next upkeep tries again.
    void upkeep(const policy::LimitCalendar &calendar, int retentionDays)
    {
        if (!open()) {
            return;
        }
        if (!m_rollupsChecked) {
            m_rollupsChecked = ensureRollups(calendar);
        }
        const qint64 horizon = Database::retentionHorizon(calendar, retentionDays, QDateTime::currentMSecsSinceEpoch());
        if (horizon <= 0) {
            return;
        }
        const Result<qint64> purged = m_db->purgeUsageBefore(horizon);
        if (!purged) {
            qCWarning(lcStore) << "could not purge old usage rows:" << purged.error().detail;
        } else if (*purged > 0) {
            qCInfo(lcStore) << "purged" << *purged << "usage rows from before"
                            << QDateTime::fromMSecsSinceEpoch(horizon, calendar.zone()).toString(Qt::ISODate)
                            << "(the rollups keep their totals)";
        }
    }

    // On the writer thread, so its timeouts arrive there; deleted with this worker.
    void startUpkeepTimer(std::function<void()> onTimeout)
    {
        auto *timer = new QTimer(this);
        timer->setTimerType(Qt::VeryCoarseTimer);
        timer->setInterval(kUpkeepInterval);
        QObject::connect(timer, &QTimer::timeout, this, std::move(onTimeout));
        timer->start();
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
    bool ensureRollups(const policy::LimitCalendar &calendar)
    {
        const Result<std::optional<QString>> built = m_db->meta(kRollupsBuiltMeta);
        if (built && built->has_value()) {
            return true;
        }
        if (built) {
            qCInfo(lcStore) << "building usage rollups from the stored request rows";
            const Result<void> rebuilt = m_db->rebuildRollups(calendar);
            if (rebuilt && m_db->setMeta(kRollupsBuiltMeta, u"1"_s)) {
                return true;
            }
            qCWarning(lcStore) << "could not build the usage rollups:"
                               << (rebuilt ? u"cannot record it"_s : rebuilt.error().detail);
            return false;
        }
        qCWarning(lcStore) << "could not check the usage rollups:" << built.error().detail;
        return false;
    }

    StoreLocation m_location;
    QString m_connectionName;
    std::optional<Database> m_db;
    QString m_lastOpenError;
    bool m_rollupsChecked = false; // rollups_built seen or written by this writer
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
    {
        const QMutexLocker lock(&m_mutex); // setPolicy() reads it from any thread
        m_started = true;
    }
    m_thread.start();
    auto *worker = static_cast<WriterWorker *>(m_worker);
    // Opened right away so a broken store is reported at start-up, not at the first request.
    QMetaObject::invokeMethod(
        worker,
        [this, worker] {
            std::ignore = worker->open();
            worker->startUpkeepTimer([this] { requestUpkeep(); });
        },
        Qt::QueuedConnection);
    requestUpkeep(); // the rollup check and the first purge, queued like a write so flush() waits for them
}

void StoreWriter::setPolicy(const policy::LimitCalendar &calendar, int retentionDays)
{
    bool upkeep = false;
    {
        const QMutexLocker lock(&m_mutex);
        const bool same = m_policySet && m_retentionDays == retentionDays && m_calendar.zone() == calendar.zone()
                          && m_calendar.weeklyResetDay() == calendar.weeklyResetDay()
                          && m_calendar.weeklyResetHour() == calendar.weeklyResetHour();
        m_calendar = calendar;
        m_retentionDays = retentionDays;
        m_policySet = true;
        upkeep = m_started && !same;
    }
    if (upkeep) {
        requestUpkeep(); // the first policy, or a shorter retention, takes effect now rather than within the hour
    }
}

void StoreWriter::requestUpkeep()
{
    bool schedule = false;
    {
        const QMutexLocker lock(&m_mutex);
        // Before the first policy the zone is a guess: a rebuild would bucket every old row in the wrong days.
        if (m_upkeepDue || !m_policySet) {
            return; // one pending upkeep covers every request made before it runs
        }
        m_upkeepDue = true;
        ++m_enqueued;
        schedule = !std::exchange(m_drainScheduled, true);
    }
    if (schedule) {
        QMetaObject::invokeMethod(
            m_worker, [this] { drain(); }, Qt::QueuedConnection);
    }
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
        bool upkeep = false;
        std::optional<policy::LimitCalendar> calendar;
        int retentionDays = 0;
        {
            const QMutexLocker lock(&m_mutex);
            if (m_queue.isEmpty() && m_tasks.isEmpty() && !m_upkeepDue) {
                m_drainScheduled = false;
                return;
            }
            batch.swap(m_queue); // enqueue() keeps appending to a fresh list while we write
            tasks.swap(m_tasks);
            upkeep = std::exchange(m_upkeepDue, false);
            calendar = m_calendar; // a copy: setPolicy() may replace it while we write
            retentionDays = m_retentionDays;
        }
        const int count = int(batch.size());
        if (count == 0) {
            // nothing to insert: only state tasks or upkeep this round
        } else if (const Result<void> written = worker->write(batch, *calendar); written) {
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
        if (upkeep) {
            worker->upkeep(*calendar, retentionDays);
        }
        // After the counters and the signal, so a returning flush() sees both.
        {
            const QMutexLocker lock(&m_mutex);
            m_processed += count + int(tasks.size()) + (upkeep ? 1 : 0);
        }
        m_progress.wakeAll();
    }
}

} // namespace rd::store
