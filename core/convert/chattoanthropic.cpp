// SPDX-License-Identifier: GPL-3.0-or-later
// OpenAI Chat request → Anthropic Messages request (PROTOCOLS.md §3.9, "OpenAI Chat → Anthropic").
#include "core/convert/bridge.h"
#include "core/convert/chatoutput.h"
#include "core/convert/chatrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QList>

#include <array>

using namespace Qt::StringLiterals;

namespace rd::convert {

namespace {

struct ToolChoiceRow
{
    QLatin1String chat;
    QLatin1String anthropic;
};
constexpr std::array kToolChoices{
    ToolChoiceRow{QLatin1String("none"), QLatin1String("none")},
    ToolChoiceRow{QLatin1String("auto"), QLatin1String("auto")},
    ToolChoiceRow{QLatin1String("required"), QLatin1String("any")},
};

struct EffortBudget
{
    QLatin1String effort;
    int budgetTokens = 0; // 0: no extended thinking
};
// reasoning_effort → thinking.budget_tokens. 1024 is Anthropic's minimum budget; each step roughly quadruples.
constexpr std::array kEffortBudgets{
    EffortBudget{QLatin1String("none"), 0},
    EffortBudget{QLatin1String("minimal"), 1024},
    EffortBudget{QLatin1String("low"), 2048},
    EffortBudget{QLatin1String("medium"), 8192},
    EffortBudget{QLatin1String("high"), 16384},
};

struct Turn
{
    QString role; // user or assistant
    QJsonArray blocks;
};

// Anthropic wants alternating turns: a turn of the same role as the last one is merged into it.
void appendTurn(QList<Turn> &turns, const QString &role, const QJsonArray &blocks)
{
    if (blocks.isEmpty()) {
        return; // an empty turn (an assistant message with "" content) is rejected upstream
    }
    if (!turns.isEmpty() && turns.last().role == role) {
        for (const QJsonValue block : blocks) {
            turns.last().blocks.append(block);
        }
        return;
    }
    turns.append(Turn{role, blocks});
}

QJsonValue turnContent(const QJsonArray &blocks)
{
    if (blocks.size() == 1) {
        const QJsonObject only = blocks.first().toObject();
        if (only.size() == 2 && only.value(u"type"_s) == u"text"_s) {
            return only.value(u"text"_s); // a lone text block is sent as the plain string it came as
        }
    }
    return blocks;
}

Result<QJsonObject> imageBlock(const QJsonValue &imageUrl, const QString &where)
{
    const QString url = imageUrl.isObject() ? imageUrl.toObject().value(u"url"_s).toString() : imageUrl.toString();
    if (url.startsWith(u"http://"_s) || url.startsWith(u"https://"_s)) {
        return QJsonObject{{u"type"_s, u"image"_s}, {u"source"_s, QJsonObject{{u"type"_s, u"url"_s}, {u"url"_s, url}}}};
    }
    const Result<DataUrl> data = parseDataUrl(url);
    if (!data) {
        return fail(ErrorCode::InvalidArgument, where + u": "_s + data.error().detail);
    }
    const QJsonObject source{{u"type"_s, u"base64"_s}, {u"media_type"_s, data->mediaType}, {u"data"_s, data->data}};
    return QJsonObject{{u"type"_s, u"image"_s}, {u"source"_s, source}};
}

// A message's content (string, null or parts) → Anthropic content blocks; empty texts are left out.
Result<QJsonArray> contentBlocks(const QJsonValue &content, const QString &where)
{
    QJsonArray blocks;
    if (content.isString()) {
        if (!content.toString().isEmpty()) {
            blocks.append(QJsonObject{{u"type"_s, u"text"_s}, {u"text"_s, content}});
        }
        return blocks;
    }
    for (const QJsonValue value : content.toArray()) {
        const QJsonObject part = value.toObject();
        const QString type = part.value(u"type"_s).toString();
        if (type == u"text" || type == u"refusal") {
            const QString text = part.value(type).toString();
            if (!text.isEmpty()) {
                blocks.append(QJsonObject{{u"type"_s, u"text"_s}, {u"text"_s, text}});
            }
        } else if (type == u"image_url") {
            const Result<QJsonObject> image = imageBlock(part.value(u"image_url"_s), where);
            if (!image) {
                return tl::unexpected(image.error());
            }
            blocks.append(*image);
        } else {
            return fail(ErrorCode::InvalidArgument, u"%1: unsupported content part type '%2'"_s.arg(where, type));
        }
    }
    return blocks;
}

Result<QJsonObject> toolUseBlock(const QJsonObject &call, const QString &where)
{
    const QJsonObject function = call.value(u"function"_s).toObject();
    const QString arguments = function.value(u"arguments"_s).toString();
    QJsonObject input;
    if (!arguments.trimmed().isEmpty()) {
        bool ok = false;
        input = parseObject(arguments.toUtf8(), &ok);
        if (!ok) {
            return fail(ErrorCode::InvalidArgument,
                        u"%1: the arguments of tool call '%2' are not a JSON object"_s.arg(
                            where, call.value(u"id"_s).toString()));
        }
    }
    return QJsonObject{{u"type"_s, u"tool_use"_s},
                       {u"id"_s, call.value(u"id"_s)},
                       {u"name"_s, function.value(u"name"_s)},
                       {u"input"_s, input}};
}

Result<QJsonArray> assistantBlocks(const QJsonObject &message, const QString &where)
{
    Result<QJsonArray> blocks = contentBlocks(message.value(u"content"_s), where);
    if (!blocks) {
        return blocks;
    }
    for (const QJsonValue call : message.value(u"tool_calls"_s).toArray()) {
        const Result<QJsonObject> block = toolUseBlock(call.toObject(), where);
        if (!block) {
            return tl::unexpected(block.error());
        }
        blocks->append(*block);
    }
    return blocks;
}

Result<QJsonObject> toolResultBlock(const QJsonObject &message, const QString &where)
{
    const QString callId = message.value(u"tool_call_id"_s).toString();
    if (callId.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, where + u": a tool message needs tool_call_id"_s);
    }
    QJsonObject block{{u"type"_s, u"tool_result"_s}, {u"tool_use_id"_s, callId}};
    const QJsonValue content = message.value(u"content"_s);
    if (content.isArray()) {
        const Result<QJsonArray> blocks = contentBlocks(content, where);
        if (!blocks) {
            return tl::unexpected(blocks.error());
        }
        block.insert(u"content"_s, *blocks);
    } else {
        block.insert(u"content"_s, content.toString());
    }
    return block;
}

// Every message in order: system/developer text joined into `system`, the rest into alternating turns.
Result<void> convertMessages(const QJsonArray &messages, QJsonObject &body)
{
    QStringList system;
    QList<Turn> turns;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QJsonObject message = messages.at(i).toObject();
        const QString role = message.value(u"role"_s).toString();
        const QString where = u"messages[%1]"_s.arg(i);
        Result<QJsonArray> blocks = QJsonArray();
        if (role == u"system" || role == u"developer") {
            const QString text = plainText(message.value(u"content"_s));
            if (!text.isEmpty()) {
                system.append(text);
            }
            continue;
        } else if (role == u"user") {
            blocks = contentBlocks(message.value(u"content"_s), where);
        } else if (role == u"assistant") {
            blocks = assistantBlocks(message, where);
        } else if (role == u"tool") {
            const Result<QJsonObject> result = toolResultBlock(message, where);
            if (!result) {
                return tl::unexpected(result.error());
            }
            blocks = QJsonArray{*result};
        } else if (role.isEmpty()) {
            return fail(ErrorCode::InvalidArgument, where + u" has no role"_s);
        } else {
            return fail(ErrorCode::InvalidArgument, u"%1: unsupported role '%2'"_s.arg(where, role));
        }
        if (!blocks) {
            return tl::unexpected(blocks.error());
        }
        appendTurn(turns, role == u"assistant" ? u"assistant"_s : u"user"_s, *blocks);
    }
    if (turns.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"At least one user or assistant message with content is required"_s);
    }
    QJsonArray out;
    for (const Turn &turn : std::as_const(turns)) {
        out.append(QJsonObject{{u"role"_s, turn.role}, {u"content"_s, turnContent(turn.blocks)}});
    }
    body.insert(u"messages"_s, out);
    if (!system.isEmpty()) {
        body.insert(u"system"_s, system.join(u"\n\n"_s));
    }
    return {};
}

