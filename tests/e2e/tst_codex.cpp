// SPDX-License-Identifier: GPL-3.0-or-later
// Codex CLI itself (`codex exec`, from the npm registry: tests/e2e/codex/package.json), configured by
// `relaydesk keys snippet --client codex`, through the relay to a ChatGPT subscription on a mock ChatGPT backend
// that is as strict as the real one (store false, streams only, chatgpt-account-id). Usage and cost are recorded.
#include "tests/support/mockupstream.h"
#include "tests/support/nodeprocess.h"
#include "tests/support/relayharness.h"
#include "tests/support/testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestCodex : public QObject
{
    Q_OBJECT
private slots:
    void codexExecAnswersThroughTheRelay()
    {
        const QString dir = rd::test::sourceDir() + u"/tests/e2e/codex"_s;
        const QString codex = dir + u"/node_modules/@openai/codex/bin/codex.js"_s;
        const QString node = QStandardPaths::findExecutable(u"node"_s);
        if (node.isEmpty() || !QFile::exists(codex)) {
            QFAIL("node or @openai/codex missing: run scripts/test.sh (it installs them from npm)");
        }
        rd::test::MockUpstream backend;
        QVERIFY(backend.listen());
        rd::test::RelayHarness relay;
        const QByteArray key = relay.addKey(u"codex"_s, true, {}, true); // the subscription's owner
        rd::test::RelayHarness::AccountOptions account;
        account.name = u"chatgpt"_s;
        account.type = u"openai-oauth"_s;
        account.baseUrl = backend.baseUrl() + u"/backend-api/codex"_s;
        account.accessToken = "chatgpt-e2e-access-token";
        account.refreshToken = "chatgpt-e2e-refresh-token";
        account.tokenExpiresAtMs = QDateTime::currentMSecsSinceEpoch() + 3'600'000;
        account.extra = u"{\"chatgpt_account_id\":\"acct-e2e-0001\"}"_s;
        const QString accountId = relay.addAccount(account);
        QVERIFY(!accountId.isEmpty());
        QVERIFY(relay.start());

        // The configuration comes from the snippet the CLI prints for this key and address.
        QProcessEnvironment cliEnv = QProcessEnvironment::systemEnvironment();
        cliEnv.insert(u"RELAYDESK_API_KEY"_s, QString::fromLatin1(key));
        const rd::test::ProcessResult snippet = rd::test::runProcess(qEnvironmentVariable("RELAYDESK_BINARY"),
                                                                     {u"keys"_s,
                                                                      u"snippet"_s,
                                                                      u"--client"_s,
                                                                      u"codex"_s,
                                                                      u"--host"_s,
                                                                      u"127.0.0.1"_s,
                                                                      u"--port"_s,
                                                                      QString::number(relay.port()),
                                                                      u"--data-dir"_s,
                                                                      relay.dataDir()},
                                                                     cliEnv,
                                                                     relay.dataDir(),
                                                                     30000);
        QVERIFY2(snippet.exitCode == 0, snippet.err.constData());
        QVERIFY(snippet.out.contains("wire_api = \"responses\""));
        QVERIFY(snippet.out.contains(
            QByteArray("base_url = \"http://127.0.0.1:" + QByteArray::number(relay.port()) + "/openai\"")));
        QVERIFY(snippet.out.contains(QByteArray("export RELAYDESK_API_KEY=\"" + key + "\"")));
        const QByteArray toml = snippet.out.left(snippet.out.indexOf("# Shell"));
        QTemporaryDir home;
        QVERIFY(QDir(home.path()).mkpath(u".codex"_s));
        QFile config(home.path() + u"/.codex/config.toml"_s);
        QVERIFY(config.open(QIODevice::WriteOnly));
        // This machine has no internet: the snippet's offline lines, uncommented.
        config.write("check_for_update_on_startup = false\n" + toml + "\n[analytics]\nenabled = false\n");
        config.close();

        QProcessEnvironment env;
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"HOME"_s, home.path());
        env.insert(u"CODEX_HOME"_s, home.path() + u"/.codex"_s);
        env.insert(u"RELAYDESK_API_KEY"_s, QString::fromLatin1(key));
        const rd::test::ProcessResult run =
            rd::test::runProcess(node,
                                 {codex, u"exec"_s, u"--skip-git-repo-check"_s, u"-m"_s, u"gpt-5.1"_s, u"Say hi"_s},
                                 env,
                                 home.path(),
                                 240000);
        QVERIFY2(run.finished && run.exitCode == 0, QByteArray(run.out + "\n" + run.err).constData());
        QVERIFY2(run.out.contains("Hello from gpt-5.1!"), QByteArray(run.out + "\n" + run.err).constData());

        // Codex's turns reached the backend with the subscription's token and account id, never the cr_ key.
        bool sawTurn = false;
        for (const auto &r : backend.requests()) {
            QVERIFY(!r.rawBody.contains(key));
            QVERIFY(!r.header("authorization").contains(key));
            if (r.target == "/backend-api/codex/responses") {
                sawTurn = true;
                QCOMPARE(r.header("authorization"), "Bearer chatgpt-e2e-access-token"_ba);
                QCOMPARE(r.header("chatgpt-account-id"), "acct-e2e-0001"_ba);
                QVERIFY(r.header("user-agent").startsWith("codex_exec/"));
                const QJsonObject body = QJsonDocument::fromJson(r.body).object();
                QCOMPARE(body.value(u"store"_s), QJsonValue(false));
                QCOMPARE(body.value(u"stream"_s), QJsonValue(true));
            }
        }
        QVERIFY(sawTurn);
        relay.flushUsage();
        const auto rows = relay.db().recentUsage(20);
        QVERIFY(rows.has_value());
        bool recorded = false;
        for (const auto &row : *rows) {
            if (row.route == u"openai.responses"_s && row.status == 200) {
                QCOMPARE(row.accountId, accountId);
                QVERIFY(row.usageSeen);
                QVERIFY(row.inputTokens + row.cacheReadTokens > 0);
                QVERIFY(row.outputTokens > 0);
                QVERIFY(row.costUsd > 0);
                QVERIFY(!row.costEstimated);
                recorded = true;
            }
        }
        QVERIFY(recorded);
    }
};

QTEST_GUILESS_MAIN(TestCodex)
#include "tst_codex.moc"
