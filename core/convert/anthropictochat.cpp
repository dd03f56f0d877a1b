// SPDX-License-Identifier: GPL-3.0-or-later
// Anthropic Messages answers → OpenAI Chat answers (PROTOCOLS.md §3.9).
#include "core/convert/chatoutput.h"
#include "core/convert/sseframes.h"
#include "core/convert/transforms.h"

#include <QHash>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace rd::convert {

namespace {

// message_delta.usage counts are cumulative and older upstreams send only output_tokens there: a later value replaces
// an earlier one unless it is a zero standing in for "not counted here".
void mergeUsage(QJsonObject &into, const QJsonObject &from)
{
    for (auto it = from.begin(); it != from.end(); ++it) {
        if (it.value().isDouble() && (it.value().toInteger() != 0 || !into.contains(it.key()))) {
            into.insert(it.key(), it.value());
        }
    }
}

QJsonObject toolCallDelta(int index, const QJsonObject &fields)
{
    QJsonObject call = fields;
    call.insert(u"index"_s, index);
    return QJsonObject{{u"tool_calls"_s, QJsonArray{call}}};
}

QJsonObject errorFromAnthropic(const QJsonObject &body)
{
    const QJsonObject error = body.value(u"error"_s).toObject();
    return openAIErrorForStatus(statusForAnthropicErrorType(error.value(u"type"_s).toString()),
                                error.value(u"message"_s).toString());
}

// One per attempt, on the exchange's thread.
class AnthropicStreamToChat final : public BodyTransform
{
public:
    explicit AnthropicStreamToChat(const TransformOptions &options)
        : m_writer(options)
        , m_includeUsage(options.includeUsage)
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
        if (!m_ended) { // no message_stop: a cut answer must not look complete to the client
            fail(openAIError(u"The upstream stream ended before the message was complete"_s,
                             QLatin1String("server_error"),
                             QLatin1String()),
                 out);
        }
    }

    QByteArray contentType() const override { return "text/event-stream"_ba; }
    bool sawError() const override { return m_sawError; }

private:
    struct ToolBlock
    {
        int index = 0;
        QByteArray inputAtStart; // a non-empty input in content_block_start, sent at the stop if no delta came
        bool sawDelta = false;
    };

    void onEvent(QByteArrayView event, QByteArrayView data, QByteArray &out)
    {
        if (m_ended) {
            return;
        }
        const QJsonObject object = parseObject(data);
        QString type = object.value(u"type"_s).toString();
        if (type.isEmpty()) {
            type = QString::fromLatin1(event);
        }
        if (type == u"content_block_delta") {
            onBlockDelta(object, out);
        } else if (type == u"content_block_start") {
            onBlockStart(object, out);
        } else if (type == u"content_block_stop") {
            onBlockStop(object, out);
        } else if (type == u"message_start") {
            const QJsonObject message = object.value(u"message"_s).toObject();
            m_writer.setModel(message.value(u"model"_s).toString().toUtf8());
            mergeUsage(m_usage, message.value(u"usage"_s).toObject());
            m_writer.delta(QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u""_s}}, out);
        } else if (type == u"message_delta") {
            mergeUsage(m_usage, object.value(u"usage"_s).toObject());
            finishMessage(object.value(u"delta"_s).toObject().value(u"stop_reason"_s).toString(), out);
        } else if (type == u"message_stop") {
            finishMessage(QString(), out);
            ChatChunkWriter::done(out);
            m_ended = true;
        } else if (type == u"error") {
            fail(errorFromAnthropic(object), out);
        } // ping and unknown events carry nothing for a chat client
    }

    void onBlockStart(const QJsonObject &object, QByteArray &out)
    {
        const QJsonObject block = object.value(u"content_block"_s).toObject();
        const QString kind = block.value(u"type"_s).toString();
        if (kind == u"text") {
            sendText(u"content"_s, block.value(u"text"_s).toString(), out);
        } else if (kind == u"thinking") {
            sendText(u"reasoning_content"_s, block.value(u"thinking"_s).toString(), out);
        } else if (kind == u"tool_use") {
            ToolBlock tool;
            tool.index = m_nextTool++;
            const QJsonObject input = block.value(u"input"_s).toObject();
            if (!input.isEmpty()) {
                tool.inputAtStart = compactJson(input);
            }
            m_tools.insert(object.value(u"index"_s).toInt(), tool);
            const QJsonObject function{{u"name"_s, block.value(u"name"_s)}, {u"arguments"_s, u""_s}};
            m_writer.delta(toolCallDelta(tool.index,
                                         QJsonObject{{u"id"_s, block.value(u"id"_s)},
                                                     {u"type"_s, u"function"_s},
                                                     {u"function"_s, function}}),
                           out);
        }
    }

    void onBlockDelta(const QJsonObject &object, QByteArray &out)
    {
        const QJsonObject delta = object.value(u"delta"_s).toObject();
        const QString kind = delta.value(u"type"_s).toString();
        if (kind == u"text_delta") {
            sendText(u"content"_s, delta.value(u"text"_s).toString(), out);
        } else if (kind == u"thinking_delta") {
            sendText(u"reasoning_content"_s, delta.value(u"thinking"_s).toString(), out);
        } else if (kind == u"input_json_delta") {
            const auto tool = m_tools.find(object.value(u"index"_s).toInt());
            const QString piece = delta.value(u"partial_json"_s).toString();
            if (tool != m_tools.end() && !piece.isEmpty()) {
                tool->sawDelta = true;
                sendArguments(tool->index, piece, out);
            }
        } // signature_delta, citations_delta: nothing a chat client can use
    }

    void onBlockStop(const QJsonObject &object, QByteArray &out)
    {
        const auto tool = m_tools.constFind(object.value(u"index"_s).toInt());
        if (tool != m_tools.constEnd() && !tool->sawDelta && !tool->inputAtStart.isEmpty()) {
            sendArguments(tool->index, QString::fromUtf8(tool->inputAtStart), out);
        }
    }

    void sendText(const QString &field, const QString &text, QByteArray &out)
    {
        if (!text.isEmpty()) {
            m_writer.delta(QJsonObject{{field, text}}, out);
        }
    }

    void sendArguments(int index, const QString &piece, QByteArray &out)
    {
        m_writer.delta(toolCallDelta(index, QJsonObject{{u"function"_s, QJsonObject{{u"arguments"_s, piece}}}}), out);
    }

    // The finish_reason chunk, then the usage chunk when the client asked for it; once.
    void finishMessage(const QString &stopReason, QByteArray &out)
    {
        if (m_finished) {
            return;
        }
        m_finished = true;
        m_writer.finishReason(finishReasonForStopReason(stopReason), out);
        if (m_includeUsage) {
            m_writer.usage(ChatUsage::fromAnthropic(m_usage), out);
        }
    }

    void fail(const QJsonObject &error, QByteArray &out)
    {
        ChatChunkWriter::error(error, out);
        m_ended = true;
        m_sawError = true;
    }

    SseReader m_reader;
    ChatChunkWriter m_writer;
    bool m_includeUsage = false;
    QHash<int, ToolBlock> m_tools; // content block index → tool call
    int m_nextTool = 0;
    QJsonObject m_usage;
    bool m_finished = false;
    bool m_ended = false;
    bool m_sawError = false;
};

} // namespace