Result<QJsonArray> convertTools(const QJsonArray &tools)
{
    QJsonArray out;
    for (const QJsonValue value : tools) {
        const QJsonObject tool = value.toObject();
        const QJsonObject function = tool.value(u"function"_s).toObject();
        if (tool.value(u"type"_s).toString(u"function"_s) != u"function"
            || function.value(u"name"_s).toString().isEmpty()) {
            return fail(ErrorCode::InvalidArgument, u"Only function tools with a name can be used with this model"_s);
        }
        QJsonObject converted{{u"name"_s, function.value(u"name"_s)}};
        if (function.contains(u"description"_s)) {
            converted.insert(u"description"_s, function.value(u"description"_s));
        }
        const QJsonObject parameters = function.value(u"parameters"_s).toObject();
        converted.insert(u"input_schema"_s,
                         parameters.isEmpty() ? QJsonObject{{u"type"_s, u"object"_s}, {u"properties"_s, QJsonObject()}}
                                              : parameters);
        out.append(converted);
    }
    return out;
}

Result<QJsonObject> convertToolChoice(const QJsonValue &choice)
{
    if (choice.isObject()) {
        const QString name = choice.toObject().value(u"function"_s).toObject().value(u"name"_s).toString();
        if (name.isEmpty()) {
            return fail(ErrorCode::InvalidArgument, u"tool_choice names no function"_s);
        }
        return QJsonObject{{u"type"_s, u"tool"_s}, {u"name"_s, name}};
    }
    for (const ToolChoiceRow &row : kToolChoices) {
        if (choice.toString() == row.chat) {
            return QJsonObject{{u"type"_s, row.anthropic}};
        }
    }
    return fail(ErrorCode::InvalidArgument, u"Unsupported tool_choice '%1'"_s.arg(choice.toString()));
}

