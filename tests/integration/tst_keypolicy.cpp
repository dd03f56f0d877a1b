// SPDX-License-Identifier: GPL-3.0-or-later
// Key settings and limits on the real relay (PROTOCOLS.md §7.6): client restriction, activation, the concurrency queue,
// the rate window, cost limits that survive a restart, model-list filtering, rated cost, key-info and key-stats.
// Time is a ManualClock the test moves; the queue timeout is real time (it is a timer on the worker).
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"
#include "tests/support/testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;
using rd::test::RelayClient;

namespace {
constexpr auto kModel = "claude-sonnet-4-5-20250929";

QByteArray messagesBody(const QByteArray &model = kModel, const QByteArray &userId = {})
{
    const QByteArray metadata =
        userId.isEmpty() ? QByteArray() : ",\"metadata\":{\"user_id\":" + MockUpstream::jsonString(userId) + '}';
    return "{\"model\":\"" + model + "\",\"max_tokens\":16" + metadata
           + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
}

QJsonObject json(const RelayClient::Response &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

// 2026-11-25 10:00 UTC, a Wednesday.
constexpr qint64 kStart = 1'795'600'800'000;
} // namespace

class TestKeyPolicy : public QObject
{
    Q_OBJECT
private:
    rd::test::RelayHarness *m_relay = nullptr;
    MockUpstream *m_mock = nullptr;
    rd::test::ManualClock m_clock{kStart};

    QByteArray addKey(rd::store::ApiKeyRecord record, QString *id = nullptr)
    {
        if (record.name.isEmpty()) {
            record.name = u"key%1"_s.arg(qrand());
        }
        return m_relay->addKey(record, id);
    }
    static int qrand() // names only need to differ
    {
        static int n = 0;
        return ++n;
    }
    RelayClient::Response call(const QByteArray &key,
                               const QByteArray &body = messagesBody(),
                               const QByteArray &path = "/api/v1/messages",
                               rd::http::HeaderList headers = {})
    {
        if (headers.isEmpty()) {
            headers = RelayClient::anthropicHeaders(key);
        }
        return RelayClient::roundTrip(m_relay->port(), RelayClient::post(path, body, headers));
    }
    RelayClient::Response get(const QByteArray &key, const QByteArray &path)
    {
        return RelayClient::roundTrip(m_relay->port(), RelayClient::get(path, RelayClient::anthropicHeaders(key)));
    }
    void startRelay()
    {
        m_relay->config().clock = m_clock.clock();
        QVERIFY(m_relay->db().setSetting(u"limits.time_zone"_s, u"UTC"_s));
        QVERIFY(m_relay->start());
    }

private slots:
    void init()
    {
        m_clock.set(kStart);
        m_mock = new MockUpstream;
        QVERIFY(m_mock->listen());
        m_relay = new rd::test::RelayHarness;
        rd::test::RelayHarness::AccountOptions a;
        a.baseUrl = m_mock->baseUrl();
        QVERIFY(!m_relay->addAccount(a).isEmpty());
    }
    void cleanup()
    {
        delete std::exchange(m_relay, nullptr);
        delete std::exchange(m_mock, nullptr);
    }

