// SPDX-License-Identifier: GPL-3.0-or-later
// OpenAITokenClient against MockOAuthServer on loopback (PROTOCOLS §5.3, §5.5): form-encoded exchange and refresh,
// identity from the id token, rotation, error mapping, timeouts, no secret in any detail or log line; and the
// LoopbackCallbackServer that takes the browser's redirect, driven by real HTTP requests.
#include "core/oauth/loopbackcallback.h"
#include "core/oauth/openaioauth.h"
#include "tests/support/mockoauthserver.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QUrlQuery>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using rd::ErrorCode;
using rd::Result;
using rd::SecretBytes;
using rd::oauth::LoopbackCallbackServer;
using rd::oauth::OpenAIOAuthEndpoints;
using rd::oauth::OpenAITokenClient;
using rd::oauth::PkceSession;
using rd::oauth::TokenSet;
using rd::test::MockOAuthServer;

Q_DECLARE_METATYPE(rd::ErrorCode)

namespace {

constexpr qint64 kNow = 1'760'000'000'000;

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

std::unique_ptr<OpenAITokenClient> clientFor(const QString &tokenUrl)
{
    OpenAIOAuthEndpoints endpoints = OpenAIOAuthEndpoints::defaults();
    endpoints.tokenUrl = tokenUrl;
    auto client = std::make_unique<OpenAITokenClient>(endpoints);
    client->setClock([] { return kNow; });
    return client;
}

QNetworkProxy direct()
{
    return QNetworkProxy(QNetworkProxy::NoProxy);
}

template <typename T>
QString detailOf(const Result<T> &result)
{
    return result ? QString() : result.error().detail;
}

template <typename T>
ErrorCode codeOf(const Result<T> &result)
{
    return result ? ErrorCode::Internal : result.error().code; // Internal: "no error" here
}

QString sent(const MockOAuthServer &server, const char *name)
{
    return QUrlQuery(QString::fromUtf8(server.lastRequestBody()))
        .queryItemValue(QLatin1String(name), QUrl::FullyDecoded);
}

// A port nobody listens on right now.
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) {
        return 0;
    }
    return probe.serverPort();
}

struct Page
{
    int status = 0;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
};

Page get(QNetworkAccessManager &nam, const QString &url)
{
    QNetworkRequest request{QUrl(url)};
    request.setTransferTimeout(5000);
    QNetworkReply *reply = nam.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished()) {
        finished.wait(10000);
    }
    Page page{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(), reply->error()};
    reply->deleteLater();
    return page;
}

} // namespace

