// SPDX-License-Identifier: GPL-3.0-or-later
// OpenAI Chat request → OpenAI Responses request (PROTOCOLS.md §3.9, "Chat → Responses"; §3.4 for the backend).
#include "core/convert/bridge.h"
#include "core/convert/chatoutput.h"
#include "core/convert/chatrequest.h"

#include <QCryptographicHash>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace rd::convert {

namespace {

constexpr qsizetype kMaxToolName = 64; // the Responses API's limit on a function name

// Names over the limit become a 55-character prefix, "_" and 8 hex digits of the name's SHA-256: stable across
// requests (a conversation's earlier calls keep matching) and restored in the answer through `toolNames`.
class ToolNames
{
public:
    QString shorten(const QString &name)
    {
        if (name.size() <= kMaxToolName) {
            return name;
        }
        const QByteArray hash = QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex().left(8);
        QString shortName = name.left(kMaxToolName - 9) + u'_' + QString::fromLatin1(hash);
        m_map.insert(shortName.toUtf8(), name.toUtf8());
        return shortName;
    }
    const QHash<QByteArray, QByteArray> &map() const { return m_map; }

private:
    QHash<QByteArray, QByteArray> m_map;
};

QJsonObject textPart(const QString &type, const QString &text)
{
    return QJsonObject{{u"type"_s, type}, {u"text"_s, text}};
}

QJsonObject inputMessage(const QString &role, const QJsonArray &content)
{
    return QJsonObject{{u"type"_s, u"message"_s}, {u"role"_s, role}, {u"content"_s, content}};
}

// User content → input_text / input_image parts.
Result<QJsonArray> userParts(const QJsonValue &content, const QString &where)
{
    QJsonArray parts;
    if (!content.isArray()) {
        parts.append(textPart(u"input_text"_s, content.toString()));
        return parts;
    }
    for (const QJsonValue value : content.toArray()) {
        const QJsonObject part = value.toObject();
        const QString type = part.value(u"type"_s).toString();
        if (type == u"text") {
            parts.append(textPart(u"input_text"_s, part.value(u"text"_s).toString()));
        } else if (type == u"image_url") {
            const QJsonValue image = part.value(u"image_url"_s);
            const QString url = image.isObject() ? image.toObject().value(u"url"_s).toString() : image.toString();
            const QString detail = image.toObject().value(u"detail"_s).toString(u"auto"_s);
            parts.append(QJsonObject{{u"type"_s, u"input_image"_s}, {u"image_url"_s, url}, {u"detail"_s, detail}});
        } else {
            return fail(ErrorCode::InvalidArgument, u"%1: unsupported content part type '%2'"_s.arg(where, type));
        }
    }
    return parts;
}

void appendAssistant(const QJsonObject &message, ToolNames &names, QJsonArray &input)
{
    const QString text = plainText(message.value(u"content"_s));
    if (!text.isEmpty()) {
        input.append(inputMessage(u"assistant"_s, QJsonArray{textPart(u"output_text"_s, text)}));
    }
    for (const QJsonValue value : message.value(u"tool_calls"_s).toArray()) {
        const QJsonObject function = value.toObject().value(u"function"_s).toObject();
        const QString arguments = function.value(u"arguments"_s).toString(); // the API wants JSON, not ""
        input.append(QJsonObject{
            {u"type"_s, u"function_call"_s},
            {u"call_id"_s, value.toObject().value(u"id"_s)},
            {u"name"_s, names.shorten(function.value(u"name"_s).toString())},
            {u"arguments"_s, arguments.isEmpty() ? u"{}"_s : arguments},
        });
    }
}

Result<QJsonArray> convertInput(const QJsonArray &messages, ToolNames &names)
{
    QJsonArray input;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QJsonObject message = messages.at(i).toObject();
        const QString role = message.value(u"role"_s).toString();
        const QString where = u"messages[%1]"_s.arg(i);
        if (role == u"system" || role == u"developer") {
            const QJsonArray content{textPart(u"input_text"_s, plainText(message.value(u"content"_s)))};
            input.append(inputMessage(u"developer"_s, content));
        } else if (role == u"user") {
            const Result<QJsonArray> parts = userParts(message.value(u"content"_s), where);
            if (!parts) {
                return tl::unexpected(parts.error());
            }
            input.append(inputMessage(u"user"_s, *parts));
        } else if (role == u"assistant") {
            appendAssistant(message, names, input);
        } else if (role == u"tool") {
            input.append(QJsonObject{{u"type"_s, u"function_call_output"_s},
                                     {u"call_id"_s, message.value(u"tool_call_id"_s)},
                                     {u"output"_s, plainText(message.value(u"content"_s))}});
        } else if (role.isEmpty()) {
            return fail(ErrorCode::InvalidArgument, where + u" has no role"_s);
        } else {
            return fail(ErrorCode::InvalidArgument, u"%1: unsupported role '%2'"_s.arg(where, role));
        }
    }
    return input;
}

