// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/acceptor.h"
#include "core/http/clientconnection.h"
#include "core/http/socketupstream.h"
#include "core/relay/exchange.h"
#include "core/relay/relayconfig.h"
#include "core/relay/relaysnapshot.h"
#include "core/relay/routes.h"
#include "core/store/database.h"
#include "core/util/mailbox.h"

#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>

namespace rd::scheduling {
class StickyMap;
}
namespace rd::oauth {
class TokenRefresher;
}
namespace rd::usage {
class LiveWindow;
class PriceTable;
} // namespace rd::usage
namespace rd::policy {
class KeyLimiter;
struct Refusal;
} // namespace rd::policy

namespace rd::relay {

class UsageRecorder;

// Facts every worker may read, owned by RelayService.
struct RelayShared
{
    std::shared_ptr<UsageRecorder> usage;
    std::shared_ptr<scheduling::StickyMap> sticky;
    std::function<void(store::AccountStateRow)> saveState; // to the store writer; any thread
    oauth::TokenRefresher *refresher = nullptr;            // on the control thread; outlives the workers
    std::atomic<bool> storeHealthy{true};
    std::atomic<bool> paused{false}; // "relay off" in the window or tray: model calls get 503 until it is on again
    std::atomic<int> activeExchanges{0};
    QString version;
    std::shared_ptr<policy::KeyLimiter> limiter;                  // key limits and activation, shared by every worker
    std::shared_ptr<usage::LiveWindow> live;                      // per-minute figures for the charts
    std::atomic<std::shared_ptr<const usage::PriceTable>> prices; // built-in or refreshed
    std::function<void(QString keyId, qint64 activatedAtMs, qint64 expiresAtMs)> persistActivation;
    std::function<void(QString keyId, QString keyName, QString limit, double used, double cap)> budgetWarning;
    // Runs a read-only query off the hot path (on the config thread's connection; nullptr when the store is closed).
    std::function<void(std::function<void(store::Database *)>)> readStore;
};

// One relay worker thread ("relay-worker-<i>"): owns its client connections, its upstream pool and the
// exchanges in flight. Requests are answered here from the in-memory snapshot; nothing waits for SQL.
class RelayWorker : public http::ConnectionHost, public http::RequestHandler
{
    Q_OBJECT
public:
    RelayWorker(const RelayConfig &config,
                std::shared_ptr<RelayShared> shared,
                std::shared_ptr<std::atomic<int>> openConnections);
    ~RelayWorker() override;

    void adopt(qintptr descriptor) override;
    void setSnapshot(std::shared_ptr<const RelaySnapshot> snapshot); // on this worker's thread
    void shutdown();                                                 // closes every connection

    // RequestHandler
    void handle(http::ClientConnection *connection, http::HttpRequest &&request) override;
    void
    rejectMalformed(http::ClientConnection *connection, int status, const char *detail, QByteArrayView path) override;

    const RelayConfig &config() const { return m_config; }
    // The upstream request for one attempt on `account`: credentials unsealed here, model mapped, headers filtered.
    [[nodiscard]] Result<http::UpstreamRequest> buildUpstreamRequest(const providers::ConsoleAccount &account,
                                                                     const Exchange::Plan &plan) const;
    http::UpstreamTransport &transport() { return *m_upstream; }
    RelayShared &shared() { return *m_shared; }
    const std::shared_ptr<Mailbox> &mailbox() const { return m_mailbox; } // for answers from other threads

private:
    void sweep();
    void answerError(http::ClientConnection *c,
                     Dialect dialect,
                     ErrorKind kind,
                     const QString &message,
                     const http::HeaderList &extra = {});
    void answerJson(http::ClientConnection *c, int status, const QByteArray &json);
    // Checks 2–4 of PROTOCOLS.md §7.6; false: refused and answered. Activation ("N days after first use") is here.
    bool keyIsActive(http::ClientConnection *c, const auth::KeyEntry &key, Dialect dialect);
    bool clientAndServiceAllowed(http::ClientConnection *c,
                                 const auth::KeyEntry &key,
                                 const RouteMatch &route,
                                 const http::HttpRequest &request,
                                 const std::optional<QByteArray> &metadataUserId,
                                 QByteArrayView service = "claude");
    void serveHealth(http::ClientConnection *c);
    void serveKeyRoute(http::ClientConnection *c,
                       const RouteMatch &route,
                       const auth::KeyEntry &key,
                       const QByteArray &query);
    void serveKeyStats(http::ClientConnection *c, const auth::KeyEntry &key, const QByteArray &query);
    void startExchange(http::ClientConnection *c,
                       http::HttpRequest &&request,
                       const RouteMatch &route,
                       const auth::KeyEntry &key);
    // relayworkeropenai.cpp: the OpenAI-dialect routes.
    void startOpenAIExchange(http::ClientConnection *c,
                             http::HttpRequest &&request,
                             const RouteMatch &route,
                             const auth::KeyEntry &key);
    void serveOpenAIModels(http::ClientConnection *c,
                           const RouteMatch &route,
                           const http::HttpRequest &request,
                           const auth::KeyEntry &key);
    [[nodiscard]] Result<void> fillOpenAIRequest(http::UpstreamRequest &up,
                                                 const providers::ConsoleAccount &account,
                                                 const Exchange::Plan &plan,
                                                 const SecretBytes &secret) const;

    RelayConfig m_config;
    std::shared_ptr<RelayShared> m_shared;
    std::shared_ptr<std::atomic<int>> m_openConnections;
    std::shared_ptr<const RelaySnapshot> m_snapshot;
    http::SocketUpstream *m_upstream = nullptr;
    QTimer *m_sweep = new QTimer(this); // a child: it moves with this object to its thread
    std::shared_ptr<Mailbox> m_mailbox;
};

} // namespace rd::relay
