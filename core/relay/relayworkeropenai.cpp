// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAI-dialect routes of RelayWorker (PROTOCOLS.md §1.3, §1.5): Responses and Codex, the unified and the Claude
// chat routes (bridged, §3.9), the Azure routes, and the upstream requests of OpenAI and Azure accounts (§3.4, §3.7,
// §4.1).
#include "core/convert/bridge.h"
#include "core/relay/dialect.h"
#include "core/relay/forwarding.h"
#include "core/relay/messagesrequest.h"
#include "core/relay/relayworker.h"
#include "core/scheduling/upstreamverdict.h"
#include "core/usage/pricing.h"
#include "core/util/logging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace rd::relay {

namespace {
// What a route asks of the pools.
struct OpenAIRouteFacts
{
    QByteArray family; // scheduler family; empty = chosen by the model (the unified chat route)
    UpstreamApi api = UpstreamApi::Responses;
    OpenAIBodyKind body = OpenAIBodyKind::Responses;
    bool chat = false; // the client speaks Chat Completions
};

OpenAIRouteFacts factsFor(Route route)
{
    switch (route) {
    case Route::Responses:
        return {"openai", UpstreamApi::Responses, OpenAIBodyKind::Responses, false};
    case Route::ResponsesCompact:
        return {"openai", UpstreamApi::ResponsesCompact, OpenAIBodyKind::Responses, false};
    case Route::Chat:
        return {QByteArray(), UpstreamApi::Responses, OpenAIBodyKind::Chat, true};
    case Route::ClaudeChat:
        return {"claude", UpstreamApi::AnthropicMessages, OpenAIBodyKind::Chat, true};
    case Route::AzureChat:
        return {"azure", UpstreamApi::ChatCompletions, OpenAIBodyKind::Chat, false};
    case Route::AzureResponses:
        return {"azure", UpstreamApi::Responses, OpenAIBodyKind::Responses, false};
    case Route::AzureEmbeddings:
    default:
        return {"azure", UpstreamApi::Embeddings, OpenAIBodyKind::Embeddings, false};
    }
}

// The unified chat route picks the pool by the model's name (PROTOCOLS.md §1.3); empty = no pool serves it.
QByteArray familyForChatModel(QByteArrayView model)
{
    const QByteArray m = model.toByteArray().toLower();
    if (m.startsWith("claude")) {
        return "claude";
    }
    if (m.startsWith("gpt-") || m.startsWith("codex") || m.startsWith("chatgpt-")
        || (m.size() > 1 && m.at(0) == 'o' && m.at(1) >= '0' && m.at(1) <= '9')) {
        return "openai";
    }
    return {};
}

// The key permission (§7.6 check 4) and the rate service (§7.9) of a scheduler family.
QByteArray permissionFor(QByteArrayView family)
{
    return family.toByteArray();
}

QByteArray rateServiceFor(QByteArrayView family)
{
    return family == "openai" ? QByteArrayLiteral("codex") : family.toByteArray();
}

bool isCodexClient(const http::HttpRequest &request)
{
    const QByteArray agent = request.header("user-agent");
    return agent.startsWith("codex_") || !request.header("originator").isEmpty();
}

QJsonObject modelEntry(const QString &id, const QString &owner)
{
    return QJsonObject{{u"id"_s, id}, {u"object"_s, u"model"_s}, {u"created"_s, 1754000000}, {u"owned_by"_s, owner}};
}
} // namespace

