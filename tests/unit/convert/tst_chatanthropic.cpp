// SPDX-License-Identifier: GPL-3.0-or-later
// OpenAI Chat client ↔ Anthropic Messages upstream (PROTOCOLS.md §3.9, §3.1, §2).
#include "core/convert/bridge.h"
#include "tests/unit/convert/chataccumulator.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::convert::ClientFormat;
using rd::convert::TransformOptions;
using rd::convert::UpstreamFormat;

namespace {

QJsonObject json(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

// The Anthropic body for a chat request made of `fields` plus one user message.
QJsonObject convertWith(const QByteArray &fields)
{
    const QByteArray chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                            + QByteArray(fields.isEmpty() ? "" : ",") + fields + "}";
    const auto converted = rd::convert::chatToAnthropic(json(chat));
    if (!converted) {
        qWarning() << converted.error().detail;
        return {};
    }
    return json(converted->body);
}

TransformOptions fixedOptions(bool includeUsage)
{
    TransformOptions options;
    options.model = "client-model";
    options.includeUsage = includeUsage;
    options.id = "chatcmpl-test";
    options.created = 1764300000;
    return options;
}

// A minimal Anthropic stream ending with `stopReason`.
QByteArray streamEndingWith(const QByteArray &stopReason)
{
    return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\",\"usage\":"
           "{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
           "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\""
           + stopReason
           + "\"},\"usage\":{\"output_tokens\":2}}\n\n"
             "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
}

} // namespace

class TestChatAnthropic : public QObject
{
    Q_OBJECT
private slots:
    void fullRequestConvertsToTheExpectedBody()
    {
        const auto converted = rd::convert::chatToAnthropic(readTestJson(u"chat_request_full.json"_s));
        QVERIFY2(converted.has_value(), qPrintable(converted ? QString() : converted.error().detail));
        QCOMPARE(json(converted->body), readTestJson(u"anthropic_request_expected.json"_s));
        QCOMPARE(converted->model, "claude-sonnet-4-5"_ba);
        QVERIFY(converted->stream);
        QVERIFY(converted->includeUsage);
    }

    void rejectsWhatAClientMustFix_data()
    {
        QTest::addColumn<QByteArray>("chat");
        QTest::addColumn<QString>("message");
        QTest::newRow("no messages") << "{\"model\":\"m\"}"_ba << u"Messages array is required and cannot be empty"_s;
        QTest::newRow("empty messages") << "{\"model\":\"m\",\"messages\":[]}"_ba
                                        << u"Messages array is required and cannot be empty"_s;
        QTest::newRow("no role") << "{\"messages\":[{\"content\":\"hi\"}]}"_ba << u"messages[0] has no role"_s;
        QTest::newRow("unknown role") << "{\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}"_ba
                                      << u"unsupported role 'robot'"_s;
        QTest::newRow("only system") << "{\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}"_ba
                                     << u"At least one user or assistant message"_s;
        QTest::newRow("bad tool arguments")
            << "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"tool_calls\":[{\"id\":"
               "\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{oops\"}}]}]}"_ba
            << u"the arguments of tool call 'c1' are not a JSON object"_s;
        QTest::newRow("tool result without id")
            << "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"_ba << u"tool_call_id"_s;
        QTest::newRow("ftp image") << "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                                      "\"image_url\":{\"url\":\"ftp://x/y.png\"}}]}]}"_ba
                                   << u"http(s) URL or a base64 data URL"_s;
        QTest::newRow("audio part")
            << "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}"_ba
            << u"unsupported content part type 'input_audio'"_s;
        QTest::newRow("bad tool_choice") << "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"tool_choice\":"
                                            "\"sometimes\"}"_ba
                                         << u"Unsupported tool_choice"_s;
        QTest::newRow("bad effort") << "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"reasoning_effort\":"
                                       "\"extreme\"}"_ba
                                    << u"Unsupported reasoning_effort"_s;
        QTest::newRow("zero max_tokens") << "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"max_tokens\":0}"_ba
                                         << u"max_tokens must be a positive integer"_s;
    }
    void rejectsWhatAClientMustFix()
    {
        QFETCH(QByteArray, chat);
        QFETCH(QString, message);
        const auto converted = rd::convert::chatToAnthropic(json(chat));
        QVERIFY(!converted.has_value());
        QCOMPARE(converted.error().code, rd::ErrorCode::InvalidArgument);
        QVERIFY2(converted.error().detail.contains(message), qPrintable(converted.error().detail));
    }

