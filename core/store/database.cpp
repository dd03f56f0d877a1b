// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/database.h"

#include "core/store/migrations.h"
#include "core/store/sqlhelpers.h"
#include "core/util/logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <utility>

using namespace Qt::StringLiterals;

namespace rd::store {

using namespace detail;

namespace {

constexpr QFileDevice::Permissions kFolderMode =
    QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;                    // 0700
constexpr QFileDevice::Permissions kFileMode = QFileDevice::ReadOwner | QFileDevice::WriteOwner; // 0600

// Creates the folder (0700) and an empty database file (0600) when missing; existing ones keep their modes.
Result<void> prepareFile(const QString &path)
{
    const QFileInfo info(path);
    const QString folder = info.absolutePath();
    if (!QFileInfo::exists(folder)) {
        if (!QDir().mkpath(folder) || !QFile::setPermissions(folder, kFolderMode)) {
            return fail(ErrorCode::StoreFailure, u"cannot create the data folder %1"_s.arg(folder));
        }
    }
    if (!info.exists()) {
        QFile file(path);
        // Created with 0600 from the start, then set again explicitly (the umask can only have removed bits).
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, kFileMode) || !file.setPermissions(kFileMode)) {
            return fail(ErrorCode::StoreFailure, u"cannot create %1: %2"_s.arg(path, file.errorString()));
        }
    }
    return {};
}

// 0 for an empty database. Runs CREATE TABLE IF NOT EXISTS only when asked (inside a migration transaction),
// so a database from a newer RelayDesk is only ever read.
Result<int> storedVersion(QSqlDatabase &db, bool createTable)
{
    if (createTable) {
        const auto created = run(db,
                                 u"create schema_version"_s,
                                 u"CREATE TABLE IF NOT EXISTS schema_version "
                                 "(version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"_s);
        if (!created) {
            return tl::unexpected(created.error());
        }
    } else {
        // Read the file so a corrupt one fails here: tables() would hide the error and report an empty database.
        if (db.driverName() == u"QSQLITE") {
            const auto probe = run(db, u"read schema"_s, u"SELECT COUNT(*) FROM sqlite_master"_s);
            if (!probe) {
                return tl::unexpected(probe.error());
            }
        }
        if (!db.tables().contains(u"schema_version"_s)) {
            return 0;
        }
    }
    auto query = run(db, u"read schema version"_s, u"SELECT COALESCE(MAX(version), 0) FROM schema_version"_s);
    if (!query) {
        return tl::unexpected(query.error());
    }
    return query->next() ? query->value(0).toInt() : 0;
}

Error newerSchema(int version)
{
    return Error{ErrorCode::InvalidConfig,
                 u"the database has schema version %1 and was created by a newer RelayDesk (this one knows up to %2); "
                 "it was left untouched"_s.arg(version)
                     .arg(latestSchemaVersion())};
}

Result<void> applyMigration(QSqlDatabase &db, const Migration &migration)
{
    WriteTransaction transaction(db);
    if (auto begun = transaction.begin(); !begun) {
        return begun;
    }
    // Another process may have migrated between our first look and taking the write lock.
    const Result<int> version = storedVersion(db, true);
    if (!version) {
        return tl::unexpected(version.error());
    }
    if (*version > latestSchemaVersion()) {
        return tl::unexpected(newerSchema(*version));
    }
    if (*version >= migration.version) {
        return {};
    }
    const QString what = u"migration %1"_s.arg(migration.version);
    for (const QString &sql : migration.sqlite) {
        if (auto done = run(db, what, sql); !done) {
            return tl::unexpected(done.error());
        }
    }
    const auto recorded = run(db,
                              what,
                              u"INSERT INTO schema_version (version, applied_at) VALUES (?, ?)"_s,
                              {migration.version, QDateTime::currentMSecsSinceEpoch()});
    if (!recorded) {
        return tl::unexpected(recorded.error());
    }
    if (auto committed = transaction.commit(); !committed) {
        return committed;
    }
    qCInfo(lcStore) << "applied migration" << migration.version << "-" << migration.description;
    return {};
}

