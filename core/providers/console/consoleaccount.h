// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/upstreamtransport.h"
#include "core/scheduling/accounthealth.h"
#include "core/secrets/sealer.h"
#include "core/secrets/secretbytes.h"
#include "core/store/records.h"
#include "core/util/result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

namespace rd::providers {

inline constexpr auto kClaudeConsoleType = "claude-console";
inline constexpr auto kClaudeOAuthType = "claude-oauth";         // a Claude subscription signed in through OAuth
inline constexpr auto kOpenAIOAuthType = "openai-oauth";         // a ChatGPT subscription (Codex backend), OAuth
inline constexpr auto kOpenAIResponsesType = "openai-responses"; // an OpenAI-compatible Responses API key
inline constexpr auto kAzureOpenAIType = "azure-openai";         // an Azure OpenAI resource and one deployment

// Every account type the relay serves. The scheduler family decides which requests an account can take: "claude"
// (Anthropic Messages), "openai" (Responses, and Chat converted to Responses) or "azure" (the /azure routes).
enum class AccountKind
{
    ClaudeConsole,
    ClaudeOAuth,
    OpenAIOAuth,
    OpenAIResponses,
    AzureOpenAI,
};
std::optional<AccountKind> accountKindFromType(QStringView type);
const char *accountTypeName(AccountKind kind); // "claude-console" …
QByteArray schedulerFamily(AccountKind kind);  // "claude", "openai" or "azure"
inline bool isOAuthKind(AccountKind kind)
{
    return kind == AccountKind::ClaudeOAuth || kind == AccountKind::OpenAIOAuth;
}

// Non-secret per-type settings, stored as the account record's `extra` JSON object.
struct AccountExtra
{
    QString azureDeployment;  // azure-openai: the deployment name (also the `model` of Responses calls)
    QString azureApiVersion;  // azure-openai: "2024-10-21"; empty = the v1 API (/openai/v1/…, no api-version)
    QString pricingModel;     // azure-openai: the deployment's model ("gpt-4o"), for prices when the answer names none
    QString chatgptAccountId; // openai-oauth: from the id token; sent as chatgpt-account-id
    QString email;            // openai-oauth: from the id token (shown only)

    QString toJson() const; // compact; empty fields left out
    static Result<AccountExtra> fromJson(const QString &json);
};

// Mutable per-account state shared by every worker and kept across config reloads.
struct AccountState
{
    std::atomic<qint64> lastUsedMs{0}; // use sequence number; 0 = never used
    std::atomic<int> inFlight{0};      // requests holding one of the account's slots
    scheduling::AccountHealth health;

    // Takes one concurrency slot unless `limit` (> 0) are taken; release with releaseSlot().
    bool tryAcquireSlot(int limit);
    void releaseSlot() { inFlight.fetch_sub(1, std::memory_order_acq_rel); }

    // OAuth accounts: a refreshed token pair is used at once, before the store round-trip reaches the snapshot.
    std::atomic<qint64> tokenExpiresAtMs{0};
    QByteArray sealedCredentials(const QByteArray &fromSnapshot) const;
    void setRefreshedCredentials(QByteArray sealed, qint64 expiresAtMs);
    void adoptStored(qint64 storedExpiresAtMs); // the store caught up (or the user signed in again)

