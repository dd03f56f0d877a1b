// SPDX-License-Identifier: GPL-3.0-or-later
// MockUpstream's default answers on the OpenAI side, built from the request so SDKs and Codex get a correct answer
// without scripting: OpenAI (§3.2, §3.3), the ChatGPT backend with its strictness (§3.4), Azure OpenAI (§3.7).
#include "tests/support/mockreplyparts.h"
#include "tests/support/mockupstream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace rd::test::detail {

namespace {

constexpr const char *kDefaultOpenAIModel = "gpt-5.1";
constexpr int kEmbeddingTokensPerInput = 8;

enum class Family
{
    OpenAI,
    Codex,
    Azure
};

// What the answer to a generation request should be: text, a call of the first function tool, or a tool result echo.
struct Plan
{
    enum class Kind
    {
        Text,
        Call,
        Result
    };
    Kind kind = Kind::Text;
    QByteArray toolName;
    QByteArray arguments;
    QByteArray toolOutput;
};

struct Request
{
    const RecordedRequest &raw;
    QByteArray path;
    QJsonObject body;
    QByteArray model; // the body's, or the Azure deployment's
    Family family = Family::OpenAI;

    bool stream() const { return body.value("stream"_L1).toBool(); }
};

QByteArray utf8(const QJsonValue &value)
{
    return value.toString().toUtf8();
}

// Text of a message's content: a string, or the `text` of each part (input_text, output_text, text).
QByteArray contentText(const QJsonValue &content)
{
    if (content.isString()) {
        return utf8(content);
    }
    QByteArray text;
    for (const QJsonValue &part : content.toArray()) {
        text += utf8(part.toObject().value("text"_L1));
    }
    return text;
}

// The first function tool of Responses (`name` at top level) or Chat (`function.name`) shape, with its arguments.
std::optional<QPair<QByteArray, QByteArray>> firstFunctionTool(const QJsonArray &tools)
{
    for (const QJsonValue &value : tools) {
        const QJsonObject tool = value.toObject();
        const QJsonObject function = tool.contains("function"_L1) ? tool.value("function"_L1).toObject() : tool;
        if (tool.value("type"_L1).toString() != "function"_L1 || function.value("name"_L1).toString().isEmpty()) {
            continue;
        }
        const bool city =
            function.value("parameters"_L1).toObject().value("properties"_L1).toObject().contains("city"_L1);
        return QPair<QByteArray, QByteArray>{utf8(function.value("name"_L1)),
                                             city ? "{\"city\":\"Paris\"}"_ba : "{}"_ba};
    }
    return std::nullopt;
}

bool asksForTool(const QByteArray &text)
{
    return text.toLower().contains("use the tool");
}

// Responses: tools at top level, or (Codex) in an input item of type additional_tools; input may be a plain string.
Plan responsesPlan(const QJsonObject &body)
{
    QJsonArray tools = body.value("tools"_L1).toArray();
    const QJsonValue input = body.value("input"_L1);
    for (const QJsonValue &item : input.toArray()) {
        if (item.toObject().value("type"_L1).toString() == "additional_tools"_L1) {
            for (const QJsonValue &tool : item.toObject().value("tools"_L1).toArray()) {
                tools.append(tool);
            }
        }
    }
    const QJsonObject last = input.toArray().isEmpty() ? QJsonObject() : input.toArray().last().toObject();
    const QString type = last.value("type"_L1).toString();
    if (type == "function_call_output"_L1 || type == "custom_tool_call_output"_L1) {
        const QJsonValue output = last.value("output"_L1);
        return Plan{Plan::Kind::Result, {}, {}, output.isString() ? utf8(output) : contentText(output)};
    }
    const QByteArray userText = input.isString()                                ? utf8(input)
                                : last.value("role"_L1).toString() == "user"_L1 ? contentText(last.value("content"_L1))
                                                                                : QByteArray();
    const auto tool = firstFunctionTool(tools);
    if (tool && asksForTool(userText)) {
        return Plan{Plan::Kind::Call, tool->first, tool->second, {}};
    }
    return Plan{};
}

Plan chatPlan(const QJsonObject &body)
{
    const QJsonArray messages = body.value("messages"_L1).toArray();
    const QJsonObject last = messages.isEmpty() ? QJsonObject() : messages.last().toObject();
    const QString role = last.value("role"_L1).toString();
    if (role == "tool"_L1) {
        return Plan{Plan::Kind::Result, {}, {}, contentText(last.value("content"_L1))};
    }
    const auto tool = firstFunctionTool(body.value("tools"_L1).toArray());
    if (tool && role == "user"_L1 && asksForTool(contentText(last.value("content"_L1)))) {
        return Plan{Plan::Kind::Call, tool->first, tool->second, {}};
    }
    return Plan{};
}

QList<QByteArray> answerPieces(const Plan &plan, const QByteArray &model)
{
    if (plan.kind == Plan::Kind::Result) {
        return {"Tool said: "_ba, plan.toolOutput};
    }
    return {"Hello from "_ba, model, "!"_ba};
}

MockReply responsesAnswer(const Request &request)
{
    const Plan plan = responsesPlan(request.body);
    const int in = MockUpstream::kOpenAIInputTokens;
    const int out = MockUpstream::kOpenAIOutputTokens;
    const int reasoning = request.body.value("reasoning"_L1).isObject() ? MockUpstream::kOpenAIReasoningTokens : 0;
    if (plan.kind == Plan::Kind::Call) {
        const QByteArray callId = nextId("call_mock");
        return request.stream() ? MockUpstream::responsesFunctionCallStream(
                   request.model, plan.toolName, callId, {plan.arguments}, in, out)
                                : MockUpstream::responsesFunctionCallJson(
                                    request.model, plan.toolName, callId, plan.arguments, in, out);
    }
    const QList<QByteArray> pieces = answerPieces(plan, request.model);
    return request.stream() ? MockUpstream::responsesStream(request.model, pieces, in, out, 0, reasoning)
                            : MockUpstream::responsesJson(request.model, pieces.join(), in, out, 0, reasoning);
}

MockReply chatAnswer(const Request &request)
{
    const Plan plan = chatPlan(request.body);
    const int in = MockUpstream::kOpenAIInputTokens;
    const int out = MockUpstream::kOpenAIOutputTokens;
    const bool usage = request.body.value("stream_options"_L1).toObject().value("include_usage"_L1).toBool();
    MockReply reply;
    if (plan.kind == Plan::Kind::Call) {
        const QByteArray callId = nextId("call_mock");
        reply = request.stream()
                    ? MockUpstream::chatToolCallStream(
                        request.model, plan.toolName, callId, {plan.arguments}, in, out, usage)
                    : MockUpstream::chatToolCallJson(request.model, plan.toolName, callId, plan.arguments, in, out);
    } else {
        const QList<QByteArray> pieces = answerPieces(plan, request.model);
        reply = request.stream() ? MockUpstream::chatStream(request.model, pieces, in, out, 0, usage)
                                 : MockUpstream::chatJson(request.model, pieces.join(), in, out);
    }
    if (request.family == Family::Azure && request.stream()) {
        const MockReply azure = MockUpstream::azureChatStream(request.model, {}, 0, 0);
        reply.events.prepend(azure.events.constFirst());
    }
    return reply;
}

MockReply embeddingsAnswer(const Request &request)
{
    const QJsonValue input = request.body.value("input"_L1);
    const bool many = input.isArray() && !input.toArray().isEmpty() && !input.toArray().first().isDouble();
    const int count = many ? int(input.toArray().size()) : 1;
    const bool base64 = request.body.value("encoding_format"_L1).toString() == "base64"_L1;
    return MockUpstream::embeddingsJson(request.model, count, count * kEmbeddingTokensPerInput, base64);
}

MockReply modelsList()
{
    static const QList<QPair<QByteArray, qint64>> models{{"gpt-5.1"_ba, 1762992000},
                                                         {"gpt-5.1-codex"_ba, 1762992000},
                                                         {"gpt-4o"_ba, 1715367049},
                                                         {"gpt-4o-mini"_ba, 1721172741},
                                                         {"text-embedding-3-small"_ba, 1705948997}};
    QByteArrayList data;
    for (const auto &[id, created] : models) {
        data.append("{\"id\":" + MockUpstream::jsonString(id) + ",\"object\":\"model\",\"created\":" + num(created)
                    + ",\"owned_by\":\"openai\"}");
    }
    return jsonReply("{\"object\":\"list\",\"data\":[" + data.join(',') + "]}");
}

MockReply invalidUrl(const Request &request)
{
    return MockUpstream::openaiError(
        404, "invalid_request_error", {}, "Invalid URL (" + request.raw.method + ' ' + request.path + ')');
}

MockReply azureError(int status, const QByteArray &message)
{
    MockReply reply = jsonReply("{\"error\":{\"code\":\"" + num(status)
                                + "\",\"message\":" + MockUpstream::jsonString(message) + "}}");
    reply.status = status;
    return reply;
}

bool isPost(const Request &request)
{
    return request.raw.method == "POST";
}

// The generation and listing endpoints every family shares, once the family's own checks passed.
MockReply commonAnswer(const Request &request)
{
    const QByteArray &path = request.path;
    if (isPost(request) && path.endsWith("/responses/compact")) {
        return MockUpstream::compactJson(
            request.model, MockUpstream::kOpenAIInputTokens, MockUpstream::kOpenAIOutputTokens);
    }
    if (isPost(request) && path.endsWith("/responses")) {
        return responsesAnswer(request);
    }
    if (isPost(request) && path.endsWith("/chat/completions")) {
        return chatAnswer(request);
    }
    if (isPost(request) && path.endsWith("/embeddings")) {
        return embeddingsAnswer(request);
    }
    if (request.raw.method == "GET" && path.endsWith("/models")) {
        return modelsList();
    }
    if (request.family == Family::Azure) {
        return azureError(404, "Resource not found");
    }
    return invalidUrl(request);
}

std::optional<MockReply> codexRejection(const Request &request)
{
    const QByteArray authorization = request.raw.header("authorization");
    if (!authorization.toLower().startsWith("bearer ") || authorization.mid(7).trimmed().isEmpty()) {
        return MockUpstream::openaiError(
            401, "invalid_request_error", "invalid_api_key", "Missing bearer authentication in header");
    }
    if (request.raw.header("chatgpt-account-id").isEmpty()) {
        return MockUpstream::openaiError(401, "invalid_request_error", {}, "Missing chatgpt-account-id header");
    }
    if (isPost(request) && request.path.endsWith("/responses")) {
        if (request.body.value("store"_L1) != QJsonValue(false)) {
            return MockUpstream::openaiError(400, "invalid_request_error", {}, "Store must be set to false");
        }
        if (request.body.value("stream"_L1) != QJsonValue(true)) {
            return MockUpstream::openaiError(400, "invalid_request_error", {}, "Stream must be set to true");
        }
    }
    return std::nullopt;
}

// Azure accepts its api-key, or an Entra ID token (a JWT) as bearer; never an API key as bearer.
std::optional<MockReply> azureRejection(const Request &request)
{
    const QByteArray authorization = request.raw.header("authorization");
    const bool entra = authorization.toLower().startsWith("bearer ey");
    if (request.raw.header("api-key").isEmpty() && !entra) {
        return azureError(401,
                          "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide "
                          "a valid key for an active subscription and use a correct regional API endpoint for your "
                          "resource.");
    }
    const QUrlQuery query(QString::fromUtf8(request.raw.target.mid(request.raw.target.indexOf('?') + 1)));
    const bool versioned = request.raw.target.contains('?') && query.hasQueryItem(u"api-version"_s);
    if (!request.path.startsWith("/openai/v1/") && !versioned) {
        return azureError(404, "Resource not found");
    }
    return std::nullopt;
}

// "/openai/deployments/{d}/…" → d
QByteArray azureDeployment(const QByteArray &path)
{
    static constexpr QByteArrayView kPrefix = "/openai/deployments/";
    if (!path.startsWith(kPrefix)) {
        return {};
    }
    const QByteArray rest = path.mid(kPrefix.size());
    return rest.left(rest.indexOf('/'));
}

bool carriesOpenAIKey(const RecordedRequest &request)
{
    const QByteArray authorization = request.header("authorization");
    return !rd::http::hasHeader(request.headers, "anthropic-version") && authorization.startsWith("Bearer sk-")
           && !authorization.startsWith("Bearer sk-ant-");
}

bool isOpenAIPath(const QByteArray &path)
{
    return path.endsWith("/responses") || path.endsWith("/responses/compact") || path.endsWith("/chat/completions")
           || path.endsWith("/embeddings");
}

} // namespace

