// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/relay/dialect.h"

#include <QByteArray>

namespace rd::relay {

enum class Route
{
    NotFound,
    Messages,    // POST …/v1/messages
    CountTokens, // POST …/v1/messages/count_tokens
    Models,      // GET …/v1/models
    ModelById,   // GET …/v1/models/{id}
    KeyInfo,     // GET /api/v1/key-info
    Usage,       // GET /api/v1/usage
    KeyStats,    // GET /api/v1/key-stats: the key holder's own statistics (rollups)
    Me,          // GET /api/v1/me
    OrgUsage,    // GET /api/v1/organizations/{id}/usage
    Telemetry,   // POST /api/api/event_logging/batch (no auth)
    Hello,       // HEAD|GET /api/api/hello (no auth)
    Health,      // GET /health (no auth)
    // OpenAI dialect (PROTOCOLS.md §1.3, §1.5)
    Responses,        // POST /openai/responses, /openai/v1/responses → the OpenAI pool
    ResponsesCompact, // POST /openai/responses/compact, /openai/v1/responses/compact
    OpenAIModels,     // GET /openai/v1/models: what the OpenAI-dialect routes can serve (OpenAI shape)
    OpenAIModelById,  // GET /openai/v1/models/{id}
    Chat,             // POST /openai/v1/chat/completions, /api/v1/chat/completions: backend chosen by model
    ClaudeChat,       // POST /openai/claude/v1/chat/completions: always the Claude pool, converted
    ClaudeChatModels, // GET /openai/claude/v1/models (OpenAI shape)
    ClaudeChatModelById,
    AzureChat,       // POST /azure/chat/completions → Azure OpenAI accounts
    AzureResponses,  // POST /azure/responses
    AzureEmbeddings, // POST /azure/embeddings
    AzureModels,     // GET /azure/models
};

struct RouteMatch
{
    Route route = Route::NotFound;
    Dialect dialect = Dialect::Anthropic;
    QByteArray param; // model id for ModelById, organization id for OrgUsage
    bool needsKey() const { return route != Route::Telemetry && route != Route::Hello && route != Route::Health; }
};

// (method, percent-decoded path) → handler and dialect. The table is in routes.cpp; tests cover every row.
RouteMatch matchRoute(QByteArrayView method, QByteArrayView path);
const char *routeName(Route route); // "anthropic.messages" … for usage rows and logs

} // namespace rd::relay
