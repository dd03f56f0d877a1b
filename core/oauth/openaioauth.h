// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/oauth/claudeoauth.h"
#include "core/secrets/sealer.h"
#include "core/store/records.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QNetworkProxy>
#include <QObject>
#include <QString>

#include <functional>
#include <vector>

namespace rd::oauth {

// ChatGPT (Codex) sign-in (PROTOCOLS §5.3). Every value is a setting (§5.6): a loopback mock can stand in.
struct OpenAIOAuthEndpoints
{
    QString authorizeUrl;
    QString tokenUrl;
    QString clientId;
    QString redirectUri;   // a loopback URL the client is registered with; LoopbackCallbackServer listens on it
    QString scopes;        // space separated
    QString refreshScopes; // what a refresh asks for

    static OpenAIOAuthEndpoints defaults();
};

// A fresh PKCE verifier, challenge and state and the authorize URL of §5.3 (response_type, client_id, redirect_uri,
// scope, code_challenge, code_challenge_method=S256, state, id_token_add_organizations, codex_cli_simplified_flow).
PkceSession startOpenAIAuthorization(const OpenAIOAuthEndpoints &e, qint64 nowMs);

// What came back: the callback URL ("http://localhost:1455/auth/callback?code=…&state=…", pasted or received by the
// loopback server) or a bare code. A URL must carry the expected state (InvalidArgument "state mismatch"); an
// `error` parameter becomes InvalidArgument with the provider's error name. Details never contain the pasted text.
[[nodiscard]] Result<QByteArray> extractOpenAICallbackCode(const QString &pasted, const QByteArray &expectedState);

// The claims RelayDesk reads from the id token (§5.3).
struct OpenAIIdentity
{
    QString accountId;      // chatgpt_account_id: sent as chatgpt-account-id
    QString planType;       // chatgpt_plan_type: free, plus, pro, team, …
    QString userId;         // chatgpt_user_id, else user_id
    QString email;          // top-level claim
    QString organizationId; // the default organization, else the first
};

// Reads the payload (middle part, base64url) of an id token; the signature is not checked (the token came straight
// from the token endpoint over TLS). Not three parts, not base64url or not a JSON object → InvalidArgument.
// Missing claims stay empty.
[[nodiscard]] Result<OpenAIIdentity> identityFromIdToken(QByteArrayView jwt);

// Client of the OpenAI token endpoint: form-encoded POSTs (§5.3) through the account's proxy. The same contract as
// ClaudeTokenClient (threads, one report per call from the event loop, error codes, scrubbing). The TokenSet's
// chatgptAccountId, planType, email, organizationUuid and accountUuid (the ChatGPT user id) come from the answer's
// id_token; a refresh without one leaves them empty. expires_in defaults to 3600 s.
class OpenAITokenClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(Result<TokenSet>)>;
    using Clock = std::function<qint64()>; // epoch milliseconds
    static constexpr int kDefaultTimeoutMs = 30000;

    explicit OpenAITokenClient(OpenAIOAuthEndpoints endpoints, QObject *parent = nullptr);
    ~OpenAITokenClient() override;

    // Trades the code for tokens. A session older than 10 minutes is refused with InvalidArgument, unasked.
    void exchangeCode(const PkceSession &session, const QByteArray &code, const QNetworkProxy &proxy, Callback done);
    // When the answer carries no refresh token, the TokenSet's refreshToken is empty: keep the old one.
    void refresh(const SecretBytes &refreshToken, const QNetworkProxy &proxy, Callback done);

    void setTimeoutMs(int ms); // inactivity timeout per call; default 30 s
    int timeoutMs() const { return m_timeoutMs; }
    void setClock(Clock nowMs);
    const OpenAIOAuthEndpoints &endpoints() const { return m_endpoints; }

private:
    void
    post(QByteArray body, std::vector<SecretBytes> secrets, const QNetworkProxy &proxy, bool isRefresh, Callback done);

    OpenAIOAuthEndpoints m_endpoints;
    int m_timeoutMs = kDefaultTimeoutMs;
    Clock m_now;
};

inline constexpr auto kCodexBaseUrl = "https://chatgpt.com/backend-api/codex";

// The store record of a freshly signed-in ChatGPT account (CLI and desktop wizard alike): type "openai-oauth", a new
// "acc_" id, the Codex base URL unless baseUrl says otherwise, extra {chatgpt_account_id, email}, the plan, and the
// token pair sealed with the account id as AAD. No chatgptAccountId → InvalidArgument (the backend needs it).
// The caller sets group, priority and the like before inserting it.
[[nodiscard]] Result<store::AccountRecord> openAIAccountRecord(const QString &name,
                                                               const TokenSet &tokens,
                                                               const secrets::Sealer &sealer,
                                                               const QString &proxyUrl,
                                                               QByteArrayView proxyPassword,
                                                               const QString &baseUrl = {});

} // namespace rd::oauth
