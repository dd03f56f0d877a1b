// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/relayworker.h"

#include "core/relay/dialect.h"
#include "core/relay/exchange.h"
#include "core/relay/forwarding.h"
#include "core/relay/messagesrequest.h"
#include "core/relay/usagerecorder.h"
#include "core/scheduling/accountselector.h"
#include "core/scheduling/upstreamverdict.h"
#include "core/util/logging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace rd::relay {

namespace {
QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject totalsJson(const store::UsageTotals &t)
{
    return QJsonObject{{u"requests"_s, t.requests},
                       {u"input_tokens"_s, t.inputTokens},
                       {u"output_tokens"_s, t.outputTokens},
                       {u"cache_creation_5m_input_tokens"_s, t.cacheCreate5mTokens},
                       {u"cache_creation_1h_input_tokens"_s, t.cacheCreate1hTokens},
                       {u"cache_read_input_tokens"_s, t.cacheReadTokens},
                       {u"cost_usd"_s, t.costUsd}};
}
} // namespace

RelayWorker::RelayWorker(const RelayConfig &config,
                         std::shared_ptr<RelayShared> shared,
                         std::shared_ptr<std::atomic<int>> openConnections)
    : m_config(config)
    , m_shared(std::move(shared))
    , m_openConnections(std::move(openConnections))
    , m_snapshot(std::make_shared<RelaySnapshot>())
    , m_upstream(new http::SocketUpstream(this))
    , m_mailbox(std::make_shared<Mailbox>(this))
{
    m_sweep->setInterval(1000);
    connect(m_sweep, &QTimer::timeout, this, &RelayWorker::sweep);
}

RelayWorker::~RelayWorker()
{
    m_mailbox->close(); // answers from the control thread are dropped from now on
    // Exchanges use this worker's members in their destructors: delete them while those still exist.
    qDeleteAll(findChildren<Exchange *>(Qt::FindDirectChildrenOnly));
}

void RelayWorker::adopt(qintptr descriptor)
{
    // The timers start here, on the worker's own thread.
    if (!m_sweep->isActive()) {
        m_sweep->start();
    }
    auto *connection = new http::ClientConnection(descriptor, m_config.server, this, m_openConnections, this);
    if (!connection->isOpen()) {
        connection->close();
    }
}

void RelayWorker::setSnapshot(std::shared_ptr<const RelaySnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
}

void RelayWorker::shutdown()
{
    m_sweep->stop();
    const auto connections = findChildren<http::ClientConnection *>(Qt::FindDirectChildrenOnly);
    for (http::ClientConnection *c : connections) {
        c->close();
    }
}

void RelayWorker::sweep()
{
    const qint64 now = http::monotonicMs();
    const auto connections = findChildren<http::ClientConnection *>(Qt::FindDirectChildrenOnly);
    for (http::ClientConnection *c : connections) {
        c->checkTimeouts(now);
    }
}

void RelayWorker::answerError(
    http::ClientConnection *c, Dialect dialect, ErrorKind kind, const QString &message, const http::HeaderList &extra)
{
    c->sendResponse(statusFor(kind), extra, errorBody(dialect, kind, message, c->requestId()), "application/json");
}

void RelayWorker::answerJson(http::ClientConnection *c, int status, const QByteArray &json)
{
    c->sendResponse(status, {}, json, "application/json");
}

void RelayWorker::rejectMalformed(http::ClientConnection *c, int status, const char *detail, QByteArrayView path)
{
    const ErrorKind kind = status == 413   ? ErrorKind::BodyTooLarge
                           : status == 431 ? ErrorKind::HeadersTooLarge
                                           : ErrorKind::InvalidRequest;
    answerError(c, dialectForPath(path), kind, u"Malformed HTTP request: %1"_s.arg(QString::fromLatin1(detail)));
}

