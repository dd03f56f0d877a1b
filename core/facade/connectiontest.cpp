// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/facade/connectiontest.h"

#include "core/providers/console/consoleaccount.h"
#include "core/secrets/sealer.h"
#include "core/util/logging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QThread>
#include <QTimeZone>
#include <QTimer>
#include <QUrl>

#include <utility>

using namespace Qt::StringLiterals;

namespace rd::facade {

namespace {

constexpr qsizetype kMaxServerText = 200;

// The upstream's error text, safe to show: the credential and anything token-shaped cut out, bounded.
QString scrubbed(QString text, const SecretBytes &credential)
{
    if (!credential.isEmpty()) {
        text.replace(QString::fromUtf8(credential.expose()), u"<redacted>"_s);
    }
    static const QRegularExpression tokenShaped(u"sk-ant-[A-Za-z0-9_-]*|[A-Za-z0-9_-]{32,}"_s);
    static const QRegularExpression control(u"[\\x00-\\x1f\\x7f]+"_s);
    text.replace(tokenShaped, u"<redacted>"_s).replace(control, u" "_s);
    if (text.size() > kMaxServerText) {
        text = text.left(kMaxServerText) + u"…"_s;
    }
    return text.trimmed();
}

// {"type":"error","error":{"type","message"}} (Anthropic), {"error":"…","error_description":"…"} or {"message":"…"}.
QString upstreamMessage(const QByteArray &body)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const QJsonValue error = json.value("error"_L1);
    if (error.isObject()) {
        const QJsonObject inner = error.toObject();
        const QString message = inner.value("message"_L1).toString();
        return message.isEmpty() ? inner.value("type"_L1).toString() : message;
    }
    if (error.isString()) {
        const QString description = json.value("error_description"_L1).toString();
        return description.isEmpty() ? error.toString() : error.toString() + u": "_s + description;
    }
    return json.value("message"_L1).toString();
}

// One GET in flight: a child of the caller's context, owns its QNAM (which carries the account's proxy), reports
// once, then deletes itself. Deleting the context abandons it without a report.
class ConnectionTest : public QObject
{
public:
    ConnectionTest(QObject *context, QString accountId, std::function<void(Result<QString>)> done)
        : QObject(context)
        , m_accountId(std::move(accountId))
        , m_done(std::move(done))
    {}

    ~ConnectionTest() override
    {
        if (m_reply) {
            m_reply->disconnect(this);
            m_reply->abort();
        }
    }

    void start(const QNetworkRequest &request, const QNetworkProxy &proxy, SecretBytes credential)
    {
        m_credential = std::move(credential);
        m_endpoint = request.url().port() > 0 ? u"%1:%2"_s.arg(request.url().host()).arg(request.url().port())
                                              : request.url().host();
        auto *manager = new QNetworkAccessManager(this); // QNAM has no per-request proxy: one manager per call
        manager->setProxy(proxy);
        m_reply = manager->get(request);
        connect(m_reply, &QNetworkReply::finished, this, [this] { onFinished(); });
        // The whole test, not only inactivity: a server that trickles bytes must not keep the button busy.
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            m_timedOut = true;
            if (m_reply) {
                m_reply->abort();
            }
        });
        m_timer.start(kConnectionTestTimeoutMs);
    }

    // A verdict reached without a request, reported from the event loop like any other.
    void reportLater(Result<QString> result)
    {
        QTimer::singleShot(0, this, [this, result = std::move(result)]() mutable { finish(std::move(result)); });
    }

