// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/relayconfig.h"

#include <QThread>

#include <algorithm>

namespace rd::relay {

int RelayConfig::effectiveWorkers() const
{
    if (workerThreads > 0) {
        return workerThreads;
    }
    return std::max(2, QThread::idealThreadCount());
}

} // namespace rd::relay
