// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace rd::config {

// The per-user data folder: --data-dir, else $RELAYDESK_DATA_DIR, else the platform's app data location
// (~/.local/share/RelayDesk on Linux). Holds relaydesk.db, the optional data.key and logs.
QString resolveDataDir(const QString &commandLineValue = {});
QString databasePath(const QString &dataDir);
QString keyFilePath(const QString &dataDir);

} // namespace rd::config
