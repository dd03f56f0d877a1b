// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/util/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QJsonObject>

#include <memory>

namespace rd::convert {

// Format bridges (PROTOCOLS.md §3.9): a client speaking OpenAI Chat Completions served by an Anthropic Messages or an
// OpenAI Responses upstream. Requests are converted whole (they are small and must be rewritten anyway); answers are
// converted as they stream past, event by event, never buffered whole unless the client asked for one JSON answer.

// What the upstream sends back.
enum class UpstreamFormat
{
    AnthropicStream, // SSE of §3.1
    AnthropicJson,   // one Messages JSON object
    ResponsesStream, // SSE of §3.3 (also the ChatGPT backend, §3.4)
    ResponsesJson,   // one Responses JSON object
};

// What the client asked for.
enum class ClientFormat
{
    ChatStream,    // chat.completion.chunk `data:` lines ending in `data: [DONE]`
    ChatJson,      // one chat.completion object
    ResponsesJson, // one Responses object (the `response` of response.completed): a non-stream client on a
                   // stream-only upstream (the ChatGPT backend)
};

// Facts of the request that shape the answer.
struct TransformOptions
{
    QByteArray model; // the model the client asked for: chunks and objects carry it when the upstream's is absent
    bool includeUsage = false; // ChatStream: the client sent stream_options.include_usage → a final usage chunk
    QHash<QByteArray, QByteArray> toolNames; // Responses: shortened tool name → the client's original name
    QByteArray id;                           // the chat id every chunk/object carries; empty → "chatcmpl-<random>"
    qint64 created = 0;                      // the `created` epoch seconds; 0 → now
};

// Upstream body → client body, chunk by chunk. One per attempt, used on one thread.
class BodyTransform
{
public:
    virtual ~BodyTransform() = default;
    // Appends to `out` what the client can be sent now (possibly nothing). Partial lines/events are carried over.
    virtual void feed(QByteArrayView upstream, QByteArray &out) = 0;
    // The upstream body ended normally: appends the rest (a JSON answer, `data: [DONE]`, …).
    virtual void finish(QByteArray &out) = 0;
    // The content type of what the client gets: "text/event-stream" or "application/json".
    virtual QByteArray contentType() const = 0;
    // True once the upstream stream carried an error (Anthropic `event: error`, `response.failed`, `error`): the
    // converted in-band error was already emitted and no `[DONE]` follows.
    virtual bool sawError() const = 0;
};

// nullptr when the pair is not a bridge this relay has (e.g. AnthropicJson → ResponsesJson).
std::unique_ptr<BodyTransform> makeTransform(UpstreamFormat from, ClientFormat to, const TransformOptions &options);

// A converted request body and the facts the relay needs about it.
struct ConvertedRequest
{
    QByteArray body;                         // compact JSON for the upstream
    QByteArray model;                        // the model named in the body
    bool stream = false;                     // what the upstream body asks for
    bool includeUsage = false;               // the client asked for stream_options.include_usage
    QHash<QByteArray, QByteArray> toolNames; // shortened → original (Responses: names over 64 characters)
};

// OpenAI Chat → Anthropic Messages (§3.9 table). `stream` follows the client. InvalidArgument with an English message
// for what a client must fix (no messages, a message without role, unparsable tool arguments, …).
[[nodiscard]] Result<ConvertedRequest> chatToAnthropic(const QJsonObject &chat, int defaultMaxTokens = 4096);
// OpenAI Chat → Responses (§3.9): always `stream:true` upstream (the ChatGPT backend is stream-only), `store:false`.
[[nodiscard]] Result<ConvertedRequest> chatToResponses(const QJsonObject &chat);

// An Anthropic error answer (status, body) → OpenAI error JSON (§2.1, §2.2 type/code by status), message kept.
QByteArray anthropicErrorToOpenAI(int status, QByteArrayView anthropicBody);

} // namespace rd::convert
