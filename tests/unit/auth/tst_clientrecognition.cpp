// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/auth/clientrecognition.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::auth::ClientFacts;
using rd::auth::KnownClient;
using rd::http::HeaderList;

namespace {
// Recorded User-Agents and headers (PROTOCOLS.md §6.1–6.5). Versions marked "illustrative" were not recorded.
const QByteArray kClaudeUaPrint = "claude-cli/2.1.332 (external, sdk-cli)"_ba;
const QByteArray kClaudeUaInteractive = "claude-cli/2.1.332 (external, cli)"_ba;
const QByteArray kClaudeBeta =
    "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,per-turn-control-2026-07-01,"
    "mid-conversation-tool-changes-2026-07-01,thinking-token-count-2026-05-13,advanced-tool-use-2025-11-20,"
    "effort-2025-11-24"_ba;
const QByteArray kCodexUa = "codex_exec/0.171.0 (Debian 12.0.0; x86_64) dumb (codex_exec; 0.171.0)"_ba;
const QByteArray kGeminiTuiUa = "GeminiCLI-tui/0.61.0/gemini-3.1-pro-preview (linux; x64; terminal)"_ba;
const QByteArray kGeminiUa = "GeminiCLI/0.61.0/gemini-3.1-pro-preview (linux; x64; terminal)"_ba;
const QByteArray kDroidUa = "factory-cli/0.30.0"_ba; // illustrative version
const QByteArray kAnthropicSdkUa = "Anthropic/JS 1.14.0"_ba;
const QByteArray kOpenAiSdkUa = "OpenAI/JS 7.59.0"_ba;
const QByteArray kGenAiSdkUa = "google-genai-sdk/3.3.0 gl-node/v20.20.2"_ba;
const QByteArray kBunUa = "Bun/1.3.5"_ba; // illustrative version
const QByteArray kCurlUa = "curl/8.0"_ba;

const QByteArray kDevice = "e1a4e350f8b1f9431a7c6c5b363f406acd6ae59fb2aa1b6fda80a2adcbb44f70"_ba;
const QByteArray kSession = "f154838c-e9ee-48fd-bceb-9d500860188b"_ba;
const QByteArray kAccount = "d73a9e57-b8ee-4a22-a82e-3deea41e02fc"_ba;
const QByteArray kJsonUserId =
    R"({"device_id":")"_ba + kDevice + R"(","account_uuid":"","session_id":")"_ba + kSession + R"("})"_ba;
const QByteArray kOldUserId = "user_"_ba + kDevice + "_account__session_"_ba + kSession;

HeaderList claudeHeaders(const QByteArray &ua = kClaudeUaPrint)
{
    return {{"anthropic-version", "2023-06-01"},
            {"anthropic-beta", kClaudeBeta},
            {"anthropic-dangerous-direct-browser-access", "true"},
            {"x-app", "cli"},
            {"User-Agent", ua},
            {"x-claude-code-session-id", kSession}};
}

HeaderList without(HeaderList headers, QByteArrayView name)
{
    headers.removeIf([name](const rd::http::Header &h) { return h.first == name; });
    return headers;
}

const HeaderList kCodexHeaders{{"originator", "codex_exec"}, {"user-agent", kCodexUa}, {"session-id", kSession}};
const HeaderList kGeminiHeaders{{"user-agent", kGeminiTuiUa},
                                {"x-goog-api-client", "google-genai-sdk/1.30.0 gl-node/v20.20.2"}};
const HeaderList kDroidHeaders{{"user-agent", kDroidUa}, {"x-factory-client", "cli"}};

QByteArray replaced(QByteArray text, const QByteArray &before, const QByteArray &after)
{
    return text.replace(before, after);
}

// Facts as the relay builds them: headers, plus the route kind and metadata.user_id (a null QByteArray: absent).
ClientFacts factsFor(const HeaderList &headers, bool messages, const QByteArray &userId)
{
    ClientFacts facts = rd::auth::clientFacts(headers);
    facts.isMessagesRoute = messages;
    if (messages && !userId.isNull()) {
        facts.metadataUserId = QByteArrayView(userId);
    }
    return facts;
}

// The ids of every client the facts match, comma-joined ("" for none).
QByteArray recognisedIds(const ClientFacts &facts)
{
    QByteArrayList ids;
    for (const KnownClient c :
         {KnownClient::ClaudeCode, KnownClient::CodexCli, KnownClient::GeminiCli, KnownClient::DroidCli}) {
        if (rd::auth::matchesClient(c, facts)) {
            ids.append(rd::auth::clientId(c).toByteArray());
        }
    }
    return ids.join(',');
}
} // namespace

