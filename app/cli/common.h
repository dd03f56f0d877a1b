// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/relay/relayconfig.h"
#include "core/store/database.h"
#include "core/util/result.h"

#include <QString>

#include <optional>

namespace rd::cli {

// A new record id: the prefix ("key_", "acc_") and 16 random hex characters.
QString newId(const char *prefix);

void printOut(const QString &text);        // a line on stdout
void printErr(const QString &text);        // a line on stderr
int usageError(const QString &message);    // prints the message and a hint, returns 2
int reportFailure(const QString &message); // "relaydesk: message" on stderr, returns 1
// 0 and `done` on stdout when r succeeded, else reportFailure(why)
int reportResult(const Result<void> &r, const QString &done);

// Opens the store of the data folder (--data-dir, $RELAYDESK_DATA_DIR or the default); prints why not.
std::optional<store::Database> openStore(const QString &dataDirOption, QString *resolvedDir = nullptr);

// Reads one secret line from stdin (no echo on a terminal) unless envVar is set; never from argv.
Result<QByteArray> readSecret(const char *envVar, const QString &prompt);

// --host/--port/--workers/--max-body-mb into a RelayConfig; the error names the bad option.
Result<relay::RelayConfig>
relayConfigFrom(const QString &host, const QString &port, const QString &workers, const QString &maxBodyMb);

// Installs SIGINT/SIGTERM handlers that quit the application's event loop cleanly.
void quitOnSignals();

} // namespace rd::cli
