// SPDX-License-Identifier: GPL-3.0-or-later
// The scheduler on the real relay: failover before the first byte, cooldowns by class, no retry after bytes went out,
// sticky sessions, concurrency slots, dedicated and group bindings, state that survives a restart.
#include "core/store/storewriter.h"
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

namespace {
QByteArray body(const QByteArray &session = {}, bool stream = false)
{
    QByteArray metadata;
    if (!session.isEmpty()) {
        const QByteArray userId = "{\\\"device_id\\\":\\\"" + QByteArray(64, 'a')
                                  + "\\\",\\\"account_uuid\\\":\\\"\\\","
                                    "\\\"session_id\\\":\\\""
                                  + session + "\\\"}";
        metadata = ",\"metadata\":{\"user_id\":\"" + userId + "\"}";
    }
    return "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":16" + QByteArray(stream ? ",\"stream\":true" : "")
           + metadata + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
}

QString errorType(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object()[u"error"_s][u"type"_s].toString();
}
} // namespace

class TestScheduler : public QObject
{
    Q_OBJECT
private:
    rd::test::RelayHarness *m_relay = nullptr;
    QList<MockUpstream *> m_mocks;
    QList<QString> m_ids;
    QByteArray m_key;

    void addAccounts(int n, int samePriority = 0)
    {
        for (int i = 0; i < n; ++i) {
            auto *mock = new MockUpstream;
            QVERIFY(mock->listen());
            rd::test::RelayHarness::AccountOptions a;
            a.baseUrl = mock->baseUrl();
            a.priority = samePriority > 0 ? samePriority : 10 + i; // A before B before C unless told otherwise
            m_ids.append(m_relay->addAccount(a));
            m_mocks.append(mock);
        }
    }
    RelayClient::Response post(const QByteArray &b, const QByteArray &key = {})
    {
        return RelayClient::roundTrip(
            m_relay->port(),
            RelayClient::post("/api/v1/messages", b, RelayClient::anthropicHeaders(key.isEmpty() ? m_key : key)));
    }
    int requestsTo(int i) const { return m_mocks.at(i)->requestCount(); }

private slots:
    void init()
    {
        m_relay = new rd::test::RelayHarness;
        m_key = m_relay->addKey(u"k"_s);
    }
    void cleanup()
    {
        delete std::exchange(m_relay, nullptr);
        qDeleteAll(m_mocks);
        m_mocks.clear();
        m_ids.clear();
    }

