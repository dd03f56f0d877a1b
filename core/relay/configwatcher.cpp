// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/configwatcher.h"

#include "core/util/logging.h"

using namespace Qt::StringLiterals;

namespace rd::relay {

ConfigWatcher::ConfigWatcher(store::StoreLocation location, int pollMs)
    : m_location(std::move(location))
    , m_pollMs(pollMs)
{}

ConfigWatcher::~ConfigWatcher() = default;

void ConfigWatcher::start()
{
    auto db = store::Database::open(m_location, u"relaydesk-config-%1"_s.arg(reinterpret_cast<quintptr>(this), 0, 16));
    if (!db) {
        emit failed(db.error());
        return;
    }
    m_db.emplace(std::move(*db));
    if (auto totals = m_db->usageTotalsByKey()) {
        emit usageSeeded(*totals);
    }
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &ConfigWatcher::poll);
    m_timer->start(m_pollMs);
    poll();
}

void ConfigWatcher::stop()
{
    if (m_timer) {
        m_timer->stop();
    }
    m_db.reset(); // the connection closes on the thread that opened it
}

void ConfigWatcher::poll()
{
    if (!m_db) {
        return;
    }
    const Result<qint64> revision = m_db->configRevision();
    const bool healthy = revision.has_value() && m_db->isUsable();
    if (healthy != m_healthy) {
        m_healthy = healthy;
        qCWarning(lcStore) << (healthy ? "the store is usable again" : "the store became unusable");
        emit storeHealthChanged(healthy);
    }
    if (revision && *revision != m_revision) {
        reload(*revision);
    }
}

void ConfigWatcher::reload(qint64 revision)
{
    auto keys = m_db->listKeys();
    auto accounts = m_db->listAccounts();
    if (!keys || !accounts) {
        qCWarning(lcConfig) << "could not load the configuration:"
                            << (keys ? accounts.error().detail : keys.error().detail);
        return; // keep serving the last good snapshot; the next poll tries again
    }
    auto snapshot = std::make_shared<RelaySnapshot>();
    auto index = std::make_shared<auth::KeyIndex>();
    for (const store::ApiKeyRecord &k : std::as_const(*keys)) {
        index->insert(k.keyHash,
                      auth::KeyEntry{k.id,
                                     k.name,
                                     auth::logId(k.keyHash),
                                     k.enabled,
                                     k.createdAt.toMSecsSinceEpoch(),
                                     k.binding,
                                     k.isOwner,
                                     k.expiresAtMs,
                                     auth::splitList(k.permissions),
                                     auth::splitList(k.allowedModels),
                                     auth::splitList(k.deniedModels)});
    }
    snapshot->keys = std::move(index);
    // On the first load, health saved by an earlier run comes back (unless the user reset the account since).
    QHash<QString, store::AccountStateRow> saved;
    if (m_revision < 0) {
        if (auto rows = m_db->accountStates()) {
            saved = std::move(*rows);
        }
        if (auto sticky = m_db->stickySessions()) {
            emit stickyLoaded(*sticky);
        }
    }
    QHash<QString, std::shared_ptr<providers::AccountState>> states;
    for (const store::AccountRecord &record : std::as_const(*accounts)) {
        auto state = m_states.value(record.id);
        if (!state) {
            state = std::make_shared<providers::AccountState>();
            const auto row = saved.constFind(record.id);
            if (row != saved.cend() && row->epoch == record.stateEpoch) {
                state->health.restore(*row);
            }
        }
        state->adoptStored(record.tokenExpiresAtMs);
        if (state->health.syncEpoch(record.stateEpoch)) {
            qCInfo(lcConfig) << "account" << record.id << "was reset: cooldowns and blocks cleared";
        }
        Result<providers::ConsoleAccount> account = providers::consoleAccountFromRecord(record, state);
        if (!account) {
            qCWarning(lcConfig) << "account" << record.id << "skipped:" << account.error().detail;
            continue;
        }
        states.insert(record.id, state);
        snapshot->accounts.append(std::make_shared<const providers::ConsoleAccount>(std::move(*account)));
    }
    m_states = std::move(states);
    snapshot->revision = revision;
    m_revision = revision;
    qCInfo(lcConfig) << "configuration loaded:" << snapshot->keys->size() << "keys," << snapshot->accounts.size()
                     << "accounts (revision" << revision << ")";
    emit snapshotLoaded(snapshot);
}

} // namespace rd::relay
