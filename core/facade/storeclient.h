// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/database.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <functional>
#include <memory>

namespace rd::facade {

// The window's way to the store: reads and edits run in order on a thread of their own ("store-client", with its own
// connection), and each answer comes back as a queued call on the thread of the object that asked. The GUI thread
// never runs SQL or waits for the disk. Edits reach a running relay through the configuration revision, exactly as
// the CLI's do.
class StoreClient : public QObject
{
    Q_OBJECT
public:
    explicit StoreClient(store::StoreLocation location, QObject *parent = nullptr);
    ~StoreClient() override; // waits for the work already queued, then closes the connection

    // Runs work(db) on the store thread (db is nullptr when the store cannot be opened), then done(result) on
    // context's thread — unless context is gone by then.
    template <typename T>
    void run(QObject *context, std::function<T(store::Database *)> work, std::function<void(T)> done)
    {
        QPointer<QObject> guard(context);
        post([guard, work = std::move(work), done = std::move(done)](store::Database *db) {
            auto result = std::make_shared<T>(work(db));
            if (!guard) {
                return;
            }
            QMetaObject::invokeMethod(
                guard.data(),
                [guard, done, result] {
                    if (guard) {
                        done(std::move(*result));
                    }
                },
                Qt::QueuedConnection);
        });
    }
    // The same for work that needs the store: when it cannot be opened, done() gets a StoreFailure instead.
    template <typename T>
    void
    runOnStore(QObject *context, std::function<Result<T>(store::Database &)> work, std::function<void(Result<T>)> done)
    {
        run<Result<T>>(
            context,
            [work = std::move(work)](store::Database *db) -> Result<T> {
                if (!db) {
                    return fail(ErrorCode::StoreFailure, QStringLiteral("the store cannot be opened"));
                }
                return work(*db);
            },
            std::move(done));
    }
    // The same without an answer (fire and forget; failures are logged).
    void post(std::function<void(store::Database *)> work);
    // Tests and shutdown only: blocks until everything posted before the call has run.
    void waitForIdle();

private:
    QThread m_thread;
    QObject *m_worker = nullptr; // lives on m_thread, owns the Database
};

} // namespace rd::facade
