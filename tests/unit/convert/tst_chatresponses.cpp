// SPDX-License-Identifier: GPL-3.0-or-later
// OpenAI Chat client ↔ OpenAI Responses / ChatGPT backend upstream (PROTOCOLS.md §3.9, §3.3, §3.4).
#include "core/convert/bridge.h"
#include "tests/unit/convert/chataccumulator.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::convert::ClientFormat;
using rd::convert::TransformOptions;
using rd::convert::UpstreamFormat;

namespace {

const QString kLongName = u"mcp__github_enterprise_server__search_repositories_by_topic_language_and_stars"_s;
const QString kShortName = u"mcp__github_enterprise_server__search_repositories_by_t_b35af90d"_s; // as recorded

QJsonObject json(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

TransformOptions fixedOptions(bool includeUsage)
{
    TransformOptions options;
    options.model = "client-model";
    options.includeUsage = includeUsage;
    options.id = "chatcmpl-test";
    options.created = 1764300000;
    options.toolNames.insert(kShortName.toUtf8(), kLongName.toUtf8());
    return options;
}

QByteArray sseEvent(const QByteArray &type, const QByteArray &fields)
{
    return "event: " + type + "\ndata: {\"type\":\"" + type + "\"" + (fields.isEmpty() ? "" : ",") + fields + "}\n\n";
}

QByteArray codexStream()
{
    return readTestData(u"responses_codex_stream.sse"_s);
}

// The Codex recording with its terminal event replaced by `terminal`.
QByteArray codexStreamEndingWith(const QByteArray &terminal)
{
    QByteArray upstream = codexStream();
    upstream.truncate(upstream.indexOf("event: response.completed"));
    return upstream + terminal;
}

} // namespace

class TestChatResponses : public QObject
{
    Q_OBJECT
private slots:
    void fullRequestConvertsToTheExpectedBody()
    {
        const auto converted = rd::convert::chatToResponses(readTestJson(u"chat_request_full.json"_s));
        QVERIFY2(converted.has_value(), qPrintable(converted ? QString() : converted.error().detail));
        QCOMPARE(json(converted->body), readTestJson(u"responses_request_expected.json"_s));
        QVERIFY(converted->stream);
        QVERIFY(converted->includeUsage);
        QVERIFY(converted->toolNames.isEmpty());
    }

