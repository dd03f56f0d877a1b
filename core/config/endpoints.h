// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/oauth/claudeoauth.h"

namespace rd::config {

// The Claude OAuth endpoints: the public defaults unless RELAYDESK_CLAUDE_AUTHORIZE_URL, RELAYDESK_CLAUDE_TOKEN_URL,
// RELAYDESK_CLAUDE_CLIENT_ID or RELAYDESK_CLAUDE_REDIRECT_URI say otherwise (a loopback mock in tests, a corporate
// gateway elsewhere). Every endpoint is a setting (PROTOCOLS.md §5.6).
oauth::ClaudeOAuthEndpoints claudeEndpointsFromEnvironment();

} // namespace rd::config
