// SPDX-License-Identifier: GPL-3.0-or-later
// Claude OAuth (PROTOCOLS §5.1) without a network: PKCE values, the authorize URL, pasted codes, the 10-minute expiry
// of a pending sign-in and pasted setup tokens. The token client is in tst_claudeoauthclient.cpp.
#include "core/oauth/claudeoauth.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using rd::ErrorCode;
using rd::Result;
using rd::oauth::ClaudeOAuthEndpoints;
using rd::oauth::PkceSession;
using rd::oauth::TokenSet;

namespace {

constexpr qint64 kNow = 1'760'000'000'000;
constexpr QByteArrayView kState = "c3RhdGUtb2YtdGhpcy1zaWduLWluLTAxMjM0NTY3ODk";

QByteArray base64UrlSha256(const QByteArray &text)
{
    return QCryptographicHash::hash(text, QCryptographicHash::Sha256)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// For failure messages: QVERIFY2 evaluates its message even when the check holds.
QString detailOf(const Result<QByteArray> &result)
{
    return result ? QString() : result.error().detail;
}

} // namespace

class TestClaudeOAuth : public QObject
{
    Q_OBJECT
private slots:
    void pkceValuesAreS256()
    {
        const PkceSession one = rd::oauth::startAuthorization(ClaudeOAuthEndpoints::defaults(), false, kNow);
        const PkceSession two = rd::oauth::startAuthorization(ClaudeOAuthEndpoints::defaults(), false, kNow);
        static const QRegularExpression base64Url43(u"^[A-Za-z0-9_-]{43}$"_s);
        QVERIFY(base64Url43.match(QString::fromLatin1(one.verifier)).hasMatch());
        QVERIFY(base64Url43.match(QString::fromLatin1(one.state)).hasMatch());
        QCOMPARE(one.challenge, base64UrlSha256(one.verifier));
        QCOMPARE(one.createdAtMs, kNow);
        QVERIFY(!one.setupToken);
        QVERIFY(one.verifier != two.verifier);
        QVERIFY(one.state != two.state);
        QVERIFY(one.state != one.verifier);
    }

    void authorizeUrlCarriesEveryParameter_data()
    {
        QTest::addColumn<bool>("setupToken");
        QTest::addColumn<QByteArray>("encodedScope");
        QTest::newRow("browser sign-in") << false
                                         << "org%3Acreate_api_key%20user%3Aprofile%20user%3Ainference%20user%3Asessions"
                                            "%3Aclaude_code%20user%3Amcp_servers%20user%3Afile_upload"_ba;
        QTest::newRow("setup token") << true << "user%3Ainference"_ba;
    }
    void authorizeUrlCarriesEveryParameter()
    {
        QFETCH(bool, setupToken);
        QFETCH(QByteArray, encodedScope);
        const ClaudeOAuthEndpoints endpoints = ClaudeOAuthEndpoints::defaults();
        const PkceSession session = rd::oauth::startAuthorization(endpoints, setupToken, kNow);
        QCOMPARE(session.setupToken, setupToken);
        const QUrl &url = session.authorizeUrl;
        QCOMPARE(url.toString(QUrl::RemoveQuery), u"https://claude.ai/oauth/authorize"_s);
        const QByteArray expectedQuery =
            "code=true&client_id=9d1c250a-e61b-44d9-88ed-5944d1962f5e&response_type=code"
            "&redirect_uri=https%3A%2F%2Fplatform.claude.com%2Foauth%2Fcode%2Fcallback&scope="
            + encodedScope + "&code_challenge=" + session.challenge
            + "&code_challenge_method=S256&state=" + session.state;
        QCOMPARE(url.query(QUrl::FullyEncoded).toLatin1(), expectedQuery);
        QCOMPARE(url.toEncoded(), QByteArray("https://claude.ai/oauth/authorize?" + expectedQuery));
        const QUrlQuery query(url);
        QCOMPARE(query.queryItemValue(u"redirect_uri"_s, QUrl::FullyDecoded), endpoints.redirectUri);
        QCOMPARE(query.queryItemValue(u"scope"_s, QUrl::FullyDecoded),
                 setupToken ? endpoints.setupTokenScopes : endpoints.scopes);
    }

