// SPDX-License-Identifier: GPL-3.0-or-later
// Key limits (PROTOCOLS.md §7.6, §7.7) as the official @anthropic-ai/sdk sees them under concurrent load: each kind
// of limit on its own key, against one relay; each refusal surfaces as the SDK's expected error class; and the
// recorded usage (per-request rows, `relaydesk usage`) adds up to a hand computation of the costs (§7.9).
#include "tests/support/mockupstream.h"
#include "tests/support/nodeprocess.h"
#include "tests/support/relayharness.h"
#include "tests/support/testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using rd::test::MockUpstream;

namespace {

constexpr auto kSonnet = "claude-sonnet-4-5-20250929";
constexpr auto kOpus = "claude-opus-4-1-20250805";
constexpr qint64 kDayMs = 86'400'000;

// Prices (resources/pricing/model_prices.json, USD per token; PROTOCOLS.md §7.9):
//   claude-sonnet-4-5: input 3e-6, output 15e-6, 5m cache write 3.75e-6, cache read 0.3e-6
//   claude-opus-4-1:   input 15e-6, output 75e-6
// The mock's default answer (MockUpstream::message defaults): 12 input, 6 output tokens.
//   Sonnet: 12 × 3e-6 + 6 × 15e-6 = 0.000036 + 0.000090 = 0.000126
constexpr double kDefaultSonnetCost = 0.000126;
// The cost-limit answers: 1,000 input + 1,000 output tokens of Sonnet.
//   1000 × 3e-6 + 1000 × 15e-6 = 0.003 + 0.015 = 0.018 (above the 0.01 limits below)
constexpr int kBigInput = 1000;
constexpr int kBigOutput = 1000;
constexpr double kBigSonnetCost = 0.018;
constexpr double kCostLimit = 0.01;
// The Opus answer: 1,000 input + 200 output tokens. 1000 × 15e-6 + 200 × 75e-6 = 0.015 + 0.015 = 0.030 (limit 0.02)
constexpr int kOpusInput = 1000;
constexpr int kOpusOutput = 200;
constexpr double kOpusCost = 0.030;
constexpr double kOpusLimit = 0.02;
// The rated answers: 1,000 input, 500 output, 2,000 cache reads, 400 5-minute cache writes of Sonnet.
//   1000 × 3e-6 + 400 × 3.75e-6 + 2000 × 0.3e-6 + 500 × 15e-6 = 0.003 + 0.0015 + 0.0006 + 0.0075 = 0.0126
//   rated with the key's claude rate 2 (global rate 1): 0.0252
constexpr int kRatedInput = 1000;
constexpr int kRatedOutput = 500;
constexpr int kRatedCacheRead = 2000;
constexpr int kRatedCache5m = 400;
constexpr double kRatedCost = 0.0126;
constexpr double kRatedFactor = 2.0;

struct Expected
{
    qint64 requests = 0;
    double costUsd = 0;
    double ratedCostUsd = 0;
};

struct ScenarioKey
{
    QByteArray plaintext;
    QString id;
};

struct Run
{
    rd::test::ProcessResult process;
    QHash<QString, QJsonObject> checks; // by "check"
    bool succeeded() const { return process.finished && process.exitCode == 0; }
    QByteArray log() const { return process.err + process.out; } // the reason first: QVERIFY2 cuts long text
};

bool isMessagesCall(const rd::test::RecordedRequest &r)
{
    const qsizetype query = r.target.indexOf('?');
    return r.method == "POST" && (query < 0 ? r.target : r.target.left(query)).endsWith("/v1/messages");
}

rd::test::MockReply delayed(rd::test::MockReply reply, int ms)
{
    reply.headerDelayMs = ms;
    return reply;
}

} // namespace

class TestSdkLimits : public QObject
{
    Q_OBJECT

private:
    QString m_node;
    QString m_e2eDir;
    std::unique_ptr<MockUpstream> m_upstream;
    std::unique_ptr<rd::test::RelayHarness> m_relay;
    QHash<QString, ScenarioKey> m_keys;  // by scenario
    QHash<QString, Expected> m_expected; // by key id: the hand computation, filled in as scenarios pass
    int m_upstreamInFlight = 0;
    int m_upstreamMaxInFlight = 0;

