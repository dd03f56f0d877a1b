// SPDX-License-Identifier: GPL-3.0-or-later
// Claude subscription (OAuth) accounts on the real relay against a mock token endpoint and mock upstreams: refresh
// before use (once, however many requests wait), rotation kept in the store, invalid_grant → needs sign-in and
// failover, one refresh-and-retry on 401, the OAuth beta and Bearer header, the personal-use guardrail.
#include "core/providers/console/consoleaccount.h"
#include "tests/support/mockoauthserver.h"
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

namespace {
const QByteArray kBody = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":16,"
                         "\"messages\":[{\"role\":\"user\",\"content\":\"hello subscription\"}]}";
} // namespace

class TestSubscriptions : public QObject
{
    Q_OBJECT
private:
    rd::test::MockOAuthServer *m_oauth = nullptr;
    MockUpstream *m_upstream = nullptr;
    rd::test::RelayHarness *m_relay = nullptr;
    QByteArray m_ownerKey;
    QString m_accountId;

    RelayClient::Response post(const QByteArray &key, const rd::http::HeaderList &extra = {})
    {
        rd::http::HeaderList headers = RelayClient::anthropicHeaders(key);
        headers.append(extra);
        return RelayClient::roundTrip(m_relay->port(), RelayClient::post("/api/v1/messages?beta=true", kBody, headers));
    }
    // A subscription account whose token expires in `expiresInMs` (within the 5-minute margin when small).
    void addSubscription(qint64 expiresInMs, bool shared = false)
    {
        rd::test::RelayHarness::AccountOptions a;
        a.oauth = true;
        a.baseUrl = m_upstream->baseUrl();
        a.refreshToken = m_oauth->issueRefreshToken();
        a.accessToken = "sk-ant-oat01-old-access-token";
        a.tokenExpiresAtMs = QDateTime::currentMSecsSinceEpoch() + expiresInMs;
        a.sharedWithOthers = shared;
        a.priority = 1;
        m_accountId = m_relay->addAccount(a);
    }
    rd::providers::ConsoleCredentials storedCredentials()
    {
        const auto accounts = m_relay->db().listAccounts();
        for (const auto &r : *accounts) {
            if (r.id == m_accountId) {
                auto plain = m_relay->sealer().unseal(r.sealedCredentials, r.id.toUtf8());
                return std::move(*rd::providers::decodeCredentials(*plain));
            }
        }
        return {};
    }

private slots:
    void init()
    {
        m_oauth = new rd::test::MockOAuthServer;
        QVERIFY(m_oauth->listen());
        m_upstream = new MockUpstream;
        QVERIFY(m_upstream->listen());
        m_relay = new rd::test::RelayHarness;
        m_relay->config().claudeOAuth.tokenUrl = m_oauth->tokenUrl();
        m_ownerKey = m_relay->addKey(u"owner"_s, true, {}, true);
    }
    void cleanup()
    {
        delete std::exchange(m_relay, nullptr);
        delete std::exchange(m_upstream, nullptr);
        delete std::exchange(m_oauth, nullptr);
    }

