// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/policy/limitcalendar.h"
#include "core/store/records.h"
#include "core/util/result.h"

#include <QHash>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace rd::store {

// Where the store lives. SQLite now; PostgreSQL (QPSQL) later with the same schema.
struct StoreLocation
{
    QString sqlitePath; // absolute path of relaydesk.db
};

// One QSqlDatabase connection, used on the thread that opened it (Qt 6.4 cannot move connections).
// Synchronous; used by the CLI, the control thread and the store writer — never by relay workers.
class Database
{
public:
    ~Database(); // closes and removes the named connection
    Database(Database &&other) noexcept;
    Database &operator=(Database &&) = delete;
    Database(const Database &) = delete;

    // Opens (creating the file and folder when missing, mode 0700 folder / 0600 file), sets WAL and the busy
    // timeout, and runs pending migrations inside one transaction each. connectionName must be unique per thread.
    [[nodiscard]] static Result<Database> open(const StoreLocation &location, const QString &connectionName);

    int schemaVersion() const; // after migrations: latestSchemaVersion()
    bool isUsable();           // a cheap read for /health; false when closed, deleted or corrupt

    // meta: small key/value settings (data key source, key check, ...)
    [[nodiscard]] Result<std::optional<QString>> meta(const QString &key);
    [[nodiscard]] Result<void> setMeta(const QString &key, const QString &value);
    // Bumped by triggers whenever api_keys or accounts change (from any process).
    [[nodiscard]] Result<qint64> configRevision();

    // relay-wide settings (settingsstore.cpp); a change bumps the configuration revision
    [[nodiscard]] Result<QHash<QString, QString>> settings();
    [[nodiscard]] Result<void> setSetting(const QString &key, const QString &value);
    [[nodiscard]] Result<void> unsetSetting(const QString &key);

    // keys and accounts: an invalid createdAt is stored as "now"; a duplicate name is InvalidArgument
    [[nodiscard]] Result<QList<ApiKeyRecord>> listKeys();
    [[nodiscard]] Result<void> insertKey(const ApiKeyRecord &key);
    [[nodiscard]] Result<void> updateKey(const ApiKeyRecord &key); // every setting, by id; the hash never changes
    [[nodiscard]] Result<std::optional<ApiKeyRecord>> findKey(const QString &idOrName);
    // "N days after first use": records the first use once (false when another process was first).
    [[nodiscard]] Result<bool> activateKey(const QString &id, qint64 activatedAtMs, qint64 expiresAtMs);
    [[nodiscard]] Result<void> setKeyEnabled(const QString &idOrName, bool enabled); // NotFound when absent
    [[nodiscard]] Result<void> deleteKey(const QString &idOrName);                   // NotFound when absent

    // accounts
    [[nodiscard]] Result<QList<AccountRecord>> listAccounts();
    [[nodiscard]] Result<void> insertAccount(const AccountRecord &account); // optional texts: "" ↔ NULL
    // Every editable column, by id (type, creation time, state epoch and token expiry stay); the sealed credentials
    // only when account.sealedCredentials is non-empty. NotFound when absent; a duplicate name is InvalidArgument.
    [[nodiscard]] Result<void> updateAccount(const AccountRecord &account);
    [[nodiscard]] Result<void> setAccountEnabled(const QString &idOrName, bool enabled);
    [[nodiscard]] Result<void> setAccountSchedulable(const QString &idOrName, bool schedulable);
    [[nodiscard]] Result<void> deleteAccount(const QString &idOrName);
    // Bumps the account's state epoch: a running relay then forgets its cooldowns, block and sign-in state.
    [[nodiscard]] Result<void> resetAccountState(const QString &idOrName);
    [[nodiscard]] Result<void> setKeyBinding(const QString &idOrName, const QString &binding, bool isOwner);
    // A refreshed OAuth token pair replaces the old one in one statement: the lineage never breaks.
    [[nodiscard]] Result<void>
    updateAccountCredentials(const QString &id, const QByteArray &sealed, qint64 tokenExpiresAtMs);
    [[nodiscard]] Result<void> setAccountShared(const QString &idOrName, bool shared);

