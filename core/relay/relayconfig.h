// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/serversettings.h"
#include "core/oauth/claudeoauth.h"
#include "core/oauth/openaioauth.h"
#include "core/policy/keylimiter.h"

#include <QHostAddress>

namespace rd::relay {

// Validated relay settings; a change builds a new one. Defaults are what a laptop user wants.
struct RelayConfig
{
    QHostAddress host{QHostAddress::LocalHost}; // LAN binding is explicit
    quint16 port = 3000;
    int workerThreads = 0; // 0 = one per core, at least 2
    http::ServerSettings server;
    int upstreamConnectTimeoutMs = 10'000;
    int upstreamHeadersTimeoutMs = 600'000; // Claude Code allows 600 s (x-stainless-timeout)
    int upstreamIdleTimeoutMs = 600'000;
    int configPollMs = 500; // how often another process's changes (CLI) are looked for
    int maxAttempts = 3;    // accounts tried per request before the client gets the last failure
    qint64 stickyTtlMs = 3'600'000;
    qint64 stickyRenewThresholdMs = 900'000;
    oauth::ClaudeOAuthEndpoints claudeOAuth = oauth::ClaudeOAuthEndpoints::defaults();
    oauth::OpenAIOAuthEndpoints openaiOAuth = oauth::OpenAIOAuthEndpoints::defaults();
    qint64 tokenRefreshMarginMs = 60'000; // refresh before use when a token expires within this (idle: twice this)
    int backgroundRefreshMs = 60'000;     // how often idle accounts are checked
    policy::Clock clock = policy::systemClock(); // wall time for limits, expiry and usage rows; tests inject one

    int effectiveWorkers() const;
};

} // namespace rd::relay
