// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/claudeoauth.h"

#include "core/util/logging.h"

#include <QCryptographicHash>
#include <QDateTime>
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
constexpr qint64 kDefaultExpiresInS = 3600; // used when an answer omits expires_in (Claude always sends it)
constexpr qsizetype kMaxServerText = 200;   // of the server's error text kept in a detail
constexpr qsizetype kMinSetupTokenBody = 20;
constexpr QByteArrayView kSetupTokenPrefix = "sk-ant-oat01-";

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// 32 random bytes, base64url without padding (43 characters).
QByteArray randomBase64Url()
{
    std::array<unsigned char, kRandomBytes> raw{};
    if (RAND_bytes(raw.data(), kRandomBytes) != 1) {
        // OpenSSL's generator failed (no entropy source?): the OS generator behind QRandomGenerator::system() is
        // cryptographically strong as well.
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

bool isBase64UrlChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Printable ASCII without spaces: anything else did not come from the callback page.
bool isCodeText(const QString &code)
{
    return std::all_of(code.cbegin(), code.cend(), [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

// The server's error text, safe for a detail: known secrets, anything token-shaped and long opaque runs are cut out,
// control characters flattened, the length bounded.
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
    static const QRegularExpression tokenShaped(u"sk-ant-[A-Za-z0-9_-]*|[A-Za-z0-9_-]{32,}"_s);
    static const QRegularExpression control(u"[\\x00-\\x1f\\x7f]+"_s);
    out.replace(tokenShaped, u"<redacted>"_s).replace(control, u" "_s);
    if (out.size() > kMaxServerText) {
        out = out.left(kMaxServerText) + u"…"_s;
    }
    return out.trimmed();
}

SecretBytes secretField(const QJsonObject &json, QLatin1StringView key)
{
    return SecretBytes(json.value(key).toString().toUtf8());
}

QString endpointName(const QUrl &url)
{
    return url.port() > 0 ? u"%1:%2"_s.arg(url.host()).arg(url.port()) : url.host();
}

// One POST in flight: owns its QNAM (which carries this call's proxy), reports once, then deletes itself.
// A child of the client on its thread; deleting the client abandons the call without a report.
class TokenCall : public QObject
{
public:
    TokenCall(ClaudeTokenClient *client,
              std::vector<SecretBytes> secrets,
              bool isRefresh,
              ClaudeTokenClient::Clock now,
              ClaudeTokenClient::Callback done)
        : QObject(client)
        , m_secrets(std::move(secrets))
        , m_isRefresh(isRefresh)
        , m_now(std::move(now))
        , m_done(std::move(done))
        , m_timeoutMs(client->timeoutMs())
    {}

    ~TokenCall() override
    {
        if (m_reply) {
            m_reply->disconnect(this);
            m_reply->abort();
        }
    }

    void start(const QNetworkRequest &request, const QByteArray &body, const QNetworkProxy &proxy)
    {
        m_endpoint = endpointName(request.url());
        // QNAM has no per-request proxy: one manager per call, gone with the call.
        auto *manager = new QNetworkAccessManager(this);
        manager->setProxy(proxy);
        m_reply = manager->post(request, body);
        connect(m_reply, &QNetworkReply::finished, this, [this] { onFinished(); });
    }

private:
    QString what() const { return m_isRefresh ? u"token refresh"_s : u"code exchange"_s; }
    void onFinished();
    Result<TokenSet> networkFailure(const QNetworkReply *reply) const;
    Result<TokenSet> httpFailure(int status, const QByteArray &body) const;
    Result<TokenSet> tokensFrom(int status, const QByteArray &body) const;
    void finish(Result<TokenSet> result);

    std::vector<SecretBytes> m_secrets; // what we sent: scrubbed from every detail
    bool m_isRefresh;
    ClaudeTokenClient::Clock m_now;
    ClaudeTokenClient::Callback m_done;
    int m_timeoutMs;
    QString m_endpoint;
    QNetworkReply *m_reply = nullptr;
};

void TokenCall::onFinished()
{
    QNetworkReply *reply = std::exchange(m_reply, nullptr);
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) {
        finish(networkFailure(reply));
        return;
    }
    QByteArray body = reply->readAll();
    Result<TokenSet> result = (status.toInt() >= 200 && status.toInt() < 300) ? tokensFrom(status.toInt(), body)
                                                                              : httpFailure(status.toInt(), body);
    wipeBytes(body);
    finish(std::move(result));
}

Result<TokenSet> TokenCall::networkFailure(const QNetworkReply *reply) const
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

Result<TokenSet> TokenCall::httpFailure(int status, const QByteArray &body) const
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    QString error = json.value("error"_L1).toString();
    QString description = json.value("error_description"_L1).toString();
    if (json.value("error"_L1).isObject()) { // Anthropic API shape: {"type":"error","error":{"type","message"}}
        const QJsonObject inner = json.value("error"_L1).toObject();
        error = inner.value("type"_L1).toString();
        description = inner.value("message"_L1).toString();
    }
    QString serverText = scrubbed(error, m_secrets);
    if (const QString more = scrubbed(description, m_secrets); !more.isEmpty()) {
        serverText = serverText.isEmpty() ? more : serverText + u" – "_s + more;
    }
    const QString suffix = serverText.isEmpty() ? QString() : u": "_s + serverText;
    if ((status == 400 && error == u"invalid_grant") || status == 401) {
        return fail(ErrorCode::ReauthorizationRequired,
                    u"%1 refused (HTTP %2%3); sign in again"_s.arg(what()).arg(status).arg(suffix));
    }
    return fail(ErrorCode::UpstreamUnavailable,
                u"%1: the token endpoint %2 answered HTTP %3%4"_s.arg(what(), m_endpoint).arg(status).arg(suffix));
}

Result<TokenSet> TokenCall::tokensFrom(int status, const QByteArray &body) const
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return fail(ErrorCode::UpstreamProtocol,
                    u"%1: the token endpoint answered HTTP %2 without a JSON object"_s.arg(what()).arg(status));
    }
    const QJsonObject json = document.object();
    TokenSet tokens;
    tokens.accessToken = secretField(json, "access_token"_L1);
    if (tokens.accessToken.isEmpty()) {
        return fail(ErrorCode::UpstreamProtocol, u"%1: the token endpoint's answer has no access_token"_s.arg(what()));
    }
    tokens.refreshToken = secretField(json, "refresh_token"_L1);
    qint64 expiresIn = json.value("expires_in"_L1).toInteger(-1);
    if (expiresIn <= 0) {
        qCDebug(lcOAuth) << what() << "answer without a usable expires_in; assuming" << kDefaultExpiresInS << "s";
        expiresIn = kDefaultExpiresInS;
    }
    tokens.expiresAtMs = m_now() + expiresIn * 1000;
    tokens.scope = json.value("scope"_L1).toString();
    const QJsonObject account = json.value("account"_L1).toObject();
    tokens.accountUuid = account.value("uuid"_L1).toString();
    tokens.email = account.value("email_address"_L1).toString();
    tokens.organizationUuid = json.value("organization"_L1).toObject().value("uuid"_L1).toString();
    return tokens;
}