    // Subscription facts from the unified rate-limit headers: {"five_hour":{"utilization":…,"reset":…},…}
    QString subscriptionFacts() const;
    bool mergeSubscriptionFacts(const QJsonObject &facts); // newer windows replace older ones; true when changed
    store::AccountStateRow stateRow(const QString &accountId, qint64 nowMs) const; // health + facts, for the store

private:
    mutable QMutex m_mutex;
    QByteArray m_sealedOverride;
    QString m_subscription;
};

// A Claude Console account ready for the hot path: parsed URL, mapping tables, sealed credentials.
// Immutable once built; shared between workers through the relay snapshot.
struct ConsoleAccount
{
    QString id;
    QString name;
    http::UpstreamEndpoint endpoint;        // proxy without its password: that is sealed
    QByteArray basePath;                    // path of the base URL without a trailing slash, e.g. "" or "/anthropic"
    QByteArray userAgent;                   // override; empty = pass the client's
    QHash<QByteArray, QByteArray> modelMap; // exact
    QHash<QByteArray, QByteArray> modelMapLower; // case-insensitive fallback
    int priority = 50;
    bool schedulable = true;
    bool enabled = true;
    qint64 createdAtMs = 0;
    QByteArray sealedCredentials;
    int maxConcurrency = 0; // 0 = unlimited
    QString groupName;      // non-empty: only for keys bound to this group
    bool dedicated = false; // only for keys bound to this account
    AccountKind kind = AccountKind::ClaudeConsole;
    QByteArray family = "claude"; // schedulerFamily(kind)
    AccountExtra extra;
    bool oauth = false;    // a subscription signed in through OAuth (Bearer token, refreshed): isOAuthKind(kind)
    bool personal = false; // a consumer subscription: only the owner's keys unless sharedWithOthers
    bool sharedWithOthers = false;
    scheduling::CooldownSettings cooldowns;
    int stateEpoch = 0;
    std::shared_ptr<AccountState> state;

    bool isUsable() const { return enabled && schedulable; }
    // With a mapping table the account serves exactly the models it maps; without one, every model.
    bool servesModel(const QByteArray &model) const;
    QByteArray mapModel(const QByteArray &model) const;         // the upstream model name (unchanged when unmapped)
    QByteArray upstreamPath(QByteArrayView endpointPath) const; // base path + "/v1/messages" etc.
    // The account's proxy with the sealed password filled in (NoProxy when it has none).
    QNetworkProxy proxyWith(const struct ConsoleCredentials &credentials) const;
};

struct ConsoleCredentials
{
    SecretBytes apiKey; // the Console key, or the OAuth access token
    SecretBytes proxyPassword;
    SecretBytes refreshToken; // OAuth only; empty for setup tokens
    qint64 expiresAtMs = 0;   // OAuth only
    bool oauth = false;
};

// The sealed plaintext: "rdc1\n" + apiKey + "\n" + proxyPassword. Neither may contain a newline or NUL.
[[nodiscard]] Result<SecretBytes> encodeCredentials(QByteArrayView apiKey, QByteArrayView proxyPassword);
// OAuth: "rdo1\n" + access + "\n" + refresh + "\n" + expiresAtMs + "\n" + proxyPassword.
[[nodiscard]] Result<SecretBytes>
encodeOAuthCredentials(QByteArrayView access, QByteArrayView refresh, qint64 expiresAtMs, QByteArrayView proxyPassword);
[[nodiscard]] Result<ConsoleCredentials> decodeCredentials(const SecretBytes &plain);

// The account's current credentials (a just-refreshed token pair wins over the snapshot's), unsealed.
// CryptoFailure when the credentials are locked (no sealer) or cannot be opened.
[[nodiscard]] Result<ConsoleCredentials> openCredentials(const secrets::Sealer *sealer, const ConsoleAccount &account);

// Validates a base URL (http/https, host present) and a proxy URL (http/socks5, no password inside).
[[nodiscard]] Result<void> validateBaseUrl(const QString &url);
[[nodiscard]] Result<void> validateProxyUrl(const QString &url);
// Parses per-account cooldown overrides {"overloaded":30,…} (seconds; field names of CooldownSettings).
[[nodiscard]] Result<scheduling::CooldownSettings> parseCooldownOverrides(const QString &json);
// Parses a mapping JSON object text {"client":"upstream"}; empty text = no mapping.
[[nodiscard]] Result<QHash<QByteArray, QByteArray>> parseModelMapping(const QString &json);

// Builds the runtime account (any AccountKind); the state object is reused when the account was already known.
[[nodiscard]] Result<ConsoleAccount> consoleAccountFromRecord(const store::AccountRecord &record,
                                                              std::shared_ptr<AccountState> state);

// The credential header for a Console key: x-api-key for "sk-ant-" keys, else Authorization: Bearer.
http::Header credentialHeader(const SecretBytes &apiKey);

} // namespace rd::providers
