// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/configwatcher.h"

#include "core/util/logging.h"

using namespace Qt::StringLiterals;

namespace rd::relay {

ConfigWatcher::ConfigWatcher(store::StoreLocation location, int pollMs, std::shared_ptr<policy::KeyLimiter> limiter)
    : m_location(std::move(location))
    , m_pollMs(pollMs)
    , m_limiter(std::move(limiter))
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

void ConfigWatcher::runRead(const std::function<void(store::Database *)> &task)
{
    task(m_db ? &*m_db : nullptr);
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
    auto settings = m_db->settings();
    if (!keys || !accounts || !settings) {
        qCWarning(lcConfig) << "could not load the configuration:"
                            << (!keys       ? keys.error().detail
                                : !accounts ? accounts.error().detail
                                            : settings.error().detail);
        return; // keep serving the last good snapshot; the next poll tries again
    }
    auto snapshot = std::make_shared<RelaySnapshot>();
    snapshot->settings = config::relaySettingsFrom(*settings);
    if (m_limiter) {
        m_limiter->setCalendar(snapshot->settings.calendar);
    }
    auto index = std::make_shared<auth::KeyIndex>();
    for (const store::ApiKeyRecord &k : std::as_const(*keys)) {
        Result<auth::KeyEntry> entry = auth::keyEntryFromRecord(k);
        if (!entry) {
            // Refused rather than served without the limits its owner set.
            qCWarning(lcConfig) << "key" << k.id << "refused until its settings are fixed:" << entry.error().detail;
            continue;
        }
        index->insert(k.keyHash, *entry);
    }
    if (m_revision < 0 && m_limiter) {
        seedLimits(*index, *keys);
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

void ConfigWatcher::seedLimits(const auth::KeyIndex &keys, const QList<store::ApiKeyRecord> &records)
{
    // The counters behind daily, weekly, total and window limits come back from the request rows and rollups.
    const qint64 now = m_limiter->now();
    const policy::LimitCalendar calendar = m_limiter->calendar();
    auto day = m_db->spendSince(calendar.dayStart(now));
    auto week = m_db->spendSince(calendar.weekStart(now));
    auto lifetime = m_db->lifetimeRatedCostByKey();
    if (!day || !week || !lifetime) {
        qCWarning(lcConfig) << "key limit counters start from zero: the store could not be read";
        return;
    }
    m_limiter->seedDay(*day);
    m_limiter->seedWeek(*week);
    m_limiter->seedTotals(*lifetime);
    for (const store::ApiKeyRecord &record : records) {
        const auth::KeyEntry *key = keys.find(record.keyHash);
        if (!key || !key->limits.hasWindow()) {
            continue;
        }
        auto window = m_db->spendSince(now - qint64(key->limits.windowMinutes) * 60'000);
        if (!window) {
            continue;
        }
        store::SpendRow sum;
        for (const store::SpendRow &row : std::as_const(*window)) {
            if (row.keyId == key->id) {
                sum.firstMs = sum.requests == 0 ? row.firstMs : std::min(sum.firstMs, row.firstMs);
                sum.requests += row.requests;
                sum.tokens += row.tokens;
                sum.ratedCostUsd += row.ratedCostUsd;
            }
        }
        m_limiter->seedWindow(key->id, sum);
    }
}

} // namespace rd::relay