// After a failed insert: was it the name? (The UNIQUE constraint decided; this only picks the message.)
bool nameTaken(QSqlDatabase &db, const QString &table, const QString &name)
{
    auto query = run(db, u"find name"_s, u"SELECT 1 FROM %1 WHERE name = ?"_s.arg(table), {name});
    return query && query->next();
}

ApiKeyRecord keyFromQuery(const QSqlQuery &query)
{
    ApiKeyRecord key;
    key.id = query.value(0).toString();
    key.name = query.value(1).toString();
    key.keyHash = query.value(2).toString().toLatin1();
    key.enabled = query.value(3).toBool();
    key.createdAt = fromEpochMs(query.value(4));
    key.binding = query.value(5).toString();
    key.isOwner = query.value(6).toBool();
    key.expiresAtMs = query.value(7).toLongLong();
    key.permissions = query.value(8).toString();
    key.allowedModels = query.value(9).toString();
    key.deniedModels = query.value(10).toString();
    key.description = query.value(11).toString();
    key.tags = query.value(12).toString();
    key.ownerName = query.value(13).toString();
    key.activationDays = query.value(14).toInt();
    key.activatedAtMs = query.value(15).toLongLong();
    key.allowedClients = query.value(16).toString();
    key.bindings = query.value(17).toString();
    key.serviceRates = query.value(18).toString();
    key.limits = query.value(19).toString();
    return key;
}

AccountRecord accountFromQuery(const QSqlQuery &query)
{
    AccountRecord account;
    account.id = query.value(0).toString();
    account.type = query.value(1).toString();
    account.name = query.value(2).toString();
    account.baseUrl = query.value(3).toString();
    account.sealedCredentials = query.value(4).toByteArray();
    account.userAgent = query.value(5).toString();
    account.modelMapping = query.value(6).toString();
    account.priority = query.value(7).toInt();
    account.schedulable = query.value(8).toBool();
    account.enabled = query.value(9).toBool();
    account.proxyUrl = query.value(10).toString();
    account.caCertPem = query.value(11).toString();
    account.createdAt = fromEpochMs(query.value(12));
    account.maxConcurrency = query.value(13).toInt();
    account.groupName = query.value(14).toString();
    account.dedicated = query.value(15).toBool();
    account.sharedWithOthers = query.value(16).toBool();
    account.cooldownOverrides = query.value(17).toString();
    account.stateEpoch = query.value(18).toInt();
    account.tokenExpiresAtMs = query.value(19).toLongLong();
    account.subscriptionPlan = query.value(20).toString();
    account.extra = query.value(21).toString();
    return account;
}

UsageRow usageFromQuery(const QSqlQuery &query)
{
    UsageRow row;
    row.requestId = query.value(0).toString();
    row.timestampMs = query.value(1).toLongLong();
    row.keyId = query.value(2).toString();
    row.accountId = query.value(3).toString();
    row.model = query.value(4).toString();
    row.route = query.value(5).toString();
    row.status = query.value(6).toInt();
    row.stream = query.value(7).toBool();
    row.aborted = query.value(8).toBool();
    row.inputTokens = query.value(9).toLongLong();
    row.outputTokens = query.value(10).toLongLong();
    row.cacheCreate5mTokens = query.value(11).toLongLong();
    row.cacheCreate1hTokens = query.value(12).toLongLong();
    row.cacheReadTokens = query.value(13).toLongLong();
    row.usageSeen = query.value(14).toBool();
    row.firstByteMs = query.value(15).isNull() ? -1 : query.value(15).toLongLong();
    row.totalMs = query.value(16).toLongLong();
    row.costUsd = query.value(17).toDouble();
    row.costEstimated = query.value(18).toBool();
    row.ratedCostUsd = query.value(19).toDouble();
    row.reasoningTokens = query.value(20).toLongLong();
    return row;
}

