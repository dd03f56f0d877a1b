// SPDX-License-Identifier: GPL-3.0-or-later
// Statistics through the real relay: after a thousand requests, some of them streams the client abandoned, the hour,
// day and month rollups equal the request rows, the key holder's stats agree, and the live window counted them all.
#include "core/usage/livewindow.h"
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

namespace {
constexpr auto kSonnet = "claude-sonnet-4-5-20250929";
constexpr auto kHaiku = "claude-haiku-4-5-20251001";

QByteArray body(const char *model, bool stream)
{
    return "{\"model\":\"" + QByteArray(model) + "\",\"max_tokens\":16" + (stream ? ",\"stream\":true" : "")
           + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
}

struct Sums
{
    qint64 requests = 0;
    qint64 input = 0;
    qint64 output = 0;
    double cost = 0;
    bool operator==(const Sums &o) const
    {
        return requests == o.requests && input == o.input && output == o.output && qAbs(cost - o.cost) < 1e-9;
    }
};
char *toString(const Sums &s)
{
    return qstrdup(QByteArray("requests " + QByteArray::number(s.requests) + " input " + QByteArray::number(s.input)
                              + " output " + QByteArray::number(s.output) + " cost "
                              + QByteArray::number(s.cost, 'f', 9))
                       .constData());
}
} // namespace

class TestStatistics : public QObject
{
    Q_OBJECT
private slots:
    void rollupsMatchTheRequestRows()
    {
        MockUpstream mock;
        QVERIFY(mock.listen());
        rd::test::RelayHarness relay;
        rd::test::RelayHarness::AccountOptions account;
        account.baseUrl = mock.baseUrl();
        QVERIFY(!relay.addAccount(account).isEmpty());
        QList<QByteArray> keys{relay.addKey(u"a"_s), relay.addKey(u"b"_s), relay.addKey(u"c"_s)};
        QVERIFY(relay.start());

        constexpr int kRequests = 1000;
        int aborted = 0;
        QList<RelayClient *> clients;
        for (const QByteArray &key : keys) {
            auto *c = new RelayClient;
            QVERIFY(c->connectTo(relay.port()));
            clients << c;
            Q_UNUSED(key);
        }
        for (int i = 0; i < kRequests; ++i) {
            const int k = i % 3;
            const char *model = i % 5 == 0 ? kHaiku : kSonnet;
            if (i % 50 == 7) {
                // A stream the client abandons after its first event: what was seen is still recorded.
                mock.enqueue(MockUpstream::stream(model, {"a", "b", "c", "d"}, 40 + i % 7, 9, 300));
                RelayClient quitter;
                QVERIFY(quitter.connectTo(relay.port()));
                quitter.send(RelayClient::post(
                    "/api/v1/messages", body(model, true), RelayClient::anthropicHeaders(keys.at(k))));
                const auto partial = quitter.readResponse(5000, "message_start");
                QCOMPARE(partial.status, 200);
                quitter.abort();
                ++aborted;
                continue;
            }
            mock.enqueue(MockUpstream::message(model, "ok", 10 + i % 13, 3 + i % 11, i % 4 == 0 ? 100 : 0));
            clients.at(k)->send(
                RelayClient::post("/api/v1/messages", body(model, false), RelayClient::anthropicHeaders(keys.at(k))));
            QCOMPARE(clients.at(k)->readResponse(5000).status, 200);
        }
        qDeleteAll(clients);
        QVERIFY(aborted >= 20);
        QTRY_COMPARE_WITH_TIMEOUT(relay.service()->status().requestsRecorded, qint64(kRequests), 20000);
        relay.flushUsage();

        auto &db = relay.db();
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(u"SELECT COUNT(*), SUM(aborted) FROM usage_requests"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), kRequests);
        QCOMPARE(q.value(1).toInt(), aborted);
        // Per key × model, the rows and each granularity of rollups agree.
        QHash<QString, Sums> rows;
        QVERIFY(q.exec(u"SELECT key_id || '|' || model, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cost_usd) "
                       "FROM usage_requests GROUP BY 1"_s));
        while (q.next()) {
            rows.insert(
                q.value(0).toString(),
                Sums{q.value(1).toLongLong(), q.value(2).toLongLong(), q.value(3).toLongLong(), q.value(4).toDouble()});
        }
        QCOMPARE(rows.size(), 6); // 3 keys × 2 models
        for (const QString &granularity : {u"hour"_s, u"day"_s, u"month"_s}) {
            auto points =
                db.rollupSeries(granularity, u"key-model"_s, 0, QDateTime::currentMSecsSinceEpoch() + 1, QString());
            QVERIFY(points);
            QHash<QString, Sums> rolled;
            for (const rd::store::RollupPoint &p : std::as_const(*points)) {
                Sums &s = rolled[p.group];
                s.requests += p.totals.requests;
                s.input += p.totals.inputTokens;
                s.output += p.totals.outputTokens;
                s.cost += p.totals.costUsd;
            }
            QCOMPARE(rolled.keys().size(), rows.size());
            for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
                QCOMPARE(rolled.value(it.key()), it.value());
            }
        }
        // The key holder's own statistics agree with the rows of that key.
        const auto stats = RelayClient::roundTrip(
            relay.port(),
            RelayClient::get("/api/v1/key-stats?granularity=day&days=2", RelayClient::anthropicHeaders(keys.at(0))));
        QCOMPARE(stats.status, 200);
        const QJsonObject totals = QJsonDocument::fromJson(stats.body).object()[u"totals"_s].toObject();
        QVERIFY(q.exec(u"SELECT COUNT(*), SUM(input_tokens) FROM usage_requests WHERE key_id = 'key_test2'"_s)
                && q.next());
        QCOMPARE(totals[u"requests"_s].toInt(), q.value(0).toInt());
        QCOMPARE(totals[u"input_tokens"_s].toInt(), q.value(1).toInt());
        // The live window saw every request, and its latency percentiles are real numbers.
        const rd::usage::LivePoint live = relay.service()->liveWindow()->total(QDateTime::currentMSecsSinceEpoch(), 60);
        QCOMPARE(live.requests, qint64(kRequests));
        QVERIFY(live.p50LatencyMs >= 0 && live.p99LatencyMs >= live.p50LatencyMs);
    }
};

QTEST_GUILESS_MAIN(TestStatistics)
#include "tst_statistics.moc"
