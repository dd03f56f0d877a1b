// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/openaioauth.h"

#include "core/oauth/tokenendpoint.h"
#include "core/providers/console/consoleaccount.h"
#include "core/util/logging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <utility>

using namespace Qt::StringLiterals;

namespace rd::oauth {

namespace {

constexpr QLatin1StringView kAuthClaim("https://api.openai.com/auth");

// application/x-www-form-urlencoded, every value fully percent-encoded (spaces as %20).
QByteArray formBody(std::initializer_list<std::pair<const char *, QByteArray>> fields)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty()) {
            body += '&';
        }
        body += name;
        body += '=';
        body += QUrl::toPercentEncoding(QString::fromUtf8(value));
    }
    return body;
}

void applyIdentity(TokenSet &tokens, const OpenAIIdentity &id)
{
    tokens.chatgptAccountId = id.accountId;
    tokens.planType = id.planType;
    tokens.accountUuid = id.userId;
    tokens.email = id.email;
    tokens.organizationUuid = id.organizationId;
}

void readAnswer(const QJsonObject &json, TokenSet &tokens, const QString &what)
{
    // Never fail a success because of the id token: a refresh has already rotated the refresh token server-side.
    if (const QByteArray idToken = json.value("id_token"_L1).toString().toUtf8(); !idToken.isEmpty()) {
        const Result<OpenAIIdentity> identity = identityFromIdToken(idToken);
        if (identity) {
            applyIdentity(tokens, *identity);
        } else {
            qCWarning(lcOAuth).noquote() << what << "answer has an unreadable id_token:" << identity.error().detail;
        }
    }
}

QString describe(const TokenSet &tokens)
{
    return u"account %1, plan %2"_s.arg(tokens.chatgptAccountId.isEmpty() ? u"unknown"_s : tokens.chatgptAccountId,
                                        tokens.planType.isEmpty() ? u"unknown"_s : tokens.planType);
}

const detail::TokenEndpointDialect &dialect()
{
    static const detail::TokenEndpointDialect openai{
        u"OpenAI"_s,
        u"OpenAI code exchange"_s,
        u"OpenAI token refresh"_s,
        "application/x-www-form-urlencoded"_ba,
        QRegularExpression(u"eyJ[A-Za-z0-9_.-]*|rt_[A-Za-z0-9_.-]*|[A-Za-z0-9_-]{32,}"_s),
        true,
        readAnswer,
        describe,
    };
    return openai;
}

} // namespace

OpenAIOAuthEndpoints OpenAIOAuthEndpoints::defaults()
{
    return OpenAIOAuthEndpoints{
        u"https://auth.openai.com/oauth/authorize"_s,
        u"https://auth.openai.com/oauth/token"_s,
        u"app_EMoamEEZ73f0CkXaXp7hrann"_s,
        u"http://localhost:1455/auth/callback"_s,
        u"openid profile email offline_access"_s,
        u"openid profile email"_s,
    };
}

PkceSession startOpenAIAuthorization(const OpenAIOAuthEndpoints &e, qint64 nowMs)
{
    PkceSession session = detail::newPkceSession(nowMs);
    const QByteArray query = formBody({{"response_type", "code"},
                                       {"client_id", e.clientId.toUtf8()},
                                       {"redirect_uri", e.redirectUri.toUtf8()},
                                       {"scope", e.scopes.toUtf8()},
                                       {"code_challenge", session.challenge},
                                       {"code_challenge_method", "S256"},
                                       {"id_token_add_organizations", "true"},
                                       {"codex_cli_simplified_flow", "true"},
                                       {"state", session.state}});
    session.authorizeUrl = QUrl(e.authorizeUrl);
    session.authorizeUrl.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    return session;
}

