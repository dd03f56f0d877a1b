// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"
#include "core/util/result.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace rd::auth {

// The clients a key can be restricted to (PROTOCOLS.md §6.6). SDKs are no restriction class.
enum class KnownClient
{
    ClaudeCode,
    CodexCli,
    GeminiCli,
    DroidCli,
};

// "claude-code", "codex-cli", "gemini-cli", "droid-cli": the ids stored with a key and shown to the user.
QByteArrayView clientId(KnownClient client);
// Inverse of clientId(): case-insensitive, "_" accepted for "-" ("Claude_Code"). No trimming.
std::optional<KnownClient> parseClientId(QByteArrayView id);
// A comma-separated list of ids: entries trimmed, empties dropped, duplicates kept once, order kept. An unknown entry
// fails with InvalidArgument naming it and the valid ids. An empty text is an empty list (no restriction).
[[nodiscard]] Result<QList<KnownClient>> parseClientList(const QString &commaList);

// What recognition looks at. The views point into the request (headers, body) and must not outlive it.
struct ClientFacts
{
    QByteArrayView userAgent;
    QByteArrayView xApp;
    QByteArrayView anthropicBeta;
    QByteArrayView originator;
    QByteArrayView xFactoryClient;
    std::optional<QByteArrayView> metadataUserId; // set only on …/messages requests, when the body had metadata.user_id
    bool isMessagesRoute = false;                 // a Messages create request (not count_tokens)
};

// The header fields of ClientFacts (first header of each name, any case, values trimmed); the rest is the caller's.
// The views point into `headers`, which must outlive the result (hence no temporaries).
ClientFacts clientFacts(const http::HeaderList &headers);
ClientFacts clientFacts(http::HeaderList &&headers) = delete;

// The §6.6 "match" column for one client.
bool matchesClient(KnownClient client, const ClientFacts &facts);
// metadata.user_id in either form Claude Code sends (§6.1): the JSON text
// {"device_id":"<64 hex>","account_uuid":"<uuid or empty>","session_id":"<uuid>"} (other fields allowed), or the older
// user_<64 hex>_account_<uuid or empty>_session_<uuid>. Hex in either case.
bool isValidClaudeCodeUserId(QByteArrayView userId);
// The §6.6 "allowed path prefixes" column. `path` is without the query; a prefix matches the whole path or up to a "/".
bool pathAllowedFor(KnownClient client, QByteArrayView path);

struct ClientCheck
{
    bool allowed = false;
    // The allowed client whose match and paths let the request through; when refused, the first allowed client that
    // matched on a path it may not use (for the log line). Never set when the list is empty (nothing is checked).
    std::optional<KnownClient> recognised;
};

// Allowed when `allowed` is empty, or when a client in it matches the facts and may use the path.
ClientCheck checkClientRestriction(const QList<KnownClient> &allowed, const ClientFacts &facts, QByteArrayView path);

} // namespace rd::auth
