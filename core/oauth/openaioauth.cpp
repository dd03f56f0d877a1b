// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/openaioauth.h"

#include "core/providers/console/consoleaccount.h"
#include "core/util/logging.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

using namespace Qt::StringLiterals;

namespace rd::oauth {

namespace {

constexpr int kRandomBytes = 32;
constexpr qint64 kDefaultExpiresInS = 3600; // §5.3: OpenAI may omit expires_in
constexpr qsizetype kMaxServerText = 200;
constexpr QLatin1StringView kAuthClaim("https://api.openai.com/auth");

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray randomBase64Url()
{
    std::array<unsigned char, kRandomBytes> raw{};
    if (RAND_bytes(raw.data(), kRandomBytes) != 1) {
        qCWarning(lcOAuth) << "RAND_bytes failed; PKCE values come from the system random generator";
        std::array<quint32, kRandomBytes / 4> words{};
        QRandomGenerator::system()->fillRange(words.data(), words.size());
        std::memcpy(raw.data(), words.data(), raw.size());
        OPENSSL_cleanse(words.data(), sizeof words);
    }
    QByteArray bytes(reinterpret_cast<const char *>(raw.data()), kRandomBytes);
    OPENSSL_cleanse(raw.data(), raw.size());
    QByteArray encoded = base64Url(bytes);
    wipeBytes(bytes);
    return encoded;
}

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

bool isCodeText(const QString &code)
{
    return std::all_of(code.cbegin(), code.cend(), [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

// The server's error text, safe for a detail: what we sent, JWTs, refresh-token shapes and long opaque runs are cut.
QString scrubbed(const QString &text, const std::vector<SecretBytes> &secrets)
{
    QByteArray bytes = text.toUtf8();
    for (const SecretBytes &secret : secrets) {
        if (!secret.isEmpty()) {
            bytes.replace(secret.expose(), "<redacted>");
        }
    }
    QString out = QString::fromUtf8(bytes);
    wipeBytes(bytes);
    static const QRegularExpression tokenShaped(u"eyJ[A-Za-z0-9_.-]*|rt_[A-Za-z0-9_.-]*|[A-Za-z0-9_-]{32,}"_s);
    static const QRegularExpression control(u"[\\x00-\\x1f\\x7f]+"_s);
    out.replace(tokenShaped, u"<redacted>"_s).replace(control, u" "_s);
    if (out.size() > kMaxServerText) {
        out = out.left(kMaxServerText) + u"…"_s;
    }
    return out.trimmed();
}

QString endpointName(const QUrl &url)
{
    return url.port() > 0 ? u"%1:%2"_s.arg(url.host()).arg(url.port()) : url.host();
}

// {"error":"invalid_grant","error_description":…} (OAuth) or {"error":{"code"|"type","message"}} (OpenAI API shape).
std::pair<QString, QString> serverError(const QByteArray &body)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    if (json.value("error"_L1).isObject()) {
        const QJsonObject inner = json.value("error"_L1).toObject();
        const QString code = inner.value("code"_L1).toString();
        return {code.isEmpty() ? inner.value("type"_L1).toString() : code, inner.value("message"_L1).toString()};
    }
    return {json.value("error"_L1).toString(), json.value("error_description"_L1).toString()};
}

void applyIdentity(TokenSet &tokens, const OpenAIIdentity &id)
{
    tokens.chatgptAccountId = id.accountId;
    tokens.planType = id.planType;
    tokens.accountUuid = id.userId;
    tokens.email = id.email;
    tokens.organizationUuid = id.organizationId;
}

// One POST in flight: owns its QNAM (this call's proxy), reports once, then deletes itself. A child of the client.
class OpenAITokenCall : public QObject
{
public:
    OpenAITokenCall(OpenAITokenClient *client,
                    std::vector<SecretBytes> secrets,
                    bool isRefresh,
                    OpenAITokenClient::Clock now,
                    OpenAITokenClient::Callback done)
        : QObject(client)
        , m_secrets(std::move(secrets))
        , m_isRefresh(isRefresh)
        , m_now(std::move(now))
        , m_done(std::move(done))
        , m_timeoutMs(client->timeoutMs())
    {}

    ~OpenAITokenCall() override
    {
        if (m_reply) {
            m_reply->disconnect(this);
            m_reply->abort();
        }
    }

    void start(const QNetworkRequest &request, const QByteArray &body, const QNetworkProxy &proxy)
    {
        m_endpoint = endpointName(request.url());
        auto *manager = new QNetworkAccessManager(this); // QNAM has no per-request proxy
        manager->setProxy(proxy);
        m_reply = manager->post(request, body);
        connect(m_reply, &QNetworkReply::finished, this, [this] { onFinished(); });
    }

private:
    QString what() const { return m_isRefresh ? u"OpenAI token refresh"_s : u"OpenAI code exchange"_s; }
    void onFinished();
    Result<TokenSet> networkFailure(const QNetworkReply *reply) const;
    Result<TokenSet> httpFailure(int status, const QByteArray &body) const;
    Result<TokenSet> tokensFrom(int status, const QByteArray &body) const;
    void finish(Result<TokenSet> result);

    std::vector<SecretBytes> m_secrets;
    bool m_isRefresh;
    OpenAITokenClient::Clock m_now;
    OpenAITokenClient::Callback m_done;
    int m_timeoutMs;
    QString m_endpoint;
    QNetworkReply *m_reply = nullptr;
};

void OpenAITokenCall::onFinished()
{
    QNetworkReply *reply = std::exchange(m_reply, nullptr);
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) {
        finish(networkFailure(reply));
        return;
    }
    QByteArray body = reply->readAll();
    const int code = status.toInt();
    Result<TokenSet> result = (code >= 200 && code < 300) ? tokensFrom(code, body) : httpFailure(code, body);
    wipeBytes(body);
    finish(std::move(result));
}

Result<TokenSet> OpenAITokenCall::networkFailure(const QNetworkReply *reply) const
{
    switch (reply->error()) {
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // the transfer timeout aborts the reply; we never cancel one ourselves
    case QNetworkReply::ProxyTimeoutError:
        return fail(
            ErrorCode::UpstreamTimeout,
            u"%1: the token endpoint %2 did not answer within %3 ms"_s.arg(what(), m_endpoint).arg(m_timeoutMs));
    default:
        return fail(ErrorCode::UpstreamConnect,
                    u"%1: cannot reach the token endpoint %2: %3"_s.arg(what(), m_endpoint, reply->errorString()));
    }
}

Result<TokenSet> OpenAITokenCall::httpFailure(int status, const QByteArray &body) const
{
    const auto [error, description] = serverError(body);
    QString serverText = scrubbed(error, m_secrets);
    if (const QString more = scrubbed(description, m_secrets); !more.isEmpty()) {
        serverText = serverText.isEmpty() ? more : serverText + u" – "_s + more;
    }
    const QString suffix = serverText.isEmpty() ? QString() : u": "_s + serverText;
    // 401 carries refresh_token_expired / _reused / _invalidated (what the Codex CLI treats as "log in again").
    if ((status == 400 && error == u"invalid_grant") || status == 401) {
        return fail(ErrorCode::ReauthorizationRequired,
                    u"%1 refused (HTTP %2%3); sign in again"_s.arg(what()).arg(status).arg(suffix));
    }
    return fail(ErrorCode::UpstreamUnavailable,
                u"%1: the token endpoint %2 answered HTTP %3%4"_s.arg(what(), m_endpoint).arg(status).arg(suffix));
}

Result<TokenSet> OpenAITokenCall::tokensFrom(int status, const QByteArray &body) const
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return fail(ErrorCode::UpstreamProtocol,
                    u"%1: the token endpoint answered HTTP %2 without a JSON object"_s.arg(what()).arg(status));
    }
    const QJsonObject json = document.object();
    TokenSet tokens;
    tokens.accessToken = SecretBytes(json.value("access_token"_L1).toString().toUtf8());
    if (tokens.accessToken.isEmpty()) {
        return fail(ErrorCode::UpstreamProtocol, u"%1: the token endpoint's answer has no access_token"_s.arg(what()));
    }
    tokens.refreshToken = SecretBytes(json.value("refresh_token"_L1).toString().toUtf8());
    qint64 expiresIn = json.value("expires_in"_L1).toInteger(-1);
    if (expiresIn <= 0) {
        expiresIn = kDefaultExpiresInS;
    }
    tokens.expiresAtMs = m_now() + expiresIn * 1000;
    tokens.scope = json.value("scope"_L1).toString();
    // Never fail a success because of the id token: a refresh has already rotated the refresh token server-side.
    if (const QByteArray idToken = json.value("id_token"_L1).toString().toUtf8(); !idToken.isEmpty()) {
        const Result<OpenAIIdentity> identity = identityFromIdToken(idToken);
        if (identity) {
            applyIdentity(tokens, *identity);
        } else {
            qCWarning(lcOAuth).noquote() << what() << "answer has an unreadable id_token:" << identity.error().detail;
        }
    }
    return tokens;
}

void OpenAITokenCall::finish(Result<TokenSet> result)
{
    if (result) {
        qCInfo(lcOAuth).noquote() << u"%1 succeeded (account %2, plan %3, expires in %4 s%5)"_s.arg(
            what(),
            result->chatgptAccountId.isEmpty() ? u"unknown"_s : result->chatgptAccountId,
            result->planType.isEmpty() ? u"unknown"_s : result->planType,
            QString::number((result->expiresAtMs - m_now()) / 1000),
            result->refreshToken.isEmpty() ? u", no refresh token"_s : QString());
    } else {
        qCWarning(lcOAuth).noquote() << u"%1 failed: %2 (%3)"_s.arg(
            what(), result.error().detail, errorCodeName(result.error().code));
    }
    OpenAITokenClient::Callback done = std::move(m_done);
    deleteLater();
    if (done) { // last: the callback may delete the client, and with it this call
        done(std::move(result));
    }
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
    PkceSession session;
    session.verifier = randomBase64Url();
    session.challenge = base64Url(QCryptographicHash::hash(session.verifier, QCryptographicHash::Sha256));
    session.state = randomBase64Url();
    session.createdAtMs = nowMs;
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
    if (!isCodeText(code)) {
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
        failLater(Error{ErrorCode::InvalidArgument,
                        u"OpenAI code exchange: the sign-in started more than 10 minutes ago and has expired; start "
                        "again"_s},
                  std::move(done));
        return;
    }
    if (code.isEmpty() || session.verifier.isEmpty()) {
        failLater(Error{ErrorCode::InvalidArgument, u"OpenAI code exchange: no authorization code or no verifier"_s},
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
        failLater(Error{ErrorCode::ReauthorizationRequired,
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
    Q_ASSERT(QThread::currentThread() == thread());
    const QUrl url(m_endpoints.tokenUrl, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"https" && url.scheme() != u"http")) {
        wipeBytes(body);
        failLater(Error{ErrorCode::InvalidConfig, u"unusable OpenAI token URL (scheme '%1')"_s.arg(url.scheme())},
                  std::move(done));
        return;
    }
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded"_ba);
    request.setRawHeader("accept", "application/json");
    request.setTransferTimeout(m_timeoutMs);
    // A redirect would re-send the grant somewhere else: report it as the status it is.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    auto *call = new OpenAITokenCall(this, std::move(secrets), isRefresh, m_now, std::move(done));
    call->start(request, body, proxy);
    wipeBytes(body);
}

void OpenAITokenClient::failLater(Error error, Callback done)
{
    qCWarning(lcOAuth).noquote() << u"%1 (%2)"_s.arg(error.detail, errorCodeName(error.code));
    QTimer::singleShot(0, this, [error = std::move(error), done = std::move(done)] {
        if (done) {
            done(tl::unexpected<Error>(error));
        }
    });
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
