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
    QDateTime createdAt;    // UTC
    QString binding;        // "" (the shared pool), "account:<id>" (dedicated, never falls back) or "group:<name>"
    bool isOwner = false;   // the owner's own key: may use personal subscription accounts
    qint64 expiresAtMs = 0; // 0 = never
    QString permissions;    // comma list of service families ("claude", …); empty = all
    QString allowedModels;  // comma list; empty = every model
    QString deniedModels;   // comma list
    // migration 6
    QString description;
    QString tags;             // comma list
    QString ownerName;        // who the key was handed to (a label; not the personal-use "owner key" flag)
    int activationDays = 0;   // > 0: the key expires this many days after its first use
    qint64 activatedAtMs = 0; // first use (0 = not yet)
    QString allowedClients;   // comma list of client ids ("claude-code", "codex-cli", …); empty = any client
    QString bindings;         // JSON {"openai": "group:x", …}: bindings for families other than claude
    QString serviceRates;     // JSON {"claude": 1.2, …}: this key's rate multipliers (default 1.0)
    QString limits;           // JSON of policy::KeyLimits; empty = no limits
};

// An upstream account. Credentials (API key, proxy password) are sealed; the AAD is the account id.
struct AccountRecord
{
    QString id;   // "acc_" + 16 hex, stable
    QString type; // providers::accountTypeName(): "claude-console", "claude-oauth", "openai-oauth", …
    QString name;
    QString baseUrl;
    QByteArray sealedCredentials; // Sealer output over the provider's credential encoding
    QString userAgent;            // optional override; empty = pass the client's
    QString modelMapping;         // JSON object text {"client-model":"upstream-model"}; empty = none
    int priority = 50;            // 1..100, lower first
    bool schedulable = true;
    bool enabled = true;
    QString proxyUrl;              // "socks5://user@host:port" or "http://host:port"; never holds the password
    QString caCertPem;             // optional extra CA for this account's upstream
    QDateTime createdAt;           // UTC
    int maxConcurrency = 0;        // 0 = unlimited
    QString groupName;             // non-empty: served only to keys bound to this group
    bool dedicated = false;        // served only to keys bound to this account
    bool sharedWithOthers = false; // personal subscriptions: also served to keys that are not the owner's
    QString cooldownOverrides;     // JSON object of CooldownSettings fields in seconds; empty = defaults
    int stateEpoch = 0;            // bumped by "accounts enable/reset": the relay then forgets cooldowns and blocks
    qint64 tokenExpiresAtMs = 0;   // OAuth accounts: when the sealed access token expires (not a secret)
    QString subscriptionPlan;      // OAuth accounts: "max", "pro", … when known
    QString extra;                 // JSON object of per-type settings (providers::AccountExtra); migration 7
};

// Runtime health of an account, written by the relay so `relaydesk accounts list` can show it.
struct AccountStateRow
{
    QString accountId;
    qint64 cooldownUntilMs = 0;
    QString reason;
    QString familyCooldowns; // JSON {"opus": untilMs}
    bool blocked = false;
    bool needsSignIn = false;
    int epoch = 0;
    qint64 updatedMs = 0;
    QString subscription; // JSON: 5-hour / 7-day utilisation and resets from the unified rate-limit headers
};

struct StickyRow
{
    QString family;
    QByteArray sessionKey;
    QString accountId;
    qint64 expiresAtMs = 0;
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
    double costUsd = 0;         // from the price table (PROTOCOLS.md §7.9)
    bool costEstimated = false; // the model was not in the table: fallback price
    double ratedCostUsd = 0;    // cost × global service rate × key service rate: what limits count
    qint64 reasoningTokens = 0; // OpenAI reasoning tokens, already part of outputTokens (migration 7)

    qint64 totalTokens() const // input + output + cache writes + cache reads: what token limits and charts count
    {
        return inputTokens + outputTokens + cacheCreate5mTokens + cacheCreate1hTokens + cacheReadTokens;
    }
};

// What one key spent on one model since some time (for rebuilding limit counters at start).
struct SpendRow
{
    QString keyId;
    QString model;
    qint64 requests = 0;
    qint64 tokens = 0; // input + output + cache writes + cache reads
    double ratedCostUsd = 0;
    qint64 firstMs = 0;
};

struct UsageTotals
{
    qint64 requests = 0;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cacheCreate5mTokens = 0;
    qint64 cacheCreate1hTokens = 0;
    qint64 cacheReadTokens = 0;
    double costUsd = 0;
    double ratedCostUsd = 0;

    qint64 totalTokens() const
    {
        return inputTokens + outputTokens + cacheCreate5mTokens + cacheCreate1hTokens + cacheReadTokens;
    }
    void add(const UsageRow &row) // one more request
    {
        ++requests;
        inputTokens += row.inputTokens;
        outputTokens += row.outputTokens;
        cacheCreate5mTokens += row.cacheCreate5mTokens;
        cacheCreate1hTokens += row.cacheCreate1hTokens;
        cacheReadTokens += row.cacheReadTokens;
        costUsd += row.costUsd;
        ratedCostUsd += row.ratedCostUsd;
    }
    UsageTotals &operator+=(const UsageTotals &t)
    {
        requests += t.requests;
        inputTokens += t.inputTokens;
        outputTokens += t.outputTokens;
        cacheCreate5mTokens += t.cacheCreate5mTokens;
        cacheCreate1hTokens += t.cacheCreate1hTokens;
        cacheReadTokens += t.cacheReadTokens;
        costUsd += t.costUsd;
        ratedCostUsd += t.ratedCostUsd;
        return *this;
    }
};

// One bucket of one group from the usage rollups (Database::rollupSeries).
struct RollupPoint
{
    qint64 bucketStartMs = 0; // UTC ms: a UTC hour, or local midnight of the day or the month's first day
    QString group;            // key id, model or account id ("" when missing); "keyId|model" for key-model
    UsageTotals totals;
    qint64 errors = 0; // status >= 400, or no status at all (0)
    qint64 totalLatencyMs = 0;
    qint64 aborted = 0; // streams the client abandoned or the upstream broke
};

} // namespace rd::store
