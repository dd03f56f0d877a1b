// SPDX-License-Identifier: GPL-3.0-or-later
// ChatGPT (Codex) OAuth (PROTOCOLS §5.3) without a network: PKCE and the authorize URL, callback parsing, id-token
// claims from hand-made JWTs, and the account record built for the store. The token client is in
// tst_openaioauthclient.cpp.
#include "core/oauth/openaioauth.h"
#include "core/providers/console/consoleaccount.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using rd::ErrorCode;
using rd::Result;
using rd::SecretBytes;
using rd::oauth::OpenAIIdentity;
using rd::oauth::OpenAIOAuthEndpoints;
using rd::oauth::PkceSession;
using rd::oauth::TokenSet;

Q_DECLARE_METATYPE(rd::ErrorCode)

namespace {

constexpr qint64 kNow = 1'760'000'000'000;
constexpr QByteArrayView kState = "c3RhdGUtb2YtdGhpcy1zaWduLWluLTAxMjM0NTY3ODk";

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// header.payload.signature around a hand-written payload.
QByteArray jwt(const QByteArray &payloadJson)
{
    return base64Url("{\"alg\":\"RS256\",\"kid\":\"k1\"}") + '.' + base64Url(payloadJson) + '.' + base64Url("sig");
}

template <typename T>
QString detailOf(const Result<T> &result)
{
    return result ? QString() : result.error().detail;
}

TokenSet signedInTokens()
{
    TokenSet tokens;
    tokens.accessToken = SecretBytes("oai-access-token-value"_ba);
    tokens.refreshToken = SecretBytes("rt_refresh-token-value"_ba);
    tokens.expiresAtMs = kNow + 3'600'000;
    tokens.chatgptAccountId = u"acct-1234"_s;
    tokens.planType = u"pro"_s;
    tokens.email = u"someone@example.com"_s;
    return tokens;
}

} // namespace

class TestOpenAIOAuth : public QObject
{
    Q_OBJECT
private slots:
    void defaultsAreTheCodexClient()
    {
        const OpenAIOAuthEndpoints e = OpenAIOAuthEndpoints::defaults();
        QCOMPARE(e.authorizeUrl, u"https://auth.openai.com/oauth/authorize"_s);
        QCOMPARE(e.tokenUrl, u"https://auth.openai.com/oauth/token"_s);
        QCOMPARE(e.clientId, u"app_EMoamEEZ73f0CkXaXp7hrann"_s);
        QCOMPARE(e.redirectUri, u"http://localhost:1455/auth/callback"_s);
        QCOMPARE(e.scopes, u"openid profile email offline_access"_s);
        QCOMPARE(e.refreshScopes, u"openid profile email"_s);
    }

    void authorizeUrlCarriesTheCodexParameters()
    {
        const PkceSession session = rd::oauth::startOpenAIAuthorization(OpenAIOAuthEndpoints::defaults(), kNow);
        const PkceSession other = rd::oauth::startOpenAIAuthorization(OpenAIOAuthEndpoints::defaults(), kNow);
        static const QRegularExpression base64Url43(u"^[A-Za-z0-9_-]{43}$"_s);
        QVERIFY(base64Url43.match(QString::fromLatin1(session.verifier)).hasMatch());
        QVERIFY(base64Url43.match(QString::fromLatin1(session.state)).hasMatch());
        QCOMPARE(session.challenge, base64Url(QCryptographicHash::hash(session.verifier, QCryptographicHash::Sha256)));
        QVERIFY(session.verifier != other.verifier);
        QVERIFY(session.state != other.state);
        QCOMPARE(session.createdAtMs, kNow);

        const QUrl &url = session.authorizeUrl;
        QCOMPARE(url.toString(QUrl::RemoveQuery), u"https://auth.openai.com/oauth/authorize"_s);
        const QUrlQuery query(url);
        const QList<std::pair<QString, QString>> expected{{u"response_type"_s, u"code"_s},
                                                          {u"client_id"_s, u"app_EMoamEEZ73f0CkXaXp7hrann"_s},
                                                          {u"redirect_uri"_s, u"http://localhost:1455/auth/callback"_s},
                                                          {u"scope"_s, u"openid profile email offline_access"_s},
                                                          {u"code_challenge"_s, QString::fromLatin1(session.challenge)},
                                                          {u"code_challenge_method"_s, u"S256"_s},
                                                          {u"id_token_add_organizations"_s, u"true"_s},
                                                          {u"codex_cli_simplified_flow"_s, u"true"_s},
                                                          {u"state"_s, QString::fromLatin1(session.state)}};
        QCOMPARE(query.queryItems(QUrl::FullyDecoded), expected);
        // Fully percent-encoded, spaces as %20 (never '+', which the server would keep as a plus).
        const QByteArray encoded = url.toEncoded();
        QVERIFY2(encoded.contains("scope=openid%20profile%20email%20offline_access"), encoded.constData());
        QVERIFY(encoded.contains("redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback"));
    }

