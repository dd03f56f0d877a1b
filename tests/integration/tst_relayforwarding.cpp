// SPDX-License-Identifier: GPL-3.0-or-later
// The relay end to end on loopback: what the client sends, what reaches the upstream, what comes back, what is
// recorded.
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

namespace {
const QByteArray kBody = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
                         "\"content\":\"hi\"}]}";
const QByteArray kStreamBody = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":64,\"stream\":true,"
                               "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
} // namespace

class TestRelayForwarding : public QObject
{
    Q_OBJECT
private:
    MockUpstream *m_upstream = nullptr;
    rd::test::RelayHarness *m_relay = nullptr;
    QByteArray m_key;

    rd::http::HeaderList auth() const { return RelayClient::anthropicHeaders(m_key); }
    RelayClient::Response call(const QByteArray &request) { return RelayClient::roundTrip(m_relay->port(), request); }

private slots:
    void init()
    {
        m_upstream = new MockUpstream;
        QVERIFY(m_upstream->listen());
        m_relay = new rd::test::RelayHarness;
        m_key = m_relay->addKey(u"tester"_s);
        rd::test::RelayHarness::AccountOptions account;
        account.baseUrl = m_upstream->baseUrl();
        QVERIFY(!m_relay->addAccount(account).isEmpty());
        QVERIFY(m_relay->start());
    }
    void cleanup()
    {
        delete m_relay;
        delete m_upstream;
    }

    void forwardsNonStreamAndFiltersHeaders()
    {
        m_upstream->enqueue(MockUpstream::message("claude-sonnet-4-5-20250929", "Hello!", 12, 6, 1500, 0, 1500));
        const RelayClient::Response r = call(RelayClient::post("/api/v1/messages?beta=true",
                                                               kBody,
                                                               {{"authorization", "Bearer " + m_key},
                                                                {"anthropic-version", "2023-06-01"},
                                                                {"anthropic-beta", "interleaved-thinking-2025-05-14"},
                                                                {"x-forwarded-for", "10.0.0.1"},
                                                                {"cookie", "a=b"},
                                                                {"accept-encoding", "gzip, br, zstd"},
                                                                {"x-claude-code-session-id", "abc"}}));
        QCOMPARE(r.status, 200);
        QVERIFY(r.complete);
        QVERIFY(r.header("x-request-id").startsWith("req_"));
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value(u"content"_s).toArray().at(0)[u"text"_s].toString(),
                 u"Hello!"_s);
        QCOMPARE(m_upstream->requestCount(), 1);
        const auto up = m_upstream->requests().first();
        QCOMPARE(up.target, "/v1/messages?beta=true"_ba);
        QCOMPARE(up.body, kBody); // byte for byte
        QCOMPARE(up.header("x-api-key"), "sk-ant-api03-test-key-0000"_ba);
        QVERIFY(up.header("authorization").isEmpty());
        QCOMPARE(up.header("anthropic-version"), "2023-06-01"_ba);
        QCOMPARE(up.header("anthropic-beta"), "interleaved-thinking-2025-05-14"_ba);
        QCOMPARE(up.header("x-claude-code-session-id"), "abc"_ba);
        QCOMPARE(up.header("accept-encoding"), "identity"_ba);
        QVERIFY(up.header("x-forwarded-for").isEmpty());
        QVERIFY(up.header("cookie").isEmpty());
        QCOMPARE(up.header("host"), u"127.0.0.1:%1"_s.arg(m_upstream->port()).toLatin1());

