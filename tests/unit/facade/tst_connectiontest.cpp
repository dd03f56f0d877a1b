// SPDX-License-Identifier: GPL-3.0-or-later
// facade::testConnection for the OpenAI-side account kinds against MockUpstream: the models URL and credential header
// of OpenAI Responses (base with and without /v1) and Azure OpenAI (api-version or the v1 API, api-key), the
// upstream's error named without the key, and the ChatGPT (Codex) check that sends nothing.
#include "core/facade/connectiontest.h"
#include "core/providers/console/consoleaccount.h"
#include "core/secrets/sealer.h"
#include "tests/support/mockupstream.h"

#include <QDateTime>
#include <QObject>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
namespace providers = rd::providers;

namespace {

const QByteArray kOpenAIKey = "sk-proj-connection-test-0123456789";
const QByteArray kAzureKey = "0123456789abcdef0123456789abcdef";

std::shared_ptr<const rd::secrets::Sealer> makeSealer()
{
    return std::make_shared<const rd::secrets::Sealer>(rd::secrets::Sealer::generateKey());
}

rd::store::AccountRecord keyAccount(const rd::secrets::Sealer &sealer,
                                    const char *type,
                                    const QString &baseUrl,
                                    const QByteArray &key,
                                    const providers::AccountExtra &extra = {})
{
    rd::store::AccountRecord r;
    r.id = u"acc_0123456789abcdef"_s;
    r.type = QString::fromLatin1(type);
    r.name = u"tested"_s;
    r.baseUrl = baseUrl;
    r.extra = extra.toJson();
    r.sealedCredentials = *sealer.seal(providers::encodeCredentials(key, {})->expose(), r.id.toUtf8());
    return r;
}

rd::store::AccountRecord chatgptAccount(const rd::secrets::Sealer &sealer,
                                        qint64 expiresAtMs,
                                        const QByteArray &refreshToken,
                                        const QString &accountId = u"b1f3c2d4-0000-4000-8000-0000000c0de5"_s)
{
    rd::store::AccountRecord r;
    r.id = u"acc_00000000c0de0000"_s;
    r.type = QString::fromLatin1(providers::kOpenAIOAuthType);
    r.name = u"plus"_s;
    r.baseUrl = u"http://127.0.0.1:1/backend-api/codex"_s; // never contacted: port 1 refuses
    providers::AccountExtra extra;
    extra.chatgptAccountId = accountId;
    r.extra = extra.toJson();
    r.subscriptionPlan = u"plus"_s;
    r.tokenExpiresAtMs = expiresAtMs;
    const auto plain = providers::encodeOAuthCredentials("chatgpt-access-token", refreshToken, expiresAtMs, {});
    r.sealedCredentials = *sealer.seal(plain->expose(), r.id.toUtf8());
    return r;
}

// The error detail, or nothing for a success (QVERIFY2 evaluates its message either way).
QString problem(const rd::Result<QString> &result)
{
    return result ? QString() : result.error().detail;
}

// Runs one test and waits for its single report.
std::optional<rd::Result<QString>> run(const rd::store::AccountRecord &record,
                                       const std::shared_ptr<const rd::secrets::Sealer> &sealer)
{
    QObject context;
    std::optional<rd::Result<QString>> result;
    int reports = 0;
    rd::facade::testConnection(record, sealer, &context, [&](rd::Result<QString> r) {
        ++reports;
        result = std::move(r);
    });
    if (result) {
        return std::nullopt; // reported from inside the call: the contract says later
    }
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000)) {
        return std::nullopt;
    }
    QTest::qWait(20);
    return reports == 1 ? result : std::nullopt;
}

} // namespace

class TestConnectionTest : public QObject
{
    Q_OBJECT
private slots:
    void openaiResponsesListsModelsWithBearer_data()
    {
        QTest::addColumn<QString>("basePath");
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("bare base") << QString() << "/v1/models"_ba;
        QTest::newRow("base ends in /v1") << u"/v1"_s << "/v1/models"_ba;
        QTest::newRow("gateway path") << u"/gateway/openai"_s << "/gateway/openai/v1/models"_ba;
    }
    void openaiResponsesListsModelsWithBearer()
    {
        QFETCH(QString, basePath);
        QFETCH(QByteArray, target);
        rd::test::MockUpstream upstream;
        QVERIFY(upstream.listen());
        const auto sealer = makeSealer();
        const auto result = run(
            keyAccount(*sealer, providers::kOpenAIResponsesType, upstream.baseUrl() + basePath, kOpenAIKey), sealer);
        QVERIFY(result);
        QVERIFY2(*result, qPrintable(problem(*result)));
        QCOMPARE(**result, u"OK: 5 models"_s);
        QCOMPARE(upstream.requestCount(), 1);
        const rd::test::RecordedRequest request = upstream.requests().first();
        QCOMPARE(request.method, "GET"_ba);
        QCOMPARE(request.target, target);
        QCOMPARE(request.header("authorization"), "Bearer " + kOpenAIKey);
        QVERIFY(request.header("anthropic-version").isEmpty());
        QVERIFY(request.header("x-api-key").isEmpty());
    }

