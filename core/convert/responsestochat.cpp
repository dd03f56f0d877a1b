// SPDX-License-Identifier: GPL-3.0-or-later
// OpenAI Responses answers (API and ChatGPT backend) → OpenAI Chat answers or one Responses object (§3.3, §3.4, §3.9).
#include "core/convert/chatoutput.h"
#include "core/convert/sseframes.h"
#include "core/convert/transforms.h"

#include <QHash>
#include <QJsonArray>
#include <QMap>

using namespace Qt::StringLiterals;

namespace rd::convert {

namespace {

QString restoredToolName(const QString &name, const TransformOptions &options)
{
    const auto it = options.toolNames.constFind(name.toUtf8());
    return it == options.toolNames.constEnd() ? name : QString::fromUtf8(*it);
}

QString eventType(const QJsonObject &object, QByteArrayView event)
{
    const QString type = object.value(u"type"_s).toString();
    return type.isEmpty() ? QString::fromLatin1(event) : type;
}

bool isTerminal(const QString &type)
{
    return type == u"response.completed" || type == u"response.incomplete";
}

// response.failed carries response.error {code, message}; an `error` event is the error itself.
QJsonObject streamError(const QString &type, const QJsonObject &object)
{
    if (type == u"response.failed") {
        const QJsonObject error = object.value(u"response"_s).toObject().value(u"error"_s).toObject();
        return openAIErrorFromResponses(error);
    }
    return openAIErrorFromResponses(object);
}

QJsonObject endedEarlyError()
{
    return openAIError(u"The upstream stream ended before the response was complete"_s,
                       QLatin1String("server_error"),
                       QLatin1String());
}

// incomplete_details.reason decides for an incomplete response; otherwise tool calls or a plain stop.
QLatin1String finishReasonFor(const QJsonObject &response, bool hadToolCalls)
{
    if (response.value(u"status"_s) == u"incomplete"_s) {
        const QString reason = response.value(u"incomplete_details"_s).toObject().value(u"reason"_s).toString();
        if (reason == u"max_output_tokens") {
            return QLatin1String("length");
        }
        if (reason == u"content_filter") {
            return QLatin1String("content_filter");
        }
    }
    return hadToolCalls ? QLatin1String("tool_calls") : QLatin1String("stop");
}

// One per attempt, on the exchange's thread.
class ResponsesStreamToChat final : public BodyTransform
{
public:
    explicit ResponsesStreamToChat(const TransformOptions &options)
        : m_options(options)
        , m_writer(options)
    {}

    void feed(QByteArrayView upstream, QByteArray &out) override
    {
        if (!m_ended) {
            m_reader.feed(upstream,
                          [this, &out](QByteArrayView event, QByteArrayView data) { onEvent(event, data, out); });
        }
    }

    void finish(QByteArray &out) override
    {
        if (!m_ended) {
            m_reader.finish([this, &out](QByteArrayView event, QByteArrayView data) { onEvent(event, data, out); });
        }
        if (!m_ended) {
            fail(endedEarlyError(), out);
        }
    }

    QByteArray contentType() const override { return "text/event-stream"_ba; }
    bool sawError() const override { return m_sawError; }

private:
    struct ToolCall
    {
        int index = 0;
        bool sentArguments = false;
    };

    void onEvent(QByteArrayView event, QByteArrayView data, QByteArray &out)
    {
        if (m_ended) {
            return;
        }
        const QJsonObject object = parseObject(data);
        const QString type = eventType(object, event);
        if (type == u"response.output_text.delta") {
            sendDelta(u"content"_s, object.value(u"delta"_s).toString(), out);
        } else if (type == u"response.reasoning_summary_text.delta") {
            QString piece = object.value(u"delta"_s).toString();
            if (m_reasoningBreak && !piece.isEmpty()) {
                piece.prepend(u"\n\n"_s); // summary parts are paragraphs
                m_reasoningBreak = false;
            }
            m_sentReasoning = m_sentReasoning || !piece.isEmpty();
            sendDelta(u"reasoning_content"_s, piece, out);
        } else if (type == u"response.reasoning_summary_part.added") {
            m_reasoningBreak = m_sentReasoning;
        } else if (type == u"response.refusal.delta") {
            sendDelta(u"refusal"_s, object.value(u"delta"_s).toString(), out);
        } else if (type == u"response.function_call_arguments.delta") {
            sendArguments(object, object.value(u"delta"_s).toString(), false, out);
        } else if (type == u"response.function_call_arguments.done") {
            sendArguments(object, object.value(u"arguments"_s).toString(), true, out);
        } else if (type == u"response.output_item.added" || type == u"response.output_item.done") {
            onItem(object, type == u"response.output_item.done", out);
        } else if (type == u"response.created" || type == u"response.in_progress" || type == u"response.queued") {
            start(object.value(u"response"_s).toObject(), out);
        } else if (isTerminal(type)) {
            complete(object.value(u"response"_s).toObject(), out);
        } else if (type == u"response.failed" || type == u"error") {
            fail(streamError(type, object), out);
        } // other events (content_part.*, *.done texts, keep-alives) add nothing
    }

