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

// The body with the model string token replaced; every other byte unchanged.
QByteArray replaceModel(const QByteArray &body, const MessagesRequestInfo &info, const QByteArray &newModel);

} // namespace rd::relay