class TestClientRecognition : public QObject
{
    Q_OBJECT
private slots:
    void idsRoundTrip_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("id"); // canonical id, empty when unknown
        QTest::newRow("claude-code") << "claude-code"_ba
                                     << "claude-code"_ba;
        QTest::newRow("codex-cli") << "codex-cli"_ba
                                   << "codex-cli"_ba;
        QTest::newRow("gemini-cli") << "gemini-cli"_ba
                                    << "gemini-cli"_ba;
        QTest::newRow("droid-cli") << "droid-cli"_ba
                                   << "droid-cli"_ba;
        QTest::newRow("underscores") << "claude_code"_ba
                                     << "claude-code"_ba;
        QTest::newRow("any case") << "Gemini_CLI"_ba
                                  << "gemini-cli"_ba;
        QTest::newRow("no short names") << "codex"_ba << QByteArray();
        QTest::newRow("not trimmed") << " droid-cli"_ba << QByteArray();
        QTest::newRow("empty") << QByteArray() << QByteArray();
    }
    void idsRoundTrip()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, id);
        const std::optional<KnownClient> client = rd::auth::parseClientId(text);
        QCOMPARE(client.has_value(), !id.isEmpty());
        if (client) {
            QCOMPARE(rd::auth::clientId(*client).toByteArray(), id);
        }
    }

    void parsesClientLists_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QByteArray>("ids"); // comma-joined canonical ids on success
        QTest::addColumn<QString>("error");  // part of the detail on failure
        QTest::newRow("empty") << QString() << QByteArray() << QString();
        QTest::newRow("blanks") << u" , ,"_s << QByteArray() << QString();
        QTest::newRow("one") << u"codex-cli"_s << "codex-cli"_ba << QString();
        QTest::newRow("several, trimmed, order kept")
            << u" Droid_CLI , claude-code,gemini-cli "_s << "droid-cli,claude-code,gemini-cli"_ba << QString();
        QTest::newRow("duplicates once") << u"codex-cli,CODEX_CLI"_s << "codex-cli"_ba << QString();
        QTest::newRow("unknown named") << u"claude-code, cursor"_s << QByteArray() << u"unknown client 'cursor'"_s;
        QTest::newRow("valid ids listed")
            << u"codex"_s << QByteArray() << u"valid: claude-code, codex-cli, gemini-cli, droid-cli"_s;
        QTest::newRow("non-ASCII") << u"claude-cöde"_s << QByteArray() << u"'claude-cöde'"_s;
    }
    void parsesClientLists()
    {
        QFETCH(QString, text);
        QFETCH(QByteArray, ids);
        QFETCH(QString, error);
        const rd::Result<QList<KnownClient>> list = rd::auth::parseClientList(text);
        if (!error.isEmpty()) {
            QVERIFY(!list);
            QCOMPARE(list.error().code, rd::ErrorCode::InvalidArgument);
            QVERIFY2(list.error().detail.contains(error), qPrintable(list.error().detail));
            return;
        }
        QVERIFY2(list, qPrintable(list ? QString() : list.error().detail));
        QByteArrayList got;
        for (const KnownClient c : *list) {
            got.append(rd::auth::clientId(c).toByteArray());
        }
        QCOMPARE(got.join(','), ids);
    }

    void readsFactsFromHeaders()
    {
        const HeaderList headers{{"USER-AGENT", "  claude-cli/2.1.332 (external, cli) "},
                                 {"user-agent", "second"},
                                 {"X-App", "cli"},
                                 {"Anthropic-Beta", "claude-code-20250219"},
                                 {"Originator", "codex_exec"},
                                 {"X-Factory-Client", "cli"}};
        const ClientFacts facts = rd::auth::clientFacts(headers);
        QCOMPARE(facts.userAgent.toByteArray(), "claude-cli/2.1.332 (external, cli)"_ba); // first one, trimmed
        QCOMPARE(facts.xApp.toByteArray(), "cli"_ba);
        QCOMPARE(facts.anthropicBeta.toByteArray(), "claude-code-20250219"_ba);
        QCOMPARE(facts.originator.toByteArray(), "codex_exec"_ba);
        QCOMPARE(facts.xFactoryClient.toByteArray(), "cli"_ba);
        QVERIFY(!facts.metadataUserId);
        QVERIFY(!facts.isMessagesRoute);

        const HeaderList empty;
        const ClientFacts none = rd::auth::clientFacts(empty);
        QVERIFY(none.userAgent.isEmpty() && none.xApp.isEmpty() && none.anthropicBeta.isEmpty());
        QVERIFY(none.originator.isEmpty() && none.xFactoryClient.isEmpty());
    }

    void validatesClaudeCodeUserIds_data()
    {
        QTest::addColumn<QByteArray>("userId");
        QTest::addColumn<bool>("valid");
        QTest::newRow("JSON, recorded shape") << kJsonUserId << true;
        QTest::newRow("JSON, account uuid") << QByteArray(R"({"device_id":")"_ba + kDevice + R"(","account_uuid":")"_ba
                                                          + kAccount + R"(","session_id":")"_ba + kSession + R"("})"_ba)
                                            << true;
        QTest::newRow("JSON, spaces and extra field")
            << QByteArray(R"( { "session_id" : ")"_ba + kSession + R"(", "device_id":")"_ba + kDevice
                          + R"(", "account_uuid":"", "x":1 } )"_ba)
            << true;
        QTest::newRow("JSON, upper-case hex")
            << replaced(replaced(kJsonUserId, kDevice, kDevice.toUpper()), kSession, kSession.toUpper()) << true;
        QTest::newRow("old form, empty account") << kOldUserId << true;
        QTest::newRow("old form, account uuid")
            << QByteArray("user_"_ba + kDevice + "_account_"_ba + kAccount + "_session_"_ba + kSession) << true;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("not JSON") << QByteArray("{device_id:"_ba + kDevice + "}"_ba) << false;
        QTest::newRow("JSON, 63 hex") << replaced(kJsonUserId, kDevice, kDevice.chopped(1)) << false;
        QTest::newRow("JSON, 65 hex") << replaced(kJsonUserId, kDevice, kDevice + '0') << false;
        QTest::newRow("JSON, non-hex") << replaced(kJsonUserId, kDevice, kDevice.chopped(1) + 'g') << false;
        QTest::newRow("JSON, bad session uuid")
            << replaced(kJsonUserId, kSession, replaced(kSession, "-", "_")) << false;
        QTest::newRow("JSON, session uuid short") << replaced(kJsonUserId, kSession, kSession.chopped(1)) << false;
        QTest::newRow("JSON, account not uuid")
            << replaced(kJsonUserId, R"("account_uuid":"")", R"("account_uuid":"me")") << false;
        QTest::newRow("JSON, account missing") << replaced(kJsonUserId, R"("account_uuid":"",)", "") << false;
        QTest::newRow("JSON, id not a string")
            << QByteArray(R"({"device_id":1,"account_uuid":"","session_id":")"_ba + kSession + R"("})"_ba) << false;
        QTest::newRow("JSON, trailing garbage") << QByteArray(kJsonUserId + 'x') << false;
        QTest::newRow("JSON array") << QByteArray('[' + kJsonUserId + ']') << false;
        QTest::newRow("old form, 63 hex") << replaced(kOldUserId, kDevice, kDevice.chopped(1)) << false;
        QTest::newRow("old form, bad session uuid")
            << replaced(kOldUserId, kSession, "session-uuid-that-is-not-a-uuid-at-al") << false;
        QTest::newRow("old form, account not uuid")
            << QByteArray("user_"_ba + kDevice + "_account_abc_session_"_ba + kSession) << false;
        QTest::newRow("old form, trailing text") << QByteArray(kOldUserId + 'x') << false;
        QTest::newRow("old form, trailing newline") << QByteArray(kOldUserId + '\n') << false;
        QTest::newRow("old form, no session") << QByteArray("user_"_ba + kDevice + "_account_"_ba) << false;
    }
    void validatesClaudeCodeUserIds()
    {
        QFETCH(QByteArray, userId);
        QFETCH(bool, valid);
        QCOMPARE(rd::auth::isValidClaudeCodeUserId(userId), valid);
    }

    void recognisesClients_data()
    {
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<bool>("messages");
        QTest::addColumn<QByteArray>("userId"); // null: the body had no metadata.user_id
        QTest::addColumn<QByteArray>("recognised");
        const HeaderList claude = claudeHeaders();
        QTest::newRow("Claude Code -p, messages") << claude << true << kJsonUserId << "claude-code"_ba;
        QTest::newRow("Claude Code interactive, messages")
            << claudeHeaders(kClaudeUaInteractive) << true << kJsonUserId << "claude-code"_ba;
        QTest::newRow("Claude Code, old user_id") << claude << true << kOldUserId << "claude-code"_ba;
        QTest::newRow("Claude Code, beta not first")
            << HeaderList{{"user-agent", kClaudeUaPrint},
                          {"x-app", "cli"},
                          {"anthropic-beta", "effort-2025-11-24, claude-code-20250219 ,x"}}
            << true << kJsonUserId << "claude-code"_ba;
        QTest::newRow("Claude Code, no x-app") << without(claude, "x-app") << true << kJsonUserId << ""_ba;
        QTest::newRow("Claude Code, empty x-app")
            << without(claude, "x-app") + HeaderList{{"x-app", ""}} << true << kJsonUserId << ""_ba;
        QTest::newRow("Claude Code, no beta") << without(claude, "anthropic-beta") << true << kJsonUserId << ""_ba;
        QTest::newRow("Claude Code, other betas only")
            << without(claude, "anthropic-beta") + HeaderList{{"anthropic-beta", "claude-code-20250219x,effort"}}
            << true << kJsonUserId << ""_ba;
        QTest::newRow("Claude Code, no user_id") << claude << true << QByteArray() << ""_ba;
        QTest::newRow("Claude Code, empty user_id") << claude << true << ""_ba
                                                    << ""_ba;
        QTest::newRow("Claude Code, bad user_id") << claude << true << "user_123"_ba
                                                  << ""_ba;
        QTest::newRow("Claude Code UA alone, not messages")
            << HeaderList{{"user-agent", kClaudeUaPrint}} << false << QByteArray() << "claude-code"_ba;
        QTest::newRow("claude-cli without patch")
            << HeaderList{{"user-agent", "claude-cli/2.1 (external, cli)"}} << false << QByteArray() << ""_ba;
        QTest::newRow("Claude-CLI, other case")
            << HeaderList{{"user-agent", "Claude-CLI/2.1.332"}} << false << QByteArray() << ""_ba;
        QTest::newRow("claude-cli not at start")
            << HeaderList{{"user-agent", "x claude-cli/2.1.332"}} << false << QByteArray() << ""_ba;
        QTest::newRow("Codex exec") << kCodexHeaders << false << QByteArray() << "codex-cli"_ba;
        QTest::newRow("Codex without originator")
            << HeaderList{{"user-agent", kCodexUa}} << false << QByteArray() << "codex-cli"_ba;
        QTest::newRow("Codex originator mismatch")
            << HeaderList{{"user-agent", kCodexUa}, {"originator", "codex_cli_rs"}} << false << QByteArray() << ""_ba;
        QTest::newRow("Codex cli_rs") << HeaderList{{"user-agent", "codex_cli_rs/0.171.0 (Mac OS 15.5.0; arm64)"},
                                                    {"originator", "codex_cli_rs"}}
                                      << false << QByteArray() << "codex-cli"_ba;
        QTest::newRow("Codex vscode") << HeaderList{{"user-agent", "codex_vscode/0.171.0"}} << false << QByteArray()
                                      << "codex-cli"_ba;
        QTest::newRow("codex_exec without version")
            << HeaderList{{"user-agent", "codex_exec/ (Debian)"}} << false << QByteArray() << ""_ba;
        QTest::newRow("codex_other") << HeaderList{{"user-agent", "codex_other/0.171.0"}} << false << QByteArray()
                                     << ""_ba;
        QTest::newRow("GeminiCLI-tui") << kGeminiHeaders << false << QByteArray() << "gemini-cli"_ba;
        QTest::newRow("GeminiCLI") << HeaderList{{"user-agent", kGeminiUa}} << false << QByteArray() << "gemini-cli"_ba;
        QTest::newRow("GeminiCLI, Code Assist suffix")
            << HeaderList{{"user-agent", QByteArray(kGeminiUa + " google-api-nodejs-client/9.15.1"_ba)}} << false
            << QByteArray() << "gemini-cli"_ba;
        QTest::newRow("GeminiCLI/v") << HeaderList{{"user-agent", "GeminiCLI/v0.61.0"}} << false << QByteArray()
                                     << "gemini-cli"_ba;
        QTest::newRow("GeminiCLI-TUI, upper case")
            << HeaderList{{"user-agent", "GeminiCLI-TUI/0.61.0"}} << false << QByteArray() << ""_ba;
        QTest::newRow("GeminiCLI-, empty variant")
            << HeaderList{{"user-agent", "GeminiCLI-/0.61.0"}} << false << QByteArray() << ""_ba;
        QTest::newRow("GeminiCLIx") << HeaderList{{"user-agent", "GeminiCLIx/0.61.0"}} << false << QByteArray()
                                    << ""_ba;
        QTest::newRow("Droid") << kDroidHeaders << true << QByteArray() << "droid-cli"_ba;
        QTest::newRow("Droid by UA") << HeaderList{{"user-agent", "Mozilla/5.0 factory-cli/0.30.0"}} << false
                                     << QByteArray() << "droid-cli"_ba;
        QTest::newRow("Droid by x-factory-client")
            << HeaderList{{"user-agent", kAnthropicSdkUa}, {"x-factory-client", "Droid"}} << true << QByteArray()
            << "droid-cli"_ba;
        QTest::newRow("x-factory-client other")
            << HeaderList{{"x-factory-client", "web"}} << false << QByteArray() << ""_ba;
        QTest::newRow("Anthropic SDK") << HeaderList{{"user-agent", kAnthropicSdkUa}, {"x-app", "cli"}} << true
                                       << kJsonUserId << ""_ba;
        QTest::newRow("OpenAI SDK") << HeaderList{{"user-agent", kOpenAiSdkUa}} << false << QByteArray() << ""_ba;
        QTest::newRow("genai SDK") << HeaderList{{"user-agent", kGenAiSdkUa}, {"x-goog-api-client", kGenAiSdkUa}}
                                   << false << QByteArray() << ""_ba;
        QTest::newRow("Bun (Claude Code's hello probe)")
            << HeaderList{{"user-agent", kBunUa}} << false << QByteArray() << ""_ba;
        QTest::newRow("curl") << HeaderList{{"user-agent", kCurlUa}} << false << QByteArray() << ""_ba;
        QTest::newRow("no headers") << HeaderList{} << false << QByteArray() << ""_ba;
    }
    void recognisesClients()
    {
        QFETCH(HeaderList, headers);
        QFETCH(bool, messages);
        QFETCH(QByteArray, userId);
        QFETCH(QByteArray, recognised);
        QCOMPARE(recognisedIds(factsFor(headers, messages, userId)), recognised);
    }

    void knowsEachClientsPaths_data()
    {
        QTest::addColumn<QByteArray>("client");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<bool>("allowed");
        const QByteArray cc = "claude-code"_ba;
        QTest::newRow("cc messages") << cc << "/api/v1/messages"_ba << true;
        QTest::newRow("cc count_tokens") << cc << "/api/v1/messages/count_tokens"_ba << true;
        QTest::newRow("cc models") << cc << "/api/v1/models"_ba << true;
        QTest::newRow("cc model by id") << cc << "/api/v1/models/claude-opus-5-5"_ba << true;
        QTest::newRow("cc me") << cc << "/api/v1/me"_ba << true;
        QTest::newRow("cc usage") << cc << "/api/v1/usage"_ba << true;
        QTest::newRow("cc key-info") << cc << "/api/v1/key-info"_ba << true;
        QTest::newRow("cc org usage") << cc << "/api/v1/organizations/org_1/usage"_ba << true;
        QTest::newRow("cc /claude messages") << cc << "/claude/v1/messages"_ba << true;
        QTest::newRow("cc /claude models") << cc << "/claude/v1/models"_ba << true;
        QTest::newRow("cc telemetry") << cc << "/api/api/event_logging/batch"_ba << true;
        QTest::newRow("cc hello") << cc << "/api/api/hello"_ba << true;
        QTest::newRow("cc segment boundary") << cc << "/api/v1/messagesx"_ba << false;
        QTest::newRow("cc /claude me") << cc << "/claude/v1/me"_ba << false;
        QTest::newRow("cc /api/claude alias") << cc << "/api/claude/v1/messages"_ba << false;
        QTest::newRow("cc responses") << cc << "/openai/responses"_ba << false;
        QTest::newRow("cc gemini") << cc << "/gemini/v1beta/models/gemini-3.8-flash:generateContent"_ba << false;
        const QByteArray codex = "codex-cli"_ba;
        QTest::newRow("codex responses") << codex << "/openai/responses"_ba << true;
        QTest::newRow("codex responses compact") << codex << "/openai/responses/compact"_ba << true;
        QTest::newRow("codex v1 responses") << codex << "/openai/v1/responses"_ba << true;
        QTest::newRow("codex azure") << codex << "/azure/openai/responses"_ba << true;
        QTest::newRow("codex /azure alone") << codex << "/azure"_ba << false;
        QTest::newRow("codex chat completions") << codex << "/openai/v1/chat/completions"_ba << false;
        QTest::newRow("codex messages") << codex << "/api/v1/messages"_ba << false;
        const QByteArray gemini = "gemini-cli"_ba;
        QTest::newRow("gemini stream") << gemini << "/gemini/v1beta/models/gemini-3.8-flash:streamGenerateContent"_ba
                                       << true;
        QTest::newRow("gemini code assist") << gemini << "/gemini/v1internal:loadCodeAssist"_ba << true;
        QTest::newRow("gemini /geminix") << gemini << "/geminix/v1beta/models"_ba << false;
        QTest::newRow("gemini responses") << gemini << "/openai/responses"_ba << false;
        const QByteArray droid = "droid-cli"_ba;
        QTest::newRow("droid anthropic") << droid << "/droid/claude/v1/messages"_ba << true;
        QTest::newRow("droid chat") << droid << "/droid/comm/v1/chat/completions"_ba << true;
        QTest::newRow("droid messages") << droid << "/api/v1/messages"_ba << false;
    }
    void knowsEachClientsPaths()
    {
        QFETCH(QByteArray, client);
        QFETCH(QByteArray, path);
        QFETCH(bool, allowed);
        const std::optional<KnownClient> known = rd::auth::parseClientId(client);
        QVERIFY(known);
        QCOMPARE(rd::auth::pathAllowedFor(*known, path), allowed);
    }

    void enforcesRestrictions_data()
    {
        QTest::addColumn<QString>("allowedList");
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<bool>("messages");
        QTest::addColumn<QByteArray>("userId"); // null: none in the body
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<QByteArray>("recognised"); // empty: none
        const HeaderList claude = claudeHeaders();
        const HeaderList curl{{"user-agent", kCurlUa}};
        QTest::newRow("no restriction: curl anywhere")
            << QString() << curl << false << QByteArray() << "/openai/v1/chat/completions"_ba << true << ""_ba;
        QTest::newRow("no restriction: recognition skipped")
            << QString() << claude << true << kJsonUserId << "/api/v1/messages"_ba << true << ""_ba;
        QTest::newRow("Claude Code on messages")
            << u"claude-code"_s << claude << true << kJsonUserId << "/api/v1/messages"_ba << true << "claude-code"_ba;
        QTest::newRow("Claude Code on /claude") << u"claude-code"_s << claude << true << kJsonUserId
                                                << "/claude/v1/messages"_ba << true << "claude-code"_ba;
        QTest::newRow("Claude Code on models")
            << u"claude-code"_s << HeaderList{{"user-agent", kClaudeUaPrint}} << false << QByteArray()
            << "/api/v1/models"_ba << true << "claude-code"_ba;
        QTest::newRow("Claude Code on Codex path") << u"claude-code"_s << claude << false << QByteArray()
                                                   << "/openai/responses"_ba << false << "claude-code"_ba;
        QTest::newRow("Claude Code without user_id")
            << u"claude-code"_s << claude << true << QByteArray() << "/api/v1/messages"_ba << false << ""_ba;
        QTest::newRow("Anthropic SDK posing on messages")
            << u"claude-code"_s << HeaderList{{"user-agent", kAnthropicSdkUa}} << true << kJsonUserId
            << "/api/v1/messages"_ba << false << ""_ba;
        QTest::newRow("Codex on responses") << u"codex-cli"_s << kCodexHeaders << false << QByteArray()
                                            << "/openai/responses"_ba << true << "codex-cli"_ba;
        QTest::newRow("Codex on Claude path") << u"codex-cli"_s << kCodexHeaders << false << QByteArray()
                                              << "/api/v1/messages"_ba << false << "codex-cli"_ba;
        QTest::newRow("Codex, originator mismatch")
            << u"codex-cli"_s << HeaderList{{"user-agent", kCodexUa}, {"originator", "codex_vscode"}} << false
            << QByteArray() << "/openai/responses"_ba << false << ""_ba;
        QTest::newRow("OpenAI SDK on responses") << u"codex-cli"_s << HeaderList{{"user-agent", kOpenAiSdkUa}} << false
                                                 << QByteArray() << "/openai/v1/responses"_ba << false << ""_ba;
        QTest::newRow("GeminiCLI-tui on gemini")
            << u"gemini-cli"_s << kGeminiHeaders << false << QByteArray()
            << "/gemini/v1beta/models/gemini-3.8-flash:streamGenerateContent"_ba << true << "gemini-cli"_ba;
        QTest::newRow("Gemini CLI on Droid path") << u"gemini-cli"_s << kGeminiHeaders << false << QByteArray()
                                                  << "/droid/claude/v1/messages"_ba << false << "gemini-cli"_ba;
        QTest::newRow("genai SDK on gemini")
            << u"gemini-cli"_s << HeaderList{{"user-agent", kGenAiSdkUa}} << false << QByteArray()
            << "/gemini/v1/models/gemini-3.8-flash:generateContent"_ba << false << ""_ba;
        QTest::newRow("Droid on droid") << u"droid-cli"_s << kDroidHeaders << true << kJsonUserId
                                        << "/droid/claude/v1/messages"_ba << true << "droid-cli"_ba;
        QTest::newRow("Droid on gemini") << u"droid-cli"_s << kDroidHeaders << false << QByteArray()
                                         << "/gemini/v1beta/models"_ba << false << "droid-cli"_ba;
        QTest::newRow("other client's key")
            << u"gemini-cli"_s << claude << true << kJsonUserId << "/api/v1/messages"_ba << false << ""_ba;
        QTest::newRow("two allowed, second matches")
            << u"claude-code,codex-cli"_s << kCodexHeaders << false << QByteArray() << "/openai/v1/responses"_ba << true
            << "codex-cli"_ba;
        QTest::newRow("two allowed, none matches") << u"claude-code,codex-cli"_s << curl << false << QByteArray()
                                                   << "/openai/v1/responses"_ba << false << ""_ba;
    }
    void enforcesRestrictions()
    {
        QFETCH(QString, allowedList);
        QFETCH(HeaderList, headers);
        QFETCH(bool, messages);
        QFETCH(QByteArray, userId);
        QFETCH(QByteArray, path);
        QFETCH(bool, allowed);
        QFETCH(QByteArray, recognised);
        const rd::Result<QList<KnownClient>> list = rd::auth::parseClientList(allowedList);
        QVERIFY(list);
        const rd::auth::ClientCheck check =
            rd::auth::checkClientRestriction(*list, factsFor(headers, messages, userId), path);
        QCOMPARE(check.allowed, allowed);
        QCOMPARE(check.recognised ? rd::auth::clientId(*check.recognised).toByteArray() : QByteArray(), recognised);
    }
};

QTEST_GUILESS_MAIN(TestClientRecognition)
#include "tst_clientrecognition.moc"
