// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/tokenendpoint.h"

#include "core/util/logging.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstring>

using namespace Qt::StringLiterals;

namespace rd::oauth::detail {

namespace {

constexpr int kRandomBytes = 32;
constexpr qint64 kDefaultExpiresInS = 3600; // used when an answer omits expires_in (OpenAI may, §5.3)
constexpr qsizetype kMaxServerText = 200;   // of the server's error text kept in a detail

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

// {"error":"invalid_grant","error_description":…} (OAuth), {"type":"error","error":{"type","message"}} (Anthropic API)
// or {"error":{"code"|"type","message"}} (OpenAI API): (error name, description).
std::pair<QString, QString> serverError(const QByteArray &body, bool innerCodeFirst)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    if (json.value("error"_L1).isObject()) {
        const QJsonObject inner = json.value("error"_L1).toObject();
        const QString code = innerCodeFirst ? inner.value("code"_L1).toString() : QString();
        return {code.isEmpty() ? inner.value("type"_L1).toString() : code, inner.value("message"_L1).toString()};
    }
    return {json.value("error"_L1).toString(), json.value("error_description"_L1).toString()};
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
    TokenCall(QObject *client,
              const TokenEndpointDialect &dialect,
              std::vector<SecretBytes> secrets,
              bool isRefresh,
              Clock now,
              TokenCallback done,
              int timeoutMs)
        : QObject(client)
        , m_dialect(dialect)
        , m_secrets(std::move(secrets))
        , m_what(isRefresh ? dialect.refreshName : dialect.exchangeName)
        , m_now(std::move(now))
        , m_done(std::move(done))
        , m_timeoutMs(timeoutMs)
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
    void onFinished();
    Result<TokenSet> networkFailure(const QNetworkReply *reply) const;
    Result<TokenSet> httpFailure(int status, const QByteArray &body) const;
    Result<TokenSet> tokensFrom(int status, const QByteArray &body) const;
    void finish(Result<TokenSet> result);

    const TokenEndpointDialect &m_dialect; // a static of the provider's client
    std::vector<SecretBytes> m_secrets;    // what we sent: scrubbed from every detail
    QString m_what;
    Clock m_now;
    TokenCallback m_done;
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
    const int code = status.toInt();
    Result<TokenSet> result = (code >= 200 && code < 300) ? tokensFrom(code, body) : httpFailure(code, body);
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
            u"%1: the token endpoint %2 did not answer within %3 ms"_s.arg(m_what, m_endpoint).arg(m_timeoutMs));
    default:
        return fail(ErrorCode::UpstreamConnect,
                    u"%1: cannot reach the token endpoint %2: %3"_s.arg(m_what, m_endpoint, reply->errorString()));
    }
}

Result<TokenSet> TokenCall::httpFailure(int status, const QByteArray &body) const
{
    const auto [error, description] = serverError(body, m_dialect.innerCodeFirst);
    QString serverText = scrubbed(error, m_secrets, m_dialect.tokenShaped);
    if (const QString more = scrubbed(description, m_secrets, m_dialect.tokenShaped); !more.isEmpty()) {
        serverText = serverText.isEmpty() ? more : serverText + u" – "_s + more;
    }
    const QString suffix = serverText.isEmpty() ? QString() : u": "_s + serverText;
    // OpenAI's 401 carries refresh_token_expired / _reused / _invalidated (what the Codex CLI treats as "log in
    // again").
    if ((status == 400 && error == u"invalid_grant") || status == 401) {
        return fail(ErrorCode::ReauthorizationRequired,
                    u"%1 refused (HTTP %2%3); sign in again"_s.arg(m_what).arg(status).arg(suffix));
    }
    return fail(ErrorCode::UpstreamUnavailable,
                u"%1: the token endpoint %2 answered HTTP %3%4"_s.arg(m_what, m_endpoint).arg(status).arg(suffix));
}

