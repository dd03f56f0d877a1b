// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/convert/chatoutput.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRandomGenerator>

#include <array>

using namespace Qt::StringLiterals;

namespace rd::convert {

namespace {

struct AnthropicErrorStatus
{
    QLatin1String type;
    int status = 0;
};
// §2.1: Anthropic error.type by status.
constexpr std::array kAnthropicErrorStatus{
    AnthropicErrorStatus{QLatin1String("invalid_request_error"), 400},
    AnthropicErrorStatus{QLatin1String("authentication_error"), 401},
    AnthropicErrorStatus{QLatin1String("billing_error"), 402},
    AnthropicErrorStatus{QLatin1String("permission_error"), 403},
    AnthropicErrorStatus{QLatin1String("not_found_error"), 404},
    AnthropicErrorStatus{QLatin1String("request_too_large"), 413},
    AnthropicErrorStatus{QLatin1String("rate_limit_error"), 429},
    AnthropicErrorStatus{QLatin1String("api_error"), 500},
    AnthropicErrorStatus{QLatin1String("timeout_error"), 504},
    AnthropicErrorStatus{QLatin1String("overloaded_error"), 529},
};

struct OpenAIErrorKind
{
    int status = 0;
    QLatin1String type;
    QLatin1String code;
};
// §2.1/§2.2: OpenAI type/code by status. 404 gets model_not_found only when the message is about a model.
constexpr std::array kOpenAIErrorKinds{
    OpenAIErrorKind{400, QLatin1String("invalid_request_error"), QLatin1String()},
    OpenAIErrorKind{401, QLatin1String("invalid_request_error"), QLatin1String("invalid_api_key")},
    OpenAIErrorKind{402, QLatin1String("insufficient_quota"), QLatin1String("insufficient_quota")},
    OpenAIErrorKind{403, QLatin1String("permission_denied"), QLatin1String("permission_denied")},
    OpenAIErrorKind{404, QLatin1String("invalid_request_error"), QLatin1String()},
    OpenAIErrorKind{413, QLatin1String("invalid_request_error"), QLatin1String("request_too_large")},
    OpenAIErrorKind{429, QLatin1String("requests"), QLatin1String("rate_limit_exceeded")},
    OpenAIErrorKind{500, QLatin1String("server_error"), QLatin1String()},
    OpenAIErrorKind{503, QLatin1String("server_error"), QLatin1String("server_is_overloaded")},
    OpenAIErrorKind{504, QLatin1String("server_error"), QLatin1String("timeout")},
    OpenAIErrorKind{529, QLatin1String("server_error"), QLatin1String("server_is_overloaded")},
};

struct StopReason
{
    QLatin1String anthropic;
    QLatin1String chat;
};
// §3.9; a context-window stop is a length stop for a chat client. Unlisted reasons (pause_turn, …) → stop.
constexpr std::array kStopReasons{
    StopReason{QLatin1String("end_turn"), QLatin1String("stop")},
    StopReason{QLatin1String("stop_sequence"), QLatin1String("stop")},
    StopReason{QLatin1String("max_tokens"), QLatin1String("length")},
    StopReason{QLatin1String("model_context_window_exceeded"), QLatin1String("length")},
    StopReason{QLatin1String("tool_use"), QLatin1String("tool_calls")},
    StopReason{QLatin1String("refusal"), QLatin1String("content_filter")},
};

struct ResponsesErrorType
{
    QLatin1String code;
    QLatin1String type;
};
// Responses error codes → the OpenAI error type a chat client expects; unlisted codes are server errors.
constexpr std::array kResponsesErrorTypes{
    ResponsesErrorType{QLatin1String("rate_limit_exceeded"), QLatin1String("requests")},
    ResponsesErrorType{QLatin1String("insufficient_quota"), QLatin1String("insufficient_quota")},
    ResponsesErrorType{QLatin1String("usage_limit_reached"), QLatin1String("usage_limit_reached")},
    ResponsesErrorType{QLatin1String("invalid_prompt"), QLatin1String("invalid_request_error")},
    ResponsesErrorType{QLatin1String("invalid_request_error"), QLatin1String("invalid_request_error")},
    ResponsesErrorType{QLatin1String("context_length_exceeded"), QLatin1String("invalid_request_error")},
};

} // namespace

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray jsonString(QByteArrayView utf8)
{
    const QByteArray array = QJsonDocument(QJsonArray{QString::fromUtf8(utf8)}).toJson(QJsonDocument::Compact);
    return array.sliced(1, array.size() - 2);
}

QJsonObject parseObject(QByteArrayView json, bool *ok)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    const bool isObject = error.error == QJsonParseError::NoError && doc.isObject();
    if (ok != nullptr) {
        *ok = isObject;
    }
    return isObject ? doc.object() : QJsonObject();
}

