// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAI-dialect routes end to end (PROTOCOLS.md §1.3, §1.5): Codex on a ChatGPT subscription and on a Responses
// API key, the Chat Completions bridges to Claude and to Responses, Azure OpenAI deployments, usage-limit failover,
// stickiness, compressed bodies, model lists and errors in OpenAI's shape — real relay, real sockets, mock upstreams.
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"
#include "tests/support/testsupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <zstd.h>

using namespace Qt::StringLiterals;
using rd::test::MockReply;
using rd::test::MockUpstream;
using rd::test::RelayClient;
using rd::test::RelayHarness;

namespace {
constexpr auto kChatGPTAccountId = "7a6b5c4d-0000-4000-8000-00000000c0de";

rd::http::HeaderList bearer(const QByteArray &key)
{
    return {{"authorization", "Bearer " + key}, {"content-type", "application/json"}};
}

// What Codex CLI 0.171 sends besides the body (PROTOCOLS.md §6.2).
rd::http::HeaderList codexHeaders(const QByteArray &key, const QByteArray &session)
{
    rd::http::HeaderList h = bearer(key);
    h.append(rd::http::Header{"originator"_ba, "codex_exec"_ba});
    h.append(
        rd::http::Header{"user-agent"_ba, "codex_exec/0.171.0 (Debian 12.0.0; x86_64) dumb (codex_exec; 0.171.0)"_ba});
    h.append(rd::http::Header{"session-id"_ba, session});
    h.append(rd::http::Header{"accept"_ba, "text/event-stream"_ba});
    return h;
}

QByteArray codexBody(const QByteArray &model, const QByteArray &session, bool stream = true)
{
    return "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true" : "false")
           + ",\"input\":[{\"type\":\"message\",\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":"
             "\"You are Codex.\"}]},{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
             "\"text\":\"Say hi\"}]}],\"tool_choice\":\"auto\",\"parallel_tool_calls\":false,\"reasoning\":{\"effort\":"
             "\"low\"},\"store\":false,\"include\":[\"reasoning.encrypted_content\"],\"prompt_cache_key\":\""
           + session + "\"}";
}

QByteArray zstd(const QByteArray &plain)
{
    QByteArray out(qsizetype(ZSTD_compressBound(size_t(plain.size()))), Qt::Uninitialized);
    const size_t n = ZSTD_compress(out.data(), size_t(out.size()), plain.constData(), size_t(plain.size()), 3);
    out.resize(qsizetype(n));
    return out;
}

QJsonObject json(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

RelayClient::Response
post(RelayHarness &relay, const QByteArray &path, const QByteArray &body, const rd::http::HeaderList &headers)
{
    return RelayClient::roundTrip(relay.port(), RelayClient::post(path, body, headers));
}

QList<rd::store::UsageRow> usageRows(RelayHarness &relay)
{
    relay.flushUsage();
    const auto rows = relay.db().recentUsage(100);
    return rows ? *rows : QList<rd::store::UsageRow>();
}

QString addChatGPT(RelayHarness &relay, const MockUpstream &upstream, const QString &name, int priority = 50)
{
    RelayHarness::AccountOptions a;
    a.name = name;
    a.type = u"openai-oauth"_s;
    a.baseUrl = upstream.baseUrl() + u"/backend-api/codex"_s;
    a.accessToken = "chatgpt-access-" + name.toUtf8();
    a.refreshToken = "chatgpt-refresh-" + name.toUtf8();
    a.tokenExpiresAtMs = QDateTime::currentMSecsSinceEpoch() + 3'600'000;
    a.priority = priority;
    a.extra = u"{\"chatgpt_account_id\":\"%1\",\"email\":\"dev@example.com\"}"_s.arg(QLatin1String(kChatGPTAccountId));
    return relay.addAccount(a);
}

QString addResponsesKey(RelayHarness &relay, const MockUpstream &upstream, const QString &basePath = {})
{
    RelayHarness::AccountOptions a;
    a.name = u"responses"_s;
    a.type = u"openai-responses"_s;
    a.baseUrl = upstream.baseUrl() + basePath;
    a.apiKey = "sk-proj-responses-key";
    return relay.addAccount(a);
}

QString addAzure(RelayHarness &relay,
                 const MockUpstream &upstream,
                 const QString &deployment,
                 const QString &apiVersion = u"2025-04-01-preview"_s)
{
    RelayHarness::AccountOptions a;
    a.name = u"azure-"_s + deployment;
    a.type = u"azure-openai"_s;
    a.baseUrl = upstream.baseUrl();
    a.apiKey = "azure-key-" + deployment.toUtf8();
    a.extra =
        u"{\"deployment\":\"%1\",\"api_version\":\"%2\",\"pricing_model\":\"gpt-4o\"}"_s.arg(deployment, apiVersion);
    return relay.addAccount(a);
}

QString addClaude(RelayHarness &relay, const MockUpstream &upstream)
{
    RelayHarness::AccountOptions a;
    a.baseUrl = upstream.baseUrl();
    return relay.addAccount(a);
}

// The `data:` payloads of an SSE body, in order ("[DONE]" included as is).
QList<QByteArray> sseData(const QByteArray &body)
{
    QList<QByteArray> out;
    for (const QByteArray &line : body.split('\n')) {
        if (line.startsWith("data: ")) {
            out.append(line.mid(6));
        }
    }
    return out;
}
} // namespace

