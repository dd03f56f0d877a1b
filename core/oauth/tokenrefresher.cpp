// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/tokenrefresher.h"

#include "core/util/logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

namespace rd::oauth {

namespace {
constexpr qint64 kFactsIntervalMs = 10 * 60 * 1000;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// {"five_hour":{"utilization":19.0,"resets_at":"…"}} (percent, ISO) → {"5h":{"utilization":0.19,"reset":<epoch s>}}
QJsonObject factsFromUsage(const QJsonObject &usage)
{
    QJsonObject facts;
    const std::pair<const char *, const char *> windows[] = {
        {"five_hour", "5h"}, {"seven_day", "7d"}, {"seven_day_opus", "7d_opus"}, {"seven_day_sonnet", "7d_sonnet"}};
    for (const auto &[name, key] : windows) {
        const QJsonObject w = usage.value(QLatin1String(name)).toObject();
        if (w.isEmpty()) {
            continue;
        }
        const QDateTime reset = QDateTime::fromString(w.value(u"resets_at"_s).toString(), Qt::ISODate);
        facts.insert(QLatin1String(key),
                     QJsonObject{{u"utilization"_s, w.value(u"utilization"_s).toDouble() / 100.0},
                                 {u"reset"_s, reset.isValid() ? reset.toSecsSinceEpoch() : 0}});
    }
    return facts;
}

QString planFromProfile(const QJsonObject &profile)
{
    const QJsonObject account = profile.value(u"account"_s).toObject();
    if (account.value(u"has_claude_max"_s).toBool()) {
        return u"max"_s;
    }
    if (account.value(u"has_claude_pro"_s).toBool()) {
        return u"pro"_s;
    }
    return profile.value(u"organization"_s).toObject().value(u"organization_type"_s).toString();
}
} // namespace

void TokenRefresher::fetchSubscriptionFacts(const std::shared_ptr<const providers::ConsoleAccount> &account)
{
    if (!m_snapshot) {
        return;
    }
    const Result<providers::ConsoleCredentials> creds = providers::openCredentials(m_snapshot->sealer.get(), *account);
    if (!creds || !creds->oauth) {
        return;
    }
    if (!m_nam) {
        m_nam = new QNetworkAccessManager(this);
    }
    m_nam->setProxy(account->proxyWith(*creds));
    const QString base = u"%1://%2:%3%4"_s.arg(account->endpoint.tls ? u"https"_s : u"http"_s, account->endpoint.host)
                             .arg(account->endpoint.port)
                             .arg(QString::fromUtf8(account->basePath));
    for (const char *path : {"/api/oauth/usage", "/api/oauth/profile"}) {
        QNetworkRequest request(QUrl(base + QLatin1String(path)));
        request.setRawHeader("authorization", "Bearer " + creds->apiKey.expose().toByteArray());
        request.setRawHeader("anthropic-beta", "oauth-2025-04-20");
        request.setTransferTimeout(30'000);
        QNetworkReply *reply = m_nam->get(request);
        const bool usage = QByteArrayView(path).endsWith("usage");
        connect(reply, &QNetworkReply::finished, this, [this, reply, account, usage] {
            reply->deleteLater();
            if (reply->error() != QNetworkReply::NoError) {
                // Setup tokens get 403 here; the headers of real traffic still carry the facts.
                qCDebug(lcOAuth) << "subscription facts for account" << account->id << ":" << reply->errorString();
                return;
            }
            const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
            const QJsonObject facts = usage ? factsFromUsage(body) : QJsonObject{{u"plan"_s, planFromProfile(body)}};
            if (!facts.isEmpty() && account->state->mergeSubscriptionFacts(facts) && m_hooks.saveState) {
                m_hooks.saveState(account->state->stateRow(account->id, nowMs()));
            }
        });
    }
}

TokenRefresher::TokenRefresher(
    ClaudeOAuthEndpoints claude, OpenAIOAuthEndpoints openai, qint64 marginMs, int backgroundIntervalMs, Hooks hooks)
    : m_client(new ClaudeTokenClient(std::move(claude), this))
    , m_openai(new OpenAITokenClient(std::move(openai), this))
    , m_marginMs(marginMs)
    , m_backgroundIntervalMs(backgroundIntervalMs)
    , m_hooks(std::move(hooks))
{}

TokenRefresher::TokenRefresher(ClaudeOAuthEndpoints claude, qint64 marginMs, int backgroundIntervalMs, Hooks hooks)
    : TokenRefresher(
        std::move(claude), OpenAIOAuthEndpoints::defaults(), marginMs, backgroundIntervalMs, std::move(hooks))
{}

TokenRefresher::~TokenRefresher()
{
    // Whoever still waits hears that nothing will come, rather than waiting forever.
    const auto pending = m_waiters.keys();
    for (const QString &id : pending) {
        complete(id, fail(ErrorCode::UpstreamUnavailable, u"the relay is stopping"_s));
    }
}

void TokenRefresher::start()
{
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &TokenRefresher::backgroundPass);
    m_timer->start(m_backgroundIntervalMs);
}

void TokenRefresher::setSnapshot(std::shared_ptr<const relay::RelaySnapshot> snapshot)
{
    QMetaObject::invokeMethod(
        this, [this, snapshot = std::move(snapshot)] { m_snapshot = snapshot; }, Qt::QueuedConnection);
}

void TokenRefresher::refresh(std::shared_ptr<const providers::ConsoleAccount> account,
                             std::shared_ptr<Mailbox> mailbox,
                             Done done)
{
    QMetaObject::invokeMethod(
        this,
        [this, account = std::move(account), waiter = Waiter{std::move(mailbox), std::move(done)}]() mutable {
            startOrJoin(account, std::move(waiter));
        },
        Qt::QueuedConnection);
}

void TokenRefresher::startOrJoin(const std::shared_ptr<const providers::ConsoleAccount> &account, Waiter waiter)
{
    QList<Waiter> &waiters = m_waiters[account->id];
    waiters.append(std::move(waiter));
    if (waiters.size() > 1) {
        return; // a refresh for this account is in flight: wait for its outcome
    }
    const Result<providers::ConsoleCredentials> creds =
        providers::openCredentials(m_snapshot ? m_snapshot->sealer.get() : nullptr, *account);
    if (!creds) {
        complete(account->id, tl::unexpected(creds.error()));
        return;
    }
    if (!creds->oauth) {
        complete(account->id, fail(ErrorCode::CryptoFailure, u"the account holds no OAuth tokens"_s));
        return;
    }
    if (creds->refreshToken.isEmpty()) {
        // A setup token lives long and cannot be refreshed: fine until it expires, then the user must act.
        if (creds->expiresAtMs > nowMs()) {
            complete(account->id, {});
        } else {
            const QString why = account->kind == providers::AccountKind::ClaudeOAuth
                                    ? u"the setup token has expired"_s
                                    : u"the token has expired and there is no refresh token"_s;
            markNeedsSignIn(account, why);
            complete(account->id, fail(ErrorCode::ReauthorizationRequired, why));
        }
        return;
    }
    const QNetworkProxy proxy = account->proxyWith(*creds);
    ++m_refreshes;
    qCInfo(lcOAuth) << "refreshing the token of account" << account->id;
    auto oldRefresh = std::make_shared<SecretBytes>(creds->refreshToken.clone());
    auto proxyPassword = std::make_shared<SecretBytes>(creds->proxyPassword.clone());
    auto done = [this, account, oldRefresh, proxyPassword](Result<TokenSet> r) {
        onRefreshed(account, *oldRefresh, *proxyPassword, std::move(r));
    };
    if (account->kind == providers::AccountKind::OpenAIOAuth) {
        m_openai->refresh(creds->refreshToken, proxy, std::move(done));
    } else {
        m_client->refresh(creds->refreshToken, proxy, std::move(done));
    }
}

void TokenRefresher::markNeedsSignIn(const std::shared_ptr<const providers::ConsoleAccount> &account,
                                     const QString &reason)
{
    account->state->health.markNeedsSignIn(true);
    if (m_hooks.saveState) {
        m_hooks.saveState(account->state->stateRow(account->id, nowMs()));
    }
    emit needsSignIn(account->id, reason);
}

void TokenRefresher::onRefreshed(const std::shared_ptr<const providers::ConsoleAccount> &account,
                                 const SecretBytes &oldRefresh,
                                 const SecretBytes &proxyPassword,
                                 Result<TokenSet> result)
{
    const qint64 now = nowMs();
    if (!result) {
        if (result.error().code == ErrorCode::ReauthorizationRequired) {
            qCWarning(lcOAuth) << "account" << account->id << "needs sign-in:" << result.error().detail;
            markNeedsSignIn(account, result.error().detail);
        } else {
            qCWarning(lcOAuth) << "token refresh for account" << account->id << "failed:" << result.error().detail;
        }
        complete(account->id, tl::unexpected(result.error()));
        return;
    }
    // Refresh tokens rotate; when none came back the old one stays valid.
    const SecretBytes &refresh = result->refreshToken.isEmpty() ? oldRefresh : result->refreshToken;
    const Result<SecretBytes> plain = providers::encodeOAuthCredentials(
        result->accessToken.expose(), refresh.expose(), result->expiresAtMs, proxyPassword.expose());
    const Result<QByteArray> sealed = plain && m_snapshot && m_snapshot->sealer
                                          ? m_snapshot->sealer->seal(plain->expose(), account->id.toUtf8())
                                          : Result<QByteArray>(fail(ErrorCode::CryptoFailure, u"cannot seal"_s));
    if (!sealed) {
        complete(account->id, tl::unexpected(sealed.error()));
        return;
    }
    account->state->setRefreshedCredentials(*sealed, result->expiresAtMs);
    if (m_hooks.persist) {
        m_hooks.persist(account->id, *sealed, result->expiresAtMs);
    }
    bool stateChanged = false;
    if (account->state->health.availability(now, {}) == scheduling::Availability::NeedsSignIn) {
        account->state->health.markNeedsSignIn(false);
        stateChanged = true;
    }
    if (account->kind == providers::AccountKind::OpenAIOAuth) {
        // The id token of a ChatGPT refresh names the current plan (an upgrade shows up here).
        if (!result->planType.isEmpty()) {
            stateChanged |= account->state->mergeSubscriptionFacts(QJsonObject{{u"plan"_s, result->planType}});
        }
        if (!result->chatgptAccountId.isEmpty() && result->chatgptAccountId != account->extra.chatgptAccountId) {
            qCWarning(lcOAuth) << "account" << account->id << "now belongs to another ChatGPT workspace; sign in again"
                               << "to switch the chatgpt-account-id";
        }
    }
    if (stateChanged && m_hooks.saveState) {
        m_hooks.saveState(account->state->stateRow(account->id, now));
    }
    qCInfo(lcOAuth) << "account" << account->id << "has a fresh token until"
                    << QDateTime::fromMSecsSinceEpoch(result->expiresAtMs).toString(Qt::ISODate);
    complete(account->id, {});
}

void TokenRefresher::complete(const QString &accountId, const Result<void> &result)
{
    const QList<Waiter> waiters = m_waiters.take(accountId);
    for (const Waiter &w : waiters) {
        if (w.mailbox && w.done) {
            w.mailbox->post([done = w.done, result] { done(result); });
        }
    }
}

void TokenRefresher::backgroundPass()
{
    if (!m_snapshot) {
        return;
    }
    const qint64 now = nowMs();
    for (const auto &account : m_snapshot->accounts) {
        if (!account->oauth || !account->enabled) {
            continue;
        }

        const auto availability = account->state->health.availability(now, {});
        const qint64 expires = account->state->tokenExpiresAtMs.load(std::memory_order_acquire);
        // Idle accounts are refreshed ahead of time (twice the margin), so no request has to wait for it.
        if (availability != scheduling::Availability::NeedsSignIn && availability != scheduling::Availability::Blocked
            && expires > 0 && expires - now < 2 * m_marginMs) {
            startOrJoin(account, Waiter{});
        } else if (availability == scheduling::Availability::Available
                   && account->kind == providers::AccountKind::ClaudeOAuth
                   && now - m_factsFetchedMs.value(account->id, 0) >= kFactsIntervalMs) {
            // Only with a token that is not about to be replaced.
            m_factsFetchedMs.insert(account->id, now);
            fetchSubscriptionFacts(account);
        }
    }
}

} // namespace rd::oauth