    void upstreamAlwaysStreamsAndNeverStores()
    {
        const auto converted = rd::convert::chatToResponses(
            json("{\"model\":\"gpt-5.1\",\"stream\":false,\"reasoning_effort\":\"high\",\"max_tokens\":50,"
                 "\"tool_choice\":\"required\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        QVERIFY(converted.has_value());
        const QJsonObject body = json(converted->body);
        QCOMPARE(body.value(u"stream"_s), QJsonValue(true));
        QCOMPARE(body.value(u"store"_s), QJsonValue(false));
        QCOMPARE(body.value(u"reasoning"_s).toObject(), json("{\"effort\":\"high\",\"summary\":\"auto\"}"));
        QCOMPARE(body.value(u"max_output_tokens"_s).toInt(), 50);
        QCOMPARE(body.value(u"tool_choice"_s).toString(), u"required"_s);
        QCOMPARE(converted->model, "gpt-5.1"_ba);
        QVERIFY(converted->stream);
        QVERIFY(!converted->includeUsage);
    }

    void rejectsWhatAClientMustFix_data()
    {
        QTest::addColumn<QByteArray>("chat");
        QTest::addColumn<QString>("message");
        QTest::newRow("no messages") << "{\"model\":\"m\"}"_ba << u"Messages array is required and cannot be empty"_s;
        QTest::newRow("no role") << "{\"messages\":[{\"content\":\"x\"}]}"_ba << u"messages[0] has no role"_s;
        QTest::newRow("bad part") << "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\"}]}]}"_ba
                                  << u"unsupported content part type 'file'"_s;
        QTest::newRow("bad max_tokens") << "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":-3}"_ba
                                        << u"max_tokens must be a positive integer"_s;
    }
    void rejectsWhatAClientMustFix()
    {
        QFETCH(QByteArray, chat);
        QFETCH(QString, message);
        const auto converted = rd::convert::chatToResponses(json(chat));
        QVERIFY(!converted.has_value());
        QCOMPARE(converted.error().code, rd::ErrorCode::InvalidArgument);
        QVERIFY2(converted.error().detail.contains(message), qPrintable(converted.error().detail));
    }

    void longToolNamesAreShortenedTheSameWayEverywhere()
    {
        const QByteArray chat =
            "{\"model\":\"gpt-5.1\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"},{\"role\":\"assistant\","
            "\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\""
            + kLongName.toUtf8()
            + "\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"ok\"}],"
              "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\""
            + kLongName.toUtf8()
            + "\"}},{\"type\":\"function\",\"function\":{\"name\":\"short_one\"}}],"
              "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\""
            + kLongName.toUtf8() + "\"}}}";
        const auto converted = rd::convert::chatToResponses(json(chat));
        QVERIFY(converted.has_value());
        const QJsonObject body = json(converted->body);
        QCOMPARE(body.value(u"tools"_s).toArray().at(0).toObject().value(u"name"_s).toString(), kShortName);
        QCOMPARE(body.value(u"tools"_s).toArray().at(1).toObject().value(u"name"_s).toString(), u"short_one"_s);
        QCOMPARE(body.value(u"tool_choice"_s).toObject(),
                 QJsonObject({{u"type"_s, u"function"_s}, {u"name"_s, kShortName}}));
        QCOMPARE(body.value(u"input"_s).toArray().at(1).toObject().value(u"name"_s).toString(), kShortName);
        QCOMPARE(kShortName.size(), 64);
        QCOMPARE(converted->toolNames.size(), 1);
        QCOMPARE(converted->toolNames.value(kShortName.toUtf8()), kLongName.toUtf8());
        QCOMPARE(rd::convert::chatToResponses(json(chat))->body, converted->body); // deterministic
    }

    void codexStreamBecomesChatChunks()
    {
        bool sawError = true;
        const QByteArray out = runTransform(
            UpstreamFormat::ResponsesStream, ClientFormat::ChatStream, fixedOptions(true), codexStream(), 0, &sawError);
        const AccumulatedChat chat = accumulateChat(out);
        QVERIFY(!sawError);
        QVERIFY(chat.framingOk);
        QVERIFY(chat.done);
        QVERIFY(!chat.dataAfterDone);
        QCOMPARE(chat.ids, QSet<QString>{u"chatcmpl-test"_s});
        QCOMPARE(chat.models, QSet<QString>{u"gpt-5.1-codex"_s});
        QCOMPARE(chat.objects, QSet<QString>{u"chat.completion.chunk"_s});
        QCOMPARE(chat.chunks.first().value(u"choices"_s).toArray().first().toObject().value(u"delta"_s).toObject(),
                 json("{\"role\":\"assistant\",\"content\":\"\"}"));
        QCOMPARE(chat.reasoning, u"**Planning** the search\n\nThen answer."_s);
        QCOMPARE(chat.content, QString::fromUtf8("Searching now — ✓"));
        QCOMPARE(chat.toolCalls.size(), 2);
        QCOMPARE(chat.toolCalls.at(0).id, u"call_Ab12"_s);
        QCOMPARE(chat.toolCalls.at(0).type, u"function"_s);
        QCOMPARE(chat.toolCalls.at(0).name, kLongName); // restored
        QCOMPARE(chat.toolCalls.at(0).arguments, u"{\"topic\":\"qt\",\"stars\":100}"_s);
        QCOMPARE(chat.toolCalls.at(1).id, u"call_Cd34"_s);
        QCOMPARE(chat.toolCalls.at(1).name, u"read_file"_s);
        QCOMPARE(chat.toolCalls.at(1).arguments, u"{\"path\":\"README.md\"}"_s); // from output_item.done only
        QCOMPARE(chat.finishReason, u"tool_calls"_s);
        QCOMPARE(chat.finishChunks, 1);
        QCOMPARE(chat.usageChunks, 1);
        QVERIFY(chat.usageChunkLast);
        QCOMPARE(chat.chunksWithNullUsage, chat.chunks.size() - 1);
        QCOMPARE(chat.usage,
                 json("{\"prompt_tokens\":900,\"completion_tokens\":120,\"total_tokens\":1020,"
                      "\"prompt_tokens_details\":{\"cached_tokens\":768},"
                      "\"completion_tokens_details\":{\"reasoning_tokens\":64}}"));
        QVERIFY(!out.contains("obfuscation"));
    }

    void streamOutputIgnoresHowBytesAreSplit()
    {
        const TransformOptions options = fixedOptions(true);
        const QByteArray upstream = codexStream();
        for (const ClientFormat to : {ClientFormat::ChatStream, ClientFormat::ChatJson, ClientFormat::ResponsesJson}) {
            const QByteArray whole = runTransform(UpstreamFormat::ResponsesStream, to, options, upstream);
            QVERIFY(!whole.isEmpty());
            QCOMPARE(runTransform(UpstreamFormat::ResponsesStream, to, options, upstream, 1), whole);
            QCOMPARE(firstSplitDifference(UpstreamFormat::ResponsesStream, to, options, upstream, whole),
                     qsizetype(-1));
        }
    }

    void finishReasons_data()
    {
        QTest::addColumn<QByteArray>("terminal");
        QTest::addColumn<QString>("finishReason");
        QTest::newRow("completed with calls")
            << sseEvent("response.completed", "\"response\":{\"status\":\"completed\",\"usage\":{}}")
            << u"tool_calls"_s;
        QTest::newRow("max_output_tokens") << sseEvent(
            "response.incomplete",
            "\"response\":{\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"}}")
                                           << u"length"_s;
        QTest::newRow("content_filter") << sseEvent(
            "response.incomplete",
            "\"response\":{\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"content_filter\"}}")
                                        << u"content_filter"_s;
    }
    void finishReasons()
    {
        QFETCH(QByteArray, terminal);
        QFETCH(QString, finishReason);
        const AccumulatedChat chat = accumulateChat(runTransform(UpstreamFormat::ResponsesStream,
                                                                 ClientFormat::ChatStream,
                                                                 fixedOptions(false),
                                                                 codexStreamEndingWith(terminal)));
        QCOMPARE(chat.finishReason, finishReason);
        QVERIFY(chat.done);
        QCOMPARE(chat.usageChunks, 0);
        QCOMPARE(chat.chunksWithoutUsageKey, chat.chunks.size());
    }

