// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/mockoauthserver.h"

#include "core/http/requestparser.h"
#include "core/oauth/claudeoauth.h"
#include "core/oauth/openaioauth.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace rd::test {

namespace {

QByteArray defaultScope()
{
    return rd::oauth::ClaudeOAuthEndpoints::defaults().scopes.toLatin1();
}

QByteArray errorBody(const char *error, const char *description)
{
    QJsonObject json;
    json.insert(u"error"_s, QString::fromLatin1(error));
    json.insert(u"error_description"_s, QString::fromLatin1(description));
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

QByteArray field(const QJsonObject &json, const char *name)
{
    return json.value(QLatin1StringView(name)).toString().toUtf8();
}

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// An unsigned id token (header.payload.signature) with the claims the OpenAI token endpoint puts in it.
QByteArray mockIdToken()
{
    using S = MockOAuthServer;
    const QJsonArray organizations{
        QJsonObject{{u"id"_s, u"org-MockOther01"_s}, {u"is_default"_s, false}, {u"role"_s, u"reader"_s}},
        QJsonObject{{u"id"_s, QString::fromLatin1(S::kDefaultOrganization)},
                    {u"is_default"_s, true},
                    {u"role"_s, u"owner"_s},
                    {u"title"_s, u"Personal"_s}}};
    const QJsonObject auth{{u"chatgpt_account_id"_s, QString::fromLatin1(S::kChatGPTAccountId)},
                           {u"chatgpt_plan_type"_s, QString::fromLatin1(S::kPlanType)},
                           {u"chatgpt_user_id"_s, QString::fromLatin1(S::kChatGPTUserId)},
                           {u"user_id"_s, QString::fromLatin1(S::kChatGPTUserId)},
                           {u"organizations"_s, organizations}};
    const QJsonObject payload{{u"iss"_s, u"https://auth.openai.com"_s},
                              {u"aud"_s, QJsonArray{rd::oauth::OpenAIOAuthEndpoints::defaults().clientId}},
                              {u"email"_s, QString::fromLatin1(S::kEmail)},
                              {u"email_verified"_s, true},
                              {u"https://api.openai.com/auth"_s, auth}};
    return base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + '.'
           + base64Url(QJsonDocument(payload).toJson(QJsonDocument::Compact)) + '.' + base64Url("mock-signature");
}

QByteArray openaiErrorBody(const char *code, const char *message)
{
    const QJsonObject inner{{u"message"_s, QString::fromLatin1(message)},
                            {u"type"_s, u"invalid_request_error"_s},
                            {u"code"_s, QString::fromLatin1(code)}};
    return QJsonDocument(QJsonObject{{u"error"_s, inner}}).toJson(QJsonDocument::Compact);
}

} // namespace

// One accepted connection: frames requests with RequestParser (http-parser), answers them one at a time.
class MockOAuthServer::Connection : public QObject
{
public:
    Connection(MockOAuthServer *owner, QTcpSocket *socket)
        : QObject(owner)
        , m_owner(owner)
        , m_socket(socket)
    {
        m_socket->setParent(this);
        connect(m_socket, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        connect(m_socket, &QTcpSocket::disconnected, this, [this] { onDisconnected(); });
    }

    ~Connection() override
    {
        m_socket->disconnect(this);
        m_socket->abort();
    }

private:
    void onReadyRead();
    void onDisconnected();
    void send(const Answer &answer, bool keepAlive);

    MockOAuthServer *m_owner;
    QTcpSocket *m_socket;
    rd::http::RequestParser m_parser;
    QByteArray m_buffer;
    bool m_busy = false; // an answer is waiting for its delay
};

void MockOAuthServer::Connection::onReadyRead()
{
    m_buffer += m_socket->readAll();
    while (!m_busy && !m_buffer.isEmpty()) {
        const qsizetype used = m_parser.feed(m_buffer.constData(), m_buffer.size());
        m_buffer.remove(0, used);
        if (m_parser.state() == rd::http::RequestParser::State::Failed) {
            send(Answer{400, errorBody("invalid_request", "Malformed HTTP request")}, false);
            return;
        }
        if (m_parser.state() != rd::http::RequestParser::State::Complete) {
            return;
        }
        const rd::http::HttpRequest request = m_parser.take();
        const QByteArray body(request.body.constData(), request.body.size());
        const Answer answer = m_owner->answer(request.method, request.path, body, request.header("content-type"));
        const bool keepAlive = request.keepAlive;
        if (m_owner->m_delayMs > 0) {
            m_busy = true;
            QTimer::singleShot(m_owner->m_delayMs, this, [this, answer, keepAlive] {
                m_busy = false;
                send(answer, keepAlive);
                onReadyRead();
            });
            return;
        }
        send(answer, keepAlive);
    }
}

void MockOAuthServer::Connection::send(const Answer &answer, bool keepAlive)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        return;
    }
    m_socket->write("HTTP/1.1 " + QByteArray::number(answer.status) + ' ' + rd::http::reasonPhrase(answer.status)
                    + "\r\ncontent-type: application/json\r\ncontent-length: " + QByteArray::number(answer.body.size())
                    + (keepAlive ? "\r\nconnection: keep-alive\r\n\r\n" : "\r\nconnection: close\r\n\r\n")
                    + answer.body);
    if (!keepAlive) {
        m_socket->disconnectFromHost();
    }
}

