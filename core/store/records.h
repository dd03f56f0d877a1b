// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace rd::store {

// A RelayDesk key as stored: only the SHA-256 of the key, never the key.
struct ApiKeyRecord
{
    QString id; // "key_" + 16 hex, stable
    QString name;
    QByteArray keyHash; // 64 lowercase hex chars of sha256(key)
    bool enabled = true;
    QDateTime createdAt; // UTC
};

// An upstream account. Credentials (API key, proxy password) are sealed; the AAD is the account id.
struct AccountRecord
{
    QString id;   // "acc_" + 16 hex, stable
    QString type; // "claude-console" for now
    QString name;
    QString baseUrl;
    QByteArray sealedCredentials; // Sealer output over a small JSON object {"apiKey": …, "proxyPassword": …}
    QString userAgent;            // optional override; empty = pass the client's
    QString modelMapping;         // JSON object text {"client-model":"upstream-model"}; empty = none
    int priority = 50;            // 1..100, lower first
    bool schedulable = true;
    bool enabled = true;
    QString proxyUrl;    // "socks5://user@host:port" or "http://host:port"; never holds the password
    QString caCertPem;   // optional extra CA for this account's upstream
    QDateTime createdAt; // UTC
};

// One relayed request, as recorded by the store writer.
struct UsageRow
{
    QString requestId;
    qint64 timestampMs = 0; // request start, ms since epoch (UTC)
    QString keyId;
    QString accountId;
    QString model;
    QString route; // e.g. "anthropic.messages"
    int status = 0;
    bool stream = false;
    bool aborted = false; // the client went away or the upstream broke mid-answer
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cacheCreate5mTokens = 0;
    qint64 cacheCreate1hTokens = 0;
    qint64 cacheReadTokens = 0;
    bool usageSeen = false;  // false when the upstream reported no usage (never estimated)
    qint64 firstByteMs = -1; // -1 = no byte reached the client
    qint64 totalMs = 0;
};

struct UsageTotals
{
    qint64 requests = 0;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cacheCreate5mTokens = 0;
    qint64 cacheCreate1hTokens = 0;
    qint64 cacheReadTokens = 0;
};

} // namespace rd::store
