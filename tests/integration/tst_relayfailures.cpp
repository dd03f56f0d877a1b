// SPDX-License-Identifier: GPL-3.0-or-later
// What clients see when things go wrong: bad keys, bad framing, limits, dead/slow/broken upstreams, vanishing clients.
#include "core/auth/apikeys.h"
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

namespace {
const QByteArray kBody = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
                         "\"content\":\"hi\"}]}";
const QByteArray kStreamBody = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":64,\"stream\":true,"
                               "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

QString errorType(const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    return o[u"type"_s].toString() == u"error"_s ? o[u"error"_s][u"type"_s].toString() : QString();
}
} // namespace

class TestRelayFailures : public QObject
{
    Q_OBJECT
private:
    MockUpstream *m_upstream = nullptr;
    rd::test::RelayHarness *m_relay = nullptr;
    QByteArray m_key;

    rd::http::HeaderList auth() const { return RelayClient::anthropicHeaders(m_key); }
    RelayClient::Response call(const QByteArray &request) { return RelayClient::roundTrip(m_relay->port(), request); }
    bool startRelay(const QString &baseUrl = {})
    {
        m_key = m_relay->addKey(u"tester"_s);
        rd::test::RelayHarness::AccountOptions account;
        account.baseUrl = baseUrl.isEmpty() ? m_upstream->baseUrl() : baseUrl;
        return !m_relay->addAccount(account).isEmpty() && m_relay->start();
    }

private slots:
    void init()
    {
        m_upstream = new MockUpstream;
        QVERIFY(m_upstream->listen());
        m_relay = new rd::test::RelayHarness;
    }
    void cleanup()
    {
        delete m_relay;
        delete m_upstream;
    }