void RelayWorker::startOpenAIExchange(http::ClientConnection *c,
                                      http::HttpRequest &&request,
                                      const RouteMatch &route,
                                      const auth::KeyEntry &key)
{
    const OpenAIRouteFacts facts = factsFor(route.route);
    Result<OpenAIRequestInfo> inspected = inspectOpenAIBody(request.body, facts.body, request.headers);
    if (!inspected) {
        answerError(c, Dialect::OpenAI, ErrorKind::InvalidRequest, inspected.error().detail);
        return;
    }
    Exchange::Plan plan;
    plan.family = facts.family.isEmpty() ? familyForChatModel(inspected->model) : facts.family;
    if (plan.family.isEmpty()) {
        answerError(c,
                    Dialect::OpenAI,
                    ErrorKind::ModelNotFound,
                    u"The model '%1' does not exist or no account serves it"_s.arg(
                        QString::fromUtf8(inspected->model.left(200))));
        return;
    }
    if (!clientAndServiceAllowed(c, key, route, request, std::nullopt, permissionFor(plan.family))) {
        return;
    }
    if (!inspected->model.isEmpty() && !key.mayUseModel(inspected->model)) {
        c->sendResponse(
            403,
            {},
            errorBody(Dialect::OpenAI,
                      ErrorKind::Permission,
                      u"This API key may not use the model '%1'"_s.arg(QString::fromUtf8(inspected->model.left(200))),
                      c->requestId(),
                      "model_not_allowed",
                      {}),
            "application/json");
        return;
    }
    plan.clientStream = inspected->stream;
    plan.sessionKey = inspected->sessionKey;
    plan.requestModel = inspected->model;
    plan.api = facts.api;
    plan.transform.model = inspected->model;
    plan.transform.includeUsage = inspected->includeUsage;
    if (facts.chat && plan.family != "azure") {
        // A Chat client on an Anthropic or a Responses upstream: the request is converted whole, the answer as it
        // streams (§3.9).
        const QJsonObject chat = QJsonDocument::fromJson(request.body).object();
        const bool toClaude = plan.family == "claude";
        Result<convert::ConvertedRequest> converted =
            toClaude ? convert::chatToAnthropic(chat) : convert::chatToResponses(chat);
        if (!converted) {
            answerError(c, Dialect::OpenAI, ErrorKind::InvalidRequest, converted.error().detail);
            return;
        }
        plan.convertedBody = std::move(converted->body);
        plan.transform.toolNames = std::move(converted->toolNames);
        plan.convertTo = plan.clientStream ? convert::ClientFormat::ChatStream : convert::ClientFormat::ChatJson;
        if (toClaude) {
            Result<MessagesRequestInfo> info = inspectMessagesBody(plan.convertedBody, true);
            if (!info) {
                answerError(c, Dialect::OpenAI, ErrorKind::Internal, u"The converted request is not valid"_s);
                return;
            }
            plan.api = UpstreamApi::AnthropicMessages;
            plan.bodyInfo = std::move(*info);
            plan.anthropicUpstreamForOpenAIClient = true;
            plan.endpointPath = "/v1/messages";
        } else {
            Result<OpenAIRequestInfo> info =
                inspectOpenAIBody(plan.convertedBody, OpenAIBodyKind::Responses, http::HeaderList());
            if (!info) {
                answerError(c, Dialect::OpenAI, ErrorKind::Internal, u"The converted request is not valid"_s);
                return;
            }
            plan.api = UpstreamApi::Responses;
            plan.openaiInfo = std::move(*info);
        }
    } else {
        plan.openaiInfo = std::move(*inspected);
        if (plan.api == UpstreamApi::ChatCompletions && plan.clientStream && !plan.transform.includeUsage) {
            // Usage comes only with include_usage: ask for it, and keep its chunk from the client (§3.2).
            QJsonObject body = QJsonDocument::fromJson(request.body).object();
            QJsonObject options = body.value(u"stream_options"_s).toObject();
            options.insert(u"include_usage"_s, true);
            body.insert(u"stream_options"_s, options);
            plan.convertedBody = QJsonDocument(body).toJson(QJsonDocument::Compact);
            plan.dropUsageChunk = true;
            Result<OpenAIRequestInfo> info =
                inspectOpenAIBody(plan.convertedBody, OpenAIBodyKind::Chat, http::HeaderList());
            if (info) {
                info->sessionKey = plan.sessionKey;
                plan.openaiInfo = std::move(*info);
            }
        }
    }
    plan.codexClient = isCodexClient(request);
    plan.modelFamily = scheduling::modelFamily(plan.requestModel);
    plan.recordUsage = true;
    plan.limited = true;
    plan.route = route.route;
    plan.dialect = Dialect::OpenAI;
    plan.keyId = key.id;
    plan.keyLogId = key.logId;
    plan.keyBinding = key.bindingFor(plan.family);
    plan.keyIsOwner = key.isOwner;
    plan.key = &key;
    const QByteArray rateService = rateServiceFor(plan.family);
    plan.rate = key.rate(rateService) * m_snapshot->settings.globalRate(rateService);
    plan.snapshot = m_snapshot;
    plan.receivedAtMs = http::monotonicMs();
    plan.receivedAtEpochMs = m_config.clock();
    plan.request = std::move(request);
    auto *exchange = new Exchange(this, c, std::move(plan));
    exchange->start();
}