// Chat tools → Responses function tools. `strict` stays off unless asked: the Responses API would otherwise
// enforce strict schemas that ordinary chat tool schemas do not meet.
QJsonArray convertTools(const QJsonArray &tools, ToolNames &names)
{
    QJsonArray out;
    for (const QJsonValue value : tools) {
        const QJsonObject function = value.toObject().value(u"function"_s).toObject();
        QJsonObject tool{
            {u"type"_s, u"function"_s},
            {u"name"_s, names.shorten(function.value(u"name"_s).toString())},
            {u"strict"_s, function.value(u"strict"_s).toBool(false)},
        };
        const QJsonObject parameters = function.value(u"parameters"_s).toObject();
        tool.insert(u"parameters"_s,
                    parameters.isEmpty() ? QJsonObject{{u"type"_s, u"object"_s}, {u"properties"_s, QJsonObject()}}
                                         : parameters);
        if (function.contains(u"description"_s)) {
            tool.insert(u"description"_s, function.value(u"description"_s));
        }
        out.append(tool);
    }
    return out;
}

QJsonValue convertToolChoice(const QJsonValue &choice, ToolNames &names)
{
    if (!choice.isObject()) {
        return choice; // none / auto / required mean the same in both APIs
    }
    const QString name = choice.toObject().value(u"function"_s).toObject().value(u"name"_s).toString();
    return QJsonObject{{u"type"_s, u"function"_s}, {u"name"_s, names.shorten(name)}};
}

// response_format → text.format (json_schema's fields move up one level).
void convertResponseFormat(const QJsonObject &format, QJsonObject &body)
{
    const QString type = format.value(u"type"_s).toString();
    QJsonObject converted{{u"type"_s, type}};
    if (type == u"json_schema") {
        const QJsonObject schema = format.value(u"json_schema"_s).toObject();
        for (auto it = schema.begin(); it != schema.end(); ++it) {
            converted.insert(it.key(), it.value());
        }
    }
    if (!type.isEmpty()) {
        body.insert(u"text"_s, QJsonObject{{u"format"_s, converted}});
    }
}

} // namespace

Result<ConvertedRequest> chatToResponses(const QJsonObject &chat)
{
    const QJsonArray messages = chat.value(u"messages"_s).toArray();
    if (messages.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"Messages array is required and cannot be empty"_s);
    }
    ToolNames names;
    const Result<QJsonArray> input = convertInput(messages, names);
    if (!input) {
        return tl::unexpected(input.error());
    }
    const Result<int> maxTokens = requestedMaxTokens(chat, 0);
    if (!maxTokens) {
        return tl::unexpected(maxTokens.error());
    }
    QJsonObject body{
        {u"model"_s, chat.value(u"model"_s)},
        {u"input"_s, *input},
        {u"reasoning"_s,
         QJsonObject{{u"effort"_s, chat.value(u"reasoning_effort"_s).toString(u"medium"_s)},
                     {u"summary"_s, u"auto"_s}}},
        {u"store"_s, false},
        {u"stream"_s, true},
        {u"include"_s, QJsonArray{u"reasoning.encrypted_content"_s}},
    };
    if (*maxTokens > 0) {
        body.insert(u"max_output_tokens"_s, *maxTokens);
    }
    if (!chat.value(u"tools"_s).toArray().isEmpty()) {
        body.insert(u"tools"_s, convertTools(chat.value(u"tools"_s).toArray(), names));
    }
    if (chat.value(u"tool_choice"_s).isString() || chat.value(u"tool_choice"_s).isObject()) {
        body.insert(u"tool_choice"_s, convertToolChoice(chat.value(u"tool_choice"_s), names));
    }
    for (const QLatin1String key :
         {QLatin1String("parallel_tool_calls"), QLatin1String("temperature"), QLatin1String("top_p")}) {
        if (chat.value(key).isBool() || chat.value(key).isDouble()) {
            body.insert(key, chat.value(key));
        }
    }
    convertResponseFormat(chat.value(u"response_format"_s).toObject(), body);
    ConvertedRequest converted;
    converted.body = compactJson(body);
    converted.model = chat.value(u"model"_s).toString().toUtf8();
    converted.stream = true;
    converted.includeUsage = chat.value(u"stream_options"_s).toObject().value(u"include_usage"_s).toBool();
    converted.toolNames = names.map();
    return converted;
}

} // namespace rd::convert