    void extractsCodeFromWhatUsersPaste_data()
    {
        const QString callback = u"https://platform.claude.com/oauth/code/callback"_s;
        const QString state = QString::fromLatin1(kState);
        QTest::addColumn<QString>("pasted");
        QTest::addColumn<QByteArray>("code"); // empty: InvalidArgument expected
        QTest::addColumn<QString>("detail");
        QTest::newRow("code#state") << QString(u"Abc123_-xyz#"_s + state) << "Abc123_-xyz"_ba << QString();
        QTest::newRow("bare code") << u"Abc123_-xyz"_s << "Abc123_-xyz"_ba << QString();
        QTest::newRow("code&rest") << u"Abc123&foo=bar"_s << "Abc123"_ba << QString();
        QTest::newRow("code#state&rest") << QString(u"Abc123#"_s + state + u"&x=1"_s) << "Abc123"_ba << QString();
        QTest::newRow("callback URL") << QString(callback + u"?code=Abc123&state="_s + state) << "Abc123"_ba
                                      << QString();
        QTest::newRow("callback URL, state in fragment")
            << QString(callback + u"?code=Abc123#"_s + state) << "Abc123"_ba << QString();
        QTest::newRow("callback URL without state")
            << QString(callback + u"?code=Abc123"_s) << "Abc123"_ba << QString();
        QTest::newRow("percent-encoded code") << QString(callback + u"?code=Abc%2D123"_s) << "Abc-123"_ba << QString();
        QTest::newRow("whitespace around")
            << QString(u" \n\tAbc123#"_s + state + u"  \r\n"_s) << "Abc123"_ba << QString();
        QTest::newRow("wrong state") << u"Abc123#someOtherState"_s << QByteArray() << u"state mismatch"_s;
        QTest::newRow("URL, wrong state")
            << QString(callback + u"?code=Abc123&state=other"_s) << QByteArray() << u"state mismatch"_s;
        QTest::newRow("empty") << QString() << QByteArray() << u"no authorization code"_s;
        QTest::newRow("only whitespace") << u" \n "_s << QByteArray() << u"no authorization code"_s;
        QTest::newRow("only a state") << QString(u"#"_s + state) << QByteArray() << u"no authorization code"_s;
        QTest::newRow("URL without code") << QString(callback + u"?state="_s + state) << QByteArray() << u"no code"_s;
        QTest::newRow("space inside") << u"Abc 123"_s << QByteArray() << u"characters"_s;
    }
    void extractsCodeFromWhatUsersPaste()
    {
        QFETCH(QString, pasted);
        QFETCH(QByteArray, code);
        QFETCH(QString, detail);
        const Result<QByteArray> result = rd::oauth::extractAuthorizationCode(pasted, kState.toByteArray());
        if (!code.isEmpty()) {
            QVERIFY2(result.has_value(), qPrintable(detailOf(result)));
            QCOMPARE(*result, code);
            return;
        }
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(result.error().detail.contains(detail), qPrintable(result.error().detail));
        QVERIFY(!result.error().detail.contains(u"Abc"_s));
    }

    void pendingSignInExpiresAfterTenMinutes_data()
    {
        QTest::addColumn<qint64>("elapsedMs");
        QTest::addColumn<bool>("expired");
        QTest::newRow("fresh") << qint64{0} << false;
        QTest::newRow("9:59.999") << qint64{599'999} << false;
        QTest::newRow("10:00") << qint64{600'000} << true;
        QTest::newRow("an hour") << qint64{3'600'000} << true;
    }
    void pendingSignInExpiresAfterTenMinutes()
    {
        QFETCH(qint64, elapsedMs);
        QFETCH(bool, expired);
        const PkceSession session = rd::oauth::startAuthorization(ClaudeOAuthEndpoints::defaults(), false, kNow);
        QCOMPARE(session.isExpired(kNow + elapsedMs), expired);
    }

    void setupTokenShape_data()
    {
        const QByteArray good = "sk-ant-oat01-AbCdEf0123456789_-AbCdEf0123456789_-AbCdEf0123456789AA";
        QTest::addColumn<QByteArray>("pasted");
        QTest::addColumn<QByteArray>("token"); // empty: InvalidArgument expected
        QTest::newRow("setup token") << good << good;
        QTest::newRow("whitespace around") << QByteArray("  " + good + "\n") << good;
        QTest::newRow("refresh token") << "sk-ant-ort01-AbCdEf0123456789_-AbCdEf0123456789"_ba << QByteArray();
        QTest::newRow("API key") << "sk-ant-api03-AbCdEf0123456789_-AbCdEf0123456789"_ba << QByteArray();
        QTest::newRow("too short") << "sk-ant-oat01-AbCdEf"_ba << QByteArray();
        QTest::newRow("space inside") << "sk-ant-oat01-AbCdEf0123456789 AbCdEf0123456789"_ba << QByteArray();
        QTest::newRow("Bearer prefix") << QByteArray("Bearer " + good) << QByteArray();
        QTest::newRow("empty") << QByteArray() << QByteArray();
    }
    void setupTokenShape()
    {
        QFETCH(QByteArray, pasted);
        QFETCH(QByteArray, token);
        const Result<TokenSet> result = rd::oauth::tokenSetFromSetupToken(pasted, kNow);
        if (token.isEmpty()) {
            QVERIFY(!result);
            QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
            QVERIFY(!result.error().detail.contains(u"AbCdEf"_s));
            return;
        }
        QVERIFY(result.has_value());
        QVERIFY(result->accessToken.equals(token));
        QVERIFY(result->refreshToken.isEmpty());
        QCOMPARE(result->expiresAtMs, kNow + qint64{31536000} * 1000);
        QCOMPARE(result->scope, u"user:inference"_s);
    }
};

QTEST_GUILESS_MAIN(TestClaudeOAuth)
#include "tst_claudeoauth.moc"
