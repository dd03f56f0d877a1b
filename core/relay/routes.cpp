// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/routes.h"

#include <utility>

namespace rd::relay {

namespace {
// "/api" and "/claude" are equivalent prefixes; "/api/claude" and "/claude/claude" are aliases the reference relay
// served.
QByteArrayView stripAnthropicPrefix(QByteArrayView path)
{
    for (const char *prefix : {"/api/claude", "/claude/claude", "/api", "/claude"}) {
        const QByteArrayView p(prefix);
        if (path.startsWith(p) && (path.size() == p.size() || path[p.size()] == '/')) {
            return path.sliced(p.size());
        }
    }
    return {};
}

QByteArrayView trimTrailingSlash(QByteArrayView path)
{
    return path.size() > 1 && path.endsWith('/') ? path.chopped(1) : path;
}

// "/v1/models/{id}" → id (no further slash); empty otherwise.
QByteArrayView modelIdIn(QByteArrayView rest)
{
    if (rest.startsWith("/v1/models/") && rest.size() > 11 && !rest.sliced(11).contains('/')) {
        return rest.sliced(11);
    }
    return {};
}

struct OpenAIRow
{
    const char *path; // exact, after trimming a trailing slash
    bool post;        // POST, else GET
    Route route;
};

// The fixed OpenAI-dialect paths (PROTOCOLS.md §1.3, §1.5). Model-by-id paths are matched after this table.
constexpr OpenAIRow kOpenAIRoutes[] = {
    {"/openai/responses", true, Route::Responses},
    {"/openai/v1/responses", true, Route::Responses},
    {"/openai/responses/compact", true, Route::ResponsesCompact},
    {"/openai/v1/responses/compact", true, Route::ResponsesCompact},
    {"/openai/v1/chat/completions", true, Route::Chat},
    {"/openai/v1/models", false, Route::OpenAIModels},
    {"/openai/claude/v1/chat/completions", true, Route::ClaudeChat},
    {"/openai/claude/v1/models", false, Route::ClaudeChatModels},
    {"/azure/chat/completions", true, Route::AzureChat},
    {"/azure/responses", true, Route::AzureResponses},
    {"/azure/embeddings", true, Route::AzureEmbeddings},
    {"/azure/models", false, Route::AzureModels},
};

void matchOpenAI(QByteArrayView path, bool get, bool post, RouteMatch &m)
{
    for (const OpenAIRow &row : kOpenAIRoutes) {
        if (path == row.path) {
            m.route = (row.post ? post : get) ? row.route : Route::NotFound;
            return;
        }
    }
    for (const auto &[prefix, route] :
         {std::pair{"/openai/claude", Route::ClaudeChatModelById}, std::pair{"/openai", Route::OpenAIModelById}}) {
        const QByteArrayView p(prefix);
        if (path.startsWith(p)) {
            const QByteArrayView id = modelIdIn(path.sliced(p.size()));
            if (!id.isEmpty()) {
                m.route = get ? route : Route::NotFound;
                m.param = id.toByteArray();
            }
            return;
        }
    }
}
} // namespace

RouteMatch matchRoute(QByteArrayView method, QByteArrayView rawPath)
{
    const QByteArrayView path = trimTrailingSlash(rawPath);
    RouteMatch m;
    m.dialect = dialectForPath(path);
    const bool get = method == "GET";
    const bool post = method == "POST";
    const bool head = method == "HEAD";

    if (path == "/health") {
        m.route = (get || head) ? Route::Health : Route::NotFound;
        return m;
    }
    if (m.dialect == Dialect::OpenAI) {
        matchOpenAI(path, get, post, m);
        return m;
    }
    if (m.dialect != Dialect::Anthropic) {
        return m; // a later issue: Gemini routes
    }
    const QByteArrayView rest = stripAnthropicPrefix(path);
    if (rest.isEmpty()) {
        return m;
    }
    if (rest == "/v1/chat/completions") {
        // The unified chat route is also served under /api (the reference relay's alias); it speaks OpenAI.
        m.dialect = Dialect::OpenAI;
        m.route = post ? Route::Chat : Route::NotFound;
    } else if (rest == "/v1/messages") {
        m.route = post ? Route::Messages : Route::NotFound;
    } else if (rest == "/v1/messages/count_tokens") {
        m.route = post ? Route::CountTokens : Route::NotFound;
    } else if (rest == "/v1/models") {
        m.route = get ? Route::Models : Route::NotFound;
    } else if (const QByteArrayView id = modelIdIn(rest); !id.isEmpty()) {
        m.route = get ? Route::ModelById : Route::NotFound;
        m.param = id.toByteArray();
    } else if (rest == "/api/event_logging/batch") {
        m.route = post ? Route::Telemetry : Route::NotFound;
    } else if (rest == "/api/hello") {
        m.route = (get || head) ? Route::Hello : Route::NotFound;
    } else if (path.startsWith("/api/") && get) {
        // Key self-service routes exist under /api only.
        if (rest == "/v1/key-info") {
            m.route = Route::KeyInfo;
        } else if (rest == "/v1/usage") {
            m.route = Route::Usage;
        } else if (rest == "/v1/key-stats") {
            m.route = Route::KeyStats;
        } else if (rest == "/v1/me") {
            m.route = Route::Me;
        } else if (rest.size() > 24 && rest.startsWith("/v1/organizations/") && rest.endsWith("/usage")) {
            const QByteArrayView org = rest.sliced(18, rest.size() - 18 - 6);
            if (!org.isEmpty() && !org.contains('/')) {
                m.route = Route::OrgUsage;
                m.param = org.toByteArray();
            }
        }
    }
    return m;
}

const char *routeName(Route route)
{
    switch (route) {
    case Route::Messages:
        return "anthropic.messages";
    case Route::CountTokens:
        return "anthropic.count_tokens";
    case Route::Models:
        return "anthropic.models";
    case Route::ModelById:
        return "anthropic.model";
    case Route::KeyInfo:
        return "key-info";
    case Route::Usage:
        return "usage";
    case Route::KeyStats:
        return "key-stats";
    case Route::Me:
        return "me";
    case Route::OrgUsage:
        return "organization-usage";
    case Route::Telemetry:
        return "telemetry";
    case Route::Hello:
        return "hello";
    case Route::Health:
        return "health";
    case Route::Responses:
        return "openai.responses";
    case Route::ResponsesCompact:
        return "openai.responses.compact";
    case Route::OpenAIModels:
        return "openai.models";
    case Route::OpenAIModelById:
        return "openai.model";
    case Route::Chat:
        return "openai.chat";
    case Route::ClaudeChat:
        return "openai.claude.chat";
    case Route::ClaudeChatModels:
        return "openai.claude.models";
    case Route::ClaudeChatModelById:
        return "openai.claude.model";
    case Route::AzureChat:
        return "azure.chat";
    case Route::AzureResponses:
        return "azure.responses";
    case Route::AzureEmbeddings:
        return "azure.embeddings";
    case Route::AzureModels:
        return "azure.models";
    case Route::NotFound:
        break;
    }
    return "not-found";
}

} // namespace rd::relay