QVariantList usageValues(const UsageRow &row)
{
    // request_id is NOT NULL: a missing id must not sink the whole batch, and a null QString would bind NULL.
    return {row.requestId.isNull() ? u""_s : row.requestId,
            row.timestampMs,
            nullableText(row.keyId),
            nullableText(row.accountId),
            nullableText(row.model),
            nullableText(row.route),
            row.status,
            int(row.stream),
            int(row.aborted),
            row.inputTokens,
            row.outputTokens,
            row.cacheCreate5mTokens,
            row.cacheCreate1hTokens,
            row.cacheReadTokens,
            int(row.usageSeen),
            row.firstByteMs < 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(row.firstByteMs),
            row.totalMs,
            row.costUsd,
            int(row.costEstimated),
            row.ratedCostUsd,
            row.reasoningTokens};
}

const QString kKeyColumns = u"id, name, key_hash, enabled, created_at, binding, is_owner, expires_at, permissions, "
                            "allowed_models, denied_models, description, tags, owner_name, activation_days, "
                            "activated_at, allowed_clients, bindings, service_rates, limits"_s;

// Every column but id, key_hash and created_at, in kKeyColumns order: what insertKey and updateKey write.
QVariantList keyValues(const ApiKeyRecord &key)
{
    return {key.name,
            int(key.enabled),
            nullableText(key.binding),
            int(key.isOwner),
            key.expiresAtMs,
            nullableText(key.permissions),
            nullableText(key.allowedModels),
            nullableText(key.deniedModels),
            nullableText(key.description),
            nullableText(key.tags),
            nullableText(key.ownerName),
            key.activationDays,
            key.activatedAtMs,
            nullableText(key.allowedClients),
            nullableText(key.bindings),
            nullableText(key.serviceRates),
            nullableText(key.limits)};
}

const QString kUsageColumns = u"request_id, ts_ms, key_id, account_id, model, route, status, stream, aborted, "
                              "input_tokens, output_tokens, cache_create_5m_tokens, cache_create_1h_tokens, "
                              "cache_read_tokens, usage_seen, first_byte_ms, total_ms, cost_usd, cost_estimated, "
                              "rated_cost_usd, reasoning_tokens"_s;

} // namespace

Database::Database(const QSqlDatabase &db, QString connectionName, QString sqlitePath)
    : m_db(db)
    , m_connectionName(std::move(connectionName))
    , m_sqlitePath(std::move(sqlitePath))
{}

Database::Database(Database &&other) noexcept
    : m_db(std::exchange(other.m_db, QSqlDatabase()))
    , m_connectionName(std::exchange(other.m_connectionName, QString()))
    , m_sqlitePath(std::move(other.m_sqlitePath))
    , m_schemaVersion(other.m_schemaVersion)
{}