QJsonObject anthropicMessageToChat(const QJsonObject &message, const TransformOptions &options)
{
    QString text;
    QString reasoning;
    QJsonArray toolCalls;
    for (const QJsonValue value : message.value(u"content"_s).toArray()) {
        const QJsonObject block = value.toObject();
        const QString kind = block.value(u"type"_s).toString();
        if (kind == u"text") {
            text += block.value(u"text"_s).toString();
        } else if (kind == u"thinking") {
            reasoning += block.value(u"thinking"_s).toString();
        } else if (kind == u"tool_use") {
            const QJsonObject function{
                {u"name"_s, block.value(u"name"_s)},
                {u"arguments"_s, QString::fromUtf8(compactJson(block.value(u"input"_s).toObject()))},
            };
            toolCalls.append(
                QJsonObject{{u"id"_s, block.value(u"id"_s)}, {u"type"_s, u"function"_s}, {u"function"_s, function}});
        }
    }
    QJsonObject reply{{u"role"_s, u"assistant"_s}, {u"refusal"_s, QJsonValue::Null}};
    reply.insert(u"content"_s,
                 text.isEmpty() && !toolCalls.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text));
    if (!reasoning.isEmpty()) {
        reply.insert(u"reasoning_content"_s, reasoning);
    }
    if (!toolCalls.isEmpty()) {
        reply.insert(u"tool_calls"_s, toolCalls);
    }
    const QJsonObject choice{
        {u"index"_s, 0},
        {u"message"_s, reply},
        {u"logprobs"_s, QJsonValue::Null},
        {u"finish_reason"_s, finishReasonForStopReason(message.value(u"stop_reason"_s).toString())},
    };
    const QString model = message.value(u"model"_s).toString();
    return QJsonObject{
        {u"id"_s, QString::fromLatin1(chatId(options))},
        {u"object"_s, u"chat.completion"_s},
        {u"created"_s, chatCreated(options)},
        {u"model"_s, model.isEmpty() ? QString::fromUtf8(options.model) : model},
        {u"choices"_s, QJsonArray{choice}},
        {u"usage"_s, ChatUsage::fromAnthropic(message.value(u"usage"_s).toObject()).toJson()},
    };
}

std::unique_ptr<BodyTransform> makeAnthropicStreamToChatStream(const TransformOptions &options)
{
    return std::make_unique<AnthropicStreamToChat>(options);
}

std::unique_ptr<BodyTransform> makeAnthropicJsonToChatJson(const TransformOptions &options)
{
    return makeJsonAnswerToChat(
        options,
        [](const QJsonObject &message) {
            return message.value(u"type"_s) == u"error"_s ? errorFromAnthropic(message) : QJsonObject();
        },
        anthropicMessageToChat);
}

QByteArray anthropicErrorToOpenAI(int status, QByteArrayView anthropicBody)
{
    const QJsonObject body = parseObject(anthropicBody);
    QString message = body.value(u"error"_s).toObject().value(u"message"_s).toString();
    if (message.isEmpty()) {
        message = body.value(u"message"_s).toString();
    }
    return errorBody(openAIErrorForStatus(status, message));
}

} // namespace rd::convert
