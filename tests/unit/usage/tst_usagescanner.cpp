// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/usage/usagescanner.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::usage::AnthropicUsageScanner;
using rd::usage::TokenUsage;

namespace {
// Every field in one line, so a mismatch shows all of them at once.
QByteArray describe(const TokenUsage &u)
{
    return "in=" + QByteArray::number(u.inputTokens) + " out=" + QByteArray::number(u.outputTokens)
           + " c5m=" + QByteArray::number(u.cacheCreate5mTokens) + " c1h=" + QByteArray::number(u.cacheCreate1hTokens)
           + " read=" + QByteArray::number(u.cacheReadTokens) + " seen=" + (u.seen ? "1" : "0") + " model=" + u.model;
}

struct Scan
{
    QByteArray usage;
    bool error = false;
    bool stop = false;
    int events = 0;
    bool operator==(const Scan &o) const
    {
        return usage == o.usage && error == o.error && stop == o.stop && events == o.events;
    }
};

Scan finish(AnthropicUsageScanner &s)
{
    s.finish();
    return Scan{describe(s.result()), s.sawStreamError(), s.sawMessageStop(), s.eventsSeen()};
}

Scan scanSse(const QByteArray &stream, qsizetype piece = 0)
{
    AnthropicUsageScanner s(AnthropicUsageScanner::Mode::Sse);
    if (piece <= 0) {
        s.feed(stream);
    } else {
        for (qsizetype pos = 0; pos < stream.size(); pos += piece) {
            s.feed(QByteArrayView(stream).sliced(pos, std::min(piece, stream.size() - pos)));
        }
    }
    return finish(s);
}

QByteArray sseEvent(const QByteArray &name, const QByteArray &data)
{
    return "event: " + name + "\ndata: " + data + "\n\n";
}

QByteArray start(const QByteArray &usage)
{
    return sseEvent("message_start",
                    R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant",)"
                    R"("model":"claude-sonnet-4-5-20250929","content":[],"usage":)"
                        + usage + "}}");
}

QByteArray delta(const QByteArray &usage)
{
    return sseEvent("message_delta",
                    R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":)"
                        + usage + "}");
}

QByteArray text(const QByteArray &t)
{
    return sseEvent("content_block_delta",
                    R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":")" + t + "\"}}");
}

const QByteArray kStop = sseEvent("message_stop", R"({"type":"message_stop"})");

// PROTOCOLS.md §3.1, verbatim.
const QByteArray kProtocolStream =
    start(R"({"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":1500,)"
          R"("cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1})")
    + sseEvent("content_block_start",
               R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})")
    + sseEvent("ping", R"({"type":"ping"})") + text("Hello!")
    + sseEvent("content_block_stop", R"({"type":"content_block_stop","index":0})")
    + delta(R"({"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":1500,"output_tokens":6})")
    + kStop;
const QByteArray kProtocolUsage = "in=12 out=6 c5m=0 c1h=0 read=1500 seen=1 model=claude-sonnet-4-5-20250929"_ba;

// A 1-hour and a 5-minute cache write; the delta repeats the total without the breakdown, as the API does.
const QByteArray kBreakdownStream =
    start(R"({"input_tokens":3,"cache_creation_input_tokens":3000,"cache_read_input_tokens":0,)"
          R"("cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":2000},"output_tokens":1})")
    + text("hi")
    + delta(R"({"input_tokens":3,"cache_creation_input_tokens":3000,"cache_read_input_tokens":0,"output_tokens":40})")
    + kStop;
} // namespace

