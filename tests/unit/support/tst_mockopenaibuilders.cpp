// SPDX-License-Identifier: GPL-3.0-or-later
// MockUpstream's OpenAI-side builders parsed back: framing, field order, sequence numbers and usage (PROTOCOLS
// §3.2-§3.7).
#include "tests/support/mockupstream.h"
#include "tests/support/sseparse.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QtEndian>

#include <bit>
#include <cstring>

using namespace Qt::StringLiterals;
using rd::test::MockReply;
using rd::test::MockUpstream;
using rd::test::parseSse;
using rd::test::SseEvent;

namespace {

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

// Every event of a Responses stream: one chunk each, `event:` equal to data.type, sequence numbers 0, 1, 2 …
QList<SseEvent> checkedResponsesEvents(const MockReply &reply)
{
    QList<SseEvent> out;
    for (const auto &[delay, chunk] : reply.events) {
        const QList<SseEvent> events = parseSse(chunk);
        if (events.size() != 1 || !chunk.endsWith("\n\n") || !chunk.startsWith("event: ")) {
            qWarning() << "bad chunk" << chunk;
            return {};
        }
        const QJsonObject data = events.constFirst().json();
        if (data.isEmpty() || data.value("type"_L1).toString().toUtf8() != events.constFirst().event
            || data.value("sequence_number"_L1).toInt(-1) != out.size()
            || !events.constFirst().data.endsWith(
                QByteArray(",\"sequence_number\":" + QByteArray::number(out.size()) + '}'))) {
            qWarning() << "bad event" << chunk;
            return {};
        }
        out.append(events.constFirst());
    }
    return out;
}

QList<QByteArray> typesOf(const QList<SseEvent> &events)
{
    QList<QByteArray> types;
    for (const SseEvent &event : events) {
        types.append(event.event);
    }
    return types;
}

QList<QJsonObject> chatChunks(const MockReply &reply, bool *endsWithDone)
{
    QList<QJsonObject> chunks;
    *endsWithDone = false;
    for (const auto &[delay, chunk] : reply.events) {
        const QList<SseEvent> events = parseSse(chunk);
        if (events.size() != 1 || !events.constFirst().event.isEmpty() || !chunk.startsWith("data: ")) {
            return {};
        }
        if (events.constFirst().data == "[DONE]") {
            *endsWithDone = true;
            continue;
        }
        chunks.append(events.constFirst().json());
    }
    return chunks;
}

const QList<QByteArray> kMessageTypes{"response.output_item.added",
                                      "response.content_part.added",
                                      "response.output_text.delta",
                                      "response.output_text.delta",
                                      "response.output_text.done",
                                      "response.content_part.done",
                                      "response.output_item.done"};

} // namespace