    void plainAnswerStopsAndCreatesItsRoleChunk()
    {
        const QByteArray upstream =
            sseEvent("response.created", "\"response\":{\"model\":\"gpt-5.1\",\"status\":\"in_progress\"}")
            + sseEvent("response.output_text.delta", "\"delta\":\"Hi\",\"obfuscation\":\"abc\"")
            + sseEvent("response.completed", "\"response\":{\"status\":\"completed\"}");
        const AccumulatedChat chat = accumulateChat(
            runTransform(UpstreamFormat::ResponsesStream, ClientFormat::ChatStream, fixedOptions(false), upstream));
        QCOMPARE(chat.chunks.size(), 3);
        QCOMPARE(chat.role, u"assistant"_s);
        QCOMPARE(chat.content, u"Hi"_s);
        QCOMPARE(chat.finishReason, u"stop"_s);
        QVERIFY(chat.done);
    }

    void streamErrorsBecomeErrorChunks_data()
    {
        QTest::addColumn<QByteArray>("terminal");
        QTest::addColumn<QByteArray>("error");
        QTest::newRow("error event")
            << sseEvent("error", "\"code\":\"server_error\",\"message\":\"Something broke\",\"param\":null")
            << "{\"message\":\"Something broke\",\"type\":\"server_error\",\"param\":null,\"code\":\"server_error\"}"_ba;
        QTest::newRow("rate limit") << sseEvent("error", "\"code\":\"rate_limit_exceeded\",\"message\":\"Slow\"")
                                    << "{\"message\":\"Slow\",\"type\":\"requests\",\"param\":null,"
                                       "\"code\":\"rate_limit_exceeded\"}"_ba;
        QTest::newRow("codex usage limit")
            << sseEvent("error",
                        "\"error\":{\"type\":\"usage_limit_reached\",\"message\":\"The usage limit has been reached\","
                        "\"plan_type\":\"plus\",\"resets_at\":1767225600,\"resets_in_seconds\":3600}")
            << "{\"message\":\"The usage limit has been reached\",\"type\":\"usage_limit_reached\",\"param\":null,"
               "\"code\":\"usage_limit_reached\",\"resets_at\":1767225600,\"resets_in_seconds\":3600}"_ba;
        QTest::newRow("response.failed")
            << sseEvent(
                   "response.failed",
                   "\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"Failed\"}}")
            << "{\"message\":\"Failed\",\"type\":\"server_error\",\"param\":null,\"code\":\"server_error\"}"_ba;
        QTest::newRow("cut short") << ""_ba
                                   << "{\"message\":\"The upstream stream ended before the response was complete\","
                                      "\"type\":\"server_error\",\"param\":null,\"code\":null}"_ba;
    }
    void streamErrorsBecomeErrorChunks()
    {
        QFETCH(QByteArray, terminal);
        QFETCH(QByteArray, error);
        const QByteArray upstream = codexStreamEndingWith(terminal) + sseEvent("response.completed", "\"response\":{}");
        const QByteArray cut = terminal.isEmpty() ? codexStreamEndingWith({}) : upstream;
        bool sawError = false;
        const AccumulatedChat chat = accumulateChat(runTransform(
            UpstreamFormat::ResponsesStream, ClientFormat::ChatStream, fixedOptions(true), cut, 0, &sawError));
        QVERIFY(sawError);
        QVERIFY(chat.framingOk);
        QVERIFY(!chat.done);
        QCOMPARE(chat.finishChunks, 0); // nothing after the error, not even the trailing completed event
        QCOMPARE(chat.chunks.last(), QJsonObject({{u"error"_s, json(error)}}));
        // A JSON client gets the same error as its whole body.
        sawError = false;
        const QByteArray body = runTransform(
            UpstreamFormat::ResponsesStream, ClientFormat::ChatJson, fixedOptions(true), cut, 0, &sawError);
        QVERIFY(sawError);
        QCOMPARE(json(body), QJsonObject({{u"error"_s, json(error)}}));
    }