QJsonObject openAIError(const QString &message, QLatin1String type, QLatin1String code)
{
    return QJsonObject{
        {u"message"_s, message},
        {u"type"_s, type},
        {u"param"_s, QJsonValue::Null},
        {u"code"_s, code.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(code)},
    };
}

QJsonObject openAIErrorForStatus(int status, const QString &message)
{
    const QString text = message.isEmpty() ? u"The upstream answered HTTP %1"_s.arg(status) : message;
    for (const OpenAIErrorKind &kind : kOpenAIErrorKinds) {
        if (kind.status != status) {
            continue;
        }
        if (status == 404 && text.contains(u"model"_s, Qt::CaseInsensitive)) {
            return openAIError(text, kind.type, QLatin1String("model_not_found"));
        }
        return openAIError(text, kind.type, kind.code);
    }
    if (status >= 500) {
        return openAIError(text, QLatin1String("server_error"), QLatin1String());
    }
    return openAIError(text, QLatin1String("invalid_request_error"), QLatin1String());
}

int statusForAnthropicErrorType(QStringView type)
{
    for (const AnthropicErrorStatus &row : kAnthropicErrorStatus) {
        if (type == row.type) {
            return row.status;
        }
    }
    return 500;
}

QJsonObject openAIErrorFromResponses(const QJsonObject &event)
{
    // Flat `error` event {code,message,param}; response.failed's response.error {code,message}; Codex's
    // {"type":"error","error":{"type":"usage_limit_reached","message":…}}.
    const QJsonObject nested = event.value(u"error"_s).toObject();
    const QJsonObject source = nested.isEmpty() ? event : nested;
    QString message = source.value(u"message"_s).toString();
    if (message.isEmpty()) {
        message = u"The upstream reported an error"_s;
    }
    const QString code = source.value(u"code"_s).toString();
    QString type = nested.isEmpty() ? QString() : nested.value(u"type"_s).toString();
    if (type.isEmpty()) {
        type = u"server_error"_s;
        for (const ResponsesErrorType &row : kResponsesErrorTypes) {
            if (code == row.code) {
                type = row.type;
            }
        }
    }
    QJsonObject error{
        {u"message"_s, message},
        {u"type"_s, type},
        {u"param"_s, source.value(u"param"_s).isString() ? source.value(u"param"_s) : QJsonValue(QJsonValue::Null)},
        {u"code"_s, code.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(code)},
    };
    if (code.isEmpty() && !nested.isEmpty()) {
        error.insert(u"code"_s, type); // Codex's usage_limit_reached has no code: the type is the code
    }
    for (const QLatin1String key : {QLatin1String("resets_at"), QLatin1String("resets_in_seconds")}) {
        if (source.contains(key)) {
            error.insert(key, source.value(key)); // extra fields SDKs ignore, a relay may read
        }
    }
    return error;
}

QByteArray errorBody(const QJsonObject &error)
{
    return compactJson(QJsonObject{{u"error"_s, error}});
}

QLatin1String finishReasonForStopReason(QStringView stopReason)
{
    for (const StopReason &row : kStopReasons) {
        if (stopReason == row.anthropic) {
            return row.chat;
        }
    }
    return QLatin1String("stop");
}

QJsonObject ChatUsage::toJson() const
{
    return QJsonObject{
        {u"prompt_tokens"_s, promptTokens},
        {u"completion_tokens"_s, completionTokens},
        {u"total_tokens"_s, totalTokens >= 0 ? totalTokens : promptTokens + completionTokens},
        {u"prompt_tokens_details"_s, QJsonObject{{u"cached_tokens"_s, cachedTokens}}},
        {u"completion_tokens_details"_s, QJsonObject{{u"reasoning_tokens"_s, reasoningTokens}}},
    };
}

