// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/routes.h"

namespace rd::relay {

namespace {
// "/api" and "/claude" are equivalent prefixes; "/api/claude" and "/claude/claude" are aliases the reference relay
// served.
QByteArrayView stripAnthropicPrefix(QByteArrayView path)
{
    for (const char *prefix : {"/api/claude", "/claude/claude", "/api", "/claude"}) {
        const QByteArrayView p(prefix);
        if (path.startsWith(p) && (path.size() == p.size() || path[p.size()] == '/')) {
            return path.sliced(p.size());
        }
    }
    return {};
}

QByteArrayView trimTrailingSlash(QByteArrayView path)
{
    return path.size() > 1 && path.endsWith('/') ? path.chopped(1) : path;
}
} // namespace

RouteMatch matchRoute(QByteArrayView method, QByteArrayView rawPath)
{
    const QByteArrayView path = trimTrailingSlash(rawPath);
    RouteMatch m;
    m.dialect = dialectForPath(path);
    const bool get = method == "GET";
    const bool post = method == "POST";
    const bool head = method == "HEAD";

    if (path == "/health") {
        m.route = (get || head) ? Route::Health : Route::NotFound;
        return m;
    }
    if (m.dialect != Dialect::Anthropic) {
        return m; // later issues: OpenAI and Gemini routes
    }
    const QByteArrayView rest = stripAnthropicPrefix(path);
    if (rest.isEmpty()) {
        return m;
    }
    if (rest == "/v1/messages") {
        m.route = post ? Route::Messages : Route::NotFound;
    } else if (rest == "/v1/messages/count_tokens") {
        m.route = post ? Route::CountTokens : Route::NotFound;
    } else if (rest == "/v1/models") {
        m.route = get ? Route::Models : Route::NotFound;
    } else if (rest.startsWith("/v1/models/") && rest.size() > 11 && !rest.sliced(11).contains('/')) {
        m.route = get ? Route::ModelById : Route::NotFound;
        m.param = rest.sliced(11).toByteArray();
    } else if (rest == "/api/event_logging/batch") {
        m.route = post ? Route::Telemetry : Route::NotFound;
    } else if (rest == "/api/hello") {
        m.route = (get || head) ? Route::Hello : Route::NotFound;
    } else if (path.startsWith("/api/") && get) {
        // Key self-service routes exist under /api only.
        if (rest == "/v1/key-info") {
            m.route = Route::KeyInfo;
        } else if (rest == "/v1/usage") {
            m.route = Route::Usage;
        } else if (rest == "/v1/key-stats") {
            m.route = Route::KeyStats;
        } else if (rest == "/v1/me") {
            m.route = Route::Me;
        } else if (rest.size() > 24 && rest.startsWith("/v1/organizations/") && rest.endsWith("/usage")) {
            const QByteArrayView org = rest.sliced(18, rest.size() - 18 - 6);
            if (!org.isEmpty() && !org.contains('/')) {
                m.route = Route::OrgUsage;
                m.param = org.toByteArray();
            }
        }
    }
    return m;
}

const char *routeName(Route route)
{
    switch (route) {
    case Route::Messages:
        return "anthropic.messages";
    case Route::CountTokens:
        return "anthropic.count_tokens";
    case Route::Models:
        return "anthropic.models";
    case Route::ModelById:
        return "anthropic.model";
    case Route::KeyInfo:
        return "key-info";
    case Route::Usage:
        return "usage";
    case Route::KeyStats:
        return "key-stats";
    case Route::Me:
        return "me";
    case Route::OrgUsage:
        return "organization-usage";
    case Route::Telemetry:
        return "telemetry";
    case Route::Hello:
        return "hello";
    case Route::Health:
        return "health";
    case Route::NotFound:
        break;
    }
    return "not-found";
}

} // namespace rd::relay