class TestOpenAIRoutes : public QObject
{
    Q_OBJECT
private slots:
    void codexOnAChatGPTSubscription()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        RelayHarness relay;
        const QByteArray key = relay.addKey(u"codex"_s, true, {}, true); // a subscription is the owner's
        const QString account = addChatGPT(relay, upstream, u"plus"_s);
        QVERIFY(!account.isEmpty());
        QVERIFY(relay.start());

        // Codex compresses its body with zstd; the relay decodes it and forwards it plain.
        const QByteArray body = codexBody("gpt-5.1", "0199a1b2-session");
        rd::http::HeaderList headers = codexHeaders(key, "0199a1b2-session");
        headers.append(rd::http::Header{"content-encoding"_ba, "zstd"_ba});
        const RelayClient::Response r = post(relay, "/openai/responses", zstd(body), headers);
        QCOMPARE(r.status, 200);
        QVERIFY(r.complete);
        QVERIFY(r.header("content-type").startsWith("text/event-stream"));
        QVERIFY(r.body.contains("event: response.completed"));
        QVERIFY(r.body.contains("Hello from gpt-5.1!"));
        QVERIFY(!r.body.contains("[DONE]")); // a Responses stream has none

        QCOMPARE(upstream.requestCount(), 1);
        const rd::test::RecordedRequest up = upstream.requests().constFirst();
        QCOMPARE(up.target, "/backend-api/codex/responses"_ba);
        QCOMPARE(up.header("authorization"), "Bearer chatgpt-access-plus"_ba);
        QCOMPARE(up.header("chatgpt-account-id"), QByteArray(kChatGPTAccountId));
        QCOMPARE(up.header("originator"), "codex_exec"_ba);
        QVERIFY(up.header("user-agent").startsWith("codex_exec/0.171.0"));
        QCOMPARE(up.header("session-id"), "0199a1b2-session"_ba);
        QVERIFY(up.header("content-encoding").isEmpty());
        QVERIFY(!up.rawBody.contains(key));
        const QJsonObject sent = json(up.body);
        QCOMPARE(sent.value(u"store"_s), QJsonValue(false));
        QCOMPARE(sent.value(u"stream"_s), QJsonValue(true));
        QCOMPARE(sent.value(u"prompt_cache_key"_s).toString(), u"0199a1b2-session"_s);
        QCOMPARE(sent.value(u"parallel_tool_calls"_s), QJsonValue(false)); // Codex's own fields stay

