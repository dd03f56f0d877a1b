// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"

namespace rd::relay {

// Client → upstream (PROTOCOLS.md §4.2): drops every client credential, hop-by-hop headers (and those named in
// Connection), Host, Content-Length, Accept-Encoding (identity is requested instead), proxy/CDN headers.
// Everything else passes, in order. userAgentOverride replaces the client's User-Agent when non-empty.
http::HeaderList upstreamRequestHeaders(const http::HeaderList &client, QByteArrayView userAgentOverride);

// Upstream → client: drops hop-by-hop headers, Content-Length (re-framed), Set-Cookie and the upstream's
// x-request-id (RelayDesk sets its own; request-id passes). Event streams get no-cache and X-Accel-Buffering: no.
http::HeaderList clientResponseHeaders(const http::HeaderList &upstream, bool eventStream);

bool isEventStream(const http::HeaderList &headers);

} // namespace rd::relay
