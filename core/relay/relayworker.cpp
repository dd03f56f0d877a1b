// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/relayworker.h"

#include "core/http/bodydecoding.h"
#include "core/policy/keylimiter.h"
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
#include <QPointer>
#include <QUrlQuery>

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
                       {u"cost_usd"_s, t.costUsd},
                       {u"rated_cost_usd"_s, t.ratedCostUsd}};
}

QJsonValue isoOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(isoTime(ms)) : QJsonValue();
}

// The key's limits next to what is used of each, and when each resets (key-info and usage).
QJsonObject limitsJson(const auth::KeyEntry &key, const policy::KeyLimiter &limiter)
{
    const policy::KeyLimits &l = key.limits;
    const policy::KeyLimiter::Usage u = limiter.usage(key.id, l);
    const policy::LimitCalendar calendar = limiter.calendar();
    const qint64 now = limiter.now();
    auto entry = [](QJsonValue limit, QJsonValue used, QJsonValue resetsAt) {
        return QJsonObject{{u"limit"_s, limit}, {u"used"_s, used}, {u"resets_at"_s, resetsAt}};
    };
    QJsonObject out;
    if (l.concurrency > 0) {
        out.insert(u"concurrency"_s,
                   QJsonObject{{u"limit"_s, l.concurrency},
                               {u"in_flight"_s, u.inFlight},
                               {u"waiting"_s, u.waiting},
                               {u"queue_size"_s, l.queueSize},
                               {u"queue_timeout_ms"_s, l.queueTimeoutMs}});
    }
    if (l.hasWindow()) {
        const qint64 resets = u.windowStartMs > 0 ? u.windowStartMs + qint64(l.windowMinutes) * 60'000 : 0;
        QJsonObject window{{u"minutes"_s, l.windowMinutes}, {u"resets_at"_s, isoOrNull(resets)}};
        if (l.windowRequests > 0) {
            window.insert(u"requests"_s, entry(l.windowRequests, u.windowRequests, isoOrNull(resets)));
        }
        if (l.windowTokens > 0) {
            window.insert(u"tokens"_s, entry(l.windowTokens, u.windowTokens, isoOrNull(resets)));
        }
        if (l.windowCostUsd > 0) {
            window.insert(u"cost_usd"_s, entry(l.windowCostUsd, u.windowCostUsd, isoOrNull(resets)));
        }
        out.insert(u"window"_s, window);
    }
    if (l.dailyCostUsd > 0) {
        out.insert(u"daily_cost_usd"_s, entry(l.dailyCostUsd, u.dayCostUsd, isoTime(calendar.nextDayStart(now))));
    }
    if (l.weeklyCostUsd > 0) {
        out.insert(u"weekly_cost_usd"_s, entry(l.weeklyCostUsd, u.weekCostUsd, isoTime(calendar.nextWeekStart(now))));
    }
    if (l.totalCostUsd > 0) {
        out.insert(u"total_cost_usd"_s, entry(l.totalCostUsd, u.totalCostUsd, QJsonValue()));
    }
    if (l.weeklyFamilyCostUsd > 0) {
        QJsonObject family = entry(l.weeklyFamilyCostUsd, u.familyWeekCostUsd, isoTime(calendar.nextWeekStart(now)));
        family.insert(u"family"_s, QString::fromLatin1(l.weeklyFamily));
        out.insert(u"weekly_family_cost_usd"_s, family);
    }
    return out;
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

    if (m_shared->paused.load(std::memory_order_relaxed)) {
        answerError(c,
                    route.dialect,
                    ErrorKind::ServiceUnavailable,
                    u"RelayDesk is paused: turn the relay on in its window or tray menu"_s,
                    {http::Header{QByteArrayLiteral("retry-after"), QByteArrayLiteral("30")}});
        return;
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
    if (!keyIsActive(c, *key, route.dialect)) {
        return;
    }
    if (const QByteArray coding = request.header("content-encoding"); !coding.isEmpty() && !request.body.isEmpty()) {
        // Codex can compress its requests (zstd); every route reads and forwards the decoded body (§4.2).
        Result<QByteArray> decoded =
            http::decodeContentEncoding(request.body, coding, m_config.server.limits.maxBodyBytes);
        if (!decoded) {
            answerError(c,
                        route.dialect,
                        decoded.error().code == ErrorCode::PayloadTooLarge ? ErrorKind::BodyTooLarge
                                                                           : ErrorKind::InvalidRequest,
                        decoded.error().detail);
            return;
        }
        request.body = std::move(*decoded);
        request.body.reserve(request.body.size() + 64); // spare room: the JSON reader parses in place
    }
    switch (route.route) {
    case Route::Messages:
    case Route::CountTokens:
    case Route::Models:
    case Route::ModelById:
        startExchange(c, std::move(request), route, *key);
        return;
    case Route::Responses:
    case Route::ResponsesCompact:
    case Route::Chat:
    case Route::ClaudeChat:
    case Route::AzureChat:
    case Route::AzureResponses:
    case Route::AzureEmbeddings:
        startOpenAIExchange(c, std::move(request), route, *key);
        return;
    case Route::OpenAIModels:
    case Route::OpenAIModelById:
    case Route::ClaudeChatModels:
    case Route::ClaudeChatModelById:
    case Route::AzureModels:
        serveOpenAIModels(c, route, request, *key);
        return;
    default:
        if (clientAndServiceAllowed(c, *key, route, request, std::nullopt)) {
            serveKeyRoute(c, route, *key, request.query);
        }
        return;
    }
}

bool RelayWorker::keyIsActive(http::ClientConnection *c, const auth::KeyEntry &key, Dialect dialect)
{
    if (!key.enabled) {
        answerError(c, dialect, ErrorKind::Authentication, u"API key is disabled"_s);
        return false;
    }
    const qint64 now = m_config.clock();
    qint64 expiresAt = key.expiresAtMs;
    if (key.activationDays > 0 && key.activatedAtMs == 0) {
        // The first use starts the clock; the store learns it once (whichever process is first wins there).
        bool first = false;
        const qint64 activatedAt = m_shared->limiter->activate(key.id, now, &first);
        expiresAt = activatedAt + qint64(key.activationDays) * 86'400'000;
        if (first && m_shared->persistActivation) {
            qCInfo(lcRelay) << "key" << key.id << "activated; it expires in" << key.activationDays << "days";
            m_shared->persistActivation(key.id, activatedAt, expiresAt);
        }
    }
    if (expiresAt > 0 && now >= expiresAt) {
        answerError(c, dialect, ErrorKind::Authentication, u"API key has expired"_s);
        return false;
    }
    return true;
}

bool RelayWorker::clientAndServiceAllowed(http::ClientConnection *c,
                                          const auth::KeyEntry &key,
                                          const RouteMatch &route,
                                          const http::HttpRequest &request,
                                          const std::optional<QByteArray> &metadataUserId,
                                          QByteArrayView service)
{
    // count_tokens is exempt from the client restriction (PROTOCOLS.md §7.7).
    if (!key.allowedClients.isEmpty() && route.route != Route::CountTokens) {
        auth::ClientFacts facts = auth::clientFacts(request.headers);
        facts.isMessagesRoute = route.route == Route::Messages;
        if (metadataUserId) {
            facts.metadataUserId = QByteArrayView(*metadataUserId);
        }
        if (!auth::checkClientRestriction(key.allowedClients, facts, request.path).allowed) {
            QStringList names;
            QJsonArray allowed;
            for (const auth::KnownClient client : key.allowedClients) {
                names << QString::fromLatin1(auth::clientId(client));
                allowed.append(names.constLast());
            }
            const QString agent = QString::fromUtf8(
                facts.userAgent.first(std::min<qsizetype>(facts.userAgent.size(), 200)).toByteArray());
            c->sendResponse(403,
                            {},
                            errorBody(route.dialect,
                                      ErrorKind::Permission,
                                      u"Client not allowed: this API key only accepts %1 on this route (User-Agent "
                                      "'%2')"_s.arg(names.join(u", "_s), agent),
                                      c->requestId(),
                                      "client_not_allowed",
                                      QJsonObject{{u"allowedClients"_s, allowed}, {u"userAgent"_s, agent}}),
                            "application/json");
            return false;
        }
    }
    if (!key.mayUseService(service)) {
        const QString title = service == "claude"   ? u"Claude"_s
                              : service == "azure"  ? u"Azure OpenAI"_s
                              : service == "openai" ? u"OpenAI"_s
                                                    : QString::fromLatin1(service.toByteArray());
        answerError(c, route.dialect, ErrorKind::Permission, u"This API key may not use the %1 service"_s.arg(title));
        return false;
    }
    return true;
}

void RelayWorker::serveKeyRoute(http::ClientConnection *c,
                                const RouteMatch &route,
                                const auth::KeyEntry &key,
                                const QByteArray &query)
{
    if (route.route == Route::KeyStats) {
        serveKeyStats(c, key, query);
        return;
    }
    const store::UsageTotals totals = m_shared->usage->totalsForKey(key.id);
    const policy::KeyLimiter::Usage spent = m_shared->limiter->usage(key.id, key.limits);
    QJsonObject body;
    switch (route.route) {
    case Route::Me:
        body = QJsonObject{{u"id"_s, QString(u"user_"_s + key.id)},
                           {u"type"_s, u"user"_s},
                           {u"display_name"_s, key.name},
                           {u"created_at"_s, isoTime(key.createdAtMs)}};
        break;
    case Route::OrgUsage:
        // The balance is what is left of a total cost limit; without one there is none to report (null).
        body = QJsonObject{{u"object"_s, u"usage"_s},
                           {u"data"_s,
                            QJsonArray{QJsonObject{{u"type"_s, u"credit_balance"_s},
                                                   {u"credit_balance"_s,
                                                    key.limits.totalCostUsd > 0 ? QJsonValue(
                                                        std::max(0.0, key.limits.totalCostUsd - spent.totalCostUsd))
                                                                                : QJsonValue()}}}}};
        break;
    case Route::KeyInfo:
    case Route::Usage:
    default:
        body = QJsonObject{{u"id"_s, key.id},
                           {u"name"_s, key.name},
                           {u"description"_s, key.description},
                           {u"tags"_s, QJsonArray::fromStringList(key.tags)},
                           {u"owner"_s, key.ownerName},
                           {u"key_hash_prefix"_s, QString::fromLatin1(key.logId)},
                           {u"enabled"_s, key.enabled},
                           {u"created_at"_s, isoTime(key.createdAtMs)},
                           {u"expires_at"_s, isoOrNull(key.expiresAtMs)},
                           {u"limits"_s, limitsJson(key, *m_shared->limiter)},
                           {u"usage"_s,
                            QJsonObject{{u"total"_s, totalsJson(totals)},
                                        {u"today_rated_cost_usd"_s, spent.dayCostUsd},
                                        {u"this_week_rated_cost_usd"_s, spent.weekCostUsd}}}};
        if (key.activationDays > 0) {
            body.insert(u"activation_days"_s, key.activationDays);
        }
        QJsonArray permissions;
        for (const QByteArray &p : key.permissions) {
            permissions.append(QString::fromLatin1(p));
        }
        body.insert(u"permissions"_s, permissions);
        if (!key.allowedClients.isEmpty()) {
            QJsonArray clients;
            for (const auth::KnownClient client : key.allowedClients) {
                clients.append(QString::fromLatin1(auth::clientId(client)));
            }
            body.insert(u"allowed_clients"_s, clients);
        }
        break;
    }
    answerJson(c, 200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void RelayWorker::serveKeyStats(http::ClientConnection *c, const auth::KeyEntry &key, const QByteArray &query)
{
    // ?granularity=hour|day|month&days=N: the key's own figures from the rollups, oldest bucket first.
    const QUrlQuery params(QString::fromLatin1(query));
    const QString granularity =
        params.queryItemValue(u"granularity"_s).isEmpty() ? u"day"_s : params.queryItemValue(u"granularity"_s);
    const int defaultDays = granularity == u"hour"_s ? 2 : granularity == u"month"_s ? 365 : 30;
    bool ok = true;
    const int days = params.hasQueryItem(u"days"_s) ? params.queryItemValue(u"days"_s).toInt(&ok) : defaultDays;
    if (!ok || days < 1 || days > 3660
        || (granularity != u"hour"_s && granularity != u"day"_s && granularity != u"month"_s)) {
        answerError(c,
                    Dialect::Anthropic,
                    ErrorKind::InvalidRequest,
                    u"key-stats takes granularity=hour|day|month and days=1..3660"_s);
        return;
    }
    const qint64 now = m_config.clock();
    const policy::LimitCalendar calendar = m_snapshot->settings.calendar;
    const qint64 fromMs = granularity == u"hour"_s  ? calendar.hourStart(now - qint64(days) * 86'400'000)
                          : granularity == u"day"_s ? calendar.dayStart(now - qint64(days - 1) * 86'400'000)
                                                    : calendar.monthStart(now - qint64(days) * 86'400'000);
    QPointer<http::ClientConnection> connection(c);
    std::shared_ptr<Mailbox> mailbox = m_mailbox;
    const QString keyId = key.id;
    const QString keyName = key.name;
    m_shared->readStore([=](store::Database *db) {
        int status = 503;
        QByteArray body = errorBody(Dialect::Anthropic,
                                    ErrorKind::ServiceUnavailable,
                                    u"Statistics are not available right now"_s,
                                    QByteArray());
        if (db) {
            auto series = db->rollupSeries(granularity, QString(), fromMs, now + 1, keyId);
            auto models = db->rollupSeries(granularity, u"model"_s, fromMs, now + 1, keyId);
            if (series && models) {
                QJsonArray points;
                store::UsageTotals sum;
                for (const store::RollupPoint &p : std::as_const(*series)) {
                    QJsonObject point = totalsJson(p.totals);
                    point.insert(u"start"_s, isoTime(p.bucketStartMs));
                    point.insert(u"errors"_s, p.errors);
                    point.insert(u"avg_latency_ms"_s,
                                 p.totals.requests > 0 ? double(p.totalLatencyMs) / double(p.totals.requests) : 0.0);
                    points.append(point);
                    sum += p.totals;
                }
                QHash<QString, store::UsageTotals> byModel;
                for (const store::RollupPoint &p : std::as_const(*models)) {
                    byModel[p.group] += p.totals;
                }
                QJsonArray modelList;
                for (auto it = byModel.cbegin(); it != byModel.cend(); ++it) {
                    QJsonObject m = totalsJson(it.value());
                    m.insert(u"model"_s, it.key());
                    modelList.append(m);
                }
                status = 200;
                body = QJsonDocument(QJsonObject{{u"key"_s, QJsonObject{{u"id"_s, keyId}, {u"name"_s, keyName}}},
                                                 {u"granularity"_s, granularity},
                                                 {u"from"_s, isoTime(fromMs)},
                                                 {u"to"_s, isoTime(now)},
                                                 {u"totals"_s, totalsJson(sum)},
                                                 {u"series"_s, points},
                                                 {u"models"_s, modelList}})
                           .toJson(QJsonDocument::Compact);
            }
        }
        mailbox->post([connection, status, body] {
            if (connection) {
                connection->sendResponse(status, {}, body, "application/json");
            }
        });
    });
}

void RelayWorker::startExchange(http::ClientConnection *c,
                                http::HttpRequest &&request,
                                const RouteMatch &route,
                                const auth::KeyEntry &key)
{
    Exchange::Plan plan;
    if (route.route == Route::Messages || route.route == Route::CountTokens) {
        const bool mappingPossible = std::any_of(m_snapshot->accounts.cbegin(),
                                                 m_snapshot->accounts.cend(),
                                                 [](const auto &a) { return !a->modelMap.isEmpty(); });
        Result<MessagesRequestInfo> inspected = inspectMessagesBody(
            request.body, mappingPossible, route.route == Route::Messages ? &request.headers : nullptr);
        if (!inspected) {
            answerError(c, route.dialect, ErrorKind::InvalidRequest, inspected.error().detail);
            return;
        }
        if (!clientAndServiceAllowed(c, key, route, request, inspected->metadataUserId)) {
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
        // Fast mode is billed only when asked for both ways: the beta and "speed": "fast".
        plan.fastMode =
            inspected->speedFast && http::headerListContains(request.headers, "anthropic-beta", "fast-mode-2026-02-01");
        plan.bodyInfo = std::move(*inspected);
    } else {
        if (!clientAndServiceAllowed(c, key, route, request, std::nullopt)) {
            return;
        }
        if (route.route == Route::ModelById && key.hasModelLists() && !key.mayUseModel(route.param)) {
            // A model the key may not use does not exist for it.
            answerError(
                c, route.dialect, ErrorKind::NotFound, u"model: %1"_s.arg(QString::fromUtf8(route.param.left(200))));
            return;
        }
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
    plan.key = &key; // the snapshot below keeps it alive
    plan.filterModels = route.route == Route::Models && key.hasModelLists();
    // Limits (§7.6 checks 6–10) apply to model calls; count_tokens skips the concurrency slots. The models list
    // costs nothing and is not limited.
    plan.limited = route.route == Route::Messages || route.route == Route::CountTokens;
    plan.rate = key.rate("claude") * m_snapshot->settings.globalRate("claude");
    plan.snapshot = m_snapshot;
    plan.receivedAtMs = http::monotonicMs();
    plan.receivedAtEpochMs = m_config.clock();
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
    up.connectTimeoutMs = m_config.upstreamConnectTimeoutMs;
    up.headersTimeoutMs = m_config.upstreamHeadersTimeoutMs;
    up.idleTimeoutMs = m_config.upstreamIdleTimeoutMs;
    if (account.family != "claude") {
        if (Result<void> filled = fillOpenAIRequest(up, account, plan, creds->apiKey); !filled) {
            return tl::unexpected(filled.error());
        }
        return up;
    }
    up.target = account.upstreamPath(plan.endpointPath);
    if (!request.query.isEmpty() && !plan.anthropicUpstreamForOpenAIClient) {
        up.target += '?' + request.query; // e.g. Claude Code's ?beta=true
    }
    up.headers = upstreamRequestHeaders(request.headers, account.userAgent);
    if (plan.anthropicUpstreamForOpenAIClient && http::headerValue(up.headers, "anthropic-version").isEmpty()) {
        up.headers.append({QByteArrayLiteral("anthropic-version"), QByteArrayLiteral("2023-06-01")}); // bridged
    }
    if (account.kind == providers::AccountKind::ClaudeOAuth) {
        addSubscriptionHeaders(up, creds->apiKey);
    } else {
        up.headers.append(providers::credentialHeader(creds->apiKey));
    }
    // Shared, not copied: another attempt may need it again. A bridged request sends its converted body.
    const QByteArray &body = plan.convertedBody.isEmpty() ? request.body : plan.convertedBody;
    up.body = body;
    if (plan.bodyInfo) {
        const QByteArray upstreamModel = account.mapModel(plan.requestModel);
        if (upstreamModel != plan.requestModel && plan.bodyInfo->modelOffset >= 0) {
            up.body = replaceModel(body, *plan.bodyInfo, upstreamModel); // the only rewrite
        }
    }
    return up;
}

} // namespace rd::relay