    void clientRestrictionAdmitsOnlyTheNamedClient()
    {
        rd::store::ApiKeyRecord r;
        r.allowedClients = u"claude-code"_s;
        const QByteArray key = addKey(r);
        startRelay();

        // The official SDK is not Claude Code: 403 in the Anthropic dialect, nothing sent upstream.
        const auto sdk = call(key);
        QCOMPARE(sdk.status, 403);
        const QJsonObject refused = json(sdk);
        QCOMPARE(refused[u"error"_s][u"type"_s].toString(), u"permission_error"_s);
        QCOMPARE(refused[u"error"_s][u"code"_s].toString(), u"client_not_allowed"_s);
        QCOMPARE(refused[u"allowedClients"_s].toArray().first().toString(), u"claude-code"_s);
        QCOMPARE(m_mock->requestCount(), 0);

        // Claude Code as recorded (§6.1): UA, x-app, the claude-code beta and a valid metadata.user_id.
        rd::http::HeaderList cc = RelayClient::anthropicHeaders(key);
        cc.removeIf([](const rd::http::Header &h) { return h.first.compare("user-agent", Qt::CaseInsensitive) == 0; });
        cc.append(rd::http::Header{"user-agent"_ba, "claude-cli/2.1.332 (external, sdk-cli)"_ba});
        cc.append(rd::http::Header{"x-app"_ba, "cli"_ba});
        cc.append(rd::http::Header{"anthropic-beta"_ba, "claude-code-20250219,interleaved-thinking-2025-05-14"_ba});
        const QByteArray userId = "{\"device_id\":\"" + QByteArray(64, 'a')
                                  + "\",\"account_uuid\":\"\",\"session_id\":\"3f2b7c1e-8a4d-4e2f-9b1a-0c5d6e7f8a9b\"}";
        QCOMPARE(call(key, messagesBody(kModel, userId), "/api/v1/messages", cc).status, 200);
        // The same headers without user_id are not Claude Code on /messages.
        QCOMPARE(call(key, messagesBody(), "/api/v1/messages", cc).status, 403);
        // count_tokens is exempt from the client restriction (§7.7).
        QCOMPARE(call(key, messagesBody(), "/api/v1/messages/count_tokens").status, 200);
    }

    void activationStartsAtTheFirstUse()
    {
        rd::store::ApiKeyRecord r;
        r.activationDays = 2;
        QString id;
        const QByteArray key = addKey(r, &id);
        startRelay();
        m_clock.advance(86'400'000); // unused for a day: the clock has not started
        QCOMPARE(call(key).status, 200);
        const qint64 firstUse = m_clock.now();
        m_relay->flushUsage();
        const auto stored = m_relay->db().findKey(id).value();
        QCOMPARE(stored->activatedAtMs, firstUse);
        QCOMPARE(stored->expiresAtMs, firstUse + 2 * 86'400'000);
        QVERIFY(m_relay->waitForRevision());
        m_clock.set(firstUse + 2 * 86'400'000 - 1);
        QCOMPARE(call(key).status, 200);
        m_clock.set(firstUse + 2 * 86'400'000);
        const auto expired = call(key);
        QCOMPARE(expired.status, 401);
        QCOMPARE(json(expired)[u"error"_s][u"type"_s].toString(), u"authentication_error"_s);
        QVERIFY(expired.body.contains("expired"));
        QVERIFY(m_relay->restart()); // the stored expiry holds after a restart
        QCOMPARE(call(key).status, 401);
    }

    void queueWaitsTimesOutAndOverflows()
    {
        rd::store::ApiKeyRecord r;
        r.limits = u"{\"concurrency\":1,\"queue_size\":1,\"queue_timeout_ms\":300}"_s;
        const QByteArray key = addKey(r);
        startRelay();
        rd::test::MockReply slow = MockUpstream::message(kModel, "slow");
        slow.headerDelayMs = 1500;
        m_mock->enqueue(slow);
        const QByteArray request =
            RelayClient::post("/api/v1/messages", messagesBody(), RelayClient::anthropicHeaders(key));
        RelayClient first;
        QVERIFY(first.connectTo(m_relay->port()));
        first.send(request);
        QTRY_COMPARE(m_mock->requestCount(), 1);
        RelayClient waiting;
        QVERIFY(waiting.connectTo(m_relay->port()));
        waiting.send(request);
        QTest::qWait(50); // let it reach the queue
        const auto overflow = RelayClient::roundTrip(m_relay->port(), request);
        QCOMPARE(overflow.status, 429);
        QCOMPARE(overflow.header("retry-after"), "1"_ba);
        QVERIFY2(overflow.body.contains("queue full"), overflow.body.constData());
        const auto timedOut = waiting.readResponse(5000);
        QCOMPARE(timedOut.status, 429);
        QCOMPARE(json(timedOut)[u"error"_s][u"type"_s].toString(), u"rate_limit_error"_s);
        QVERIFY2(timedOut.body.contains("Queue timeout"), timedOut.body.constData());
        QCOMPARE(first.readResponse(5000).status, 200);
        QCOMPARE(m_mock->requestCount(), 1); // neither refused request went upstream
        const QJsonObject info = json(get(key, "/api/v1/key-info"));
        QCOMPARE(info[u"limits"_s][u"concurrency"_s][u"in_flight"_s].toInt(), 0);
        QCOMPARE(info[u"limits"_s][u"concurrency"_s][u"waiting"_s].toInt(), 0);
    }

