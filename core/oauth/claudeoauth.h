// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/secrets/secretbytes.h"
#include "core/util/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QNetworkProxy>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <vector>

namespace rd::oauth {

// Claude subscription sign-in (PROTOCOLS §5.1). Every value is a setting (§5.6): a loopback mock can stand in.
struct ClaudeOAuthEndpoints
{
    QString authorizeUrl;
    QString tokenUrl;
    QString clientId;
    QString redirectUri;
    QString scopes;           // browser sign-in, space separated
    QString setupTokenScopes; // long-lived setup token

    static ClaudeOAuthEndpoints defaults();
};

// One pending sign-in (PKCE S256). Holds the verifier, so it is as sensitive as a code: never log it.
struct PkceSession
{
    static constexpr qint64 kLifetimeMs = qint64{10} * 60 * 1000; // pending sign-ins expire after 10 minutes

    QByteArray verifier;  // base64url (no padding) of 32 random bytes: 43 characters
    QByteArray challenge; // base64url(sha256(verifier))
    QByteArray state;     // base64url of 32 further random bytes
    bool setupToken = false;
    qint64 createdAtMs = 0;
    QUrl authorizeUrl; // what the user opens in the browser

    bool isExpired(qint64 nowMs) const { return nowMs >= createdAtMs + kLifetimeMs; }
};

// A fresh verifier, challenge and state (OpenSSL RAND_bytes) and the authorize URL with the query of §5.1.
PkceSession startAuthorization(const ClaudeOAuthEndpoints &e, bool setupToken, qint64 nowMs);

// What the user pasted back: "<code>#<state>", a bare code (cut at '#' and '&') or the whole callback URL (its `code`
// query parameter). Surrounding whitespace is ignored. A state in what was pasted must equal expectedState
// (InvalidArgument "state mismatch"); nothing usable → InvalidArgument. Details never contain the pasted text.
[[nodiscard]] Result<QByteArray> extractAuthorizationCode(const QString &pasted, const QByteArray &expectedState);

struct TokenSet
{
    SecretBytes accessToken;  // sk-ant-oat01-…
    SecretBytes refreshToken; // sk-ant-ort01-…; empty when the answer carried none (keep the one you have)
    qint64 expiresAtMs = 0;   // now + expires_in
    QString scope;
    QString accountUuid;
    QString email;
    QString organizationUuid;
    // OpenAI (§5.3), from the id token: accountUuid then holds the ChatGPT user id, organizationUuid the organization.
    QString chatgptAccountId;
    QString planType;
};

// Client of the Claude token endpoint: JSON POSTs (§5.1) through the account's proxy (QNetworkProxy::NoProxy for a
// direct connection; a default-constructed proxy means the application proxy). Control plane only (QNAM, one manager
// per call carrying that call's proxy). Lives on the thread that created it; each call reports exactly once
// through its callback, from that thread's event loop (never from inside the call). Deleting the client abandons the
// calls in flight without a report.
// Errors: 400 invalid_grant or 401 → ReauthorizationRequired; no connection → UpstreamConnect; no answer within the
// timeout → UpstreamTimeout; not JSON or no access_token → UpstreamProtocol; any other status → UpstreamUnavailable
// with the status and the server's error text (tokens, codes and verifiers are scrubbed from every detail and log).
class ClaudeTokenClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(Result<TokenSet>)>;
    using Clock = std::function<qint64()>; // epoch milliseconds
    static constexpr int kDefaultTimeoutMs = 30000;
    static constexpr int kSetupTokenLifetimeS = 31536000; // what the setup-token exchange asks for: one year

    explicit ClaudeTokenClient(ClaudeOAuthEndpoints endpoints, QObject *parent = nullptr);
    ~ClaudeTokenClient() override;

    // Trades the pasted code for tokens. The setup-token variant also sends "expires_in":31536000. An expired
    // session (older than 10 minutes) is refused with InvalidArgument without asking the server.
    void exchangeCode(const PkceSession &session, const QByteArray &code, const QNetworkProxy &proxy, Callback done);
    // Refresh tokens rotate: the answer's refreshToken replaces the old one, which is dead from then on. When the
    // answer carries no refresh token, the TokenSet's refreshToken is empty and the caller keeps the old one.
    void refresh(const SecretBytes &refreshToken, const QNetworkProxy &proxy, Callback done);

    void setTimeoutMs(int ms); // inactivity timeout per call (QNetworkRequest::setTransferTimeout); default 30 s
    int timeoutMs() const { return m_timeoutMs; }
    void setClock(Clock nowMs); // for expiresAtMs and session expiry; default: the system clock
    const ClaudeOAuthEndpoints &endpoints() const { return m_endpoints; }

private:
    void
    post(QByteArray body, std::vector<SecretBytes> secrets, const QNetworkProxy &proxy, bool isRefresh, Callback done);

    ClaudeOAuthEndpoints m_endpoints;
    int m_timeoutMs = kDefaultTimeoutMs;
    Clock m_now;
};

// A pasted long-lived setup token (sk-ant-oat01-…, from `claude setup-token`): its shape is checked, nothing is
// asked of the server. No refresh token; expiresAtMs = now + one year (an upper bound: it may be older).
[[nodiscard]] Result<TokenSet> tokenSetFromSetupToken(QByteArrayView pasted, qint64 nowMs);

} // namespace rd::oauth
