// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"
#include "core/util/result.h"

#include <QByteArray>

#include <optional>

namespace rd::relay {

// What routing needs from an Anthropic Messages body, read with simdjson without re-serialising anything.
struct MessagesRequestInfo
{
    QByteArray model;
    bool stream = false;
    qsizetype modelOffset = -1; // byte offset of the model's JSON string token (opening quote) in the body
    qsizetype modelLength = 0;  // length of that token, quotes included
    QByteArray sessionKey;      // the sticky-session key (PROTOCOLS.md §7.1) when asked for; empty = none
    std::optional<QByteArray> metadataUserId; // metadata.user_id when it is a string (client recognition, §6.6)
    bool speedFast = false;                   // "speed": "fast" (fast mode, with its beta: PROTOCOLS.md §7.9)
};

// Validates the body (an object; `messages` a non-empty array; `model` a string) and finds model and stream.
// locateModel also finds the model token's position (for replaceModel). ErrorCode::BadRequest on failure.
// A body with SIMDJSON_PADDING bytes of spare capacity (RequestParser guarantees it) is parsed in place.
// sessionHeaders, when given, asks for the sticky-session key too, from the same parse.
[[nodiscard]] Result<MessagesRequestInfo>
inspectMessagesBody(const QByteArray &body, bool locateModel = false, const http::HeaderList *sessionHeaders = nullptr);

// OpenAI-dialect bodies (Responses, Chat Completions, Embeddings): what routing needs, from one simdjson parse.
enum class OpenAIBodyKind
{
    Responses,  // `model` required; `input` a string or an array when present
    Chat,       // `model` required; `messages` a non-empty array (PROTOCOLS.md §1.3 message)
    Embeddings, // `input` required; `model` optional (Azure: the deployment decides)
};
struct OpenAIRequestInfo
{
    QByteArray model;
    bool stream = false;
    bool includeUsage = false;  // stream_options.include_usage
    qsizetype modelOffset = -1; // as in MessagesRequestInfo (for replaceModel)
    qsizetype modelLength = 0;
    QByteArray sessionKey; // sha256 hex of the first of the session-id / session_id / x-session-id headers, body
                           // session_id, conversation_id, prompt_cache_key (PROTOCOLS.md §7.1); empty = none
};
[[nodiscard]] Result<OpenAIRequestInfo>
inspectOpenAIBody(const QByteArray &body, OpenAIBodyKind kind, const http::HeaderList &headers);

// The body with the model string token replaced; every other byte unchanged.
QByteArray replaceModel(const QByteArray &body, const MessagesRequestInfo &info, const QByteArray &newModel);
QByteArray
replaceModel(const QByteArray &body, qsizetype modelOffset, qsizetype modelLength, const QByteArray &newModel);

} // namespace rd::relay
