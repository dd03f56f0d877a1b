// SPDX-License-Identifier: GPL-3.0-or-later
// MockUpstream's OpenAI-side default answers over real loopback HTTP: Responses, ChatGPT backend, Chat Completions,
// Azure OpenAI and models, their strictness rules, gzip request bodies, and failure injection on the new builders.
#include "tests/support/mockupstream.h"
#include "tests/support/rawhttp.h"
#include "tests/support/sseparse.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::HeaderList;
using rd::test::MockReply;
using rd::test::MockUpstream;
using rd::test::parseRawResponse;
using rd::test::parseSse;
using rd::test::RawClient;
using rd::test::SseEvent;

namespace {

struct Answer
{
    int status = 0;
    HeaderList headers;
    QByteArray body;

    QByteArray header(QByteArrayView lowerName) const { return rd::http::headerValue(headers, lowerName); }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// What a Responses or Chat answer said, whether streamed or not.
struct Said
{
    QString model;
    QString text;
    QString toolName;
    QString toolArguments;
    int inputTokens = -1;
    bool usageChunk = false;      // chat stream: a chunk with empty choices and usage
    bool azureFirstChunk = false; // chat stream: prompt_filter_results before anything else
    bool wellFramed = true;       // responses: sequence numbers 0, 1, …, no [DONE]; chat: ends with [DONE]
};

const HeaderList kOpenAIKey{{"authorization"_ba, "Bearer sk-test-openai"_ba}};
const HeaderList kCodexAuth{{"authorization"_ba, "Bearer eyJaccess.token"_ba}, {"chatgpt-account-id"_ba, "acc-1"_ba}};
const HeaderList kAzureKey{{"api-key"_ba, "azure-key-1"_ba}};

QByteArray responsesBody(const QByteArray &model, bool stream, const QByteArray &extra = {})
{
    return "{\"model\":\"" + model
           + "\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}],"
             "\"store\":false,\"stream\":"
           + (stream ? "true"_ba : "false"_ba) + extra + '}';
}

QByteArray chatBody(const QByteArray &model, bool stream, bool includeUsage)
{
    return "{\"model\":\"" + model
           + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":" + (stream ? "true"_ba : "false"_ba)
           + (includeUsage ? ",\"stream_options\":{\"include_usage\":true}"_ba : QByteArray()) + '}';
}

QString outputText(const QJsonObject &response, Said &said)
{
    QString text;
    for (const QJsonValue &value : response.value("output"_L1).toArray()) {
        const QJsonObject item = value.toObject();
        if (item.value("type"_L1).toString() == "function_call"_L1) {
            said.toolName = item.value("name"_L1).toString();
            said.toolArguments = item.value("arguments"_L1).toString();
        }
        for (const QJsonValue &part : item.value("content"_L1).toArray()) {
            text += part.toObject().value("text"_L1).toString();
        }
    }
    return text;
}

Said responsesSaid(const Answer &answer)
{
    Said said;
    QJsonObject response = answer.json();
    if (answer.header("content-type").startsWith("text/event-stream")) {
        const QList<SseEvent> events = parseSse(answer.body);
        QString deltas;
        for (qsizetype i = 0; i < events.size(); ++i) {
            const QJsonObject data = events.at(i).json();
            said.wellFramed = said.wellFramed && data.value("sequence_number"_L1).toInt(-1) == i;
            if (events.at(i).event == "response.output_text.delta") {
                deltas += data.value("delta"_L1).toString();
            }
        }
        said.wellFramed = said.wellFramed && !events.isEmpty() && !answer.body.contains("[DONE]")
                          && events.constLast().event == "response.completed";
        response = events.isEmpty() ? QJsonObject() : events.constLast().json().value("response"_L1).toObject();
        said.wellFramed = said.wellFramed && deltas == outputText(response, said);
    }
    said.model = response.value("model"_L1).toString();
    said.text = outputText(response, said);
    said.inputTokens = response.value("usage"_L1).toObject().value("input_tokens"_L1).toInt(-1);
    return said;
}

void readChatMessage(const QJsonObject &message, Said &said)
{
    said.text += message.value("content"_L1).toString();
    const QJsonObject call = message.value("tool_calls"_L1).toArray().at(0).toObject();
    said.toolName += call.value("function"_L1).toObject().value("name"_L1).toString();
    said.toolArguments += call.value("function"_L1).toObject().value("arguments"_L1).toString();
}

Said chatSaid(const Answer &answer)
{
    Said said;
    if (!answer.header("content-type").startsWith("text/event-stream")) {
        const QJsonObject json = answer.json();
        said.model = json.value("model"_L1).toString();
        readChatMessage(json.value("choices"_L1).toArray().at(0).toObject().value("message"_L1).toObject(), said);
        said.inputTokens = json.value("usage"_L1).toObject().value("prompt_tokens"_L1).toInt(-1);
        return said;
    }
    const QList<SseEvent> events = parseSse(answer.body);
    said.wellFramed = !events.isEmpty() && events.constLast().data == "[DONE]";
    for (const SseEvent &event : events) {
        const QJsonObject chunk = event.json();
        said.azureFirstChunk =
            said.azureFirstChunk || (&event == &events.constFirst() && chunk.contains("prompt_filter_results"_L1));
        if (chunk.value("object"_L1).toString() != "chat.completion.chunk"_L1) {
            continue;
        }
        said.model = chunk.value("model"_L1).toString();
        const QJsonArray choices = chunk.value("choices"_L1).toArray();
        if (choices.isEmpty() && chunk.value("usage"_L1).isObject()) {
            said.usageChunk = true;
            said.inputTokens = chunk.value("usage"_L1).toObject().value("prompt_tokens"_L1).toInt(-1);
        }
        readChatMessage(choices.at(0).toObject().value("delta"_L1).toObject(), said);
    }
    return said;
}

// CRC-32 (IEEE) and a gzip member around qCompress's deflate data: an encoder independent of the mock's zlib use.
quint32 crc32Of(const QByteArray &data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char c : data) {
        crc ^= quint8(c);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

QByteArray gzipOf(const QByteArray &plain)
{
    const QByteArray zlib = qCompress(plain).mid(4); // drop qCompress's length prefix
    QByteArray out = QByteArray::fromHex("1f8b08000000000000ff");
    out += zlib.mid(2, zlib.size() - 6); // drop the zlib header and its Adler-32 trailer
    for (const quint32 word : {crc32Of(plain), quint32(plain.size())}) {
        for (int i = 0; i < 4; ++i) {
            out += char((word >> (8 * i)) & 0xFF);
        }
    }
    return out;
}

QByteArray rawPost(const QByteArray &target, const HeaderList &headers, const QByteArray &body)
{
    QByteArray out = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    for (const auto &[name, value] : headers) {
        out += name + ": " + value + "\r\n";
    }
    return out + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestMockOpenAIDefaults : public QObject
{
    Q_OBJECT
private:
    MockUpstream *m_upstream = nullptr;
    QNetworkAccessManager *m_nam = nullptr;

    Answer send(const QByteArray &method, const QString &target, const HeaderList &headers, const QByteArray &body = {})
    {
        QNetworkRequest request{QUrl(m_upstream->baseUrl() + target)};
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        for (const auto &[name, value] : headers) {
            request.setRawHeader(name, value);
        }
        QScopedPointer<QNetworkReply> reply(m_nam->sendCustomRequest(request, method, body));
        if (!reply->isFinished()) {
            QSignalSpy spy(reply.get(), &QNetworkReply::finished);
            if (!spy.wait(10000)) {
                return {};
            }
        }
        Answer answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), {}, reply->readAll()};
        for (const auto &[name, value] : reply->rawHeaderPairs()) {
            answer.headers.append({name, value});
        }
        return answer;
    }

private slots:
    void init()
    {
        m_upstream = new MockUpstream(this);
        QVERIFY(m_upstream->listen());
        m_nam = new QNetworkAccessManager(this);
        m_nam->setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    }
    void cleanup()
    {
        delete m_nam;
        delete m_upstream;
    }

    void responsesEchoTheModel_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<bool>("stream");
        QTest::addColumn<bool>("codexHeaders");
        QTest::newRow("openai json") << u"/v1/responses"_s << kOpenAIKey << false << false;
        QTest::newRow("openai stream") << u"/v1/responses"_s << kOpenAIKey << true << false;
        QTest::newRow("any prefix") << u"/some/gateway/v1/responses"_s << HeaderList{} << true << false;
        QTest::newRow("chatgpt backend") << u"/backend-api/codex/responses"_s << kCodexAuth << true << true;
        QTest::newRow("azure api-version")
            << u"/openai/responses?api-version=2025-04-01-preview"_s << kAzureKey << false << false;
        QTest::newRow("azure v1 stream") << u"/openai/v1/responses"_s << kAzureKey << true << false;
    }
    void responsesEchoTheModel()
    {
        QFETCH(QString, target);
        QFETCH(HeaderList, headers);
        QFETCH(bool, stream);
        QFETCH(bool, codexHeaders);
        const QByteArray body = responsesBody("gpt-test-7", stream);
        const Answer answer = send("POST", target, headers, body);
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.header("content-type").startsWith("text/event-stream"), stream);
        const Said said = responsesSaid(answer);
        QVERIFY(said.wellFramed);
        QCOMPARE(said.model, u"gpt-test-7"_s);
        QCOMPARE(said.text, u"Hello from gpt-test-7!"_s);
        QCOMPARE(said.inputTokens, MockUpstream::kOpenAIInputTokens);
        QCOMPARE(answer.header("x-codex-primary-window-minutes").isEmpty(), !codexHeaders);
        QCOMPARE(m_upstream->requests().constFirst().body, body);
    }

