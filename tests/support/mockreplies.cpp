// SPDX-License-Identifier: GPL-3.0-or-later
// MockUpstream's reply builders and its default Anthropic answers (PROTOCOLS §3.1). JSON is assembled by hand so the
// field order matches the documented examples byte for byte (QJsonObject would sort the keys).
#include "tests/support/mockreplyparts.h"
#include "tests/support/mockupstream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>

using namespace Qt::StringLiterals;

namespace rd::test {

namespace detail {

namespace {
std::atomic<int> g_idCounter{0};
} // namespace

QByteArray nextId(const char *prefix)
{
    return QByteArray(prefix) + QByteArray::number(++g_idCounter).rightJustified(6, '0');
}

MockReply sseReply(const QList<QByteArray> &events, int delayMs)
{
    MockReply reply;
    reply.sse = true;
    reply.contentType = "text/event-stream; charset=utf-8";
    for (qsizetype i = 0; i < events.size(); ++i) {
        reply.events.append({i == 0 ? 0 : delayMs, events[i]});
    }
    return reply;
}

MockReply jsonReply(const QByteArray &body)
{
    MockReply reply;
    reply.body = body;
    return reply;
}

} // namespace detail

namespace {

using detail::jsonReply;
using detail::nextId;
using detail::num;
using detail::sseReply;

struct Usage
{
    int input = 0;
    int output = 0;
    int cacheRead = 0;
    int cache5m = 0;
    int cache1h = 0;
};

// Full usage object of a message (and of message_start, with output_tokens 1 there).
QByteArray usageJson(const Usage &u, int output, bool serviceTier)
{
    QByteArray json = "{\"input_tokens\":" + num(u.input) + ",\"cache_creation_input_tokens\":"
                      + num(u.cache5m + u.cache1h) + ",\"cache_read_input_tokens\":" + num(u.cacheRead)
                      + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":" + num(u.cache5m)
                      + ",\"ephemeral_1h_input_tokens\":" + num(u.cache1h) + "},\"output_tokens\":" + num(output);
    if (serviceTier) {
        json += ",\"service_tier\":\"standard\"";
    }
    return json + '}';
}

QByteArray messageStart(const QByteArray &model, const Usage &u)
{
    return MockUpstream::sseEvent(
        "message_start",
        "{\"type\":\"message_start\",\"message\":{\"id\":" + MockUpstream::jsonString(nextId("msg_01Mock"))
            + ",\"type\":\"message\",\"role\":\"assistant\",\"model\":" + MockUpstream::jsonString(model)
            + ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
            + usageJson(u, qMin(u.output, 1), false) + "}}");
}

QByteArray blockStart(int index, const QByteArray &block)
{
    return MockUpstream::sseEvent("content_block_start",
                                  "{\"type\":\"content_block_start\",\"index\":" + num(index)
                                      + ",\"content_block\":" + block + '}');
}

QByteArray blockDelta(int index, const QByteArray &delta)
{
    return MockUpstream::sseEvent("content_block_delta",
                                  "{\"type\":\"content_block_delta\",\"index\":" + num(index) + ",\"delta\":" + delta
                                      + '}');
}

QByteArray blockStop(int index)
{
    return MockUpstream::sseEvent("content_block_stop",
                                  "{\"type\":\"content_block_stop\",\"index\":" + num(index) + '}');
}

QByteArray ping()
{
    return MockUpstream::sseEvent("ping", "{\"type\":\"ping\"}");
}

QByteArray messageDelta(const QByteArray &stopReason, const Usage &u)
{
    return MockUpstream::sseEvent(
        "message_delta",
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":" + MockUpstream::jsonString(stopReason)
            + ",\"stop_sequence\":null},\"usage\":{\"input_tokens\":" + num(u.input)
            + ",\"cache_creation_input_tokens\":" + num(u.cache5m + u.cache1h)
            + ",\"cache_read_input_tokens\":" + num(u.cacheRead) + ",\"output_tokens\":" + num(u.output) + "}}");
}

QByteArray messageStop()
{
    return MockUpstream::sseEvent("message_stop", "{\"type\":\"message_stop\"}");
}

QByteArray textDelta(const QByteArray &text)
{
    return "{\"type\":\"text_delta\",\"text\":" + MockUpstream::jsonString(text) + '}';
}

QByteArray modelJson(const QByteArray &id, const QByteArray &displayName, const QByteArray &created)
{
    return "{\"type\":\"model\",\"id\":" + MockUpstream::jsonString(id)
           + ",\"display_name\":" + MockUpstream::jsonString(displayName) + ",\"created_at\":\"" + created + "\"}";
}

MockReply modelsList()
{
    const QByteArray body = "{\"data\":["
                            + modelJson("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z") + ','
                            + modelJson("claude-opus-4-1-20250805", "Claude Opus 4.1", "2025-08-05T00:00:00Z") + ','
                            + modelJson("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-01T00:00:00Z")
                            + "],\"has_more\":false,\"first_id\":\"claude-sonnet-4-5-20250929\","
                              "\"last_id\":\"claude-haiku-4-5-20251001\"}";
    return jsonReply(body);
}

} // namespace

QByteArray MockUpstream::sseEvent(const QByteArray &name, const QByteArray &json)
{
    return "event: " + name + "\ndata: " + json + "\n\n";
}

QByteArray MockUpstream::sseData(const QByteArray &json)
{
    return "data: " + json + "\n\n";
}

QByteArray MockUpstream::jsonString(const QByteArray &utf8)
{
    const QByteArray array = QJsonDocument(QJsonArray{QString::fromUtf8(utf8)}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2); // strip the [ ]
}

MockReply MockUpstream::message(
    const QByteArray &model, const QByteArray &text, int input, int output, int cacheRead, int cache5m, int cache1h)
{
    const Usage u{input, output, cacheRead, cache5m, cache1h};
    return jsonReply(
        "{\"id\":" + jsonString(nextId("msg_01Mock")) + ",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
        + jsonString(model) + ",\"content\":[{\"type\":\"text\",\"text\":" + jsonString(text)
        + "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":" + usageJson(u, output, true) + '}');
}

MockReply MockUpstream::stream(const QByteArray &model,
                               const QList<QByteArray> &textPieces,
                               int input,
                               int output,
                               int delayMs,
                               int cacheRead,
                               int cache5m,
                               int cache1h)
{
    const Usage u{input, output, cacheRead, cache5m, cache1h};
    QList<QByteArray> events{messageStart(model, u), blockStart(0, "{\"type\":\"text\",\"text\":\"\"}"), ping()};
    for (const QByteArray &piece : textPieces) {
        events.append(blockDelta(0, textDelta(piece)));
    }
    events << blockStop(0) << messageDelta("end_turn", u) << messageStop();
    return sseReply(events, delayMs);
}

MockReply MockUpstream::toolUseStream(const QByteArray &model,
                                      const QByteArray &toolName,
                                      const QList<QByteArray> &partialJsonPieces,
                                      int input,
                                      int output)
{
    const Usage u{input, output, 0, 0, 0};
    const QByteArray block = "{\"type\":\"tool_use\",\"id\":" + jsonString(nextId("toolu_01Mock"))
                             + ",\"name\":" + jsonString(toolName) + ",\"input\":{}}";
    QList<QByteArray> events{messageStart(model, u), blockStart(0, block), ping()};
    for (const QByteArray &piece : partialJsonPieces) {
        events.append(blockDelta(0, "{\"type\":\"input_json_delta\",\"partial_json\":" + jsonString(piece) + '}'));
    }
    events << blockStop(0) << messageDelta("tool_use", u) << messageStop();
    return sseReply(events, 0);
}

MockReply MockUpstream::thinkingStream(const QByteArray &model,
                                       const QList<QByteArray> &thinkingPieces,
                                       const QByteArray &signature,
                                       const QList<QByteArray> &textPieces,
                                       int input,
                                       int output)
{
    const Usage u{input, output, 0, 0, 0};
    QList<QByteArray> events{
        messageStart(model, u), blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}"), ping()};
    for (const QByteArray &piece : thinkingPieces) {
        events.append(blockDelta(0, "{\"type\":\"thinking_delta\",\"thinking\":" + jsonString(piece) + '}'));
    }
    events << blockDelta(0, "{\"type\":\"signature_delta\",\"signature\":" + jsonString(signature) + '}')
           << blockStop(0) << blockStart(1, "{\"type\":\"text\",\"text\":\"\"}");
    for (const QByteArray &piece : textPieces) {
        events.append(blockDelta(1, textDelta(piece)));
    }
    events << blockStop(1) << messageDelta("end_turn", u) << messageStop();
    return sseReply(events, 0);
}

MockReply MockUpstream::error(int status, const QByteArray &type, const QByteArray &message, HeaderList extra)
{
    const QByteArray requestId = nextId("req_011Mock");
    MockReply reply = jsonReply("{\"type\":\"error\",\"error\":{\"type\":" + jsonString(type) + ",\"message\":"
                                + jsonString(message) + "},\"request_id\":" + jsonString(requestId) + '}');
    reply.status = status;
    reply.headers = std::move(extra);
    if (!rd::http::hasHeader(reply.headers, "request-id")) {
        reply.headers.append({"request-id"_ba, requestId});
    }
    if (status == 529 && !rd::http::hasHeader(reply.headers, "x-should-retry")) {
        reply.headers.append({"x-should-retry"_ba, "true"_ba});
    }
    return reply;
}

MockReply MockUpstream::streamError(const QByteArray &type, const QByteArray &message)
{
    return sseReply({sseEvent("error",
                              "{\"type\":\"error\",\"error\":{\"type\":" + jsonString(type)
                                  + ",\"message\":" + jsonString(message) + "}}")},
                    0);
}

MockReply MockUpstream::defaultReply(const RecordedRequest &request)
{
    const QByteArray path =
        request.target.left(request.target.indexOf('?') < 0 ? request.target.size() : request.target.indexOf('?'));
    if (std::optional<MockReply> openai = detail::openaiDefaultReply(request, path)) {
        return *std::move(openai);
    }
    if (request.method == "POST" && path.endsWith("/v1/messages")) {
        const QJsonDocument doc = QJsonDocument::fromJson(request.body);
        if (!doc.isObject()) {
            return error(400, "invalid_request_error", "The request body is not valid JSON.");
        }
        const QJsonObject object = doc.object();
        QByteArray model = object.value("model"_L1).toString().toUtf8();
        if (model.isEmpty()) {
            model = kDefaultModel;
        }
        if (object.value("stream"_L1).toBool()) {
            return stream(model, {"Hello"_ba, "!"_ba});
        }
        return message(model, "Hello!");
    }
    if (request.method == "POST" && path.endsWith("/v1/messages/count_tokens")) {
        return jsonReply("{\"input_tokens\":" + num(kDefaultCountTokens) + '}');
    }
    if (request.method == "GET" && path.endsWith("/v1/models")) {
        return modelsList();
    }
    const qsizetype modelAt = path.lastIndexOf("/v1/models/");
    if (request.method == "GET" && modelAt >= 0) {
        const QByteArray id = path.mid(modelAt + 11);
        return jsonReply(modelJson(id, id, "2025-09-29T00:00:00Z"));
    }
    // Subscription endpoints (PROTOCOLS.md §3.1): utilisation in percent, resets as ISO dates.
    if (request.method == "GET" && path.endsWith("/api/oauth/usage")) {
        return jsonReply("{\"five_hour\":{\"utilization\":19.0,\"resets_at\":\"2026-11-28T18:00:00Z\"},"
                         "\"seven_day\":{\"utilization\":7.5,\"resets_at\":\"2026-12-02T09:00:00Z\"},"
                         "\"seven_day_opus\":{\"utilization\":31.0,\"resets_at\":\"2026-12-02T09:00:00Z\"}}");
    }
    if (request.method == "GET" && path.endsWith("/api/oauth/profile")) {
        return jsonReply("{\"account\":{\"uuid\":\"0b8c…\",\"email\":\"dev@example.com\",\"has_claude_pro\":false,"
                         "\"has_claude_max\":true},\"organization\":{\"uuid\":\"org-1\","
                         "\"organization_type\":\"claude_max\"}}");
    }
    return error(404, "not_found_error", "Not found: " + request.method + ' ' + path);
}

} // namespace rd::test
