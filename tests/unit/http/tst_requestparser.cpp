// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/http/requestparser.h"

#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using rd::http::HttpRequest;
using rd::http::ParserLimits;
using rd::http::RequestParser;

namespace {
struct Outcome
{
    QList<HttpRequest> requests;
    RequestParser::State state = RequestParser::State::NeedMore;
    int errorStatus = 0;
    qsizetype consumed = 0;
    bool overConsumed = false; // feed() claimed more than it was given
    bool stalled = false;      // NeedMore but not everything consumed
};

// Feeds `wire` in pieces of at most `piece` bytes; after each Complete, take() and feed the rest again.
Outcome feedInPieces(const QByteArray &wire, qsizetype piece, ParserLimits limits = {})
{
    RequestParser parser(limits);
    Outcome out;
    while (out.consumed < wire.size()) {
        const qsizetype n = std::min(piece, wire.size() - out.consumed);
        const qsizetype used = parser.feed(wire.constData() + out.consumed, n);
        if (used > n || used < 0) {
            out.overConsumed = true;
            break;
        }
        out.consumed += used;
        if (parser.state() == RequestParser::State::Complete) {
            out.requests.append(parser.take());
            continue;
        }
        if (parser.state() == RequestParser::State::Failed) {
            break;
        }
        if (used < n) {
            out.stalled = true;
            break;
        }
    }
    out.state = parser.state();
    out.errorStatus = parser.errorStatus();
    return out;
}

Outcome feedWhole(const QByteArray &wire, ParserLimits limits = {})
{
    return feedInPieces(wire, std::max<qsizetype>(1, wire.size()), limits);
}

const QByteArray kChunked = "POST /api/v1/messages HTTP/1.1\r\n"
                            "Host: localhost\r\n"
                            "Transfer-Encoding: chunked\r\n"
                            "\r\n"
                            "5;name=value\r\nhello\r\n"
                            "7\r\n, world\r\n"
                            "0\r\n"
                            "X-Trailer: yes\r\n"
                            "\r\n"_ba;

const QByteArray kPipelined =
    "GET /health HTTP/1.1\r\nHost: a\r\n\r\n"
    "POST /api/v1/messages HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n{\"a\":\"b\"}\r\n"
    "POST /claude/v1/messages?beta=true HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz"_ba;
} // namespace

class TestRequestParser : public QObject
{
    Q_OBJECT
private slots:
    void parsesSimpleGet()
    {
        const Outcome o = feedWhole("GET /api/v1/models HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: cr_abc\r\n\r\n"_ba);
        QCOMPARE(o.requests.size(), 1);
        const HttpRequest &r = o.requests.first();
        QCOMPARE(r.method, "GET"_ba);
        QCOMPARE(r.target, "/api/v1/models"_ba);
        QCOMPARE(r.path, "/api/v1/models"_ba);
        QCOMPARE(r.query, QByteArray());
        QCOMPARE(r.headers.size(), 2);
        QCOMPARE(r.header("x-api-key"), "cr_abc"_ba);
        QCOMPARE(r.headers.at(1).first, "X-Api-Key"_ba); // names kept as sent
        QCOMPARE(r.body, QByteArray());
        QCOMPARE(r.httpMinor, 1);
        QVERIFY(r.keepAlive);
    }

    void readsContentLengthBody()
    {
        const QByteArray wire = "POST /api/v1/messages HTTP/1.1\r\nContent-Length: 13\r\n\r\n{\"model\":\"x\"}"_ba;
        const Outcome o = feedWhole(wire);
        QCOMPARE(o.requests.size(), 1);
        QCOMPARE(o.requests.first().method, "POST"_ba);
        QCOMPARE(o.requests.first().body, "{\"model\":\"x\"}"_ba);
        QCOMPARE(o.consumed, wire.size());
    }