std::optional<MockReply> openaiDefaultReply(const RecordedRequest &raw, const QByteArray &path)
{
    Request request{raw, path, {}, {}, Family::OpenAI};
    if (path.startsWith("/openai/")) {
        request.family = Family::Azure;
    } else if (path.contains("/backend-api/codex")) {
        request.family = Family::Codex;
    } else if (!isOpenAIPath(path) && !(path.endsWith("/models") && carriesOpenAIKey(raw))) {
        return std::nullopt;
    }
    if (raw.method == "POST") {
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(raw.body, &parseError);
        if (!doc.isObject()) {
            return MockUpstream::openaiError(400,
                                             "invalid_request_error",
                                             {},
                                             "We could not parse the JSON body of your request. (HINT: This likely "
                                             "means you aren't using your HTTP library correctly.)");
        }
        request.body = doc.object();
    }
    request.model = azureDeployment(path);
    if (request.model.isEmpty()) {
        request.model = utf8(request.body.value("model"_L1));
    }
    if (request.model.isEmpty()) {
        request.model = kDefaultOpenAIModel;
    }
    if (request.family == Family::Azure) {
        if (std::optional<MockReply> rejected = azureRejection(request)) {
            return rejected;
        }
    }
    if (request.family == Family::Codex) {
        if (std::optional<MockReply> rejected = codexRejection(request)) {
            return rejected;
        }
        MockReply reply = commonAnswer(request);
        if (reply.status == 200) {
            reply.headers += MockUpstream::codexUsageHeaders(12.0, 9000, 3.0, 400000);
        }
        return reply;
    }
    return commonAnswer(request);
}

} // namespace rd::test::detail
