// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/config/endpoints.h"

namespace rd::config {

oauth::ClaudeOAuthEndpoints claudeEndpointsFromEnvironment()
{
    oauth::ClaudeOAuthEndpoints e = oauth::ClaudeOAuthEndpoints::defaults();
    const std::pair<const char *, QString *> settings[] = {{"RELAYDESK_CLAUDE_AUTHORIZE_URL", &e.authorizeUrl},
                                                           {"RELAYDESK_CLAUDE_TOKEN_URL", &e.tokenUrl},
                                                           {"RELAYDESK_CLAUDE_CLIENT_ID", &e.clientId},
                                                           {"RELAYDESK_CLAUDE_REDIRECT_URI", &e.redirectUri}};
    for (const auto &[name, target] : settings) {
        const QString value = qEnvironmentVariable(name);
        if (!value.isEmpty()) {
            *target = value;
        }
    }
    return e;
}

} // namespace rd::config
