// SPDX-License-Identifier: GPL-3.0-or-later
// OpenAI usage capture (PROTOCOLS.md §3.2, §3.3, §3.4, §3.7, §7.8). Fixtures are written with ' for " (see q()).
#include "core/usage/openaiusage.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::usage::ChatUsageScanner;
using rd::usage::ResponsesUsageScanner;
using rd::usage::TokenUsage;

namespace {
// JSON is easier to read with single quotes; the fixtures hold no apostrophes of their own.
QByteArray q(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

QByteArray describe(const TokenUsage &u)
{
    return "in=" + QByteArray::number(u.inputTokens) + " read=" + QByteArray::number(u.cacheReadTokens)
           + " out=" + QByteArray::number(u.outputTokens) + " reasoning=" + QByteArray::number(u.reasoningTokens)
           + " c5m=" + QByteArray::number(u.cacheCreate5mTokens) + " c1h=" + QByteArray::number(u.cacheCreate1hTokens)
           + " seen=" + (u.seen ? "1" : "0") + " model=" + u.model;
}

QByteArray sse(const QByteArray &name, const QByteArray &data)
{
    return "event: " + name + "\ndata: " + data + "\n\n";
}

QByteArray dataLine(const QByteArray &data)
{
    return "data: " + data + "\n\n";
}

// Feeds a text whole (piece 0) or in pieces of `piece` bytes.
template <typename Scanner>
void feedIn(Scanner &scanner, const QByteArray &text, qsizetype piece)
{
    if (piece <= 0) {
        scanner.feed(text);
        return;
    }
    for (qsizetype pos = 0; pos < text.size(); pos += piece) {
        scanner.feed(QByteArrayView(text).sliced(pos, std::min(piece, text.size() - pos)));
    }
}

struct ResponsesScan
{
    QByteArray usage;
    bool error = false;
    bool terminal = false;
    bool completed = false;
    bool operator==(const ResponsesScan &o) const = default;
};

ResponsesScan scanResponses(const QByteArray &stream, qsizetype piece)
{
    ResponsesUsageScanner s(ResponsesUsageScanner::Mode::Sse);
    feedIn(s, stream, piece);
    s.finish();
    return {describe(s.result()), s.sawStreamError(), s.sawTerminalEvent(), s.sawCompleted()};
}

struct ChatScan
{
    QByteArray usage;
    bool error = false;
    bool done = false;
    bool operator==(const ChatScan &o) const = default;
};

ChatScan scanChat(const QByteArray &stream, qsizetype piece)
{
    ChatUsageScanner s(ChatUsageScanner::Mode::Sse);
    feedIn(s, stream, piece);
    s.finish();
    return {describe(s.result()), s.sawStreamError(), s.sawDone()};
}

// ---- Responses fixtures (§3.3) ----
const QByteArray kUsage = q("{'input_tokens':900,'input_tokens_details':{'cached_tokens':768},'output_tokens':120,"
                            "'output_tokens_details':{'reasoning_tokens':64},'total_tokens':1020}");
const QByteArray kUsageRead = "in=132 read=768 out=120 reasoning=64 c5m=0 c1h=0 seen=1 model=gpt-5.1-codex";

QByteArray response(const QByteArray &status, const QByteArray &output, const QByteArray &usage)
{
    return q("{'id':'resp_1','object':'response','created_at':1764300000,'status':'") + status
           + q("','model':'gpt-5.1-codex','output':") + output + q(",'usage':") + usage
           + q(",'service_tier':'default'}");
}

QByteArray responseEvent(const QByteArray &type, int seq, const QByteArray &responseObject)
{
    return sse(type,
               q("{'type':'") + type + q("','sequence_number':") + QByteArray::number(seq) + q(",'response':")
                   + responseObject + "}");
}

const QByteArray kPreamble = responseEvent("response.created", 0, response("in_progress", "[]", "null"))
                             + responseEvent("response.in_progress", 1, response("in_progress", "[]", "null"));

const QByteArray kBody =
    sse("response.output_item.added",
        q("{'type':'response.output_item.added','sequence_number':2,'output_index':0,"
          "'item':{'id':'rs_1','type':'reasoning','summary':[]}}"))
    + sse("response.reasoning_summary_text.delta",
          q("{'type':'response.reasoning_summary_text.delta','sequence_number':3,'item_id':'rs_1',"
            "'output_index':0,'summary_index':0,'delta':'Thinking','obfuscation':'x9Yz'}"))
    + sse("response.output_text.delta",
          q("{'type':'response.output_text.delta','sequence_number':4,'item_id':'msg_1','output_index':1,"
            "'content_index':0,'delta':'Hi','logprobs':[],'obfuscation':'QvR'}"))
    + sse("response.output_text.done",
          q("{'type':'response.output_text.done','sequence_number':5,'item_id':'msg_1','output_index':1,"
            "'content_index':0,'text':'Hi','logprobs':[]}"));

const QByteArray kOutput = q("[{'id':'rs_1','type':'reasoning','summary':[]},{'id':'msg_1','type':'message',"
                             "'status':'completed','role':'assistant','content':[{'type':'output_text','text':'Hi',"
                             "'annotations':[]}]}]");

const QByteArray kCompleted = responseEvent("response.completed", 6, response("completed", kOutput, kUsage));
const QByteArray kProtocolStream = kPreamble + kBody + kCompleted;

QByteArray withoutEventLines(const QByteArray &stream)
{
    QByteArray out;
    for (const QByteArray &line : stream.split('\n')) {
        if (!line.startsWith("event:")) {
            out += line + '\n';
        }
    }
    return out;
}

// ---- Chat fixtures (§3.2, §3.7) ----
QByteArray chatChunk(const QByteArray &model, const QByteArray &choices, const QByteArray &usage)
{
    return dataLine(q("{'id':'chatcmpl-9x','object':'chat.completion.chunk','created':1764300000,'model':'") + model
                    + q("','choices':") + choices + q(",'usage':") + usage + "}");
}

const QByteArray kChatUsage = q("{'prompt_tokens':20,'completion_tokens':2,'total_tokens':22,"
                                "'prompt_tokens_details':{'cached_tokens':0},"
                                "'completion_tokens_details':{'reasoning_tokens':0}}");

QByteArray chatStream(const QByteArray &model, const QByteArray &usage)
{
    return chatChunk(model, q("[{'index':0,'delta':{'role':'assistant','content':''},'finish_reason':null}]"), "null")
           + chatChunk(model, q("[{'index':0,'delta':{'content':'Hi'},'finish_reason':null}]"), "null")
           + chatChunk(model, q("[{'index':0,'delta':{},'finish_reason':'stop'}]"), "null")
           + (usage.isEmpty() ? QByteArray() : chatChunk(model, "[]", usage)) + "data: [DONE]\n\n";
}

// Azure: a first chunk with no model, empty choices and the prompt filter verdicts.
const QByteArray kAzurePromptFilter =
    dataLine(q("{'choices':[],'created':0,'id':'','model':'','object':'','prompt_filter_results':[{'prompt_index':0,"
               "'content_filter_results':{'hate':{'filtered':false,'severity':'safe'},'self_harm':{'filtered':false,"
               "'severity':'safe'},'sexual':{'filtered':false,'severity':'safe'},'violence':{'filtered':false,"
               "'severity':'safe'}}}]}"));
} // namespace

class TestOpenAIUsage : public QObject
{
    Q_OBJECT
private slots:
    void readsResponsesStreams_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QByteArray>("usage");
        QTest::addColumn<bool>("error");
        QTest::addColumn<bool>("completed");
        const QByteArray none = "in=0 read=0 out=0 reasoning=0 c5m=0 c1h=0 seen=0 model=";
        QTest::newRow("protocol sequence") << kProtocolStream << kUsageRead << false << true;
        QByteArray crlf = kProtocolStream;
        crlf.replace("\n", "\r\n");
        QTest::newRow("CRLF") << crlf << kUsageRead << false << true;
        QTest::newRow("data-only stream") << withoutEventLines(kProtocolStream) << kUsageRead << false << true;
        QTest::newRow("queued first") << QByteArray(
            responseEvent("response.queued", 0, response("queued", "[]", "null")) + kBody + kCompleted)
                                      << kUsageRead << false << true;
        QTest::newRow("no cached or reasoning details")
            << QByteArray(
                   kPreamble
                   + responseEvent(
                       "response.completed",
                       6,
                       response("completed", kOutput, q("{'input_tokens':50,'output_tokens':7,'total_tokens':57}"))))
            << "in=50 read=0 out=7 reasoning=0 c5m=0 c1h=0 seen=1 model=gpt-5.1-codex"_ba << false << true;
        QTest::newRow("details null") << QByteArray(
            kPreamble
            + responseEvent("response.completed",
                            6,
                            response("completed",
                                     kOutput,
                                     q("{'input_tokens':50,'input_tokens_details':null,"
                                       "'output_tokens':7,'output_tokens_details':null}"))))
                                      << "in=50 read=0 out=7 reasoning=0 c5m=0 c1h=0 seen=1 model=gpt-5.1-codex"_ba
                                      << false << true;
        QTest::newRow("incomplete with usage") << QByteArray(
            kPreamble + kBody + responseEvent("response.incomplete", 6, response("incomplete", kOutput, kUsage)))
                                               << kUsageRead << false << false;
        QTest::newRow("failed with usage")
            << QByteArray(kPreamble + responseEvent("response.failed", 2, response("failed", "[]", kUsage)))
            << kUsageRead << true << false;
        QTest::newRow("failed without usage")
            << QByteArray(kPreamble + responseEvent("response.failed", 2, response("failed", "[]", "null")))
            << "in=0 read=0 out=0 reasoning=0 c5m=0 c1h=0 seen=0 model=gpt-5.1-codex"_ba << true << false;
        QTest::newRow("error event") << QByteArray(
            kPreamble
            + sse("error",
                  q("{'type':'error','code':'server_error','message':'The server had an error',"
                    "'param':null,'sequence_number':2}")))
                                     << none << true << false;
        QTest::newRow("cut off before the end") << QByteArray(kPreamble + kBody) << none << false << false;
        QTest::newRow("usage outside a terminal event is ignored")
            << QByteArray(responseEvent("response.in_progress", 0, response("in_progress", "[]", kUsage)) + kBody)
            << none << false << false;
        // A delta whose text imitates a completed event: in a data-only stream only the event type decides.
        QTest::newRow("imitating delta, data only")
            << withoutEventLines(kPreamble
                                 + sse("response.output_text.delta",
                                       q("{'type':'response.output_text.delta','sequence_number':2,'delta':"
                                         "'{\\'type\\':\\'response.completed\\',\\'response\\':{\\'usage\\':"
                                         "{\\'input_tokens\\':5}}}'}")))
            << none << false << false;
        QTest::newRow("malformed completed event")
            << QByteArray(kPreamble + sse("response.completed", q("{'type':'response.completed','response':{'usage'")))
            << none << false << true;
    }
    void readsResponsesStreams()
    {
        QFETCH(QByteArray, stream);
        QFETCH(QByteArray, usage);
        QFETCH(bool, error);
        QFETCH(bool, completed);
        const ResponsesScan whole = scanResponses(stream, 0);
        QCOMPARE(whole.usage, usage);
        QCOMPARE(whole.error, error);
        QCOMPARE(whole.completed, completed);
        // Byte-split invariance: the same result wherever the chunks end.
        for (const qsizetype piece : {1, 2, 7, 64, 257}) {
            QCOMPARE(scanResponses(stream, piece), whole);
        }
    }