Database::~Database()
{
    if (m_connectionName.isEmpty()) {
        return; // moved from
    }
    m_db.close();
    // Our handle must be gone before removeDatabase(), or Qt warns that the connection is still in use.
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<Database> Database::open(const StoreLocation &location, const QString &connectionName)
{
    Q_ASSERT(!connectionName.isEmpty());
    if (QSqlDatabase::contains(connectionName)) {
        return fail(ErrorCode::InvalidArgument, u"database connection '%1' is already open"_s.arg(connectionName));
    }
    if (auto prepared = prepareFile(location.sqlitePath); !prepared) {
        return tl::unexpected(prepared.error());
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connectionName);
    db.setDatabaseName(location.sqlitePath);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    Database database(db, connectionName, location.sqlitePath); // from here on, failure removes the connection
    db = QSqlDatabase();
    if (!database.m_db.open()) {
        return sqlFailure(u"open %1"_s.arg(location.sqlitePath), database.m_db.lastError());
    }
    if (auto configured = database.configure(); !configured) {
        return tl::unexpected(configured.error());
    }
    if (auto migrated = database.migrate(); !migrated) {
        return tl::unexpected(migrated.error());
    }
    return database;
}

Result<void> Database::configure()
{
    // foreign_keys is per connection and writes nothing; WAL is persistent, so it waits until the version is checked.
    if (auto fk = run(m_db, u"enable foreign keys"_s, u"PRAGMA foreign_keys = ON"_s); !fk) {
        return tl::unexpected(fk.error());
    }
    const Result<int> version = storedVersion(m_db, false);
    if (!version) {
        return tl::unexpected(version.error());
    }
    if (*version > latestSchemaVersion()) {
        return tl::unexpected(newerSchema(*version));
    }
    auto wal = run(m_db, u"enable WAL"_s, u"PRAGMA journal_mode = WAL"_s);
    if (!wal) {
        return tl::unexpected(wal.error());
    }
    if (!wal->next() || wal->value(0).toString().compare(u"wal", Qt::CaseInsensitive) != 0) {
        qCWarning(lcStore) << "WAL journal mode unavailable for" << m_sqlitePath; // e.g. a network file system
    }
    wal->finish();
    if (auto sync = run(m_db, u"set synchronous"_s, u"PRAGMA synchronous = NORMAL"_s); !sync) {
        return tl::unexpected(sync.error());
    }
    return {};
}

Result<void> Database::migrate()
{
    const Result<int> start = storedVersion(m_db, false);
    if (!start) {
        return tl::unexpected(start.error());
    }
    for (const Migration &migration : migrations()) {
        if (migration.version <= *start) {
            continue;
        }
        if (auto applied = applyMigration(m_db, migration); !applied) {
            return applied;
        }
    }
    m_schemaVersion = latestSchemaVersion();
    return {};
}

int Database::schemaVersion() const
{
    return m_schemaVersion;
}

bool Database::isUsable()
{
    if (!m_db.isOpen() || (!m_sqlitePath.isEmpty() && !QFileInfo::exists(m_sqlitePath))) {
        return false; // SQLite keeps writing to a deleted file's inode: that data would be lost
    }
    // A bare "SELECT 1" never reads the file on SQLite; reading a real table does, and fails when it is corrupt.
    QSqlQuery query(m_db);
    return query.exec(u"SELECT 1 FROM schema_version LIMIT 1"_s);
}

Result<std::optional<QString>> Database::meta(const QString &key)
{
    auto query = run(m_db, u"read meta"_s, u"SELECT value FROM meta WHERE key = ?"_s, {key});
    if (!query) {
        return tl::unexpected(query.error());
    }
    if (!query->next()) {
        return std::optional<QString>();
    }
    return std::optional<QString>(query->value(0).toString());
}

Result<void> Database::setMeta(const QString &key, const QString &value)
{
    // Upsert syntax shared by SQLite (3.24+) and PostgreSQL (9.5+).
    const auto query = run(m_db,
                           u"write meta"_s,
                           u"INSERT INTO meta (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s,
                           {key, value});
    if (!query) {
        return tl::unexpected(query.error());
    }
    return {};
}

Result<qint64> Database::configRevision()
{
    const Result<std::optional<QString>> value = meta(u"config_revision"_s);
    if (!value) {
        return tl::unexpected(value.error());
    }
    bool ok = false;
    const qint64 revision = value->value_or(QString()).toLongLong(&ok);
    if (!ok) {
        return fail(ErrorCode::StoreFailure, u"meta.config_revision is missing or not a number"_s);
    }
    return revision;
}

Result<QList<ApiKeyRecord>> Database::listKeys()
{
    auto query = run(m_db, u"list keys"_s, u"SELECT %1 FROM api_keys ORDER BY created_at, name"_s.arg(kKeyColumns));
    if (!query) {
        return tl::unexpected(query.error());
    }
    QList<ApiKeyRecord> keys;
    while (query->next()) {
        keys.append(keyFromQuery(*query));
    }
    return keys;
}

Result<void> Database::insertKey(const ApiKeyRecord &key)
{
    if (key.id.isEmpty() || key.name.isEmpty() || key.keyHash.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"a key needs an id, a name and a hash"_s);
    }
    QVariantList values = keyValues(key);
    values.insert(1, toEpochMs(key.createdAt)); // after name
    values.insert(0, QString::fromLatin1(key.keyHash));
    values.insert(0, key.id);
    const auto inserted = run(m_db,
                              u"insert key"_s,
                              u"INSERT INTO api_keys (id, key_hash, name, created_at, enabled, binding, is_owner, "
                              "expires_at, permissions, allowed_models, denied_models, description, tags, owner_name, "
                              "activation_days, activated_at, allowed_clients, bindings, service_rates, limits) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                              values);
    if (inserted) {
        return {};
    }
    if (nameTaken(m_db, u"api_keys"_s, key.name)) {
        return fail(ErrorCode::InvalidArgument, u"a key named '%1' already exists"_s.arg(key.name));
    }
    return tl::unexpected(inserted.error());
}

Result<void> Database::updateKey(const ApiKeyRecord &key)
{
    if (key.id.isEmpty() || key.name.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"a key needs an id and a name"_s);
    }
    QVariantList values = keyValues(key);
    values.append(key.id);
    const auto updated =
        run(m_db,
            u"update key"_s,
            u"UPDATE api_keys SET name = ?, enabled = ?, binding = ?, is_owner = ?, expires_at = ?, "
            "permissions = ?, allowed_models = ?, denied_models = ?, description = ?, tags = ?, "
            "owner_name = ?, activation_days = ?, activated_at = ?, allowed_clients = ?, bindings = ?, "
            "service_rates = ?, limits = ? WHERE id = ?"_s,
            values);
    if (!updated) {
        if (nameTaken(m_db, u"api_keys"_s, key.name)) {
            return fail(ErrorCode::InvalidArgument, u"a key named '%1' already exists"_s.arg(key.name));
        }
        return tl::unexpected(updated.error());
    }
    if (updated->numRowsAffected() == 0) {
        return fail(ErrorCode::NotFound, u"no key with id '%1'"_s.arg(key.id));
    }
    return {};
}