class TestMockOpenAIBuilders : public QObject
{
    Q_OBJECT
private slots:
    void responsesStreamFollowsTheEventOrder_data()
    {
        QTest::addColumn<int>("reasoning");
        QTest::newRow("text only") << 0;
        QTest::newRow("with reasoning summary") << 64;
    }
    void responsesStreamFollowsTheEventOrder()
    {
        QFETCH(int, reasoning);
        const MockReply reply = MockUpstream::responsesStream("gpt-5.1", {"Hel", "lo"}, 900, 120, 768, reasoning, 40);
        QVERIFY(reply.sse);
        QCOMPARE(reply.status, 200);
        const QList<SseEvent> events = checkedResponsesEvents(reply);
        QVERIFY(!events.isEmpty());
        QList<QByteArray> expected{"response.created", "response.in_progress"};
        if (reasoning > 0) {
            expected << "response.output_item.added"
                     << "response.reasoning_summary_part.added"
                     << "response.reasoning_summary_text.delta"
                     << "response.reasoning_summary_text.delta"
                     << "response.reasoning_summary_text.done"
                     << "response.reasoning_summary_part.done"
                     << "response.output_item.done";
        }
        expected << kMessageTypes << "response.completed";
        QCOMPARE(typesOf(events), expected);
        QCOMPARE(reply.events.constFirst().first, 0);
        QCOMPARE(reply.events.constLast().first, 40);

        const QJsonObject created = events.constFirst().json().value("response"_L1).toObject();
        QCOMPARE(created.value("status"_L1).toString(), u"in_progress"_s);
        QVERIFY(created.value("usage"_L1).isNull());
        QVERIFY(events.constFirst().data.startsWith("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_"));

        const int messageIndex = reasoning > 0 ? 1 : 0;
        QString text;
        for (const SseEvent &event : events) {
            if (event.event == "response.output_text.delta") {
                QCOMPARE(event.json().value("output_index"_L1).toInt(), messageIndex);
                text += event.json().value("delta"_L1).toString();
            }
        }
        QCOMPARE(text, u"Hello"_s);

        const QJsonObject completed = events.constLast().json().value("response"_L1).toObject();
        QCOMPARE(completed.value("status"_L1).toString(), u"completed"_s);
        QCOMPARE(completed.value("model"_L1).toString(), u"gpt-5.1"_s);
        const QJsonArray output = completed.value("output"_L1).toArray();
        QCOMPARE(output.size(), messageIndex + 1);
        if (reasoning > 0) {
            QCOMPARE(output.at(0).toObject().value("type"_L1).toString(), u"reasoning"_s);
            QVERIFY(!output.at(0).toObject().value("summary"_L1).toArray().isEmpty());
        }
        const QJsonObject message = output.at(messageIndex).toObject();
        QCOMPARE(message.value("type"_L1).toString(), u"message"_s);
        QCOMPARE(message.value("content"_L1).toArray().at(0).toObject().value("text"_L1).toString(), u"Hello"_s);
        const QByteArray usage = "\"usage\":{\"input_tokens\":900,\"input_tokens_details\":{\"cached_tokens\":768},"
                                 "\"output_tokens\":120,\"output_tokens_details\":{\"reasoning_tokens\":"
                                 + QByteArray::number(reasoning) + "},\"total_tokens\":1020}";
        QVERIFY(events.constLast().data.contains(usage));
        for (const auto &[delay, chunk] : reply.events) {
            QVERIFY(!chunk.contains("[DONE]"));
        }
    }

    void responsesJsonIsTheCompletedObject()
    {
        const QJsonObject response = jsonOf(MockUpstream::responsesJson("gpt-5.1", "Hi there", 30, 12, 10, 4).body);
        QCOMPARE(response.value("object"_L1).toString(), u"response"_s);
        QCOMPARE(response.value("status"_L1).toString(), u"completed"_s);
        const QJsonArray output = response.value("output"_L1).toArray();
        QCOMPARE(output.size(), 2);
        QCOMPARE(output.at(1).toObject().value("content"_L1).toArray().at(0).toObject().value("text"_L1).toString(),
                 u"Hi there"_s);
        const QJsonObject usage = response.value("usage"_L1).toObject();
        QCOMPARE(usage.value("input_tokens_details"_L1).toObject().value("cached_tokens"_L1).toInt(), 10);
        QCOMPARE(usage.value("output_tokens_details"_L1).toObject().value("reasoning_tokens"_L1).toInt(), 4);
        QCOMPARE(usage.value("total_tokens"_L1).toInt(), 42);
    }

    void responsesFunctionCall()
    {
        const MockReply reply = MockUpstream::responsesFunctionCallStream(
            "gpt-5.1", "get_weather", "call_1", {"{\"city\":", "\"Paris\"}"}, 50, 9);
        const QList<SseEvent> events = checkedResponsesEvents(reply);
        QCOMPARE(typesOf(events),
                 (QList<QByteArray>{"response.created",
                                    "response.in_progress",
                                    "response.output_item.added",
                                    "response.function_call_arguments.delta",
                                    "response.function_call_arguments.delta",
                                    "response.function_call_arguments.done",
                                    "response.output_item.done",
                                    "response.completed"}));
        QCOMPARE(events.at(2).json().value("item"_L1).toObject().value("type"_L1).toString(), u"function_call"_s);
        QCOMPARE(events.at(5).json().value("arguments"_L1).toString(), u"{\"city\":\"Paris\"}"_s);
        const QJsonObject item =
            events.constLast().json().value("response"_L1).toObject().value("output"_L1).toArray().at(0).toObject();
        QCOMPARE(item.value("call_id"_L1).toString(), u"call_1"_s);
        QCOMPARE(item.value("name"_L1).toString(), u"get_weather"_s);
        QCOMPARE(item.value("arguments"_L1).toString(), u"{\"city\":\"Paris\"}"_s);

        const QJsonObject json =
            jsonOf(MockUpstream::responsesFunctionCallJson("gpt-5.1", "get_weather", "call_2", "{}", 5, 3).body);
        QCOMPARE(json.value("output"_L1).toArray().at(0).toObject().value("call_id"_L1).toString(), u"call_2"_s);
    }

