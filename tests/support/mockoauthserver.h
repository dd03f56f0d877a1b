// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

class QJsonObject;
class QTcpServer;

namespace rd::test {

// The Claude token endpoint (PROTOCOLS §5.1) on 127.0.0.1: POST /v1/oauth/token with JSON bodies.
// authorization_code: checks client_id, redirect_uri, the code (registered with expectChallenge, single use) and that
// base64url(sha256(code_verifier)) equals the registered challenge; issues sk-ant-oat01-mock-<n> /
// sk-ant-ort01-mock-<n>. refresh_token: a valid refresh token yields a new access and a new refresh token and dies
// (rotation); an unknown or rotated one gets 400 invalid_grant.
// Also the OpenAI token endpoint (PROTOCOLS §5.3): POST /oauth/token, form-encoded, same checks (its own client id and
// redirect URI, single-use codes, PKCE); answers carry an unsigned id_token whose payload has kEmail and the
// "https://api.openai.com/auth" claims (kChatGPTAccountId, plan kPlanType, kChatGPTUserId, two organizations, the
// second default). Refresh rotates rt_mock_<n> tokens; an unknown or rotated one gets 401 refresh_token_reused.
// Codes registered with expectChallenge serve either endpoint. Lives on the test's main thread.
class MockOAuthServer : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *kAccountUuid = "4f0c6a8e-0000-4000-8000-00000000a11c";
    static constexpr const char *kEmail = "mock.user@example.com";
    static constexpr const char *kOrganizationUuid = "7b3d9e21-0000-4000-8000-000000000f06";
    static constexpr const char *kChatGPTAccountId = "b1f3c2d4-0000-4000-8000-0000000c0de5";
    static constexpr const char *kChatGPTUserId = "user-MockChatGPTUser01";
    static constexpr const char *kPlanType = "plus";
    static constexpr const char *kDefaultOrganization = "org-MockDefault02";

    explicit MockOAuthServer(QObject *parent = nullptr);
    ~MockOAuthServer() override;

    bool listen(); // 127.0.0.1, port 0
    quint16 port() const;
    QString tokenUrl() const;       // "http://127.0.0.1:<port>/v1/oauth/token"
    QString openaiTokenUrl() const; // "http://127.0.0.1:<port>/oauth/token"

    // What every request must carry (defaults: ClaudeOAuthEndpoints::defaults()).
    void setClient(const QByteArray &clientId, const QByteArray &redirectUri);
    // The same for the OpenAI endpoint (defaults: OpenAIOAuthEndpoints::defaults()).
    void setOpenAIClient(const QByteArray &clientId, const QByteArray &redirectUri);
    // Registers an authorization code as the authorize step would, with the PKCE challenge it was issued for.
    void expectChallenge(const QByteArray &code, const QByteArray &challenge, const QByteArray &scope = {});
    // A valid refresh token without an exchange (refresh tests).
    QByteArray issueRefreshToken();
    QByteArray issueOpenAIRefreshToken();       // rt_mock_<n>
    void setOmitIdToken(bool omit);             // OpenAI answers without id_token
    void setExpiresIn(int seconds);             // default 28800; an exchange asking for expires_in gets what it asked
    void setOmitRefreshToken(bool omit);        // answers without refresh_token (clients keep theirs)
    void failNext(int status, QByteArray body); // FIFO: the next request gets this answer instead
    void setResponseDelayMs(int ms);            // every answer waits this long
    void revokeAll();                           // every refresh token becomes invalid

    int requestCount() const { return m_requestCount; }
    int exchangeCount() const { return m_exchangeCount; } // authorization_code requests received
    int refreshCount() const { return m_refreshCount; }   // refresh_token requests received
    QByteArray lastRequestBody() const { return m_lastBody; }
    QByteArray lastContentType() const { return m_lastContentType; }
    bool isRefreshTokenValid(const QByteArray &token) const
    {
        return m_refreshTokens.contains(token) || m_openaiRefreshTokens.contains(token);
    }

signals:
    void requestReceived();

private:
    class Connection;
    friend class Connection;

    struct Answer
    {
        int status = 200;
        QByteArray body;
    };
    struct PendingCode
    {
        QByteArray challenge;
        QByteArray scope;
    };

    Answer answer(const QByteArray &method, const QByteArray &path, const QByteArray &body, const QByteArray &type);
    Answer exchange(const QJsonObject &request);
    Answer refresh(const QJsonObject &request);
    Answer issueTokens(const QByteArray &scope, int expiresIn);
    Answer answerOpenAI(const QByteArray &body, const QByteArray &type);
    Answer issueOpenAITokens();

    QTcpServer *m_server = nullptr;
    QList<Connection *> m_connections;
    QByteArray m_clientId;
    QByteArray m_redirectUri;
    QHash<QByteArray, PendingCode> m_codes;        // unused codes; a code dies at its first use, good or bad
    QHash<QByteArray, QByteArray> m_refreshTokens; // valid refresh token → its scope
    QSet<QByteArray> m_openaiRefreshTokens;
    QByteArray m_openaiClientId;
    QByteArray m_openaiRedirectUri;
    bool m_omitIdToken = false;
    QList<Answer> m_failures;
    int m_expiresIn = 28800;
    bool m_omitRefreshToken = false;
    int m_delayMs = 0;
    int m_issued = 0;
    int m_requestCount = 0;
    int m_exchangeCount = 0;
    int m_refreshCount = 0;
    QByteArray m_lastBody;
    QByteArray m_lastContentType;
};

} // namespace rd::test