    void start(const QJsonObject &response, QByteArray &out)
    {
        m_writer.setModel(response.value(u"model"_s).toString().toUtf8());
        if (!m_writer.started()) {
            m_writer.delta(QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u""_s}}, out);
        }
    }

    void sendDelta(const QString &field, const QString &text, QByteArray &out)
    {
        if (!text.isEmpty()) {
            start(QJsonObject(), out);
            m_writer.delta(QJsonObject{{field, text}}, out);
        }
    }

    // A function_call item opens a tool call; its `done` (or a lone `done`) supplies arguments no delta carried.
    void onItem(const QJsonObject &object, bool done, QByteArray &out)
    {
        const QJsonObject item = object.value(u"item"_s).toObject();
        if (item.value(u"type"_s) != u"function_call"_s) {
            return;
        }
        const int outputIndex = object.value(u"output_index"_s).toInt();
        if (!m_tools.contains(outputIndex)) {
            start(QJsonObject(), out);
            const ToolCall call{m_nextTool++, false};
            m_tools.insert(outputIndex, call);
            m_itemOutput.insert(item.value(u"id"_s).toString(), outputIndex);
            const QJsonObject function{
                {u"name"_s, restoredToolName(item.value(u"name"_s).toString(), m_options)},
                {u"arguments"_s, u""_s},
            };
            QJsonObject entry{{u"index"_s, call.index},
                              {u"id"_s, item.value(u"call_id"_s)},
                              {u"type"_s, u"function"_s},
                              {u"function"_s, function}};
            m_writer.delta(QJsonObject{{u"tool_calls"_s, QJsonArray{entry}}}, out);
        }
        if (done) {
            QJsonObject located = object;
            located.insert(u"output_index"_s, outputIndex);
            sendArguments(located, item.value(u"arguments"_s).toString(), true, out);
        }
    }

    // `whole`: the complete arguments, sent only when no piece was.
    void sendArguments(const QJsonObject &object, const QString &arguments, bool whole, QByteArray &out)
    {
        int outputIndex = object.value(u"output_index"_s).toInt(-1);
        if (!m_tools.contains(outputIndex)) {
            outputIndex = m_itemOutput.value(object.value(u"item_id"_s).toString(), -1);
        }
        const auto call = m_tools.find(outputIndex);
        if (call == m_tools.end() || arguments.isEmpty() || (whole && call->sentArguments)) {
            return;
        }
        call->sentArguments = true;
        const QJsonObject entry{{u"index"_s, call->index}, {u"function"_s, QJsonObject{{u"arguments"_s, arguments}}}};
        m_writer.delta(QJsonObject{{u"tool_calls"_s, QJsonArray{entry}}}, out);
    }

    void complete(const QJsonObject &response, QByteArray &out)
    {
        start(response, out);
        m_writer.finishReason(finishReasonFor(response, !m_tools.isEmpty()), out);
        if (m_options.includeUsage) {
            m_writer.usage(ChatUsage::fromResponses(response.value(u"usage"_s).toObject()), out);
        }
        ChatChunkWriter::done(out);
        m_ended = true;
    }

    void fail(const QJsonObject &error, QByteArray &out)
    {
        ChatChunkWriter::error(error, out);
        m_ended = true;
        m_sawError = true;
    }

    TransformOptions m_options;
    SseReader m_reader;
    ChatChunkWriter m_writer;
    QHash<int, ToolCall> m_tools;     // output_index → tool call
    QHash<QString, int> m_itemOutput; // item id → output_index
    int m_nextTool = 0;
    bool m_sentReasoning = false;
    bool m_reasoningBreak = false;
    bool m_ended = false;
    bool m_sawError = false;
};

// Collects a Responses stream into the `response` of its terminal event: sent as is (ResponsesJson) or as one
// chat.completion (ChatJson). Items are also collected from output_item.done, for a terminal `response` whose
// `output` came back empty.
class ResponsesStreamToJson final : public BodyTransform
{
public:
    ResponsesStreamToJson(const TransformOptions &options, ClientFormat to)
        : m_options(options)
        , m_to(to)
    {}

    void feed(QByteArrayView upstream, QByteArray &out) override
    {
        if (!m_ended) {
            m_reader.feed(upstream,
                          [this, &out](QByteArrayView event, QByteArrayView data) { onEvent(event, data, out); });
        }
    }

    void finish(QByteArray &out) override
    {
        if (!m_ended) {
            m_reader.finish([this, &out](QByteArrayView event, QByteArrayView data) { onEvent(event, data, out); });
        }
        if (!m_ended) {
            fail(endedEarlyError(), out);
        }
    }