Result<TokenSet> TokenCall::tokensFrom(int status, const QByteArray &body) const
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return fail(ErrorCode::UpstreamProtocol,
                    u"%1: the token endpoint answered HTTP %2 without a JSON object"_s.arg(m_what).arg(status));
    }
    const QJsonObject json = document.object();
    TokenSet tokens;
    tokens.accessToken = SecretBytes(json.value("access_token"_L1).toString().toUtf8());
    if (tokens.accessToken.isEmpty()) {
        return fail(ErrorCode::UpstreamProtocol, u"%1: the token endpoint's answer has no access_token"_s.arg(m_what));
    }
    tokens.refreshToken = SecretBytes(json.value("refresh_token"_L1).toString().toUtf8());
    qint64 expiresIn = json.value("expires_in"_L1).toInteger(-1);
    if (expiresIn <= 0) {
        qCDebug(lcOAuth) << m_what << "answer without a usable expires_in; assuming" << kDefaultExpiresInS << "s";
        expiresIn = kDefaultExpiresInS;
    }
    tokens.expiresAtMs = m_now() + expiresIn * 1000;
    tokens.scope = json.value("scope"_L1).toString();
    m_dialect.readAnswer(json, tokens, m_what);
    return tokens;
}

void TokenCall::finish(Result<TokenSet> result)
{
    if (result) {
        qCInfo(lcOAuth).noquote() << u"%1 succeeded (%2, expires in %3 s%4)"_s.arg(
            m_what,
            m_dialect.describe(*result),
            QString::number((result->expiresAtMs - m_now()) / 1000),
            result->refreshToken.isEmpty() ? u", no refresh token"_s : QString());
    } else {
        qCWarning(lcOAuth).noquote() << u"%1 failed: %2 (%3)"_s.arg(
            m_what, result.error().detail, errorCodeName(result.error().code));
    }
    TokenCallback done = std::move(m_done);
    deleteLater();
    // Last statement: the callback may delete the client, and with it this call.
    if (done) {
        done(std::move(result));
    }
}

} // namespace

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

PkceSession newPkceSession(qint64 nowMs)
{
    PkceSession session;
    session.verifier = randomBase64Url();
    session.challenge = base64Url(QCryptographicHash::hash(session.verifier, QCryptographicHash::Sha256));
    session.state = randomBase64Url();
    session.createdAtMs = nowMs;
    return session;
}

bool isCodeText(const QString &code)
{
    return std::all_of(code.cbegin(), code.cend(), [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

QString scrubbed(const QString &text, const std::vector<SecretBytes> &secrets, const QRegularExpression &tokenShaped)
{
    QByteArray bytes = text.toUtf8();
    for (const SecretBytes &secret : secrets) {
        if (!secret.isEmpty()) {
            bytes.replace(secret.expose(), "<redacted>");
        }
    }
    QString out = QString::fromUtf8(bytes);
    wipeBytes(bytes);
    static const QRegularExpression control(u"[\\x00-\\x1f\\x7f]+"_s);
    out.replace(tokenShaped, u"<redacted>"_s).replace(control, u" "_s);
    if (out.size() > kMaxServerText) {
        out = out.left(kMaxServerText) + u"…"_s;
    }
    return out.trimmed();
}

void postToTokenEndpoint(QObject *client,
                         const TokenEndpointDialect &dialect,
                         const QString &tokenUrl,
                         int timeoutMs,
                         Clock now,
                         QByteArray body,
                         std::vector<SecretBytes> secrets,
                         const QNetworkProxy &proxy,
                         bool isRefresh,
                         TokenCallback done)
{
    Q_ASSERT(QThread::currentThread() == client->thread());
    const QUrl url(tokenUrl, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"https" && url.scheme() != u"http")) {
        wipeBytes(body);
        failLater(client,
                  Error{ErrorCode::InvalidConfig,
                        u"unusable %1 token URL (scheme '%2')"_s.arg(dialect.provider, url.scheme())},
                  std::move(done));
        return;
    }
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, dialect.contentType);
    request.setRawHeader("accept", "application/json");
    request.setTransferTimeout(timeoutMs);
    // A redirect would re-send the grant somewhere else: report it as the status it is.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    auto *call =
        new TokenCall(client, dialect, std::move(secrets), isRefresh, std::move(now), std::move(done), timeoutMs);
    call->start(request, body, proxy);
    wipeBytes(body); // QNAM holds its own copy until the request is sent
}

void failLater(QObject *client, Error error, TokenCallback done)
{
    qCWarning(lcOAuth).noquote() << u"%1 (%2)"_s.arg(error.detail, errorCodeName(error.code));
    QTimer::singleShot(0, client, [error = std::move(error), done = std::move(done)] {
        if (done) {
            done(tl::unexpected<Error>(error));
        }
    });
}

} // namespace rd::oauth::detail
