// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/migrations.h"

using namespace Qt::StringLiterals;

namespace rd::store {

namespace {

// AFTER INSERT/UPDATE/DELETE on `table` bumps meta.config_revision, so a relay in another process notices CLI edits.
QStringList revisionTriggers(const QString &table)
{
    QStringList statements;
    for (const QString &event : {u"INSERT"_s, u"UPDATE"_s, u"DELETE"_s}) {
        statements << u"CREATE TRIGGER %1_%2_bumps_revision AFTER %3 ON %1 FOR EACH ROW BEGIN "
                      "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'config_revision'; "
                      "END"_s.arg(table, event.toLower(), event);
    }
    return statements;
}

QList<Migration> buildMigrations()
{
    Migration initial{1, "initial schema: meta, api_keys, accounts, usage_requests", {}};
    initial.sqlite = QStringList{
        u"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"_s,
        u"INSERT INTO meta (key, value) VALUES ('config_revision', '0')"_s,
        u"CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, key_hash TEXT NOT NULL UNIQUE, "
        "enabled INTEGER NOT NULL, created_at BIGINT NOT NULL)"_s,
        // BLOB is SQLite's name; PostgreSQL spells it BYTEA.
        u"CREATE TABLE accounts (id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL UNIQUE, "
        "base_url TEXT NOT NULL, sealed_credentials BLOB NOT NULL, user_agent TEXT, model_mapping TEXT, "
        "priority INTEGER NOT NULL, schedulable INTEGER NOT NULL, enabled INTEGER NOT NULL, proxy_url TEXT, "
        "ca_cert_pem TEXT, created_at BIGINT NOT NULL)"_s,
        // AUTOINCREMENT is SQLite-only; PostgreSQL: id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY.
        u"CREATE TABLE usage_requests (id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, "
        "ts_ms BIGINT NOT NULL, key_id TEXT, account_id TEXT, model TEXT, route TEXT, status INTEGER, "
        "stream INTEGER, aborted INTEGER, input_tokens BIGINT, output_tokens BIGINT, "
        "cache_create_5m_tokens BIGINT, cache_create_1h_tokens BIGINT, cache_read_tokens BIGINT, "
        "usage_seen INTEGER, first_byte_ms BIGINT, total_ms BIGINT)"_s,
        u"CREATE INDEX usage_requests_ts ON usage_requests (ts_ms)"_s,
        u"CREATE INDEX usage_requests_key_ts ON usage_requests (key_id, ts_ms)"_s,
    };
    initial.sqlite << revisionTriggers(u"api_keys"_s) << revisionTriggers(u"accounts"_s);

    Migration scheduler{2, "scheduler: account limits, groups, bindings, runtime state, sticky sessions", {}};
    scheduler.sqlite = QStringList{
        u"ALTER TABLE accounts ADD COLUMN max_concurrency INTEGER NOT NULL DEFAULT 0"_s,
        u"ALTER TABLE accounts ADD COLUMN group_name TEXT"_s,
        u"ALTER TABLE accounts ADD COLUMN dedicated INTEGER NOT NULL DEFAULT 0"_s,
        u"ALTER TABLE accounts ADD COLUMN shared_with_others INTEGER NOT NULL DEFAULT 0"_s,
        u"ALTER TABLE accounts ADD COLUMN cooldown_overrides TEXT"_s,
        u"ALTER TABLE accounts ADD COLUMN state_epoch INTEGER NOT NULL DEFAULT 0"_s,
        u"ALTER TABLE api_keys ADD COLUMN binding TEXT"_s,
        u"ALTER TABLE api_keys ADD COLUMN is_owner INTEGER NOT NULL DEFAULT 0"_s,
        // Written by the relay (cooldowns, blocks, sign-in state) so other processes can show it; no revision trigger.
        u"CREATE TABLE account_state (account_id TEXT PRIMARY KEY, cooldown_until_ms BIGINT NOT NULL, "
        "reason TEXT, family_cooldowns TEXT, blocked INTEGER NOT NULL, needs_sign_in INTEGER NOT NULL, "
        "epoch INTEGER NOT NULL, updated_ms BIGINT NOT NULL)"_s,
        u"CREATE TABLE sticky_sessions (family TEXT NOT NULL, session_key TEXT NOT NULL, account_id TEXT NOT NULL, "
        "expires_at_ms BIGINT NOT NULL, PRIMARY KEY (family, session_key))"_s,
    };
    Migration oauth{3, "Claude subscriptions: token expiry, plan, subscription facts", {}};
    oauth.sqlite = QStringList{
        u"ALTER TABLE accounts ADD COLUMN token_expires_at BIGINT NOT NULL DEFAULT 0"_s,
        u"ALTER TABLE accounts ADD COLUMN subscription_plan TEXT"_s,
        u"ALTER TABLE account_state ADD COLUMN subscription TEXT"_s,
    };
    // REAL is SQLite's double; PostgreSQL spells it DOUBLE PRECISION.
    Migration cost{4, "cost per request", {}};
    cost.sqlite = QStringList{
        u"ALTER TABLE usage_requests ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0"_s,
        u"ALTER TABLE usage_requests ADD COLUMN cost_estimated INTEGER NOT NULL DEFAULT 0"_s,
    };
    Migration keyPolicy{5, "key policy: expiry, service permissions, model lists", {}};
    keyPolicy.sqlite = QStringList{
        u"ALTER TABLE api_keys ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0"_s,
        u"ALTER TABLE api_keys ADD COLUMN permissions TEXT"_s,
        u"ALTER TABLE api_keys ADD COLUMN allowed_models TEXT"_s,
        u"ALTER TABLE api_keys ADD COLUMN denied_models TEXT"_s,
    };
    Migration limits{6, "key settings and limits, rated cost, usage rollups, relay settings", {}};
    limits.sqlite = QStringList{
        u"ALTER TABLE api_keys ADD COLUMN description TEXT"_s,
        u"ALTER TABLE api_keys ADD COLUMN tags TEXT"_s,
        u"ALTER TABLE api_keys ADD COLUMN owner_name TEXT"_s,
        u"ALTER TABLE api_keys ADD COLUMN activation_days INTEGER NOT NULL DEFAULT 0"_s,
        u"ALTER TABLE api_keys ADD COLUMN activated_at BIGINT NOT NULL DEFAULT 0"_s,
        u"ALTER TABLE api_keys ADD COLUMN allowed_clients TEXT"_s,
        u"ALTER TABLE api_keys ADD COLUMN bindings TEXT"_s,
        u"ALTER TABLE api_keys ADD COLUMN service_rates TEXT"_s,
        u"ALTER TABLE api_keys ADD COLUMN limits TEXT"_s,
        u"ALTER TABLE usage_requests ADD COLUMN rated_cost_usd REAL NOT NULL DEFAULT 0"_s,
        u"UPDATE usage_requests SET rated_cost_usd = cost_usd"_s,
        // One row per bucket × key × account × model; any per-key, per-model, per-account or key×model view is a
        // GROUP BY over it. Hour buckets are UTC hours; day and month buckets start at local midnight in the
        // configured time zone. Written by the store writer in the transaction that inserts the request rows.
        u"CREATE TABLE usage_rollups (granularity TEXT NOT NULL, bucket_start BIGINT NOT NULL, "
        "key_id TEXT NOT NULL, account_id TEXT NOT NULL, model TEXT NOT NULL, requests BIGINT NOT NULL, "
        "errors BIGINT NOT NULL, aborted BIGINT NOT NULL, input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, "
        "cache_create_5m_tokens BIGINT NOT NULL, cache_create_1h_tokens BIGINT NOT NULL, "
        "cache_read_tokens BIGINT NOT NULL, cost_usd REAL NOT NULL, rated_cost_usd REAL NOT NULL, "
        "total_ms BIGINT NOT NULL, PRIMARY KEY (granularity, bucket_start, key_id, account_id, model))"_s,
        u"CREATE INDEX usage_rollups_key ON usage_rollups (key_id, granularity, bucket_start)"_s,
        // Relay-wide settings (STYLE.md §7): declared once in core/config/relaysettings.cpp.
        u"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"_s,
    };
    limits.sqlite << revisionTriggers(u"settings"_s);
    Migration openai{7, "OpenAI and Azure accounts: per-type settings; reasoning tokens", {}};
    openai.sqlite = QStringList{
        u"ALTER TABLE accounts ADD COLUMN extra TEXT"_s,
        u"ALTER TABLE usage_requests ADD COLUMN reasoning_tokens BIGINT NOT NULL DEFAULT 0"_s,
    };
    return {initial, scheduler, oauth, cost, keyPolicy, limits, openai};
}

} // namespace

const QList<Migration> &migrations()
{
    static const QList<Migration> s_migrations = buildMigrations();
    return s_migrations;
}

int latestSchemaVersion()
{
    return migrations().isEmpty() ? 0 : migrations().constLast().version;
}

} // namespace rd::store
