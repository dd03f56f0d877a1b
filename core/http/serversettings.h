// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/requestparser.h"

namespace rd::http {

// Limits of the client-facing HTTP/1.1 server. Copied into each connection.
struct ServerSettings
{
    ParserLimits limits;
    int headerTimeoutMs = 30'000;    // a started request must deliver its whole head within this
    int bodyIdleTimeoutMs = 30'000;  // no body byte for this long while a body is expected → close
    int keepAliveIdleMs = 65'000;    // an idle keep-alive connection is closed after this
    int maxConnections = 4096;       // beyond: an immediate 503 and close, never a silent backlog
    qint64 writeHighWater = 1 << 20; // the relay stops reading upstream while more than this waits for the client
    qint64 writeLowWater = 256 << 10;
};

} // namespace rd::http