    void addKey(const QString &scenario, const QString &limits, rd::store::ApiKeyRecord record = {})
    {
        record.name = u"sdk-"_s + scenario;
        record.limits = limits;
        ScenarioKey k;
        k.plaintext = m_relay->addKey(record, &k.id);
        m_keys.insert(scenario, k);
    }

    void expect(const QString &scenario, qint64 requests, double cost, double rate = 1.0)
    {
        Expected &e = m_expected[m_keys.value(scenario).id];
        e.requests += requests;
        e.costUsd += cost;
        e.ratedCostUsd += cost * rate;
    }

    qint64 expectedRequests() const
    {
        qint64 n = 0;
        for (const Expected &e : std::as_const(m_expected)) {
            n += e.requests;
        }
        return n;
    }

    Run runScenario(const QString &scenario)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"RELAY_URL"_s, m_relay->baseUrl() + u"/api"_s);
        env.insert(u"RELAY_KEY"_s, QString::fromLatin1(m_keys.value(scenario).plaintext));
        env.insert(u"SCENARIO"_s, scenario);
        Run run;
        run.process = rd::test::runProcess(m_node, {m_e2eDir + u"/sdk_limits.mjs"_s}, env, m_e2eDir, 60000);
        for (const QByteArray &line : run.process.out.split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(u"ok"_s).toBool() && o.contains(u"check"_s)) {
                run.checks.insert(o.value(u"check"_s).toString(), o);
            }
        }
        return run;
    }

    QList<rd::test::RecordedRequest> messagesCalls() const
    {
        QList<rd::test::RecordedRequest> calls;
        for (const auto &r : m_upstream->requests()) {
            if (isMessagesCall(r)) {
                calls.append(r);
            }
        }
        return calls;
    }