class TestUsageScanner : public QObject
{
    Q_OBJECT
private slots:
    void readsUsageFromStreams_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QByteArray>("usage");
        QTest::newRow("protocol example") << kProtocolStream << kProtocolUsage;
        QTest::newRow("cache breakdown 5m and 1h")
            << kBreakdownStream << "in=3 out=40 c5m=1000 c1h=2000 read=0 seen=1 model=claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("breakdown only in the delta")
            << start(R"({"input_tokens":3,"output_tokens":1})")
                   + delta(R"({"cache_creation_input_tokens":900,"cache_creation":)"
                           R"({"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":900},"output_tokens":2})")
            << "in=3 out=2 c5m=0 c1h=900 read=0 seen=1 model=claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("total without breakdown counts as 5m")
            << start(R"({"input_tokens":5,"cache_creation_input_tokens":700,"output_tokens":1})")
                   + delta(R"({"output_tokens":9})") + kStop
            << "in=5 out=9 c5m=700 c1h=0 read=0 seen=1 model=claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("new total in the delta counts as 5m")
            << start(R"({"input_tokens":5,"output_tokens":1})")
                   + delta(R"({"cache_creation_input_tokens":700,"output_tokens":2})")
            << "in=5 out=2 c5m=700 c1h=0 read=0 seen=1 model=claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("delta with only output keeps input")
            << start(R"({"input_tokens":12,"cache_read_input_tokens":30,"output_tokens":1})")
                   + delta(R"({"output_tokens":6})")
            << "in=12 out=6 c5m=0 c1h=0 read=30 seen=1 model=claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("later non-zero input wins")
            << start(R"({"input_tokens":12,"output_tokens":1})")
                   + delta(R"({"input_tokens":20,"cache_read_input_tokens":4,"output_tokens":6})")
            << "in=20 out=6 c5m=0 c1h=0 read=4 seen=1 model=claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("zero in delta does not overwrite")
            << start(R"({"input_tokens":12,"cache_read_input_tokens":30,"output_tokens":1})")
                   + delta(R"({"input_tokens":0,"cache_read_input_tokens":0,"cache_creation_input_tokens":0,)"
                           R"("output_tokens":6})")
            << "in=12 out=6 c5m=0 c1h=0 read=30 seen=1 model=claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("cumulative output: last wins")
            << start(R"({"input_tokens":1,"output_tokens":1})") + delta(R"({"output_tokens":3})")
                   + delta(R"({"output_tokens":6})") + kStop
            << "in=1 out=6 c5m=0 c1h=0 read=0 seen=1 model=claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("two pairs are summed")
            << start(R"({"input_tokens":10,"output_tokens":1})") + delta(R"({"output_tokens":5})")
                   + start(R"({"input_tokens":20,"cache_read_input_tokens":100,"cache_creation_input_tokens":7,)"
                           R"("output_tokens":1})")
                   + delta(R"({"output_tokens":7})") + kStop
            << "in=30 out=12 c5m=7 c1h=0 read=100 seen=1 model=claude-sonnet-4-5-20250929"_ba;
        QByteArray crlf = kProtocolStream;
        crlf.replace("\n", "\r\n");
        QTest::newRow("CRLF line endings") << crlf << kProtocolUsage;
        QTest::newRow("data without space")
            << "event: message_start\ndata:{\"message\":{\"usage\":{\"input_tokens\":4}}}\n\n"_ba
            << "in=4 out=0 c5m=0 c1h=0 read=0 seen=1 model="_ba;
        QTest::newRow("no usage") << sseEvent("ping", R"({"type":"ping"})") + text("x") + kStop
                                  << "in=0 out=0 c5m=0 c1h=0 read=0 seen=0 model="_ba;
        QTest::newRow("usage data under another event")
            << sseEvent("content_block_delta", R"({"usage":{"input_tokens":99}})")
            << "in=0 out=0 c5m=0 c1h=0 read=0 seen=0 model="_ba;
        QTest::newRow("malformed usage json") << sseEvent("message_start", R"({"message":{"usage":{"input_tokens":)")
                                              << "in=0 out=0 c5m=0 c1h=0 read=0 seen=0 model="_ba;
    }
    void readsUsageFromStreams()
    {
        QFETCH(QByteArray, stream);
        QFETCH(QByteArray, usage);
        QCOMPARE(scanSse(stream).usage, usage);
    }

    void sameResultWhereverTheStreamIsSplit_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::newRow("protocol example") << kProtocolStream;
        QByteArray crlf = kProtocolStream;
        crlf.replace("\n", "\r\n");
        QTest::newRow("CRLF") << crlf;
        QTest::newRow("cache breakdown") << kBreakdownStream;
    }
    void sameResultWhereverTheStreamIsSplit()
    {
        QFETCH(QByteArray, stream);
        const Scan whole = scanSse(stream);
        QVERIFY(whole.usage.contains(" seen=1 "));
        for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
            AnthropicUsageScanner s(AnthropicUsageScanner::Mode::Sse);
            s.feed(QByteArrayView(stream).first(cut));
            s.feed(QByteArrayView(stream).sliced(cut));
            const Scan split = finish(s);
            QVERIFY2(split == whole, qPrintable(u"cut at %1: %2"_s.arg(cut).arg(QString::fromLatin1(split.usage))));
        }
        QVERIFY(scanSse(stream, 1) == whole);
        QVERIFY(scanSse(stream, 5) == whole);
    }

    void skipsHugeTextDeltas_data()
    {
        QTest::addColumn<qsizetype>("piece");
        QTest::newRow("whole") << qsizetype(0);
        QTest::newRow("16 KiB pieces") << qsizetype(16 * 1024);
        QTest::newRow("odd pieces") << qsizetype(4093);
    }
    void skipsHugeTextDeltas()
    {
        QFETCH(qsizetype, piece);
        const QByteArray stream = start(R"({"input_tokens":12,"cache_read_input_tokens":1500,"output_tokens":1})")
                                  + text(QByteArray(1024 * 1024, 'x')) + delta(R"({"output_tokens":6})") + kStop;
        const Scan s = scanSse(stream, piece);
        QCOMPARE(s.usage, "in=12 out=6 c5m=0 c1h=0 read=1500 seen=1 model=claude-sonnet-4-5-20250929"_ba);
        QVERIFY(s.stop);
        QCOMPARE(s.events, 4);
    }

    void notesStopAndErrorEvents()
    {
        const Scan ok = scanSse(kProtocolStream);
        QVERIFY(ok.stop);
        QVERIFY(!ok.error);
        QCOMPARE(ok.events, 7);

        const QByteArray broken =
            start(R"({"input_tokens":12,"output_tokens":1})") + text("Hel")
            + sseEvent("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
        const Scan err = scanSse(broken);
        QVERIFY(err.error);
        QVERIFY(!err.stop);
        QCOMPARE(err.usage, "in=12 out=1 c5m=0 c1h=0 read=0 seen=1 model=claude-sonnet-4-5-20250929"_ba);
        QVERIFY(scanSse(broken, 3) == err);
    }

    void readsUsageFromJsonAnswers_data()
    {
        QTest::addColumn<qsizetype>("piece");
        QTest::newRow("whole") << qsizetype(0);
        QTest::newRow("1 byte") << qsizetype(1);
        QTest::newRow("7 bytes") << qsizetype(7);
    }
    void readsUsageFromJsonAnswers()
    {
        QFETCH(qsizetype, piece);
        // PROTOCOLS.md §3.1 non-stream response.
        const QByteArray json =
            R"({"id":"msg_01XyZ","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",)"
            R"("content":[{"type":"text","text":"Hello!"}],)"
            "\n "
            R"("stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":1500,)"
            R"("cache_read_input_tokens":0,)"
            "\n "
            R"("cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":1500},"output_tokens":6,)"
            R"("service_tier":"standard"}})"_ba;
        AnthropicUsageScanner s(AnthropicUsageScanner::Mode::Json);
        if (piece == 0) {
            s.feed(json);
        } else {
            for (qsizetype pos = 0; pos < json.size(); pos += piece) {
                s.feed(QByteArrayView(json).sliced(pos, std::min(piece, json.size() - pos)));
            }
        }
        const QByteArray expected = "in=12 out=6 c5m=0 c1h=1500 read=0 seen=1 model=claude-sonnet-4-5-20250929"_ba;
        QCOMPARE(finish(s).usage, expected);
        QCOMPARE(describe(rd::usage::usageFromMessageJson(json)), expected);
    }

    void recordsNothingWithoutJsonUsage_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<qsizetype>("cap");
        QTest::addColumn<bool>("warns");
        const QByteArray withUsage = R"({"model":"m","usage":{"input_tokens":12,"output_tokens":6}})"_ba;
        QTest::newRow("over the cap") << withUsage << qsizetype(20) << true;
        QTest::newRow("one byte over the cap") << withUsage << withUsage.size() - 1 << true;
        QTest::newRow("no usage") << R"({"id":"msg_1","model":"m","content":[]})"_ba << qsizetype(1024) << false;
        QTest::newRow("not json") << "<html>bad gateway</html>"_ba << qsizetype(1024) << false;
        QTest::newRow("usage not an object") << R"({"usage":[12,6]})"_ba << qsizetype(1024) << false;
    }
    void recordsNothingWithoutJsonUsage()
    {
        QFETCH(QByteArray, json);
        QFETCH(qsizetype, cap);
        QFETCH(bool, warns);
        for (const qsizetype piece : {json.size(), qsizetype(5)}) {
            if (warns) {
                QTest::ignoreMessage(QtWarningMsg, "answer too large to read its usage; none recorded");
            }
            AnthropicUsageScanner s(AnthropicUsageScanner::Mode::Json, cap);
            for (qsizetype pos = 0; pos < json.size(); pos += piece) {
                s.feed(QByteArrayView(json).sliced(pos, std::min(piece, json.size() - pos)));
            }
            s.finish();
            QVERIFY(!s.result().seen);
            QCOMPARE(s.result().inputTokens, qint64(0));
            QCOMPARE(s.result().outputTokens, qint64(0));
        }
    }

    void jsonExactlyAtTheCapIsRead()
    {
        const QByteArray json = R"({"model":"m","usage":{"input_tokens":12,"output_tokens":6}})"_ba;
        AnthropicUsageScanner s(AnthropicUsageScanner::Mode::Json, json.size());
        s.feed(QByteArrayView(json).first(10));
        s.feed(QByteArrayView(json).sliced(10));
        QCOMPARE(finish(s).usage, "in=12 out=6 c5m=0 c1h=0 read=0 seen=1 model=m"_ba);
    }
};

QTEST_GUILESS_MAIN(TestUsageScanner)
#include "tst_usagescanner.moc"