Result<QByteArray> extractOpenAICallbackCode(const QString &pasted, const QByteArray &expectedState)
{
    const QString text = pasted.trimmed();
    if (text.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"no callback URL or code was pasted"_s);
    }
    QString code = text;
    // A URL (absolute or just the path), or the bare query "code=…&state=…".
    const bool isUrl = text.contains(u"://"_s) || text.startsWith(u'/') || text.contains(u'?');
    if (isUrl || text.contains(u"code="_s)) {
        const QUrlQuery query(isUrl ? QUrl(text, QUrl::TolerantMode).query(QUrl::FullyEncoded) : text);
        if (query.hasQueryItem(u"error"_s)) {
            const QString error = query.queryItemValue(u"error"_s, QUrl::FullyDecoded);
            const bool plain =
                std::all_of(error.cbegin(), error.cend(), [](QChar c) { return c.isLetterOrNumber() || c == u'_'; });
            return fail(ErrorCode::InvalidArgument,
                        u"the sign-in was not completed (%1)"_s.arg(plain ? error.left(64) : u"error"_s));
        }
        if (!query.hasQueryItem(u"code"_s)) {
            return fail(ErrorCode::InvalidArgument, u"the callback URL has no code parameter"_s);
        }
        const QByteArray state = query.queryItemValue(u"state"_s, QUrl::FullyDecoded).toUtf8();
        if (state.isEmpty() || state != expectedState) {
            return fail(ErrorCode::InvalidArgument,
                        u"state mismatch: the callback belongs to another sign-in; start the sign-in again"_s);
        }
        code = query.queryItemValue(u"code"_s, QUrl::FullyDecoded);
    }
    if (code.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"the callback holds no authorization code"_s);
    }
    if (!detail::isCodeText(code)) {
        return fail(ErrorCode::InvalidArgument, u"the authorization code contains characters a code cannot have"_s);
    }
    return code.toLatin1();
}

Result<OpenAIIdentity> identityFromIdToken(QByteArrayView jwt)
{
    const QByteArrayView text = jwt.trimmed();
    const qsizetype first = text.indexOf('.');
    const qsizetype last = text.lastIndexOf('.');
    if (first <= 0 || last == first || text.sliced(first + 1, last - first - 1).contains('.')) {
        return fail(ErrorCode::InvalidArgument, u"the id token is not a JWT (header.payload.signature)"_s);
    }
    const auto decoded =
        QByteArray::fromBase64Encoding(text.sliced(first + 1, last - first - 1).toByteArray(),
                                       QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        return fail(ErrorCode::InvalidArgument, u"the id token's payload is not base64url"_s);
    }
    const QJsonDocument document = QJsonDocument::fromJson(*decoded);
    if (!document.isObject()) {
        return fail(ErrorCode::InvalidArgument, u"the id token's payload is not a JSON object"_s);
    }
    const QJsonObject claims = document.object();
    const QJsonObject auth = claims.value(kAuthClaim).toObject();
    OpenAIIdentity id;
    id.accountId = auth.value("chatgpt_account_id"_L1).toString();
    id.planType = auth.value("chatgpt_plan_type"_L1).toString();
    id.userId = auth.value("chatgpt_user_id"_L1).toString();
    if (id.userId.isEmpty()) {
        id.userId = auth.value("user_id"_L1).toString();
    }
    id.email = claims.value("email"_L1).toString();
    const QJsonArray organizations = auth.value("organizations"_L1).toArray();
    for (const QJsonValue &org : organizations) {
        if (org.toObject().value("is_default"_L1).toBool()) {
            id.organizationId = org.toObject().value("id"_L1).toString();
            break;
        }
    }
    if (id.organizationId.isEmpty() && !organizations.isEmpty()) {
        id.organizationId = organizations.first().toObject().value("id"_L1).toString();
    }
    return id;
}

OpenAITokenClient::OpenAITokenClient(OpenAIOAuthEndpoints endpoints, QObject *parent)
    : QObject(parent)
    , m_endpoints(std::move(endpoints))
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{}

OpenAITokenClient::~OpenAITokenClient() = default;

void OpenAITokenClient::setTimeoutMs(int ms)
{
    m_timeoutMs = ms > 0 ? ms : kDefaultTimeoutMs;
}

void OpenAITokenClient::setClock(Clock nowMs)
{
    Q_ASSERT(nowMs);
    m_now = std::move(nowMs);
}

