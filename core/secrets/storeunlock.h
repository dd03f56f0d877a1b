// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/secrets/sealer.h"
#include "core/store/database.h"
#include "core/util/result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace rd::secrets {

struct Unlocked
{
    std::shared_ptr<const Sealer> sealer;
    QString source;  // "keychain", "file" or "env"
    QString warning; // non-empty when the data key is not in the OS keychain: show it loudly
};

// Finds this store's data key (DataKeyProvider), checks it against the key check kept in the store's meta table
// and, on first use, records where the key lives. The keychain entry name is per store, kept in meta, so two
// data folders never share or overwrite each other's key. Reports once through done, from the event loop.
// Runs on the calling thread, which must own `db` and run an event loop.
void unlockStore(store::Database &db,
                 const QString &dataDir,
                 QObject *context,
                 std::function<void(Result<Unlocked>)> done,
                 const QString &keychainService = QStringLiteral("RelayDesk"));

} // namespace rd::secrets
