// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/relayservice.h"

#include "core/http/acceptor.h"
#include "core/oauth/tokenrefresher.h"
#include "core/relay/configwatcher.h"
#include "core/relay/relayworker.h"
#include "core/relay/usagerecorder.h"
#include "core/scheduling/accounthealth.h"
#include "core/scheduling/stickymap.h"
#include "core/store/storewriter.h"
#include "core/usage/livewindow.h"
#include "core/usage/pricetableupdater.h"
#include "core/util/logging.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace rd::relay {

RelayService::RelayService(RelayConfig config, store::StoreLocation location, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_location(std::move(location))
    , m_shared(std::make_shared<RelayShared>())
    , m_openConnections(std::make_shared<std::atomic<int>>(0))
    , m_writer(std::make_unique<store::StoreWriter>(m_location))
{
    store::StoreWriter *writer = m_writer.get();
    m_shared->usage =
        std::make_shared<UsageRecorder>([writer](store::UsageRow &&row) { writer->enqueue(std::move(row)); });
    m_shared->version = QStringLiteral(RELAYDESK_VERSION);
    m_shared->sticky = std::make_shared<scheduling::StickyMap>(
        [] { return QDateTime::currentMSecsSinceEpoch(); }, m_config.stickyTtlMs, m_config.stickyRenewThresholdMs);
    m_shared->saveState = [writer](const store::AccountStateRow &row) {
        writer->enqueueTask([row](store::Database &db) { return db.upsertAccountStates({row}); });
    };
    m_shared->limiter = std::make_shared<policy::KeyLimiter>(m_config.clock);
    m_shared->live = std::make_shared<usage::LiveWindow>();
    // From any worker: the signal is emitted on this object's thread.
    m_shared->budgetWarning = [this](QString keyId, QString keyName, QString limit, double used, double cap) {
        QMetaObject::invokeMethod(
            this,
            [this, keyId, keyName, limit, used, cap] { emit budgetWarning(keyId, keyName, limit, used, cap); },
            Qt::QueuedConnection);
    };
    m_shared->persistActivation = [writer](const QString &keyId, qint64 activatedAtMs, qint64 expiresAtMs) {
        writer->enqueueTask([keyId, activatedAtMs, expiresAtMs](store::Database &db) -> Result<void> {
            auto done = db.activateKey(keyId, activatedAtMs, expiresAtMs);
            if (!done) {
                return tl::unexpected(done.error());
            }
            return {};
        });
    };
    // Sticky bindings survive a restart: saved a few seconds after they change, and once more at shutdown.
    m_stickyTimer.setInterval(5000);
    connect(&m_stickyTimer, &QTimer::timeout, this, &RelayService::saveSticky);
}

RelayService::~RelayService()
{
    stopAll();
}

void RelayService::setSealer(std::shared_ptr<const secrets::Sealer> sealer)
{
    m_sealer = std::move(sealer);
    pushToWorkers();
}

void RelayService::start()
{
    http::raiseOpenFileLimit();
    m_writer->start();

    const int n = m_config.effectiveWorkers();
    for (int i = 0; i < n; ++i) {
        auto *thread = new QThread(this);
        thread->setObjectName(u"relay-worker-%1"_s.arg(i));
        auto *worker = new RelayWorker(m_config, m_shared, m_openConnections);
        worker->moveToThread(thread);
        connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        thread->start();
        m_workerThreads.append(thread);
        m_workers.append(worker);
    }

    m_configThread.setObjectName(u"relay-config"_s);
    m_watcher = new ConfigWatcher(m_location, m_config.configPollMs, m_shared->limiter);
    m_watcher->moveToThread(&m_configThread);
    connect(&m_configThread, &QThread::finished, m_watcher, &QObject::deleteLater);
    connect(m_watcher, &ConfigWatcher::snapshotLoaded, this, &RelayService::applySnapshot);
    ConfigWatcher *watcher = m_watcher;
    m_shared->readStore = [watcher](const std::function<void(store::Database *)> &task) {
        QMetaObject::invokeMethod(
            watcher, [watcher, task] { watcher->runRead(task); }, Qt::QueuedConnection);
    };
    connect(m_watcher, &ConfigWatcher::usageSeeded, this, [this](const QHash<QString, store::UsageTotals> &totals) {
        m_shared->usage->seed(totals);
    });
    connect(m_watcher, &ConfigWatcher::stickyLoaded, this, [this](const QList<store::StickyRow> &rows) {
        QList<scheduling::StickyMap::Entry> entries;
        for (const store::StickyRow &r : rows) {
            entries.append({r.family, r.sessionKey, r.accountId, r.expiresAtMs});
        }
        m_shared->sticky->restore(entries);
        m_stickySaved = m_shared->sticky->changeCount();
    });
    m_stickyTimer.start();
    connect(m_watcher, &ConfigWatcher::storeHealthChanged, this, [this](bool usable) {
        m_shared->storeHealthy.store(usable);
    });
    connect(m_watcher, &ConfigWatcher::failed, this, [this](const Error &error) {
        m_shared->storeHealthy.store(false);
        emit startFailed(error);
    });
    // Token refresh is control-plane work (QNetworkAccessManager): it shares the config thread.
    store::StoreWriter *writer = m_writer.get();
    oauth::TokenRefresher::Hooks hooks;
    hooks.persist = [writer](const QString &id, const QByteArray &sealed, qint64 expiresAtMs) {
        writer->enqueueTask([id, sealed, expiresAtMs](store::Database &db) {
            return db.updateAccountCredentials(id, sealed, expiresAtMs);
        });
    };
    hooks.saveState = m_shared->saveState;
    m_refresher = new oauth::TokenRefresher(m_config.claudeOAuth,
                                            m_config.openaiOAuth,
                                            m_config.tokenRefreshMarginMs,
                                            m_config.backgroundRefreshMs,
                                            std::move(hooks));
    m_refresher->moveToThread(&m_configThread);
    connect(&m_configThread, &QThread::finished, m_refresher, &QObject::deleteLater);
    m_shared->refresher = m_refresher;
    // Prices: the cached or built-in table now, refreshed from pricing.table_url when one is set.
    m_prices =
        new usage::PriceTableUpdater(QFileInfo(m_location.sqlitePath).absoluteDir().filePath(u"price-table.json"_s));
    m_prices->moveToThread(&m_configThread);
    connect(&m_configThread, &QThread::finished, m_prices, &QObject::deleteLater);
    m_shared->prices.store(m_prices->current(), std::memory_order_release);
    usage::PriceTableUpdater *prices = m_prices;
    // Direct: the new table is in use before the updater's thread does anything else (the store is atomic).
    std::shared_ptr<RelayShared> shared = m_shared;
    connect(
        prices,
        &usage::PriceTableUpdater::tableChanged,
        prices,
        [shared, prices] {
            shared->prices.store(prices->current(), std::memory_order_release);
            qCInfo(lcConfig).noquote() << "price table in use:" << prices->source();
        },
        Qt::DirectConnection);
    connect(prices, &usage::PriceTableUpdater::refreshFailed, this, [](const QString &reason) {
        qCWarning(lcConfig).noquote() << "price table refresh failed; keeping the current table:" << reason;
    });
    connect(m_refresher, &oauth::TokenRefresher::needsSignIn, this, &RelayService::accountNeedsSignIn);
    m_configThread.start();
    QMetaObject::invokeMethod(m_watcher, &ConfigWatcher::start, Qt::QueuedConnection);
    QMetaObject::invokeMethod(m_refresher, &oauth::TokenRefresher::start, Qt::QueuedConnection);

    // The acceptor listens on its own thread and reports back through a queued call.
    QList<http::ConnectionHost *> hosts(m_workers.cbegin(), m_workers.cend());
    auto *acceptor = new http::Acceptor(hosts, m_config.server.maxConnections, m_openConnections);
    m_acceptThread.setObjectName(u"relay-accept"_s);
    acceptor->moveToThread(&m_acceptThread);
    connect(&m_acceptThread, &QThread::finished, acceptor, &QObject::deleteLater);
    m_acceptor = acceptor;
    m_acceptThread.start();
    const QHostAddress host = m_config.host;
    const quint16 port = m_config.port;
    QMetaObject::invokeMethod(
        acceptor,
        [this, acceptor, host, port] {
            const bool ok = acceptor->listen(host, port);
            const QHostAddress address = acceptor->serverAddress();
            const quint16 bound = acceptor->serverPort();
            const QString why = acceptor->errorString();
            QMetaObject::invokeMethod(
                this,
                [this, ok, address, bound, why, host, port] {
                    if (!ok) {
                        emit startFailed(
                            Error{ErrorCode::InvalidConfig,
                                  u"cannot listen on %1:%2: %3"_s.arg(host.toString()).arg(port).arg(why)});
                        return;
                    }
                    m_listening = true;
                    m_address = address;
                    m_port = bound;
                    qCInfo(lcRelay).noquote() << u"listening on %1:%2"_s.arg(address.toString()).arg(bound);
                    emit listening(address, bound);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void RelayService::applySnapshot(std::shared_ptr<const RelaySnapshot> snapshot)
{
    m_loaded = std::move(snapshot);
    const config::RelaySettings &settings = m_loaded->settings;
    if (m_writer) {
        m_writer->setPolicy(settings.calendar, settings.retentionDays);
    }
    if (m_prices && (settings.priceTableUrl != m_priceUrl || settings.priceRefreshHours != m_priceRefreshHours)) {
        m_priceUrl = settings.priceTableUrl;
        m_priceRefreshHours = settings.priceRefreshHours;
        usage::PriceTableUpdater *prices = m_prices;
        const QUrl url(m_priceUrl);
        const int hours = m_priceRefreshHours;
        QMetaObject::invokeMethod(
            prices,
            [prices, url, hours] {
                prices->startPeriodic(url, url.isEmpty() ? 0 : hours);
                if (!url.isEmpty() && hours == 0) {
                    prices->refresh(url); // refresh_hours 0: once at start
                }
            },
            Qt::QueuedConnection);
    }
    pushToWorkers();
    emit configApplied(m_loaded->revision);
}

void RelayService::pushToWorkers()
{
    auto snapshot = std::make_shared<RelaySnapshot>(*m_loaded);
    snapshot->sealer = m_sealer;
    m_current = snapshot;
    if (m_refresher) {
        m_refresher->setSnapshot(snapshot);
    }
    for (RelayWorker *worker : std::as_const(m_workers)) {
        QMetaObject::invokeMethod(
            worker, [worker, snapshot] { worker->setSnapshot(snapshot); }, Qt::QueuedConnection);
    }
}

std::shared_ptr<const usage::LiveWindow> RelayService::liveWindow() const
{
    return m_shared->live;
}

std::shared_ptr<const policy::KeyLimiter> RelayService::limiter() const
{
    return m_shared->limiter;
}

QList<AccountLive> RelayService::accounts() const
{
    QList<AccountLive> out;
    if (!m_current) {
        return out;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &a : m_current->accounts) {
        AccountLive live;
        live.id = a->id;
        live.name = a->name;
        live.oauth = a->oauth;
        live.enabled = a->enabled;
        live.inFlight = a->state->inFlight.load(std::memory_order_relaxed);
        live.maxConcurrency = a->maxConcurrency;
        live.state = a->enabled ? a->state->health.describe(now) : tr("disabled");
        switch (a->state->health.availability(now, QByteArray())) {
        case scheduling::Availability::Available:
            live.kind = AccountLive::Kind::Active;
            break;
        case scheduling::Availability::CoolingDown:
            live.kind = AccountLive::Kind::CoolingDown;
            break;
        case scheduling::Availability::Blocked:
            live.kind = AccountLive::Kind::Blocked;
            break;
        case scheduling::Availability::NeedsSignIn:
            live.kind = AccountLive::Kind::NeedsSignIn;
            break;
        }
        if (!a->enabled) {
            live.kind = AccountLive::Kind::Disabled;
        }
        live.usable =
            a->isUsable() && a->state->health.availability(now, QByteArray()) == scheduling::Availability::Available;
        live.subscription = a->state->subscriptionFacts();
        out.append(live);
    }
    return out;
}

QString RelayService::priceTableSource() const
{
    if (!m_prices) {
        return {};
    }
    return tr("%1 (%2 models, since %3)")
        .arg(m_prices->source())
        .arg(m_prices->current()->size())
        .arg(QLocale().toString(m_prices->loadedAt().toLocalTime(), QLocale::ShortFormat));
}

void RelayService::setPaused(bool paused)
{
    if (m_shared->paused.exchange(paused) != paused) {
        qCInfo(lcRelay) << (paused ? "relay paused: model calls get 503" : "relay resumed");
        emit pausedChanged(paused);
    }
}

bool RelayService::isPaused() const
{
    return m_shared->paused.load();
}

RelayStatus RelayService::status() const
{
    RelayStatus s;
    s.listening = m_listening;
    s.address = m_address;
    s.port = m_port;
    s.workers = static_cast<int>(m_workers.size());
    s.openConnections = m_openConnections->load();
    s.activeRequests = m_shared->activeExchanges.load();
    s.requestsRecorded = m_shared->usage->requestsRecorded();
    s.storeHealthy = m_shared->storeHealthy.load();
    s.paused = m_shared->paused.load();
    if (m_current) {
        s.configRevision = m_current->revision;
        s.keys = static_cast<int>(m_current->keys->size());
        s.accounts = static_cast<int>(m_current->accounts.size());
        s.secretsUnlocked = m_current->sealer != nullptr;
    }
    return s;
}

void RelayService::saveSticky()
{
    const qint64 changes = m_shared->sticky->changeCount();
    if (changes == m_stickySaved || !m_writer) {
        return;
    }
    m_stickySaved = changes;
    m_shared->sticky->purgeExpired();
    QList<store::StickyRow> rows;
    for (const auto &e : m_shared->sticky->snapshot()) {
        rows.append(store::StickyRow{e.family, e.sessionKey, e.accountId, e.expiresAtMs});
    }
    m_writer->enqueueTask([rows](store::Database &db) { return db.replaceStickySessions(rows); });
}

void RelayService::stopAll()
{
    m_stickyTimer.stop();
    // Each thread does its own shutdown step and then quits itself, so the step is never skipped.
    if (m_acceptThread.isRunning()) {
        auto *acceptor = static_cast<http::Acceptor *>(m_acceptor);
        QThread *thread = &m_acceptThread;
        QMetaObject::invokeMethod(
            acceptor,
            [acceptor, thread] {
                acceptor->close();
                thread->quit();
            },
            Qt::QueuedConnection);
        m_acceptThread.wait();
    }
    for (qsizetype i = 0; i < m_workers.size(); ++i) {
        RelayWorker *worker = m_workers.at(i);
        QThread *thread = m_workerThreads.at(i);
        QMetaObject::invokeMethod(
            worker,
            [worker, thread] {
                worker->shutdown();
                thread->quit();
            },
            Qt::QueuedConnection);
    }
    for (QThread *thread : std::as_const(m_workerThreads)) {
        thread->wait();
    }
    m_workers.clear();
    if (m_configThread.isRunning()) {
        ConfigWatcher *watcher = m_watcher;
        QThread *thread = &m_configThread;
        QMetaObject::invokeMethod(
            watcher,
            [watcher, thread] {
                watcher->stop();
                thread->quit();
            },
            Qt::QueuedConnection);
        m_configThread.wait();
    }
    saveSticky();
    m_writer.reset(); // flushes queued usage rows and state
}

} // namespace rd::relay
