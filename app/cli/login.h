// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli/args.h"
#include "core/store/database.h"

namespace rd::cli {

// `relaydesk accounts login-claude`: signs a Claude subscription in (PKCE: prints the URL, reads the code or the
// callback URL from stdin; or --setup-token reads a `claude setup-token` token) and stores it sealed.
int loginClaude(store::Database &db, const QString &dataDir, const Args &args);
// `relaydesk accounts login-openai`: signs a ChatGPT subscription in for the Codex backend (PKCE: prints the URL,
// takes the browser's callback on the redirect's loopback port unless --no-listen, and at the same time a pasted
// callback URL or code from stdin or RELAYDESK_OAUTH_CODE; whichever comes first) and stores it sealed.
// Options: --name NAME [--proxy URL] [--priority 1-100] [--base-url URL] [--group NAME] [--no-listen].
int loginOpenAI(store::Database &db, const QString &dataDir, const Args &args);
// `relaydesk accounts share|unshare`: the personal-use guardrail's explicit switch.
int shareAccount(store::Database &db, const QString &target, bool share, bool confirmed);

} // namespace rd::cli
