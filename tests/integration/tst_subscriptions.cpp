// SPDX-License-Identifier: GPL-3.0-or-later
// Claude subscription (OAuth) accounts on the real relay against a mock token endpoint and mock upstreams: refresh
// before use (once, however many requests wait), rotation kept in the store, invalid_grant → needs sign-in and
// failover, one refresh-and-retry on 401, the OAuth beta and Bearer header, the personal-use guardrail; and a ChatGPT
// (openai-oauth) account refreshed by the same TokenRefresher against the mock's OpenAI endpoint.
#include "core/oauth/openaioauth.h"
#include "core/oauth/tokenrefresher.h"
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

    // The refresher dispatches on the account kind: a ChatGPT account goes to the OpenAI token endpoint (form-encoded),
    // its rotated pair is persisted and used for the next refresh, and a dead grant means "needs sign-in".
    void openaiAccountIsRefreshedWithRotation()
    {
        auto sealer = std::make_shared<const rd::secrets::Sealer>(rd::secrets::Sealer::generateKey());
        rd::oauth::TokenSet tokens;
        tokens.accessToken = rd::SecretBytes("oai-old-access-token"_ba);
        const QByteArray original = m_oauth->issueOpenAIRefreshToken();
        tokens.refreshToken = rd::SecretBytes(QByteArray(original));
        tokens.expiresAtMs = QDateTime::currentMSecsSinceEpoch() + 10'000;
        tokens.chatgptAccountId = QString::fromLatin1(rd::test::MockOAuthServer::kChatGPTAccountId);
        tokens.planType = u"free"_s;
        const auto record = rd::oauth::openAIAccountRecord(u"chatgpt"_s, tokens, *sealer, {}, {}, {});
        QVERIFY(record.has_value());
        auto built = rd::providers::consoleAccountFromRecord(*record, nullptr);
        QVERIFY(built.has_value());
        const auto account = std::make_shared<const rd::providers::ConsoleAccount>(std::move(*built));
        auto snapshot = std::make_shared<rd::relay::RelaySnapshot>();
        snapshot->sealer = sealer;
        snapshot->accounts = {account};

        QList<std::pair<QString, QByteArray>> persisted;
        rd::oauth::TokenRefresher::Hooks hooks;
        hooks.persist = [&persisted](QString id, QByteArray sealed, qint64) { persisted.append({id, sealed}); };
        rd::oauth::OpenAIOAuthEndpoints openai = rd::oauth::OpenAIOAuthEndpoints::defaults();
        openai.tokenUrl = m_oauth->openaiTokenUrl();
        rd::oauth::ClaudeOAuthEndpoints claude = rd::oauth::ClaudeOAuthEndpoints::defaults();
        claude.tokenUrl = m_oauth->tokenUrl();
        rd::oauth::TokenRefresher refresher(claude, openai, 300'000, 3'600'000, hooks);
        refresher.setSnapshot(snapshot);
        QSignalSpy signedOut(&refresher, &rd::oauth::TokenRefresher::needsSignIn);
        QObject context;
        auto mailbox = std::make_shared<rd::Mailbox>(&context);
        const auto refreshOnce = [&]() -> std::optional<rd::Result<void>> {
            std::optional<rd::Result<void>> out;
            refresher.refresh(account, mailbox, [&out](rd::Result<void> r) { out = std::move(r); });
            if (!QTest::qWaitFor([&out] { return out.has_value(); }, 10000)) {
                return std::nullopt;
            }
            return out;
        };

        const auto first = refreshOnce();
        QVERIFY(first && first->has_value());
        QCOMPARE(m_oauth->refreshCount(), 1);
        QVERIFY(m_oauth->lastContentType().startsWith("application/x-www-form-urlencoded"));
        QCOMPARE(persisted.size(), 1);
        QCOMPARE(persisted.first().first, account->id);
        const auto plain = sealer->unseal(persisted.first().second, account->id.toUtf8());
        QVERIFY(plain.has_value());
        const auto stored = rd::providers::decodeCredentials(*plain);
        QVERIFY(stored.has_value());
        QVERIFY(stored->apiKey.expose().startsWith("oai-access-mock-"));
        QVERIFY(stored->refreshToken.expose().startsWith("rt_mock_"));
        QVERIFY(m_oauth->isRefreshTokenValid(stored->refreshToken.expose().toByteArray()));
        QVERIFY(!m_oauth->isRefreshTokenValid(original));
        QVERIFY(stored->expiresAtMs > QDateTime::currentMSecsSinceEpoch() + 3'600'000);
        QVERIFY(account->state->subscriptionFacts().contains(u"\"plan\":\"plus\""_s)); // from the new id token

        // The next refresh presents the rotated token (from memory: the store round-trip has not happened here).
        const QByteArray rotated = stored->refreshToken.expose().toByteArray();
        const auto second = refreshOnce();
        QVERIFY(second && second->has_value());
        QCOMPARE(m_oauth->refreshCount(), 2);
        QVERIFY(m_oauth->lastRequestBody().contains(QByteArray("refresh_token=" + rotated)));
        QVERIFY(!m_oauth->isRefreshTokenValid(rotated));

        // An answer without a refresh token keeps the current one.
        m_oauth->setOmitRefreshToken(true);
        const QByteArray current =
            rd::providers::openCredentials(sealer.get(), *account)->refreshToken.expose().toByteArray();
        const auto third = refreshOnce();
        QVERIFY(third && third->has_value());
        QCOMPARE(rd::providers::openCredentials(sealer.get(), *account)->refreshToken.expose().toByteArray(), current);

        m_oauth->revokeAll();
        const auto dead = refreshOnce();
        QVERIFY(dead && !dead->has_value());
        QCOMPARE(dead->error().code, rd::ErrorCode::ReauthorizationRequired);
        QCOMPARE(signedOut.size(), 1);
        QCOMPARE(signedOut.first().first().toString(), account->id);
        QCOMPARE(account->state->health.availability(QDateTime::currentMSecsSinceEpoch(), {}),
                 rd::scheduling::Availability::NeedsSignIn);
        mailbox->close();
    }
};

QTEST_GUILESS_MAIN(TestSubscriptions)
#include "tst_subscriptions.moc"
