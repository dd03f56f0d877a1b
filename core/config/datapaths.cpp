// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/config/datapaths.h"

#include <QDir>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace rd::config {

QString resolveDataDir(const QString &commandLineValue)
{
    if (!commandLineValue.isEmpty()) {
        return QDir(commandLineValue).absolutePath();
    }
    const QString fromEnv = qEnvironmentVariable("RELAYDESK_DATA_DIR");
    if (!fromEnv.isEmpty()) {
        return QDir(fromEnv).absolutePath();
    }
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty()) {
        base = QDir::homePath() + u"/.local/share"_s;
    }
    return base + u"/RelayDesk"_s;
}

QString databasePath(const QString &dataDir)
{
    return dataDir + u"/relaydesk.db"_s;
}

QString keyFilePath(const QString &dataDir)
{
    return dataDir + u"/data.key"_s;
}

} // namespace rd::config
