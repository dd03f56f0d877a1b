// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace rd::relay {
class RelayService;
}
namespace rd::facade {
class StoreClient;
}

namespace rd::ui {

// What every page may use: the engine's facade and the store client (asynchronous; never SQL on the GUI thread).
struct UiContext
{
    relay::RelayService *service = nullptr;
    facade::StoreClient *store = nullptr;
    QString dataDir;
};

} // namespace rd::ui
