// SPDX-License-Identifier: GPL-3.0-or-later
// ClaudeTokenClient against MockOAuthServer on loopback (PROTOCOLS §5.1, §5.5): code exchange, refresh-token rotation,
// error mapping, timeouts, proxies, and no token, code or verifier in any error detail or log line.
#include "core/oauth/claudeoauth.h"
#include "tests/support/mockoauthserver.h"
#include "tests/support/mockproxy.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using rd::ErrorCode;
using rd::Result;
using rd::SecretBytes;
using rd::oauth::ClaudeOAuthEndpoints;
using rd::oauth::ClaudeTokenClient;
using rd::oauth::PkceSession;
using rd::oauth::TokenSet;
using rd::test::MockOAuthServer;
using rd::test::MockProxy;

Q_DECLARE_METATYPE(rd::ErrorCode)
Q_DECLARE_METATYPE(MockProxy::Kind)

namespace {

constexpr qint64 kNow = 1'760'000'000'000; // the clock every client in this file runs on

QStringList g_logLines;
QtMessageHandler g_previousHandler = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_logLines.append(message);
    if (g_previousHandler) {
        g_previousHandler(type, context, message);
    }
}

struct Outcome
{
    int calls = 0;
    std::optional<Result<TokenSet>> result;
};

// Starts one call and waits for its report. False when it reported from inside the call, or never.
template <typename Start>
bool run(Start start, Outcome &outcome)
{
    start([&outcome](Result<TokenSet> result) {
        ++outcome.calls;
        outcome.result = std::move(result);
    });
    if (outcome.calls != 0) {
        return false;
    }
    return QTest::qWaitFor([&outcome] { return outcome.calls > 0; }, 10000);
}

ClaudeOAuthEndpoints endpointsFor(const QString &tokenUrl)
{
    ClaudeOAuthEndpoints endpoints = ClaudeOAuthEndpoints::defaults();
    endpoints.tokenUrl = tokenUrl;
    return endpoints;
}

std::unique_ptr<ClaudeTokenClient> clientFor(const QString &tokenUrl)
{
    auto client = std::make_unique<ClaudeTokenClient>(endpointsFor(tokenUrl));
    client->setClock([] { return kNow; });
    return client;
}

QNetworkProxy direct()
{
    return QNetworkProxy(QNetworkProxy::NoProxy);
}

// For failure messages: QVERIFY2 evaluates its message even when the check holds.
template <typename T>
QString detailOf(const Result<T> &result)
{
    return result ? QString() : result.error().detail;
}

// Internal stands for "no error": no call here is expected to fail with it.
template <typename T>
ErrorCode codeOf(const Result<T> &result)
{
    return result ? ErrorCode::Internal : result.error().code;
}

QJsonObject jsonOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

} // namespace

