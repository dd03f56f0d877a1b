// SPDX-License-Identifier: GPL-3.0-or-later
// The official `openai` SDK (from the npm registry, tests/e2e/package.json) against the real relay: Chat Completions
// on Claude accounts (/openai/claude/v1) and on GPT models (/openai/v1, converted to Responses), the Responses API,
// tools both ways, the model list, and the error classes the SDK raises. Usage and cost are recorded for each call.
#include "tests/support/mockupstream.h"
#include "tests/support/nodeprocess.h"
#include "tests/support/relayharness.h"
#include "tests/support/testsupport.h"

#include <QFile>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;

class TestOpenAISdk : public QObject
{
    Q_OBJECT
private:
    QString m_node;
    QString m_dir;

    rd::test::ProcessResult run(rd::test::RelayHarness &relay, const QByteArray &key, const QString &scenario)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"RELAY_ORIGIN"_s, relay.baseUrl());
        env.insert(u"RELAY_KEY"_s, QString::fromLatin1(key));
        return rd::test::runProcess(m_node, {m_dir + u"/openai_sdk.mjs"_s, scenario}, env, m_dir, 120000);
    }

    static QList<rd::store::UsageRow> rows(rd::test::RelayHarness &relay)
    {
        relay.flushUsage();
        const auto r = relay.db().recentUsage(100);
        return r ? *r : QList<rd::store::UsageRow>();
    }

private slots:
    void initTestCase()
    {
        m_dir = rd::test::sourceDir() + u"/tests/e2e"_s;
        m_node = QStandardPaths::findExecutable(u"node"_s);
        if (m_node.isEmpty() || !QFile::exists(m_dir + u"/node_modules/openai/package.json"_s)) {
            QFAIL("node or the openai SDK missing: run scripts/test.sh (it installs them from npm)");
        }
    }

    void everyRouteWithTheOfficialSdk()
    {
        MockUpstream claude;
        MockUpstream openai;
        QVERIFY(claude.listen());
        QVERIFY(openai.listen());
        rd::test::RelayHarness relay;
        const QByteArray key = relay.addKey(u"openai-sdk"_s);
        rd::test::RelayHarness::AccountOptions c;
        c.baseUrl = claude.baseUrl();
        const QString claudeId = relay.addAccount(c);
        rd::test::RelayHarness::AccountOptions o;
        o.name = u"responses"_s;
        o.type = u"openai-responses"_s;
        o.baseUrl = openai.baseUrl();
        o.apiKey = "sk-proj-e2e-secret";
        const QString openaiId = relay.addAccount(o);
        QVERIFY(!claudeId.isEmpty() && !openaiId.isEmpty());
        QVERIFY(relay.start());

        // Chat on Claude, stream and not.
        auto result = run(relay, key, u"claude-chat"_s);
        QVERIFY2(result.exitCode == 0, QByteArray(result.out + result.err).constData());
        QVERIFY(result.out.contains("\"check\":\"claude-chat-stream\""));

        // A tool round trip on Claude: the mock Claude answers with a tool_use stream, then with text.
        claude.enqueue(MockUpstream::toolUseStream(
            "claude-sonnet-4-5-20250929", "get_weather", {"", "{\"city\":", "\"Paris\"}"}, 40, 12));
        claude.enqueue(MockUpstream::message("claude-sonnet-4-5-20250929", "It is sunny in Paris.", 60, 9));
        result = run(relay, key, u"claude-tools"_s);
        QVERIFY2(result.exitCode == 0, QByteArray(result.out + result.err).constData());
        // The tool result went upstream as an Anthropic tool_result block for the same tool_use id.
        const QByteArray second = claude.requests().constLast().body;
        QVERIFY2(second.contains("\"tool_result\"") && second.contains("\"tool_use\""), second.constData());

        // GPT models on the unified route (Responses upstream), tools included; then the Responses API itself.
        for (const QString &scenario : {u"gpt-chat"_s, u"responses"_s, u"models"_s}) {
            result = run(relay, key, scenario);
            QVERIFY2(result.exitCode == 0, QByteArray(scenario.toUtf8() + ": " + result.out + result.err).constData());
        }

        // Errors in OpenAI's shape: the SDK raises AuthenticationError, BadRequestError, NotFoundError.
        claude.enqueue(MockUpstream::error(400, "invalid_request_error", "prompt is too long: 300000 tokens"));
        result = run(relay, key, u"errors"_s);
        QVERIFY2(result.exitCode == 0, QByteArray(result.out + result.err).constData());

        // Upstreams saw their own credentials only.
        for (const auto &r : claude.requests()) {
            QVERIFY(!r.rawBody.contains(key) && !r.header("authorization").contains(key));
            QCOMPARE(r.header("x-api-key"), "sk-ant-api03-test-key-0000"_ba);
        }
        for (const auto &r : openai.requests()) {
            QCOMPARE(r.header("authorization"), "Bearer sk-proj-e2e-secret"_ba);
            QCOMPARE(r.target, "/v1/responses"_ba);
        }
        // Usage and cost for every model call that succeeded: 2 + 2 Claude chats, 4 GPT chats, 2 responses.
        const auto recorded = rows(relay);
        int claudeCalls = 0;
        int openaiCalls = 0;
        for (const auto &row : recorded) {
            if (row.status != 200) {
                continue;
            }
            QVERIFY2(row.usageSeen, qPrintable(row.route));
            QVERIFY2(row.costUsd > 0, qPrintable(row.route + u" "_s + row.model));
            QVERIFY(!row.costEstimated);
            claudeCalls += row.accountId == claudeId ? 1 : 0;
            openaiCalls += row.accountId == openaiId ? 1 : 0;
        }
        QCOMPARE(claudeCalls, 4);
        QCOMPARE(openaiCalls, 6);
    }
};

QTEST_GUILESS_MAIN(TestOpenAISdk)
#include "tst_openaisdk.moc"