void TokenCall::finish(Result<TokenSet> result)
{
    if (result) {
        qCInfo(lcOAuth).noquote() << u"%1 succeeded (account %2, expires in %3 s%4)"_s.arg(
            what(),
            result->accountUuid.isEmpty() ? u"unknown"_s : result->accountUuid,
            QString::number((result->expiresAtMs - m_now()) / 1000),
            result->refreshToken.isEmpty() ? u", no refresh token"_s : QString());
    } else {
        qCWarning(lcOAuth).noquote() << u"%1 failed: %2 (%3)"_s.arg(
            what(), result.error().detail, errorCodeName(result.error().code));
    }
    ClaudeTokenClient::Callback done = std::move(m_done);
    deleteLater();
    // Last statement: the callback may delete the client, and with it this call.
    if (done) {
        done(std::move(result));
    }
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
    PkceSession session;
    session.verifier = randomBase64Url();
    session.challenge = base64Url(QCryptographicHash::hash(session.verifier, QCryptographicHash::Sha256));
    session.state = randomBase64Url();
    session.setupToken = setupToken;
    session.createdAtMs = nowMs;
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
    if (!isCodeText(code)) {
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
        failLater(Error{ErrorCode::InvalidArgument,
                        u"code exchange: the sign-in started more than 10 minutes ago and has expired; start again"_s},
                  std::move(done));
        return;
    }
    if (code.isEmpty() || session.verifier.isEmpty()) {
        failLater(Error{ErrorCode::InvalidArgument, u"code exchange: no authorization code or no PKCE verifier"_s},
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
        failLater(
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
    Q_ASSERT(QThread::currentThread() == thread());
    const QUrl url(m_endpoints.tokenUrl, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"https" && url.scheme() != u"http")) {
        wipeBytes(body);
        failLater(Error{ErrorCode::InvalidConfig, u"unusable Claude token URL (scheme '%1')"_s.arg(url.scheme())},
                  std::move(done));
        return;
    }
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    request.setRawHeader("accept", "application/json");
    request.setTransferTimeout(m_timeoutMs);
    // A redirect would re-send the grant somewhere else: report it as the status it is.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    auto *call = new TokenCall(this, std::move(secrets), isRefresh, m_now, std::move(done));
    call->start(request, body, proxy);
    wipeBytes(body); // QNAM holds its own copy until the request is sent
}

void ClaudeTokenClient::failLater(Error error, Callback done)
{
    qCWarning(lcOAuth).noquote() << u"%1 (%2)"_s.arg(error.detail, errorCodeName(error.code));
    // Same order as a network outcome: never from inside the call. Deleting the client first drops the report.
    QTimer::singleShot(0, this, [error = std::move(error), done = std::move(done)] {
        if (done) {
            done(tl::unexpected<Error>(error));
        }
    });
}

} // namespace rd::oauth
