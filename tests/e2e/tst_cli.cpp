// SPDX-License-Identifier: GPL-3.0-or-later
// The `relaydesk` binary as a user drives it: keys and accounts from the CLI, `serve` in another process, changes
// reaching the running relay without a restart, clear errors and exit codes, and no secret in argv, logs or the store.
#include "core/policy/limitcalendar.h"
#include "core/store/database.h"
#include "tests/support/mockoauthserver.h"
#include "tests/support/mockupstream.h"
#include "tests/support/nodeprocess.h"
#include "tests/support/relayclient.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using rd::test::RelayClient;

namespace {
const QByteArray kApiKey = "sk-ant-api03-cli-secret-4f2a9c";
const QByteArray kBody =
    "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(u"RELAYDESK_DATA_DIR"_s, m_dir.path());
        e.insert(u"RELAYDESK_KEY_STORE"_s, u"file"_s);
        e.remove(u"RELAYDESK_ACCOUNT_API_KEY"_s);
        return e;
    }
    rd::test::ProcessResult cli(const QStringList &args, const QByteArray &input = {})
    {
        return rd::test::runProcess(qEnvironmentVariable("RELAYDESK_BINARY"), args, env(), m_dir.path(), 30000, input);
    }

private slots:
    void usageErrorsExitWithTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("unknown command") << QStringList{u"frobnicate"_s};
        QTest::newRow("keys without verb") << QStringList{u"keys"_s};
        QTest::newRow("create without name") << QStringList{u"keys"_s, u"create"_s};
        QTest::newRow("unknown option") << QStringList{u"keys"_s, u"list"_s, u"--colour"_s};
        QTest::newRow("api key in argv is refused")
            << QStringList{u"accounts"_s, u"add-console"_s, u"--name"_s, u"a"_s, u"--api-key"_s, u"sk-ant-x"_s};
        QTest::newRow("proxy password in URL")
            << QStringList{u"accounts"_s, u"add-console"_s, u"--name"_s, u"a"_s, u"--proxy"_s, u"socks5://u:p@h:1"_s};
        QTest::newRow("bad port") << QStringList{u"serve"_s, u"--port"_s, u"70000"_s};
        QTest::newRow("bad expiry") << QStringList{
            u"keys"_s, u"create"_s, u"--name"_s, u"x"_s, u"--expires"_s, u"tomorrow"_s};
        QTest::newRow("negative limit") << QStringList{
            u"keys"_s, u"create"_s, u"--name"_s, u"x"_s, u"--daily-cost"_s, u"-1"_s};
        QTest::newRow("queue without concurrency")
            << QStringList{u"keys"_s, u"create"_s, u"--name"_s, u"x"_s, u"--queue"_s, u"3"_s};
        QTest::newRow("unknown client") << QStringList{
            u"keys"_s, u"create"_s, u"--name"_s, u"x"_s, u"--clients"_s, u"curl"_s};
        QTest::newRow("unknown rate service")
            << QStringList{u"keys"_s, u"create"_s, u"--name"_s, u"x"_s, u"--rates"_s, u"openrouter=2"_s};
        QTest::newRow("unknown setting") << QStringList{u"settings"_s, u"set"_s, u"limits.colour"_s, u"red"_s};
        QTest::newRow("bad time zone") << QStringList{u"settings"_s, u"set"_s, u"limits.time_zone"_s, u"Mars/Base"_s};
        QTest::newRow("retention too short") << QStringList{u"settings"_s, u"set"_s, u"usage.retention_days"_s, u"3"_s};
    }

    void usageCsvQuotesNamesAndDefusesFormulas()
    {
        QTemporaryDir dir;
        QProcessEnvironment e = env();
        e.insert(u"RELAYDESK_DATA_DIR"_s, dir.path());
        const auto bin = qEnvironmentVariable("RELAYDESK_BINARY");
        QCOMPARE(
            rd::test::runProcess(bin, {u"keys"_s, u"create"_s, u"--name"_s, u"=sum(a),\"x\""_s}, e, dir.path(), 30000)
                .exitCode,
            0);
        {
            auto db = rd::store::Database::open(rd::store::StoreLocation{dir.path() + u"/relaydesk.db"_s}, u"csv"_s);
            QVERIFY(db);
            const QString keyId = db->listKeys().value().first().id;
            rd::store::UsageRow row;
            row.requestId = u"req_csv"_s;
            row.timestampMs = QDateTime::currentMSecsSinceEpoch();
            row.keyId = keyId;
            row.model = u"claude-sonnet-4-5"_s;
            row.status = 200;
            row.usageSeen = true;
            row.inputTokens = 10;
            QVERIFY(db->insertUsage({row}, rd::policy::LimitCalendar()));
        }
        const auto usage =
            rd::test::runProcess(bin, {u"usage"_s, u"--by"_s, u"key"_s, u"--csv"_s}, e, dir.path(), 30000);
        QCOMPARE(usage.exitCode, 0);
        // The name as one field, quoted, with its formula defused: '=sum(a),"x" → "'=sum(a),""x"""
        QVERIFY2(usage.out.contains(",\"'=sum(a),\"\"x\"\"\",1,10,"), usage.out.constData());
    }

    void keySettingsAndRelaySettingsRoundTrip()
    {
        const rd::test::ProcessResult created = cli({u"keys"_s,
                                                     u"create"_s,
                                                     u"--name"_s,
                                                     u"limited"_s,
                                                     u"--concurrency"_s,
                                                     u"2"_s,
                                                     u"--queue"_s,
                                                     u"4"_s,
                                                     u"--queue-timeout"_s,
                                                     u"10"_s,
                                                     u"--daily-cost"_s,
                                                     u"5"_s,
                                                     u"--clients"_s,
                                                     u"claude-code,codex-cli"_s,
                                                     u"--tags"_s,
                                                     u"ci, team"_s,
                                                     u"--activate-days"_s,
                                                     u"30"_s});
        QVERIFY2(created.exitCode == 0, created.err.constData());
        QCOMPARE(cli({u"keys"_s,
                      u"set"_s,
                      u"limited"_s,
                      u"--daily-cost"_s,
                      u"0"_s,
                      u"--window-minutes"_s,
                      u"1"_s,
                      u"--window-requests"_s,
                      u"10"_s})
                     .exitCode,
                 0);
        const rd::test::ProcessResult shown = cli({u"keys"_s, u"show"_s, u"limited"_s});
        QCOMPARE(shown.exitCode, 0);
        QVERIFY2(shown.out.contains("{\"concurrency\":2,\"queue_size\":4,\"queue_timeout_ms\":10000,"
                                    "\"window_minutes\":1,\"window_requests\":10}"),
                 shown.out.constData());
        QVERIFY(shown.out.contains("claude-code,codex-cli"));
        QVERIFY(shown.out.contains("ci,team"));
        QVERIFY(shown.out.contains("30 days after the first use"));
        // A change that would leave the key inconsistent is refused and changes nothing.
        QCOMPARE(cli({u"keys"_s, u"set"_s, u"limited"_s, u"--concurrency"_s, u"0"_s}).exitCode, 2);
        QVERIFY(cli({u"keys"_s, u"show"_s, u"limited"_s}).out.contains("\"concurrency\":2"));

        QCOMPARE(cli({u"settings"_s, u"set"_s, u"limits.time_zone"_s, u"Europe/Berlin"_s}).exitCode, 0);
        QCOMPARE(cli({u"settings"_s, u"set"_s, u"pricing.service_rates"_s, u"claude=1.5"_s}).exitCode, 0);
        const rd::test::ProcessResult listed = cli({u"settings"_s, u"list"_s});
        QCOMPARE(listed.exitCode, 0);
        QVERIFY(listed.out.contains("limits.time_zone = Europe/Berlin\n"));
        QVERIFY(listed.out.contains("pricing.service_rates = {\"claude\":1.5}\n"));
        QVERIFY(listed.out.contains("usage.retention_days = 90  (default)"));
        QCOMPARE(cli({u"settings"_s, u"unset"_s, u"limits.time_zone"_s}).exitCode, 0);
        QVERIFY(cli({u"settings"_s, u"list"_s}).out.contains("limits.time_zone = \"\"  (default)"));
    }
    void usageErrorsExitWithTwo()
    {
        QFETCH(QStringList, args);
        const rd::test::ProcessResult r = cli(args, "sk-ant-x\n");
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("relaydesk: "));
        QVERIFY(r.err.contains("--help"));
    }

    void versionAndHelp()
    {
        const rd::test::ProcessResult v = cli({u"--version"_s});
        QCOMPARE(v.exitCode, 0);
        QCOMPARE(v.out.trimmed(), "relaydesk " RELAYDESK_VERSION ""_ba);
        const rd::test::ProcessResult h = cli({u"--help"_s});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("accounts add-console"));
    }

    void loginClaudeSignsASubscriptionIn()
    {
        rd::test::MockOAuthServer oauth;
        QVERIFY(oauth.listen());
        QProcessEnvironment e = env();
        e.insert(u"RELAYDESK_CLAUDE_TOKEN_URL"_s, oauth.tokenUrl());
        QProcess login;
        login.setProcessEnvironment(e);
        login.start(qEnvironmentVariable("RELAYDESK_BINARY"),
                    {u"accounts"_s, u"login-claude"_s, u"--name"_s, u"my-max"_s});
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += login.readAllStandardOutput(), out.contains("code_challenge=")), 15000);
        // The user opens the printed address, signs in, and pastes what the page shows: "<code>#<state>".
        const qsizetype start = out.indexOf("http");
        const QUrl url(QString::fromLatin1(out.mid(start, out.indexOf('\n', start) - start)));
        const QUrlQuery query(url);
        QCOMPARE(query.queryItemValue(u"code_challenge_method"_s), u"S256"_s);
        QCOMPARE(query.queryItemValue(u"client_id"_s), u"9d1c250a-e61b-44d9-88ed-5944d1962f5e"_s);
        oauth.expectChallenge("pasted-code-123", query.queryItemValue(u"code_challenge"_s).toLatin1());
        login.write("pasted-code-123#" + query.queryItemValue(u"state"_s).toLatin1() + "\n");
        login.closeWriteChannel();
        QTRY_VERIFY_WITH_TIMEOUT(login.state() == QProcess::NotRunning, 15000);
        out += login.readAllStandardOutput();
        QVERIFY2(login.exitCode() == 0, QByteArray(out + login.readAllStandardError()).constData());
        QVERIFY(out.contains("Signed in"));
        QVERIFY(out.contains("personal"));
        QCOMPARE(oauth.exchangeCount(), 1);
        const rd::test::ProcessResult listed = cli({u"accounts"_s, u"list"_s});
        QVERIFY(listed.out.contains("claude-oauth"));
        QVERIFY(!listed.out.contains("sk-ant-oat01"));
        // Sharing a personal subscription needs an explicit, warned confirmation.
        const rd::test::ProcessResult refused = cli({u"accounts"_s, u"share"_s, u"my-max"_s});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY(refused.err.contains("terms"));
        QCOMPARE(cli({u"accounts"_s, u"share"_s, u"my-max"_s, u"--i-understand"_s}).exitCode, 0);
        QCOMPARE(cli({u"accounts"_s, u"unshare"_s, u"my-max"_s}).exitCode, 0);
    }

    void cliChangesReachARunningRelay()
    {
        rd::test::MockUpstream upstream;
        QVERIFY(upstream.listen());
        const rd::test::ProcessResult created = cli({u"keys"_s, u"create"_s, u"--name"_s, u"laptop"_s});
        QCOMPARE(created.exitCode, 0);
        const QByteArray key = created.out.trimmed().split('\n').last();
        QVERIFY(QRegularExpression(u"^cr_[0-9a-f]{64}$"_s).match(QString::fromLatin1(key)).hasMatch());
        const rd::test::ProcessResult added =
            cli({u"accounts"_s, u"add-console"_s, u"--name"_s, u"mock"_s, u"--base-url"_s, upstream.baseUrl()},
                kApiKey + "\n");
        QVERIFY2(added.exitCode == 0, added.err.constData());
        QVERIFY(added.err.contains("not in the OS keychain")); // the key-file fallback is announced

        QProcess serve;
        serve.setProcessEnvironment(env());
        serve.start(qEnvironmentVariable("RELAYDESK_BINARY"), {u"serve"_s, u"--port"_s, u"0"_s});
        QByteArray log;
        QRegularExpressionMatch m;
        QTRY_VERIFY_WITH_TIMEOUT(
            (log += serve.readAllStandardError(),
             m = QRegularExpression(u"listening on 127\\.0\\.0\\.1:(\\d+)"_s).match(QString::fromLatin1(log)),
             m.hasMatch()),
            15000);
        const quint16 port = static_cast<quint16>(m.captured(1).toUInt());
        auto post = [&] {
            return RelayClient::roundTrip(
                port, RelayClient::post("/api/v1/messages", kBody, RelayClient::anthropicHeaders(key)));
        };
        QTRY_COMPARE(post().status, 200);
        QCOMPARE(upstream.requests().last().header("x-api-key"), kApiKey);

        const rd::test::ProcessResult status = cli({u"status"_s});
        QCOMPARE(status.exitCode, 0);
        QVERIFY(status.out.contains("healthy at http://127.0.0.1:"));

        QCOMPARE(cli({u"keys"_s, u"disable"_s, u"laptop"_s}).exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(post().status, 401, 2000); // within about a second, no restart
        QCOMPARE(cli({u"keys"_s, u"enable"_s, u"laptop"_s}).exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(post().status, 200, 2000);
        // An overloaded upstream: the cooldown shows in `accounts list`, and a reset ends it.
        upstream.enqueue(rd::test::MockUpstream::error(529, "overloaded_error", "Overloaded"));
        QCOMPARE(post().status, 529);
        QTRY_VERIFY_WITH_TIMEOUT(cli({u"accounts"_s, u"list"_s}).out.contains("cooling down until"), 5000);
        QCOMPARE(post().status, 429);
        QCOMPARE(cli({u"accounts"_s, u"reset"_s, u"mock"_s}).exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(post().status, 200, 2000);
        QCOMPARE(cli({u"accounts"_s, u"disable"_s, u"mock"_s}).exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(post().status, 503, 2000);
        QCOMPARE(cli({u"accounts"_s, u"delete"_s, u"nope"_s}).exitCode, 1);
        QCOMPARE(cli({u"accounts"_s, u"share"_s, u"mock"_s, u"--i-understand"_s}).exitCode, 1); // not a subscription
        QVERIFY(cli({u"keys"_s, u"list"_s}).out.contains("shared pool"));

        serve.terminate(); // SIGTERM: a clean stop
        QTRY_VERIFY_WITH_TIMEOUT(serve.state() == QProcess::NotRunning, 10000);
        QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
        log += serve.readAllStandardError();

        // The account's key is sealed: not in the database, not in any log line, not in the key listing.
        QVERIFY(!log.contains(kApiKey));
        for (const QString &name : {u"relaydesk.db"_s, u"relaydesk.db-wal"_s}) {
            QFile f(m_dir.path() + u"/"_s + name);
            if (f.open(QIODevice::ReadOnly)) {
                QVERIFY2(!f.readAll().contains(kApiKey), qPrintable(name));
            }
        }
        const rd::test::ProcessResult listed = cli({u"accounts"_s, u"list"_s});
        QVERIFY(!listed.out.contains(kApiKey));
        QVERIFY(!cli({u"keys"_s, u"list"_s}).out.contains(key));

        // `relaydesk usage`: per-key totals that add up to the per-request rows.
        const rd::test::ProcessResult usage = cli({u"usage"_s, u"--by"_s, u"key"_s, u"--since"_s, u"7d"_s, u"--csv"_s});
        QCOMPARE(usage.exitCode, 0);
        const QList<QByteArray> lines = usage.out.trimmed().split('\n');
        QVERIFY(lines.first().startsWith("key,name,requests,"));
        qint64 requests = 0;
        double cost = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> cells = lines.at(i).split(',');
            QCOMPARE(cells.size(), 10); // … cost_usd, rated_cost_usd
            requests += cells.at(2).toLongLong();
            cost += cells.at(8).toDouble();
        }
        QVERIFY(usage.out.contains(",laptop,"));
        auto db = rd::store::Database::open(rd::store::StoreLocation{m_dir.path() + u"/relaydesk.db"_s}, u"check"_s);
        QVERIFY(db.has_value());
        const auto totals = db->usageTotals();
        QCOMPARE(requests, totals->requests);
        QVERIFY(qAbs(cost - totals->costUsd) < 1e-5);
        QVERIFY(totals->costUsd > 0);
        QVERIFY(cli({u"usage"_s, u"--by"_s, u"model"_s}).out.contains("claude-haiku-4-5"));
        QCOMPARE(cli({u"usage"_s, u"--by"_s, u"colour"_s}).exitCode, 2);
        QCOMPARE(cli({u"usage"_s, u"--since"_s, u"yesterday"_s}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