    void mapsRequestFields_data()
    {
        QTest::addColumn<QByteArray>("fields");
        QTest::addColumn<QByteArray>("expected"); // the fields of the Anthropic body that must equal these
        QTest::newRow("tool_choice none") << "\"tool_choice\":\"none\""_ba
                                          << "{\"tool_choice\":{\"type\":\"none\"}}"_ba;
        QTest::newRow("tool_choice auto") << "\"tool_choice\":\"auto\""_ba
                                          << "{\"tool_choice\":{\"type\":\"auto\"}}"_ba;
        QTest::newRow("tool_choice required") << "\"tool_choice\":\"required\""_ba
                                              << "{\"tool_choice\":{\"type\":\"any\"}}"_ba;
        QTest::newRow("tool_choice function")
            << "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"_ba
            << "{\"tool_choice\":{\"type\":\"tool\",\"name\":\"f\"}}"_ba;
        QTest::newRow("no parallel tool calls") << "\"tool_choice\":\"auto\",\"parallel_tool_calls\":false"_ba
                                                << "{\"tool_choice\":{\"type\":\"auto\","
                                                   "\"disable_parallel_tool_use\":true}}"_ba;
        QTest::newRow("default max_tokens") << ""_ba
                                            << "{\"max_tokens\":4096}"_ba;
        QTest::newRow("max_tokens") << "\"max_tokens\":300"_ba
                                    << "{\"max_tokens\":300}"_ba;
        QTest::newRow("max_completion_tokens wins") << "\"max_tokens\":300,\"max_completion_tokens\":700"_ba
                                                    << "{\"max_tokens\":700}"_ba;
        QTest::newRow("stop string") << "\"stop\":\"END\""_ba
                                     << "{\"stop_sequences\":[\"END\"]}"_ba;
        QTest::newRow("stop list") << "\"stop\":[\"a\",\"\",\"b\"]"_ba
                                   << "{\"stop_sequences\":[\"a\",\"b\"]}"_ba;
        QTest::newRow("temperature capped at 1") << "\"temperature\":1.7,\"top_p\":0.5"_ba
                                                 << "{\"temperature\":1,\"top_p\":0.5}"_ba;
        QTest::newRow("user → metadata") << "\"user\":\"u1\""_ba
                                         << "{\"metadata\":{\"user_id\":\"u1\"}}"_ba;
        QTest::newRow("effort low") << "\"reasoning_effort\":\"low\",\"temperature\":0.3"_ba
                                    << "{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
                                       "\"max_tokens\":4096}"_ba;
        QTest::newRow("effort high keeps answer room")
            << "\"reasoning_effort\":\"high\",\"max_tokens\":1000"_ba
            << "{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":16384},"
               "\"max_tokens\":17384}"_ba;
        QTest::newRow("stream") << "\"stream\":true"_ba
                                << "{\"stream\":true}"_ba;
    }
    void mapsRequestFields()
    {
        QFETCH(QByteArray, fields);
        QFETCH(QByteArray, expected);
        const QJsonObject body = convertWith(fields);
        QVERIFY(!body.isEmpty());
        const QJsonObject want = json(expected);
        for (auto it = want.begin(); it != want.end(); ++it) {
            QCOMPARE(body.value(it.key()), it.value());
        }
    }