    void responsesFailures()
    {
        const QList<SseEvent> failed = checkedResponsesEvents(MockUpstream::responsesFailed("server_error", "boom"));
        QCOMPARE(typesOf(failed), (QList<QByteArray>{"response.created", "response.failed"}));
        const QJsonObject response = failed.at(1).json().value("response"_L1).toObject();
        QCOMPARE(response.value("status"_L1).toString(), u"failed"_s);
        QCOMPARE(response.value("error"_L1).toObject().value("code"_L1).toString(), u"server_error"_s);
        QCOMPARE(response.value("error"_L1).toObject().value("message"_L1).toString(), u"boom"_s);

        const MockReply error = MockUpstream::responsesStreamError("server_error", "Overloaded");
        QCOMPARE(error.events.size(), 1);
        QCOMPARE(error.events.constFirst().second,
                 "event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"Overloaded\","
                 "\"param\":null,\"sequence_number\":0}\n\n"_ba);
    }

    void codexUsageLimit()
    {
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const MockReply reply = MockUpstream::codexUsageLimit(3600, "pro");
        QCOMPARE(reply.status, 429);
        const QJsonObject error = jsonOf(reply.body).value("error"_L1).toObject();
        QCOMPARE(error.value("type"_L1).toString(), u"usage_limit_reached"_s);
        QCOMPARE(error.value("plan_type"_L1).toString(), u"pro"_s);
        QCOMPARE(error.value("resets_in_seconds"_L1).toInt(), 3600);
        const qint64 resetsAt = qint64(error.value("resets_at"_L1).toDouble());
        QVERIFY(resetsAt >= before + 3600 && resetsAt <= QDateTime::currentSecsSinceEpoch() + 3600);
        QCOMPARE(rd::http::headerValue(reply.headers, "x-codex-primary-used-percent"), "100"_ba);

        const MockReply inStream = MockUpstream::codexUsageLimitInStream(60);
        QCOMPARE(inStream.status, 200);
        QVERIFY(inStream.sse);
        const SseEvent first = parseSse(inStream.events.constFirst().second).constFirst();
        QCOMPARE(first.event, "error"_ba);
        QCOMPARE(first.json().value("error"_L1).toObject().value("type"_L1).toString(), u"usage_limit_reached"_s);
        QCOMPARE(first.json().value("error"_L1).toObject().value("plan_type"_L1).toString(), u"plus"_s);
    }

    void codexUsageHeaders()
    {
        const rd::test::HeaderList headers = MockUpstream::codexUsageHeaders(12.5, 600, 40, 86400);
        QCOMPARE(rd::http::headerValue(headers, "x-codex-primary-used-percent"), "12.5"_ba);
        QCOMPARE(rd::http::headerValue(headers, "x-codex-primary-window-minutes"), "300"_ba);
        QCOMPARE(rd::http::headerValue(headers, "x-codex-primary-reset-after-seconds"), "600"_ba);
        QCOMPARE(rd::http::headerValue(headers, "x-codex-secondary-used-percent"), "40"_ba);
        QCOMPARE(rd::http::headerValue(headers, "x-codex-secondary-window-minutes"), "10080"_ba);
        QCOMPARE(rd::http::headerValue(headers, "x-codex-secondary-reset-after-seconds"), "86400"_ba);
        QVERIFY(rd::http::hasHeader(headers, "x-codex-primary-over-secondary-limit-percent"));
    }