    void countsResponsesEvents()
    {
        ResponsesUsageScanner s(ResponsesUsageScanner::Mode::Sse);
        s.feed(kProtocolStream);
        s.finish();
        QCOMPARE(s.eventsSeen(), 7);
        QVERIFY(s.sawTerminalEvent());
        QVERIFY(!s.sawOversizedLine());
    }

    // response.completed repeats the whole output: several MB in one data line, split over many chunks.
    void readsLargeCompletedEvents_data()
    {
        QTest::addColumn<qsizetype>("piece");
        QTest::newRow("whole") << qsizetype(0);
        QTest::newRow("16 KiB pieces") << qsizetype(16 * 1024);
        QTest::newRow("odd pieces") << qsizetype(65537);
        QTest::newRow("small pieces") << qsizetype(1021);
    }
    void readsLargeCompletedEvents()
    {
        QFETCH(qsizetype, piece);
        // Text that looks like a usage object, escaped as JSON strings are: it must not be taken for one.
        const QByteArray text = QByteArray(6 * 1024 * 1024 / 40, 'x')
                                    .replace("xxxxxxxxxxxxxxxxxxxx", "\\\"usage\\\":{\\\"input_tokens\\\":1}");
        const QByteArray output = q("[{'id':'msg_1','type':'message','role':'assistant','content':[{'type':"
                                    "'output_text','text':'")
                                  + text.repeated(40) + q("','annotations':[]}]}]");
        QVERIFY(output.size() > 5 * 1024 * 1024);
        const QByteArray delta =
            sse("response.output_text.delta",
                q("{'type':'response.output_text.delta','sequence_number':2,'delta':'") + text + q("'}"));
        const QByteArray stream =
            kPreamble + delta + responseEvent("response.completed", 3, response("completed", output, kUsage));
        ResponsesUsageScanner s(ResponsesUsageScanner::Mode::Sse);
        feedIn(s, stream, piece);
        s.finish();
        QCOMPARE(describe(s.result()), kUsageRead);
        QVERIFY(s.sawCompleted());
        QVERIFY(!s.sawOversizedLine());
    }

