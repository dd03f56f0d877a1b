// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/policy/keylimiter.h"
#include "core/providers/console/consoleaccount.h"
#include "core/relay/relaysnapshot.h"
#include "core/store/database.h"
#include "core/store/records.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace rd::relay {

// Watches the store for configuration changes made by anyone (this window, the CLI, another instance):
// polls config_revision and, when it moved, loads keys and accounts into a fresh snapshot.
// Lives on its own thread ("relay-config") with its own read connection; never touched by the hot path.
class ConfigWatcher : public QObject
{
    Q_OBJECT
public:
    // limiter: gets the calendar on every load and, at the first load, the counters rebuilt from the store.
    ConfigWatcher(store::StoreLocation location, int pollMs, std::shared_ptr<policy::KeyLimiter> limiter);
    ~ConfigWatcher() override;

public slots:
    void start(); // on the watcher's thread: open, load, then poll
    void stop();
    void runRead(const std::function<void(store::Database *)> &task); // on the watcher's thread

signals:
    void snapshotLoaded(std::shared_ptr<const rd::relay::RelaySnapshot> snapshot); // keys + accounts, no sealer
    void usageSeeded(const QHash<QString, rd::store::UsageTotals> &totals);
    void stickyLoaded(const QList<rd::store::StickyRow> &rows); // once, at the first load
    void storeHealthChanged(bool usable);
    void failed(const rd::Error &error);

private:
    void poll();
    void reload(qint64 revision);
    void seedLimits(const auth::KeyIndex &keys, const QList<store::ApiKeyRecord> &records);

    store::StoreLocation m_location;
    int m_pollMs;
    std::shared_ptr<policy::KeyLimiter> m_limiter;
    std::optional<store::Database> m_db;
    QTimer *m_timer = nullptr;
    qint64 m_revision = -1;
    bool m_healthy = true;
    QHash<QString, std::shared_ptr<providers::AccountState>> m_states; // per account id, kept across reloads
};

} // namespace rd::relay