void RelayWorker::serveOpenAIModels(http::ClientConnection *c,
                                    const RouteMatch &route,
                                    const http::HttpRequest &request,
                                    const auth::KeyEntry &key)
{
    // The models the OpenAI-dialect routes can serve, in OpenAI's shape (§1.3): per pool, the mapped names of its
    // accounts, or — when an account maps nothing and so serves every model — the price table's models of that
    // provider. Minus what the key may not use.
    QList<QByteArray> families;
    switch (route.route) {
    case Route::ClaudeChatModels:
    case Route::ClaudeChatModelById:
        families = {"claude"};
        break;
    case Route::AzureModels:
        families = {"azure"};
        break;
    default:
        families = {"openai", "claude"};
        break;
    }
    // The route's own service decides the permission (the unified list also shows the Claude models it routes).
    if (!clientAndServiceAllowed(c, key, route, request, std::nullopt, permissionFor(families.constFirst()))) {
        return;
    }
    const std::shared_ptr<const usage::PriceTable> prices = m_shared->prices.load(std::memory_order_acquire);
    const usage::PriceTable &table = prices ? *prices : *usage::PriceTable::builtIn();
    QSet<QByteArray> seen;
    QJsonArray data;
    auto add = [&](const QByteArray &id, const QString &owner) {
        if (!id.isEmpty() && !seen.contains(id) && key.mayUseModel(id)) {
            seen.insert(id);
            data.append(modelEntry(QString::fromUtf8(id), owner));
        }
    };
    for (const QByteArray &family : std::as_const(families)) {
        const QString owner = family == "claude" ? u"anthropic"_s : family == "azure" ? u"azure"_s : u"openai"_s;
        bool everyModel = false;
        for (const auto &account : m_snapshot->accounts) {
            if (account->family != family || !account->isUsable()) {
                continue;
            }
            if (family == "azure") {
                add(account->extra.azureDeployment.toUtf8(), owner);
                continue;
            }
            if (account->modelMap.isEmpty()) {
                everyModel = true;
            }
            for (auto it = account->modelMap.cbegin(); it != account->modelMap.cend(); ++it) {
                add(it.key(), owner);
            }
        }
        if (everyModel) {
            for (const QByteArray &id : table.modelIds()) {
                if (!id.contains('/') && familyForChatModel(id) == family) {
                    add(id, owner);
                }
            }
        }
    }
    if (route.route == Route::OpenAIModelById || route.route == Route::ClaudeChatModelById) {
        for (const QJsonValue &entry : std::as_const(data)) {
            if (entry.toObject().value(u"id"_s).toString().toUtf8() == route.param) {
                answerJson(c, 200, QJsonDocument(entry.toObject()).toJson(QJsonDocument::Compact));
                return;
            }
        }
        c->sendResponse(404,
                        {},
                        errorBody(Dialect::OpenAI,
                                  ErrorKind::ModelNotFound,
                                  u"The model '%1' does not exist"_s.arg(QString::fromUtf8(route.param.left(200))),
                                  c->requestId(),
                                  "model_not_found",
                                  {}),
                        "application/json");
        return;
    }
    answerJson(
        c, 200, QJsonDocument(QJsonObject{{u"object"_s, u"list"_s}, {u"data"_s, data}}).toJson(QJsonDocument::Compact));
}

