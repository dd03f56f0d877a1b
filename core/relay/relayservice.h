// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/relay/relayconfig.h"
#include "core/relay/relaysnapshot.h"
#include "core/store/database.h"
#include "core/util/result.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>

namespace rd::store {
class StoreWriter;
}

namespace rd::oauth {
class TokenRefresher;
}
namespace rd::usage {
class LiveWindow;
class PriceTableUpdater;
} // namespace rd::usage
namespace rd::policy {
class KeyLimiter;
}

namespace rd::relay {

class ConfigWatcher;
class RelayWorker;
class UsageRecorder;
struct RelayShared;

struct RelayStatus
{
    bool listening = false;
    QHostAddress address;
    quint16 port = 0;
    int workers = 0;
    int openConnections = 0;
    int activeRequests = 0;
    qint64 requestsRecorded = 0;
    qint64 configRevision = -1;
    int keys = 0;
    int accounts = 0;
    bool storeHealthy = true;
    bool secretsUnlocked = false;
    bool paused = false;
};

// One account as the relay sees it right now (for the dashboard and the tray): a copy, cheap to take.
struct AccountLive
{
    QString id;
    QString name;
    bool oauth = false;
    bool enabled = true;
    int inFlight = 0;
    int maxConcurrency = 0;
    QString state; // "active", "cooling down until …", "blocked: …", "needs sign-in"
    enum class Kind
    {
        Active,
        CoolingDown,
        Blocked,
        NeedsSignIn,
        Disabled,
    };
    Kind kind = Kind::Active; // the same, for code
    bool usable = true;       // enabled, schedulable and available now
    QString subscription;     // JSON of the 5-hour / 7-day windows (subscriptions), "" when unknown
};

// The engine's facade: the one object ui/ and app/ hold. Owns the acceptor thread, the worker threads, the
// config watcher thread and the store writer. Lives on the thread that created it (GUI or main); never blocks it.
class RelayService : public QObject
{
    Q_OBJECT
public:
    RelayService(RelayConfig config, store::StoreLocation location, QObject *parent = nullptr);
    ~RelayService() override; // stops accepting, closes connections, flushes usage, joins every thread

    void setSealer(std::shared_ptr<const secrets::Sealer> sealer); // unlocks account credentials
    void start();                                                  // answered by listening() or startFailed()
    RelayStatus status() const;
    QList<AccountLive> accounts() const; // the accounts of the current snapshot with their live state
    // "Relay off" without closing the port: model calls are answered 503 (retry-after 30) until it is on again.
    void setPaused(bool paused);
    bool isPaused() const;
    std::shared_ptr<const secrets::Sealer> sealer() const { return m_sealer; } // for dialogs that add accounts
    qint64 now() const { return m_config.clock(); }                            // the relay's wall clock (tests move it)
    // Where the prices in use come from ("built-in", "cache <path>" or the URL) and since when; "" before start().
    QString priceTableSource() const;
    const store::StoreLocation &storeLocation() const { return m_location; }
    store::StoreWriter *storeWriter() const { return m_writer.get(); }
    // For charts: per-minute requests, tokens, cost and latency percentiles (thread-safe reads).
    std::shared_ptr<const usage::LiveWindow> liveWindow() const;
    std::shared_ptr<const policy::KeyLimiter> limiter() const;

signals:
    void listening(const QHostAddress &address, quint16 port);
    void startFailed(const rd::Error &error);
    void configApplied(qint64 revision);
    void accountNeedsSignIn(const QString &accountId, const QString &reason); // for the window and notifications
    void pausedChanged(bool paused);
    // A key's spending crossed 80 % or 100 % of one of its cost limits (daily, weekly, total, weekly family).
    void budgetWarning(const QString &keyId, const QString &keyName, const QString &limit, double used, double cap);

private:
    void applySnapshot(std::shared_ptr<const RelaySnapshot> snapshot);
    void pushToWorkers();
    void stopAll();
    void saveSticky();

    RelayConfig m_config;
    store::StoreLocation m_location;
    std::shared_ptr<RelayShared> m_shared;
    std::shared_ptr<std::atomic<int>> m_openConnections;
    std::unique_ptr<store::StoreWriter> m_writer;
    std::shared_ptr<const RelaySnapshot> m_loaded = std::make_shared<RelaySnapshot>(); // from the watcher
    std::shared_ptr<const secrets::Sealer> m_sealer;
    std::shared_ptr<const RelaySnapshot> m_current;
    QList<QThread *> m_workerThreads;
    QList<RelayWorker *> m_workers;
    QThread m_acceptThread;
    QObject *m_acceptor = nullptr; // an http::Acceptor living on m_acceptThread
    QThread m_configThread;
    ConfigWatcher *m_watcher = nullptr;
    oauth::TokenRefresher *m_refresher = nullptr; // on m_configThread
    usage::PriceTableUpdater *m_prices = nullptr; // on m_configThread
    QString m_priceUrl;
    int m_priceRefreshHours = -1;
    QTimer m_stickyTimer;
    qint64 m_stickySaved = 0;
    bool m_listening = false;
    QHostAddress m_address;
    quint16 m_port = 0;
};

} // namespace rd::relay