    void openaiErrorNamesStatusAndMessageNotTheKey()
    {
        rd::test::MockUpstream upstream;
        QVERIFY(upstream.listen());
        upstream.enqueue(rd::test::MockUpstream::openaiError(
            401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: " + kOpenAIKey));
        const auto sealer = makeSealer();
        const auto result =
            run(keyAccount(*sealer, providers::kOpenAIResponsesType, upstream.baseUrl(), kOpenAIKey), sealer);
        QVERIFY(result);
        QVERIFY(!*result);
        const QString detail = result->error().detail;
        QVERIFY2(detail.contains(u"HTTP 401"_s) && detail.contains(u"Incorrect API key provided"_s),
                 qPrintable(detail));
        QVERIFY2(!detail.contains(QString::fromLatin1(kOpenAIKey)), qPrintable(detail));
    }

    void azureListsModelsWithApiKey_data()
    {
        QTest::addColumn<QString>("apiVersion");
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("versioned API") << u"2024-10-21"_s << "/openai/models?api-version=2024-10-21"_ba;
        QTest::newRow("v1 API") << QString() << "/openai/v1/models"_ba;
    }
    void azureListsModelsWithApiKey()
    {
        QFETCH(QString, apiVersion);
        QFETCH(QByteArray, target);
        rd::test::MockUpstream upstream;
        QVERIFY(upstream.listen());
        const auto sealer = makeSealer();
        providers::AccountExtra extra;
        extra.azureDeployment = u"gpt4o-prod"_s;
        extra.azureApiVersion = apiVersion;
        const auto result =
            run(keyAccount(*sealer, providers::kAzureOpenAIType, upstream.baseUrl(), kAzureKey, extra), sealer);
        QVERIFY(result);
        QVERIFY2(*result, qPrintable(problem(*result)));
        QCOMPARE(**result, u"OK: 5 models"_s);
        const rd::test::RecordedRequest request = upstream.requests().first();
        QCOMPARE(request.target, target);
        QCOMPARE(request.header("api-key"), kAzureKey);
        QVERIFY(request.header("authorization").isEmpty()); // Azure refuses an API key as bearer
    }

    void chatgptReportsTokenAndAccountWithoutARequest()
    {
        const auto sealer = makeSealer();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const auto valid = run(chatgptAccount(*sealer, now + 90 * 60'000, "rt_1"), sealer);
        QVERIFY(valid);
        QVERIFY2(*valid, qPrintable(problem(*valid)));
        QVERIFY2((*valid)->startsWith(u"OK: "_s), qPrintable(**valid));
        QVERIFY((*valid)->contains(u"b1f3c2d4-0000-4000-8000-0000000c0de5"_s));
        QVERIFY((*valid)->contains(u"plan plus"_s));
        QVERIFY2((*valid)->contains(u"89 min left"_s) || (*valid)->contains(u"90 min left"_s), qPrintable(**valid));
        QVERIFY(!(*valid)->contains(u"chatgpt-access-token"_s));

        const auto refreshable = run(chatgptAccount(*sealer, now - 60'000, "rt_1"), sealer);
        QVERIFY(refreshable && *refreshable);
        QVERIFY2((*refreshable)->contains(u"expired"_s) && (*refreshable)->contains(u"refreshes"_s),
                 qPrintable(**refreshable));

        const auto dead = run(chatgptAccount(*sealer, now - 60'000, {}), sealer);
        QVERIFY(dead && !*dead);
        QCOMPARE(dead->error().code, rd::ErrorCode::ReauthorizationRequired);

        const auto noAccountId = run(chatgptAccount(*sealer, now + 60 * 60'000, "rt_1", QString()), sealer);
        QVERIFY(noAccountId && !*noAccountId);
        QVERIFY2(noAccountId->error().detail.contains(u"account id"_s), qPrintable(noAccountId->error().detail));
    }

    void lockedCredentialsAreReportedNotSent()
    {
        rd::test::MockUpstream upstream;
        QVERIFY(upstream.listen());
        const auto sealer = makeSealer();
        const auto result =
            run(keyAccount(*sealer, providers::kOpenAIResponsesType, upstream.baseUrl(), kOpenAIKey), nullptr);
        QVERIFY(result && !*result);
        QCOMPARE(result->error().code, rd::ErrorCode::CryptoFailure);
        QCOMPARE(upstream.requestCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestConnectionTest)
#include "tst_connectiontest.moc"
