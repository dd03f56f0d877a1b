// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QStringList>

namespace rd::store {

// One schema step. Versions start at 1 and are contiguous; a shipped migration is never edited, only appended to.
// The statements are SQLite for now; when QPSQL lands each migration gets a `postgres` list next to `sqlite`
// (AUTOINCREMENT → GENERATED ALWAYS AS IDENTITY, BLOB → BYTEA, triggers → a plpgsql function).
struct Migration
{
    int version = 0;
    const char *description = "";
    QStringList sqlite; // run in order inside one transaction
};

const QList<Migration> &migrations();
int latestSchemaVersion();

} // namespace rd::store