    void rejectsBadKeysWithAuthenticationError_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("missing") << QByteArray() << QByteArray();
        QTest::newRow("unknown") << "x-api-key"_ba
                                 << "cr_" + QByteArray(64, 'a');
        QTest::newRow("too short") << "x-api-key"_ba
                                   << "cr_1"_ba;
        QTest::newRow("basic auth") << "authorization"_ba
                                    << "Basic eDp5"_ba;
    }
    void rejectsBadKeysWithAuthenticationError()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        QVERIFY(startRelay());
        rd::http::HeaderList headers{{"anthropic-version", "2023-06-01"}};
        if (!header.isEmpty()) {
            headers.append({header, value});
        }
        const RelayClient::Response r = call(RelayClient::post("/api/v1/messages", kBody, headers));
        QCOMPARE(r.status, 401);
        QCOMPARE(errorType(r.body), u"authentication_error"_s);
        QVERIFY(!r.body.contains(value.isEmpty() ? "\x01"_ba : value)); // the presented key is never echoed
        QCOMPARE(m_upstream->requestCount(), 0);
    }

    void disabledAndDeletedKeysStopWorkingWithoutRestart()
    {
        QVERIFY(startRelay());
        QCOMPARE(call(RelayClient::post("/api/v1/messages", kBody, auth())).status, 200);
        QVERIFY(m_relay->db().setKeyEnabled(u"tester"_s, false));
        QVERIFY(m_relay->waitForRevision());
        const RelayClient::Response r = call(RelayClient::post("/api/v1/messages", kBody, auth()));
        QCOMPARE(r.status, 401);
        QVERIFY(r.body.contains("disabled"));
        QVERIFY(m_relay->db().setKeyEnabled(u"tester"_s, true));
        QVERIFY(m_relay->waitForRevision());
        QCOMPARE(call(RelayClient::post("/api/v1/messages", kBody, auth())).status, 200);
        QVERIFY(m_relay->db().deleteKey(u"tester"_s));
        QVERIFY(m_relay->waitForRevision());
        QCOMPARE(call(RelayClient::post("/api/v1/messages", kBody, auth())).status, 401);
    }

    void keyPolicyIsEnforcedWithTheRightErrors()
    {
        QVERIFY(startRelay());
        auto keyWith = [this](const QString &name, auto &&configure) {
            const QByteArray key = rd::auth::generateKey();
            rd::store::ApiKeyRecord r;
            r.id = u"key_"_s + name;
            r.name = name;
            r.keyHash = rd::auth::hashKey(key);
            r.createdAt = QDateTime::currentDateTimeUtc();
            configure(r);
            return m_relay->db().insertKey(r) ? key : QByteArray();
        };
        const QByteArray expired =
            keyWith(u"expired"_s, [](auto &r) { r.expiresAtMs = QDateTime::currentMSecsSinceEpoch() - 1000; });
        const QByteArray geminiOnly = keyWith(u"gemini-only"_s, [](auto &r) { r.permissions = u"gemini"_s; });
        const QByteArray noSonnet =
            keyWith(u"no-sonnet"_s, [](auto &r) { r.deniedModels = u"claude-sonnet-4-5-20250929"_s; });
        QVERIFY(m_relay->waitForRevision());
        const auto call401 = call(RelayClient::post("/api/v1/messages", kBody, RelayClient::anthropicHeaders(expired)));
        QCOMPARE(call401.status, 401);
        QVERIFY(call401.body.contains("expired"));
        const auto perm = call(RelayClient::post("/api/v1/messages", kBody, RelayClient::anthropicHeaders(geminiOnly)));
        QCOMPARE(perm.status, 403);
        QCOMPARE(errorType(perm.body), u"permission_error"_s);
        const auto model = call(RelayClient::post("/api/v1/messages", kBody, RelayClient::anthropicHeaders(noSonnet)));
        QCOMPARE(model.status, 403);
        QVERIFY(model.body.contains("claude-sonnet-4-5-20250929"));
        QCOMPARE(m_upstream->requestCount(), 0);
    }

    void rejectsInvalidBodiesBeforeForwarding_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not json") << "{nope"_ba;
        QTest::newRow("array") << "[]"_ba;
        QTest::newRow("no messages") << "{\"model\":\"m\",\"max_tokens\":1}"_ba;
        QTest::newRow("empty messages") << "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}"_ba;
        QTest::newRow("no model") << "{\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"_ba;
    }
    void rejectsInvalidBodiesBeforeForwarding()
    {
        QFETCH(QByteArray, body);
        QVERIFY(startRelay());
        const RelayClient::Response r = call(RelayClient::post("/api/v1/messages", body, auth()));
        QCOMPARE(r.status, 400);
        QCOMPARE(errorType(r.body), u"invalid_request_error"_s);
        QCOMPARE(m_upstream->requestCount(), 0);
    }

    void unknownRouteIs404InTheRightDialect()
    {
        QVERIFY(startRelay());
        const RelayClient::Response a = call(RelayClient::get("/api/v1/nothing", auth()));
        QCOMPARE(a.status, 404);
        QCOMPARE(errorType(a.body), u"not_found_error"_s);
        QVERIFY(!a.header("x-request-id").isEmpty());
        const RelayClient::Response o = call(RelayClient::get("/openai/v1/nothing", auth()));
        QCOMPARE(o.status, 404);
        QVERIFY(QJsonDocument::fromJson(o.body).object()[u"error"_s][u"code"_s].isNull());
    }

    void framingAttacksAreRefusedAndClosed()
    {
        QVERIFY(startRelay());
        RelayClient c;
        QVERIFY(c.connectTo(m_relay->port()));
        c.send("POST /api/v1/messages HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n"
               "0\r\n\r\nGET /health HTTP/1.1\r\n\r\n");
        const RelayClient::Response r = c.readResponse();
        QCOMPARE(r.status, 400);
        QVERIFY(c.waitForDisconnect());
        QCOMPARE(m_upstream->requestCount(), 0);

        RelayClient g;
        QVERIFY(g.connectTo(m_relay->port()));
        g.send("GARBAGE\r\n\r\n");
        QCOMPARE(g.readResponse().status, 400);
        QVERIFY(g.waitForDisconnect());
    }

    void limitsOnHeadersAndBodies()
    {
        m_relay->config().server.limits.maxBodyBytes = 4096;
        QVERIFY(startRelay());
        const QByteArray big(70 * 1024, 'a');
        const RelayClient::Response h = call(RelayClient::get("/health", {{"x-big", big}}));
        QCOMPARE(h.status, 431);
        const QByteArray body = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\""
                                + QByteArray(8000, 'x') + "\"}]}";
        const RelayClient::Response b = call(RelayClient::post("/api/v1/messages", body, auth()));
        QCOMPARE(b.status, 413);
        QCOMPARE(errorType(b.body), u"request_too_large"_s);
        RelayClient chunked;
        QVERIFY(chunked.connectTo(m_relay->port()));
        chunked.send("POST /api/v1/messages HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n2000\r\n"
                     + QByteArray(0x2000, 'x') + "\r\n");
        QCOMPARE(chunked.readResponse().status, 413);
        QCOMPARE(m_upstream->requestCount(), 0);
    }

    void slowAndIdleClientsAreDisconnected()
    {
        m_relay->config().server.headerTimeoutMs = 300;
        m_relay->config().server.keepAliveIdleMs = 600;
        QVERIFY(startRelay());
        RelayClient slow;
        QVERIFY(slow.connectTo(m_relay->port()));
        slow.send("GET /health HTTP/1.1\r\nhost: x\r\n"); // the head never ends
        QVERIFY(slow.waitForDisconnect(5000));
        RelayClient idle;
        QVERIFY(idle.connectTo(m_relay->port()));
        QVERIFY(idle.waitForDisconnect(5000));
    }

    void connectionCapAnswers503()
    {
        m_relay->config().server.maxConnections = 2;
        QVERIFY(startRelay());
        RelayClient a;
        RelayClient b;
        QVERIFY(a.connectTo(m_relay->port()));
        QVERIFY(b.connectTo(m_relay->port()));
        QTRY_COMPARE(m_relay->service()->status().openConnections, 2);
        RelayClient c;
        c.connectTo(m_relay->port()); // the relay may answer and close before the connect is even noticed
        const RelayClient::Response r = c.readResponse(5000);
        QCOMPARE(r.status, 503);
        QCOMPARE(r.header("retry-after"), "1"_ba);
        QVERIFY(r.header("x-request-id").startsWith("req_"));
        a.abort();
        QTRY_COMPARE(m_relay->service()->status().openConnections, 1);
        RelayClient d;
        QVERIFY(d.connectTo(m_relay->port()));
        d.send(RelayClient::get("/health"));
        QCOMPARE(d.readResponse().status, 200);
    }

    void unreachableUpstreamIs502()
    {
        QTcpServer closed; // a port that is certainly not listening once closed
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        QVERIFY(startRelay(u"http://127.0.0.1:%1"_s.arg(port)));
        const RelayClient::Response r = call(RelayClient::post("/api/v1/messages", kBody, auth()));
        QCOMPARE(r.status, 502);
        QCOMPARE(errorType(r.body), u"api_error"_s);
        QTRY_COMPARE(m_relay->service()->status().requestsRecorded, qint64(1));
        QCOMPARE(m_relay->service()->status().activeRequests, 0);
    }

    void silentUpstreamIs504()
    {
        m_relay->config().upstreamHeadersTimeoutMs = 300;
        QVERIFY(startRelay());
        rd::test::MockReply silent;
        silent.neverRespond = true;
        m_upstream->enqueue(silent);
        const RelayClient::Response r = call(RelayClient::post("/api/v1/messages", kBody, auth()));
        QCOMPARE(r.status, 504);
        QCOMPARE(errorType(r.body), u"timeout_error"_s);
    }

    void resetBeforeHeadersIs502()
    {
        QVERIFY(startRelay());
        rd::test::MockReply reset;
        reset.resetBeforeHeaders = true;
        m_upstream->enqueue(reset);
        QCOMPARE(call(RelayClient::post("/api/v1/messages", kBody, auth())).status, 502);
    }

    void resetMidStreamEndsWithErrorEventAndKeepsUsage()
    {
        QVERIFY(startRelay());
        rd::test::MockReply broken =
            MockUpstream::stream("claude-sonnet-4-5-20250929", {"a", "b", "c", "d"}, 33, 9, 20);
        broken.resetAfterEvents = 4; // message_start, block start, ping, first delta
        m_upstream->enqueue(broken);
        RelayClient c;
        QVERIFY(c.connectTo(m_relay->port()));
        c.send(RelayClient::post("/api/v1/messages", kStreamBody, auth()));
        const RelayClient::Response r = c.readResponse();
        QCOMPARE(r.status, 200);
        QVERIFY(!r.complete); // no terminating chunk: an abnormal end
        QVERIFY(r.closed);
        QVERIFY(r.body.contains("event: message_start"));
        QVERIFY(r.body.endsWith("\n\n"));
        QVERIFY(r.body.contains("event: error\ndata: {"));
        QTRY_COMPARE(m_relay->service()->status().requestsRecorded, qint64(1));
        m_relay->flushUsage();
        const auto row = m_relay->db().recentUsage(1)->first();
        QVERIFY(row.aborted);
        QCOMPARE(row.inputTokens, qint64(33)); // what message_start said is kept
    }

    void clientDisconnectAbortsUpstreamAndReleasesEverything()
    {
        QVERIFY(startRelay());
        QList<QByteArray> pieces;
        for (int i = 0; i < 50; ++i) {
            pieces.append("word ");
        }
        m_upstream->enqueue(MockUpstream::stream("claude-sonnet-4-5-20250929", pieces, 44, 50, 40));
        RelayClient c;
        QVERIFY(c.connectTo(m_relay->port()));
        c.send(RelayClient::post("/api/v1/messages", kStreamBody, auth()));
        const RelayClient::Response partial = c.readResponse(5000, "content_block_delta");
        QVERIFY(partial.body.contains("message_start"));
        c.abort();
        QTRY_COMPARE(m_upstream->abortedByClient(), 1);
        QTRY_COMPARE(m_relay->service()->status().activeRequests, 0);
        QTRY_COMPARE(m_relay->service()->status().openConnections, 0);
        QTRY_COMPARE(m_relay->service()->status().requestsRecorded, qint64(1));
        m_relay->flushUsage();
        const auto row = m_relay->db().recentUsage(1)->first();
        QVERIFY(row.aborted);
        QCOMPARE(row.inputTokens, qint64(44));
    }

    void manyAbortedStreamsLeakNothing()
    {
        QVERIFY(startRelay());
        QList<RelayClient *> clients;
        for (int i = 0; i < 100; ++i) {
            m_upstream->enqueue(
                MockUpstream::stream("claude-sonnet-4-5-20250929", {"a", "b", "c", "d", "e", "f"}, 5, 5, 50));
        }
        for (int i = 0; i < 100; ++i) {
            auto *c = new RelayClient;
            QVERIFY(c->connectTo(m_relay->port()));
            c->send(RelayClient::post("/api/v1/messages", kStreamBody, auth()));
            clients.append(c);
        }
        QTRY_VERIFY_WITH_TIMEOUT(m_upstream->requestCount() == 100, 10000);
        for (RelayClient *c : clients) {
            c->abort();
            delete c;
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_relay->service()->status().activeRequests, 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_relay->service()->status().openConnections, 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_relay->service()->status().requestsRecorded, qint64(100), 10000);
        m_relay->flushUsage();
        QCOMPARE(m_relay->db().usageTotals()->requests, qint64(100));
    }

    void healthTurns503WhenTheStoreIsGone()
    {
        QVERIFY(startRelay());
        QCOMPARE(call(RelayClient::get("/health")).status, 200);
        for (const char *suffix : {"", "-wal", "-shm"}) {
            QFile::remove(m_relay->dataDir() + u"/relaydesk.db"_s + QString::fromLatin1(suffix));
        }
        QTRY_COMPARE_WITH_TIMEOUT(call(RelayClient::get("/health")).status, 503, 5000);
        const RelayClient::Response r = call(RelayClient::get("/health"));
        const QJsonObject health = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(health[u"status"_s].toString(), u"unhealthy"_s);
        QCOMPARE(health[u"components"_s][u"store"_s].toString(), u"unusable"_s);
    }

    void shutdownWithStreamsInFlightIsClean()
    {
        QVERIFY(startRelay());
        for (int i = 0; i < 3; ++i) {
            m_upstream->enqueue(
                MockUpstream::stream("claude-sonnet-4-5-20250929", {"a", "b", "c", "d", "e"}, 7, 7, 300));
        }
        QList<RelayClient *> clients;
        for (int i = 0; i < 3; ++i) {
            auto *c = new RelayClient;
            QVERIFY(c->connectTo(m_relay->port()));
            c->send(RelayClient::post("/api/v1/messages", kStreamBody, auth()));
            QVERIFY(c->readResponse(5000, "message_start").body.contains("message_start"));
            clients.append(c);
        }
        delete std::exchange(m_relay, nullptr); // stops accepting, closes everything, flushes usage, joins threads
        for (RelayClient *c : std::as_const(clients)) {
            QVERIFY(c->waitForDisconnect());
            delete c;
        }
        QTRY_COMPARE(m_upstream->abortedByClient(), 3); // every upstream call was dropped, none left running
    }

    void noAccountMeans503AndUnservedModel404()
    {
        m_key = m_relay->addKey(u"tester"_s);
        QVERIFY(m_relay->start());
        const RelayClient::Response none = call(RelayClient::post("/api/v1/messages", kBody, auth()));
        QCOMPARE(none.status, 503);
        rd::test::RelayHarness::AccountOptions mapped;
        mapped.baseUrl = m_upstream->baseUrl();
        mapped.modelMapping = u"{\"claude-only\":\"x\"}"_s;
        QVERIFY(!m_relay->addAccount(mapped).isEmpty());
        QVERIFY(m_relay->waitForRevision());
        const RelayClient::Response unserved = call(RelayClient::post("/api/v1/messages", kBody, auth()));
        QCOMPARE(unserved.status, 404);
        QCOMPARE(errorType(unserved.body), u"not_found_error"_s);
    }
};

QTEST_GUILESS_MAIN(TestRelayFailures)
#include "tst_relayfailures.moc"