namespace {
// {base path}/v1/responses — or /responses when the base already ends in /v1 (PROTOCOLS.md §4.1).
QByteArray responsesApiPath(const QByteArray &basePath, UpstreamApi api)
{
    QByteArray path = basePath + QByteArrayView(basePath.endsWith("/v1") ? "/responses" : "/v1/responses");
    if (api == UpstreamApi::ResponsesCompact) {
        path += "/compact";
    }
    return path;
}

// The ChatGPT backend's body rules (§3.4): store false (removed on compact), always a stream; other clients than Codex
// lose the sampling fields the backend does not accept. The model is the account's mapping of the client's.
QByteArray codexBackendBody(const QByteArray &body, UpstreamApi api, const QByteArray &model, bool codexClient)
{
    QJsonObject o = QJsonDocument::fromJson(body).object();
    if (api == UpstreamApi::ResponsesCompact) {
        o.remove(u"store"_s);
        o.remove(u"stream"_s);
    } else {
        o.insert(u"store"_s, false);
        o.insert(u"stream"_s, true);
    }
    if (!codexClient) {
        for (const char16_t *field : {u"temperature",
                                      u"top_p",
                                      u"max_output_tokens",
                                      u"user",
                                      u"truncation",
                                      u"service_tier",
                                      u"max_tokens",
                                      u"metadata"}) {
            o.remove(QString::fromUtf16(field));
        }
    }
    if (!model.isEmpty()) {
        o.insert(u"model"_s, QString::fromUtf8(model));
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

const char *azureOperation(UpstreamApi api)
{
    switch (api) {
    case UpstreamApi::ChatCompletions:
        return "chat/completions";
    case UpstreamApi::Embeddings:
        return "embeddings";
    default:
        return "responses";
    }
}
} // namespace

Result<void> RelayWorker::fillOpenAIRequest(http::UpstreamRequest &up,
                                            const providers::ConsoleAccount &account,
                                            const Exchange::Plan &plan,
                                            const SecretBytes &secret) const
{
    const QByteArray &body = plan.convertedBody.isEmpty() ? plan.request.body : plan.convertedBody;
    const QByteArray mapped = account.mapModel(plan.requestModel);
    const bool located = plan.openaiInfo && plan.openaiInfo->modelOffset >= 0 && plan.openaiInfo->modelLength > 1;
    up.headers = upstreamRequestHeaders(plan.request.headers, account.userAgent);
    up.body = body;
    switch (account.kind) {
    case providers::AccountKind::OpenAIResponses:
        up.target = responsesApiPath(account.basePath, plan.api);
        up.headers.append({QByteArrayLiteral("authorization"), "Bearer " + secret.expose().toByteArray()});
        if (mapped != plan.requestModel && located) {
            up.body = replaceModel(body, plan.openaiInfo->modelOffset, plan.openaiInfo->modelLength, mapped);
        }
        break;
    case providers::AccountKind::OpenAIOAuth:
        up.target = QByteArray(account.basePath)
                    + (plan.api == UpstreamApi::ResponsesCompact ? "/responses/compact" : "/responses");
        up.headers.append({QByteArrayLiteral("authorization"), "Bearer " + secret.expose().toByteArray()});
        up.headers.append({QByteArrayLiteral("chatgpt-account-id"), account.extra.chatgptAccountId.toUtf8()});
        if (plan.api != UpstreamApi::ResponsesCompact) {
            http::setHeader(up.headers, "accept", QByteArrayLiteral("text/event-stream"));
        }
        up.body = codexBackendBody(body, plan.api, mapped, plan.codexClient);
        break;
    case providers::AccountKind::AzureOpenAI: {
        const QByteArray deployment = account.extra.azureDeployment.toUtf8();
        const QByteArray version = account.extra.azureApiVersion.toUtf8();
        const QByteArray op = azureOperation(plan.api);
        if (version.isEmpty()) {
            up.target = account.basePath + "/openai/v1/" + op; // the v1 API: the model names the deployment
        } else if (plan.api == UpstreamApi::Responses) {
            up.target = account.basePath + "/openai/responses?api-version=" + version;
        } else {
            up.target = account.basePath + "/openai/deployments/" + deployment + '/' + op + "?api-version=" + version;
        }
        up.headers.append({QByteArrayLiteral("api-key"), secret.expose().toByteArray()});
        if (located && plan.requestModel != deployment) {
            up.body = replaceModel(body, plan.openaiInfo->modelOffset, plan.openaiInfo->modelLength, deployment);
        }
        break;
    }
    default:
        return fail(ErrorCode::Internal, u"not an OpenAI or Azure account"_s);
    }
    return {};
}

} // namespace rd::relay
