// SPDX-License-Identifier: GPL-3.0-or-later
// Claude Code itself (`claude -p`, from the npm registry: tests/e2e/claude-code/package.json) through the relay.
#include "tests/support/mockupstream.h"
#include "tests/support/nodeprocess.h"
#include "tests/support/relayharness.h"
#include "tests/support/testsupport.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestClaudeCode : public QObject
{
    Q_OBJECT
private slots:
    void claudePrintModeAnswersThroughTheRelay()
    {
        const QString dir = rd::test::sourceDir() + u"/tests/e2e/claude-code"_s;
        const QString wrapper = dir + u"/node_modules/@anthropic-ai/claude-code/cli-wrapper.cjs"_s;
        const QString node = QStandardPaths::findExecutable(u"node"_s);
        if (node.isEmpty() || !QFile::exists(wrapper)) {
            QFAIL("node or @anthropic-ai/claude-code missing: run scripts/test.sh (it installs them from npm)");
        }
        rd::test::MockUpstream upstream;
        QVERIFY(upstream.listen());
        rd::test::RelayHarness relay;
        const QByteArray key = relay.addKey(u"claude-code"_s);
        rd::test::RelayHarness::AccountOptions account;
        account.baseUrl = upstream.baseUrl();
        QVERIFY(!relay.addAccount(account).isEmpty());
        QVERIFY(relay.start());

        QTemporaryDir home;
        QProcessEnvironment env;
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"HOME"_s, home.path());
        env.insert(u"ANTHROPIC_BASE_URL"_s, relay.baseUrl() + u"/api"_s);
        env.insert(u"ANTHROPIC_AUTH_TOKEN"_s, QString::fromLatin1(key));
        env.insert(u"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"_s, u"1"_s);
        env.insert(u"DISABLE_AUTOUPDATER"_s, u"1"_s);
        const rd::test::ProcessResult run =
            rd::test::runProcess(node, {wrapper, u"-p"_s, u"Say hi"_s}, env, home.path(), 180000);
        QVERIFY2(run.finished && run.exitCode == 0, QByteArray(run.out + "\n" + run.err).constData());
        QVERIFY2(run.out.contains("Hello!"), run.out.constData()); // the mock's answer, streamed through the relay

        // Claude Code's own calls reached the upstream with the account's key, never the cr_ key.
        QVERIFY(upstream.requestCount() >= 1);
        bool sawStreamingTurn = false;
        for (const auto &r : upstream.requests()) {
            QVERIFY(!r.header("authorization").contains(key));
            QVERIFY(!r.header("x-api-key").contains(key));
            if (r.target.startsWith("/v1/messages") && r.body.contains("\"stream\":true")) {
                sawStreamingTurn = true;
                QVERIFY(r.header("user-agent").startsWith("claude-cli/"));
            }
        }
        QVERIFY(sawStreamingTurn);
        QTRY_VERIFY_WITH_TIMEOUT(relay.service()->status().requestsRecorded >= 1, 10000);
    }
};

QTEST_GUILESS_MAIN(TestClaudeCode)
#include "tst_claudecode.moc"
