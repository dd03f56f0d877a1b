// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/convert/bridge.h"

#include <memory>

namespace rd::relay {

// A Chat Completions stream for a client that did not ask for usage, while the relay asked upstream for it (to record
// it, PROTOCOLS.md §3.2): the usage chunk (empty `choices`, a `usage` object) is dropped, every other line passes
// unchanged, in order, as it arrives.
std::unique_ptr<convert::BodyTransform> makeUsageChunkFilter();

} // namespace rd::relay