ChatUsage ChatUsage::fromAnthropic(const QJsonObject &usage)
{
    // input_tokens excludes both cache counts (§3.1).
    ChatUsage chat;
    chat.cachedTokens = usage.value(u"cache_read_input_tokens"_s).toInteger();
    chat.promptTokens = usage.value(u"input_tokens"_s).toInteger()
                        + usage.value(u"cache_creation_input_tokens"_s).toInteger() + chat.cachedTokens;
    chat.completionTokens = usage.value(u"output_tokens"_s).toInteger();
    return chat;
}

ChatUsage ChatUsage::fromResponses(const QJsonObject &usage)
{
    // cached ⊂ input, reasoning ⊂ output (§3.3): the chat shape has the same inclusions.
    ChatUsage chat;
    chat.promptTokens = usage.value(u"input_tokens"_s).toInteger();
    chat.completionTokens = usage.value(u"output_tokens"_s).toInteger();
    chat.totalTokens = usage.value(u"total_tokens"_s).toInteger(-1);
    chat.cachedTokens = usage.value(u"input_tokens_details"_s).toObject().value(u"cached_tokens"_s).toInteger();
    chat.reasoningTokens = usage.value(u"output_tokens_details"_s).toObject().value(u"reasoning_tokens"_s).toInteger();
    return chat;
}

QByteArray chatId(const TransformOptions &options)
{
    if (!options.id.isEmpty()) {
        return options.id;
    }
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray id = "chatcmpl-"_ba;
    for (int i = 0; i < 24; ++i) {
        id.append(kAlphabet[QRandomGenerator::global()->bounded(int(sizeof(kAlphabet) - 1))]);
    }
    return id;
}

qint64 chatCreated(const TransformOptions &options)
{
    return options.created > 0 ? options.created : QDateTime::currentSecsSinceEpoch();
}

ChatChunkWriter::ChatChunkWriter(const TransformOptions &options)
    : m_id(chatId(options))
    , m_created(chatCreated(options))
    , m_model(options.model)
    , m_includeUsage(options.includeUsage)
{}

void ChatChunkWriter::setModel(QByteArrayView model)
{
    if (!model.isEmpty() && model != m_model) {
        m_model = model.toByteArray();
        m_prefix.clear();
    }
}

const QByteArray &ChatChunkWriter::prefix()
{
    if (m_prefix.isEmpty()) {
        m_prefix = "data: {\"id\":" + jsonString(m_id) + ",\"object\":\"chat.completion.chunk\",\"created\":"
                   + QByteArray::number(m_created) + ",\"model\":" + jsonString(m_model) + ',';
    }
    return m_prefix;
}

void ChatChunkWriter::choice(QByteArrayView deltaJson, QByteArrayView finish, QByteArray &out)
{
    out += prefix();
    out += "\"choices\":[{\"index\":0,\"delta\":";
    out += deltaJson;
    out += ",\"finish_reason\":";
    out += finish;
    out += m_includeUsage ? "}],\"usage\":null}\n\n" : "}]}\n\n";
}

void ChatChunkWriter::delta(const QJsonObject &delta, QByteArray &out)
{
    m_started = true;
    choice(compactJson(delta), "null", out);
}

void ChatChunkWriter::finishReason(QLatin1String reason, QByteArray &out)
{
    m_started = true;
    choice("{}", QByteArray('"' + QByteArray(reason.data(), reason.size()) + '"'), out);
}

void ChatChunkWriter::usage(const ChatUsage &usage, QByteArray &out)
{
    out += prefix();
    out += "\"choices\":[],\"usage\":";
    out += compactJson(usage.toJson());
    out += "}\n\n";
}

void ChatChunkWriter::done(QByteArray &out)
{
    out += "data: [DONE]\n\n";
}

void ChatChunkWriter::error(const QJsonObject &error, QByteArray &out)
{
    out += "data: ";
    out += errorBody(error);
    out += "\n\n";
}

} // namespace rd::convert
