// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"

#include <QByteArray>

namespace rd::scheduling {

// The Anthropic-dialect sticky-session key of a Messages request (PROTOCOLS §7.1), empty when there is none.
// Rule 1 values (metadata.user_id session_id, old form's uuid, then the x-claude-code-session-id header) are used as
// is; rules 2–4 give the first 32 hex chars of sha256 (OpenSSL) of the text. A body that is not a JSON object gives no
// key (the relay rejects it anyway). Any thread; parses the body once.
QByteArray anthropicSessionKey(const QByteArray &body, const rd::http::HeaderList &headers);

} // namespace rd::scheduling
