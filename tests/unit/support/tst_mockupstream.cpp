// SPDX-License-Identifier: GPL-3.0-or-later
// Keeps the test doubles honest: plain sockets and QNetworkAccessManager against MockUpstream and MockProxy.
#include "tests/support/mockupstream.h"
#include "tests/support/rawhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using rd::test::HeaderList;
using rd::test::MockProxy;
using rd::test::MockReply;
using rd::test::MockUpstream;
using rd::test::parseRawResponse;
using rd::test::RawClient;

namespace {

const QByteArray kMessagesBody =
    R"({"model":"claude-test-model","max_tokens":64,"messages":[{"role":"user","content":"hi"}]})"_ba;
const QByteArray kStreamBody =
    R"({"model":"claude-test-model","max_tokens":64,"messages":[{"role":"user","content":"hi"}],"stream":true})"_ba;

QByteArray post(const QByteArray &target, const QByteArray &body)
{
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

std::unique_ptr<QNetworkAccessManager> directManager()
{
    auto nam = std::make_unique<QNetworkAccessManager>();
    nam->setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    return nam;
}

QNetworkRequest jsonRequest(const QString &url)
{
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("anthropic-version", "2023-06-01");
    return request;
}

bool finished(QNetworkReply *reply)
{
    if (reply->isFinished()) {
        return true;
    }
    QSignalSpy spy(reply, &QNetworkReply::finished);
    return spy.wait(10000);
}

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

// (event name, data JSON) of each SSE event; also checks the "event:\ndata:\n\n" framing.
QList<QPair<QByteArray, QJsonObject>> sseEvents(const QByteArray &body)
{
    QList<QPair<QByteArray, QJsonObject>> out;
    for (const QByteArray &block : body.split('\n')) {
        if (block.startsWith("event: ")) {
            out.append({block.mid(7), {}});
        } else if (block.startsWith("data: ") && !out.isEmpty()) {
            out.last().second = jsonOf(block.mid(6));
        }
    }
    return out;
}

QByteArray normalizedIds(const QByteArray &bytes)
{
    QString text = QString::fromUtf8(bytes);
    text.replace(QRegularExpression(u"msg_01Mock\\d+"_s), u"msg_01XyZ"_s);
    return text.toUtf8();
}

const char *const kExpectedDefaultStream =
    "event: message_start\n"
    R"(data: {"type":"message_start","message":{"id":"msg_01XyZ","type":"message","role":"assistant",)"
    R"("model":"claude-test-model","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,)"
    R"("cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,)"
    R"("ephemeral_1h_input_tokens":0},"output_tokens":1}}})"
    "\n\n"
    "event: content_block_start\n"
    R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"
    "\n\n"
    "event: ping\n"
    R"(data: {"type":"ping"})"
    "\n\n"
    "event: content_block_delta\n"
    R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})"
    "\n\n"
    "event: content_block_delta\n"
    R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}})"
    "\n\n"
    "event: content_block_stop\n"
    R"(data: {"type":"content_block_stop","index":0})"
    "\n\n"
    "event: message_delta\n"
    R"(data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":)"
    R"({"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":6}})"
    "\n\n"
    "event: message_stop\n"
    R"(data: {"type":"message_stop"})"
    "\n\n";

} // namespace

class TestMockUpstream : public QObject
{
    Q_OBJECT
private slots:
    void defaultMessageEchoesModelAndCarriesUsage()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        auto nam = directManager();
        QScopedPointer<QNetworkReply> reply(
            nam->post(jsonRequest(upstream.baseUrl() + u"/v1/messages?beta=true"_s), kMessagesBody));
        QVERIFY(finished(reply.get()));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(reply->rawHeader("request-id").startsWith("req_"));
        const QJsonObject message = jsonOf(reply->readAll());
        QCOMPARE(message.value("type"_L1).toString(), u"message"_s);
        QCOMPARE(message.value("model"_L1).toString(), u"claude-test-model"_s);
        QCOMPARE(message.value("content"_L1).toArray().at(0).toObject().value("text"_L1).toString(), u"Hello!"_s);
        const QJsonObject usage = message.value("usage"_L1).toObject();
        QCOMPARE(usage.value("input_tokens"_L1).toInt(), 12);
        QCOMPARE(usage.value("output_tokens"_L1).toInt(), 6);
        QVERIFY(usage.contains("cache_creation"_L1));

