// SPDX-License-Identifier: GPL-3.0-or-later
// MockUpstream's OpenAI-side builders: Responses API (PROTOCOLS §3.3), ChatGPT backend (§3.4), Chat Completions (§3.2)
// and Azure OpenAI (§3.7). JSON is assembled by hand so the field order matches the documented examples.
#include "tests/support/mockreplyparts.h"
#include "tests/support/mockupstream.h"

#include <QDateTime>
#include <QtEndian>

#include <bit>

using namespace Qt::StringLiterals;

namespace rd::test {

namespace {

using detail::jsonReply;
using detail::nextId;
using detail::num;
using detail::sseReply;

QByteArray js(const QByteArray &utf8)
{
    return MockUpstream::jsonString(utf8);
}

qint64 nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

MockReply withRequestId(MockReply reply)
{
    if (!rd::http::hasHeader(reply.headers, "x-request-id")) {
        reply.headers.append({"x-request-id"_ba, nextId("req_mock")});
    }
    return reply;
}

// ---- Responses API --------------------------------------------------------------------------------------------

// The events of one Responses stream, numbered from 0 in the order they are added.
class ResponsesEvents
{
public:
    void add(const QByteArray &type, const QByteArray &fields)
    {
        const QByteArray body = fields.isEmpty() ? QByteArray() : ',' + fields;
        m_events.append(MockUpstream::sseEvent(
            type, "{\"type\":" + js(type) + body + ",\"sequence_number\":" + num(m_next++) + '}'));
    }
    const QList<QByteArray> &events() const { return m_events; }

private:
    QList<QByteArray> m_events;
    int m_next = 0;
};

struct ResponseHead
{
    QByteArray id = nextId("resp_mock");
    qint64 createdAt = nowSeconds();
    QByteArray model;
};

QByteArray responsesUsage(int input, int output, int cached, int reasoning)
{
    return "{\"input_tokens\":" + num(input) + ",\"input_tokens_details\":{\"cached_tokens\":" + num(cached)
           + "},\"output_tokens\":" + num(output) + ",\"output_tokens_details\":{\"reasoning_tokens\":" + num(reasoning)
           + "},\"total_tokens\":" + num(input + output) + '}';
}

QByteArray responseObject(const ResponseHead &head,
                          const QByteArray &status,
                          const QByteArray &output,
                          const QByteArray &usage,
                          const QByteArray &error = "null")
{
    return "{\"id\":" + js(head.id) + ",\"object\":\"response\",\"created_at\":" + num(head.createdAt) + ",\"status\":"
           + js(status) + ",\"model\":" + js(head.model) + ",\"output\":[" + output + "],\"usage\":" + usage
           + ",\"service_tier\":\"default\",\"error\":" + error + ",\"incomplete_details\":null}";
}

void addStart(ResponsesEvents &events, const ResponseHead &head)
{
    events.add("response.created", "\"response\":" + responseObject(head, "in_progress", {}, "null"));
    events.add("response.in_progress", "\"response\":" + responseObject(head, "in_progress", {}, "null"));
}

QByteArray itemEvent(int outputIndex, const QByteArray &item)
{
    return "\"output_index\":" + num(outputIndex) + ",\"item\":" + item;
}

QByteArray outputText(const QByteArray &text)
{
    return "{\"type\":\"output_text\",\"text\":" + js(text) + ",\"annotations\":[]}";
}

QByteArray messageItem(const QByteArray &id, const QByteArray &status, const QByteArray &content)
{
    return "{\"id\":" + js(id) + ",\"type\":\"message\",\"status\":" + js(status) + ",\"content\":[" + content
           + "],\"role\":\"assistant\"}";
}

QByteArray summaryText(const QByteArray &text)
{
    return "{\"type\":\"summary_text\",\"text\":" + js(text) + '}';
}

QByteArray reasoningItem(const QByteArray &id, const QByteArray &summary, bool done)
{
    QByteArray item = "{\"id\":" + js(id) + ",\"type\":\"reasoning\",\"summary\":[" + summary + ']';
    if (done) {
        item += ",\"encrypted_content\":" + js("gAAAAABmockReasoning" + id);
    }
    return item + '}';
}

QByteArray functionCallItem(const QByteArray &id,
                            const QByteArray &status,
                            const QByteArray &arguments,
                            const QByteArray &callId,
                            const QByteArray &name)
{
    return "{\"id\":" + js(id) + ",\"type\":\"function_call\",\"status\":" + js(status)
           + ",\"arguments\":" + js(arguments) + ",\"call_id\":" + js(callId) + ",\"name\":" + js(name) + '}';
}

const QList<QByteArray> kSummaryPieces{"**Answering**\n\n"_ba, "The user wants a short greeting."_ba};

// Reasoning item at output_index 0 with one summary part; returns the finished item.
QByteArray addReasoning(ResponsesEvents &events)
{
    const QByteArray id = nextId("rs_mock");
    const QByteArray text = kSummaryPieces.join();
    const QByteArray at = "\"item_id\":" + js(id) + ",\"output_index\":0,\"summary_index\":0";
    events.add("response.output_item.added", itemEvent(0, reasoningItem(id, {}, false)));
    events.add("response.reasoning_summary_part.added", at + ",\"part\":" + summaryText({}));
    for (const QByteArray &piece : kSummaryPieces) {
        events.add("response.reasoning_summary_text.delta", at + ",\"delta\":" + js(piece));
    }
    events.add("response.reasoning_summary_text.done", at + ",\"text\":" + js(text));
    events.add("response.reasoning_summary_part.done", at + ",\"part\":" + summaryText(text));
    const QByteArray done = reasoningItem(id, summaryText(text), true);
    events.add("response.output_item.done", itemEvent(0, done));
    return done;
}

QByteArray addMessage(ResponsesEvents &events, int outputIndex, const QList<QByteArray> &textPieces)
{
    const QByteArray id = nextId("msg_mock");
    const QByteArray text = textPieces.join();
    const QByteArray at = "\"item_id\":" + js(id) + ",\"output_index\":" + num(outputIndex) + ",\"content_index\":0";
    events.add("response.output_item.added", itemEvent(outputIndex, messageItem(id, "in_progress", {})));
    events.add("response.content_part.added", at + ",\"part\":" + outputText({}));
    for (const QByteArray &piece : textPieces) {
        events.add("response.output_text.delta", at + ",\"delta\":" + js(piece) + ",\"logprobs\":[]");
    }
    events.add("response.output_text.done", at + ",\"text\":" + js(text) + ",\"logprobs\":[]");
    events.add("response.content_part.done", at + ",\"part\":" + outputText(text));
    const QByteArray done = messageItem(id, "completed", outputText(text));
    events.add("response.output_item.done", itemEvent(outputIndex, done));
    return done;
}

MockReply responsesSse(const QList<QByteArray> &events, int delayMs)
{
    return withRequestId(sseReply(events, delayMs));
}

// ---- Chat Completions -----------------------------------------------------------------------------------------

QByteArray chatUsage(int prompt, int completion, int cached)
{
    return "{\"prompt_tokens\":" + num(prompt) + ",\"completion_tokens\":" + num(completion) + ",\"total_tokens\":"
           + num(prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + num(cached)
           + "},\"completion_tokens_details\":{\"reasoning_tokens\":0}}";
}

// The chunks of one Chat Completions stream (same id, created and model).
class ChatChunks
{
public:
    ChatChunks(const QByteArray &model, bool includeUsage)
        : m_model(model)
        , m_includeUsage(includeUsage)
    {}
    void choice(const QByteArray &delta, const QByteArray &finishReason = "null")
    {
        add("[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]",
            m_includeUsage ? ",\"usage\":null"_ba : QByteArray());
    }
    void finish(int prompt, int completion, int cached)
    {
        if (m_includeUsage) {
            add("[]", ",\"usage\":" + chatUsage(prompt, completion, cached));
        }
        m_events.append(MockUpstream::sseData("[DONE]"));
    }
    const QList<QByteArray> &events() const { return m_events; }

private:
    void add(const QByteArray &choices, const QByteArray &usage)
    {
        m_events.append(MockUpstream::sseData("{\"id\":" + js(m_id)
                                              + ",\"object\":\"chat.completion.chunk\",\"created\":" + num(m_created)
                                              + ",\"model\":" + js(m_model) + ",\"choices\":" + choices + usage + '}'));
    }

    QByteArray m_id = nextId("chatcmpl-mock");
    qint64 m_created = nowSeconds();
    QByteArray m_model;
    bool m_includeUsage;
    QList<QByteArray> m_events;
};

QByteArray toolCallJson(const QByteArray &callId, const QByteArray &name, const QByteArray &arguments)
{
    return "{\"id\":" + js(callId) + ",\"type\":\"function\",\"function\":{\"name\":" + js(name)
           + ",\"arguments\":" + js(arguments) + "}}";
}

MockReply chatCompletion(const QByteArray &model,
                         const QByteArray &message,
                         const QByteArray &finishReason,
                         const QByteArray &usage)
{
    return withRequestId(
        jsonReply("{\"id\":" + js(nextId("chatcmpl-mock")) + ",\"object\":\"chat.completion\",\"created\":"
                  + num(nowSeconds()) + ",\"model\":" + js(model) + ",\"choices\":[{\"index\":0,\"message\":" + message
                  + ",\"logprobs\":null,\"finish_reason\":" + js(finishReason) + "}],\"usage\":" + usage + '}'));
}

const QByteArray kAzureFirstChunk =
    "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[{"
    "\"prompt_index\":0,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
    "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
    "\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}}]}"_ba;

QByteArray usageLimitError(int resetsInSeconds, const QByteArray &planType)
{
    return "{\"type\":\"usage_limit_reached\",\"message\":\"The usage limit has been reached\",\"plan_type\":"
           + js(planType) + ",\"resets_at\":" + num(nowSeconds() + resetsInSeconds)
           + ",\"resets_in_seconds\":" + num(resetsInSeconds) + '}';
}

} // namespace

MockReply MockUpstream::responsesStream(const QByteArray &model,
                                        const QList<QByteArray> &textPieces,
                                        int input,
                                        int output,
                                        int cached,
                                        int reasoning,
                                        int delayMs)
{
    const ResponseHead head{.model = model};
    ResponsesEvents events;
    addStart(events, head);
    QByteArrayList items;
    if (reasoning > 0) {
        items.append(addReasoning(events));
    }
    items.append(addMessage(events, int(items.size()), textPieces));
    events.add(
        "response.completed",
        "\"response\":"
            + responseObject(head, "completed", items.join(','), responsesUsage(input, output, cached, reasoning)));
    return responsesSse(events.events(), delayMs);
}

MockReply MockUpstream::responsesJson(
    const QByteArray &model, const QByteArray &text, int input, int output, int cached, int reasoning)
{
    QByteArrayList items;
    if (reasoning > 0) {
        items.append(reasoningItem(nextId("rs_mock"), summaryText(kSummaryPieces.join()), true));
    }
    items.append(messageItem(nextId("msg_mock"), "completed", outputText(text)));
    return withRequestId(jsonReply(responseObject(
        ResponseHead{.model = model}, "completed", items.join(','), responsesUsage(input, output, cached, reasoning))));
}

MockReply MockUpstream::responsesFunctionCallStream(const QByteArray &model,
                                                    const QByteArray &name,
                                                    const QByteArray &callId,
                                                    const QList<QByteArray> &argumentPieces,
                                                    int input,
                                                    int output)
{
    const ResponseHead head{.model = model};
    const QByteArray id = nextId("fc_mock");
    const QByteArray arguments = argumentPieces.join();
    const QByteArray at = "\"item_id\":" + js(id) + ",\"output_index\":0";
    ResponsesEvents events;
    addStart(events, head);
    events.add("response.output_item.added", itemEvent(0, functionCallItem(id, "in_progress", {}, callId, name)));
    for (const QByteArray &piece : argumentPieces) {
        events.add("response.function_call_arguments.delta", at + ",\"delta\":" + js(piece));
    }
    events.add("response.function_call_arguments.done", at + ",\"arguments\":" + js(arguments));
    const QByteArray done = functionCallItem(id, "completed", arguments, callId, name);
    events.add("response.output_item.done", itemEvent(0, done));
    events.add("response.completed",
               "\"response\":" + responseObject(head, "completed", done, responsesUsage(input, output, 0, 0)));
    return responsesSse(events.events(), 0);
}

MockReply MockUpstream::responsesFunctionCallJson(const QByteArray &model,
                                                  const QByteArray &name,
                                                  const QByteArray &callId,
                                                  const QByteArray &arguments,
                                                  int input,
                                                  int output)
{
    const QByteArray item = functionCallItem(nextId("fc_mock"), "completed", arguments, callId, name);
    return withRequestId(jsonReply(
        responseObject(ResponseHead{.model = model}, "completed", item, responsesUsage(input, output, 0, 0))));
}

MockReply MockUpstream::responsesFailed(const QByteArray &code, const QByteArray &message)
{
    const ResponseHead head{.model = "gpt-5.1"};
    ResponsesEvents events;
    events.add("response.created", "\"response\":" + responseObject(head, "in_progress", {}, "null"));
    events.add("response.failed",
               "\"response\":"
                   + responseObject(
                       head, "failed", {}, "null", "{\"code\":" + js(code) + ",\"message\":" + js(message) + '}'));
    return responsesSse(events.events(), 0);
}

MockReply MockUpstream::responsesStreamError(const QByteArray &code, const QByteArray &message)
{
    ResponsesEvents events;
    events.add("error", "\"code\":" + js(code) + ",\"message\":" + js(message) + ",\"param\":null");
    return responsesSse(events.events(), 0);
}

MockReply MockUpstream::codexUsageLimit(int resetsInSeconds, const QByteArray &planType)
{
    MockReply reply = withRequestId(jsonReply("{\"error\":" + usageLimitError(resetsInSeconds, planType) + '}'));
    reply.status = 429;
    reply.headers += codexUsageHeaders(100.0, resetsInSeconds, 42.0, 302400);
    return reply;
}

MockReply MockUpstream::codexUsageLimitInStream(int resetsInSeconds, const QByteArray &planType)
{
    ResponsesEvents events;
    events.add("error", "\"error\":" + usageLimitError(resetsInSeconds, planType));
    return responsesSse(events.events(), 0);
}

HeaderList MockUpstream::codexUsageHeaders(double primaryPercent,
                                           int primaryResetAfterS,
                                           double secondaryPercent,
                                           int secondaryResetAfterS)
{
    return {{"x-codex-primary-used-percent"_ba, QByteArray::number(primaryPercent)},
            {"x-codex-primary-window-minutes"_ba, "300"_ba},
            {"x-codex-primary-reset-after-seconds"_ba, num(primaryResetAfterS)},
            {"x-codex-secondary-used-percent"_ba, QByteArray::number(secondaryPercent)},
            {"x-codex-secondary-window-minutes"_ba, "10080"_ba},
            {"x-codex-secondary-reset-after-seconds"_ba, num(secondaryResetAfterS)},
            {"x-codex-primary-over-secondary-limit-percent"_ba, "0"_ba}};
}

MockReply MockUpstream::compactJson(const QByteArray &model, int input, int output)
{
    const QByteArray id = nextId("resp_mock");
    return withRequestId(
        jsonReply("{\"id\":" + js(id) + ",\"object\":\"response.compaction\",\"created_at\":" + num(nowSeconds())
                  + ",\"model\":" + js(model) + ",\"output\":[{\"type\":\"compaction\",\"encrypted_content\":"
                  + js("gAAAAABmockCompaction" + id) + "}],\"usage\":" + responsesUsage(input, output, 0, 0) + '}'));
}

MockReply MockUpstream::openaiError(
    int status, const QByteArray &type, const QByteArray &code, const QByteArray &message, HeaderList extra)
{
    MockReply reply = jsonReply("{\"error\":{\"message\":" + js(message) + ",\"type\":" + js(type)
                                + ",\"param\":null,\"code\":" + (code.isEmpty() ? "null"_ba : js(code)) + "}}");
    reply.status = status;
    reply.headers = std::move(extra);
    return withRequestId(std::move(reply));
}

MockReply MockUpstream::chatStream(const QByteArray &model,
                                   const QList<QByteArray> &textPieces,
                                   int prompt,
                                   int completion,
                                   int cached,
                                   bool includeUsage)
{
    ChatChunks chunks(model, includeUsage);
    chunks.choice("{\"role\":\"assistant\",\"content\":\"\"}");
    for (const QByteArray &piece : textPieces) {
        chunks.choice("{\"content\":" + js(piece) + '}');
    }
    chunks.choice("{}", "\"stop\"");
    chunks.finish(prompt, completion, cached);
    return withRequestId(sseReply(chunks.events(), 0));
}

MockReply MockUpstream::chatToolCallStream(const QByteArray &model,
                                           const QByteArray &name,
                                           const QByteArray &callId,
                                           const QList<QByteArray> &argumentPieces,
                                           int prompt,
                                           int completion,
                                           bool includeUsage)
{
    ChatChunks chunks(model, includeUsage);
    chunks.choice("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":" + js(callId)
                  + ",\"type\":\"function\",\"function\":{\"name\":" + js(name) + ",\"arguments\":\"\"}}]}");
    for (const QByteArray &piece : argumentPieces) {
        chunks.choice("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + js(piece) + "}}]}");
    }
    chunks.choice("{}", "\"tool_calls\"");
    chunks.finish(prompt, completion, 0);
    return withRequestId(sseReply(chunks.events(), 0));
}