Result<int> thinkingBudget(const QJsonValue &effort)
{
    for (const EffortBudget &row : kEffortBudgets) {
        if (effort.toString() == row.effort) {
            return row.budgetTokens;
        }
    }
    return fail(ErrorCode::InvalidArgument, u"Unsupported reasoning_effort '%1'"_s.arg(effort.toString()));
}

// tools, tool_choice (+ parallel_tool_calls:false → disable_parallel_tool_use).
Result<void> convertToolFields(const QJsonObject &chat, QJsonObject &body)
{
    if (chat.value(u"tools"_s).isArray() && !chat.value(u"tools"_s).toArray().isEmpty()) {
        const Result<QJsonArray> tools = convertTools(chat.value(u"tools"_s).toArray());
        if (!tools) {
            return tl::unexpected(tools.error());
        }
        body.insert(u"tools"_s, *tools);
    }
    const QJsonValue choiceValue = chat.value(u"tool_choice"_s);
    if (choiceValue.isUndefined() || choiceValue.isNull()) {
        if (chat.value(u"parallel_tool_calls"_s) == QJsonValue(false) && body.contains(u"tools"_s)) {
            body.insert(u"tool_choice"_s, QJsonObject{{u"type"_s, u"auto"_s}, {u"disable_parallel_tool_use"_s, true}});
        }
        return {};
    }
    Result<QJsonObject> choice = convertToolChoice(choiceValue);
    if (!choice) {
        return tl::unexpected(choice.error());
    }
    if (chat.value(u"parallel_tool_calls"_s) == QJsonValue(false) && choice->value(u"type"_s) != u"none"_s) {
        choice->insert(u"disable_parallel_tool_use"_s, true);
    }
    body.insert(u"tool_choice"_s, *choice);
    return {};
}

// Sampling, limits and thinking. Extended thinking accepts no temperature/top_p changes and no forced tool.
Result<void> convertSampling(const QJsonObject &chat, int defaultMaxTokens, QJsonObject &body)
{
    const Result<int> maxTokens = requestedMaxTokens(chat, defaultMaxTokens);
    if (!maxTokens) {
        return tl::unexpected(maxTokens.error());
    }
    int budget = 0;
    if (chat.contains(u"reasoning_effort"_s) && !chat.value(u"reasoning_effort"_s).isNull()) {
        const Result<int> effort = thinkingBudget(chat.value(u"reasoning_effort"_s));
        if (!effort) {
            return tl::unexpected(effort.error());
        }
        const QString choice = body.value(u"tool_choice"_s).toObject().value(u"type"_s).toString();
        budget = (choice == u"any" || choice == u"tool") ? 0 : *effort;
    }
    // max_tokens counts the thinking too: the answer keeps the room the client asked for.
    body.insert(u"max_tokens"_s, budget > 0 && *maxTokens <= budget ? *maxTokens + budget : *maxTokens);
    if (budget > 0) {
        body.insert(u"thinking"_s, QJsonObject{{u"type"_s, u"enabled"_s}, {u"budget_tokens"_s, budget}});
    } else {
        for (const QLatin1String key : {QLatin1String("temperature"), QLatin1String("top_p")}) {
            if (chat.value(key).isDouble()) {
                // OpenAI allows temperature up to 2, Anthropic up to 1.
                body.insert(key, std::min(chat.value(key).toDouble(), 1.0));
            }
        }
    }
    const QStringList stops = stopSequences(chat.value(u"stop"_s));
    if (!stops.isEmpty()) {
        body.insert(u"stop_sequences"_s, QJsonArray::fromStringList(stops));
    }
    return {};
}

} // namespace

Result<ConvertedRequest> chatToAnthropic(const QJsonObject &chat, int defaultMaxTokens)
{
    const QJsonArray messages = chat.value(u"messages"_s).toArray();
    if (messages.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"Messages array is required and cannot be empty"_s);
    }
    QJsonObject body;
    if (chat.value(u"model"_s).isString()) {
        body.insert(u"model"_s, chat.value(u"model"_s));
    }
    Result<void> step = convertMessages(messages, body);
    if (step) {
        step = convertToolFields(chat, body);
    }
    if (step) {
        step = convertSampling(chat, defaultMaxTokens, body);
    }
    if (!step) {
        return tl::unexpected(step.error());
    }
    ConvertedRequest converted;
    converted.stream = chat.value(u"stream"_s).toBool();
    if (converted.stream) {
        body.insert(u"stream"_s, true);
    }
    if (chat.value(u"user"_s).isString() && !chat.value(u"user"_s).toString().isEmpty()) {
        body.insert(u"metadata"_s, QJsonObject{{u"user_id"_s, chat.value(u"user"_s)}});
    }
    converted.includeUsage = chat.value(u"stream_options"_s).toObject().value(u"include_usage"_s).toBool();
    converted.model = chat.value(u"model"_s).toString().toUtf8();
    converted.body = compactJson(body);
    return converted;
}

} // namespace rd::convert
