// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/oauth: what the Claude and the OpenAI token clients share (PKCE values, the token-endpoint POST with
// its timeout, proxy, error mapping and scrubbing). Not an API: include it from core/oauth/*.cpp only.

#include "core/oauth/claudeoauth.h"
#include "core/secrets/secretbytes.h"
#include "core/util/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QRegularExpression>
#include <QString>

#include <functional>
#include <utility>
#include <vector>

class QObject;

namespace rd::oauth::detail {

QByteArray base64Url(const QByteArray &bytes); // no padding
// A fresh verifier (32 random bytes, base64url), its S256 challenge and a state; createdAtMs = nowMs.
PkceSession newPkceSession(qint64 nowMs);
// Printable ASCII without spaces: anything else did not come from the callback page.
bool isCodeText(const QString &code);

using TokenCallback = std::function<void(Result<TokenSet>)>;
using Clock = std::function<qint64()>; // epoch milliseconds

// What one provider's token endpoint does its own way.
struct TokenEndpointDialect
{
    QString provider;               // "Claude": "unusable Claude token URL"
    QString exchangeName;           // "code exchange": starts every detail and log line of that call
    QString refreshName;            // "token refresh"
    QByteArray contentType;         // of the POST body
    QRegularExpression tokenShaped; // cut out of the server's error text, besides what was sent
    // In {"error":{…}} (the API shape), the error's name is "code" when present (OpenAI), else "type" (Anthropic).
    bool innerCodeFirst = false;
    // The provider's fields of a success (access and refresh token, expiry and scope are read already).
    void (*readAnswer)(const QJsonObject &json, TokenSet &tokens, const QString &what) = nullptr;
    // "account …" for the success log line.
    QString (*describe)(const TokenSet &tokens) = nullptr;
};

// The server's error text, safe for a detail: the secrets, anything tokenShaped matches and long opaque runs are cut
// out, control characters flattened, the length bounded.
QString scrubbed(const QString &text, const std::vector<SecretBytes> &secrets, const QRegularExpression &tokenShaped);

// POSTs body to tokenUrl through proxy (one QNAM per call, a child of client: deleting the client abandons the call
// without a report) and reports once through done, from the event loop. Errors: 400 invalid_grant or 401 →
// ReauthorizationRequired; no connection → UpstreamConnect; no answer within timeoutMs → UpstreamTimeout; not JSON or
// no access_token → UpstreamProtocol; any other status → UpstreamUnavailable; an unusable tokenUrl → InvalidConfig.
// The secrets are scrubbed from every detail; body is wiped once QNAM holds its copy.
void postToTokenEndpoint(QObject *client,
                         const TokenEndpointDialect &dialect,
                         const QString &tokenUrl,
                         int timeoutMs,
                         Clock now,
                         QByteArray body,
                         std::vector<SecretBytes> secrets,
                         const QNetworkProxy &proxy,
                         bool isRefresh,
                         TokenCallback done);

// Logs error and reports it through done from client's event loop, like every other outcome (never from inside the
// call). Deleting the client first drops the report.
void failLater(QObject *client, Error error, TokenCallback done);

} // namespace rd::oauth::detail