class TestClaudeOAuthClient : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QLoggingCategory::setFilterRules(u"relaydesk.oauth.debug=true"_s);
        g_previousHandler = qInstallMessageHandler(captureLog);
    }
    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }
    void init() { g_logLines.clear(); }
    // No token, refresh token, code or verifier may reach any log line.
    void cleanup()
    {
        static const QRegularExpression tokenShaped(u"sk-ant-o[ar]t01-"_s);
        for (const QString &line : std::as_const(g_logLines)) {
            QVERIFY2(!line.contains(tokenShaped), qPrintable(line));
            for (const QByteArray &secret : std::as_const(m_secrets)) {
                QVERIFY2(!line.contains(QString::fromLatin1(secret)), qPrintable(line));
            }
        }
        m_secrets.clear();
    }
    void exchangeFillsTokenSet_data()
    {
        QTest::addColumn<bool>("setupToken");
        QTest::addColumn<qint64>("expiresInS");
        QTest::newRow("browser sign-in") << false << qint64{28800};
        QTest::newRow("setup token asks for a year") << true << qint64{31536000};
    }
    void exchangeFillsTokenSet()
    {
        QFETCH(bool, setupToken);
        QFETCH(qint64, expiresInS);
        MockOAuthServer server;
        QVERIFY(server.listen());
        const auto client = clientFor(server.tokenUrl());
        const PkceSession session = rd::oauth::startAuthorization(client->endpoints(), setupToken, kNow);
        m_secrets << session.verifier << "code-one";
        server.expectChallenge("code-one", session.challenge, "user:inference user:profile");
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->exchangeCode(session, "code-one", direct(), done); }, outcome));
        QVERIFY2(outcome.result->has_value(), qPrintable(detailOf(*outcome.result)));
        const TokenSet &tokens = **outcome.result;
        QVERIFY(tokens.accessToken.equals("sk-ant-oat01-mock-1"));
        QVERIFY(tokens.refreshToken.equals("sk-ant-ort01-mock-1"));
        QCOMPARE(tokens.expiresAtMs, kNow + expiresInS * 1000);
        QCOMPARE(tokens.scope, u"user:inference user:profile"_s);
        QCOMPARE(tokens.accountUuid, QString::fromLatin1(MockOAuthServer::kAccountUuid));
        QCOMPARE(tokens.email, QString::fromLatin1(MockOAuthServer::kEmail));
        QCOMPARE(tokens.organizationUuid, QString::fromLatin1(MockOAuthServer::kOrganizationUuid));
        QCOMPARE(server.exchangeCount(), 1);
        QVERIFY(server.lastContentType().startsWith("application/json"));
        const QJsonObject sent = jsonOf(server.lastRequestBody());
        QCOMPARE(sent.value("grant_type"_L1).toString(), u"authorization_code"_s);
        QCOMPARE(sent.value("client_id"_L1).toString(), client->endpoints().clientId);
        QCOMPARE(sent.value("code"_L1).toString(), u"code-one"_s);
        QCOMPARE(sent.value("redirect_uri"_L1).toString(), client->endpoints().redirectUri);
        QCOMPARE(sent.value("code_verifier"_L1).toString().toLatin1(), session.verifier);
        QCOMPARE(sent.value("state"_L1).toString().toLatin1(), session.state);
        QCOMPARE(sent.contains("expires_in"_L1), setupToken);
        if (setupToken) {
            QCOMPARE(sent.value("expires_in"_L1).toInteger(), qint64{31536000});
        }
    }

    void exchangeFailures_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<ErrorCode>("expected");
        QTest::addColumn<int>("requests");
        QTest::newRow("wrong verifier") << u"verifier"_s << ErrorCode::ReauthorizationRequired << 1;
        QTest::newRow("unknown code") << u"code"_s << ErrorCode::ReauthorizationRequired << 1;
        QTest::newRow("code used twice") << u"reuse"_s << ErrorCode::ReauthorizationRequired << 2;
        QTest::newRow("other redirect URI") << u"redirect"_s << ErrorCode::ReauthorizationRequired << 1;
        QTest::newRow("sign-in expired") << u"expired"_s << ErrorCode::InvalidArgument << 0;
    }
    void exchangeFailures()
    {
        QFETCH(QString, fault);
        QFETCH(ErrorCode, expected);
        QFETCH(int, requests);
        MockOAuthServer server;
        QVERIFY(server.listen());
        ClaudeOAuthEndpoints endpoints = endpointsFor(server.tokenUrl());
        if (fault == u"redirect") {
            endpoints.redirectUri = u"https://elsewhere.example/callback"_s;
        }
        ClaudeTokenClient client(endpoints);
        client.setClock([] { return kNow; });
        const PkceSession session = rd::oauth::startAuthorization(endpoints, false, kNow);
        const PkceSession other = rd::oauth::startAuthorization(endpoints, false, kNow);
        m_secrets << session.verifier << other.verifier;
        server.expectChallenge("the-code", fault == u"verifier" ? other.challenge : session.challenge);
        if (fault == u"reuse") {
            Outcome first;
            QVERIFY(run([&](auto done) { client.exchangeCode(session, "the-code", direct(), done); }, first));
            QVERIFY(first.result->has_value());
        }
        PkceSession used = session;
        used.createdAtMs = fault == u"expired" ? kNow - PkceSession::kLifetimeMs : kNow;
        const QByteArray code = fault == u"code" ? "not-a-code"_ba : "the-code"_ba;
        Outcome outcome;
        QVERIFY(run([&](auto done) { client.exchangeCode(used, code, direct(), done); }, outcome));
        QVERIFY(!*outcome.result);
        QCOMPARE(codeOf(*outcome.result), expected);
        QCOMPARE(server.exchangeCount(), requests);
        QVERIFY(!detailOf(*outcome.result).contains(QString::fromLatin1(session.verifier)));
    }

    void refreshRotates()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        const auto client = clientFor(server.tokenUrl());
        const QByteArray original = server.issueRefreshToken();
        Outcome first;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes(QByteArray(original)), direct(), done); }, first));
        QVERIFY2(first.result->has_value(), qPrintable(detailOf(*first.result)));
        const QJsonObject sent = jsonOf(server.lastRequestBody());
        QCOMPARE(sent.value("grant_type"_L1).toString(), u"refresh_token"_s);
        QCOMPARE(sent.value("refresh_token"_L1).toString().toLatin1(), original);
        QCOMPARE(sent.value("client_id"_L1).toString(), client->endpoints().clientId);
        const TokenSet &rotated = **first.result;
        QVERIFY(!rotated.refreshToken.isEmpty());
        QVERIFY(!rotated.refreshToken.equals(original));
        QCOMPARE(rotated.expiresAtMs, kNow + 28800 * 1000);
        QVERIFY(!server.isRefreshTokenValid(original));

        Outcome replay; // the rotated-out token is dead
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes(QByteArray(original)), direct(), done); }, replay));
        QVERIFY(!*replay.result);
        QCOMPARE(codeOf(*replay.result), ErrorCode::ReauthorizationRequired);
        QVERIFY(!detailOf(*replay.result).contains(QString::fromLatin1(original)));

        Outcome next; // the new one works
        QVERIFY(run([&](auto done) { client->refresh(rotated.refreshToken, direct(), done); }, next));
        QVERIFY(next.result->has_value());
        QCOMPARE(server.refreshCount(), 3);
    }

    void refreshWithoutNewRefreshTokenLeavesItEmpty()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        server.setOmitRefreshToken(true);
        const auto client = clientFor(server.tokenUrl());
        const QByteArray original = server.issueRefreshToken();
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes(QByteArray(original)), direct(), done); }, outcome));
        QVERIFY(outcome.result->has_value());
        QVERIFY(!(*outcome.result)->accessToken.isEmpty());
        QVERIFY((*outcome.result)->refreshToken.isEmpty()); // the caller keeps its old one
    }

    void refreshWithoutTokenNeedsSignIn()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        const auto client = clientFor(server.tokenUrl());
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes(), direct(), done); }, outcome));
        QCOMPARE(codeOf(*outcome.result), ErrorCode::ReauthorizationRequired);
        QCOMPARE(server.requestCount(), 0);
    }

    void revokedGrantNeedsSignIn()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        const auto client = clientFor(server.tokenUrl());
        const QByteArray token = server.issueRefreshToken();
        server.revokeAll();
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes(QByteArray(token)), direct(), done); }, outcome));
        QCOMPARE(codeOf(*outcome.result), ErrorCode::ReauthorizationRequired);
        QVERIFY(detailOf(*outcome.result).contains(u"invalid_grant"_s));
    }

    void answersMapToCodes_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<ErrorCode>("expected");
        QTest::addColumn<QString>("detail");
        QTest::newRow("400 invalid_grant")
            << 400 << "{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token not found or invalid\"}"_ba
            << ErrorCode::ReauthorizationRequired << u"Refresh token not found or invalid"_s;
        QTest::newRow("401") << 401 << "{\"error\":\"unauthorized\"}"_ba << ErrorCode::ReauthorizationRequired
                             << u"HTTP 401"_s;
        QTest::newRow("400 other error") << 400 << "{\"error\":\"invalid_request\"}"_ba
                                         << ErrorCode::UpstreamUnavailable << u"HTTP 400: invalid_request"_s;
        QTest::newRow("429 API error shape")
            << 429 << "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Slow down\"}}"_ba
            << ErrorCode::UpstreamUnavailable << u"rate_limit_error – Slow down"_s;
        QTest::newRow("500") << 500 << "oops"_ba << ErrorCode::UpstreamUnavailable << u"HTTP 500"_s;
        QTest::newRow("404 HTML") << 404 << "<html>gone</html>"_ba << ErrorCode::UpstreamUnavailable << u"HTTP 404"_s;
        QTest::newRow("200 not JSON") << 200 << "<html></html>"_ba << ErrorCode::UpstreamProtocol << u"JSON"_s;
        QTest::newRow("200 without access_token") << 200 << "{\"token_type\":\"Bearer\",\"expires_in\":60}"_ba
                                                  << ErrorCode::UpstreamProtocol << u"access_token"_s;
    }
    void answersMapToCodes()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(ErrorCode, expected);
        QFETCH(QString, detail);
        MockOAuthServer server;
        QVERIFY(server.listen());
        server.failNext(status, body);
        const auto client = clientFor(server.tokenUrl());
        Outcome outcome;
        QVERIFY(
            run([&](auto done) { client->refresh(SecretBytes("sk-ant-ort01-whatever"_ba), direct(), done); }, outcome));
        QVERIFY(!*outcome.result);
        QCOMPARE(codeOf(*outcome.result), expected);
        QVERIFY2(detailOf(*outcome.result).contains(detail), qPrintable(detailOf(*outcome.result)));
    }

    // A server that echoes what it was sent must not get it into our details (nor, via cleanup(), the log).
    void secretsNeverReachDetails()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        const auto client = clientFor(server.tokenUrl());
        const QByteArray refreshToken = "sk-ant-ort01-Secret0Refresh0Token0Value0123456789";
        m_secrets << refreshToken << "0123456789abcdefSECRETcode";
        server.failNext(400,
                        "{\"error\":\"invalid_grant\",\"error_description\":\"unknown token " + refreshToken
                            + " (also sk-ant-oat01-Another0Token)\"}");
        Outcome refresh;
        QVERIFY(
            run([&](auto done) { client->refresh(SecretBytes(QByteArray(refreshToken)), direct(), done); }, refresh));
        QCOMPARE(codeOf(*refresh.result), ErrorCode::ReauthorizationRequired);
        QVERIFY2(!detailOf(*refresh.result).contains(u"Secret0Refresh"_s), qPrintable(detailOf(*refresh.result)));
        QVERIFY(!detailOf(*refresh.result).contains(u"Another0Token"_s));
        QVERIFY(detailOf(*refresh.result).contains(u"unknown token"_s));

        const PkceSession session = rd::oauth::startAuthorization(client->endpoints(), false, kNow);
        m_secrets << session.verifier;
        server.failNext(500,
                        "{\"error\":\"server_error\",\"error_description\":\"bad code 0123456789abcdefSECRETcode "
                        "verifier "
                            + session.verifier + "\"}");
        Outcome exchange;
        QVERIFY(run([&](auto done) { client->exchangeCode(session, "0123456789abcdefSECRETcode", direct(), done); },
                    exchange));
        const QString detail = detailOf(*exchange.result);
        QCOMPARE(codeOf(*exchange.result), ErrorCode::UpstreamUnavailable);
        QVERIFY2(!detail.contains(u"SECRETcode"_s), qPrintable(detail));
        QVERIFY2(!detail.contains(QString::fromLatin1(session.verifier)), qPrintable(detail));
    }

    void slowServerTimesOut()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        server.setResponseDelayMs(5000);
        const auto client = clientFor(server.tokenUrl());
        client->setTimeoutMs(200);
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes("sk-ant-ort01-x"_ba), direct(), done); }, outcome));
        QCOMPARE(codeOf(*outcome.result), ErrorCode::UpstreamTimeout);
        QVERIFY(detailOf(*outcome.result).contains(u"200 ms"_s));
    }

    void closedPortIsConnectFailure()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        const auto client = clientFor(u"http://127.0.0.1:%1/v1/oauth/token"_s.arg(port));
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes("sk-ant-ort01-x"_ba), direct(), done); }, outcome));
        QCOMPARE(codeOf(*outcome.result), ErrorCode::UpstreamConnect);
    }

    void unusableTokenUrlIsConfigError()
    {
        const auto client = clientFor(u"ftp://127.0.0.1/token"_s);
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes("sk-ant-ort01-x"_ba), direct(), done); }, outcome));
        QCOMPARE(codeOf(*outcome.result), ErrorCode::InvalidConfig);
    }

    void exchangeGoesThroughTheAccountProxy_data()
    {
        QTest::addColumn<MockProxy::Kind>("kind");
        QTest::newRow("SOCKS5") << MockProxy::Kind::Socks5;
        QTest::newRow("HTTP") << MockProxy::Kind::HttpConnect;
    }
    void exchangeGoesThroughTheAccountProxy()
    {
        QFETCH(MockProxy::Kind, kind);
        MockOAuthServer server;
        QVERIFY(server.listen());
        MockProxy proxy(kind);
        proxy.requireCredentials("proxyuser", "proxy-password");
        QVERIFY(proxy.listen());
        const auto client = clientFor(server.tokenUrl());
        const PkceSession session = rd::oauth::startAuthorization(client->endpoints(), false, kNow);
        m_secrets << session.verifier << "proxy-password";
        server.expectChallenge("via-proxy", session.challenge);
        const QNetworkProxy account(kind == MockProxy::Kind::Socks5 ? QNetworkProxy::Socks5Proxy
                                                                    : QNetworkProxy::HttpProxy,
                                    u"127.0.0.1"_s,
                                    proxy.port(),
                                    u"proxyuser"_s,
                                    u"proxy-password"_s);
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->exchangeCode(session, "via-proxy", account, done); }, outcome));
        QVERIFY2(outcome.result->has_value(), qPrintable(detailOf(*outcome.result)));
        QCOMPARE(proxy.tunnelsOpened(), 1);
        QCOMPARE(proxy.authFailures(), 0);
        QCOMPARE(proxy.targets(), QList<QByteArray>{"127.0.0.1:" + QByteArray::number(server.port())});
        QCOMPARE(server.exchangeCount(), 1);
    }

    void deadProxyIsConnectFailure()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        MockOAuthServer server;
        QVERIFY(server.listen());
        const auto client = clientFor(server.tokenUrl());
        const QNetworkProxy account(QNetworkProxy::Socks5Proxy, u"127.0.0.1"_s, port);
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes("sk-ant-ort01-x"_ba), account, done); }, outcome));
        QCOMPARE(codeOf(*outcome.result), ErrorCode::UpstreamConnect);
        QCOMPARE(server.requestCount(), 0);
    }

    void deletingTheClientDropsTheReport()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        server.setResponseDelayMs(100);
        auto doomed = clientFor(server.tokenUrl());
        int doomedCalls = 0;
        doomed->refresh(
            SecretBytes(server.issueRefreshToken()), direct(), [&doomedCalls](Result<TokenSet>) { ++doomedCalls; });
        QTRY_COMPARE(server.requestCount(), 1);
        doomed.reset();
        // A second call answered after the same delay: by then the first answer would have arrived too.
        const auto client = clientFor(server.tokenUrl());
        Outcome outcome;
        QVERIFY(
            run([&](auto done) { client->refresh(SecretBytes(server.issueRefreshToken()), direct(), done); }, outcome));
        QVERIFY(outcome.result->has_value());
        QCOMPARE(doomedCalls, 0);
    }

private:
    QList<QByteArray> m_secrets; // checked against every log line in cleanup()
};

QTEST_GUILESS_MAIN(TestClaudeOAuthClient)
#include "tst_claudeoauthclient.moc"