    void authorizeUrlFollowsTheEndpointSettings()
    {
        OpenAIOAuthEndpoints e = OpenAIOAuthEndpoints::defaults();
        e.authorizeUrl = u"http://127.0.0.1:9/oauth/authorize"_s;
        e.clientId = u"app_test"_s;
        e.redirectUri = u"http://localhost:4321/cb"_s;
        const QUrlQuery query(rd::oauth::startOpenAIAuthorization(e, kNow).authorizeUrl);
        QCOMPARE(query.queryItemValue(u"client_id"_s), u"app_test"_s);
        QCOMPARE(query.queryItemValue(u"redirect_uri"_s, QUrl::FullyDecoded), u"http://localhost:4321/cb"_s);
    }

    void callbackParsing_data()
    {
        const QString state = QString::fromLatin1(kState.toByteArray());
        QTest::addColumn<QString>("pasted");
        QTest::addColumn<QByteArray>("code");   // empty: expected to fail
        QTest::addColumn<QString>("complaint"); // part of the error detail
        QTest::newRow("callback URL") << u"http://localhost:1455/auth/callback?code=ac_Code-1.x&scope=openid&state="_s
                                             + state
                                      << "ac_Code-1.x"_ba << QString();
        QTest::newRow("surrounding whitespace")
            << u"  http://localhost:1455/auth/callback?state=%1&code=abc \n"_s.arg(state) << "abc"_ba << QString();
        QTest::newRow("percent-encoded code")
            << u"http://localhost:1455/auth/callback?code=a%2Fb%3Dc&state="_s + state << "a/b=c"_ba << QString();
        QTest::newRow("path and query only") << u"/auth/callback?code=xyz&state="_s + state << "xyz"_ba << QString();
        QTest::newRow("query only") << u"code=xyz&state="_s + state << "xyz"_ba << QString();
        QTest::newRow("bare code") << u"ac_BareCode123"_s << "ac_BareCode123"_ba << QString();
        QTest::newRow("state mismatch") << u"http://localhost:1455/auth/callback?code=abc&state=someone-elses"_s
                                        << QByteArray() << u"state mismatch"_s;
        QTest::newRow("state missing") << u"http://localhost:1455/auth/callback?code=abc"_s << QByteArray()
                                       << u"state mismatch"_s;
        QTest::newRow("provider error") << u"http://localhost:1455/auth/callback?error=access_denied&state="_s + state
                                        << QByteArray() << u"access_denied"_s;
        QTest::newRow("no code") << u"http://localhost:1455/auth/callback?state="_s + state << QByteArray()
                                 << u"no code"_s;
        QTest::newRow("empty") << u"   "_s << QByteArray() << u"no callback"_s;
        QTest::newRow("not a code") << u"two words"_s << QByteArray() << u"characters"_s;
    }
    void callbackParsing()
    {
        QFETCH(QString, pasted);
        QFETCH(QByteArray, code);
        QFETCH(QString, complaint);
        const Result<QByteArray> result = rd::oauth::extractOpenAICallbackCode(pasted, kState.toByteArray());
        if (!code.isEmpty()) {
            QVERIFY2(result.has_value(), qPrintable(detailOf(result)));
            QCOMPARE(*result, code);
            return;
        }
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(result.error().detail.contains(complaint), qPrintable(result.error().detail));
        QVERIFY(!result.error().detail.contains(u"someone-elses"_s));
    }

