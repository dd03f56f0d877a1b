// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/claudeoauth.h"

#include "core/oauth/tokenendpoint.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace rd::oauth {

namespace {

constexpr qsizetype kMinSetupTokenBody = 20;
constexpr QByteArrayView kSetupTokenPrefix = "sk-ant-oat01-";

bool isBase64UrlChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

void readAnswer(const QJsonObject &json, TokenSet &tokens, const QString & /*what*/)
{
    const QJsonObject account = json.value("account"_L1).toObject();
    tokens.accountUuid = account.value("uuid"_L1).toString();
    tokens.email = account.value("email_address"_L1).toString();
    tokens.organizationUuid = json.value("organization"_L1).toObject().value("uuid"_L1).toString();
}

QString describe(const TokenSet &tokens)
{
    return u"account "_s + (tokens.accountUuid.isEmpty() ? u"unknown"_s : tokens.accountUuid);
}

const detail::TokenEndpointDialect &dialect()
{
    static const detail::TokenEndpointDialect claude{
        u"Claude"_s,
        u"code exchange"_s,
        u"token refresh"_s,
        "application/json"_ba,
        QRegularExpression(u"sk-ant-[A-Za-z0-9_-]*|[A-Za-z0-9_-]{32,}"_s),
        false,
        readAnswer,
        describe,
    };
    return claude;
}

} // namespace

ClaudeOAuthEndpoints ClaudeOAuthEndpoints::defaults()
{
    return ClaudeOAuthEndpoints{
        u"https://claude.ai/oauth/authorize"_s,
        u"https://platform.claude.com/v1/oauth/token"_s, // the old console.anthropic.com host answers 404
        u"9d1c250a-e61b-44d9-88ed-5944d1962f5e"_s,
        u"https://platform.claude.com/oauth/code/callback"_s,
        u"org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload"_s,
        u"user:inference"_s,
    };
}

PkceSession startAuthorization(const ClaudeOAuthEndpoints &e, bool setupToken, qint64 nowMs)
{
    PkceSession session = detail::newPkceSession(nowMs);
    session.setupToken = setupToken;
    // Built by hand, in the documented order: every value fully percent-encoded (':' '/' and spaces included), as
    // the browser-side URLSearchParams of the official client would send them.
    const QByteArray query = "code=true&client_id=" + QUrl::toPercentEncoding(e.clientId)
                             + "&response_type=code&redirect_uri=" + QUrl::toPercentEncoding(e.redirectUri) + "&scope="
                             + QUrl::toPercentEncoding(setupToken ? e.setupTokenScopes : e.scopes) + "&code_challenge="
                             + session.challenge + "&code_challenge_method=S256&state=" + session.state;
    session.authorizeUrl = QUrl(e.authorizeUrl);
    session.authorizeUrl.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    return session;
}

Result<QByteArray> extractAuthorizationCode(const QString &pasted, const QByteArray &expectedState)
{
    const QString text = pasted.trimmed();
    if (text.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"no authorization code was pasted"_s);
    }
    QString code;
    QString state;
    if (text.startsWith(u"http://", Qt::CaseInsensitive) || text.startsWith(u"https://", Qt::CaseInsensitive)) {
        const QUrl url(text, QUrl::TolerantMode);
        const QUrlQuery query(url);
        if (!query.hasQueryItem(u"code"_s)) {
            return fail(ErrorCode::InvalidArgument, u"the pasted URL has no code parameter"_s);
        }
        code = query.queryItemValue(u"code"_s, QUrl::FullyDecoded);
        // "…?code=<code>#<state>" puts the state in the fragment.
        state = query.hasQueryItem(u"state"_s) ? query.queryItemValue(u"state"_s, QUrl::FullyDecoded)
                                               : url.fragment(QUrl::FullyDecoded);
    } else {
        const qsizetype hash = text.indexOf(u'#');
        code = hash >= 0 ? text.left(hash) : text;
        state = hash >= 0 ? text.mid(hash + 1) : QString();
    }
    code = code.left(code.indexOf(u'&')); // left(-1) keeps everything
    state = state.left(state.indexOf(u'&'));
    if (code.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"the pasted text holds no authorization code"_s);
    }
    if (!detail::isCodeText(code)) {
        return fail(ErrorCode::InvalidArgument,
                    u"the pasted authorization code contains characters a code cannot have"_s);
    }
    if (!state.isEmpty() && state.toUtf8() != expectedState) {
        return fail(ErrorCode::InvalidArgument,
                    u"state mismatch: the pasted code belongs to another sign-in; start the sign-in again"_s);
    }
    return code.toLatin1();
}