MockReply
MockUpstream::chatJson(const QByteArray &model, const QByteArray &text, int prompt, int completion, int cached)
{
    return chatCompletion(model,
                          "{\"role\":\"assistant\",\"content\":" + js(text) + ",\"refusal\":null}",
                          "stop",
                          chatUsage(prompt, completion, cached));
}

MockReply MockUpstream::chatToolCallJson(const QByteArray &model,
                                         const QByteArray &name,
                                         const QByteArray &callId,
                                         const QByteArray &arguments,
                                         int prompt,
                                         int completion)
{
    return chatCompletion(model,
                          "{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"tool_calls\":["
                              + toolCallJson(callId, name, arguments) + "]}",
                          "tool_calls",
                          chatUsage(prompt, completion, 0));
}

MockReply MockUpstream::azureChatStream(const QByteArray &model,
                                        const QList<QByteArray> &textPieces,
                                        int prompt,
                                        int completion,
                                        int cached,
                                        bool includeUsage)
{
    MockReply reply = chatStream(model, textPieces, prompt, completion, cached, includeUsage);
    reply.events.prepend({0, sseData(kAzureFirstChunk)});
    return reply;
}

MockReply MockUpstream::embeddingsJson(const QByteArray &model, int count, int promptTokens, bool base64)
{
    QByteArrayList data;
    for (int i = 0; i < count; ++i) {
        QByteArrayList values;
        QByteArray packed;
        for (int j = 0; j < 8; ++j) {
            // multiples of 1/64: exact in float32 and short in decimal, so both encodings carry the same numbers
            const float value = float((j % 2 == 0) ? 1 : -1) * float((i + 1) * (j + 1)) / 64.0f;
            values.append(QByteArray::number(double(value), 'g', 9));
            const quint32 bits = qToLittleEndian(std::bit_cast<quint32>(value));
            packed.append(reinterpret_cast<const char *>(&bits), sizeof bits);
        }
        const QByteArray vector = base64 ? js(packed.toBase64()) : '[' + values.join(',') + ']';
        data.append("{\"object\":\"embedding\",\"index\":" + num(i) + ",\"embedding\":" + vector + '}');
    }
    return withRequestId(jsonReply("{\"object\":\"list\",\"data\":[" + data.join(',') + "],\"model\":" + js(model)
                                   + ",\"usage\":{\"prompt_tokens\":" + num(promptTokens)
                                   + ",\"total_tokens\":" + num(promptTokens) + "}}"));
}

} // namespace rd::test
