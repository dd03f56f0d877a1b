// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/facade/storeclient.h"

#include "core/util/logging.h"

#include <QSemaphore>

#include <optional>

using namespace Qt::StringLiterals;

namespace rd::facade {

namespace {
class StoreThreadWorker : public QObject
{
public:
    explicit StoreThreadWorker(store::StoreLocation location)
        : m_location(std::move(location))
    {}
    store::Database *db()
    {
        if (!m_db && !m_failed) {
            auto opened = store::Database::open(
                m_location, u"relaydesk-store-client-%1"_s.arg(reinterpret_cast<quintptr>(this), 0, 16));
            if (opened) {
                m_db.emplace(std::move(*opened));
            } else {
                m_failed = true; // said once; every later call gets nullptr
                qCWarning(lcStore) << "the window cannot open the store:" << opened.error().detail;
            }
        }
        return m_db ? &*m_db : nullptr;
    }
    void close() { m_db.reset(); }

private:
    store::StoreLocation m_location;
    std::optional<store::Database> m_db;
    bool m_failed = false;
};
} // namespace

StoreClient::StoreClient(store::StoreLocation location, QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(u"store-client"_s);
    auto *worker = new StoreThreadWorker(std::move(location));
    worker->moveToThread(&m_thread);
    m_worker = worker;
    m_thread.start();
}

StoreClient::~StoreClient()
{
    auto *worker = static_cast<StoreThreadWorker *>(m_worker);
    QThread *thread = &m_thread;
    QMetaObject::invokeMethod(
        worker,
        [worker, thread] {
            worker->close(); // on the thread that opened it
            thread->quit();
        },
        Qt::QueuedConnection);
    m_thread.wait();
    delete worker;
}

void StoreClient::post(std::function<void(store::Database *)> work)
{
    auto *worker = static_cast<StoreThreadWorker *>(m_worker);
    QMetaObject::invokeMethod(
        worker, [worker, work = std::move(work)] { work(worker->db()); }, Qt::QueuedConnection);
}

void StoreClient::waitForIdle()
{
    QSemaphore done;
    post([&done](store::Database *) { done.release(); });
    done.acquire();
}

} // namespace rd::facade