        QTRY_COMPARE(m_relay->service()->status().requestsRecorded, qint64(1));
        m_relay->flushUsage();
        const auto rows = m_relay->db().recentUsage(5);
        QVERIFY(rows && rows->size() == 1);
        const auto &row = rows->first();
        QCOMPARE(row.status, 200);
        QCOMPARE(row.inputTokens, qint64(12));
        QCOMPARE(row.outputTokens, qint64(6));
        QCOMPARE(row.cacheReadTokens, qint64(1500));
        QCOMPARE(row.cacheCreate1hTokens, qint64(1500));
        QCOMPARE(row.cacheCreate5mTokens, qint64(0));
        QCOMPARE(row.model, u"claude-sonnet-4-5-20250929"_s);
        // $3 in, $15 out, $0.30 cache reads, $6 1-hour cache writes per million tokens.
        QVERIFY(qAbs(row.costUsd - (12 * 3e-6 + 6 * 15e-6 + 1500 * 0.3e-6 + 1500 * 6e-6)) < 1e-12);
        QVERIFY(!row.costEstimated);
        QCOMPARE(row.keyId, u"key_test1"_s);
        QVERIFY(!row.stream);
        QVERIFY(!row.aborted);
        QVERIFY(row.firstByteMs >= 0);
    }

    void streamsEventsAsTheyArrive()
    {
        m_upstream->enqueue(
            MockUpstream::stream("claude-sonnet-4-5-20250929", {"Hel", "lo", "!"}, 20, 9, 150, 100, 30, 0));
        RelayClient c;
        QVERIFY(c.connectTo(m_relay->port()));
        c.send(RelayClient::post("/claude/v1/messages", kStreamBody, auth()));
        const RelayClient::Response r = c.readResponse(10000);
        QCOMPARE(r.status, 200);
        QVERIFY(r.complete);
        QVERIFY(r.chunked);
        QVERIFY(r.header("content-type").startsWith("text/event-stream"));
        QCOMPARE(r.header("x-accel-buffering"), "no"_ba);
        QCOMPARE(r.header("cache-control"), "no-cache"_ba);
        // Events are paced 150 ms apart: the first bytes must arrive long before the stream ends.
        QVERIFY2(r.doneMs - r.firstBodyMs >= 400, qPrintable(u"first %1 done %2"_s.arg(r.firstBodyMs).arg(r.doneMs)));
        QVERIFY(r.body.startsWith("event: message_start\n"));
        QVERIFY(r.body.contains("event: message_stop\n"));
        QVERIFY(r.body.contains("\"text\":\"Hel\""));
        QTRY_COMPARE(m_relay->service()->status().requestsRecorded, qint64(1));
        m_relay->flushUsage();
        const auto row = m_relay->db().recentUsage(1)->first();
        QVERIFY(row.stream);
        QCOMPARE(row.inputTokens, qint64(20));
        QCOMPARE(row.outputTokens, qint64(9));
        QCOMPARE(row.cacheReadTokens, qint64(100));
        QCOMPARE(row.cacheCreate5mTokens, qint64(30));
    }

    void toolUseStreamPassesThroughUnchanged()
    {
        const rd::test::MockReply reply = MockUpstream::toolUseStream(
            "claude-sonnet-4-5-20250929", "get_weather", {"", "{\"city\":", "\"Paris\"}"}, 40, 15);
        QByteArray expected;
        for (const auto &e : reply.events) {
            expected += e.second;
        }
        m_upstream->enqueue(reply);
        const RelayClient::Response r = call(RelayClient::post("/api/v1/messages", kStreamBody, auth()));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, expected);
        QVERIFY(r.body.contains("\"stop_reason\":\"tool_use\""));
    }

    void upstreamErrorsPassThroughWithRetryAfter()
    {
        m_upstream->enqueue(MockUpstream::error(
            429, "rate_limit_error", "This request would exceed your account's rate limit.", {{"retry-after", "7"}}));
        const RelayClient::Response r = call(RelayClient::post("/api/v1/messages", kBody, auth()));
        QCOMPARE(r.status, 429);
        QCOMPARE(r.header("retry-after"), "7"_ba);
        QCOMPARE(QJsonDocument::fromJson(r.body).object()[u"error"_s][u"type"_s].toString(), u"rate_limit_error"_s);
    }

    void modelMappingRewritesOnlyTheModel()
    {
        rd::test::RelayHarness::AccountOptions mapped;
        mapped.baseUrl = m_upstream->baseUrl();
        mapped.priority = 1;
        mapped.modelMapping = u"{\"Claude-Alias\":\"claude-opus-4-1-20250805\"}"_s;
        QVERIFY(!m_relay->addAccount(mapped).isEmpty());
        QVERIFY(m_relay->waitForRevision());
        const QByteArray body = "{\"model\" : \"claude-alias\", "
                                "\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"é \\\"q\\\"\"}]}";
        const RelayClient::Response r = call(RelayClient::post("/api/v1/messages", body, auth()));
        QCOMPARE(r.status, 200);
        const QByteArray sent = m_upstream->requests().last().body;
        QCOMPARE(sent, QByteArray(body).replace("\"claude-alias\"", "\"claude-opus-4-1-20250805\""));
    }

    void prefersLowerPriorityThenLeastRecentlyUsed()
    {
        MockUpstream second;
        QVERIFY(second.listen());
        rd::test::RelayHarness::AccountOptions a;
        a.baseUrl = second.baseUrl();
        a.priority = 10; // beats the default 50
        QVERIFY(!m_relay->addAccount(a).isEmpty());
        QVERIFY(m_relay->waitForRevision());
        QCOMPARE(call(RelayClient::post("/api/v1/messages", kBody, auth())).status, 200);
        QCOMPARE(second.requestCount(), 1);
        QCOMPARE(m_upstream->requestCount(), 0);
        // Same priority: they alternate (least recently used first).
        a.priority = 10;
        QVERIFY(!m_relay->addAccount(a).isEmpty());
        QVERIFY(m_relay->waitForRevision());
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(call(RelayClient::post("/api/v1/messages", kBody, auth())).status, 200);
        }
        QCOMPARE(second.requestCount(), 5);
        QCOMPARE(m_upstream->requestCount(), 0);
    }

    void countTokensAndModelsAreForwarded()
    {
        const RelayClient::Response counted = call(RelayClient::post("/api/v1/messages/count_tokens", kBody, auth()));
        QCOMPARE(counted.status, 200);
        QVERIFY(QJsonDocument::fromJson(counted.body).object()[u"input_tokens"_s].toInt() > 0);
        QCOMPARE(m_upstream->requests().last().target, "/v1/messages/count_tokens"_ba);
        const RelayClient::Response models = call(RelayClient::get("/api/v1/models", auth()));
        QCOMPARE(models.status, 200);
        QVERIFY(QJsonDocument::fromJson(models.body).object()[u"data"_s].isArray());
        QCOMPARE(m_upstream->requests().last().target, "/v1/models"_ba);
        m_relay->flushUsage();
        QCOMPARE(m_relay->db().recentUsage(10)->size(), 0); // neither records usage
    }

    void keyRoutesAnswerFromMemory()
    {
        QCOMPARE(call(RelayClient::post("/api/v1/messages", kBody, auth())).status, 200);
        QTRY_COMPARE(m_relay->service()->status().requestsRecorded, qint64(1));
        const RelayClient::Response info = call(RelayClient::get("/api/v1/key-info", auth()));
        QCOMPARE(info.status, 200);
        const QJsonObject o = QJsonDocument::fromJson(info.body).object();
        QCOMPARE(o[u"name"_s].toString(), u"tester"_s);
        QCOMPARE(o[u"usage"_s][u"total"_s][u"requests"_s].toInt(), 1);
        QCOMPARE(o[u"usage"_s][u"total"_s][u"input_tokens"_s].toInt(), 12);
        QVERIFY(o[u"usage"_s][u"total"_s][u"cost_usd"_s].toDouble() > 0);
        const RelayClient::Response me = call(RelayClient::get("/api/v1/me", auth()));
        QCOMPARE(QJsonDocument::fromJson(me.body).object()[u"id"_s].toString(), u"user_key_test1"_s);
        QCOMPARE(call(RelayClient::get("/api/v1/organizations/org1/usage", auth())).status, 200);
    }

    void unauthenticatedRoutes()
    {
        QCOMPARE(call("HEAD /api/api/hello HTTP/1.1\r\nhost: x\r\n\r\n").status, 200);
        QCOMPARE(call(RelayClient::get("/api/api/hello")).status, 200);
        const RelayClient::Response t = call(RelayClient::post("/api/api/event_logging/batch", "{\"events\":[]}", {}));
        QCOMPARE(t.status, 200);
        QCOMPARE(t.body, "{\"success\":true}"_ba);
        const RelayClient::Response h = call(RelayClient::get("/health"));
        QCOMPARE(h.status, 200);
        const QJsonObject health = QJsonDocument::fromJson(h.body).object();
        QCOMPARE(health[u"status"_s].toString(), u"healthy"_s);
        QCOMPARE(health[u"version"_s].toString(), QStringLiteral(RELAYDESK_VERSION));
        QCOMPARE(health[u"components"_s][u"store"_s].toString(), u"ok"_s);
        QCOMPARE(m_upstream->requestCount(), 0);
    }

    void answersExpectContinueBeforeTheBody()
    {
        RelayClient c;
        QVERIFY(c.connectTo(m_relay->port()));
        QByteArray request = RelayClient::post("/api/v1/messages", kBody, auth());
        const qsizetype headEnd = request.indexOf("\r\n\r\n");
        QByteArray head = request.left(headEnd) + "\r\nexpect: 100-continue\r\n\r\n";
        c.send(head);
        QCOMPARE(c.readResponse(5000).status, 100); // the client may now send the body
        c.send(request.mid(headEnd + 4));
        const RelayClient::Response r = c.readResponse();
        QCOMPARE(r.status, 200);
        QCOMPARE(m_upstream->requests().first().body, kBody);
    }

    void chunkedRequestBodyIsForwardedWhole()
    {
        QByteArray request = "POST /api/v1/messages HTTP/1.1\r\nhost: relay\r\ntransfer-encoding: chunked\r\n";
        for (const auto &h : auth()) {
            request += h.first + ": " + h.second + "\r\n";
        }
        request += "\r\n";
        const QByteArray first = kBody.left(20);
        const QByteArray rest = kBody.mid(20);
        request += QByteArray::number(first.size(), 16) + "\r\n" + first + "\r\n";
        request += QByteArray::number(rest.size(), 16) + ";ext=1\r\n" + rest + "\r\n0\r\n\r\n";
        QCOMPARE(call(request).status, 200);
        const auto up = m_upstream->requests().first();
        QCOMPARE(up.body, kBody);
        QCOMPARE(up.header("content-length"), QByteArray::number(kBody.size()));
        QVERIFY(up.header("transfer-encoding").isEmpty());
    }

    void slowFirstByteIsWaitedFor()
    {
        rd::test::MockReply slow = MockUpstream::message("claude-sonnet-4-5-20250929", "late", 3, 2);
        slow.headerDelayMs = 400;
        m_upstream->enqueue(slow);
        const RelayClient::Response r = call(RelayClient::post("/api/v1/messages", kBody, auth()));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("late"));
        QVERIFY(r.doneMs >= 400);
    }

    void keepAliveServesSeveralRequestsOnOneConnection()
    {
        RelayClient c;
        QVERIFY(c.connectTo(m_relay->port()));
        for (int i = 0; i < 3; ++i) {
            c.send(RelayClient::post("/api/v1/messages", i == 1 ? kStreamBody : kBody, auth()));
            const RelayClient::Response r = c.readResponse();
            QCOMPARE(r.status, 200);
            QVERIFY(r.complete);
            QCOMPARE(r.header("connection"), "keep-alive"_ba);
        }
        QVERIFY(c.isConnected());
        QCOMPARE(m_upstream->requestCount(), 3);
        QVERIFY(m_upstream->connectionsAccepted() <= 2); // the relay reuses its upstream connection
    }
};

QTEST_GUILESS_MAIN(TestRelayForwarding)
#include "tst_relayforwarding.moc"