    void thinkingDropsWhatAnthropicRejectsWithIt()
    {
        const QJsonObject body = convertWith("\"reasoning_effort\":\"medium\",\"temperature\":0.3,\"top_p\":0.5"_ba);
        QCOMPARE(body.value(u"thinking"_s).toObject().value(u"budget_tokens"_s).toInt(), 8192);
        QVERIFY(!body.contains(u"temperature"_s));
        QVERIFY(!body.contains(u"top_p"_s));
        const QJsonObject forced = convertWith("\"reasoning_effort\":\"high\",\"tool_choice\":\"required\""_ba);
        QVERIFY(!forced.contains(u"thinking"_s)); // a forced tool and thinking cannot go together
        QVERIFY(!convertWith("\"reasoning_effort\":\"none\""_ba).contains(u"thinking"_s));
    }

    void mergesTurnsIntoAlternation()
    {
        const QJsonObject chat =
            json("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"},"
                 "{\"role\":\"assistant\",\"content\":\"\"},{\"role\":\"assistant\",\"content\":\"c\"},"
                 "{\"role\":\"system\",\"content\":\"late system\"},{\"role\":\"user\",\"content\":\"d\"}]}"_ba);
        const auto converted = rd::convert::chatToAnthropic(chat);
        QVERIFY(converted.has_value());
        const QJsonObject body = json(converted->body);
        QCOMPARE(body.value(u"system"_s).toString(), u"late system"_s);
        QCOMPARE(body.value(u"messages"_s).toArray(),
                 QJsonDocument::fromJson(
                     "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":"
                     "\"b\"}]},{\"role\":\"assistant\",\"content\":\"c\"},{\"role\":\"user\",\"content\":\"d\"}]")
                     .array());
        QVERIFY(!body.contains(u"stream"_s));
        QVERIFY(!converted->stream);
    }

    void streamBecomesChatChunks()
    {
        bool sawError = true;
        const QByteArray out = runTransform(UpstreamFormat::AnthropicStream,
                                            ClientFormat::ChatStream,
                                            fixedOptions(true),
                                            readTestData(u"anthropic_tool_stream.sse"_s),
                                            0,
                                            &sawError);
        const AccumulatedChat chat = accumulateChat(out);
        QVERIFY(chat.framingOk);
        QVERIFY(chat.done);
        QVERIFY(!chat.dataAfterDone);
        QVERIFY(!sawError);
        QCOMPARE(chat.ids, QSet<QString>{u"chatcmpl-test"_s});
        QCOMPARE(chat.objects, QSet<QString>{u"chat.completion.chunk"_s});
        QCOMPARE(chat.models, QSet<QString>{u"claude-sonnet-4-5-20250929"_s}); // the upstream's model wins
        QCOMPARE(chat.created, QSet<qint64>{1764300000});
        QCOMPARE(chat.chunks.first().value(u"choices"_s).toArray().first().toObject().value(u"delta"_s).toObject(),
                 json("{\"role\":\"assistant\",\"content\":\"\"}"));
        QCOMPARE(chat.role, u"assistant"_s);
        QCOMPARE(chat.reasoning, u"The user wants the weather in Paris."_s);
        QCOMPARE(chat.content, QString::fromUtf8("Let me check that for you — ☀️?"));
        QCOMPARE(chat.toolCalls.size(), 2);
        QCOMPARE(chat.toolCalls.at(0).id, u"toolu_01Ab"_s);
        QCOMPARE(chat.toolCalls.at(0).type, u"function"_s);
        QCOMPARE(chat.toolCalls.at(0).name, u"get_weather"_s);
        QCOMPARE(chat.toolCalls.at(0).arguments, u"{\"city\": \"Paris\", \"unit\": \"c\"}"_s);
        QCOMPARE(chat.toolCalls.at(1).name, u"get_time"_s);
        QCOMPARE(chat.toolCalls.at(1).arguments, u"{\"tz\":\"Europe/Paris\"}"_s);
        QCOMPARE(chat.finishReason, u"tool_calls"_s);
        QCOMPARE(chat.finishChunks, 1);
        QCOMPARE(chat.usageChunks, 1);
        QVERIFY(chat.usageChunkLast);
        QCOMPARE(chat.chunksWithNullUsage, chat.chunks.size() - 1); // every other chunk says "usage":null
        QCOMPARE(chat.usage,
                 json("{\"prompt_tokens\":1612,\"completion_tokens\":89,\"total_tokens\":1701,"
                      "\"prompt_tokens_details\":{\"cached_tokens\":1500},"
                      "\"completion_tokens_details\":{\"reasoning_tokens\":0}}"));
    }

    void streamOutputIgnoresHowBytesAreSplit()
    {
        const QByteArray upstream = readTestData(u"anthropic_tool_stream.sse"_s);
        const TransformOptions options = fixedOptions(true);
        const QByteArray whole =
            runTransform(UpstreamFormat::AnthropicStream, ClientFormat::ChatStream, options, upstream);
        QCOMPARE(runTransform(UpstreamFormat::AnthropicStream, ClientFormat::ChatStream, options, upstream, 1), whole);
        QCOMPARE(runTransform(UpstreamFormat::AnthropicStream, ClientFormat::ChatStream, options, upstream, 7), whole);
        QCOMPARE(
            firstSplitDifference(UpstreamFormat::AnthropicStream, ClientFormat::ChatStream, options, upstream, whole),
            qsizetype(-1));
        QByteArray crlf = upstream;
        crlf.replace("\n", "\r\n");
        QCOMPARE(runTransform(UpstreamFormat::AnthropicStream, ClientFormat::ChatStream, options, crlf, 3), whole);
    }

    void withoutIncludeUsageNoUsageAnywhere()
    {
        const AccumulatedChat chat = accumulateChat(runTransform(UpstreamFormat::AnthropicStream,
                                                                 ClientFormat::ChatStream,
                                                                 fixedOptions(false),
                                                                 readTestData(u"anthropic_tool_stream.sse"_s)));
        QVERIFY(chat.done);
        QCOMPARE(chat.usageChunks, 0);
        QCOMPARE(chat.chunksWithoutUsageKey, chat.chunks.size());
    }

    void stopReasonsMapToFinishReasons_data()
    {
        QTest::addColumn<QByteArray>("stopReason");
        QTest::addColumn<QString>("finishReason");
        QTest::newRow("end_turn") << "end_turn"_ba << u"stop"_s;
        QTest::newRow("stop_sequence") << "stop_sequence"_ba << u"stop"_s;
        QTest::newRow("max_tokens") << "max_tokens"_ba << u"length"_s;
        QTest::newRow("context window") << "model_context_window_exceeded"_ba << u"length"_s;
        QTest::newRow("tool_use") << "tool_use"_ba << u"tool_calls"_s;
        QTest::newRow("refusal") << "refusal"_ba << u"content_filter"_s;
        QTest::newRow("pause_turn") << "pause_turn"_ba << u"stop"_s;
    }
    void stopReasonsMapToFinishReasons()
    {
        QFETCH(QByteArray, stopReason);
        QFETCH(QString, finishReason);
        const AccumulatedChat chat = accumulateChat(runTransform(UpstreamFormat::AnthropicStream,
                                                                 ClientFormat::ChatStream,
                                                                 fixedOptions(false),
                                                                 streamEndingWith(stopReason)));
        QCOMPARE(chat.finishReason, finishReason);
        QVERIFY(chat.done);
        const QByteArray message =
            "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}],\"stop_reason\":\"" + stopReason
            + "\",\"usage\":{}}";
        const QJsonObject answer =
            json(runTransform(UpstreamFormat::AnthropicJson, ClientFormat::ChatJson, fixedOptions(false), message));
        QCOMPARE(answer.value(u"choices"_s).toArray().first().toObject().value(u"finish_reason"_s).toString(),
                 finishReason);
    }

    void streamErrorBecomesAnErrorChunkWithoutDone()
    {
        bool sawError = false;
        const QByteArray out = runTransform(UpstreamFormat::AnthropicStream,
                                            ClientFormat::ChatStream,
                                            fixedOptions(true),
                                            readTestData(u"anthropic_error_stream.sse"_s),
                                            1,
                                            &sawError);
        const AccumulatedChat chat = accumulateChat(out);
        QVERIFY(sawError);
        QVERIFY(chat.framingOk);
        QVERIFY(!chat.done);
        QCOMPARE(chat.content, u"Partial"_s);
        QCOMPARE(chat.chunks.last(),
                 json("{\"error\":{\"message\":\"Overloaded\",\"type\":\"server_error\",\"param\":null,"
                      "\"code\":\"server_is_overloaded\"}}"));
    }

    void aCutStreamEndsInAnError()
    {
        QByteArray upstream = readTestData(u"anthropic_tool_stream.sse"_s);
        upstream.truncate(upstream.indexOf("event: message_delta"));
        bool sawError = false;
        const AccumulatedChat chat = accumulateChat(runTransform(
            UpstreamFormat::AnthropicStream, ClientFormat::ChatStream, fixedOptions(true), upstream, 0, &sawError));
        QVERIFY(sawError);
        QVERIFY(!chat.done);
        QCOMPARE(chat.error.value(u"type"_s).toString(), u"server_error"_s);
        QCOMPARE(chat.finishChunks, 0);
    }

    void jsonAnswerBecomesAChatCompletion()
    {
        bool sawError = true;
        const QJsonObject answer = json(runTransform(UpstreamFormat::AnthropicJson,
                                                     ClientFormat::ChatJson,
                                                     fixedOptions(false),
                                                     readTestData(u"anthropic_message.json"_s),
                                                     5,
                                                     &sawError));
        QVERIFY(!sawError);
        const QJsonObject expected =
            json("{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion\",\"created\":1764300000,"
                 "\"model\":\"claude-sonnet-4-5-20250929\",\"choices\":[{\"index\":0,\"logprobs\":null,"
                 "\"finish_reason\":\"tool_calls\",\"message\":{\"role\":\"assistant\",\"content\":\"Checking now.\","
                 "\"refusal\":null,\"reasoning_content\":\"Need weather.\",\"tool_calls\":[{\"id\":\"toolu_01Ab\","
                 "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":"
                 "\\\"Paris\\\"}\"}}]}}],"
                 "\"usage\":{\"prompt_tokens\":1812,\"completion_tokens\":6,\"total_tokens\":1818,"
                 "\"prompt_tokens_details\":{\"cached_tokens\":300},\"completion_tokens_details\":{\"reasoning_"
                 "tokens\":0}}}");
        QCOMPARE(answer, expected);
    }

    void jsonErrorsBecomeOpenAIErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("error body")
            << "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Slow "
               "down\"}}"_ba
            << "{\"error\":{\"message\":\"Slow down\",\"type\":\"requests\",\"param\":null,"
               "\"code\":\"rate_limit_exceeded\"}}"_ba;
        QTest::newRow("not JSON") << "<html>bad gateway</html>"_ba
                                  << "{\"error\":{\"message\":\"The upstream answer is not valid JSON\",\"type\":"
                                     "\"server_error\",\"param\":null,\"code\":null}}"_ba;
    }
    void jsonErrorsBecomeOpenAIErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, expected);
        bool sawError = false;
        const QByteArray out = runTransform(
            UpstreamFormat::AnthropicJson, ClientFormat::ChatJson, fixedOptions(false), body, 0, &sawError);
        QVERIFY(sawError);
        QCOMPARE(json(out), json(expected));
    }

    void errorAnswersMapByStatus_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("expected"); // type, code, message
        const auto anthropic = [](const char *type, const char *message) -> QByteArray {
            return "{\"type\":\"error\",\"error\":{\"type\":\"" + QByteArray(type) + "\",\"message\":\""
                   + QByteArray(message) + "\"},\"request_id\":\"req_1\"}";
        };
        QTest::newRow("400") << 400 << anthropic("invalid_request_error", "bad") << "invalid_request_error||bad"_ba;
        QTest::newRow("401") << 401 << anthropic("authentication_error", "invalid x-api-key")
                             << "invalid_request_error|invalid_api_key|invalid x-api-key"_ba;
        QTest::newRow("402") << 402 << anthropic("billing_error", "pay")
                             << "insufficient_quota|insufficient_quota|pay"_ba;
        QTest::newRow("403") << 403 << anthropic("permission_error", "no")
                             << "permission_denied|permission_denied|no"_ba;
        QTest::newRow("404 model") << 404 << anthropic("not_found_error", "model: claude-x")
                                   << "invalid_request_error|model_not_found|model: claude-x"_ba;
        QTest::newRow("404 other") << 404 << anthropic("not_found_error", "Not found")
                                   << "invalid_request_error||Not found"_ba;
        QTest::newRow("413") << 413 << anthropic("request_too_large", "big")
                             << "invalid_request_error|request_too_large|big"_ba;
        QTest::newRow("429") << 429 << anthropic("rate_limit_error", "slow") << "requests|rate_limit_exceeded|slow"_ba;
        QTest::newRow("500") << 500 << anthropic("api_error", "oops") << "server_error||oops"_ba;
        QTest::newRow("502 unparsable") << 502 << "<html>"_ba
                                        << "server_error||The upstream answered HTTP 502"_ba;
        QTest::newRow("503") << 503 << anthropic("api_error", "later") << "server_error|server_is_overloaded|later"_ba;
        QTest::newRow("529") << 529 << anthropic("overloaded_error", "Overloaded")
                             << "server_error|server_is_overloaded|Overloaded"_ba;
        QTest::newRow("409 other 4xx") << 409 << "{}"_ba
                                       << "invalid_request_error||The upstream answered HTTP 409"_ba;
    }
    void errorAnswersMapByStatus()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, expected);
        const QList<QByteArray> want = expected.split('|');
        const QJsonObject error = json(rd::convert::anthropicErrorToOpenAI(status, body)).value(u"error"_s).toObject();
        QCOMPARE(error.value(u"type"_s).toString(), QString::fromUtf8(want.at(0)));
        QCOMPARE(error.value(u"code"_s),
                 want.at(1).isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(QString::fromUtf8(want.at(1))));
        QCOMPARE(error.value(u"message"_s).toString(), QString::fromUtf8(want.at(2)));
        QVERIFY(error.contains(u"param"_s));
    }

    void onlyKnownBridgesExist()
    {
        const TransformOptions options;
        QVERIFY(!rd::convert::makeTransform(UpstreamFormat::AnthropicJson, ClientFormat::ResponsesJson, options));
        QVERIFY(!rd::convert::makeTransform(UpstreamFormat::AnthropicStream, ClientFormat::ChatJson, options));
        QVERIFY(!rd::convert::makeTransform(UpstreamFormat::ResponsesJson, ClientFormat::ChatStream, options));
        QCOMPARE(rd::convert::makeTransform(UpstreamFormat::AnthropicStream, ClientFormat::ChatStream, options)
                     ->contentType(),
                 "text/event-stream"_ba);
        QCOMPARE(
            rd::convert::makeTransform(UpstreamFormat::AnthropicJson, ClientFormat::ChatJson, options)->contentType(),
            "application/json"_ba);
    }

    void randomIdsAreChatIds()
    {
        TransformOptions options;
        options.model = "fallback-model";
        const QByteArray upstream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n";
        const AccumulatedChat chat =
            accumulateChat(runTransform(UpstreamFormat::AnthropicStream, ClientFormat::ChatStream, options, upstream));
        QCOMPARE(chat.ids.size(), 1);
        QVERIFY(chat.ids.begin()->startsWith(u"chatcmpl-"_s));
        QVERIFY(chat.ids.begin()->size() > 20);
        QCOMPARE(chat.models, QSet<QString>{u"fallback-model"_s});
    }
};

QTEST_GUILESS_MAIN(TestChatAnthropic)
#include "tst_chatanthropic.moc"