    void openaiErrorAndCompact()
    {
        const MockReply error = MockUpstream::openaiError(
            429, "requests", "rate_limit_exceeded", "Slow down", {{"retry-after"_ba, "3"_ba}});
        QCOMPARE(error.status, 429);
        QCOMPARE(error.body,
                 "{\"error\":{\"message\":\"Slow down\",\"type\":\"requests\",\"param\":null,"
                 "\"code\":\"rate_limit_exceeded\"}}"_ba);
        QCOMPARE(rd::http::headerValue(error.headers, "retry-after"), "3"_ba);
        QVERIFY(rd::http::headerValue(error.headers, "x-request-id").startsWith("req_"));
        QVERIFY(MockUpstream::openaiError(500, "server_error", {}, "x").body.endsWith("\"code\":null}}"));

        const QJsonObject compact = jsonOf(MockUpstream::compactJson("gpt-5.1", 400, 30).body);
        QCOMPARE(compact.value("object"_L1).toString(), u"response.compaction"_s);
        const QJsonObject item = compact.value("output"_L1).toArray().at(0).toObject();
        QCOMPARE(item.value("type"_L1).toString(), u"compaction"_s);
        QVERIFY(!item.value("encrypted_content"_L1).toString().isEmpty());
        QCOMPARE(compact.value("usage"_L1).toObject().value("total_tokens"_L1).toInt(), 430);
    }

    void chatStream_data()
    {
        QTest::addColumn<bool>("includeUsage");
        QTest::newRow("with usage") << true;
        QTest::newRow("without usage") << false;
    }
    void chatStream()
    {
        QFETCH(bool, includeUsage);
        const MockReply reply = MockUpstream::chatStream("gpt-4o", {"Hi", " there"}, 20, 2, 5, includeUsage);
        bool done = false;
        const QList<QJsonObject> chunks = chatChunks(reply, &done);
        QVERIFY(done);
        QCOMPARE(reply.events.constLast().second, "data: [DONE]\n\n"_ba);
        QCOMPARE(chunks.size(), includeUsage ? 5 : 4);
        QVERIFY(reply.events.constFirst().second.startsWith(
            "data: {\"id\":\"chatcmpl-mock"_ba)); // id, object, created, model, choices[, usage]
        QString text;
        for (int i = 0; i < 4; ++i) {
            const QJsonObject chunk = chunks.at(i);
            QCOMPARE(chunk.value("object"_L1).toString(), u"chat.completion.chunk"_s);
            QCOMPARE(chunk.value("id"_L1), chunks.constFirst().value("id"_L1));
            QCOMPARE(chunk.contains("usage"_L1), includeUsage);
            QVERIFY(chunk.value("usage"_L1).isNull() || chunk.value("usage"_L1).isUndefined());
            text += chunk.value("choices"_L1)
                        .toArray()
                        .at(0)
                        .toObject()
                        .value("delta"_L1)
                        .toObject()
                        .value("content"_L1)
                        .toString();
        }
        QCOMPARE(text, u"Hi there"_s);
        const QJsonObject first = chunks.at(0).value("choices"_L1).toArray().at(0).toObject();
        QCOMPARE(first.value("delta"_L1).toObject().value("role"_L1).toString(), u"assistant"_s);
        const QJsonObject finish = chunks.at(3).value("choices"_L1).toArray().at(0).toObject();
        QCOMPARE(finish.value("finish_reason"_L1).toString(), u"stop"_s);
        if (includeUsage) {
            QVERIFY(chunks.at(4).value("choices"_L1).toArray().isEmpty());
            QVERIFY(reply.events.at(4).second.contains(
                "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":2,\"total_tokens\":22,"
                "\"prompt_tokens_details\":{\"cached_tokens\":5},\"completion_tokens_details\":{\"reasoning_tokens\":0}"
                "}"));
        }
    }