private:
    void onFinished()
    {
        QNetworkReply *reply = std::exchange(m_reply, nullptr);
        reply->deleteLater();
        m_timer.stop();
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (m_timedOut || reply->error() == QNetworkReply::TimeoutError) {
            finish(fail(ErrorCode::UpstreamTimeout,
                        u"%1 did not answer within %2 s"_s.arg(m_endpoint).arg(kConnectionTestTimeoutMs / 1000)));
            return;
        }
        if (!status.isValid()) {
            finish(fail(ErrorCode::UpstreamConnect, u"cannot reach %1: %2"_s.arg(m_endpoint, reply->errorString())));
            return;
        }
        finish(outcome(status.toInt(), reply->readAll()));
    }

    Result<QString> outcome(int status, const QByteArray &body) const
    {
        if (status < 200 || status >= 300) {
            const QString message = scrubbed(upstreamMessage(body), m_credential);
            return fail(ErrorCode::UpstreamUnavailable,
                        message.isEmpty() ? u"HTTP %1 from %2"_s.arg(status).arg(m_endpoint)
                                          : u"HTTP %1 from %2: %3"_s.arg(status).arg(m_endpoint, message));
        }
        const QJsonValue data = QJsonDocument::fromJson(body).object().value("data"_L1);
        if (!data.isArray()) {
            return fail(ErrorCode::UpstreamProtocol,
                        u"HTTP %1 from %2, but the answer is not a model list"_s.arg(status).arg(m_endpoint));
        }
        return u"OK: %1 models"_s.arg(data.toArray().size());
    }

    void finish(Result<QString> result)
    {
        qCInfo(lcUpstream).noquote() << u"connection test of account %1: %2"_s.arg(
            m_accountId, result ? *result : result.error().detail);
        m_credential.wipe();
        auto done = std::move(m_done);
        deleteLater();
        if (done) { // last: the callback may delete the context, and with it this object
            done(std::move(result));
        }
    }

    QString m_accountId;
    std::function<void(Result<QString>)> m_done;
    SecretBytes m_credential; // only to scrub it from the upstream's error text
    QString m_endpoint;
    QNetworkReply *m_reply = nullptr;
    QTimer m_timer{this};
    bool m_timedOut = false;
};

// Where the models list of an account lives (PROTOCOLS §4.1, §3.7): Claude {base}/v1/models; OpenAI Responses
// {base}/v1/models, or {base}/models when the base already ends in /v1; Azure {endpoint}/openai/models?api-version=v,
// or {endpoint}/openai/v1/models for the v1 API (no api-version).
QUrl modelsUrl(const QString &baseUrl, const providers::ConsoleAccount &account)
{
    QUrl url(baseUrl);
    QByteArray path;
    QString query;
    switch (account.kind) {
    case providers::AccountKind::OpenAIResponses:
        path = QByteArray(account.basePath + (account.basePath.endsWith("/v1") ? "/models" : "/v1/models"));
        break;
    case providers::AccountKind::AzureOpenAI:
        if (account.extra.azureApiVersion.isEmpty()) {
            path = account.basePath + "/openai/v1/models";
        } else {
            path = account.basePath + "/openai/models";
            query = u"api-version="_s + QString::fromUtf8(QUrl::toPercentEncoding(account.extra.azureApiVersion));
        }
        break;
    default:
        path = account.upstreamPath("/v1/models");
        break;
    }
    url.setPath(QString::fromUtf8(path), QUrl::StrictMode);
    url.setQuery(query);
    url.setFragment(QString());
    return url;
}

// The credential in the header each provider wants: OpenAI `authorization: Bearer`, Azure `api-key`, Claude keys
// x-api-key (sk-ant-) or Bearer, Claude subscriptions Bearer plus the OAuth beta (§4.3).
void setCredential(QNetworkRequest &request,
                   const providers::ConsoleAccount &account,
                   const providers::ConsoleCredentials &credentials)
{
    const SecretBytes &secret = credentials.apiKey;
    if (account.kind == providers::AccountKind::AzureOpenAI) {
        QByteArray key = secret.expose().toByteArray();
        request.setRawHeader("api-key", key);
        wipeBytes(key);
        return;
    }
    if (credentials.oauth || account.kind == providers::AccountKind::OpenAIResponses) {
        QByteArray bearer = "Bearer " + secret.expose();
        request.setRawHeader("authorization", bearer);
        wipeBytes(bearer);
    } else {
        http::Header header = providers::credentialHeader(secret);
        request.setRawHeader(header.first, header.second);
        wipeBytes(header.second);
    }
    if (account.kind == providers::AccountKind::ClaudeOAuth) {
        request.setRawHeader("anthropic-beta", "oauth-2025-04-20"); // a subscription token needs it (§4.3)
    }
}