    void queuedRequestGetsTheSlotWhenItFrees()
    {
        rd::store::ApiKeyRecord r;
        r.limits = u"{\"concurrency\":1,\"queue_size\":2,\"queue_timeout_ms\":10000}"_s;
        const QByteArray key = addKey(r);
        startRelay();
        rd::test::MockReply slow = MockUpstream::message(kModel, "first");
        slow.headerDelayMs = 400;
        m_mock->enqueue(slow);
        const QByteArray request =
            RelayClient::post("/api/v1/messages", messagesBody(), RelayClient::anthropicHeaders(key));
        RelayClient a;
        RelayClient b;
        QVERIFY(a.connectTo(m_relay->port()));
        QVERIFY(b.connectTo(m_relay->port()));
        a.send(request);
        QTRY_COMPARE(m_mock->requestCount(), 1);
        b.send(request);
        QTest::qWait(150);
        QCOMPARE(m_mock->requestCount(), 1); // b waits for a's slot
        QCOMPARE(a.readResponse(5000).status, 200);
        QCOMPARE(b.readResponse(5000).status, 200);
        QCOMPARE(m_mock->requestCount(), 2);
    }

    void rateWindowAnswers429WithRetryAfter()
    {
        rd::store::ApiKeyRecord r;
        r.limits = u"{\"window_minutes\":1,\"window_requests\":2}"_s;
        const QByteArray key = addKey(r);
        startRelay();
        QCOMPARE(call(key).status, 200);
        m_clock.advance(20'000);
        QCOMPARE(call(key).status, 200);
        const auto limited = call(key);
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.header("retry-after"), "40"_ba);
        QCOMPARE(json(limited)[u"currentRequests"_s].toInt(), 2);
        QCOMPARE(json(limited)[u"requestLimit"_s].toInt(), 2);
        // count_tokens counts in the window too (the issue: "exempt from concurrency … but still counted").
        QCOMPARE(call(key, messagesBody(), "/api/v1/messages/count_tokens").status, 429);
        m_clock.advance(40'000);
        QCOMPARE(call(key).status, 200);
    }

    void dailyCostLimitHoldsAcrossARestartAndResetsAtMidnight()
    {
        rd::store::ApiKeyRecord r;
        r.limits = u"{\"daily_cost_usd\":0.002}"_s;
        const QByteArray key = addKey(r);
        startRelay();
        // claude-sonnet-4-5: 100 input × $3/M + 100 output × $15/M = $0.0018 per answer.
        m_mock->enqueue(MockUpstream::message(kModel, "one", 100, 100));
        m_mock->enqueue(MockUpstream::message(kModel, "two", 100, 100));
        QCOMPARE(call(key).status, 200); // $0.0018 < $0.002
        QCOMPARE(call(key).status, 200); // crosses the limit and completes: $0.0036
        const auto spent = call(key);
        QCOMPARE(spent.status, 402);
        const QJsonObject body = json(spent);
        QCOMPARE(body[u"error"_s][u"type"_s].toString(), u"billing_error"_s);
        QCOMPARE(body[u"error"_s][u"code"_s].toString(), u"daily_cost_limit_exceeded"_s);
        QCOMPARE(body[u"costLimit"_s].toDouble(), 0.002);
        QVERIFY(qAbs(body[u"currentCost"_s].toDouble() - 0.0036) < 1e-12);
        QCOMPARE(body[u"resetAt"_s].toString(), u"2026-11-26T00:00:00Z"_s);
        QCOMPARE(m_mock->requestCount(), 2);

        QVERIFY(m_relay->restart()); // the counter comes back from the stored rows
        QCOMPARE(call(key).status, 402);
        m_clock.set(QDateTime(QDate(2026, 11, 26), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(call(key).status, 200);
    }

    void modelListsFilterTheModelsRoutes()
    {
        rd::store::ApiKeyRecord r;
        r.deniedModels = u"claude-opus-4-1-20250805"_s;
        const QByteArray key = addKey(r);
        startRelay();
        const auto list = get(key, "/api/v1/models");
        QCOMPARE(list.status, 200);
        QStringList ids;
        for (const QJsonValue &m : json(list)[u"data"_s].toArray()) {
            ids << m[u"id"_s].toString();
        }
        QCOMPARE(ids, (QStringList{u"claude-sonnet-4-5-20250929"_s, u"claude-haiku-4-5-20251001"_s}));
        QCOMPARE(json(list)[u"last_id"_s].toString(), u"claude-haiku-4-5-20251001"_s);
        QCOMPARE(list.header("content-length").toInt(), list.body.size());
        QCOMPARE(get(key, "/api/v1/models/claude-opus-4-1-20250805").status, 404);
        QCOMPARE(get(key, "/api/v1/models/claude-haiku-4-5-20251001").status, 200);
        QCOMPARE(call(key, messagesBody("claude-opus-4-1-20250805")).status, 403);
    }

    void ratedCostUsesGlobalAndKeyRates()
    {
        QVERIFY(m_relay->db().setSetting(u"pricing.service_rates"_s, u"{\"claude\":1.5}"_s));
        rd::store::ApiKeyRecord r;
        r.serviceRates = u"{\"claude\":2}"_s;
        const QByteArray key = addKey(r);
        startRelay();
        m_mock->enqueue(MockUpstream::message(kModel, "hi", 1000, 500));
        QCOMPARE(call(key).status, 200);
        m_relay->flushUsage();
        const auto rows = m_relay->db().recentUsage(1).value();
        QCOMPARE(rows.size(), 1);
        // 1,000 × $3/M + 500 × $15/M = $0.0105; rated × 1.5 × 2 = $0.0315
        QVERIFY(qAbs(rows.first().costUsd - 0.0105) < 1e-12);
        QVERIFY(qAbs(rows.first().ratedCostUsd - 0.0315) < 1e-12);
    }

    void keyInfoAndStatsShowTheKeysOwnFigures()
    {
        rd::store::ApiKeyRecord r;
        r.description = u"for the CI"_s;
        r.tags = u"ci,team-a"_s;
        r.limits =
            u"{\"daily_cost_usd\":5,\"weekly_family\":\"opus\",\"weekly_family_cost_usd\":2,\"concurrency\":3}"_s;
        const QByteArray key = addKey(r);
        startRelay();
        for (int i = 0; i < 3; ++i) {
            m_mock->enqueue(MockUpstream::message(kModel, "hi", 100, 100));
            QCOMPARE(call(key).status, 200);
        }
        const QJsonObject info = json(get(key, "/api/v1/key-info"));
        QCOMPARE(info[u"description"_s].toString(), u"for the CI"_s);
        QCOMPARE(info[u"tags"_s].toArray().size(), 2);
        const QJsonObject daily = info[u"limits"_s][u"daily_cost_usd"_s].toObject();
        QCOMPARE(daily[u"limit"_s].toDouble(), 5.0);
        QVERIFY(qAbs(daily[u"used"_s].toDouble() - 0.0054) < 1e-12);
        QCOMPARE(daily[u"resets_at"_s].toString(), u"2026-11-26T00:00:00.000Z"_s);
        QCOMPARE(info[u"limits"_s][u"weekly_family_cost_usd"_s][u"family"_s].toString(), u"opus"_s);
        QCOMPARE(info[u"limits"_s][u"concurrency"_s][u"limit"_s].toInt(), 3);

        m_relay->flushUsage();
        const auto stats = get(key, "/api/v1/key-stats?granularity=hour&days=1");
        QCOMPARE(stats.status, 200);
        const QJsonObject s = json(stats);
        QCOMPARE(s[u"totals"_s][u"requests"_s].toInt(), 3);
        QCOMPARE(s[u"totals"_s][u"input_tokens"_s].toInt(), 300);
        QCOMPARE(s[u"models"_s].toArray().first()[u"model"_s].toString(), QString::fromLatin1(kModel));
        QCOMPARE(s[u"series"_s].toArray().size(), 1);
        QCOMPARE(get(key, "/api/v1/key-stats?granularity=year").status, 400);
    }
    void fastModeIsPricedOnlyWhenAskedForBothWays()
    {
        const QByteArray key = addKey(rd::store::ApiKeyRecord());
        startRelay();
        // claude-opus-4-6: $5 / $25 per M, fast mode × 6. 1,000 input + 1,000 output = $0.03, fast $0.18.
        const QByteArray fastBody = "{\"model\":\"claude-opus-4-6\",\"max_tokens\":16,\"speed\":\"fast\","
                                    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        rd::http::HeaderList withBeta = RelayClient::anthropicHeaders(key);
        withBeta.append(rd::http::Header{"anthropic-beta"_ba, "fast-mode-2026-02-01"_ba});
        m_mock->enqueue(MockUpstream::message("claude-opus-4-6", "a", 1000, 1000));
        QCOMPARE(call(key, fastBody, "/api/v1/messages", withBeta).status, 200);
        m_mock->enqueue(MockUpstream::message("claude-opus-4-6", "b", 1000, 1000));
        QCOMPARE(call(key, fastBody).status, 200); // "speed" without the beta: normal prices
        m_relay->flushUsage();
        const auto rows = m_relay->db().recentUsage(2).value();
        QCOMPARE(rows.size(), 2);
        QVERIFY(qAbs(rows.at(1).costUsd - 0.18) < 1e-12);
        QVERIFY(qAbs(rows.at(0).costUsd - 0.03) < 1e-12);
    }

    void priceTableRefreshesFromAUrl()
    {
        // A LiteLLM-format table with a distinctive price for the model the mock answers with.
        QJsonObject table;
        for (int i = 0; i < 12; ++i) {
            table.insert(u"filler-model-%1"_s.arg(i),
                         QJsonObject{{u"input_cost_per_token"_s, 1e-6}, {u"output_cost_per_token"_s, 1e-6}});
        }
        table.insert(QString::fromLatin1(kModel),
                     QJsonObject{{u"input_cost_per_token"_s, 1e-5},
                                 {u"output_cost_per_token"_s, 2e-5},
                                 {u"litellm_provider"_s, u"anthropic"_s}});
        rd::test::MockReply prices;
        prices.body = QJsonDocument(table).toJson(QJsonDocument::Compact);
        m_mock->enqueue(prices); // the first request the mock sees is the download
        QVERIFY(m_relay->db().setSetting(u"pricing.table_url"_s, m_mock->baseUrl() + u"/prices.json"_s));
        const QByteArray key = addKey(rd::store::ApiKeyRecord());
        startRelay();
        QTRY_COMPARE(m_mock->requestCount(), 1);
        QCOMPARE(m_mock->requests().first().target, "/prices.json"_ba);
        QTRY_VERIFY(QFile::exists(m_relay->dataDir() + u"/price-table.json"_s));
        m_mock->enqueue(MockUpstream::message(kModel, "hi", 1000, 1000));
        QCOMPARE(call(key).status, 200);
        m_relay->flushUsage();
        // 1,000 × $10/M + 1,000 × $20/M = $0.03 (the built-in price would give $0.018)
        QVERIFY(qAbs(m_relay->db().recentUsage(1).value().first().costUsd - 0.03) < 1e-12);
    }
};

QTEST_GUILESS_MAIN(TestKeyPolicy)
#include "tst_keypolicy.moc"