void OpenAITokenClient::exchangeCode(const PkceSession &session,
                                     const QByteArray &code,
                                     const QNetworkProxy &proxy,
                                     Callback done)
{
    if (session.isExpired(m_now())) {
        detail::failLater(
            this,
            Error{ErrorCode::InvalidArgument,
                  u"OpenAI code exchange: the sign-in started more than 10 minutes ago and has expired; start "
                  "again"_s},
            std::move(done));
        return;
    }
    if (code.isEmpty() || session.verifier.isEmpty()) {
        detail::failLater(
            this,
            Error{ErrorCode::InvalidArgument, u"OpenAI code exchange: no authorization code or no verifier"_s},
            std::move(done));
        return;
    }
    QByteArray body = formBody({{"grant_type", "authorization_code"},
                                {"code", code},
                                {"redirect_uri", m_endpoints.redirectUri.toUtf8()},
                                {"client_id", m_endpoints.clientId.toUtf8()},
                                {"code_verifier", session.verifier}});
    std::vector<SecretBytes> secrets;
    secrets.emplace_back(QByteArray(code));
    secrets.emplace_back(QByteArray(session.verifier));
    post(std::move(body), std::move(secrets), proxy, false, std::move(done));
}

void OpenAITokenClient::refresh(const SecretBytes &refreshToken, const QNetworkProxy &proxy, Callback done)
{
    if (refreshToken.isEmpty()) {
        detail::failLater(this,
                          Error{ErrorCode::ReauthorizationRequired,
                                u"OpenAI token refresh: the account has no refresh token; sign in again"_s},
                          std::move(done));
        return;
    }
    QByteArray body = formBody({{"grant_type", "refresh_token"},
                                {"client_id", m_endpoints.clientId.toUtf8()},
                                {"refresh_token", refreshToken.expose().toByteArray()},
                                {"scope", m_endpoints.refreshScopes.toUtf8()}});
    std::vector<SecretBytes> secrets;
    secrets.push_back(refreshToken.clone());
    post(std::move(body), std::move(secrets), proxy, true, std::move(done));
}

void OpenAITokenClient::post(
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

Result<store::AccountRecord> openAIAccountRecord(const QString &name,
                                                 const TokenSet &tokens,
                                                 const secrets::Sealer &sealer,
                                                 const QString &proxyUrl,
                                                 QByteArrayView proxyPassword,
                                                 const QString &baseUrl)
{
    if (tokens.chatgptAccountId.isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"the sign-in answer names no ChatGPT account (chatgpt_account_id); the Codex backend needs it"_s);
    }
    if (name.trimmed().isEmpty() || tokens.accessToken.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"a ChatGPT account needs a name and an access token"_s);
    }
    store::AccountRecord r;
    std::array<unsigned char, 8> raw{};
    RAND_bytes(raw.data(), static_cast<int>(raw.size()));
    r.id = u"acc_"_s + QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(raw.data()), raw.size()).toHex());
    r.type = QString::fromLatin1(providers::kOpenAIOAuthType);
    r.name = name.trimmed();
    r.baseUrl = baseUrl.isEmpty() ? QString::fromLatin1(kCodexBaseUrl) : baseUrl;
    r.proxyUrl = proxyUrl;
    for (const Result<void> &check : {providers::validateBaseUrl(r.baseUrl), providers::validateProxyUrl(r.proxyUrl)}) {
        if (!check) {
            return tl::unexpected(check.error());
        }
    }
    providers::AccountExtra extra;
    extra.chatgptAccountId = tokens.chatgptAccountId;
    extra.email = tokens.email;
    r.extra = extra.toJson();
    r.subscriptionPlan = tokens.planType;
    r.tokenExpiresAtMs = tokens.expiresAtMs;
    const Result<SecretBytes> plain = providers::encodeOAuthCredentials(
        tokens.accessToken.expose(), tokens.refreshToken.expose(), tokens.expiresAtMs, proxyPassword);
    if (!plain) {
        return tl::unexpected(plain.error());
    }
    Result<QByteArray> sealed = sealer.seal(plain->expose(), r.id.toUtf8());
    if (!sealed) {
        return tl::unexpected(sealed.error());
    }
    r.sealedCredentials = std::move(*sealed);
    r.createdAt = QDateTime::currentDateTimeUtc();
    r.enabled = true;
    r.schedulable = true;
    r.priority = 50;
    return r;
}

} // namespace rd::oauth