Result<std::optional<ApiKeyRecord>> Database::findKey(const QString &idOrName)
{
    auto query =
        run(m_db,
            u"find key"_s,
            u"SELECT %1 FROM api_keys WHERE id = ? OR name = ? ORDER BY (id = ?) DESC LIMIT 1"_s.arg(kKeyColumns),
            {idOrName, idOrName, idOrName});
    if (!query) {
        return tl::unexpected(query.error());
    }
    if (!query->next()) {
        return std::nullopt;
    }
    return keyFromQuery(*query);
}

Result<bool> Database::activateKey(const QString &id, qint64 activatedAtMs, qint64 expiresAtMs)
{
    // Only the first activation counts, whichever process gets there first.
    auto query = run(m_db,
                     u"activate key"_s,
                     u"UPDATE api_keys SET activated_at = ?, expires_at = ? WHERE id = ? AND activated_at = 0"_s,
                     {activatedAtMs, expiresAtMs, id});
    if (!query) {
        return tl::unexpected(query.error());
    }
    return query->numRowsAffected() > 0;
}

Result<void> Database::setKeyEnabled(const QString &idOrName, bool enabled)
{
    return setFlag(u"api_keys"_s, u"enabled"_s, u"key"_s, idOrName, enabled);
}

Result<void> Database::deleteKey(const QString &idOrName)
{
    return deleteRow(u"api_keys"_s, u"key"_s, idOrName);
}

Result<QList<AccountRecord>> Database::listAccounts()
{
    auto query = run(
        m_db,
        u"list accounts"_s,
        u"SELECT id, type, name, base_url, sealed_credentials, user_agent, model_mapping, priority, "
        "schedulable, enabled, proxy_url, ca_cert_pem, created_at, max_concurrency, group_name, dedicated, "
        "shared_with_others, cooldown_overrides, state_epoch, token_expires_at, subscription_plan, extra FROM accounts "
        "ORDER BY priority, name"_s);
    if (!query) {
        return tl::unexpected(query.error());
    }
    QList<AccountRecord> accounts;
    while (query->next()) {
        accounts.append(accountFromQuery(*query));
    }
    return accounts;
}