    void reasoningRequestsGetAReasoningItem()
    {
        const Answer answer = send("POST",
                                   u"/v1/responses"_s,
                                   kOpenAIKey,
                                   responsesBody("gpt-5.1", true, ",\"reasoning\":{\"effort\":\"low\"}"));
        const QList<SseEvent> events = parseSse(answer.body);
        QVERIFY(!events.isEmpty());
        const QJsonObject response = events.constLast().json().value("response"_L1).toObject();
        QCOMPARE(response.value("output"_L1).toArray().at(0).toObject().value("type"_L1).toString(), u"reasoning"_s);
        QCOMPARE(response.value("usage"_L1)
                     .toObject()
                     .value("output_tokens_details"_L1)
                     .toObject()
                     .value("reasoning_tokens"_L1)
                     .toInt(),
                 MockUpstream::kOpenAIReasoningTokens);
    }

    void responsesTools_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("toolName");
        QTest::addColumn<QString>("arguments");
        QTest::addColumn<QString>("text");
        const QByteArray weather =
            "\"tools\":[{\"type\":\"web_search\"},{\"type\":\"function\",\"name\":\"get_weather\","
            "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
        const QByteArray ask =
            "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Please use the tool\"}]}";
        for (const bool stream : {false, true}) {
            const QByteArray streamField = stream ? ",\"stream\":true" : ",\"stream\":false";
            const char *suffix = stream ? " (stream)" : " (json)";
            QTest::addRow("use the tool%s", suffix)
                << QByteArray("{\"model\":\"m\"," + weather + ",\"input\":[" + ask + ']' + streamField + '}')
                << u"get_weather"_s << u"{\"city\":\"Paris\"}"_s << QString();
            QTest::addRow("codex additional_tools%s", suffix) << QByteArray(
                "{\"model\":\"m\",\"input\":[{\"type\":\"additional_tools\",\"role\":\"developer\","
                "\"tools\":[{\"type\":\"function\",\"name\":\"shell\",\"parameters\":{\"type\":\"object\","
                "\"properties\":{\"command\":{\"type\":\"array\"}}}}]},"
                + ask + ']' + streamField + '}') << u"shell"_s << u"{}"_s
                                                              << QString();
            QTest::addRow("function_call_output%s", suffix)
                << QByteArray("{\"model\":\"m\"," + weather + ",\"input\":[" + ask
                              + ",{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"get_weather\","
                                "\"arguments\":\"{}\"},{\"type\":\"function_call_output\",\"call_id\":\"call_1\","
                                "\"output\":\"22C and sunny\"}]"
                              + streamField + '}')
                << QString() << QString() << u"Tool said: 22C and sunny"_s;
            QTest::addRow("tools, not asked%s", suffix)
                << QByteArray("{\"model\":\"m\"," + weather + ",\"input\":\"hello\"" + streamField + '}') << QString()
                << QString() << u"Hello from m!"_s;
        }
    }
    void responsesTools()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, toolName);
        QFETCH(QString, arguments);
        QFETCH(QString, text);
        const Answer answer = send("POST", u"/v1/responses"_s, kOpenAIKey, body);
        QCOMPARE(answer.status, 200);
        const Said said = responsesSaid(answer);
        QVERIFY(said.wellFramed);
        QCOMPARE(said.toolName, toolName);
        QCOMPARE(said.toolArguments, arguments);
        QCOMPARE(said.text, text);
    }

    void chatAnswers_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("usageChunk");
        QTest::addColumn<bool>("azureFirstChunk");
        QTest::newRow("json") << u"/v1/chat/completions"_s << kOpenAIKey << chatBody("gpt-4o", false, false)
                              << u"gpt-4o"_s << false << false;
        QTest::newRow("stream with usage") << u"/v1/chat/completions"_s << kOpenAIKey << chatBody("gpt-4o", true, true)
                                           << u"gpt-4o"_s << true << false;
        QTest::newRow("stream without usage") << u"/v1/chat/completions"_s << kOpenAIKey
                                              << chatBody("gpt-4o", true, false) << u"gpt-4o"_s << false << false;
        QTest::newRow("azure deployment stream")
            << u"/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-02-01"_s << kAzureKey
            << chatBody("ignored", true, true) << u"gpt4o-prod"_s << true << true;
        QTest::newRow("azure deployment json")
            << u"/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-02-01"_s << kAzureKey
            << chatBody("ignored", false, false) << u"gpt4o-prod"_s << false << false;
        QTest::newRow("azure v1") << u"/openai/v1/chat/completions"_s << kAzureKey << chatBody("my-dep", true, false)
                                  << u"my-dep"_s << false << true;
    }
    void chatAnswers()
    {
        QFETCH(QString, target);
        QFETCH(HeaderList, headers);
        QFETCH(QByteArray, body);
        QFETCH(QString, model);
        QFETCH(bool, usageChunk);
        QFETCH(bool, azureFirstChunk);
        const Answer answer = send("POST", target, headers, body);
        QCOMPARE(answer.status, 200);
        const Said said = chatSaid(answer);
        QVERIFY(said.wellFramed);
        QCOMPARE(said.model, model);
        QCOMPARE(said.text, u"Hello from "_s + model + u"!"_s);
        QCOMPARE(said.usageChunk, usageChunk);
        QCOMPARE(said.azureFirstChunk, azureFirstChunk);
        if (usageChunk || !answer.header("content-type").startsWith("text/event-stream")) {
            QCOMPARE(said.inputTokens, MockUpstream::kOpenAIInputTokens);
        }
    }

    void chatTools_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("toolName");
        QTest::addColumn<QString>("arguments");
        QTest::addColumn<QString>("text");
        const QByteArray tools =
            ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        for (const bool stream : {false, true}) {
            const QByteArray streamField = stream ? ",\"stream\":true}" : "}";
            const char *suffix = stream ? " (stream)" : " (json)";
            QTest::addRow("use the tool%s", suffix)
                << QByteArray("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                              "\"text\":\"Use the tool now\"}]}]"
                              + tools + streamField)
                << u"get_weather"_s << u"{\"city\":\"Paris\"}"_s << QString();
            QTest::addRow("tool result%s", suffix)
                << QByteArray("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"use the tool\"},"
                              "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":"
                              "\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                              "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"rainy\"}]"
                              + tools + streamField)
                << QString() << QString() << u"Tool said: rainy"_s;
        }
    }
    void chatTools()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, toolName);
        QFETCH(QString, arguments);
        QFETCH(QString, text);
        const Answer answer = send("POST", u"/v1/chat/completions"_s, kOpenAIKey, body);
        QCOMPARE(answer.status, 200);
        const Said said = chatSaid(answer);
        QVERIFY(said.wellFramed);
        QCOMPARE(said.toolName, toolName);
        QCOMPARE(said.toolArguments, arguments);
        QCOMPARE(said.text, text);
    }

    void strictness_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message"); // OpenAI shape: error.message contains it; Azure: error.code equals it
        const QByteArray ok = responsesBody("gpt-5.1", true);
        const QString codex = u"/backend-api/codex/responses"_s;
        QTest::newRow("codex: store missing") << codex << kCodexAuth << QByteArray("{\"model\":\"m\",\"stream\":true}")
                                              << 400 << u"Store must be set to false"_s;
        QTest::newRow("codex: store true")
            << codex << kCodexAuth << QByteArray("{\"model\":\"m\",\"store\":true,\"stream\":true}") << 400
            << u"Store must be set to false"_s;
        QTest::newRow("codex: stream false")
            << codex << kCodexAuth << responsesBody("gpt-5.1", false) << 400 << u"Stream must be set to true"_s;
        QTest::newRow("codex: no account id")
            << codex << HeaderList{kCodexAuth.constFirst()} << ok << 401 << u"chatgpt-account-id"_s;
        QTest::newRow("codex: no bearer") << codex << HeaderList{kCodexAuth.constLast()} << ok << 401 << u"bearer"_s;
        QTest::newRow("codex: compact") << u"/backend-api/codex/responses/compact"_s << kCodexAuth
                                        << QByteArray("{\"model\":\"m\",\"input\":[]}") << 200 << QString();
        QTest::newRow("codex: unknown path") << u"/backend-api/codex/nope"_s << kCodexAuth << ok << 404
                                             << u"Invalid URL (POST /backend-api/codex/nope)"_s;
        QTest::newRow("openai: bad json") << u"/v1/responses"_s << kOpenAIKey << "{"_ba << 400 << u"JSON"_s;
        const QString deployment = u"/openai/deployments/d1/chat/completions"_s;
        const QByteArray chat = chatBody("d1", false, false);
        QTest::newRow("azure: no api-key")
            << deployment + u"?api-version=2024-02-01"_s << HeaderList{} << chat << 401 << u"401"_s;
        QTest::newRow("azure: key as bearer") << u"/openai/v1/responses"_s << kOpenAIKey << ok << 401 << u"401"_s;
        QTest::newRow("azure: entra token") << u"/openai/v1/responses"_s << kCodexAuth << ok << 200 << QString();
        QTest::newRow("azure: no api-version") << deployment << kAzureKey << chat << 404 << u"404"_s;
        QTest::newRow("azure: responses without api-version")
            << u"/openai/responses"_s << kAzureKey << ok << 404 << u"404"_s;
        QTest::newRow("azure: unknown path") << u"/openai/v1/nope"_s << kAzureKey << ok << 404 << u"404"_s;
    }
    void strictness()
    {
        QFETCH(QString, target);
        QFETCH(HeaderList, headers);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, message);
        const Answer answer = send("POST", target, headers, body);
        QCOMPARE(answer.status, status);
        if (status == 200) {
            return;
        }
        const QJsonObject error = answer.json().value("error"_L1).toObject();
        if (target.startsWith(u"/openai/"_s)) {
            QCOMPARE(error.value("code"_L1).toString(), message);
            QVERIFY(!error.value("message"_L1).toString().isEmpty());
        } else {
            QVERIFY2(error.value("message"_L1).toString().contains(message, Qt::CaseInsensitive),
                     answer.body.constData());
            QVERIFY(error.contains("type"_L1) && error.contains("param"_L1) && error.contains("code"_L1));
        }
    }

    void compaction()
    {
        const Answer answer =
            send("POST", u"/backend-api/codex/responses/compact"_s, kCodexAuth, "{\"model\":\"gpt-5.1\",\"input\":[]}");
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.json().value("object"_L1).toString(), u"response.compaction"_s);
        QCOMPARE(answer.json().value("output"_L1).toArray().at(0).toObject().value("type"_L1).toString(),
                 u"compaction"_s);
        QVERIFY(!answer.header("x-codex-secondary-used-percent").isEmpty());
    }

    void models_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<bool>("openai");
        QTest::newRow("openai key") << u"/v1/models"_s << kOpenAIKey << true;
        QTest::newRow("anthropic key") << u"/v1/models"_s
                                       << HeaderList{{"x-api-key"_ba, "sk-ant-api03-x"_ba},
                                                     {"anthropic-version"_ba, "2023-06-01"_ba}}
                                       << false;
        QTest::newRow("claude oauth") << u"/v1/models"_s
                                      << HeaderList{{"authorization"_ba, "Bearer sk-ant-oat01-x"_ba},
                                                    {"anthropic-version"_ba, "2023-06-01"_ba}}
                                      << false;
        QTest::newRow("chatgpt backend") << u"/backend-api/codex/models"_s << kCodexAuth << true;
        QTest::newRow("azure v1") << u"/openai/v1/models"_s << kAzureKey << true;
        QTest::newRow("azure api-version") << u"/openai/models?api-version=2024-10-21"_s << kAzureKey << true;
    }
    void models()
    {
        QFETCH(QString, target);
        QFETCH(HeaderList, headers);
        QFETCH(bool, openai);
        const Answer answer = send("GET", target, headers);
        QCOMPARE(answer.status, 200);
        const QJsonObject list = answer.json();
        const QJsonObject first = list.value("data"_L1).toArray().at(0).toObject();
        if (openai) {
            QCOMPARE(list.value("object"_L1).toString(), u"list"_s);
            QCOMPARE(first.value("id"_L1).toString(), u"gpt-5.1"_s);
            QCOMPARE(first.value("object"_L1).toString(), u"model"_s);
            QCOMPARE(first.value("owned_by"_L1).toString(), u"openai"_s);
            QVERIFY(first.value("created"_L1).toDouble() > 1.6e9);
        } else {
            QCOMPARE(first.value("type"_L1).toString(), u"model"_s);
            QVERIFY(list.contains("has_more"_L1));
        }
    }

    void embeddings_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("count");
        QTest::addColumn<bool>("base64");
        QTest::newRow("azure deployment, floats")
            << u"/openai/deployments/emb-large/embeddings?api-version=2024-02-01"_s << kAzureKey
            << "{\"input\":[\"a\",\"b\"]}"_ba << u"emb-large"_s << 2 << false;
        QTest::newRow("openai, sdk default base64")
            << u"/v1/embeddings"_s << kOpenAIKey
            << "{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"encoding_format\":\"base64\"}"_ba
            << u"text-embedding-3-small"_s << 1 << true;
    }
    void embeddings()
    {
        QFETCH(QString, target);
        QFETCH(HeaderList, headers);
        QFETCH(QByteArray, body);
        QFETCH(QString, model);
        QFETCH(int, count);
        QFETCH(bool, base64);
        const Answer answer = send("POST", target, headers, body);
        QCOMPARE(answer.status, 200);
        const QJsonObject json = answer.json();
        QCOMPARE(json.value("model"_L1).toString(), model);
        const QJsonArray data = json.value("data"_L1).toArray();
        QCOMPARE(data.size(), count);
        const QJsonValue vector = data.at(0).toObject().value("embedding"_L1);
        QCOMPARE(vector.isString(), base64);
        QCOMPARE(base64 ? QByteArray::fromBase64(vector.toString().toUtf8()).size() / 4 : vector.toArray().size(), 8);
        QVERIFY(json.value("usage"_L1).toObject().value("prompt_tokens"_L1).toInt() > 0);
    }

    void gzipRequestBodyIsRecordedDecoded()
    {
        const QByteArray plain = responsesBody("gpt-gzip", false);
        const QByteArray gz = gzipOf(plain);
        RawClient client(m_upstream->port());
        client.send(rawPost("/v1/responses", {{"Content-Encoding"_ba, "gzip"_ba}}, gz));
        QTRY_VERIFY(parseRawResponse(client.received()).complete);
        const rd::test::RecordedRequest recorded = m_upstream->requests().constFirst();
        QCOMPARE(recorded.body, plain);
        QCOMPARE(recorded.rawBody, gz);
        QCOMPARE(recorded.header("content-encoding"), "gzip"_ba);
        const rd::test::RawResponse response = parseRawResponse(client.received());
        QCOMPARE(response.status, 200);
        Said said = responsesSaid(Answer{response.status, response.headers, response.body});
        QCOMPARE(said.text, u"Hello from gpt-gzip!"_s); // the default reply read the decoded body
    }

    void resetMidStream_data()
    {
        QTest::addColumn<MockReply>("reply");
        QTest::addColumn<int>("events");
        QTest::newRow("responses") << MockUpstream::responsesStream("m", {"a", "b"}, 1, 1) << 3;
        QTest::newRow("responses function call")
            << MockUpstream::responsesFunctionCallStream("m", "f", "call_1", {"{", "}"}, 1, 1) << 4;
        QTest::newRow("chat") << MockUpstream::chatStream("m", {"a", "b"}, 1, 1) << 2;
        QTest::newRow("azure chat") << MockUpstream::azureChatStream("m", {"a"}, 1, 1) << 1;
    }
    void resetMidStream()
    {
        QFETCH(MockReply, reply);
        QFETCH(int, events);
        reply.resetAfterEvents = events;
        m_upstream->enqueue(reply);
        RawClient client(m_upstream->port());
        client.send(rawPost("/v1/responses", {}, "{}"));
        QTRY_VERIFY(client.disconnected());
        QCOMPARE(client.lastError(), QAbstractSocket::RemoteHostClosedError);
        const rd::test::RawResponse response = parseRawResponse(client.received());
        QCOMPARE(response.status, 200);
        QVERIFY(!response.complete);
        QCOMPARE(response.chunks.size(), events);
        QCOMPARE(parseSse(response.body).size(), events);
    }

    void slowFirstByte_data()
    {
        QTest::addColumn<MockReply>("reply");
        QTest::newRow("responses") << MockUpstream::responsesStream("m", {"a"}, 1, 1);
        QTest::newRow("chat") << MockUpstream::chatStream("m", {"a"}, 1, 1);
        QTest::newRow("usage limit") << MockUpstream::codexUsageLimit(60);
    }
    void slowFirstByte()
    {
        QFETCH(MockReply, reply);
        reply.headerDelayMs = 300;
        const int status = reply.status;
        m_upstream->enqueue(reply);
        RawClient client(m_upstream->port());
        QElapsedTimer timer;
        qint64 firstByteMs = -1;
        connect(&client.socket(), &QTcpSocket::readyRead, this, [&] {
            if (firstByteMs < 0) {
                firstByteMs = timer.elapsed();
            }
        });
        timer.start();
        client.send(rawPost("/backend-api/codex/responses", {}, "{}"));
        QTRY_VERIFY(parseRawResponse(client.received()).complete);
        QVERIFY2(firstByteMs >= 290, QByteArray::number(firstByteMs).constData());
        QCOMPARE(parseRawResponse(client.received()).status, status);
    }
};

QTEST_GUILESS_MAIN(TestMockOpenAIDefaults)
#include "tst_mockopenaidefaults.moc"