        const auto rows = usageRows(relay);
        QCOMPARE(rows.size(), 1);
        const rd::store::UsageRow &row = rows.constFirst();
        QCOMPARE(row.route, u"openai.responses"_s);
        QCOMPARE(row.accountId, account);
        QCOMPARE(row.model, u"gpt-5.1"_s);
        QVERIFY(row.usageSeen);
        QCOMPARE(row.inputTokens, MockUpstream::kOpenAIInputTokens);
        QCOMPARE(row.outputTokens, MockUpstream::kOpenAIOutputTokens);
        QCOMPARE(row.reasoningTokens, MockUpstream::kOpenAIReasoningTokens);
        QVERIFY(row.costUsd > 0);
        QVERIFY(!row.costEstimated);

        // The plan's 5-hour and weekly windows from the x-codex-* headers reach the account's state.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto states = relay.db().accountStates();
                return states && states->value(account).subscription.contains(u"5h"_s);
            }(),
            10000);
    }

    void nonStreamClientOnTheStreamOnlyBackend()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        RelayHarness relay;
        const QByteArray key = relay.addKey(u"sdk"_s, true, {}, true);
        QVERIFY(!addChatGPT(relay, upstream, u"plus"_s).isEmpty());
        QVERIFY(relay.start());
        // An SDK client without "stream": the backend is asked for a stream, the client gets one JSON response.
        const QByteArray body = "{\"model\":\"gpt-5.1\",\"input\":\"Say hi\",\"temperature\":0.2}";
        const RelayClient::Response r = post(relay, "/openai/v1/responses", body, bearer(key));
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("application/json"));
        const QJsonObject response = json(r.body);
        QCOMPARE(response.value(u"object"_s).toString(), u"response"_s);
        QCOMPARE(response.value(u"status"_s).toString(), u"completed"_s);
        QVERIFY(r.body.contains("Hello from gpt-5.1!"));
        QVERIFY(response.value(u"usage"_s).toObject().value(u"input_tokens"_s).toInt() > 0);
        const QJsonObject sent = json(upstream.requests().constFirst().body);
        QCOMPARE(sent.value(u"stream"_s), QJsonValue(true));
        QVERIFY(!sent.contains(u"temperature"_s)); // the backend refuses sampling fields from other clients
        QCOMPARE(usageRows(relay).constFirst().inputTokens, MockUpstream::kOpenAIInputTokens);
    }

    void responsesApiKeyAccount()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        RelayHarness relay;
        const QByteArray key = relay.addKey(u"k"_s);
        QVERIFY(!addResponsesKey(relay, upstream, u"/v1"_s).isEmpty()); // a base ending in /v1
        QVERIFY(relay.start());
        const QByteArray body = "{\"model\":\"gpt-5.1\",\"input\":\"Say hi\"}";
        const RelayClient::Response r = post(relay, "/openai/v1/responses", body, bearer(key));
        QCOMPARE(r.status, 200);
        QCOMPARE(json(r.body).value(u"status"_s).toString(), u"completed"_s);
        const rd::test::RecordedRequest up = upstream.requests().constFirst();
        QCOMPARE(up.target, "/v1/responses"_ba);
        QCOMPARE(up.header("authorization"), "Bearer sk-proj-responses-key"_ba);
        QCOMPARE(up.body, body); // an API-key account gets the body byte for byte
        // A ChatGPT subscription is personal: a non-owner key never reaches one, the API-key account serves it.
        const auto rows = usageRows(relay);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.constFirst().status, 200);
        // compact goes to …/responses/compact
        const RelayClient::Response c =
            post(relay, "/openai/responses/compact", "{\"model\":\"gpt-5.1\",\"input\":[]}", bearer(key));
        QCOMPARE(c.status, 200);
        QCOMPARE(upstream.requests().constLast().target, "/v1/responses/compact"_ba);
        QCOMPARE(json(c.body).value(u"object"_s).toString(), u"response.compaction"_s);
    }

    void usageLimitPutsTheAccountToRestAndFailsOver()
    {
        MockUpstream first;
        MockUpstream second;
        QVERIFY(first.listen());
        QVERIFY(second.listen());
        RelayHarness relay;
        const QByteArray key = relay.addKey(u"codex"_s, true, {}, true);
        const QString tired = addChatGPT(relay, first, u"tired"_s, 1);
        const QString fresh = addChatGPT(relay, second, u"fresh"_s, 2);
        QVERIFY(!tired.isEmpty() && !fresh.isEmpty());
        QVERIFY(relay.start());
        first.enqueue(MockUpstream::codexUsageLimit(3600));
        const RelayClient::Response r =
            post(relay, "/openai/responses", codexBody("gpt-5.1", "s1"), codexHeaders(key, "s1"));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("Hello from gpt-5.1!"));
        QCOMPARE(first.requestCount(), 1);
        QCOMPARE(second.requestCount(), 1);
        // Resting until the reset the backend named: the next request goes straight to the other account.
        const RelayClient::Response again =
            post(relay, "/openai/responses", codexBody("gpt-5.1", "s2"), codexHeaders(key, "s2"));
        QCOMPARE(again.status, 200);
        QCOMPARE(first.requestCount(), 1);
        QCOMPARE(second.requestCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(relay.db().accountStates()->value(tired).cooldownUntilMs
                                     > QDateTime::currentMSecsSinceEpoch() + 3'000'000,
                                 10000);

        // The limit can also arrive as the stream's first event: the same rest, the same failover.
        QVERIFY(relay.db().resetAccountState(tired).has_value()); // the first account is back
        QVERIFY(relay.waitForRevision());
        first.enqueue(MockUpstream::codexUsageLimitInStream(1800));
        const RelayClient::Response third =
            post(relay, "/openai/responses", codexBody("gpt-5.1", "s3"), codexHeaders(key, "s3"));
        QCOMPARE(third.status, 200);
        QVERIFY(third.body.contains("Hello from gpt-5.1!"));
        QVERIFY(!third.body.contains("usage_limit_reached"));
        QCOMPARE(first.requestCount(), 2);
        QCOMPARE(second.requestCount(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(relay.db().accountStates()->value(tired).cooldownUntilMs
                                     > QDateTime::currentMSecsSinceEpoch() + 1'500'000,
                                 10000);
        // With no account left the client gets the backend's own 429 with its reset.
        QVERIFY(relay.db().setAccountEnabled(tired, false).has_value());
        QVERIFY(relay.waitForRevision());
        second.enqueue(MockUpstream::codexUsageLimit(600));
        const RelayClient::Response none =
            post(relay, "/openai/responses", codexBody("gpt-5.1", "s4"), codexHeaders(key, "s4"));
        QCOMPARE(none.status, 429);
        QCOMPARE(json(none.body).value(u"error"_s).toObject().value(u"type"_s).toString(), u"usage_limit_reached"_s);
    }

    void sessionsStickToTheirAccount()
    {
        MockUpstream a;
        MockUpstream b;
        QVERIFY(a.listen());
        QVERIFY(b.listen());
        RelayHarness relay;
        const QByteArray key = relay.addKey(u"codex"_s, true, {}, true);
        QVERIFY(!addChatGPT(relay, a, u"a"_s).isEmpty());
        QVERIFY(!addChatGPT(relay, b, u"b"_s).isEmpty());
        QVERIFY(relay.start());
        // Least recently used alternates between equal accounts; a session keeps its account.
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(
                post(relay, "/openai/responses", codexBody("gpt-5.1", "sticky"), codexHeaders(key, "sticky")).status,
                200);
        }
        QVERIFY((a.requestCount() == 4 && b.requestCount() == 0) || (a.requestCount() == 0 && b.requestCount() == 4));
        // prompt_cache_key alone (no session header) sticks too.
        const int beforeA = a.requestCount();
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(post(relay, "/openai/v1/responses", codexBody("gpt-5.1", "cache-key-only"), bearer(key)).status,
                     200);
        }
        const int deltaA = a.requestCount() - beforeA;
        QVERIFY(deltaA == 0 || deltaA == 3);
    }

    void chatCompletionsOnClaude()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        RelayHarness relay;
        const QByteArray key = relay.addKey(u"chat"_s);
        QVERIFY(!addClaude(relay, upstream).isEmpty());
        QVERIFY(relay.start());
        const QByteArray body =
            "{\"model\":\"claude-sonnet-4-5-20250929\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"developer\",\"content\":"
            "\"Answer in English.\"},{\"role\":\"user\",\"content\":\"Say hi\"}],\"max_tokens\":64,\"stop\":\"END\"}";
        const RelayClient::Response r = post(relay, "/openai/claude/v1/chat/completions", body, bearer(key));
        QCOMPARE(r.status, 200);
        QVERIFY(r.complete);
        const QList<QByteArray> data = sseData(r.body);
        QVERIFY(data.size() >= 4);
        QCOMPARE(data.constLast(), "[DONE]"_ba);
        QString text;
        QString finish;
        QJsonObject usage;
        for (const QByteArray &d : data.mid(0, data.size() - 1)) {
            const QJsonObject chunk = json(d);
            QCOMPARE(chunk.value(u"object"_s).toString(), u"chat.completion.chunk"_s);
            for (const QJsonValue &c : chunk.value(u"choices"_s).toArray()) {
                text += c.toObject().value(u"delta"_s).toObject().value(u"content"_s).toString();
                if (c.toObject().value(u"finish_reason"_s).isString()) {
                    finish = c.toObject().value(u"finish_reason"_s).toString();
                }
            }
            if (chunk.value(u"usage"_s).isObject()) {
                usage = chunk.value(u"usage"_s).toObject();
            }
        }
        QCOMPARE(text, u"Hello!"_s);
        QCOMPARE(finish, u"stop"_s);
        QCOMPARE(usage.value(u"prompt_tokens"_s).toInt(), 12);
        QCOMPARE(usage.value(u"completion_tokens"_s).toInt(), 6);
        // What went upstream: an Anthropic Messages body with both instructions kept in `system`.
        const rd::test::RecordedRequest up = upstream.requests().constFirst();
        QVERIFY(up.target.startsWith("/v1/messages"));
        QCOMPARE(up.header("x-api-key"), "sk-ant-api03-test-key-0000"_ba);
        QVERIFY(!up.header("anthropic-version").isEmpty());
        const QJsonObject sent = json(up.body);
        QVERIFY(sent.value(u"system"_s).toVariant().toString().contains(u"Be brief."_s)
                || QJsonDocument(sent.value(u"system"_s).toArray()).toJson().contains("Be brief."));
        QVERIFY(QJsonDocument(sent).toJson().contains("Answer in English."));
        QCOMPARE(sent.value(u"max_tokens"_s).toInt(), 64);
        QCOMPARE(sent.value(u"stop_sequences"_s).toArray().first().toString(), u"END"_s);
        QCOMPARE(sent.value(u"messages"_s).toArray().size(), 1);

        // Non-stream: one chat.completion object.
        const QByteArray plain = "{\"model\":\"claude-sonnet-4-5-20250929\",\"messages\":[{\"role\":\"user\","
                                 "\"content\":\"Say hi\"}]}";
        const RelayClient::Response j = post(relay, "/openai/claude/v1/chat/completions", plain, bearer(key));
        QCOMPARE(j.status, 200);
        const QJsonObject completion = json(j.body);
        QCOMPARE(completion.value(u"object"_s).toString(), u"chat.completion"_s);
        const QJsonObject choice = completion.value(u"choices"_s).toArray().first().toObject();
        QCOMPARE(choice.value(u"message"_s).toObject().value(u"content"_s).toString(), u"Hello!"_s);
        QCOMPARE(choice.value(u"finish_reason"_s).toString(), u"stop"_s);
        QCOMPARE(json(upstream.requests().constLast().body).value(u"max_tokens"_s).toInt(), 4096);

        const auto rows = usageRows(relay);
        QCOMPARE(rows.size(), 2);
        for (const auto &row : rows) {
            QCOMPARE(row.route, u"openai.claude.chat"_s);
            QCOMPARE(row.inputTokens, 12);
            QVERIFY(row.costUsd > 0);
        }

        // An upstream error reaches the OpenAI client in OpenAI's shape.
        upstream.enqueue(MockUpstream::error(400, "invalid_request_error", "prompt is too long"));
        const RelayClient::Response e = post(relay, "/openai/claude/v1/chat/completions", plain, bearer(key));
        QCOMPARE(e.status, 400);
        const QJsonObject error = json(e.body).value(u"error"_s).toObject();
        QCOMPARE(error.value(u"type"_s).toString(), u"invalid_request_error"_s);
        QCOMPARE(error.value(u"message"_s).toString(), u"prompt is too long"_s);
        QVERIFY(error.contains(u"code"_s));
    }

    void unifiedChatPicksThePoolByModel()
    {
        MockUpstream claude;
        MockUpstream openai;
        QVERIFY(claude.listen());
        QVERIFY(openai.listen());
        RelayHarness relay;
        const QByteArray key = relay.addKey(u"chat"_s);
        QVERIFY(!addClaude(relay, claude).isEmpty());
        QVERIFY(!addResponsesKey(relay, openai).isEmpty());
        QVERIFY(relay.start());
        auto chat = [&](const QByteArray &path, const QByteArray &model) {
            return post(relay,
                        path,
                        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}",
                        bearer(key));
        };
        const RelayClient::Response gpt = chat("/openai/v1/chat/completions", "gpt-5.1");
        QCOMPARE(gpt.status, 200);
        QCOMPARE(json(gpt.body)
                     .value(u"choices"_s)
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"message"_s)
                     .toObject()
                     .value(u"content"_s),
                 QJsonValue(u"Hello from gpt-5.1!"_s));
        QCOMPARE(openai.requestCount(), 1);
        QCOMPARE(openai.requests().constFirst().target, "/v1/responses"_ba);
        const QJsonObject converted = json(openai.requests().constFirst().body);
        QCOMPARE(converted.value(u"store"_s), QJsonValue(false));
        QVERIFY(converted.value(u"input"_s).isArray());

        QCOMPARE(chat("/api/v1/chat/completions", "claude-sonnet-4-5-20250929").status, 200);
        QCOMPARE(claude.requestCount(), 1);
        QCOMPARE(chat("/openai/v1/chat/completions", "o4-mini").status, 200);
        QCOMPARE(openai.requestCount(), 2);

        const RelayClient::Response unknown = chat("/openai/v1/chat/completions", "llama-3-70b");
        QCOMPARE(unknown.status, 404);
        QCOMPARE(json(unknown.body).value(u"error"_s).toObject().value(u"code"_s).toString(), u"model_not_found"_s);
        const RelayClient::Response empty =
            post(relay, "/openai/v1/chat/completions", "{\"model\":\"gpt-5.1\",\"messages\":[]}", bearer(key));
        QCOMPARE(empty.status, 400);
        QCOMPARE(json(empty.body).value(u"error"_s).toObject().value(u"message"_s).toString(),
                 u"Messages array is required and cannot be empty"_s);

        // A key without the OpenAI service is refused before anything goes upstream.
        rd::store::ApiKeyRecord claudeOnly;
        claudeOnly.name = u"claude-only"_s;
        claudeOnly.permissions = u"claude"_s;
        const QByteArray limited = relay.addKey(claudeOnly);
        QVERIFY(relay.waitForRevision());
        const RelayClient::Response denied =
            post(relay, "/openai/v1/responses", "{\"model\":\"gpt-5.1\",\"input\":\"x\"}", bearer(limited));
        QCOMPARE(denied.status, 403);
        QCOMPARE(openai.requestCount(), 2);

        // The model list in OpenAI's shape: what the OpenAI-dialect routes can serve.
        const RelayClient::Response models =
            RelayClient::roundTrip(relay.port(), RelayClient::get("/openai/v1/models", bearer(key)));
        QCOMPARE(models.status, 200);
        const QJsonObject list = json(models.body);
        QCOMPARE(list.value(u"object"_s).toString(), u"list"_s);
        const QByteArray ids = QJsonDocument(list.value(u"data"_s).toArray()).toJson();
        QVERIFY(ids.contains("\"gpt-5.1\""));
        QVERIFY(ids.contains("claude-sonnet-4-5"));
        QCOMPARE(
            RelayClient::roundTrip(relay.port(), RelayClient::get("/openai/v1/models/gpt-5.1", bearer(key))).status,
            200);
        QCOMPARE(RelayClient::roundTrip(relay.port(), RelayClient::get("/openai/v1/models/nope-1", bearer(key))).status,
                 404);
    }

    void azureDeployments()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        RelayHarness relay;
        const QString first = addAzure(relay, upstream, u"gpt4o-east"_s);
        const QString second = addAzure(relay, upstream, u"gpt4o-west"_s, QString());
        rd::store::ApiKeyRecord bound;
        bound.name = u"azure-bound"_s;
        bound.bindings = u"{\"azure\":\"account:%1\"}"_s.arg(second);
        const QByteArray boundKey = relay.addKey(bound);
        const QByteArray key = relay.addKey(u"azure"_s);
        QVERIFY(relay.start());

        // A stream without include_usage: the relay asks for usage upstream, records it, and keeps that chunk
        // from the client.
        const QByteArray body = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                                "\"Say hi\"}]}";
        rd::http::HeaderList azureHeaders{{"api-key", key}, {"content-type", "application/json"}};
        const RelayClient::Response r = post(relay, "/azure/chat/completions", body, azureHeaders);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("Hello from"));
        QVERIFY(r.body.contains("data: [DONE]"));
        QVERIFY(!r.body.contains("\"usage\":{"));
        const rd::test::RecordedRequest up = upstream.requests().constFirst();
        QCOMPARE(up.target, "/openai/deployments/gpt4o-east/chat/completions?api-version=2025-04-01-preview"_ba);
        QCOMPARE(up.header("api-key"), "azure-key-gpt4o-east"_ba);
        QVERIFY(up.header("authorization").isEmpty());
        QCOMPARE(json(up.body).value(u"stream_options"_s).toObject().value(u"include_usage"_s), QJsonValue(true));

        // A key bound to an Azure account is honoured (the reference relay ignored it); the v1 API has no version.
        const RelayClient::Response b =
            post(relay, "/azure/chat/completions", body, {{"api-key", boundKey}, {"content-type", "application/json"}});
        QCOMPARE(b.status, 200);
        QCOMPARE(upstream.requests().constLast().target, "/openai/v1/chat/completions"_ba);
        QCOMPARE(json(upstream.requests().constLast().body).value(u"model"_s).toString(), u"gpt4o-west"_s);

        const RelayClient::Response emb = post(
            relay, "/azure/embeddings", "{\"input\":[\"a\",\"b\"],\"model\":\"text-embedding-3-small\"}", azureHeaders);
        QCOMPARE(emb.status, 200);
        QVERIFY(upstream.requests().constLast().target.contains("/embeddings"));

        const auto rows = usageRows(relay);
        QCOMPARE(rows.size(), 3);
        int withUsage = 0;
        for (const auto &row : rows) {
            withUsage += row.usageSeen ? 1 : 0;
            QVERIFY(row.accountId == first || row.accountId == second);
        }
        QCOMPARE(withUsage, 3);
        // Priced by the deployment's model when the answer names none the table knows.
        QVERIFY(rows.constLast().costUsd > 0 || rows.constFirst().costUsd > 0);
    }
};

QTEST_GUILESS_MAIN(TestOpenAIRoutes)
#include "tst_openairoutes.moc"