    // runtime state written by the relay (schedulerstore.cpp)
    [[nodiscard]] Result<void> upsertAccountStates(const QList<AccountStateRow> &rows);
    [[nodiscard]] Result<QHash<QString, AccountStateRow>> accountStates();
    [[nodiscard]] Result<void> replaceStickySessions(const QList<StickyRow> &rows); // one transaction
    [[nodiscard]] Result<QList<StickyRow>> stickySessions();

    // usage: empty texts and firstByteMs -1 are stored as NULL. One transaction: the rows and their hour, day and
    // month rollups (day and month buckets start at local midnight in the calendar's zone).
    [[nodiscard]] Result<void> insertUsage(const QList<UsageRow> &rows, const policy::LimitCalendar &calendar);
    [[nodiscard]] Result<QList<UsageRow>> recentUsage(int limit); // newest first
    [[nodiscard]] Result<UsageTotals> usageTotals(const QString &keyId = {}, qint64 sinceMs = 0);
    [[nodiscard]] Result<QHash<QString, UsageTotals>> usageTotalsByKey(); // all time, one row per key
    // Totals per key, model, account or key×model ("key", "model", "account", "key-model" with the group
    // "keyId|model") since sinceMs, from the request rows, largest cost first.
    [[nodiscard]] Result<QList<QPair<QString, UsageTotals>>> usageGrouped(const QString &by, qint64 sinceMs);

    // usage rollups and retention (rollupstore.cpp)
    // Adds rows to the hour, day and month rollups. Only inside the write transaction that inserts the same rows
    // (insertUsage does it): anywhere else it counts them twice.
    [[nodiscard]] Result<void> addUsageToRollups(const QList<UsageRow> &rows, const policy::LimitCalendar &calendar);
    // Recomputes the rollups from usage_requests in one transaction (for rows recorded before migration 6). Buckets
    // that purged rows fed are kept as they are: only buckets whose every row still exists are replaced.
    [[nodiscard]] Result<void> rebuildRollups(const policy::LimitCalendar &calendar);
    // Deletes the request rows older than beforeMs, at most chunkRows per transaction; rollups stay. Returns the
    // number deleted, and records the horizon (meta usage_purged_before) for rebuildRollups.
    [[nodiscard]] Result<qint64> purgeUsageBefore(qint64 beforeMs, int chunkRows = 10000);
    // Where retention cuts: local midnight of the day retentionDays before nowMs; 0 (nothing) when retentionDays <= 0.
    static qint64 retentionHorizon(const policy::LimitCalendar &calendar, int retentionDays, qint64 nowMs);
    // Totals per bucket and group from the rollups, for buckets starting in [fromMs, toMs), oldest bucket first.
    // granularity: "hour", "day" or "month"; by: "key", "model", "account", "key-model" (group "keyId|model") or ""
    // (one series, group ""); keyId "" = every key. Anything else is InvalidArgument.
    [[nodiscard]] Result<QList<RollupPoint>>
    rollupSeries(const QString &granularity, const QString &by, qint64 fromMs, qint64 toMs, const QString &keyId);

    // spending for key limits at start-up (limitstore.cpp)
    // Per key and model since sinceMs, from the request rows: requests, tokens, rated cost, the first request's time.
    [[nodiscard]] Result<QList<SpendRow>> spendSince(qint64 sinceMs);
    [[nodiscard]] Result<QHash<QString, double>> lifetimeRatedCostByKey(); // from the month rollups

    QSqlDatabase &connection() { return m_db; }

private:
    explicit Database(const QSqlDatabase &db, QString connectionName, QString sqlitePath);
    [[nodiscard]] Result<void> configure();
    [[nodiscard]] Result<void> migrate();
    [[nodiscard]] Result<QString> resolveId(const QString &table, const QString &idOrName, const QString &noun);
    [[nodiscard]] Result<void>
    setFlag(const QString &table, const QString &column, const QString &noun, const QString &idOrName, bool value);
    [[nodiscard]] Result<void> deleteRow(const QString &table, const QString &noun, const QString &idOrName);
    QSqlDatabase m_db;
    QString m_connectionName; // empty once moved from: the destructor then does nothing
    QString m_sqlitePath;
    int m_schemaVersion = 0;
};

} // namespace rd::store