Result<void> Database::insertAccount(const AccountRecord &account)
{
    if (account.id.isEmpty() || account.name.isEmpty() || account.sealedCredentials.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"an account needs an id, a name and sealed credentials"_s);
    }
    const auto inserted = run(m_db,
                              u"insert account"_s,
                              u"INSERT INTO accounts (id, type, name, base_url, sealed_credentials, user_agent, "
                              "model_mapping, priority, schedulable, enabled, proxy_url, ca_cert_pem, created_at, "
                              "max_concurrency, group_name, dedicated, shared_with_others, cooldown_overrides, "
                              "token_expires_at, subscription_plan, extra) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                              {account.id,
                               account.type,
                               account.name,
                               account.baseUrl,
                               account.sealedCredentials,
                               nullableText(account.userAgent),
                               nullableText(account.modelMapping),
                               account.priority,
                               int(account.schedulable),
                               int(account.enabled),
                               nullableText(account.proxyUrl),
                               nullableText(account.caCertPem),
                               toEpochMs(account.createdAt),
                               account.maxConcurrency,
                               nullableText(account.groupName),
                               int(account.dedicated),
                               int(account.sharedWithOthers),
                               nullableText(account.cooldownOverrides),
                               account.tokenExpiresAtMs,
                               nullableText(account.subscriptionPlan),
                               nullableText(account.extra)});
    if (inserted) {
        return {};
    }
    if (nameTaken(m_db, u"accounts"_s, account.name)) {
        return fail(ErrorCode::InvalidArgument, u"an account named '%1' already exists"_s.arg(account.name));
    }
    return tl::unexpected(inserted.error());
}

Result<void> Database::updateAccount(const AccountRecord &account)
{
    if (account.id.isEmpty() || account.name.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"an account needs an id and a name"_s);
    }
    const bool reseal = !account.sealedCredentials.isEmpty();
    QVariantList values{account.name,
                        account.baseUrl,
                        nullableText(account.userAgent),
                        nullableText(account.modelMapping),
                        account.priority,
                        int(account.schedulable),
                        int(account.enabled),
                        nullableText(account.proxyUrl),
                        nullableText(account.caCertPem),
                        account.maxConcurrency,
                        nullableText(account.groupName),
                        int(account.dedicated),
                        int(account.sharedWithOthers),
                        nullableText(account.cooldownOverrides),
                        nullableText(account.subscriptionPlan),
                        nullableText(account.extra)};
    if (reseal) {
        values.append(account.sealedCredentials);
    }
    values.append(account.id);
    const auto updated = run(m_db,
                             u"update account"_s,
                             u"UPDATE accounts SET name = ?, base_url = ?, user_agent = ?, model_mapping = ?, "
                             "priority = ?, schedulable = ?, enabled = ?, proxy_url = ?, ca_cert_pem = ?, "
                             "max_concurrency = ?, group_name = ?, dedicated = ?, shared_with_others = ?, "
                             "cooldown_overrides = ?, subscription_plan = ?, extra = ?%1 WHERE id = ?"_s.arg(
                                 reseal ? u", sealed_credentials = ?"_s : QString()),
                             values);
    if (!updated) {
        if (nameTaken(m_db, u"accounts"_s, account.name)) {
            return fail(ErrorCode::InvalidArgument, u"an account named '%1' already exists"_s.arg(account.name));
        }
        return tl::unexpected(updated.error());
    }
    if (updated->numRowsAffected() == 0) {
        return fail(ErrorCode::NotFound, u"no account with id '%1'"_s.arg(account.id));
    }
    return {};
}

Result<void> Database::setAccountEnabled(const QString &idOrName, bool enabled)
{
    return setFlag(u"accounts"_s, u"enabled"_s, u"account"_s, idOrName, enabled);
}

Result<void> Database::setAccountSchedulable(const QString &idOrName, bool schedulable)
{
    return setFlag(u"accounts"_s, u"schedulable"_s, u"account"_s, idOrName, schedulable);
}

Result<void> Database::deleteAccount(const QString &idOrName)
{
    return deleteRow(u"accounts"_s, u"account"_s, idOrName);
}

// An exact id wins over a name (a name could look like another row's id). table is one of ours, never user input.
Result<QString> Database::resolveId(const QString &table, const QString &idOrName, const QString &noun)
{
    auto query =
        run(m_db,
            u"find %1"_s.arg(noun),
            u"SELECT id FROM %1 WHERE id = ? OR name = ? ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END"_s.arg(table),
            {idOrName, idOrName, idOrName});
    if (!query) {
        return tl::unexpected(query.error());
    }
    if (!query->next()) {
        return fail(ErrorCode::NotFound, u"no %1 named or with id '%2'"_s.arg(noun, idOrName));
    }
    return query->value(0).toString();
}