    QByteArray contentType() const override { return "application/json"_ba; }
    bool sawError() const override { return m_sawError; }

private:
    void onEvent(QByteArrayView event, QByteArrayView data, QByteArray &out)
    {
        // Deltas are most of a stream and add nothing here: skip them unparsed when the event line names them.
        if (m_ended || event.startsWith("response.output_text.") || event.endsWith(".delta")) {
            return;
        }
        const QJsonObject object = parseObject(data);
        const QString type = eventType(object, event);
        if (type == u"response.output_item.done") {
            m_items.insert(object.value(u"output_index"_s).toInt(), object.value(u"item"_s).toObject());
        } else if (isTerminal(type)) {
            QJsonObject response = object.value(u"response"_s).toObject();
            if (response.value(u"output"_s).toArray().isEmpty() && !m_items.isEmpty()) {
                QJsonArray output;
                for (const QJsonObject &item : std::as_const(m_items)) {
                    output.append(item);
                }
                response.insert(u"output"_s, output);
            }
            out += compactJson(m_to == ClientFormat::ChatJson ? responsesObjectToChat(response, m_options) : response);
            m_ended = true;
        } else if (type == u"response.failed" || type == u"error") {
            fail(streamError(type, object), out);
        }
    }

    void fail(const QJsonObject &error, QByteArray &out)
    {
        out += errorBody(error);
        m_ended = true;
        m_sawError = true;
    }

    TransformOptions m_options;
    ClientFormat m_to;
    SseReader m_reader;
    QMap<int, QJsonObject> m_items; // output_index → finished item
    bool m_ended = false;
    bool m_sawError = false;
};

} // namespace

QJsonObject responsesObjectToChat(const QJsonObject &response, const TransformOptions &options)
{
    QString text;
    QString refusal;
    QStringList reasoning;
    QJsonArray toolCalls;
    for (const QJsonValue value : response.value(u"output"_s).toArray()) {
        const QJsonObject item = value.toObject();
        const QString kind = item.value(u"type"_s).toString();
        if (kind == u"message") {
            for (const QJsonValue part : item.value(u"content"_s).toArray()) {
                text += part.toObject().value(u"text"_s).toString();
                refusal += part.toObject().value(u"refusal"_s).toString();
            }
        } else if (kind == u"reasoning") {
            for (const QJsonValue part : item.value(u"summary"_s).toArray()) {
                reasoning.append(part.toObject().value(u"text"_s).toString());
            }
        } else if (kind == u"function_call") {
            const QJsonObject function{
                {u"name"_s, restoredToolName(item.value(u"name"_s).toString(), options)},
                {u"arguments"_s, item.value(u"arguments"_s).toString()},
            };
            toolCalls.append(QJsonObject{
                {u"id"_s, item.value(u"call_id"_s)}, {u"type"_s, u"function"_s}, {u"function"_s, function}});
        }
    }
    QJsonObject reply{{u"role"_s, u"assistant"_s}};
    reply.insert(u"content"_s,
                 text.isEmpty() && !toolCalls.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text));
    reply.insert(u"refusal"_s, refusal.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(refusal));
    if (!reasoning.isEmpty()) {
        reply.insert(u"reasoning_content"_s, reasoning.join(u"\n\n"_s));
    }
    if (!toolCalls.isEmpty()) {
        reply.insert(u"tool_calls"_s, toolCalls);
    }
    const QJsonObject choice{
        {u"index"_s, 0},
        {u"message"_s, reply},
        {u"logprobs"_s, QJsonValue::Null},
        {u"finish_reason"_s, finishReasonFor(response, !toolCalls.isEmpty())},
    };
    const QString model = response.value(u"model"_s).toString();
    const qint64 createdAt = response.value(u"created_at"_s).toInteger();
    return QJsonObject{
        {u"id"_s, QString::fromLatin1(chatId(options))},
        {u"object"_s, u"chat.completion"_s},
        {u"created"_s, options.created == 0 && createdAt > 0 ? createdAt : chatCreated(options)},
        {u"model"_s, model.isEmpty() ? QString::fromUtf8(options.model) : model},
        {u"choices"_s, QJsonArray{choice}},
        {u"usage"_s, ChatUsage::fromResponses(response.value(u"usage"_s).toObject()).toJson()},
    };
}

std::unique_ptr<BodyTransform> makeResponsesStreamToChatStream(const TransformOptions &options)
{
    return std::make_unique<ResponsesStreamToChat>(options);
}

std::unique_ptr<BodyTransform> makeResponsesStreamToJson(const TransformOptions &options, ClientFormat to)
{
    return std::make_unique<ResponsesStreamToJson>(options, to);
}

std::unique_ptr<BodyTransform> makeResponsesJsonToChatJson(const TransformOptions &options)
{
    return makeJsonAnswerToChat(
        options,
        [](const QJsonObject &response) {
            const QJsonObject error = response.value(u"error"_s).toObject();
            return error.isEmpty() ? QJsonObject() : openAIErrorFromResponses(error);
        },
        responsesObjectToChat);
}

} // namespace rd::convert
