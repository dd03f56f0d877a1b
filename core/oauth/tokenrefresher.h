// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/oauth/claudeoauth.h"
#include "core/oauth/openaioauth.h"
#include "core/providers/console/consoleaccount.h"
#include "core/relay/relaysnapshot.h"
#include "core/store/records.h"
#include "core/util/mailbox.h"
#include "core/util/result.h"

#include <QHash>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace rd::oauth {

// Keeps subscription tokens fresh (Claude and ChatGPT, by account kind) (PROTOCOLS.md §5.5): before use when a token
// expires within the margin, and in the background for idle accounts. One refresh per account at a time — every request
// that needs it waits for the same outcome. A new token pair replaces the old one at once in memory and atomically in
// the store, so the refresh-token lineage never breaks. invalid_grant → the account needs sign-in and leaves the
// rotation. Lives on the relay's control thread; refresh() may be called from any thread.
class TokenRefresher : public QObject
{
    Q_OBJECT
public:
    struct Hooks
    {
        std::function<void(QString id, QByteArray sealed, qint64 expiresAtMs)> persist; // to the store writer
        std::function<void(store::AccountStateRow row)> saveState;
    };
    using Done = std::function<void(Result<void>)>;

    TokenRefresher(ClaudeOAuthEndpoints claude,
                   OpenAIOAuthEndpoints openai,
                   qint64 marginMs,
                   int backgroundIntervalMs,
                   Hooks hooks);
    // ChatGPT accounts then refresh against OpenAIOAuthEndpoints::defaults().
    TokenRefresher(ClaudeOAuthEndpoints claude, qint64 marginMs, int backgroundIntervalMs, Hooks hooks);
    ~TokenRefresher() override;

    // Any thread. `done` runs through `mailbox` (on the caller's thread), or is dropped when the mailbox closed.
    void refresh(std::shared_ptr<const providers::ConsoleAccount> account, std::shared_ptr<Mailbox> mailbox, Done done);
    void setSnapshot(std::shared_ptr<const relay::RelaySnapshot> snapshot); // any thread
    qint64 marginMs() const { return m_marginMs; }
    qint64 refreshCount() const { return m_refreshes.load(); }

    void start(); // on the refresher's thread: the background timer

signals:
    void needsSignIn(const QString &accountId, const QString &reason); // the grant is gone: the user must act

private:
    struct Waiter
    {
        std::shared_ptr<Mailbox> mailbox;
        Done done;
    };
    void startOrJoin(const std::shared_ptr<const providers::ConsoleAccount> &account, Waiter waiter);
    void onRefreshed(const std::shared_ptr<const providers::ConsoleAccount> &account,
                     const SecretBytes &oldRefresh,
                     const SecretBytes &proxyPassword,
                     Result<TokenSet> result);
    void complete(const QString &accountId, const Result<void> &result);
    void backgroundPass();
    void markNeedsSignIn(const std::shared_ptr<const providers::ConsoleAccount> &account, const QString &reason);
    // Subscription facts from the provider's own endpoints (plan, 5-hour and weekly utilisation), now and then.
    // Claude only; a ChatGPT account's plan comes with each refresh (the id token).
    void fetchSubscriptionFacts(const std::shared_ptr<const providers::ConsoleAccount> &account);

    ClaudeTokenClient *m_client;
    OpenAITokenClient *m_openai;
    qint64 m_marginMs;
    int m_backgroundIntervalMs;
    Hooks m_hooks;
    QTimer *m_timer = nullptr;
    std::shared_ptr<const relay::RelaySnapshot> m_snapshot; // this thread only
    QHash<QString, QList<Waiter>> m_waiters;                // account id → who waits for its refresh in flight
    QHash<QString, qint64> m_factsFetchedMs;                // account id → last usage/profile fetch
    QNetworkAccessManager *m_nam = nullptr;
    std::atomic<qint64> m_refreshes{0};
};

} // namespace rd::oauth