void MockOAuthServer::Connection::onDisconnected()
{
    m_owner->m_connections.removeOne(this);
    deleteLater();
}

MockOAuthServer::MockOAuthServer(QObject *parent)
    : QObject(parent)
    , m_clientId(rd::oauth::ClaudeOAuthEndpoints::defaults().clientId.toLatin1())
    , m_redirectUri(rd::oauth::ClaudeOAuthEndpoints::defaults().redirectUri.toLatin1())
    , m_openaiClientId(rd::oauth::OpenAIOAuthEndpoints::defaults().clientId.toLatin1())
    , m_openaiRedirectUri(rd::oauth::OpenAIOAuthEndpoints::defaults().redirectUri.toLatin1())
{}

MockOAuthServer::~MockOAuthServer()
{
    const QList<Connection *> connections = std::exchange(m_connections, {});
    qDeleteAll(connections);
}

bool MockOAuthServer::listen()
{
    if (m_server) {
        return m_server->isListening();
    }
    m_server = new QTcpServer(this);
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            m_connections.append(new Connection(this, socket));
        }
    });
    return m_server->listen(QHostAddress::LocalHost, 0);
}

quint16 MockOAuthServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QString MockOAuthServer::tokenUrl() const
{
    return u"http://127.0.0.1:%1/v1/oauth/token"_s.arg(port());
}

QString MockOAuthServer::openaiTokenUrl() const
{
    return u"http://127.0.0.1:%1/oauth/token"_s.arg(port());
}

void MockOAuthServer::setOpenAIClient(const QByteArray &clientId, const QByteArray &redirectUri)
{
    m_openaiClientId = clientId;
    m_openaiRedirectUri = redirectUri;
}

QByteArray MockOAuthServer::issueOpenAIRefreshToken()
{
    const QByteArray token = "rt_mock_" + QByteArray::number(++m_issued);
    m_openaiRefreshTokens.insert(token);
    return token;
}

void MockOAuthServer::setOmitIdToken(bool omit)
{
    m_omitIdToken = omit;
}

void MockOAuthServer::setClient(const QByteArray &clientId, const QByteArray &redirectUri)
{
    m_clientId = clientId;
    m_redirectUri = redirectUri;
}

void MockOAuthServer::expectChallenge(const QByteArray &code, const QByteArray &challenge, const QByteArray &scope)
{
    m_codes.insert(code, PendingCode{challenge, scope.isEmpty() ? defaultScope() : scope});
}

QByteArray MockOAuthServer::issueRefreshToken()
{
    const QByteArray token = "sk-ant-ort01-mock-" + QByteArray::number(++m_issued);
    m_refreshTokens.insert(token, defaultScope());
    return token;
}