    void chatToolCallsAndJson()
    {
        bool done = false;
        const QList<QJsonObject> chunks =
            chatChunks(MockUpstream::chatToolCallStream(
                           "gpt-4o", "get_weather", "call_9", {"{\"city\"", ":\"Paris\"}"}, 30, 7, true),
                       &done);
        QVERIFY(done);
        QCOMPARE(chunks.size(), 5);
        QString arguments;
        for (const QJsonObject &chunk : chunks) {
            const QJsonObject delta = chunk.value("choices"_L1).toArray().at(0).toObject().value("delta"_L1).toObject();
            const QJsonObject call = delta.value("tool_calls"_L1).toArray().at(0).toObject();
            arguments += call.value("function"_L1).toObject().value("arguments"_L1).toString();
        }
        const QJsonObject call = chunks.at(0)
                                     .value("choices"_L1)
                                     .toArray()
                                     .at(0)
                                     .toObject()
                                     .value("delta"_L1)
                                     .toObject()
                                     .value("tool_calls"_L1)
                                     .toArray()
                                     .at(0)
                                     .toObject();
        QCOMPARE(call.value("id"_L1).toString(), u"call_9"_s);
        QCOMPARE(call.value("function"_L1).toObject().value("name"_L1).toString(), u"get_weather"_s);
        QCOMPARE(arguments, u"{\"city\":\"Paris\"}"_s);
        QCOMPARE(chunks.at(3).value("choices"_L1).toArray().at(0).toObject().value("finish_reason"_L1).toString(),
                 u"tool_calls"_s);

        const QJsonObject json = jsonOf(MockUpstream::chatJson("gpt-4o", "Hi", 20, 2).body);
        QCOMPARE(json.value("object"_L1).toString(), u"chat.completion"_s);
        const QJsonObject choice = json.value("choices"_L1).toArray().at(0).toObject();
        QCOMPARE(choice.value("message"_L1).toObject().value("content"_L1).toString(), u"Hi"_s);
        QCOMPARE(choice.value("finish_reason"_L1).toString(), u"stop"_s);
        QCOMPARE(json.value("usage"_L1).toObject().value("total_tokens"_L1).toInt(), 22);
        const QJsonObject toolJson = jsonOf(MockUpstream::chatToolCallJson("gpt-4o", "f", "call_3", "{}", 1, 1).body);
        QCOMPARE(toolJson.value("choices"_L1).toArray().at(0).toObject().value("finish_reason"_L1).toString(),
                 u"tool_calls"_s);
    }

    void azureStreamStartsWithPromptFilterResults()
    {
        const MockReply reply = MockUpstream::azureChatStream("my-deployment", {"Hi"}, 10, 1);
        bool done = false;
        const QList<QJsonObject> chunks = chatChunks(reply, &done);
        QVERIFY(done);
        QCOMPARE(chunks.size(), 5); // Azure's, role, content, finish, usage
        QVERIFY(chunks.at(0).value("choices"_L1).toArray().isEmpty());
        QVERIFY(!chunks.at(0).value("prompt_filter_results"_L1).toArray().isEmpty());
        QCOMPARE(chunks.at(1).value("model"_L1).toString(), u"my-deployment"_s);
    }

    void embeddings()
    {
        const QJsonObject floats = jsonOf(MockUpstream::embeddingsJson("text-embedding-3-small", 2, 16).body);
        const QJsonObject base64 = jsonOf(MockUpstream::embeddingsJson("text-embedding-3-small", 2, 16, true).body);
        QCOMPARE(floats.value("object"_L1).toString(), u"list"_s);
        QCOMPARE(floats.value("data"_L1).toArray().size(), 2);
        QCOMPARE(floats.value("usage"_L1).toObject().value("prompt_tokens"_L1).toInt(), 16);
        for (int i = 0; i < 2; ++i) {
            const QJsonArray vector =
                floats.value("data"_L1).toArray().at(i).toObject().value("embedding"_L1).toArray();
            const QByteArray packed = QByteArray::fromBase64(
                base64.value("data"_L1).toArray().at(i).toObject().value("embedding"_L1).toString().toUtf8());
            QCOMPARE(packed.size(), vector.size() * 4);
            for (int j = 0; j < vector.size(); ++j) {
                quint32 bits = 0;
                std::memcpy(&bits, packed.constData() + j * 4, 4);
                QCOMPARE(std::bit_cast<float>(qFromLittleEndian(bits)), float(vector.at(j).toDouble()));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestMockOpenAIBuilders)
#include "tst_mockopenaibuilders.moc"
