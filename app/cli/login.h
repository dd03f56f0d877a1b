// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli/args.h"
#include "core/store/database.h"

namespace rd::cli {

// `relaydesk accounts login-claude`: signs a Claude subscription in (PKCE: prints the URL, reads the code or the
// callback URL from stdin; or --setup-token reads a `claude setup-token` token) and stores it sealed.
int loginClaude(store::Database &db, const QString &dataDir, const Args &args);
// `relaydesk accounts share|unshare`: the personal-use guardrail's explicit switch.
int shareAccount(store::Database &db, const QString &target, bool share, bool confirmed);

} // namespace rd::cli
