// SPDX-License-Identifier: GPL-3.0-or-later
// The official @anthropic-ai/sdk (from the npm registry, tests/e2e/package.json) against the real relay.
#include "core/store/storewriter.h"
#include "tests/support/mockupstream.h"
#include "tests/support/nodeprocess.h"
#include "tests/support/relayharness.h"
#include "tests/support/testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;

class TestAnthropicSdk : public QObject
{
    Q_OBJECT
private slots:
    void officialSdkWorksThroughTheRelay()
    {
        const QString e2eDir = rd::test::sourceDir() + u"/tests/e2e"_s;
        const QString node = QStandardPaths::findExecutable(u"node"_s);
        if (node.isEmpty() || !QFile::exists(e2eDir + u"/node_modules/@anthropic-ai/sdk/package.json"_s)) {
            QFAIL("node or @anthropic-ai/sdk missing: run scripts/test.sh (it installs them from npm)");
        }
        rd::test::MockUpstream upstream;
        QVERIFY(upstream.listen());
        rd::test::RelayHarness relay;
        const QByteArray key = relay.addKey(u"sdk"_s);
        rd::test::RelayHarness::AccountOptions account;
        account.baseUrl = upstream.baseUrl();
        account.apiKey = "sk-ant-api03-e2e-secret-value";
        QVERIFY(!relay.addAccount(account).isEmpty());
        QVERIFY(relay.start());

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"RELAY_URL"_s, relay.baseUrl() + u"/api"_s);
        env.insert(u"RELAY_KEY"_s, QString::fromLatin1(key));
        const rd::test::ProcessResult run =
            rd::test::runProcess(node, {e2eDir + u"/anthropic_sdk.mjs"_s}, env, e2eDir, 120000);
        QVERIFY2(run.finished && run.exitCode == 0, QByteArray(run.out + run.err).constData());
        for (const char *check : {"non-stream", "stream", "count_tokens", "models", "bad-key", "bad-request"}) {
            QVERIFY2(run.out.contains(QByteArray("\"check\":\"" + QByteArray(check) + "\"")), check);
        }

        // What reached the upstream: the account's key, never the client's; the SDK's version header.
        const auto requests = upstream.requests();
        QVERIFY(requests.size() >= 4);
        for (const auto &r : requests) {
            QCOMPARE(r.header("x-api-key"), "sk-ant-api03-e2e-secret-value"_ba);
            QVERIFY(!r.header("authorization").contains(key));
            QVERIFY(!r.header("anthropic-version").isEmpty());
        }
        // Usage recorded for the two model calls (count_tokens and models record none).
        QTRY_COMPARE_WITH_TIMEOUT(relay.service()->status().requestsRecorded, qint64(2), 10000);
        relay.flushUsage();
        auto rows = relay.db().recentUsage(10);
        QVERIFY(rows.has_value());
        QCOMPARE(rows->size(), 2);
        for (const auto &row : *rows) {
            QCOMPARE(row.status, 200);
            QVERIFY(row.usageSeen);
            QVERIFY(row.inputTokens > 0);
            QVERIFY(row.outputTokens > 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestAnthropicSdk)
#include "tst_anthropicsdk.moc"