    void collectedStreamIsTheCompletedResponse()
    {
        bool sawError = true;
        const QByteArray out = runTransform(UpstreamFormat::ResponsesStream,
                                            ClientFormat::ResponsesJson,
                                            TransformOptions(),
                                            codexStream(),
                                            3,
                                            &sawError);
        QVERIFY(!sawError);
        QCOMPARE(json(out), readTestJson(u"responses_codex_completed.json"_s));
    }

    void emptyCompletedOutputIsRebuiltFromItems()
    {
        QJsonObject completed = readTestJson(u"responses_codex_completed.json"_s);
        const QJsonArray output = completed.value(u"output"_s).toArray();
        completed.insert(u"output"_s, QJsonArray());
        const QByteArray terminal =
            sseEvent("response.completed", "\"response\":" + QJsonDocument(completed).toJson(QJsonDocument::Compact));
        const QJsonObject out = json(runTransform(UpstreamFormat::ResponsesStream,
                                                  ClientFormat::ResponsesJson,
                                                  TransformOptions(),
                                                  codexStreamEndingWith(terminal)));
        QCOMPARE(out.value(u"output"_s).toArray(), output);
    }

    void collectedStreamBecomesAChatCompletion()
    {
        const QJsonObject answer = json(
            runTransform(UpstreamFormat::ResponsesStream, ClientFormat::ChatJson, fixedOptions(false), codexStream()));
        const QJsonObject expected = json(
            "{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion\",\"created\":1764300000,\"model\":\"gpt-5.1-"
            "codex\","
            "\"choices\":[{\"index\":0,\"logprobs\":null,\"finish_reason\":\"tool_calls\",\"message\":{\"role\":"
            "\"assistant\",\"content\":\"Searching now \\u2014 \\u2713\",\"refusal\":null,\"reasoning_content\":"
            "\"**Planning** the search\\n\\nThen answer.\",\"tool_calls\":[{\"id\":\"call_Ab12\",\"type\":\"function\","
            "\"function\":{\"name\":\""
            + kLongName.toUtf8()
            + "\",\"arguments\":\"{\\\"topic\\\":\\\"qt\\\",\\\"stars\\\":100}\"}},{\"id\":\"call_Cd34\",\"type\":"
              "\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"{\\\"path\\\":\\\"README.md\\\"}\"}}]}"
              "}],"
              "\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":120,\"total_tokens\":1020,"
              "\"prompt_tokens_details\":{\"cached_tokens\":768},\"completion_tokens_details\":{\"reasoning_tokens\":"
              "64}}}");
        QCOMPARE(answer, expected);
    }

    void jsonAnswerBecomesAChatCompletion()
    {
        bool sawError = true;
        const QByteArray body =
            "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1700000000,\"status\":"
            "\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"model\":"
            "\"gpt-4.1\",\"output\":[{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":"
            "\"output_text\",\"text\":\"Cut\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":10,"
            "\"output_tokens\":5,\"total_tokens\":15},\"error\":null}";
        TransformOptions options;
        options.id = "chatcmpl-x";
        const QJsonObject answer =
            json(runTransform(UpstreamFormat::ResponsesJson, ClientFormat::ChatJson, options, body, 4, &sawError));
        QVERIFY(!sawError);
        QCOMPARE(answer.value(u"created"_s).toInteger(), 1700000000); // the upstream's time when none was given
        QCOMPARE(answer.value(u"model"_s).toString(), u"gpt-4.1"_s);
        const QJsonObject choice = answer.value(u"choices"_s).toArray().first().toObject();
        QCOMPARE(choice.value(u"finish_reason"_s).toString(), u"length"_s);
        QCOMPARE(choice.value(u"message"_s).toObject().value(u"content"_s).toString(), u"Cut"_s);
        QVERIFY(!choice.value(u"message"_s).toObject().contains(u"tool_calls"_s));
        QCOMPARE(answer.value(u"usage"_s).toObject().value(u"total_tokens"_s).toInt(), 15);
    }

    void jsonErrorBodyStaysAnError()
    {
        bool sawError = false;
        const QByteArray out =
            runTransform(UpstreamFormat::ResponsesJson,
                         ClientFormat::ChatJson,
                         TransformOptions(),
                         "{\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"Nope\"}}"_ba,
                         0,
                         &sawError);
        QVERIFY(sawError);
        QCOMPARE(json(out).value(u"error"_s).toObject().value(u"message"_s).toString(), u"Nope"_s);
        QCOMPARE(
            rd::convert::makeTransform(UpstreamFormat::ResponsesStream, ClientFormat::ResponsesJson, {})->contentType(),
            "application/json"_ba);
        QCOMPARE(
            rd::convert::makeTransform(UpstreamFormat::ResponsesStream, ClientFormat::ChatStream, {})->contentType(),
            "text/event-stream"_ba);
    }
};

QTEST_GUILESS_MAIN(TestChatResponses)
#include "tst_chatresponses.moc"