// ChatGPT (Codex) subscriptions: the backend (§3.4) offers only POST /responses, which would spend the plan's quota,
// and no documented models list, so nothing is sent. The test checks what the relay needs to use the account: the
// sealed tokens open, the chatgpt-account-id it must send is known, and the access token is valid (or refreshable).
Result<QString> checkChatGPTAccount(const store::AccountRecord &record,
                                    const providers::ConsoleAccount &account,
                                    const providers::ConsoleCredentials &credentials,
                                    qint64 nowMs)
{
    if (account.extra.chatgptAccountId.isEmpty()) {
        return fail(ErrorCode::InvalidConfig,
                    u"the account has no ChatGPT account id (chatgpt_account_id), which the Codex backend needs: "
                    "sign in again"_s);
    }
    if (credentials.apiKey.isEmpty()) {
        return fail(ErrorCode::ReauthorizationRequired, u"the account holds no access token: sign in again"_s);
    }
    const QString who =
        record.subscriptionPlan.isEmpty()
            ? u"ChatGPT account %1"_s.arg(account.extra.chatgptAccountId)
            : u"ChatGPT account %1, plan %2"_s.arg(account.extra.chatgptAccountId, record.subscriptionPlan);
    const QString expiry =
        QDateTime::fromMSecsSinceEpoch(credentials.expiresAtMs, QTimeZone::utc()).toString(Qt::ISODate);
    if (credentials.expiresAtMs > nowMs) {
        const qint64 minutes = (credentials.expiresAtMs - nowMs) / 60'000;
        return u"OK: signed in (%1); the access token is valid until %2 (%3 min left). No request was sent: the Codex "
               "backend has no free test call"_s.arg(who, expiry)
                   .arg(minutes);
    }
    if (credentials.refreshToken.isEmpty()) {
        return fail(
            ErrorCode::ReauthorizationRequired,
            u"the access token expired at %1 and there is no refresh token (%2): sign in again"_s.arg(expiry, who));
    }
    return u"OK: signed in (%1); the access token expired at %2, the relay refreshes it before the next request. No "
           "request was sent: the Codex backend has no free test call"_s.arg(who, expiry);
}

} // namespace

void testConnection(const store::AccountRecord &record,
                    const std::shared_ptr<const secrets::Sealer> &sealer,
                    QObject *context,
                    std::function<void(Result<QString>)> done)
{
    Q_ASSERT(context && QThread::currentThread() == context->thread());
    auto *test = new ConnectionTest(context, record.id, std::move(done));
    const Result<providers::ConsoleAccount> account = providers::consoleAccountFromRecord(record, nullptr);
    if (!account) {
        test->reportLater(tl::unexpected(account.error()));
        return;
    }
    Result<providers::ConsoleCredentials> credentials = providers::openCredentials(sealer.get(), *account);
    if (!credentials) {
        test->reportLater(fail(credentials.error().code,
                               u"the account's credentials cannot be opened: %1"_s.arg(credentials.error().detail)));
        return;
    }
    if (account->kind == providers::AccountKind::OpenAIOAuth) {
        test->reportLater(checkChatGPTAccount(record, *account, *credentials, QDateTime::currentMSecsSinceEpoch()));
        return;
    }
    QNetworkRequest request(modelsUrl(record.baseUrl, *account));
    request.setRawHeader("accept", "application/json");
    if (account->family == "claude") {
        request.setRawHeader("anthropic-version", "2023-06-01");
    }
    if (!account->userAgent.isEmpty()) {
        request.setRawHeader("user-agent", account->userAgent);
    }
    setCredential(request, *account, *credentials);
    if (account->endpoint.tls) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer); // never ignore TLS errors; the account may name an extra CA
        if (!account->endpoint.extraCaCertificates.isEmpty()) {
            tls.addCaCertificates(account->endpoint.extraCaCertificates);
        }
        request.setSslConfiguration(tls);
    }
    // A redirect would carry the credential elsewhere: report it as the status it is.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(kConnectionTestTimeoutMs);
    test->start(request, account->proxyWith(*credentials), credentials->apiKey.clone());
}

} // namespace rd::facade
