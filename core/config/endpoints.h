// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/oauth/claudeoauth.h"
#include "core/oauth/openaioauth.h"

namespace rd::config {

// The Claude OAuth endpoints: the public defaults unless RELAYDESK_CLAUDE_AUTHORIZE_URL, RELAYDESK_CLAUDE_TOKEN_URL,
// RELAYDESK_CLAUDE_CLIENT_ID or RELAYDESK_CLAUDE_REDIRECT_URI say otherwise (a loopback mock in tests, a corporate
// gateway elsewhere). Every endpoint is a setting (PROTOCOLS.md §5.6).
oauth::ClaudeOAuthEndpoints claudeEndpointsFromEnvironment();

// The ChatGPT (Codex) OAuth endpoints: the public defaults unless RELAYDESK_OPENAI_AUTHORIZE_URL,
// RELAYDESK_OPENAI_TOKEN_URL, RELAYDESK_OPENAI_CLIENT_ID or RELAYDESK_OPENAI_REDIRECT_URI say otherwise.
oauth::OpenAIOAuthEndpoints openaiEndpointsFromEnvironment();

} // namespace rd::config
