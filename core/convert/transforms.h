// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/convert/bridge.h"

#include <QJsonObject>

#include <memory>

namespace rd::convert {

// The bridges makeTransform() hands out, one factory per pair. Internal to core/convert.
std::unique_ptr<BodyTransform> makeAnthropicStreamToChatStream(const TransformOptions &options);
std::unique_ptr<BodyTransform> makeAnthropicJsonToChatJson(const TransformOptions &options);
std::unique_ptr<BodyTransform> makeResponsesStreamToChatStream(const TransformOptions &options);
// Collects the stream; `to` is ChatJson or ResponsesJson.
std::unique_ptr<BodyTransform> makeResponsesStreamToJson(const TransformOptions &options, ClientFormat to);
std::unique_ptr<BodyTransform> makeResponsesJsonToChatJson(const TransformOptions &options);

// One JSON answer, buffered and converted to a chat.completion when the body is complete. `errorOf` returns the
// OpenAI error object the answer stands for (empty: it is a success), `toChat` converts a success. Not JSON → a 502
// OpenAI error body. Serves both JSON bridges.
using AnswerErrorOf = QJsonObject (*)(const QJsonObject &answer);
using AnswerToChat = QJsonObject (*)(const QJsonObject &answer, const TransformOptions &options);
std::unique_ptr<BodyTransform>
makeJsonAnswerToChat(const TransformOptions &options, AnswerErrorOf errorOf, AnswerToChat toChat);

// One Anthropic message object → one chat.completion object.
QJsonObject anthropicMessageToChat(const QJsonObject &message, const TransformOptions &options);
// One Responses `response` object → one chat.completion object.
QJsonObject responsesObjectToChat(const QJsonObject &response, const TransformOptions &options);

} // namespace rd::convert