private slots:
    void initTestCase()
    {
        m_e2eDir = rd::test::sourceDir() + u"/tests/e2e"_s;
        m_node = QStandardPaths::findExecutable(u"node"_s);
        if (m_node.isEmpty() || !QFile::exists(m_e2eDir + u"/node_modules/@anthropic-ai/sdk/package.json"_s)) {
            QFAIL("node or @anthropic-ai/sdk missing: run scripts/test.sh (it installs them from npm)");
        }
        m_upstream = std::make_unique<MockUpstream>();
        QVERIFY(m_upstream->listen());
        connect(m_upstream.get(), &MockUpstream::requestReceived, this, [this] {
            m_upstreamMaxInFlight = std::max(m_upstreamMaxInFlight, ++m_upstreamInFlight);
        });
        connect(m_upstream.get(), &MockUpstream::replyFinished, this, [this] { --m_upstreamInFlight; });

        m_relay = std::make_unique<rd::test::RelayHarness>();
        addKey(u"concurrency"_s, u"{\"concurrency\":2}"_s);
        addKey(u"queue"_s, u"{\"concurrency\":1,\"queue_size\":5,\"queue_timeout_ms\":20000}"_s);
        addKey(u"queue-full"_s, u"{\"concurrency\":1,\"queue_size\":1,\"queue_timeout_ms\":20000}"_s);
        addKey(u"queue-timeout"_s, u"{\"concurrency\":1,\"queue_size\":5,\"queue_timeout_ms\":400}"_s);
        addKey(u"window"_s, u"{\"window_minutes\":1,\"window_requests\":3}"_s);
        addKey(u"window-count-tokens"_s, u"{\"window_minutes\":1,\"window_requests\":2}"_s);
        addKey(u"daily"_s, u"{\"daily_cost_usd\":0.01}"_s);
        addKey(u"total"_s, u"{\"total_cost_usd\":0.01}"_s);
        addKey(u"weekly-opus"_s, u"{\"weekly_family\":\"opus\",\"weekly_family_cost_usd\":0.02}"_s);
        rd::store::ApiKeyRecord clientOnly;
        clientOnly.allowedClients = u"claude-code"_s;
        addKey(u"client"_s, {}, clientOnly);
        rd::store::ApiKeyRecord denied;
        denied.deniedModels = QString::fromLatin1(kOpus);
        addKey(u"models"_s, {}, denied);
        rd::store::ApiKeyRecord expired;
        expired.expiresAtMs = QDateTime::currentMSecsSinceEpoch() - 3'600'000;
        addKey(u"expired"_s, {}, expired);
        rd::store::ApiKeyRecord activation;
        activation.activationDays = 30;
        addKey(u"activation"_s, {}, activation);
        rd::store::ApiKeyRecord rated;
        rated.serviceRates = u"{\"claude\":2}"_s;
        addKey(u"rated"_s, {}, rated);
        for (auto it = m_keys.cbegin(); it != m_keys.cend(); ++it) {
            QVERIFY2(!it->plaintext.isEmpty(), qPrintable(it.key()));
        }

        rd::test::RelayHarness::AccountOptions account;
        account.baseUrl = m_upstream->baseUrl();
        account.apiKey = "sk-ant-api03-e2e-limits-secret";
        QVERIFY(!m_relay->addAccount(account).isEmpty());
        QVERIFY(m_relay->start());
    }

    void init()
    {
        m_upstream->clear(); // requests and replies of one scenario only
        m_upstreamInFlight = 0;
        m_upstreamMaxInFlight = 0;
    }

    void cleanup()
    {
        QCOMPARE(m_upstream->queuedReplies(), 0); // every scripted reply was used by its scenario
    }

    // 1. Concurrency 2 without a queue, answers held 1.5 s: of 6 calls at once 2 pass and 4 get RateLimitError
    //    with retry-after 1; count_tokens passes meanwhile; the slots are free again afterwards.
    void concurrencyLimitRefusesTheExcess()
    {
        for (int i = 0; i < 2; ++i) {
            m_upstream->enqueue(delayed(MockUpstream::message(kSonnet, "slow"), 1500));
        }
        const Run run = runScenario(u"concurrency"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        const QJsonObject burst = run.checks.value(u"concurrency-burst"_s);
        QCOMPARE(burst.value(u"succeeded"_s).toInt(), 2);
        QCOMPARE(burst.value(u"rateLimited"_s).toInt(), 4);
        for (const QJsonValue &e : burst.value(u"errors"_s).toArray()) {
            QCOMPARE(e[u"class"_s].toString(), u"RateLimitError"_s);
            QCOMPARE(e[u"status"_s].toInt(), 429);
            QCOMPARE(e[u"type"_s].toString(), u"rate_limit_error"_s);
            QCOMPARE(e[u"retryAfter"_s].toString(), u"1"_s);
        }
        QVERIFY(run.checks.contains(u"concurrency-count-tokens"_s));
        QVERIFY(run.checks.contains(u"concurrency-after"_s));
        QCOMPARE(run.checks.value(u"concurrency-key-info"_s).value(u"inFlight"_s).toInt(), 0);
        // The refused calls never reached the upstream: 2 + the one after; count_tokens went through meanwhile.
        QCOMPARE(messagesCalls().size(), 3);
        QCOMPARE(m_upstream->requestCount(), 4);
        QCOMPARE(m_upstreamMaxInFlight, 3); // 2 held calls + count_tokens
        expect(u"concurrency"_s, 3, 3 * kDefaultSonnetCost);
    }

    // 2. Concurrency 1 with a queue: 4 calls at once all pass, and the upstream never sees two at a time.
    void queuedCallsRunOneAtATime()
    {
        for (int i = 0; i < 4; ++i) {
            m_upstream->enqueue(delayed(MockUpstream::message(kSonnet, "queued"), 300));
        }
        const Run run = runScenario(u"queue"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        QCOMPARE(run.checks.value(u"queue"_s).value(u"succeeded"_s).toInt(), 4);
        QVERIFY(run.checks.value(u"queue"_s).value(u"elapsedMs"_s).toInt() >= 4 * 300 - 50);
        QCOMPARE(messagesCalls().size(), 4);
        QCOMPARE(m_upstreamMaxInFlight, 1);
        expect(u"queue"_s, 4, 4 * kDefaultSonnetCost);
    }

    // 2b. Concurrency 1, queue 1: one runs, one waits, two are refused at once (queue full).
    void fullQueueRefuses()
    {
        for (int i = 0; i < 2; ++i) {
            m_upstream->enqueue(delayed(MockUpstream::message(kSonnet, "queued"), 600));
        }
        const Run run = runScenario(u"queue-full"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        const QJsonObject result = run.checks.value(u"queue-full"_s);
        QCOMPARE(result.value(u"succeeded"_s).toInt(), 2);
        for (const QJsonValue &e : result.value(u"errors"_s).toArray()) {
            QCOMPARE(e[u"class"_s].toString(), u"RateLimitError"_s);
            QVERIFY2(e[u"message"_s].toString().contains(u"queue full"_s, Qt::CaseInsensitive),
                     qPrintable(e[u"message"_s].toString()));
        }
        QCOMPARE(messagesCalls().size(), 2);
        QCOMPARE(m_upstreamMaxInFlight, 1);
        expect(u"queue-full"_s, 2, 2 * kDefaultSonnetCost);
    }

    // 2c. Concurrency 1, queue timeout 400 ms, answer held 1.5 s: the two waiting calls give up with a 429.
    void queueTimeoutRefuses()
    {
        m_upstream->enqueue(delayed(MockUpstream::message(kSonnet, "slow"), 1500));
        const Run run = runScenario(u"queue-timeout"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        const QJsonObject result = run.checks.value(u"queue-timeout"_s);
        QCOMPARE(result.value(u"succeeded"_s).toInt(), 1);
        QCOMPARE(result.value(u"rateLimited"_s).toInt(), 2);
        for (const QJsonValue &e : result.value(u"errors"_s).toArray()) {
            QCOMPARE(e[u"retryAfter"_s].toString(), u"1"_s);
        }
        // They gave up at the queue timeout, not when the slot freed after 1.5 s.
        for (const QJsonValue &at : result.value(u"errorAtMs"_s).toArray()) {
            QVERIFY2(at.toInt() >= 350 && at.toInt() < 1400, qPrintable(QString::number(at.toInt())));
        }
        QCOMPARE(messagesCalls().size(), 1);
        expect(u"queue-timeout"_s, 1, kDefaultSonnetCost);
    }

    // 3. A 1-minute window of 3 requests: of 5 calls at once 3 pass, 2 get RateLimitError with retry-after 1..60.
    void rateWindowRefusesTheExcess()
    {
        const Run run = runScenario(u"window"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        const QJsonObject result = run.checks.value(u"window"_s);
        QCOMPARE(result.value(u"succeeded"_s).toInt(), 3);
        QCOMPARE(result.value(u"rateLimited"_s).toInt(), 2);
        for (const QJsonValue &s : result.value(u"retryAfters"_s).toArray()) {
            QVERIFY2(s.toInt() >= 1 && s.toInt() <= 60, qPrintable(QString::number(s.toInt())));
        }
        QCOMPARE(run.checks.value(u"window-key-info"_s).value(u"used"_s).toInt(), 3);
        QCOMPARE(messagesCalls().size(), 3);
        expect(u"window"_s, 3, 3 * kDefaultSonnetCost);
    }

    // 3b. count_tokens skips concurrency and the client restriction but counts in the request window (issue 4).
    void countTokensCountsInTheWindow()
    {
        const Run run = runScenario(u"window-count-tokens"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        QCOMPARE(run.checks.value(u"window-count-tokens-counted"_s).value(u"windowUsed"_s).toInt(), 2);
        QCOMPARE(run.checks.value(u"window-count-tokens-calls"_s).value(u"calls"_s).toArray().size(), 1);
        QCOMPARE(messagesCalls().size(), 0);
    }

    // 4. Daily cost: the call that crosses the limit completes, the next gets 402 daily_cost_limit_exceeded.
    void dailyCostLimitAnswers402()
    {
        m_upstream->enqueue(MockUpstream::message(kSonnet, "expensive", kBigInput, kBigOutput));
        const Run run = runScenario(u"daily"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        const QJsonObject refused = run.checks.value(u"daily-refused"_s);
        QCOMPARE(refused.value(u"status"_s).toInt(), 402);
        // SDK 1.14 has a class for 402; older SDKs throw a plain APIError with the status (PROTOCOLS.md §2.3).
        QVERIFY2(refused.value(u"class"_s).toString() == u"PaymentRequiredError"_s
                     || refused.value(u"class"_s).toString() == u"APIError"_s,
                 qPrintable(refused.value(u"class"_s).toString()));
        QCOMPARE(refused.value(u"type"_s).toString(), u"billing_error"_s);
        QCOMPARE(refused.value(u"code"_s).toString(), u"daily_cost_limit_exceeded"_s);
        QVERIFY(qAbs(refused.value(u"currentCost"_s).toDouble() - kBigSonnetCost) < 1e-9);
        QCOMPARE(refused.value(u"costLimit"_s).toDouble(), kCostLimit);
        const QDateTime reset = QDateTime::fromString(refused.value(u"resetAt"_s).toString(), Qt::ISODate);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(reset.isValid() && reset.toMSecsSinceEpoch() > now
                     && reset.toMSecsSinceEpoch() <= now + kDayMs + 3'600'000,
                 qPrintable(refused.value(u"resetAt"_s).toString()));
        QCOMPARE(messagesCalls().size(), 1);
        expect(u"daily"_s, 1, kBigSonnetCost);
    }

    // 5. Total cost: the same with total_cost_limit_exceeded, which never resets.
    void totalCostLimitAnswers402()
    {
        m_upstream->enqueue(MockUpstream::message(kSonnet, "expensive", kBigInput, kBigOutput));
        const Run run = runScenario(u"total"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        const QJsonObject refused = run.checks.value(u"total-refused"_s);
        QCOMPARE(refused.value(u"status"_s).toInt(), 402);
        QCOMPARE(refused.value(u"code"_s).toString(), u"total_cost_limit_exceeded"_s);
        QVERIFY(qAbs(refused.value(u"currentCost"_s).toDouble() - kBigSonnetCost) < 1e-9);
        QCOMPARE(messagesCalls().size(), 1);
        expect(u"total"_s, 1, kBigSonnetCost);
    }

    // 6. Weekly Opus: the second Opus call gets 402 weekly_opus_cost_limit_exceeded; Sonnet still passes.
    void weeklyOpusLimitLeavesOtherFamilies()
    {
        m_upstream->enqueue(MockUpstream::message(kOpus, "pricey", kOpusInput, kOpusOutput));
        const Run run = runScenario(u"weekly-opus"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        const QJsonObject refused = run.checks.value(u"weekly-opus-refused"_s);
        QCOMPARE(refused.value(u"status"_s).toInt(), 402);
        QCOMPARE(refused.value(u"code"_s).toString(), u"weekly_opus_cost_limit_exceeded"_s);
        QVERIFY(qAbs(refused.value(u"currentCost"_s).toDouble() - kOpusCost) < 1e-9);
        QCOMPARE(refused.value(u"costLimit"_s).toDouble(), kOpusLimit);
        QCOMPARE(run.checks.value(u"weekly-opus-sonnet"_s).value(u"model"_s).toString(), QString::fromLatin1(kSonnet));
        const auto calls = messagesCalls();
        QCOMPARE(calls.size(), 2);
        QVERIFY(calls.at(0).body.contains(kOpus));
        QVERIFY(calls.at(1).body.contains(kSonnet));
        expect(u"weekly-opus"_s, 2, kOpusCost + kDefaultSonnetCost);
    }

    // 7. A Claude-Code-only key: the SDK gets PermissionDeniedError; count_tokens is exempt.
    void clientRestrictionRefusesTheSdk()
    {
        const Run run = runScenario(u"client"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        const QJsonObject refused = run.checks.value(u"client-refused"_s);
        QCOMPARE(refused.value(u"class"_s).toString(), u"PermissionDeniedError"_s);
        QCOMPARE(refused.value(u"code"_s).toString(), u"client_not_allowed"_s);
        QCOMPARE(run.checks.value(u"client-count-tokens"_s).value(u"inputTokens"_s).toInt(),
                 MockUpstream::kDefaultCountTokens);
        QCOMPARE(messagesCalls().size(), 0);
        QCOMPARE(m_upstream->requestCount(), 1); // count_tokens only
    }

    // 8. A denied model: PermissionDeniedError, absent from models.list(), NotFoundError by id; others work.
    void deniedModelIsHidden()
    {
        const Run run = runScenario(u"models"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        QCOMPARE(run.checks.value(u"models-refused"_s).value(u"class"_s).toString(), u"PermissionDeniedError"_s);
        const QJsonArray ids = run.checks.value(u"models-list"_s).value(u"ids"_s).toArray();
        QVERIFY(!ids.contains(QString::fromLatin1(kOpus)));
        QVERIFY(ids.contains(QString::fromLatin1(kSonnet)));
        QCOMPARE(run.checks.value(u"models-retrieve"_s).value(u"class"_s).toString(), u"NotFoundError"_s);
        // The upstream's list did hold the denied model: the relay filtered it.
        bool listed = false;
        for (const auto &r : m_upstream->requests()) {
            listed = listed || (r.method == "GET" && r.target.contains("/v1/models"));
        }
        QVERIFY(listed);
        const auto calls = messagesCalls();
        QCOMPARE(calls.size(), 1);
        QVERIFY(calls.first().body.contains(kSonnet));
        expect(u"models"_s, 1, kDefaultSonnetCost);
    }

    // 9. An expired key: AuthenticationError. (Expiry N days after first use needs a clock: integration test.)
    void expiredKeyIsRefused()
    {
        const Run run = runScenario(u"expired"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        QCOMPARE(run.checks.value(u"expired"_s).value(u"class"_s).toString(), u"AuthenticationError"_s);
        QCOMPARE(m_upstream->requestCount(), 0);
    }

    // 9b. "N days after first use": the first use works and is persisted with its expiry.
    void firstUseStartsTheActivationClock()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const Run run = runScenario(u"activation"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        const QString id = m_keys.value(u"activation"_s).id;
        auto activatedKey = [&]() -> std::optional<rd::store::ApiKeyRecord> {
            m_relay->flushUsage();
            auto keys = m_relay->db().listKeys();
            if (keys) {
                for (const auto &k : std::as_const(*keys)) {
                    if (k.id == id && k.activatedAtMs > 0) {
                        return k;
                    }
                }
            }
            return std::nullopt;
        };
        QTRY_VERIFY_WITH_TIMEOUT(activatedKey().has_value(), 5000);
        const rd::store::ApiKeyRecord k = *activatedKey();
        QVERIFY(k.activatedAtMs >= before - 1000 && k.activatedAtMs <= QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(k.expiresAtMs, k.activatedAtMs + 30 * kDayMs);
        expect(u"activation"_s, 1, kDefaultSonnetCost);
    }

    // 10. A key with service rate 2: rated cost = 2 × cost, and cost = the hand computation, for JSON and SSE.
    void serviceRateDoublesTheRatedCost()
    {
        m_upstream->enqueue(
            MockUpstream::message(kSonnet, "rated", kRatedInput, kRatedOutput, kRatedCacheRead, kRatedCache5m));
        m_upstream->enqueue(MockUpstream::stream(
            kSonnet, {"ra"_ba, "ted"_ba}, kRatedInput, kRatedOutput, 0, kRatedCacheRead, kRatedCache5m));
        const Run run = runScenario(u"rated"_s);
        QVERIFY2(run.succeeded(), run.log().constData());
        QCOMPARE(messagesCalls().size(), 2);
        expect(u"rated"_s, 2, 2 * kRatedCost, kRatedFactor);

        const QString id = m_keys.value(u"rated"_s).id;
        QTRY_COMPARE_WITH_TIMEOUT(m_relay->service()->status().requestsRecorded, expectedRequests(), 10000);
        m_relay->flushUsage();
        auto rows = m_relay->db().recentUsage(1000);
        QVERIFY(rows.has_value());
        int seen = 0;
        for (const auto &row : std::as_const(*rows)) {
            if (row.keyId != id) {
                continue;
            }
            ++seen;
            QCOMPARE(row.status, 200);
            QVERIFY(row.usageSeen);
            QCOMPARE(row.inputTokens, qint64(kRatedInput));
            QCOMPARE(row.outputTokens, qint64(kRatedOutput));
            QCOMPARE(row.cacheReadTokens, qint64(kRatedCacheRead));
            QCOMPARE(row.cacheCreate5mTokens, qint64(kRatedCache5m));
            QVERIFY2(qAbs(row.costUsd - kRatedCost) < 1e-9, qPrintable(QString::number(row.costUsd, 'f', 9)));
            QVERIFY2(qAbs(row.ratedCostUsd - kRatedFactor * row.costUsd) < 1e-12,
                     qPrintable(QString::number(row.ratedCostUsd, 'f', 9)));
        }
        QCOMPARE(seen, 2);
    }

    // The per-request rows, `relaydesk usage --by key --csv` and the hand computation agree, key by key.
    void usageTotalsMatchRowsAndHandComputation()
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_relay->service()->status().requestsRecorded, expectedRequests(), 10000);
        m_relay->flushUsage();
        auto rows = m_relay->db().recentUsage(10000);
        QVERIFY(rows.has_value());
        QHash<QString, Expected> fromRows;
        for (const auto &row : std::as_const(*rows)) {
            QCOMPARE(row.status, 200); // refusals record nothing
            QVERIFY(row.usageSeen);
            Expected &e = fromRows[row.keyId];
            ++e.requests;
            e.costUsd += row.costUsd;
            e.ratedCostUsd += row.ratedCostUsd;
        }
        QCOMPARE(fromRows.size(), m_expected.size());
        for (auto it = m_expected.cbegin(); it != m_expected.cend(); ++it) {
            const Expected rowSum = fromRows.value(it.key());
            QCOMPARE(rowSum.requests, it->requests);
            QVERIFY2(qAbs(rowSum.costUsd - it->costUsd) < 1e-9, qPrintable(it.key()));
            QVERIFY2(qAbs(rowSum.ratedCostUsd - it->ratedCostUsd) < 1e-9, qPrintable(it.key()));
        }

        const QString binary = qEnvironmentVariable("RELAYDESK_BINARY");
        QVERIFY2(QFile::exists(binary), "RELAYDESK_BINARY is not set (CTest sets it) or not built");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"RELAYDESK_DATA_DIR"_s, m_relay->dataDir());
        env.insert(u"RELAYDESK_KEY_STORE"_s, u"file"_s);
        env.remove(u"RELAYDESK_ACCOUNT_API_KEY"_s);
        const rd::test::ProcessResult usage =
            rd::test::runProcess(binary,
                                 {u"usage"_s, u"--by"_s, u"key"_s, u"--csv"_s, u"--data-dir"_s, m_relay->dataDir()},
                                 env,
                                 m_relay->dataDir(),
                                 30000);
        QVERIFY2(usage.finished && usage.exitCode == 0, QByteArray(usage.out + usage.err).constData());
        const QList<QByteArray> lines = usage.out.trimmed().split('\n');
        QVERIFY(!lines.isEmpty());
        // Columns by name: the CLI's set of columns may grow.
        const QList<QByteArray> header = lines.first().trimmed().split(',');
        const qsizetype keyCol = header.indexOf("key");
        const qsizetype requestsCol = header.indexOf("requests");
        const qsizetype costCol = header.indexOf("cost_usd");
        const qsizetype ratedCol = header.indexOf("rated_cost_usd");
        QVERIFY2(keyCol >= 0 && requestsCol >= 0 && costCol >= 0, lines.first().constData());
        QHash<QString, Expected> fromCli;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> cells = lines.at(i).trimmed().split(',');
            QCOMPARE(cells.size(), header.size());
            Expected &e = fromCli[QString::fromUtf8(cells.at(keyCol))];
            e.requests += cells.at(requestsCol).toLongLong();
            e.costUsd += cells.at(costCol).toDouble();
            e.ratedCostUsd += ratedCol >= 0 ? cells.at(ratedCol).toDouble() : 0;
        }
        QCOMPARE(fromCli.size(), m_expected.size());
        for (auto it = m_expected.cbegin(); it != m_expected.cend(); ++it) {
            QVERIFY2(fromCli.contains(it.key()), qPrintable(it.key()));
            const Expected cli = fromCli.value(it.key());
            const Expected rowSum = fromRows.value(it.key());
            QCOMPARE(cli.requests, rowSum.requests);
            // The CSV prints 6 decimals.
            QVERIFY2(qAbs(cli.costUsd - rowSum.costUsd) < 1e-6, qPrintable(it.key()));
            QVERIFY2(qAbs(cli.costUsd - it->costUsd) < 1e-6, qPrintable(it.key()));
            if (ratedCol >= 0) {
                QVERIFY2(qAbs(cli.ratedCostUsd - rowSum.ratedCostUsd) < 1e-6, qPrintable(it.key()));
                QVERIFY2(qAbs(cli.ratedCostUsd - it->ratedCostUsd) < 1e-6, qPrintable(it.key()));
            }
        }
        QVERIFY2(ratedCol >= 0, "relaydesk usage --csv has no rated_cost_usd column");
    }

    void cleanupTestCase()
    {
        m_relay.reset();
        m_upstream.reset();
    }
};

QTEST_GUILESS_MAIN(TestSdkLimits)
#include "tst_sdklimits.moc"
