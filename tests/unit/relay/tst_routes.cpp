// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/routes.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::relay::Dialect;
using rd::relay::Route;

Q_DECLARE_METATYPE(rd::relay::Route)
Q_DECLARE_METATYPE(rd::relay::Dialect)

class TestRoutes : public QObject
{
    Q_OBJECT
private slots:
    void matchesEveryRoute_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<Route>("route");
        QTest::addColumn<Dialect>("dialect");
        QTest::addColumn<QByteArray>("param");
        const auto row =
            [](const char *name, const char *method, const char *path, Route route, QByteArray param = {}) {
                QTest::newRow(name) << QByteArray(method) << QByteArray(path) << route << Dialect::Anthropic << param;
            };
        // Messages and its aliases: POST only.
        row("api messages", "POST", "/api/v1/messages", Route::Messages);
        row("claude messages", "POST", "/claude/v1/messages", Route::Messages);
        row("api/claude alias", "POST", "/api/claude/v1/messages", Route::Messages);
        row("claude/claude alias", "POST", "/claude/claude/v1/messages", Route::Messages);
        row("messages trailing slash", "POST", "/api/v1/messages/", Route::Messages);
        row("GET messages", "GET", "/api/v1/messages", Route::NotFound);
        row("GET claude alias", "GET", "/claude/claude/v1/messages", Route::NotFound);
        row("PUT messages", "PUT", "/claude/v1/messages", Route::NotFound);
        row("bare v1 messages", "POST", "/v1/messages", Route::NotFound);
        row("prefix must end at a slash", "POST", "/apix/v1/messages", Route::NotFound);
        // count_tokens
        row("api count_tokens", "POST", "/api/v1/messages/count_tokens", Route::CountTokens);
        row("claude count_tokens", "POST", "/claude/v1/messages/count_tokens", Route::CountTokens);
        row("GET count_tokens", "GET", "/api/v1/messages/count_tokens", Route::NotFound);
        // models
        row("api models", "GET", "/api/v1/models", Route::Models);
        row("claude models", "GET", "/claude/v1/models", Route::Models);
        row("models trailing slash", "GET", "/api/v1/models/", Route::Models);
        row("POST models", "POST", "/api/v1/models", Route::NotFound);
        row("model by id",
            "GET",
            "/api/v1/models/claude-sonnet-4-5-20250929",
            Route::ModelById,
            "claude-sonnet-4-5-20250929");
        row("claude model by id", "GET", "/claude/v1/models/claude-opus-4-1", Route::ModelById, "claude-opus-4-1");
        row("model id with slash", "GET", "/api/v1/models/a/b", Route::NotFound);
        // Key self-service: GET and /api only.
        row("key-info", "GET", "/api/v1/key-info", Route::KeyInfo);
        row("key-stats", "GET", "/api/v1/key-stats", Route::KeyStats);
        row("key-stats is GET only", "POST", "/api/v1/key-stats", Route::NotFound);
        row("usage", "GET", "/api/v1/usage", Route::Usage);
        row("me", "GET", "/api/v1/me", Route::Me);
        row("org usage", "GET", "/api/v1/organizations/org_123/usage", Route::OrgUsage, "org_123");
        row("org usage empty id", "GET", "/api/v1/organizations//usage", Route::NotFound);
        row("org usage without id", "GET", "/api/v1/organizations/usage", Route::NotFound);
        row("org usage nested id", "GET", "/api/v1/organizations/a/b/usage", Route::NotFound);
        row("POST key-info", "POST", "/api/v1/key-info", Route::NotFound);
        row("key-info under claude", "GET", "/claude/v1/key-info", Route::NotFound);
        row("me under claude", "GET", "/claude/v1/me", Route::NotFound);
        // No-auth service routes.
        row("telemetry api", "POST", "/api/api/event_logging/batch", Route::Telemetry);
        row("telemetry claude", "POST", "/claude/api/event_logging/batch", Route::Telemetry);
        row("GET telemetry", "GET", "/api/api/event_logging/batch", Route::NotFound);
        row("hello GET", "GET", "/api/api/hello", Route::Hello);
        row("hello HEAD", "HEAD", "/api/api/hello", Route::Hello);
        row("hello claude", "HEAD", "/claude/api/hello", Route::Hello);
        row("POST hello", "POST", "/api/api/hello", Route::NotFound);
        row("health GET", "GET", "/health", Route::Health);
        row("health HEAD", "HEAD", "/health", Route::Health);
        row("health trailing slash", "GET", "/health/", Route::Health);
        row("POST health", "POST", "/health", Route::NotFound);
        // Unknown
        row("root", "GET", "/", Route::NotFound);
        row("empty", "GET", "", Route::NotFound);
        row("bare prefix", "GET", "/api", Route::NotFound);
        row("unknown under api", "POST", "/api/v1/foo", Route::NotFound);
        row("unknown", "GET", "/metrics2", Route::NotFound);
        row("method case matters", "post", "/api/v1/messages", Route::NotFound);
        // OpenAI dialect (PROTOCOLS.md §1.3, §1.5)
        auto openai = [](const char *name, const char *method, const char *path, Route route, QByteArray param = {}) {
            QTest::newRow(name) << QByteArray(method) << QByteArray(path) << route << Dialect::OpenAI << param;
        };
        openai("codex responses", "POST", "/openai/responses", Route::Responses);
        openai("sdk responses", "POST", "/openai/v1/responses", Route::Responses);
        openai("responses trailing slash", "POST", "/openai/v1/responses/", Route::Responses);
        openai("responses get", "GET", "/openai/responses", Route::NotFound);
        openai("compact", "POST", "/openai/responses/compact", Route::ResponsesCompact);
        openai("sdk compact", "POST", "/openai/v1/responses/compact", Route::ResponsesCompact);
        openai("unified chat", "POST", "/openai/v1/chat/completions", Route::Chat);
        openai("unified chat under api", "POST", "/api/v1/chat/completions", Route::Chat);
        openai("unified chat get", "GET", "/openai/v1/chat/completions", Route::NotFound);
        openai("openai models", "GET", "/openai/v1/models", Route::OpenAIModels);
        openai("openai model", "GET", "/openai/v1/models/gpt-5.1", Route::OpenAIModelById, "gpt-5.1");
        openai("openai model nested", "GET", "/openai/v1/models/a/b", Route::NotFound);
        openai("claude chat", "POST", "/openai/claude/v1/chat/completions", Route::ClaudeChat);
        openai("claude chat models", "GET", "/openai/claude/v1/models", Route::ClaudeChatModels);
        openai("claude chat model",
               "GET",
               "/openai/claude/v1/models/claude-sonnet-4-5",
               Route::ClaudeChatModelById,
               "claude-sonnet-4-5");
        openai("azure chat", "POST", "/azure/chat/completions", Route::AzureChat);
        openai("azure responses", "POST", "/azure/responses", Route::AzureResponses);
        openai("azure embeddings", "POST", "/azure/embeddings", Route::AzureEmbeddings);
        openai("azure models", "GET", "/azure/models", Route::AzureModels);
        openai("openai messages path", "POST", "/openai/v1/messages", Route::NotFound);
        openai("openai unknown", "POST", "/openai/v1/foo", Route::NotFound);
        QTest::newRow("gemini") << "POST"_ba
                                << "/gemini/v1beta/models/gemini-2.5-flash:generateContent"_ba << Route::NotFound
                                << Dialect::Gemini << QByteArray();
    }
    void matchesEveryRoute()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(Route, route);
        QFETCH(Dialect, dialect);
        QFETCH(QByteArray, param);
        const rd::relay::RouteMatch m = rd::relay::matchRoute(method, path);
        QCOMPARE(m.route, route);
        QCOMPARE(m.dialect, dialect);
        QCOMPARE(m.param, param);
    }

    void onlyServiceRoutesSkipTheKey_data()
    {
        QTest::addColumn<Route>("route");
        QTest::addColumn<bool>("needsKey");
        QTest::addColumn<QByteArray>("name");
        QTest::newRow("messages") << Route::Messages << true << "anthropic.messages"_ba;
        QTest::newRow("count_tokens") << Route::CountTokens << true << "anthropic.count_tokens"_ba;
        QTest::newRow("models") << Route::Models << true << "anthropic.models"_ba;
        QTest::newRow("model") << Route::ModelById << true << "anthropic.model"_ba;
        QTest::newRow("key-info") << Route::KeyInfo << true << "key-info"_ba;
        QTest::newRow("usage") << Route::Usage << true << "usage"_ba;
        QTest::newRow("key-stats") << Route::KeyStats << true << "key-stats"_ba;
        QTest::newRow("me") << Route::Me << true << "me"_ba;
        QTest::newRow("org usage") << Route::OrgUsage << true << "organization-usage"_ba;
        QTest::newRow("not found") << Route::NotFound << true << "not-found"_ba;
        QTest::newRow("telemetry") << Route::Telemetry << false << "telemetry"_ba;
        QTest::newRow("hello") << Route::Hello << false << "hello"_ba;
        QTest::newRow("health") << Route::Health << false << "health"_ba;
        QTest::newRow("responses") << Route::Responses << true << "openai.responses"_ba;
        QTest::newRow("compact") << Route::ResponsesCompact << true << "openai.responses.compact"_ba;
        QTest::newRow("chat") << Route::Chat << true << "openai.chat"_ba;
        QTest::newRow("claude chat") << Route::ClaudeChat << true << "openai.claude.chat"_ba;
        QTest::newRow("openai models") << Route::OpenAIModels << true << "openai.models"_ba;
        QTest::newRow("azure chat") << Route::AzureChat << true << "azure.chat"_ba;
        QTest::newRow("azure responses") << Route::AzureResponses << true << "azure.responses"_ba;
        QTest::newRow("azure embeddings") << Route::AzureEmbeddings << true << "azure.embeddings"_ba;
    }
    void onlyServiceRoutesSkipTheKey()
    {
        QFETCH(Route, route);
        QFETCH(bool, needsKey);
        QFETCH(QByteArray, name);
        rd::relay::RouteMatch m;
        m.route = route;
        QCOMPARE(m.needsKey(), needsKey);
        QCOMPARE(QByteArray(rd::relay::routeName(route)), name);
    }

    void matchedServiceRoutesSkipTheKey()
    {
        QVERIFY(!rd::relay::matchRoute("HEAD", "/api/api/hello").needsKey());
        QVERIFY(!rd::relay::matchRoute("POST", "/claude/api/event_logging/batch").needsKey());
        QVERIFY(!rd::relay::matchRoute("GET", "/health").needsKey());
        QVERIFY(rd::relay::matchRoute("POST", "/api/v1/messages").needsKey());
        QVERIFY(rd::relay::matchRoute("GET", "/nothing").needsKey());
    }
};

QTEST_GUILESS_MAIN(TestRoutes)
#include "tst_routes.moc"