class TestOpenAIOAuthClient : public QObject
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
    void cleanup()
    {
        static const QRegularExpression tokenShaped(u"oai-access-mock-|rt_mock_|eyJ"_s);
        for (const QString &line : std::as_const(g_logLines)) {
            QVERIFY2(!line.contains(tokenShaped), qPrintable(line));
            for (const QByteArray &secret : std::as_const(m_secrets)) {
                QVERIFY2(!line.contains(QString::fromLatin1(secret)), qPrintable(line));
            }
        }
        m_secrets.clear();
    }

    void exchangeFillsTokenSetAndIdentity()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        const auto client = clientFor(server.openaiTokenUrl());
        const PkceSession session = rd::oauth::startOpenAIAuthorization(client->endpoints(), kNow);
        m_secrets << session.verifier << "ac_code-one";
        server.expectChallenge("ac_code-one", session.challenge);
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->exchangeCode(session, "ac_code-one", direct(), done); }, outcome));
        QVERIFY2(outcome.result->has_value(), qPrintable(detailOf(*outcome.result)));
        const TokenSet &tokens = **outcome.result;
        QVERIFY(tokens.accessToken.expose().startsWith("oai-access-mock-"));
        QVERIFY(tokens.refreshToken.expose().startsWith("rt_mock_"));
        QVERIFY(server.isRefreshTokenValid(tokens.refreshToken.expose().toByteArray()));
        QCOMPARE(tokens.expiresAtMs, kNow + 28800 * 1000);
        QCOMPARE(tokens.chatgptAccountId, QString::fromLatin1(MockOAuthServer::kChatGPTAccountId));
        QCOMPARE(tokens.planType, u"plus"_s);
        QCOMPARE(tokens.email, QString::fromLatin1(MockOAuthServer::kEmail));
        QCOMPARE(tokens.accountUuid, QString::fromLatin1(MockOAuthServer::kChatGPTUserId));
        QCOMPARE(tokens.organizationUuid, QString::fromLatin1(MockOAuthServer::kDefaultOrganization));

        QCOMPARE(server.exchangeCount(), 1);
        QVERIFY(server.lastContentType().startsWith("application/x-www-form-urlencoded"));
        QCOMPARE(sent(server, "grant_type"), u"authorization_code"_s);
        QCOMPARE(sent(server, "code"), u"ac_code-one"_s);
        QCOMPARE(sent(server, "redirect_uri"), u"http://localhost:1455/auth/callback"_s);
        QCOMPARE(sent(server, "client_id"), u"app_EMoamEEZ73f0CkXaXp7hrann"_s);
        QCOMPARE(sent(server, "code_verifier").toLatin1(), session.verifier);
        QVERIFY(!server.lastRequestBody().contains('+')); // spaces and the like are %-encoded
    }

    void exchangeFailures_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<ErrorCode>("expected");
        QTest::addColumn<int>("requests");
        QTest::newRow("wrong verifier") << u"verifier"_s << ErrorCode::ReauthorizationRequired << 1;
        QTest::newRow("code used twice") << u"reuse"_s << ErrorCode::ReauthorizationRequired << 2;
        QTest::newRow("other redirect URI") << u"redirect"_s << ErrorCode::ReauthorizationRequired << 1;
        QTest::newRow("other client id") << u"client"_s << ErrorCode::ReauthorizationRequired << 1;
        QTest::newRow("sign-in expired") << u"expired"_s << ErrorCode::InvalidArgument << 0;
    }
    void exchangeFailures()
    {
        QFETCH(QString, fault);
        QFETCH(ErrorCode, expected);
        QFETCH(int, requests);
        MockOAuthServer server;
        QVERIFY(server.listen());
        OpenAIOAuthEndpoints endpoints = OpenAIOAuthEndpoints::defaults();
        endpoints.tokenUrl = server.openaiTokenUrl();
        if (fault == u"redirect") {
            endpoints.redirectUri = u"http://localhost:9999/elsewhere"_s;
        } else if (fault == u"client") {
            endpoints.clientId = u"app_someone_else"_s;
        }
        OpenAITokenClient client(endpoints);
        client.setClock([] { return kNow; });
        const PkceSession session = rd::oauth::startOpenAIAuthorization(endpoints, kNow);
        const PkceSession other = rd::oauth::startOpenAIAuthorization(endpoints, kNow);
        m_secrets << session.verifier << other.verifier;
        server.expectChallenge("the-code", fault == u"verifier" ? other.challenge : session.challenge);
        if (fault == u"reuse") {
            Outcome first;
            QVERIFY(run([&](auto done) { client.exchangeCode(session, "the-code", direct(), done); }, first));
            QVERIFY(first.result->has_value());
        }
        PkceSession used = session;
        used.createdAtMs = fault == u"expired" ? kNow - PkceSession::kLifetimeMs : kNow;
        Outcome outcome;
        QVERIFY(run([&](auto done) { client.exchangeCode(used, "the-code", direct(), done); }, outcome));
        QVERIFY(!*outcome.result);
        QCOMPARE(codeOf(*outcome.result), expected);
        QCOMPARE(server.exchangeCount(), requests);
    }

    void refreshRotates()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        const auto client = clientFor(server.openaiTokenUrl());
        const QByteArray original = server.issueOpenAIRefreshToken();
        Outcome first;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes(QByteArray(original)), direct(), done); }, first));
        QVERIFY2(first.result->has_value(), qPrintable(detailOf(*first.result)));
        QVERIFY(server.lastContentType().startsWith("application/x-www-form-urlencoded"));
        QCOMPARE(sent(server, "grant_type"), u"refresh_token"_s);
        QCOMPARE(sent(server, "client_id"), u"app_EMoamEEZ73f0CkXaXp7hrann"_s);
        QCOMPARE(sent(server, "refresh_token").toLatin1(), original);
        QCOMPARE(sent(server, "scope"), u"openid profile email"_s);
        const TokenSet &rotated = **first.result;
        QVERIFY(!rotated.refreshToken.isEmpty());
        QVERIFY(!rotated.refreshToken.equals(original));
        QCOMPARE(rotated.chatgptAccountId, QString::fromLatin1(MockOAuthServer::kChatGPTAccountId));
        QVERIFY(!server.isRefreshTokenValid(original));

        Outcome replay; // the rotated-out token is dead: 401 refresh_token_reused
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes(QByteArray(original)), direct(), done); }, replay));
        QCOMPARE(codeOf(*replay.result), ErrorCode::ReauthorizationRequired);
        QVERIFY2(detailOf(*replay.result).contains(u"refresh_token_reused"_s), qPrintable(detailOf(*replay.result)));

        Outcome next;
        QVERIFY(run([&](auto done) { client->refresh(rotated.refreshToken, direct(), done); }, next));
        QVERIFY(next.result->has_value());
        QCOMPARE(server.refreshCount(), 3);
    }

    void refreshWithoutNewRefreshTokenOrIdToken()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        server.setOmitRefreshToken(true);
        server.setOmitIdToken(true);
        const auto client = clientFor(server.openaiTokenUrl());
        const QByteArray original = server.issueOpenAIRefreshToken();
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes(QByteArray(original)), direct(), done); }, outcome));
        QVERIFY2(outcome.result->has_value(), qPrintable(detailOf(*outcome.result)));
        QVERIFY(!(*outcome.result)->accessToken.isEmpty());
        QVERIFY((*outcome.result)->refreshToken.isEmpty()); // the caller keeps its old one
        QVERIFY((*outcome.result)->chatgptAccountId.isEmpty());
    }

    void missingExpiresInMeansAnHour()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        server.failNext(200, "{\"access_token\":\"oai-access-mock-x\",\"refresh_token\":\"rt_mock_x\"}");
        const auto client = clientFor(server.openaiTokenUrl());
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes("rt_mock_a"_ba), direct(), done); }, outcome));
        QVERIFY(outcome.result->has_value());
        QCOMPARE((*outcome.result)->expiresAtMs, kNow + 3'600'000);
    }

    void refreshWithoutTokenNeedsSignIn()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        const auto client = clientFor(server.openaiTokenUrl());
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes(), direct(), done); }, outcome));
        QCOMPARE(codeOf(*outcome.result), ErrorCode::ReauthorizationRequired);
        QCOMPARE(server.requestCount(), 0);
    }

    void answersMapToCodes_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<ErrorCode>("expected");
        QTest::addColumn<QString>("detail");
        QTest::newRow("400 invalid_grant") << 400 << "{\"error\":\"invalid_grant\",\"error_description\":\"Gone\"}"_ba
                                           << ErrorCode::ReauthorizationRequired << u"invalid_grant – Gone"_s;
        QTest::newRow("401 refresh_token_expired")
            << 401
            << "{\"error\":{\"message\":\"Your refresh token has expired\",\"type\":\"invalid_request_error\","
               "\"code\":\"refresh_token_expired\"}}"_ba
            << ErrorCode::ReauthorizationRequired << u"refresh_token_expired – Your refresh token has expired"_s;
        QTest::newRow("400 other error") << 400 << "{\"error\":\"invalid_request\"}"_ba
                                         << ErrorCode::UpstreamUnavailable << u"HTTP 400: invalid_request"_s;
        QTest::newRow("429 error object without code")
            << 429 << "{\"error\":{\"type\":\"rate_limit_exceeded\",\"message\":\"Slow down\"}}"_ba
            << ErrorCode::UpstreamUnavailable << u"rate_limit_exceeded – Slow down"_s;
        QTest::newRow("502 HTML") << 502 << "<html>bad gateway</html>"_ba << ErrorCode::UpstreamUnavailable
                                  << u"HTTP 502"_s;
        QTest::newRow("200 not JSON") << 200 << "<html></html>"_ba << ErrorCode::UpstreamProtocol << u"JSON"_s;
        QTest::newRow("200 without access_token")
            << 200 << "{\"id_token\":\"a.b.c\"}"_ba << ErrorCode::UpstreamProtocol << u"access_token"_s;
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
        const auto client = clientFor(server.openaiTokenUrl());
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes("rt_whatever"_ba), direct(), done); }, outcome));
        QVERIFY(!*outcome.result);
        QCOMPARE(codeOf(*outcome.result), expected);
        QVERIFY2(detailOf(*outcome.result).contains(detail), qPrintable(detailOf(*outcome.result)));
    }

    void unreadableIdTokenKeepsTheTokens()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        server.failNext(200,
                        "{\"access_token\":\"oai-access-mock-y\",\"refresh_token\":\"rt_mock_y\",\"id_token\":\"x\"}");
        const auto client = clientFor(server.openaiTokenUrl());
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes("rt_mock_b"_ba), direct(), done); }, outcome));
        QVERIFY(outcome.result->has_value()); // the old refresh token is spent: the new pair must not be lost
        QVERIFY((*outcome.result)->refreshToken.equals("rt_mock_y"));
        QVERIFY((*outcome.result)->chatgptAccountId.isEmpty());
    }

    void secretsNeverReachDetails()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        const auto client = clientFor(server.openaiTokenUrl());
        const QByteArray refreshToken = "rt_Secret0Refresh0Value";
        m_secrets << refreshToken << "SECRETcode0"
                  << "eyJhbGciOi.SECRETjwt.part";
        server.failNext(401,
                        "{\"error\":{\"code\":\"refresh_token_invalidated\",\"message\":\"token " + refreshToken
                            + " revoked; current eyJhbGciOi.SECRETjwt.part\"}}");
        Outcome refresh;
        QVERIFY(
            run([&](auto done) { client->refresh(SecretBytes(QByteArray(refreshToken)), direct(), done); }, refresh));
        QCOMPARE(codeOf(*refresh.result), ErrorCode::ReauthorizationRequired);
        const QString refreshDetail = detailOf(*refresh.result);
        QVERIFY2(!refreshDetail.contains(u"Secret0Refresh"_s), qPrintable(refreshDetail));
        QVERIFY2(!refreshDetail.contains(u"SECRETjwt"_s), qPrintable(refreshDetail));
        QVERIFY(refreshDetail.contains(u"revoked"_s));

        const PkceSession session = rd::oauth::startOpenAIAuthorization(client->endpoints(), kNow);
        m_secrets << session.verifier;
        server.failNext(500,
                        "{\"error\":\"server_error\",\"error_description\":\"bad code SECRETcode0 verifier "
                            + session.verifier + "\"}");
        Outcome exchange;
        QVERIFY(run([&](auto done) { client->exchangeCode(session, "SECRETcode0", direct(), done); }, exchange));
        const QString detail = detailOf(*exchange.result);
        QCOMPARE(codeOf(*exchange.result), ErrorCode::UpstreamUnavailable);
        QVERIFY2(!detail.contains(u"SECRETcode0"_s), qPrintable(detail));
        QVERIFY2(!detail.contains(QString::fromLatin1(session.verifier)), qPrintable(detail));
    }

    void slowServerTimesOut()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        server.setResponseDelayMs(5000);
        const auto client = clientFor(server.openaiTokenUrl());
        client->setTimeoutMs(200);
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes("rt_x"_ba), direct(), done); }, outcome));
        QCOMPARE(codeOf(*outcome.result), ErrorCode::UpstreamTimeout);
        QVERIFY(detailOf(*outcome.result).contains(u"200 ms"_s));
    }

    void closedPortIsConnectFailure()
    {
        const auto client = clientFor(u"http://127.0.0.1:%1/oauth/token"_s.arg(freePort()));
        Outcome outcome;
        QVERIFY(run([&](auto done) { client->refresh(SecretBytes("rt_x"_ba), direct(), done); }, outcome));
        QCOMPARE(codeOf(*outcome.result), ErrorCode::UpstreamConnect);
    }

    // The browser's redirect reaches the loopback server: page, one signal, then the port is closed.
    void loopbackServerTakesTheCallback()
    {
        const quint16 port = freePort();
        QVERIFY(port != 0);
        const QUrl redirect(u"http://localhost:%1/auth/callback"_s.arg(port));
        LoopbackCallbackServer callback;
        QString error;
        QVERIFY2(callback.listen(redirect, &error), qPrintable(error));
        QCOMPARE(callback.port(), port);
        QSignalSpy received(&callback, &LoopbackCallbackServer::callbackReceived);
        QNetworkAccessManager nam;
        nam.setProxy(QNetworkProxy::NoProxy);
        const QString base = u"http://127.0.0.1:%1"_s.arg(port);

        QCOMPARE(get(nam, base + u"/favicon.ico"_s).status, 404);
        const Page stray = get(nam, base + u"/auth/callback"_s); // no code, no error: not the provider
        QCOMPARE(stray.status, 400);
        QVERIFY(received.isEmpty());
        QVERIFY(callback.isListening());

        const Page page = get(nam, base + u"/auth/callback?code=ac_Loop%2Bback&scope=openid&state=st4te"_s);
        QCOMPARE(page.status, 200);
        QVERIFY2(page.body.contains("Signed in"), page.body.constData());
        QVERIFY(page.body.contains("return to RelayDesk"));
        QTRY_COMPARE(received.size(), 1);
        const QString url = received.first().first().toString();
        QVERIFY2(url.startsWith(redirect.toString() + u"?"_s), qPrintable(url));
        const Result<QByteArray> code = rd::oauth::extractOpenAICallbackCode(url, "st4te");
        QVERIFY2(code.has_value(), qPrintable(detailOf(code)));
        QCOMPARE(*code, "ac_Loop+back"_ba);

        QVERIFY(!callback.isListening()); // one-shot
        QVERIFY(get(nam, base + u"/auth/callback?code=again&state=st4te"_s).error != QNetworkReply::NoError);
        QCOMPARE(received.size(), 1);
    }

    void loopbackServerReportsAProviderError()
    {
        const quint16 port = freePort();
        LoopbackCallbackServer callback;
        QString error;
        QVERIFY2(callback.listen(QUrl(u"http://localhost:%1/auth/callback"_s.arg(port)), &error), qPrintable(error));
        QSignalSpy received(&callback, &LoopbackCallbackServer::callbackReceived);
        QNetworkAccessManager nam;
        nam.setProxy(QNetworkProxy::NoProxy);
        const Page page = get(nam, u"http://127.0.0.1:%1/auth/callback?error=access_denied&state=s"_s.arg(port));
        QCOMPARE(page.status, 400);
        QVERIFY(page.body.contains("not completed"));
        QTRY_COMPARE(received.size(), 1);
        const Result<QByteArray> code = rd::oauth::extractOpenAICallbackCode(received.first().first().toString(), "s");
        QVERIFY(!code);
        QVERIFY(code.error().detail.contains(u"access_denied"_s));
    }

    void loopbackServerRefusesOtherMethodsAndHugeRequests()
    {
        const quint16 port = freePort();
        LoopbackCallbackServer callback;
        QVERIFY(callback.listen(QUrl(u"http://127.0.0.1:%1/cb"_s.arg(port)), nullptr));
        QSignalSpy received(&callback, &LoopbackCallbackServer::callbackReceived);
        QNetworkAccessManager nam;
        nam.setProxy(QNetworkProxy::NoProxy);
        QNetworkReply *post =
            nam.post(QNetworkRequest(QUrl(u"http://127.0.0.1:%1/cb?code=a&state=b"_s.arg(port))), "x"_ba);
        QSignalSpy postDone(post, &QNetworkReply::finished);
        QVERIFY(postDone.wait(5000));
        QCOMPARE(post->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 405);
        post->deleteLater();
        const QString huge = u"http://127.0.0.1:%1/cb?code="_s.arg(port) + QString(20000, u'a') + u"&state=b"_s;
        const Page tooBig = get(nam, huge);
        QCOMPARE(tooBig.status, 431);
        QVERIFY(received.isEmpty());
        QVERIFY(callback.isListening());
    }

    void secondListenerOnTheSamePortFailsCleanly()
    {
        const quint16 port = freePort();
        const QUrl redirect(u"http://localhost:%1/auth/callback"_s.arg(port));
        LoopbackCallbackServer first;
        QVERIFY(first.listen(redirect, nullptr));
        LoopbackCallbackServer second;
        QString error;
        QVERIFY(!second.listen(redirect, &error));
        QVERIFY2(error.contains(u"in use"_s), qPrintable(error));
        QVERIFY(error.contains(QString::number(port)));
        QVERIFY(!second.isListening());
        QVERIFY(first.isListening());
        first.stop();
        QVERIFY(second.listen(redirect, &error)); // free again
    }

    void loopbackServerNeedsALoopbackRedirect()
    {
        LoopbackCallbackServer callback;
        QString error;
        QVERIFY(!callback.listen(QUrl(u"https://example.com/auth/callback"_s), &error));
        QVERIFY(error.contains(u"loopback"_s));
    }

    // Authorize URL → browser callback on loopback → exchange: the whole sign-in, minus the browser.
    void signInEndToEnd()
    {
        MockOAuthServer server;
        QVERIFY(server.listen());
        const quint16 port = freePort();
        OpenAIOAuthEndpoints endpoints = OpenAIOAuthEndpoints::defaults();
        endpoints.tokenUrl = server.openaiTokenUrl();
        endpoints.redirectUri = u"http://localhost:%1/auth/callback"_s.arg(port);
        server.setOpenAIClient(endpoints.clientId.toLatin1(), endpoints.redirectUri.toLatin1());
        const PkceSession session = rd::oauth::startOpenAIAuthorization(endpoints, kNow);
        m_secrets << session.verifier;
        server.expectChallenge("ac_e2e", session.challenge);
        LoopbackCallbackServer callback;
        QVERIFY(callback.listen(QUrl(endpoints.redirectUri), nullptr));
        QSignalSpy received(&callback, &LoopbackCallbackServer::callbackReceived);
        QNetworkAccessManager nam;
        nam.setProxy(QNetworkProxy::NoProxy);
        const QByteArray state = QUrl::toPercentEncoding(QString::fromLatin1(session.state));
        QCOMPARE(
            get(nam,
                u"http://127.0.0.1:%1/auth/callback?code=ac_e2e&state=%2"_s.arg(port).arg(QString::fromLatin1(state)))
                .status,
            200);
        QTRY_COMPARE(received.size(), 1);
        const Result<QByteArray> code =
            rd::oauth::extractOpenAICallbackCode(received.first().first().toString(), session.state);
        QVERIFY2(code.has_value(), qPrintable(detailOf(code)));
        OpenAITokenClient client(endpoints);
        client.setClock([] { return kNow; });
        Outcome outcome;
        QVERIFY(run([&](auto done) { client.exchangeCode(session, *code, direct(), done); }, outcome));
        QVERIFY2(outcome.result->has_value(), qPrintable(detailOf(*outcome.result)));
        QCOMPARE((*outcome.result)->planType, u"plus"_s);
    }

private:
    QList<QByteArray> m_secrets;
};

QTEST_GUILESS_MAIN(TestOpenAIOAuthClient)
#include "tst_openaioauthclient.moc"