void MockOAuthServer::setExpiresIn(int seconds)
{
    m_expiresIn = seconds;
}

void MockOAuthServer::setOmitRefreshToken(bool omit)
{
    m_omitRefreshToken = omit;
}

void MockOAuthServer::failNext(int status, QByteArray body)
{
    m_failures.append(Answer{status, std::move(body)});
}

void MockOAuthServer::setResponseDelayMs(int ms)
{
    m_delayMs = ms;
}

void MockOAuthServer::revokeAll()
{
    m_refreshTokens.clear();
    m_openaiRefreshTokens.clear();
}

MockOAuthServer::Answer MockOAuthServer::answer(const QByteArray &method,
                                                const QByteArray &path,
                                                const QByteArray &body,
                                                const QByteArray &type)
{
    ++m_requestCount;
    m_lastBody = body;
    m_lastContentType = type;
    emit requestReceived();
    if (path == "/oauth/token" && method == "POST") {
        return answerOpenAI(body, type);
    }
    if (path != "/v1/oauth/token") {
        return Answer{404, errorBody("not_found", "No such endpoint")};
    }
    if (method != "POST") {
        return Answer{405, errorBody("invalid_request", "Method not allowed")};
    }
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const QByteArray grant = field(json, "grant_type");
    if (grant == "authorization_code") {
        ++m_exchangeCount;
    } else if (grant == "refresh_token") {
        ++m_refreshCount;
    }
    if (!m_failures.isEmpty()) {
        return m_failures.takeFirst();
    }
    if (!type.startsWith("application/json") || json.isEmpty()) {
        return Answer{400, errorBody("invalid_request", "Expected a JSON body")};
    }
    if (field(json, "client_id") != m_clientId) {
        return Answer{400, errorBody("invalid_client", "Unknown client_id")};
    }
    if (grant == "authorization_code") {
        return exchange(json);
    }
    if (grant == "refresh_token") {
        return refresh(json);
    }
    return Answer{400, errorBody("unsupported_grant_type", "Unsupported grant_type")};
}

MockOAuthServer::Answer MockOAuthServer::exchange(const QJsonObject &request)
{
    if (field(request, "redirect_uri") != m_redirectUri) {
        return Answer{400, errorBody("invalid_grant", "Redirect URI mismatch")};
    }
    if (field(request, "state").isEmpty()) {
        return Answer{400, errorBody("invalid_request", "Missing state")};
    }
    // A code dies at its first use, good or bad (RFC 6749 §4.1.2).
    const auto pending = m_codes.constFind(field(request, "code"));
    if (pending == m_codes.constEnd()) {
        return Answer{400, errorBody("invalid_grant", "Invalid or expired authorization code")};
    }
    const PendingCode code = pending.value();
    m_codes.erase(pending);
    const QByteArray verifier = field(request, "code_verifier");
    const QByteArray challenge = QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
                                     .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    if (verifier.isEmpty() || challenge != code.challenge) {
        return Answer{400, errorBody("invalid_grant", "Invalid code verifier")};
    }
    const int asked = request.value("expires_in"_L1).toInt(0);
    return issueTokens(code.scope, asked > 0 ? asked : m_expiresIn);
}

MockOAuthServer::Answer MockOAuthServer::refresh(const QJsonObject &request)
{
    const auto token = m_refreshTokens.constFind(field(request, "refresh_token"));
    if (token == m_refreshTokens.constEnd()) {
        return Answer{400, errorBody("invalid_grant", "Refresh token not found or invalid")};
    }
    const QByteArray scope = token.value();
    m_refreshTokens.erase(token); // rotation: the old refresh token is dead from now on
    return issueTokens(scope, m_expiresIn);
}