Result<TokenSet> tokenSetFromSetupToken(QByteArrayView pasted, qint64 nowMs)
{
    const QByteArrayView text = pasted.trimmed();
    if (text.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"no setup token was pasted"_s);
    }
    if (text.startsWith("sk-ant-ort01-")) {
        return fail(ErrorCode::InvalidArgument,
                    u"this is a refresh token (sk-ant-ort01-…), not a setup token (sk-ant-oat01-…)"_s);
    }
    if (text.startsWith("sk-ant-api")) {
        return fail(ErrorCode::InvalidArgument,
                    u"this is a Console API key (sk-ant-api…): add it as a Console account instead"_s);
    }
    if (!text.startsWith(kSetupTokenPrefix)) {
        return fail(ErrorCode::InvalidArgument,
                    u"a setup token starts with sk-ant-oat01- (run `claude setup-token` to get one)"_s);
    }
    const QByteArrayView body = text.sliced(kSetupTokenPrefix.size());
    if (body.size() < kMinSetupTokenBody || !std::all_of(body.begin(), body.end(), isBase64UrlChar)) {
        return fail(ErrorCode::InvalidArgument,
                    u"the pasted setup token is incomplete or contains characters a token cannot have"_s);
    }
    TokenSet tokens;
    tokens.accessToken = SecretBytes(text.toByteArray());
    tokens.expiresAtMs = nowMs + qint64{ClaudeTokenClient::kSetupTokenLifetimeS} * 1000;
    tokens.scope = ClaudeOAuthEndpoints::defaults().setupTokenScopes;
    return tokens;
}

ClaudeTokenClient::ClaudeTokenClient(ClaudeOAuthEndpoints endpoints, QObject *parent)
    : QObject(parent)
    , m_endpoints(std::move(endpoints))
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{}

ClaudeTokenClient::~ClaudeTokenClient() = default;

void ClaudeTokenClient::setTimeoutMs(int ms)
{
    m_timeoutMs = ms > 0 ? ms : kDefaultTimeoutMs;
}

void ClaudeTokenClient::setClock(Clock nowMs)
{
    Q_ASSERT(nowMs);
    m_now = std::move(nowMs);
}

void ClaudeTokenClient::exchangeCode(const PkceSession &session,
                                     const QByteArray &code,
                                     const QNetworkProxy &proxy,
                                     Callback done)
{
    if (session.isExpired(m_now())) {
        detail::failLater(
            this,
            Error{ErrorCode::InvalidArgument,
                  u"code exchange: the sign-in started more than 10 minutes ago and has expired; start again"_s},
            std::move(done));
        return;
    }
    if (code.isEmpty() || session.verifier.isEmpty()) {
        detail::failLater(
            this,
            Error{ErrorCode::InvalidArgument, u"code exchange: no authorization code or no PKCE verifier"_s},
            std::move(done));
        return;
    }
    QJsonObject json;
    json.insert(u"grant_type"_s, u"authorization_code"_s);
    json.insert(u"client_id"_s, m_endpoints.clientId);
    json.insert(u"code"_s, QString::fromLatin1(code));
    json.insert(u"redirect_uri"_s, m_endpoints.redirectUri);
    json.insert(u"code_verifier"_s, QString::fromLatin1(session.verifier));
    json.insert(u"state"_s, QString::fromLatin1(session.state));
    if (session.setupToken) {
        json.insert(u"expires_in"_s, kSetupTokenLifetimeS);
    }
    std::vector<SecretBytes> secrets;
    secrets.emplace_back(QByteArray(code));
    secrets.emplace_back(QByteArray(session.verifier));
    post(QJsonDocument(json).toJson(QJsonDocument::Compact), std::move(secrets), proxy, false, std::move(done));
}

void ClaudeTokenClient::refresh(const SecretBytes &refreshToken, const QNetworkProxy &proxy, Callback done)
{
    if (refreshToken.isEmpty()) {
        detail::failLater(
            this,

            Error{ErrorCode::ReauthorizationRequired,
                  u"token refresh: the account has no refresh token (setup token or signed out); sign in again"_s},
            std::move(done));
        return;
    }
    QJsonObject json;
    json.insert(u"grant_type"_s, u"refresh_token"_s);
    json.insert(u"refresh_token"_s, QString::fromLatin1(refreshToken.expose()));
    json.insert(u"client_id"_s, m_endpoints.clientId);
    std::vector<SecretBytes> secrets;
    secrets.push_back(refreshToken.clone());
    post(QJsonDocument(json).toJson(QJsonDocument::Compact), std::move(secrets), proxy, true, std::move(done));
}

void ClaudeTokenClient::post(
    QByteArray body, std::vector<SecretBytes> secrets, const QNetworkProxy &proxy, bool isRefresh, Callback done)
{
    detail::postToTokenEndpoint(this,
                                dialect(),
                                m_endpoints.tokenUrl,
                                m_timeoutMs,
                                m_now,
                                std::move(body),
                                std::move(secrets),
                                proxy,
                                isRefresh,
                                std::move(done));
}

} // namespace rd::oauth