Result<void>
Database::setFlag(const QString &table, const QString &column, const QString &noun, const QString &idOrName, bool value)
{
    const Result<QString> id = resolveId(table, idOrName, noun);
    if (!id) {
        return tl::unexpected(id.error());
    }
    const auto query = run(
        m_db, u"update %1"_s.arg(noun), u"UPDATE %1 SET %2 = ? WHERE id = ?"_s.arg(table, column), {int(value), *id});
    if (!query) {
        return tl::unexpected(query.error());
    }
    if (query->numRowsAffected() == 0) { // deleted by another process in between
        return fail(ErrorCode::NotFound, u"no %1 named or with id '%2'"_s.arg(noun, idOrName));
    }
    return {};
}

Result<void> Database::deleteRow(const QString &table, const QString &noun, const QString &idOrName)
{
    const Result<QString> id = resolveId(table, idOrName, noun);
    if (!id) {
        return tl::unexpected(id.error());
    }
    const auto query = run(m_db, u"delete %1"_s.arg(noun), u"DELETE FROM %1 WHERE id = ?"_s.arg(table), {*id});
    if (!query) {
        return tl::unexpected(query.error());
    }
    if (query->numRowsAffected() == 0) {
        return fail(ErrorCode::NotFound, u"no %1 named or with id '%2'"_s.arg(noun, idOrName));
    }
    return {};
}

Result<void> Database::insertUsage(const QList<UsageRow> &rows, const policy::LimitCalendar &calendar)
{
    if (rows.isEmpty()) {
        return {};
    }
    WriteTransaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun) {
        return begun;
    }
    {
        QSqlQuery query(m_db);
        if (!query.prepare(
                u"INSERT INTO usage_requests (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s
                    .arg(kUsageColumns))) {
            return sqlFailure(u"insert usage"_s, query.lastError());
        }
        for (const UsageRow &row : rows) {
            const QVariantList values = usageValues(row);
            for (qsizetype i = 0; i < values.size(); ++i) {
                query.bindValue(int(i), values.at(i));
            }
            if (!query.exec()) {
                return sqlFailure(u"insert usage"_s, query.lastError());
            }
        }
    }
    // Same transaction: the rollups can never disagree with the rows they summarise.
    if (auto rolled = addUsageToRollups(rows, calendar); !rolled) {
        return rolled;
    }
    return transaction.commit();
}

Result<QList<UsageRow>> Database::recentUsage(int limit)
{
    auto query = run(m_db,
                     u"read usage"_s,
                     u"SELECT %1 FROM usage_requests ORDER BY ts_ms DESC, id DESC LIMIT ?"_s.arg(kUsageColumns),
                     {limit});
    if (!query) {
        return tl::unexpected(query.error());
    }
    QList<UsageRow> rows;
    while (query->next()) {
        rows.append(usageFromQuery(*query));
    }
    return rows;
}

Result<UsageTotals> Database::usageTotals(const QString &keyId, qint64 sinceMs)
{
    QString sql = u"SELECT %1 FROM usage_requests WHERE ts_ms >= ?"_s.arg(kUsageTotalsColumns);
    QVariantList values{sinceMs};
    if (!keyId.isEmpty()) {
        sql += u" AND key_id = ?"_s;
        values.append(keyId);
    }
    auto query = run(m_db, u"sum usage"_s, sql, values);
    if (!query) {
        return tl::unexpected(query.error());
    }
    UsageTotals totals;
    if (query->next()) {
        totals = usageTotalsAt(*query, 0);
    }
    return totals;
}

Result<QHash<QString, UsageTotals>> Database::usageTotalsByKey()
{
    auto query = run(m_db,
                     u"sum usage by key"_s,
                     u"SELECT key_id, %1 FROM usage_requests GROUP BY key_id"_s.arg(kUsageTotalsColumns),
                     {});
    if (!query) {
        return tl::unexpected(query.error());
    }
    QHash<QString, UsageTotals> out;
    while (query->next()) {
        out.insert(query->value(0).toString(), usageTotalsAt(*query, 1));
    }
    return out;
}

} // namespace rd::store