MockOAuthServer::Answer MockOAuthServer::issueTokens(const QByteArray &scope, int expiresIn)
{
    const QByteArray n = QByteArray::number(++m_issued);
    QJsonObject json;
    json.insert(u"token_type"_s, u"Bearer"_s);
    json.insert(u"access_token"_s, QString::fromLatin1(QByteArray("sk-ant-oat01-mock-" + n)));
    if (!m_omitRefreshToken) {
        const QByteArray refresh = "sk-ant-ort01-mock-" + n;
        m_refreshTokens.insert(refresh, scope);
        json.insert(u"refresh_token"_s, QString::fromLatin1(refresh));
    }
    json.insert(u"expires_in"_s, expiresIn);
    json.insert(u"scope"_s, QString::fromLatin1(scope));
    json.insert(u"organization"_s,
                QJsonObject{{u"uuid"_s, QString::fromLatin1(kOrganizationUuid)}, {u"name"_s, u"Mock Org"_s}});
    json.insert(
        u"account"_s,
        QJsonObject{{u"uuid"_s, QString::fromLatin1(kAccountUuid)}, {u"email_address"_s, QString::fromLatin1(kEmail)}});
    return Answer{200, QJsonDocument(json).toJson(QJsonDocument::Compact)};
}

MockOAuthServer::Answer MockOAuthServer::answerOpenAI(const QByteArray &body, const QByteArray &type)
{
    const QUrlQuery form(QString::fromUtf8(body));
    const auto value = [&form](const char *name) {
        return form.queryItemValue(QString::fromLatin1(name), QUrl::FullyDecoded).toUtf8();
    };
    const QByteArray grant = value("grant_type");
    if (grant == "authorization_code") {
        ++m_exchangeCount;
    } else if (grant == "refresh_token") {
        ++m_refreshCount;
    }
    if (!m_failures.isEmpty()) {
        return m_failures.takeFirst();
    }
    if (!type.startsWith("application/x-www-form-urlencoded") || grant.isEmpty()) {
        return Answer{400, errorBody("invalid_request", "Expected a form-encoded body")};
    }
    if (value("client_id") != m_openaiClientId) {
        return Answer{401, errorBody("invalid_client", "Unknown client_id")};
    }
    if (grant == "authorization_code") {
        if (value("redirect_uri") != m_openaiRedirectUri) {
            return Answer{400, errorBody("invalid_grant", "Redirect URI mismatch")};
        }
        const auto pending = m_codes.constFind(value("code"));
        if (pending == m_codes.constEnd()) {
            return Answer{400, errorBody("invalid_grant", "Invalid or expired authorization code")};
        }
        const QByteArray challenge = pending->challenge;
        m_codes.erase(pending); // single use, good or bad
        const QByteArray verifier = value("code_verifier");
        if (verifier.isEmpty()
            || base64Url(QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)) != challenge) {
            return Answer{400, errorBody("invalid_grant", "Invalid code verifier")};
        }
        return issueOpenAITokens();
    }
    if (grant == "refresh_token") {
        if (!m_openaiRefreshTokens.remove(value("refresh_token"))) { // rotation: a used token is dead
            return Answer{401,
                          openaiErrorBody("refresh_token_reused",
                                          "Your refresh token has already been used to generate a new access token.")};
        }
        return issueOpenAITokens();
    }
    return Answer{400, errorBody("unsupported_grant_type", "Unsupported grant_type")};
}

MockOAuthServer::Answer MockOAuthServer::issueOpenAITokens()
{
    const QByteArray n = QByteArray::number(++m_issued);
    QJsonObject json;
    json.insert(u"access_token"_s, QString::fromLatin1(QByteArray("oai-access-mock-" + n)));
    if (!m_omitRefreshToken) {
        const QByteArray refresh = "rt_mock_" + n;
        m_openaiRefreshTokens.insert(refresh);
        json.insert(u"refresh_token"_s, QString::fromLatin1(refresh));
    }
    if (!m_omitIdToken) {
        json.insert(u"id_token"_s, QString::fromLatin1(mockIdToken()));
    }
    json.insert(u"expires_in"_s, m_expiresIn);
    json.insert(u"token_type"_s, u"Bearer"_s);
    return Answer{200, QJsonDocument(json).toJson(QJsonDocument::Compact)};
}

} // namespace rd::test