    void refreshesBeforeUseAndSendsTheSubscriptionHeaders()
    {
        addSubscription(30'000); // expires in half a minute: inside the 60 s margin
        QVERIFY(m_relay->start());
        const RelayClient::Response r =
            post(m_ownerKey, {{"anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(m_oauth->refreshCount(), 1);
        const auto up = m_upstream->requests().first();
        QVERIFY(up.header("authorization").startsWith("Bearer sk-ant-oat01-mock-"));
        QVERIFY(!up.header("authorization").contains("old-access"));
        QVERIFY(up.header("x-api-key").isEmpty());
        QCOMPARE(up.header("anthropic-beta"),
                 "claude-code-20250219,interleaved-thinking-2025-05-14,oauth-2025-04-20"_ba);
        QCOMPARE(up.target, "/v1/messages?beta=true"_ba);
        // The rotated pair is in the store: the old refresh token is dead, the new one is what is kept.
        QTRY_VERIFY(storedCredentials().refreshToken.expose().startsWith("sk-ant-ort01-mock-"));
        const rd::providers::ConsoleCredentials stored = storedCredentials();
        QVERIFY(m_oauth->isRefreshTokenValid(stored.refreshToken.expose().toByteArray()));
        QVERIFY(stored.expiresAtMs > QDateTime::currentMSecsSinceEpoch() + 3'600'000);
        // A fresh token is not refreshed again.
        QCOMPARE(post(m_ownerKey).status, 200);
        QCOMPARE(m_oauth->refreshCount(), 1);
    }

    void concurrentRequestsShareOneRefresh()
    {
        addSubscription(10'000);
        m_oauth->setResponseDelayMs(300);
        QVERIFY(m_relay->start());
        QList<RelayClient *> clients;
        for (int i = 0; i < 6; ++i) {
            auto *c = new RelayClient;
            QVERIFY(c->connectTo(m_relay->port()));
            c->send(RelayClient::post("/api/v1/messages", kBody, RelayClient::anthropicHeaders(m_ownerKey)));
            clients.append(c);
        }
        for (RelayClient *c : std::as_const(clients)) {
            QCOMPARE(c->readResponse().status, 200);
            delete c;
        }
        QCOMPARE(m_oauth->refreshCount(), 1);
        QCOMPARE(m_upstream->requestCount(), 6);
    }

    void invalidGrantMeansSignInAndFailover()
    {
        addSubscription(10'000);
        rd::test::RelayHarness::AccountOptions console;
        console.baseUrl = m_upstream->baseUrl();
        console.priority = 50;
        console.apiKey = "sk-ant-api03-console-fallback";
        m_relay->addAccount(console);
        m_oauth->revokeAll();
        QVERIFY(m_relay->start());
        QSignalSpy signedOut(m_relay->service(), &rd::relay::RelayService::accountNeedsSignIn);
        const RelayClient::Response r = post(m_ownerKey);
        QCOMPARE(r.status, 200);
        QCOMPARE(m_upstream->requests().first().header("x-api-key"), "sk-ant-api03-console-fallback"_ba);
        m_relay->flushUsage();
        QTRY_VERIFY(m_relay->db().accountStates()->value(m_accountId).needsSignIn);
        QCOMPARE(signedOut.size(), 1); // the event the window and notifications listen to
        QCOMPARE(signedOut.first().at(0).toString(), m_accountId);
        // Out of rotation: no more refresh attempts for it.
        QCOMPARE(post(m_ownerKey).status, 200);
        QCOMPARE(m_oauth->refreshCount(), 1);
    }

    void revokedTokenIsRefreshedOnceOn401()
    {
        addSubscription(3'600'000); // valid for an hour: no refresh before use
        m_upstream->enqueue(MockUpstream::error(401, "authentication_error", "OAuth token has been revoked"));
        QVERIFY(m_relay->start());
        const RelayClient::Response r = post(m_ownerKey);
        QCOMPARE(r.status, 200);
        QCOMPARE(m_oauth->refreshCount(), 1);
        QCOMPARE(m_upstream->requestCount(), 2);
        QVERIFY(m_upstream->requests().last().header("authorization").startsWith("Bearer sk-ant-oat01-mock-"));
    }

    void idleAccountsAreRefreshedInTheBackground()
    {
        m_relay->config().backgroundRefreshMs = 100;
        addSubscription(90'000); // outside the 60 s margin, inside twice the margin
        QVERIFY(m_relay->start());
        QTRY_COMPARE_WITH_TIMEOUT(m_oauth->refreshCount(), 1, 5000); // no request needed
        QTRY_VERIFY(storedCredentials().expiresAtMs > QDateTime::currentMSecsSinceEpoch() + 3'600'000);
        QCOMPARE(post(m_ownerKey).status, 200);
        QCOMPARE(m_oauth->refreshCount(), 1);
        // The same pass also asks the provider for the plan and the usage windows.
        QTRY_VERIFY(m_relay->db().accountStates()->value(m_accountId).subscription.contains(u"\"plan\":\"max\""_s));
        const QJsonObject facts =
            QJsonDocument::fromJson(m_relay->db().accountStates()->value(m_accountId).subscription.toUtf8()).object();
        QCOMPARE(facts[u"7d_opus"_s][u"utilization"_s].toDouble(), 0.31);
        QCOMPARE(facts[u"5h"_s][u"reset"_s].toInteger(),
                 QDateTime::fromString(u"2026-11-28T18:00:00Z"_s, Qt::ISODate).toSecsSinceEpoch());
        bool sawUsageCall = false;
        for (const auto &r : m_upstream->requests()) {
            if (r.target == "/api/oauth/usage") {
                sawUsageCall = true;
                QVERIFY(r.header("authorization").startsWith("Bearer sk-ant-oat01-mock-")); // the fresh token
                QCOMPARE(r.header("anthropic-beta"), "oauth-2025-04-20"_ba);
            }
        }
        QVERIFY(sawUsageCall);
    }

    void personalSubscriptionServesOnlyTheOwnersKeys()
    {
        addSubscription(3'600'000);
        const QByteArray colleague = m_relay->addKey(u"colleague"_s);
        QVERIFY(m_relay->start());
        QCOMPARE(post(colleague).status, 503);
        QCOMPARE(post(m_ownerKey).status, 200);
        // Sharing is an explicit setting.
        QVERIFY(m_relay->db().setAccountShared(m_accountId, true));
        QVERIFY(m_relay->waitForRevision());
        QCOMPARE(post(colleague).status, 200);
    }

    void subscriptionFactsAreKept()
    {
        addSubscription(3'600'000);
        QVERIFY(m_relay->start());
        rd::test::MockReply reply = MockUpstream::message("claude-sonnet-4-5-20250929", "hi");
        reply.headers.append(rd::http::Header{"anthropic-ratelimit-unified-5h-utilization", "0.42"});
        reply.headers.append(rd::http::Header{"anthropic-ratelimit-unified-5h-reset", "1764340000"});
        reply.headers.append(rd::http::Header{"anthropic-ratelimit-unified-7d-utilization", "0.13"});
        reply.headers.append(rd::http::Header{"anthropic-ratelimit-unified-7d-status", "allowed"});
        m_upstream->enqueue(reply);
        QCOMPARE(post(m_ownerKey).status, 200);
        m_relay->flushUsage();
        QTRY_VERIFY(m_relay->db().accountStates()->value(m_accountId).subscription.contains(u"0.42"_s));
        const QJsonObject facts =
            QJsonDocument::fromJson(m_relay->db().accountStates()->value(m_accountId).subscription.toUtf8()).object();
        QCOMPARE(facts[u"5h"_s][u"reset"_s].toInteger(), 1764340000);
        QCOMPARE(facts[u"7d"_s][u"utilization"_s].toDouble(), 0.13);
    }
};

QTEST_GUILESS_MAIN(TestSubscriptions)
#include "tst_subscriptions.moc"