    void identityClaims_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QStringList>("expected"); // accountId, planType, userId, email, organizationId
        QTest::newRow("every claim, default organization second") << jwt(
            "{\"email\":\"a@example.com\",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"acc-1\","
            "\"chatgpt_plan_type\":\"plus\",\"chatgpt_user_id\":\"user-c\",\"user_id\":\"user-u\","
            "\"organizations\":[{\"id\":\"org-a\",\"is_default\":false},{\"id\":\"org-b\",\"is_default\":true}]}}")
                                                                  << QStringList{u"acc-1"_s,
                                                                                 u"plus"_s,
                                                                                 u"user-c"_s,
                                                                                 u"a@example.com"_s,
                                                                                 u"org-b"_s};
        QTest::newRow("user_id fallback, first organization")
            << jwt("{\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"acc-2\",\"chatgpt_plan_type\":\"team\","
                   "\"user_id\":\"user-u\",\"organizations\":[{\"id\":\"org-x\"},{\"id\":\"org-y\"}]}}")
            << QStringList{u"acc-2"_s, u"team"_s, u"user-u"_s, QString(), u"org-x"_s};
        QTest::newRow("no auth claim") << jwt("{\"email\":\"b@example.com\",\"sub\":\"s\"}")
                                       << QStringList{QString(), QString(), QString(), u"b@example.com"_s, QString()};
        // A payload whose base64url needs padding it does not carry (length % 4 == 2 and 3).
        QTest::newRow("unpadded payload")
            << jwt("{\"email\":\"c@x.io\"}") << QStringList{QString(), QString(), QString(), u"c@x.io"_s, QString()};
        QTest::newRow("unpadded payload 2")
            << jwt("{\"email\":\"cc@x.io\"}") << QStringList{QString(), QString(), QString(), u"cc@x.io"_s, QString()};
    }
    void identityClaims()
    {
        QFETCH(QByteArray, token);
        QFETCH(QStringList, expected);
        const Result<OpenAIIdentity> id = rd::oauth::identityFromIdToken(token);
        QVERIFY2(id.has_value(), qPrintable(detailOf(id)));
        QCOMPARE((QStringList{id->accountId, id->planType, id->userId, id->email, id->organizationId}), expected);
    }

    void unreadableIdTokens_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("two parts") << QByteArray(base64Url("{}") + '.' + base64Url("{\"email\":\"a@b\"}"));
        QTest::newRow("four parts") << QByteArray(jwt("{}") + ".extra");
        QTest::newRow("payload not base64url") << "eyJhbGciOiJub25lIn0.***.c2ln"_ba;
        QTest::newRow("payload not JSON") << QByteArray(base64Url("{}") + '.' + base64Url("not json") + ".c2ln");
        QTest::newRow("payload a JSON array") << jwt("[1,2]");
    }
    void unreadableIdTokens()
    {
        QFETCH(QByteArray, token);
        const Result<OpenAIIdentity> id = rd::oauth::identityFromIdToken(token);
        QVERIFY(!id);
        QCOMPARE(id.error().code, ErrorCode::InvalidArgument);
    }

    void recordHoldsTheSealedTokensAndTheAccountId()
    {
        const rd::secrets::Sealer sealer(rd::secrets::Sealer::generateKey());
        const TokenSet tokens = signedInTokens();
        const Result<rd::store::AccountRecord> r = rd::oauth::openAIAccountRecord(
            u" My ChatGPT "_s, tokens, sealer, u"socks5://me@127.0.0.1:1080"_s, "pw", {});
        QVERIFY2(r.has_value(), qPrintable(detailOf(r)));
        static const QRegularExpression id(u"^acc_[0-9a-f]{16}$"_s);
        QVERIFY2(id.match(r->id).hasMatch(), qPrintable(r->id));
        QCOMPARE(r->type, u"openai-oauth"_s);
        QCOMPARE(r->name, u"My ChatGPT"_s);
        QCOMPARE(r->baseUrl, u"https://chatgpt.com/backend-api/codex"_s);
        QCOMPARE(r->proxyUrl, u"socks5://me@127.0.0.1:1080"_s);
        QCOMPARE(r->subscriptionPlan, u"pro"_s);
        QCOMPARE(r->tokenExpiresAtMs, kNow + 3'600'000);
        QVERIFY(r->enabled);
        QVERIFY(r->schedulable);
        QCOMPARE(r->priority, 50);
        QVERIFY(qAbs(r->createdAt.secsTo(QDateTime::currentDateTimeUtc())) < 60);
        const Result<rd::providers::AccountExtra> extra = rd::providers::AccountExtra::fromJson(r->extra);
        QVERIFY(extra.has_value());
        QCOMPARE(extra->chatgptAccountId, u"acct-1234"_s);
        QCOMPARE(extra->email, u"someone@example.com"_s);
        QVERIFY(!r->sealedCredentials.contains("oai-access-token-value"));

        // Sealed for this id: another record's id does not open it.
        QVERIFY(!sealer.unseal(r->sealedCredentials, "acc_0000000000000000"));
        const Result<SecretBytes> plain = sealer.unseal(r->sealedCredentials, r->id.toUtf8());
        QVERIFY(plain.has_value());
        const Result<rd::providers::ConsoleCredentials> creds = rd::providers::decodeCredentials(*plain);
        QVERIFY(creds.has_value());
        QVERIFY(creds->oauth);
        QVERIFY(creds->apiKey.equals("oai-access-token-value"));
        QVERIFY(creds->refreshToken.equals("rt_refresh-token-value"));
        QVERIFY(creds->proxyPassword.equals("pw"));
        QCOMPARE(creds->expiresAtMs, kNow + 3'600'000);

        // The relay accepts it as a ChatGPT account.
        const auto account = rd::providers::consoleAccountFromRecord(*r, nullptr);
        QVERIFY2(account.has_value(), qPrintable(detailOf(account)));
        QCOMPARE(account->kind, rd::providers::AccountKind::OpenAIOAuth);
        QCOMPARE(account->extra.chatgptAccountId, u"acct-1234"_s);
        QVERIFY(account->personal);

        const Result<rd::store::AccountRecord> again =
            rd::oauth::openAIAccountRecord(u"x"_s, tokens, sealer, {}, {}, u"http://127.0.0.1:8/codex"_s);
        QVERIFY(again.has_value());
        QVERIFY(again->id != r->id);
        QCOMPARE(again->baseUrl, u"http://127.0.0.1:8/codex"_s);
    }

    void recordRefusals_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<ErrorCode>("expected");
        QTest::newRow("no chatgpt account id") << u"account"_s << ErrorCode::InvalidArgument;
        QTest::newRow("no name") << u"name"_s << ErrorCode::InvalidArgument;
        QTest::newRow("proxy URL with a password") << u"proxy"_s << ErrorCode::InvalidArgument;
        QTest::newRow("base URL without a host") << u"base"_s << ErrorCode::InvalidArgument;
    }
    void recordRefusals()
    {
        QFETCH(QString, fault);
        QFETCH(ErrorCode, expected);
        const rd::secrets::Sealer sealer(rd::secrets::Sealer::generateKey());
        TokenSet tokens = signedInTokens();
        if (fault == u"account") {
            tokens.chatgptAccountId.clear();
        }
        const Result<rd::store::AccountRecord> r =
            rd::oauth::openAIAccountRecord(fault == u"name" ? u" "_s : u"n"_s,
                                           tokens,
                                           sealer,
                                           fault == u"proxy" ? u"http://u:secret@127.0.0.1:3128"_s : QString(),
                                           {},
                                           fault == u"base" ? u"file:///tmp"_s : QString());
        QVERIFY(!r);
        QCOMPARE(r.error().code, expected);
        QVERIFY(!r.error().detail.contains(u"secret"_s));
    }
};

QTEST_GUILESS_MAIN(TestOpenAIOAuth)
#include "tst_openaioauth.moc"