    // Lines that do not matter are never kept: a huge delta passes a tiny line cap; a needed line over it is lost.
    void keepsOnlyTheLinesItNeeds()
    {
        const QByteArray bigDelta = sse("response.output_text.delta",
                                        q("{'type':'response.output_text.delta','sequence_number':2,'delta':'")
                                            + QByteArray(1024 * 1024, 'y') + q("'}"));
        for (const bool dataOnly : {false, true}) {
            const QByteArray stream = kPreamble + bigDelta + kCompleted;
            ResponsesUsageScanner s(ResponsesUsageScanner::Mode::Sse, 1024, 4096);
            feedIn(s, dataOnly ? withoutEventLines(stream) : stream, 1000);
            s.finish();
            QVERIFY(!s.sawOversizedLine());
            QCOMPARE(describe(s.result()), kUsageRead);
        }
        const QByteArray bigCompleted =
            responseEvent("response.completed",
                          3,
                          response("completed",
                                   q("[{'type':'message','content':[{'type':'output_text','text':'")
                                       + QByteArray(8192, 'z') + q("'}]}]"),
                                   kUsage));
        ResponsesUsageScanner capped(ResponsesUsageScanner::Mode::Sse, 1024, 4096);
        feedIn(capped, kPreamble + bigCompleted, 1000);
        capped.finish();
        QVERIFY(capped.sawOversizedLine());
        QVERIFY(!capped.result().seen); // never estimated
        QVERIFY(capped.sawCompleted());
    }