    void failsOverBeforeTheFirstByteAndCoolsTheAccountDown_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<int>("cooldownSeconds");
        QTest::newRow("529 overloaded") << 529 << "overloaded_error"_ba << 60;
        QTest::newRow("500") << 500 << "api_error"_ba << 300;
        QTest::newRow("503") << 503 << "api_error"_ba << 60;
        QTest::newRow("401") << 401 << "authentication_error"_ba << 1800;
        QTest::newRow("403") << 403 << "permission_error"_ba << 1800;
        QTest::newRow("429 without reset") << 429 << "rate_limit_error"_ba << 60;
    }
    void failsOverBeforeTheFirstByteAndCoolsTheAccountDown()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, type);
        QFETCH(int, cooldownSeconds);
        addAccounts(2);
        QVERIFY(m_relay->start());
        m_mocks[0]->enqueue(MockUpstream::error(status, type, "upstream says no"));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const RelayClient::Response r = post(body());
        QCOMPARE(r.status, 200);
        QCOMPARE(requestsTo(0), 1);
        QCOMPARE(requestsTo(1), 1);
        // The next request goes straight to B: A is cooling down.
        QCOMPARE(post(body()).status, 200);
        QCOMPARE(requestsTo(0), 1);
        QCOMPARE(requestsTo(1), 2);
        m_relay->flushUsage();
        QTRY_VERIFY(m_relay->db().accountStates()->contains(m_ids[0]));
        const auto row = m_relay->db().accountStates()->value(m_ids[0]);
        QVERIFY(row.cooldownUntilMs >= before + cooldownSeconds * 1000LL);
        QVERIFY(row.cooldownUntilMs <= QDateTime::currentMSecsSinceEpoch() + cooldownSeconds * 1000LL);
        QVERIFY(!row.blocked);
    }

    void rateLimitResetFromUnifiedHeaderAndFamilyScope()
    {
        addAccounts(2);
        QVERIFY(m_relay->start());
        const qint64 reset = QDateTime::currentSecsSinceEpoch() + 3600;
        m_mocks[0]->enqueue(
            MockUpstream::error(429,
                                "rate_limit_error",
                                "This request would exceed your account's rate limit.",
                                {{"anthropic-ratelimit-unified-reset", QByteArray::number(reset)},
                                 {"anthropic-ratelimit-unified-representative-claim", "seven_day_sonnet"}}));
        QCOMPARE(post(body()).status, 200);
        m_relay->flushUsage();
        QTRY_VERIFY(m_relay->db().accountStates()->contains(m_ids[0]));
        const auto row = m_relay->db().accountStates()->value(m_ids[0]);
        QCOMPARE(row.cooldownUntilMs, qint64(0));                             // the account as a whole stays usable …
        QVERIFY(row.familyCooldowns.contains(QString::number(reset * 1000))); // … sonnet waits for the reset
        // An opus request may still use A.
        // (another conversation: the first one is now bound to B by its first message)
        const QByteArray opus = QByteArray(body())
                                    .replace("claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805")
                                    .replace("\"hi\"", "\"a different conversation\"");
        QCOMPARE(post(opus).status, 200);
        QCOMPARE(requestsTo(0), 2);
    }

    void noAccountLeftGivesTheLastUpstreamAnswer()
    {
        addAccounts(2);
        QVERIFY(m_relay->start());
        m_mocks[0]->enqueue(MockUpstream::error(429, "rate_limit_error", "first", {{"retry-after", "9"}}));
        m_mocks[1]->enqueue(MockUpstream::error(429, "rate_limit_error", "second", {{"retry-after", "7"}}));
        const RelayClient::Response r = post(body());
        QCOMPARE(r.status, 429);
        QCOMPARE(r.header("retry-after"), "7"_ba);
        QVERIFY(r.body.contains("second"));
        // Both cooling now: answered at once with the earliest recovery, nothing sent upstream.
        const RelayClient::Response again = post(body());
        QCOMPARE(again.status, 429);
        QCOMPARE(errorType(again.body), u"rate_limit_error"_s);
        const int wait = again.header("retry-after").toInt();
        QVERIFY(wait >= 6 && wait <= 7);
        QCOMPARE(requestsTo(0) + requestsTo(1), 2);
    }

    void attemptsAreBounded()
    {
        addAccounts(4);
        QVERIFY(m_relay->start());
        for (int i = 0; i < 4; ++i) {
            m_mocks[i]->enqueue(MockUpstream::error(529, "overloaded_error", "Overloaded"));
        }
        QCOMPARE(post(body()).status, 529);
        QCOMPARE(requestsTo(0) + requestsTo(1) + requestsTo(2) + requestsTo(3), 3); // default: 3 accounts
    }

    void requestErrorsAreNotRetried()
    {
        addAccounts(2);
        QVERIFY(m_relay->start());
        m_mocks[0]->enqueue(MockUpstream::error(400, "invalid_request_error", "max_tokens: too large"));
        const RelayClient::Response r = post(body());
        QCOMPARE(r.status, 400);
        QCOMPARE(requestsTo(1), 0);
        QCOMPARE(post(body()).status, 200); // and A is not cooling down for it
        QCOMPARE(requestsTo(0), 2);
    }

    void connectFailureFailsOver()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        rd::test::RelayHarness::AccountOptions dead;
        dead.baseUrl = u"http://127.0.0.1:%1"_s.arg(closed.serverPort());
        dead.priority = 1;
        closed.close();
        m_relay->addAccount(dead);
        addAccounts(1);
        QVERIFY(m_relay->start());
        QCOMPARE(post(body()).status, 200);
        QCOMPARE(requestsTo(0), 1);
    }

    void streamWhoseFirstEventIsAnErrorFailsOver()
    {
        addAccounts(2);
        QVERIFY(m_relay->start());
        m_mocks[0]->enqueue(MockUpstream::streamError("overloaded_error", "Overloaded"));
        const RelayClient::Response r = post(body({}, true));
        QCOMPARE(r.status, 200);
        QVERIFY(r.complete);
        QVERIFY(!r.body.contains("event: error"));
        QVERIFY(r.body.contains("message_stop"));
        QCOMPARE(requestsTo(1), 1);
    }

    void nothingIsRetriedAfterBytesReachedTheClient()
    {
        addAccounts(2);
        QVERIFY(m_relay->start());
        rd::test::MockReply broken = MockUpstream::stream("claude-sonnet-4-5-20250929", {"a", "b", "c"}, 5, 5, 20);
        broken.resetAfterEvents = 3;
        m_mocks[0]->enqueue(broken);
        const RelayClient::Response r = post(body({}, true));
        QCOMPARE(r.status, 200);
        QVERIFY(!r.complete);
        QVERIFY(r.body.contains("event: error"));
        QCOMPARE(requestsTo(1), 0);
    }

    void sessionsStickToOneAccountAndRebindWhenItFails()
    {
        addAccounts(3, 50);
        QVERIFY(m_relay->start());
        const QByteArray session = "5f0d9e2a-1111-4a6b-9c1d-0123456789ab";
        QCOMPARE(post(body(session)).status, 200);
        int first = -1;
        for (int i = 0; i < 3; ++i) {
            if (requestsTo(i) == 1) {
                first = i;
            }
        }
        QVERIFY(first >= 0);
        for (int n = 0; n < 5; ++n) {
            QCOMPARE(post(body(session)).status, 200);
        }
        QCOMPARE(requestsTo(first), 6); // every turn of the session on one account
        // Other sessions spread over the accounts (least recently used first).
        QCOMPARE(post(body("99999999-2222-4a6b-9c1d-0123456789ab")).status, 200);
        QCOMPARE(requestsTo(first), 6);
        // The session's account overloads: the turn fails over and the session re-binds.
        m_mocks[first]->enqueue(MockUpstream::error(529, "overloaded_error", "Overloaded"));
        QCOMPARE(post(body(session)).status, 200);
        int second = -1;
        const int before[3] = {requestsTo(0), requestsTo(1), requestsTo(2)};
        QCOMPARE(post(body(session)).status, 200);
        for (int i = 0; i < 3; ++i) {
            if (requestsTo(i) == before[i] + 1) {
                second = i;
            }
        }
        QVERIFY(second >= 0 && second != first);
        QCOMPARE(post(body(session)).status, 200);
        QCOMPARE(requestsTo(second), before[second] + 2);

        // Bindings and cooldowns survive a restart.
        QVERIFY(m_relay->restart());
        const int after = requestsTo(second);
        QCOMPARE(post(body(session)).status, 200);
        QCOMPARE(requestsTo(second), after + 1);
        QCOMPARE(requestsTo(first), 7); // still cooling down
    }

    void concurrencySlotsAreLeasedAndAlwaysReturned()
    {
        rd::test::RelayHarness::AccountOptions a;
        auto *mock = new MockUpstream;
        QVERIFY(mock->listen());
        m_mocks.append(mock);
        a.baseUrl = mock->baseUrl();
        a.maxConcurrency = 2;
        m_relay->addAccount(a);
        QVERIFY(m_relay->start());
        // Two slow streams hold both slots; a third request is refused with a retry hint, not queued forever.
        QList<RelayClient *> clients;
        for (int i = 0; i < 2; ++i) {
            mock->enqueue(MockUpstream::stream("claude-sonnet-4-5-20250929", {"a", "b", "c", "d"}, 5, 5, 200));
            auto *c = new RelayClient;
            QVERIFY(c->connectTo(m_relay->port()));
            c->send(RelayClient::post("/api/v1/messages", body({}, true), RelayClient::anthropicHeaders(m_key)));
            clients.append(c);
        }
        QTRY_COMPARE(mock->requestCount(), 2);
        const RelayClient::Response busy = post(body());
        QCOMPARE(busy.status, 429);
        QCOMPARE(busy.header("retry-after"), "1"_ba);
        for (RelayClient *c : std::as_const(clients)) {
            c->abort();
            delete c;
        }
        // Hundreds of streams abandoned mid-way: every slot comes back.
        for (int round = 0; round < 200; ++round) {
            mock->enqueue(MockUpstream::stream("claude-sonnet-4-5-20250929", {"a", "b", "c"}, 5, 5, 100));
            RelayClient c;
            QVERIFY(c.connectTo(m_relay->port()));
            c.send(RelayClient::post("/api/v1/messages", body({}, true), RelayClient::anthropicHeaders(m_key)));
            QVERIFY(c.readResponse(5000, "message_start").body.contains("message_start"));
            c.abort();
        }
        QTRY_COMPARE(m_relay->service()->status().activeRequests, 0);
        QCOMPARE(post(body()).status, 200);
        QCOMPARE(post(body()).status, 200);
    }

    void dedicatedBindingNeverFallsBack()
    {
        addAccounts(2);
        const QByteArray bound = m_relay->addKey(u"bound"_s, true, u"account:"_s + m_ids[0]);
        QVERIFY(m_relay->start());
        QCOMPARE(post(body(), bound).status, 200);
        QCOMPARE(requestsTo(0), 1);
        m_mocks[0]->enqueue(MockUpstream::error(529, "overloaded_error", "Overloaded"));
        QCOMPARE(post(body(), bound).status, 529); // its own account's answer: no other account is tried
        const RelayClient::Response cooling = post(body(), bound);
        QCOMPARE(cooling.status, 429);
        QVERIFY(cooling.body.contains("dedicated account"));
        QVERIFY(!cooling.header("retry-after").isEmpty());
        QCOMPARE(requestsTo(1), 0);
        QCOMPARE(post(body()).status, 200); // an unbound key still gets B
        QCOMPARE(requestsTo(1), 1);
    }

    void groupAccountsServeOnlyTheirGroup()
    {
        auto *mock = new MockUpstream;
        QVERIFY(mock->listen());
        m_mocks.append(mock);
        rd::test::RelayHarness::AccountOptions a;
        a.baseUrl = mock->baseUrl();
        a.groupName = u"team-a"_s;
        m_relay->addAccount(a);
        const QByteArray member = m_relay->addKey(u"member"_s, true, u"group:team-a"_s);
        QVERIFY(m_relay->start());
        QCOMPARE(post(body()).status, 503); // the unbound key has no account
        QCOMPARE(post(body(), member).status, 200);
        QCOMPARE(mock->requestCount(), 1);
    }

    // The acceptance scenario: one account overloaded, one rate-limited, one healthy; several Claude Code
    // sessions, several turns each, all streamed.
    void claudeCodeSessionsSurviveAnOverloadedAndARateLimitedAccount()
    {
        addAccounts(3, 50);
        QVERIFY(m_relay->start());
        m_mocks[0]->enqueue(MockUpstream::error(529, "overloaded_error", "Overloaded"));
        const qint64 reset = QDateTime::currentSecsSinceEpoch() + 1800;
        m_mocks[1]->enqueue(MockUpstream::error(429,
                                                "rate_limit_error",
                                                "This request would exceed your account's rate limit.",
                                                {{"anthropic-ratelimit-unified-reset", QByteArray::number(reset)},
                                                 {"anthropic-ratelimit-unified-representative-claim", "five_hour"}}));
        QList<QByteArray> sessions;
        for (int i = 0; i < 6; ++i) {
            sessions.append(QByteArray("6b1c2d3e-0000-4000-8000-00000000000") + QByteArray::number(i));
        }
        const rd::http::HeaderList claudeCode{
            {"user-agent", "claude-cli/2.1.332 (external, cli)"},
            {"x-app", "cli"},
            {"anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14"}};
        for (int turn = 0; turn < 4; ++turn) {
            for (const QByteArray &session : std::as_const(sessions)) {
                rd::http::HeaderList headers = RelayClient::anthropicHeaders(m_key);
                headers.append(claudeCode);
                const RelayClient::Response r = RelayClient::roundTrip(
                    m_relay->port(), RelayClient::post("/api/v1/messages?beta=true", body(session, true), headers));
                QCOMPARE(r.status, 200);
                QVERIFY(r.complete);
                QVERIFY(r.body.contains("message_stop"));
            }
        }
        // Every session was served by exactly one account (the two failed attempts aside).
        for (const QByteArray &session : std::as_const(sessions)) {
            QSet<int> servedBy;
            for (int i = 0; i < 3; ++i) {
                const auto requests = m_mocks[i]->requests();
                for (qsizetype n = (i < 2 ? 1 : 0); n < requests.size(); ++n) {
                    if (requests.at(n).body.contains(session)) {
                        servedBy.insert(i);
                    }
                }
            }
            QCOMPARE(servedBy.size(), 1);
        }
        // The cooldowns are recorded where `relaydesk accounts list` reads them.
        m_relay->flushUsage();
        QTRY_VERIFY(m_relay->db().accountStates()->contains(m_ids[1]));
        const auto states = *m_relay->db().accountStates();
        QVERIFY(states.value(m_ids[0]).cooldownUntilMs > QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(states.value(m_ids[1]).cooldownUntilMs, reset * 1000);
        QVERIFY(!states.contains(m_ids[2]) || states.value(m_ids[2]).cooldownUntilMs == 0);
    }

    void cooldownsEndByThemselves()
    {
        auto *mock = new MockUpstream;
        QVERIFY(mock->listen());
        m_mocks.append(mock);
        rd::test::RelayHarness::AccountOptions a;
        a.baseUrl = mock->baseUrl();
        a.cooldownOverrides = u"{\"overloaded\":1}"_s; // per-account override: one second
        m_ids.append(m_relay->addAccount(a));
        QVERIFY(m_relay->start());
        mock->enqueue(MockUpstream::error(529, "overloaded_error", "Overloaded"));
        QCOMPARE(post(body()).status, 529);
        const RelayClient::Response cooling = post(body());
        QCOMPARE(cooling.status, 429);
        QCOMPARE(cooling.header("retry-after"), "1"_ba);
        QCOMPARE(mock->requestCount(), 1);                         // while cooling, nothing is sent upstream
        QTRY_COMPARE_WITH_TIMEOUT(post(body()).status, 200, 3000); // recovered without anyone acting
    }

    void bannedAccountsAreBlockedNotCooled()
    {
        addAccounts(2);
        QVERIFY(m_relay->start());
        m_mocks[0]->enqueue(MockUpstream::error(403, "permission_error", "This organization has been disabled."));
        QCOMPARE(post(body()).status, 200);
        QCOMPARE(requestsTo(1), 1);
        m_relay->flushUsage();
        QTRY_VERIFY(m_relay->db().accountStates()->value(m_ids[0]).blocked);
        QCOMPARE(post(body("a0000000-0000-4000-8000-000000000001")).status, 200);
        QCOMPARE(requestsTo(0), 1); // stays out until the user acts
    }

    void resettingAnAccountEndsItsCooldown()
    {
        addAccounts(1);
        QVERIFY(m_relay->start());
        m_mocks[0]->enqueue(MockUpstream::error(529, "overloaded_error", "Overloaded"));
        QCOMPARE(post(body()).status, 529);
        QCOMPARE(post(body()).status, 429); // cooling: answered without calling upstream
        QCOMPARE(requestsTo(0), 1);
        QVERIFY(m_relay->db().resetAccountState(m_ids[0]));
        QVERIFY(m_relay->waitForRevision());
        QCOMPARE(post(body()).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