void RelayWorker::serveHealth(http::ClientConnection *c)
{
    const bool storeOk = m_shared->storeHealthy.load(std::memory_order_relaxed);
    int usable = 0;
    for (const auto &a : m_snapshot->accounts) {
        usable += a->isUsable() ? 1 : 0;
    }
    const QJsonObject components{
        {u"store"_s, storeOk ? u"ok"_s : u"unusable"_s},
        {u"listener"_s, u"ok"_s},
        {u"secrets"_s, m_snapshot->sealer ? u"ok"_s : u"locked"_s},
        {u"accounts"_s, QJsonObject{{u"total"_s, m_snapshot->accounts.size()}, {u"usable"_s, usable}}},
        {u"keys"_s, m_snapshot->keys->size()},
    };
    const QJsonObject body{{u"status"_s, storeOk ? u"healthy"_s : u"unhealthy"_s},
                           {u"version"_s, m_shared->version},
                           {u"components"_s, components}};
    answerJson(c, storeOk ? 200 : 503, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void RelayWorker::handle(http::ClientConnection *c, http::HttpRequest &&request)
{
    const RouteMatch route = matchRoute(request.method, request.path);
    switch (route.route) {
    case Route::NotFound:
        answerError(c,
                    route.dialect,
                    ErrorKind::NotFound,
                    u"Invalid URL (%1 %2)"_s.arg(QString::fromLatin1(request.method), QString::fromUtf8(request.path)));
        return;
    case Route::Health:
        serveHealth(c);
        return;
    case Route::Hello:
        // Claude Code's start-up probe: answered at once, without a key, never 401/5xx.
        c->sendResponse(
            200, {}, request.method == "HEAD" ? QByteArrayView() : QByteArrayView("{\"ok\":true}"), "application/json");
        return;
    case Route::Telemetry:
        answerJson(c, 200, QByteArrayLiteral("{\"success\":true}"));
        return;
    default:
        break;
    }

    const QByteArray presented = auth::presentedKey(request.headers, request.query);
    if (presented.isEmpty()) {
        answerError(c,
                    route.dialect,
                    ErrorKind::Authentication,
                    u"Missing API key: send it in the x-api-key or Authorization: Bearer header"_s);
        return;
    }
    const auth::KeyEntry *key =
        auth::hasPlausibleKeyLength(presented) ? m_snapshot->keys->find(auth::hashKey(presented)) : nullptr;
    if (!key) {
        answerError(c, route.dialect, ErrorKind::Authentication, u"Invalid API key"_s);
        return;
    }
    if (!key->enabled) {
        answerError(c, route.dialect, ErrorKind::Authentication, u"API key is disabled"_s);
        return;
    }
    if (key->isExpired(QDateTime::currentMSecsSinceEpoch())) {
        answerError(c, route.dialect, ErrorKind::Authentication, u"API key has expired"_s);
        return;
    }
    if (!key->mayUseService("claude")) {
        answerError(c, route.dialect, ErrorKind::Permission, u"This API key may not use the Claude service"_s);
        return;
    }
    switch (route.route) {
    case Route::Messages:
    case Route::CountTokens:
    case Route::Models:
    case Route::ModelById:
        startExchange(c, std::move(request), route, *key);
        return;
    default:
        serveKeyRoute(c, route, *key);
        return;
    }
}

void RelayWorker::serveKeyRoute(http::ClientConnection *c, const RouteMatch &route, const auth::KeyEntry &key)
{
    const store::UsageTotals totals = m_shared->usage->totalsForKey(key.id);
    QJsonObject body;
    switch (route.route) {
    case Route::Me:
        body = QJsonObject{{u"id"_s, QString(u"user_"_s + key.id)},
                           {u"type"_s, u"user"_s},
                           {u"display_name"_s, key.name},
                           {u"created_at"_s, isoTime(key.createdAtMs)}};
        break;
    case Route::OrgUsage:
        // No cost limits exist yet, so there is no balance to report: null, not an invented number.
        body = QJsonObject{
            {u"object"_s, u"usage"_s},
            {u"data"_s,
             QJsonArray{QJsonObject{{u"type"_s, u"credit_balance"_s}, {u"credit_balance"_s, QJsonValue::Null}}}}};
        break;
    case Route::KeyInfo:
    case Route::Usage:
    default:
        body = QJsonObject{{u"id"_s, key.id},
                           {u"name"_s, key.name},
                           {u"key_hash_prefix"_s, QString::fromLatin1(key.logId)},
                           {u"enabled"_s, key.enabled},
                           {u"created_at"_s, isoTime(key.createdAtMs)},
                           {u"limits"_s, QJsonObject{}},
                           {u"usage"_s, QJsonObject{{u"total"_s, totalsJson(totals)}}}};
        break;
    }
    answerJson(c, 200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void RelayWorker::startExchange(http::ClientConnection *c,
                                http::HttpRequest &&request,
                                const RouteMatch &route,
                                const auth::KeyEntry &key)
{
    Exchange::Plan plan;
    if (route.route == Route::Messages || route.route == Route::CountTokens) {
        const QByteArray encoding = request.header("content-encoding").trimmed().toLower();
        if (!encoding.isEmpty() && encoding != "identity") {
            answerError(c, route.dialect, ErrorKind::InvalidRequest, u"Compressed request bodies are not supported"_s);
            return;
        }
        const bool mappingPossible = std::any_of(m_snapshot->accounts.cbegin(),
                                                 m_snapshot->accounts.cend(),
                                                 [](const auto &a) { return !a->modelMap.isEmpty(); });
        Result<MessagesRequestInfo> inspected = inspectMessagesBody(
            request.body, mappingPossible, route.route == Route::Messages ? &request.headers : nullptr);
        if (!inspected) {
            answerError(c, route.dialect, ErrorKind::InvalidRequest, inspected.error().detail);
            return;
        }
        if (!key.mayUseModel(inspected->model)) {
            answerError(c,
                        route.dialect,
                        ErrorKind::Permission,
                        u"This API key may not use the model '%1'"_s.arg(QString::fromUtf8(inspected->model)));
            return;
        }
        plan.requestModel = inspected->model;
        plan.modelFamily = scheduling::modelFamily(inspected->model);
        plan.sessionKey = inspected->sessionKey;
        plan.bodyInfo = std::move(*inspected);
    }
    switch (route.route) {
    case Route::Messages:
        plan.endpointPath = "/v1/messages";
        break;
    case Route::CountTokens:
        plan.endpointPath = "/v1/messages/count_tokens";
        break;
    case Route::Models:
        plan.endpointPath = "/v1/models";
        break;
    default:
        plan.endpointPath = "/v1/models/" + route.param;
        break;
    }
    plan.recordUsage = route.route == Route::Messages; // count_tokens and models cost nothing upstream
    plan.route = route.route;
    plan.dialect = route.dialect;
    plan.keyId = key.id;
    plan.keyLogId = key.logId;
    plan.keyBinding = key.binding;
    plan.keyIsOwner = key.isOwner;
    plan.snapshot = m_snapshot;
    plan.receivedAtMs = http::monotonicMs();
    plan.receivedAtEpochMs = QDateTime::currentMSecsSinceEpoch();
    plan.request = std::move(request);
    auto *exchange = new Exchange(this, c, std::move(plan));
    exchange->start();
}

namespace {
// A subscription token is a Bearer token that needs the OAuth beta (merged into the client's list, never replacing
// it) and an anthropic-version; the query asks for the beta endpoint as Claude Code does (PROTOCOLS.md §4.1, §4.3).
void addSubscriptionHeaders(http::UpstreamRequest &up, const SecretBytes &accessToken)
{
    QByteArray betas;
    bool hasVersion = false;
    for (qsizetype i = up.headers.size() - 1; i >= 0; --i) {
        const QByteArray name = up.headers.at(i).first.toLower();
        if (name == "anthropic-beta") {
            betas = betas.isEmpty() ? up.headers.at(i).second : up.headers.at(i).second + ',' + betas;
            up.headers.removeAt(i);
        } else if (name == "anthropic-version") {
            hasVersion = true;
        }
    }
    QList<QByteArray> list;
    for (const QByteArray &b : betas.split(',')) {
        const QByteArray beta = b.trimmed();
        if (!beta.isEmpty() && !list.contains(beta)) {
            list.append(beta);
        }
    }
    if (!list.contains("oauth-2025-04-20")) {
        list.append("oauth-2025-04-20");
    }
    up.headers.append({QByteArrayLiteral("anthropic-beta"), list.join(',')});
    if (!hasVersion) {
        up.headers.append({QByteArrayLiteral("anthropic-version"), QByteArrayLiteral("2023-06-01")});
    }
    up.headers.append({QByteArrayLiteral("authorization"), "Bearer " + accessToken.expose().toByteArray()});
    if (!up.target.contains("beta=true")) {
        up.target += up.target.contains('?') ? "&beta=true" : "?beta=true";
    }
}
} // namespace

Result<http::UpstreamRequest> RelayWorker::buildUpstreamRequest(const providers::ConsoleAccount &account,
                                                                const Exchange::Plan &plan) const
{
    // Decrypt late, drop early: the plaintext lives only while the request head is built.
    const Result<providers::ConsoleCredentials> creds =
        providers::openCredentials(plan.snapshot->sealer.get(), account);
    if (!creds) {
        return tl::unexpected(creds.error());
    }
    const http::HttpRequest &request = plan.request;
    http::UpstreamRequest up;
    up.endpoint = account.endpoint;
    up.endpoint.proxy = account.proxyWith(*creds);
    up.method = request.method;
    up.target = account.upstreamPath(plan.endpointPath);
    if (!request.query.isEmpty()) {
        up.target += '?' + request.query; // e.g. Claude Code's ?beta=true
    }
    up.headers = upstreamRequestHeaders(request.headers, account.userAgent);
    if (account.oauth) {
        addSubscriptionHeaders(up, creds->apiKey);
    } else {
        up.headers.append(providers::credentialHeader(creds->apiKey));
    }
    up.body = request.body; // shared, not copied: another attempt may need it again
    if (plan.bodyInfo) {
        const QByteArray upstreamModel = account.mapModel(plan.requestModel);
        if (upstreamModel != plan.requestModel && plan.bodyInfo->modelOffset >= 0) {
            up.body = replaceModel(request.body, *plan.bodyInfo, upstreamModel); // the only rewrite
        }
    }
    up.connectTimeoutMs = m_config.upstreamConnectTimeoutMs;
    up.headersTimeoutMs = m_config.upstreamHeadersTimeoutMs;
    up.idleTimeoutMs = m_config.upstreamIdleTimeoutMs;
    return up;
}

} // namespace rd::relay