    void readsResponsesJson_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<qsizetype>("cap");
        QTest::addColumn<QByteArray>("usage");
        const QByteArray none = "in=0 read=0 out=0 reasoning=0 c5m=0 c1h=0 seen=0 model=";
        const QByteArray whole = response("completed", kOutput, kUsage);
        QTest::newRow("response object") << whole << qsizetype(1 << 20) << kUsageRead;
        QTest::newRow("compaction") << q(
            "{'id':'cmp_1','object':'response.compaction','output':[{'type':'compaction',"
            "'encrypted_content':'gAAAAB'}],'usage':{'input_tokens':40000,'input_tokens_details':"
            "{'cached_tokens':30000},'output_tokens':2000,'output_tokens_details':{'reasoning_tokens':0}}}")
                                    << qsizetype(1 << 20)
                                    << "in=10000 read=30000 out=2000 reasoning=0 c5m=0 c1h=0 seen=1 model="_ba;
        QTest::newRow("usage null") << response("completed", kOutput, "null") << qsizetype(1 << 20)
                                    << "in=0 read=0 out=0 reasoning=0 c5m=0 c1h=0 seen=0 model=gpt-5.1-codex"_ba;
        QTest::newRow("error body") << q(
            "{'error':{'message':'Incorrect API key provided.','type':'invalid_request_error','param':null,"
            "'code':'invalid_api_key'}}")
                                    << qsizetype(1 << 20) << none;
        QTest::newRow("not JSON") << "<html>bad gateway</html>"_ba << qsizetype(1 << 20) << none;
        QTest::newRow("over the cap") << whole << whole.size() - 1 << none;
        QTest::newRow("exactly the cap") << whole << whole.size() << kUsageRead;
    }
    void readsResponsesJson()
    {
        QFETCH(QByteArray, body);
        QFETCH(qsizetype, cap);
        QFETCH(QByteArray, usage);
        for (const qsizetype piece : {0, 1, 7}) {
            ResponsesUsageScanner s(ResponsesUsageScanner::Mode::Json, cap);
            feedIn(s, body, piece);
            s.finish();
            s.finish(); // idempotent
            QCOMPARE(describe(s.result()), usage);
        }
    }

    void readsChatStreams_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QByteArray>("usage");
        QTest::addColumn<bool>("error");
        QTest::addColumn<bool>("done");
        const QByteArray protocolUsage = "in=20 read=0 out=2 reasoning=0 c5m=0 c1h=0 seen=1 model=gpt-4o";
        QTest::newRow("protocol example") << chatStream("gpt-4o", kChatUsage) << protocolUsage << false << true;
        QByteArray crlf = chatStream("gpt-4o", kChatUsage);
        crlf.replace("\n", "\r\n");
        QTest::newRow("CRLF") << crlf << protocolUsage << false << true;
        QTest::newRow("cached and reasoning")
            << chatStream("o4-mini-2025-04-16",
                          q("{'prompt_tokens':2006,'completion_tokens':300,'total_tokens':2306,"
                            "'prompt_tokens_details':{'cached_tokens':1920,'audio_tokens':0},"
                            "'completion_tokens_details':{'reasoning_tokens':256,'audio_tokens':0}}"))
            << "in=86 read=1920 out=300 reasoning=256 c5m=0 c1h=0 seen=1 model=o4-mini-2025-04-16"_ba << false << true;
        QTest::newRow("no include_usage: nothing")
            << chatStream("gpt-4o", {}) << "in=0 read=0 out=0 reasoning=0 c5m=0 c1h=0 seen=0 model=gpt-4o"_ba << false
            << true;
        QTest::newRow("Azure prompt filter chunk first")
            << QByteArray(kAzurePromptFilter + chatStream("gpt-4o-2024-11-20", kChatUsage))
            << "in=20 read=0 out=2 reasoning=0 c5m=0 c1h=0 seen=1 model=gpt-4o-2024-11-20"_ba << false << true;
        QTest::newRow("usage on the last choice chunk") << QByteArray(
            chatChunk("deepseek-chat", q("[{'index':0,'delta':{'content':'Hi'},'finish_reason':null}]"), "null")
            + chatChunk("deepseek-chat",
                        q("[{'index':0,'delta':{},'finish_reason':'stop'}]"),
                        q("{'prompt_tokens':9,'completion_tokens':1,'total_tokens':10}"))
            + "data: [DONE]\n\n") << "in=9 read=0 out=1 reasoning=0 c5m=0 c1h=0 seen=1 model=deepseek-chat"_ba
                                                        << false << true;
        QTest::newRow("repeated cumulative usage: last wins")
            << QByteArray(chatChunk("m", "[]", q("{'prompt_tokens':9,'completion_tokens':1}"))
                          + chatChunk("m", "[]", q("{'prompt_tokens':9,'completion_tokens':5}")))
            << "in=9 read=0 out=5 reasoning=0 c5m=0 c1h=0 seen=1 model=m"_ba << false << false;
        QTest::newRow("text imitating usage")
            << QByteArray(chatChunk("gpt-4o",
                                    q("[{'index':0,'delta':{'content':'{\\'usage\\':{\\'prompt_tokens\\':999}}'}}]"),
                                    "null")
                          + "data: [DONE]\n\n")
            << "in=0 read=0 out=0 reasoning=0 c5m=0 c1h=0 seen=0 model=gpt-4o"_ba << false << true;
        QTest::newRow("error in the stream")
            << QByteArray(chatChunk("gpt-4o", q("[{'index':0,'delta':{'content':'Hi'}}]"), "null")
                          + dataLine(q("{'error':{'message':'The server had an error while processing your request.',"
                                       "'type':'server_error','param':null,'code':null}}")))
            << "in=0 read=0 out=0 reasoning=0 c5m=0 c1h=0 seen=0 model=gpt-4o"_ba << true << false;
        QTest::newRow("data without space")
            << QByteArray("data:" + chatChunk("gpt-4o", "[]", kChatUsage).mid(6)) << protocolUsage << false << false;
        QTest::newRow("keep-alive comments")
            << QByteArray(": ping\n\n" + chatStream("gpt-4o", kChatUsage)) << protocolUsage << false << true;
    }
    void readsChatStreams()
    {
        QFETCH(QByteArray, stream);
        QFETCH(QByteArray, usage);
        QFETCH(bool, error);
        QFETCH(bool, done);
        const ChatScan whole = scanChat(stream, 0);
        QCOMPARE(whole.usage, usage);
        QCOMPARE(whole.error, error);
        QCOMPARE(whole.done, done);
        for (const qsizetype piece : {1, 2, 7, 64, 257}) {
            QCOMPARE(scanChat(stream, piece), whole);
        }
    }

    void countsChatChunks()
    {
        ChatUsageScanner s(ChatUsageScanner::Mode::Sse);
        s.feed(QByteArray(kAzurePromptFilter + chatStream("gpt-4o", kChatUsage)));
        s.finish();
        QCOMPARE(s.chunksSeen(), 5);
        QVERIFY(!s.sawOversizedLine());
    }

    void readsChatAndEmbeddingsJson_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("usage");
        QTest::newRow("chat completion")
            << q("{'id':'chatcmpl-1','object':'chat.completion','created':1764300000,'model':'gpt-4o-2024-08-06',"
                 "'choices':[{'index':0,'message':{'role':'assistant','content':'Hi','refusal':null},"
                 "'logprobs':null,'finish_reason':'stop'}],'usage':{'prompt_tokens':1500,'completion_tokens':2,"
                 "'total_tokens':1502,'prompt_tokens_details':{'cached_tokens':1280},"
                 "'completion_tokens_details':{'reasoning_tokens':0}},'system_fingerprint':'fp_1'}")
            << "in=220 read=1280 out=2 reasoning=0 c5m=0 c1h=0 seen=1 model=gpt-4o-2024-08-06"_ba;
        QTest::newRow("Azure chat completion with filter results")
            << q("{'choices':[{'content_filter_results':{},'finish_reason':'stop','index':0,'message':{'content':"
                 "'Hi','role':'assistant'}}],'created':1764300000,'id':'chatcmpl-2','model':'gpt-4o-2024-11-20',"
                 "'object':'chat.completion','prompt_filter_results':[{'prompt_index':0,'content_filter_results':{}}],"
                 "'usage':{'completion_tokens':3,'prompt_tokens':11,'total_tokens':14}}")
            << "in=11 read=0 out=3 reasoning=0 c5m=0 c1h=0 seen=1 model=gpt-4o-2024-11-20"_ba;
        QTest::newRow("embeddings")
            << q("{'object':'list','data':[{'object':'embedding','index':0,'embedding':[0.0023064255,-0.009327292,"
                 "0.015797347]}],'model':'text-embedding-3-small','usage':{'prompt_tokens':8,'total_tokens':8}}")
            << "in=8 read=0 out=0 reasoning=0 c5m=0 c1h=0 seen=1 model=text-embedding-3-small"_ba;
        QTest::newRow("error body") << q("{'error':{'message':'Rate limit reached','type':'requests','param':null,"
                                         "'code':'rate_limit_exceeded'}}")
                                    << "in=0 read=0 out=0 reasoning=0 c5m=0 c1h=0 seen=0 model="_ba;
        QTest::newRow("usage not an object") << q("{'model':'gpt-4o','usage':[1,2]}")
                                             << "in=0 read=0 out=0 reasoning=0 c5m=0 c1h=0 seen=0 model=gpt-4o"_ba;
    }
    void readsChatAndEmbeddingsJson()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, usage);
        for (const qsizetype piece : {0, 1, 7}) {
            ChatUsageScanner s(ChatUsageScanner::Mode::Json);
            feedIn(s, body, piece);
            s.finish();
            QCOMPARE(describe(s.result()), usage);
        }
        QCOMPARE(describe(rd::usage::usageFromOpenAIJson(body)), usage);
    }

    void chatJsonOverTheCapRecordsNothing()
    {
        const QByteArray body = q("{'model':'gpt-4o','usage':{'prompt_tokens':5,'completion_tokens':1}}");
        ChatUsageScanner s(ChatUsageScanner::Mode::Json, body.size() - 1);
        feedIn(s, body, 3);
        s.finish();
        QVERIFY(!s.result().seen);
    }
};

QTEST_GUILESS_MAIN(TestOpenAIUsage)
#include "tst_openaiusage.moc"