    void waitsForTheWholeBody()
    {
        RequestParser parser;
        const QByteArray head = "POST /x HTTP/1.1\r\nContent-Length: 4\r\n\r\nab"_ba;
        QCOMPARE(parser.feed(head.constData(), head.size()), head.size());
        QCOMPARE(parser.state(), RequestParser::State::NeedMore);
        QVERIFY(parser.hasStarted());
        QVERIFY(parser.headersDone());
        QCOMPARE(parser.feed("cd", 2), qsizetype(2));
        QCOMPARE(parser.state(), RequestParser::State::Complete);
        QCOMPARE(parser.take().body, "abcd"_ba);
        QVERIFY(!parser.hasStarted());
    }

    void decodesChunkedBodyWithExtensionsAndTrailers()
    {
        const Outcome o = feedWhole(kChunked);
        QCOMPARE(o.state, RequestParser::State::NeedMore);
        QCOMPARE(o.requests.size(), 1);
        QCOMPARE(o.requests.first().body, "hello, world"_ba);
        QCOMPARE(o.consumed, kChunked.size());
    }

    void takesPipelinedRequestsInOrder()
    {
        const Outcome o = feedWhole(kPipelined);
        QVERIFY(!o.stalled);
        QCOMPARE(o.consumed, kPipelined.size());
        QCOMPARE(o.requests.size(), 3);
        QCOMPARE(o.requests.at(0).method, "GET"_ba);
        QCOMPARE(o.requests.at(0).path, "/health"_ba);
        QCOMPARE(o.requests.at(0).body, QByteArray());
        QCOMPARE(o.requests.at(1).path, "/api/v1/messages"_ba);
        QCOMPARE(o.requests.at(1).body, "{\"a\":\"b\"}\r\n"_ba);
        QCOMPARE(o.requests.at(2).path, "/claude/v1/messages"_ba);
        QCOMPARE(o.requests.at(2).query, "beta=true"_ba);
        QCOMPARE(o.requests.at(2).body, "xyz"_ba);
    }

    void stopsAfterEachCompleteRequest()
    {
        RequestParser parser;
        const qsizetype first = parser.feed(kPipelined.constData(), kPipelined.size());
        QCOMPARE(first, qsizetype(33)); // exactly the GET, nothing of the next request
        QCOMPARE(parser.state(), RequestParser::State::Complete);
        QCOMPARE(parser.feed(kPipelined.constData() + first, 5), qsizetype(0)); // Complete: nothing more until take()
        QCOMPARE(parser.take().path, "/health"_ba);
        QCOMPARE(parser.state(), RequestParser::State::NeedMore);
    }