        QCOMPARE(upstream.requestCount(), 1);
        const rd::test::RecordedRequest recorded = upstream.requests().constFirst();
        QCOMPARE(recorded.method, "POST"_ba);
        QCOMPARE(recorded.target, "/v1/messages?beta=true"_ba);
        QCOMPARE(recorded.header("anthropic-version"), "2023-06-01"_ba);
        QCOMPARE(recorded.body, kMessagesBody);
    }

    void defaultStreamIsByteExactAndChunkedPerEvent()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        RawClient client(upstream.port());
        client.send(post("/v1/messages", kStreamBody));
        QTRY_VERIFY(parseRawResponse(client.received()).complete);
        const rd::test::RawResponse response = parseRawResponse(client.received());
        QCOMPARE(response.status, 200);
        QVERIFY(response.chunked);
        QVERIFY(response.header("content-type").startsWith("text/event-stream"));
        QCOMPARE(normalizedIds(response.body), QByteArray(kExpectedDefaultStream));
        QCOMPARE(response.chunks.size(), 8); // one chunk per event
        QVERIFY(response.chunks.constFirst().startsWith("event: message_start\n"));
    }

    void defaultCountTokensAndModels()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        auto nam = directManager();
        QScopedPointer<QNetworkReply> count(
            nam->post(jsonRequest(upstream.baseUrl() + u"/v1/messages/count_tokens"_s), kMessagesBody));
        QScopedPointer<QNetworkReply> models(nam->get(jsonRequest(upstream.baseUrl() + u"/v1/models"_s)));
        QVERIFY(finished(count.get()));
        QVERIFY(finished(models.get()));
        QCOMPARE(jsonOf(count->readAll()).value("input_tokens"_L1).toInt(), MockUpstream::kDefaultCountTokens);
        const QJsonObject list = jsonOf(models->readAll());
        QVERIFY(!list.value("data"_L1).toArray().isEmpty());
        QCOMPARE(list.value("data"_L1).toArray().at(0).toObject().value("type"_L1).toString(), u"model"_s);
        QCOMPARE(list.value("has_more"_L1).toBool(true), false);
    }

    void scriptedStatusAndHeaders_data()
    {
        QTest::addColumn<MockReply>("reply");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("headerName");
        QTest::addColumn<QByteArray>("headerValue");
        QTest::addColumn<QString>("errorType");
        QTest::newRow("429 with retry-after")
            << MockUpstream::error(429, "rate_limit_error", "slow down", {{"retry-after"_ba, "7"_ba}}) << 429
            << "retry-after"_ba
            << "7"_ba << u"rate_limit_error"_s;
        QTest::newRow("529 says retry") << MockUpstream::error(529, "overloaded_error", "Overloaded") << 529
                                        << "x-should-retry"_ba
                                        << "true"_ba << u"overloaded_error"_s;
        MockReply limited = MockUpstream::message("m", "ok");
        limited.headers = {{"anthropic-ratelimit-unified-status"_ba, "allowed_warning"_ba}};
        QTest::newRow("200 with unified headers") << limited << 200 << "anthropic-ratelimit-unified-status"_ba
                                                  << "allowed_warning"_ba << QString();
    }
    void scriptedStatusAndHeaders()
    {
        QFETCH(MockReply, reply);
        QFETCH(int, status);
        QFETCH(QByteArray, headerName);
        QFETCH(QByteArray, headerValue);
        QFETCH(QString, errorType);
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        upstream.enqueue(reply);
        auto nam = directManager();
        QScopedPointer<QNetworkReply> answer(nam->post(jsonRequest(upstream.baseUrl() + u"/v1/messages"_s), "{}"));
        QVERIFY(finished(answer.get()));
        QCOMPARE(answer->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), status);
        QCOMPARE(answer->rawHeader(headerName), headerValue);
        const QJsonObject body = jsonOf(answer->readAll());
        if (!errorType.isEmpty()) {
            QCOMPARE(body.value("type"_L1).toString(), u"error"_s);
            QCOMPARE(body.value("error"_L1).toObject().value("type"_L1).toString(), errorType);
        }
        QCOMPARE(upstream.queuedReplies(), 0);
    }

    void sseEventsLeaveAtTheirDelays()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        upstream.enqueue(MockUpstream::stream("m", {"a", "b"}, 12, 6, 150));
        QSignalSpy finishedSpy(&upstream, &MockUpstream::replyFinished);
        RawClient client(upstream.port());
        client.send(post("/v1/messages", kStreamBody));
        QTRY_VERIFY(client.received().contains("event: message_start"));
        QCOMPARE(finishedSpy.count(), 0); // the first event arrived while the rest was still scheduled
        QVERIFY(!client.received().contains("event: message_stop"));
        QVERIFY(finishedSpy.wait(5000));
        QTRY_VERIFY(parseRawResponse(client.received()).complete);
        const auto events = sseEvents(parseRawResponse(client.received()).body);
        QCOMPARE(events.size(), 8);
        QCOMPARE(events.last().first, "message_stop"_ba);
        QCOMPARE(events.at(6).second.value("usage"_L1).toObject().value("output_tokens"_L1).toInt(), 6);
    }

    void resetAfterEventsResetsMidStream()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        MockReply reply = MockUpstream::stream("m", {"a", "b", "c"});
        reply.resetAfterEvents = 2;
        upstream.enqueue(reply);
        QSignalSpy finishedSpy(&upstream, &MockUpstream::replyFinished);
        RawClient client(upstream.port());
        client.send(post("/v1/messages", kStreamBody));
        QTRY_VERIFY(client.disconnected());
        QCOMPARE(client.lastError(), QAbstractSocket::RemoteHostClosedError);
        const rd::test::RawResponse response = parseRawResponse(client.received());
        QCOMPARE(response.status, 200);
        QVERIFY(!response.complete); // no terminating chunk
        QCOMPARE(response.chunks.size(), 2);
        QCOMPARE(sseEvents(response.body).last().first, "content_block_start"_ba);
        QCOMPARE(finishedSpy.count(), 1);
        QCOMPARE(upstream.abortedByClient(), 0);
    }

    void resetBeforeHeadersSendsNothing()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        MockReply reply;
        reply.resetBeforeHeaders = true;
        upstream.enqueue(reply);
        RawClient client(upstream.port());
        client.send(post("/v1/messages", kMessagesBody));
        QTRY_VERIFY(client.disconnected());
        QVERIFY(client.received().isEmpty());
        QCOMPARE(upstream.requestCount(), 1);
        QTRY_COMPARE(upstream.openConnections(), 0);
    }

    void clientAbortIsCounted_data()
    {
        QTest::addColumn<MockReply>("reply");
        QTest::addColumn<QByteArray>("seenFirst");
        QTest::newRow("SSE with events left") << MockUpstream::stream("m", {"a"}, 12, 6, 60000) << "message_start"_ba;
        MockReply silent;
        silent.neverRespond = true;
        QTest::newRow("never responds") << silent << QByteArray();
    }
    void clientAbortIsCounted()
    {
        QFETCH(MockReply, reply);
        QFETCH(QByteArray, seenFirst);
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        upstream.enqueue(reply);
        RawClient client(upstream.port());
        client.send(post("/v1/messages", kStreamBody));
        QTRY_COMPARE(upstream.requestCount(), 1);
        QTRY_VERIFY(client.received().contains(seenFirst));
        QCOMPARE(upstream.openConnections(), 1);
        client.socket().abort();
        QTRY_COMPARE(upstream.abortedByClient(), 1);
        QCOMPARE(upstream.openConnections(), 0);
    }

    void closeAfterAndKeepAlive()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        upstream.enqueue(MockUpstream::message("m", "one"));
        upstream.enqueue(MockUpstream::message("m", "two"));
        MockReply last = MockUpstream::message("m", "three");
        last.closeAfter = true;
        last.chunked = true;
        upstream.enqueue(last);
        RawClient client(upstream.port());
        client.send(post("/v1/messages", kMessagesBody) + post("/v1/messages", kMessagesBody)); // pipelined
        QTRY_COMPARE(upstream.requestCount(), 2);
        QTRY_VERIFY(client.received().count("HTTP/1.1 200") == 2);
        client.send(post("/v1/messages", kMessagesBody)); // and one more after the answers
        QTRY_VERIFY(client.disconnected());
        QCOMPARE(upstream.connectionsAccepted(), 1);
        QByteArray rest = client.received();
        QStringList texts;
        for (int i = 0; i < 3; ++i) {
            const rd::test::RawResponse response = parseRawResponse(rest);
            QVERIFY(response.complete);
            texts << jsonOf(response.body).value("content"_L1).toArray().at(0).toObject().value("text"_L1).toString();
            QCOMPARE(response.header("connection"), i == 2 ? "close"_ba : "keep-alive"_ba);
            QCOMPARE(response.chunked, i == 2);
            rest.remove(0, response.consumed);
        }
        QCOMPARE(texts, (QStringList{u"one"_s, u"two"_s, u"three"_s}));
        QVERIFY(rest.isEmpty());
    }

    void chunkedRequestBodyIsRecordedDecoded()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        RawClient client(upstream.port());
        client.send("POST /v1/messages/count_tokens HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    "X-Mixed-Case: Value\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
        QTRY_VERIFY(parseRawResponse(client.received()).complete);
        const rd::test::RecordedRequest recorded = upstream.requests().constFirst();
        QCOMPARE(recorded.body, "hello world"_ba);
        QCOMPARE(recorded.header("x-mixed-case"), "Value"_ba);
        QVERIFY(recorded.headers.contains(qMakePair("X-Mixed-Case"_ba, "Value"_ba))); // names kept as sent
    }

    void tlsWithTheMockCertificateAsCa_data()
    {
        QTest::addColumn<QString>("host");
        QTest::newRow("ip") << u"127.0.0.1"_s;
        QTest::newRow("localhost") << u"localhost"_s;
    }
    void tlsWithTheMockCertificateAsCa()
    {
        QFETCH(QString, host);
        MockUpstream upstream;
        QVERIFY(upstream.listen(true));
        QVERIFY(upstream.baseUrl().startsWith(u"https://"_s));
        auto nam = directManager();
        QNetworkRequest request = jsonRequest(u"https://%1:%2/v1/messages"_s.arg(host).arg(upstream.port()));
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(QSslCertificate::fromData(upstream.caCertificatePem(), QSsl::Pem));
        request.setSslConfiguration(ssl);
        QScopedPointer<QNetworkReply> reply(nam->post(request, kMessagesBody));
        QSignalSpy sslErrors(reply.get(), &QNetworkReply::sslErrors);
        QVERIFY(finished(reply.get()));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(sslErrors.count(), 0);
        QCOMPARE(jsonOf(reply->readAll()).value("model"_L1).toString(), u"claude-test-model"_s);
    }

    void tlsIsRejectedWithoutTheCa()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen(true));
        auto nam = directManager();
        QScopedPointer<QNetworkReply> reply(nam->get(jsonRequest(upstream.baseUrl() + u"/v1/models"_s)));
        QVERIFY(finished(reply.get()));
        QCOMPARE(reply->error(), QNetworkReply::SslHandshakeFailedError);
        QCOMPARE(upstream.requestCount(), 0);
    }

    void buildersFollowTheProtocol()
    {
        const MockReply tool = MockUpstream::toolUseStream("m", "get_weather", {"", "{\"city\":", "\"Paris\"}"}, 20, 9);
        QByteArray partial;
        QByteArray stopReason;
        for (const auto &[delay, text] : tool.events) {
            QVERIFY(text.endsWith("\n\n"));
            const auto events = sseEvents(text);
            QCOMPARE(events.size(), 1);
            const QJsonObject data = events.constFirst().second;
            QCOMPARE(data.value("type"_L1).toString().toUtf8(), events.constFirst().first);
            partial += data.value("delta"_L1).toObject().value("partial_json"_L1).toString().toUtf8();
            if (events.constFirst().first == "message_delta") {
                stopReason = data.value("delta"_L1).toObject().value("stop_reason"_L1).toString().toUtf8();
            }
        }
        QCOMPARE(jsonOf(partial).value("city"_L1).toString(), u"Paris"_s);
        QCOMPARE(stopReason, "tool_use"_ba);

        const MockReply cached = MockUpstream::message("m", "x", 10, 2, 300, 40, 60);
        const QJsonObject usage = jsonOf(cached.body).value("usage"_L1).toObject();
        QCOMPARE(usage.value("cache_creation_input_tokens"_L1).toInt(), 100);
        QCOMPARE(usage.value("cache_read_input_tokens"_L1).toInt(), 300);
        QCOMPARE(usage.value("cache_creation"_L1).toObject().value("ephemeral_1h_input_tokens"_L1).toInt(), 60);

        const MockReply streamError = MockUpstream::streamError("overloaded_error", "Overloaded");
        QVERIFY(streamError.sse);
        QCOMPARE(streamError.events.constFirst().second,
                 "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                 "\"message\":\"Overloaded\"}}\n\n"_ba);
    }

    void socks5Tunnels_data()
    {
        QTest::addColumn<bool>("requireAuth");
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("succeeds");
        QTest::newRow("no auth") << false << QString() << true;
        QTest::newRow("user/password") << true << u"s3cret"_s << true;
        QTest::newRow("wrong password") << true << u"wrong"_s << false;
    }
    void socks5Tunnels()
    {
        QFETCH(bool, requireAuth);
        QFETCH(QString, password);
        QFETCH(bool, succeeds);
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        MockProxy proxy(MockProxy::Kind::Socks5);
        if (requireAuth) {
            proxy.requireCredentials("alice", "s3cret");
        }
        QVERIFY(proxy.listen());
        QNetworkAccessManager nam;
        nam.setProxy(QNetworkProxy(
            QNetworkProxy::Socks5Proxy, u"127.0.0.1"_s, proxy.port(), requireAuth ? u"alice"_s : QString(), password));
        QScopedPointer<QNetworkReply> reply(nam.get(jsonRequest(upstream.baseUrl() + u"/v1/models"_s)));
        QVERIFY(finished(reply.get()));
        if (succeeds) {
            QCOMPARE(reply->error(), QNetworkReply::NoError);
            QCOMPARE(proxy.tunnelsOpened(), 1);
            QCOMPARE(proxy.targets(), QList<QByteArray>{"127.0.0.1:" + QByteArray::number(upstream.port())});
            QCOMPARE(proxy.authFailures(), 0);
            QCOMPARE(upstream.requestCount(), 1);
        } else {
            QVERIFY(reply->error() != QNetworkReply::NoError);
            QCOMPARE(proxy.tunnelsOpened(), 0);
            QVERIFY(proxy.authFailures() >= 1);
            QCOMPARE(upstream.requestCount(), 0);
        }
    }

    void httpProxy_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("succeeds");
        QTest::newRow("CONNECT to TLS, right credentials") << true << u"pa:ss"_s << true;
        QTest::newRow("CONNECT to TLS, wrong credentials") << true << u"nope"_s << false;
        QTest::newRow("absolute-form to plain HTTP") << false << u"pa:ss"_s << true;
    }
    void httpProxy()
    {
        QFETCH(bool, tls);
        QFETCH(QString, password);
        QFETCH(bool, succeeds);
        MockUpstream upstream;
        QVERIFY(upstream.listen(tls));
        MockProxy proxy(MockProxy::Kind::HttpConnect);
        proxy.requireCredentials("bob", "pa:ss");
        QVERIFY(proxy.listen());
        QNetworkAccessManager nam;
        nam.setProxy(QNetworkProxy(QNetworkProxy::HttpProxy, u"127.0.0.1"_s, proxy.port(), u"bob"_s, password));
        QNetworkRequest request = jsonRequest(upstream.baseUrl() + u"/v1/messages"_s);
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(QSslCertificate::fromData(upstream.caCertificatePem(), QSsl::Pem));
        request.setSslConfiguration(ssl);
        QScopedPointer<QNetworkReply> reply(nam.post(request, kStreamBody));
        QVERIFY(finished(reply.get()));
        if (succeeds) {
            QCOMPARE(reply->error(), QNetworkReply::NoError);
            QCOMPARE(sseEvents(reply->readAll()).last().first, "message_stop"_ba);
            QCOMPARE(proxy.tunnelsOpened(), 1);
            QCOMPARE(proxy.targets(), QList<QByteArray>{"127.0.0.1:" + QByteArray::number(upstream.port())});
            QCOMPARE(proxy.authFailures(), 0);
            QCOMPARE(upstream.requests().constFirst().target, "/v1/messages"_ba);
            QCOMPARE(upstream.requests().constFirst().header("proxy-authorization"), QByteArray());
        } else {
            QCOMPARE(reply->error(), QNetworkReply::ProxyAuthenticationRequiredError);
            QCOMPARE(proxy.tunnelsOpened(), 0);
            QVERIFY(proxy.authFailures() >= 1);
            QCOMPARE(upstream.connectionsAccepted(), 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestMockUpstream)
#include "tst_mockupstream.moc"
