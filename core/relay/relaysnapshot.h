// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/auth/apikeys.h"
#include "core/config/relaysettings.h"
#include "core/providers/console/consoleaccount.h"
#include "core/secrets/sealer.h"

#include <QList>

#include <memory>

namespace rd::relay {

// Everything a worker reads per request, immutable: replaced whole when the configuration changes.
struct RelaySnapshot
{
    std::shared_ptr<const auth::KeyIndex> keys = std::make_shared<auth::KeyIndex>();
    QList<std::shared_ptr<const providers::ConsoleAccount>> accounts;
    std::shared_ptr<const secrets::Sealer> sealer; // null until the data key is known
    config::RelaySettings settings;                // relay-wide settings from the store
    qint64 revision = -1;
};

} // namespace rd::relay