    void sameResultWhateverThePieceSize_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("pipelined") << kPipelined;
        QTest::newRow("chunked") << kChunked;
        QTest::newRow("get with query") << "GET /a%3Ab?x=1&y=%20 HTTP/1.1\r\nHost: h\r\n\r\n"_ba;
        // 40 KiB of headers is under the 64 KiB limit however the bytes arrive.
        QTest::newRow("large allowed head")
            << "GET / HTTP/1.1\r\nX-Big: "_ba + QByteArray(40 * 1024, 'a') + "\r\nHost: h\r\n\r\n"_ba;
    }
    void sameResultWhateverThePieceSize()
    {
        QFETCH(QByteArray, wire);
        const Outcome whole = feedWhole(wire);
        QVERIFY(!whole.requests.isEmpty());
        QCOMPARE(whole.consumed, wire.size());
        for (const qsizetype piece : {qsizetype(1), qsizetype(2), qsizetype(3), qsizetype(7), qsizetype(64)}) {
            const Outcome split = feedInPieces(wire, piece);
            QVERIFY2(!split.stalled && !split.overConsumed, qPrintable(u"piece %1"_s.arg(piece)));
            QCOMPARE(split.state, whole.state);
            QCOMPARE(split.consumed, whole.consumed);
            QCOMPARE(split.requests.size(), whole.requests.size());
            for (qsizetype i = 0; i < whole.requests.size(); ++i) {
                QCOMPARE(split.requests.at(i).method, whole.requests.at(i).method);
                QCOMPARE(split.requests.at(i).target, whole.requests.at(i).target);
                QCOMPARE(split.requests.at(i).path, whole.requests.at(i).path);
                QCOMPARE(split.requests.at(i).query, whole.requests.at(i).query);
                QCOMPARE(split.requests.at(i).headers, whole.requests.at(i).headers);
                QCOMPARE(split.requests.at(i).body, whole.requests.at(i).body);
            }
        }
    }

    void decidesKeepAlive_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<bool>("keepAlive");
        QTest::addColumn<int>("httpMinor");
        QTest::newRow("1.1 default") << "GET / HTTP/1.1\r\nHost: h\r\n\r\n"_ba << true << 1;
        QTest::newRow("1.1 Connection: close") << "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"_ba << false << 1;
        QTest::newRow("1.1 connection: Close") << "GET / HTTP/1.1\r\nconnection: Close\r\n\r\n"_ba << false << 1;
        QTest::newRow("1.0 default") << "GET / HTTP/1.0\r\nHost: h\r\n\r\n"_ba << false << 0;
        QTest::newRow("1.0 keep-alive") << "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"_ba << true << 0;
    }
    void decidesKeepAlive()
    {
        QFETCH(QByteArray, wire);
        QFETCH(bool, keepAlive);
        QFETCH(int, httpMinor);
        const Outcome o = feedWhole(wire);
        QCOMPARE(o.requests.size(), 1);
        QCOMPARE(o.requests.first().keepAlive, keepAlive);
        QCOMPARE(o.requests.first().httpMinor, httpMinor);
    }

    void refusesBadInput_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<qsizetype>("maxBody");
        QTest::addColumn<int>("status");
        const qsizetype dflt = ParserLimits{}.maxBodyBytes;
        QTest::newRow("header block over 64 KiB")
            << "GET / HTTP/1.1\r\nX-Big: "_ba + QByteArray(65 * 1024, 'a') + "\r\n\r\n"_ba << dflt << 431;
        QByteArray manyHeaders = "GET / HTTP/1.1\r\n"_ba;
        for (int i = 0; i < 2000; ++i) {
            manyHeaders += "X-H" + QByteArray::number(i) + ": 0123456789012345678901234\r\n";
        }
        QTest::newRow("many headers over 64 KiB") << manyHeaders + "\r\n"_ba << dflt << 431;
        QTest::newRow("url over 64 KiB") << "GET /"_ba + QByteArray(65 * 1024, 'u') + " HTTP/1.1\r\n\r\n"_ba << dflt
                                         << 431;
        QTest::newRow("chunked over body limit")
            << "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n"_ba
            << qsizetype(10) << 413;
        QTest::newRow("content-length and transfer-encoding")
            << "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"_ba
            << dflt << 400;
        QTest::newRow("duplicate differing content-length")
            << "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"_ba << dflt << 400;
        QTest::newRow("garbage") << "\x01\x02\x03 nonsense\r\n\r\n"_ba << dflt << 400;
        QTest::newRow("bad version") << "GET / XTTP/1.1\r\n\r\n"_ba << dflt << 400;
        QTest::newRow("bad content-length") << "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"_ba << dflt << 400;
    }
    void refusesBadInput()
    {
        QFETCH(QByteArray, wire);
        QFETCH(qsizetype, maxBody);
        QFETCH(int, status);
        ParserLimits limits;
        limits.maxBodyBytes = maxBody;
        for (const qsizetype piece : {wire.size(), qsizetype(1)}) {
            const Outcome o = feedInPieces(wire, piece, limits);
            QCOMPARE(o.state, RequestParser::State::Failed);
            QCOMPARE(o.errorStatus, status);
            QVERIFY(o.requests.isEmpty());
            QVERIFY(!o.overConsumed);
        }
    }

    void refusesOversizedContentLengthBeforeTheBody()
    {
        ParserLimits limits;
        limits.maxBodyBytes = 100;
        RequestParser parser(limits);
        const QByteArray head = "POST /api/v1/messages HTTP/1.1\r\nContent-Length: 101\r\n\r\n"_ba;
        QVERIFY(parser.feed(head.constData(), head.size()) <= head.size());
        QCOMPARE(parser.state(), RequestParser::State::Failed);
        QCOMPARE(parser.errorStatus(), 413);
        QVERIFY(!parser.headersDone());
        QCOMPARE(parser.feed("x", 1), qsizetype(0)); // Failed is final
    }

    void acceptsBodyExactlyAtTheLimit()
    {
        ParserLimits limits;
        limits.maxBodyBytes = 5;
        const Outcome cl = feedWhole("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"_ba, limits);
        QCOMPARE(cl.requests.size(), 1);
        QCOMPARE(cl.requests.first().body, "hello"_ba);
        const Outcome chunked = feedWhole(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n"_ba, limits);
        QCOMPARE(chunked.requests.size(), 1);
        QCOMPARE(chunked.requests.first().body, "hello"_ba);
    }

    void splitsPathAndQueryAndDecodesPath_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("query");
        QTest::newRow("colon encoded") << "/gemini/v1beta/models/gemini-2.5-flash%3AstreamGenerateContent?alt=sse"_ba
                                       << "/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent"_ba
                                       << "alt=sse"_ba;
        QTest::newRow("lowercase hex") << "/a%3ab"_ba
                                       << "/a:b"_ba << QByteArray();
        QTest::newRow("query stays raw") << "/x?key=cr%5Fab&b=1"_ba
                                         << "/x"_ba
                                         << "key=cr%5Fab&b=1"_ba;
        QTest::newRow("empty query") << "/x?"_ba
                                     << "/x"_ba << QByteArray();
        QTest::newRow("encoded question mark") << "/a%3Fb?c"_ba
                                               << "/a?b"_ba
                                               << "c"_ba;
    }
    void splitsPathAndQueryAndDecodesPath()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, query);
        const Outcome o = feedWhole("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
        QCOMPARE(o.requests.size(), 1);
        QCOMPARE(o.requests.first().target, target);
        QCOMPARE(o.requests.first().path, path);
        QCOMPARE(o.requests.first().query, query);
    }

    void percentDecodesOnlyValidEscapes_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QByteArray>("out");
        QTest::newRow("none") << "/plain"_ba
                              << "/plain"_ba;
        QTest::newRow("at the end") << "/x%41"_ba
                                    << "/xA"_ba;
        QTest::newRow("truncated") << "/x%4"_ba
                                   << "/x%4"_ba;
        QTest::newRow("lone percent") << "/x%"_ba
                                      << "/x%"_ba;
        QTest::newRow("not hex") << "/%zz%2f"_ba
                                 << "/%zz/"_ba;
        QTest::newRow("double percent") << "/%%41"_ba
                                        << "/%A"_ba;
    }
    void percentDecodesOnlyValidEscapes()
    {
        QFETCH(QByteArray, in);
        QFETCH(QByteArray, out);
        QCOMPARE(rd::http::percentDecodePath(in), out);
    }

    void leavesSimdjsonPaddingAfterTheBody_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<qsizetype>("piece");
        QTest::newRow("content-length") << "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789"_ba
                                        << qsizetype(4096);
        QTest::newRow("content-length, byte by byte")
            << "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789"_ba << qsizetype(1);
        QTest::newRow("chunked") << kChunked << qsizetype(4096);
        QTest::newRow("chunked, 3 bytes at a time") << kChunked << qsizetype(3);
        QTest::newRow("large body") << "POST / HTTP/1.1\r\nContent-Length: 100000\r\n\r\n"_ba + QByteArray(100000, 'b')
                                    << qsizetype(1000);
    }
    void leavesSimdjsonPaddingAfterTheBody()
    {
        QFETCH(QByteArray, wire);
        QFETCH(qsizetype, piece);
        const Outcome o = feedInPieces(wire, piece);
        QCOMPARE(o.requests.size(), 1);
        const QByteArray &body = o.requests.first().body;
        QVERIFY(!body.isEmpty());
        QVERIFY2(body.capacity() - body.size() >= RequestParser::kBodyPadding,
                 qPrintable(u"size %1 capacity %2"_s.arg(body.size()).arg(body.capacity())));
    }
};

QTEST_GUILESS_MAIN(TestRequestParser)
#include "tst_requestparser.moc"
