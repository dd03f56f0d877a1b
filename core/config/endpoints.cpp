// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/config/endpoints.h"

#include <span>
#include <utility>

namespace rd::config {

namespace {
using Setting = std::pair<const char *, QString *>;

void overrideFromEnvironment(std::span<const Setting> settings)
{
    for (const auto &[name, target] : settings) {
        const QString value = qEnvironmentVariable(name);
        if (!value.isEmpty()) {
            *target = value;
        }
    }
}
} // namespace

oauth::ClaudeOAuthEndpoints claudeEndpointsFromEnvironment()
{
    oauth::ClaudeOAuthEndpoints e = oauth::ClaudeOAuthEndpoints::defaults();
    const Setting settings[] = {{"RELAYDESK_CLAUDE_AUTHORIZE_URL", &e.authorizeUrl},
                                {"RELAYDESK_CLAUDE_TOKEN_URL", &e.tokenUrl},
                                {"RELAYDESK_CLAUDE_CLIENT_ID", &e.clientId},
                                {"RELAYDESK_CLAUDE_REDIRECT_URI", &e.redirectUri}};
    overrideFromEnvironment(settings);
    return e;
}

oauth::OpenAIOAuthEndpoints openaiEndpointsFromEnvironment()
{
    oauth::OpenAIOAuthEndpoints e = oauth::OpenAIOAuthEndpoints::defaults();
    const Setting settings[] = {{"RELAYDESK_OPENAI_AUTHORIZE_URL", &e.authorizeUrl},
                                {"RELAYDESK_OPENAI_TOKEN_URL", &e.tokenUrl},
                                {"RELAYDESK_OPENAI_CLIENT_ID", &e.clientId},
                                {"RELAYDESK_OPENAI_REDIRECT_URI", &e.redirectUri}};
    overrideFromEnvironment(settings);
    return e;
}

} // namespace rd::config
