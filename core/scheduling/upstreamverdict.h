// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"
#include "core/util/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace rd::scheduling {

// What an upstream answer (or the lack of one) says about the account that served it: failover, cooldown, blocking.
// Pure functions of their arguments (PROTOCOLS §7.3, §7.4 RelayDesk column, §4.3); no I/O, callable from any thread.

enum class FailureClass
{
    None,               // success (2xx) — clears cooldowns and error counters
    RateLimited,        // 429 (account or model family)
    Overloaded,         // 529
    Unauthorized,       // 401
    Forbidden,          // 403 (not a ban text)
    ServiceUnavailable, // 503
    ServerError,        // other 5xx (500, 502, 504 from upstream…)
    Timeout,            // no response head in time / stalled
    Network,            // connect refused/reset/TLS failure/proxy failure before the head
    Banned,             // 400/403 with a ban text: blocked until the user acts
    ClientNotAllowed,   // the OAuth "only authorized for use with Claude Code" 400: fail over, no cooldown
    RequestError,       // other 4xx: the request itself is wrong — not retryable, no cooldown
};

// Seconds; 0 disables that cooldown (retryAfterCap 0: retry-after is not capped). Defaults = PROTOCOLS §7.4 RelayDesk.
struct CooldownSettings
{
    int unauthorized = 1800;
    int forbidden = 1800;
    int overloaded = 60;
    int serviceUnavailable = 60;
    int serverError = 300;
    int timeout = 300;
    int network = 300;
    int rateLimitWithoutReset = 60;
    int retryAfterCap = 1800;
    int usageLimitWithoutReset = 3600; // Codex usage_limit_reached without resets_at / resets_in_seconds
};

struct Verdict
{
    FailureClass failure = FailureClass::None;
    bool retryable = false;     // may fail over to another account (only meaningful before any byte reached the client)
    qint64 cooldownUntilMs = 0; // 0 = no cooldown
    QByteArray modelFamily;     // non-empty: the cooldown applies to this model family only
    bool blocked = false;       // needs the user
    QString reason;             // English, for logs and `accounts list`; never body text or arbitrary header values
};

// A complete response head (and its body, for 4xx/429 classification). requestModel is the model the request asked for.
// 429 resets, in order: Codex usage_limit_reached body (resets_at, else resets_in_seconds, else
// usageLimitWithoutReset; account-wide, uncapped), OpenAI insufficient_quota (retryAfterCap), the Anthropic unified
// reset (uncapped), retry-after (capped), the later of x-ratelimit-reset-requests/-tokens (uncapped), else
// rateLimitWithoutReset.
Verdict judgeResponse(int status,
                      const rd::http::HeaderList &headers,
                      QByteArrayView body,
                      QByteArrayView requestModel,
                      qint64 nowMs,
                      const CooldownSettings &s);
// No response head: UpstreamTimeout → Timeout; UpstreamConnect/UpstreamProtocol → Network;
// ReauthorizationRequired (OAuth grant gone while refreshing) → Unauthorized, blocked; anything else → Network, no
// cooldown.
Verdict judgeTransportFailure(rd::ErrorCode code, qint64 nowMs, const CooldownSettings &s);
// The first decisive SSE event of a 200 stream (leading Responses preamble events are skipped, see isPreambleEvent).
// An `event: error` (Anthropic error.type, Responses top-level code, Codex error.type usage_limit_reached), a
// Responses `response.failed` (response.error.code rate_limit_exceeded 429, insufficient_quota, others 500) or a Chat
// data line with a top-level error object is judged like the status its type or code stands for (overloaded_error
// 529, rate_limit_error/rate_limit_exceeded/requests/tokens 429 without headers, api_error/server_error 500,
// server_is_overloaded 503, authentication_error/invalid_api_key 401, permission_error 403, invalid_request_error
// 400 …; unknown 500); any other event → None.
Verdict
judgeFirstStreamEvent(QByteArrayView firstEvent, QByteArrayView requestModel, qint64 nowMs, const CooldownSettings &s);

// True for a complete SSE event named response.created, response.in_progress or response.queued (by its `event:`
// line, else its data's "type"): a Responses stream's decisive event comes after these.
bool isPreambleEvent(QByteArrayView event);

// Integer seconds or an IMF-fixdate HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT") → absolute epoch ms; garbage → nullopt.
std::optional<qint64> parseRetryAfter(QByteArrayView value, qint64 nowMs);
// Unix epoch seconds (unified rate-limit resets) → epoch ms; anything but a plain non-negative integer → nullopt.
std::optional<qint64> parseEpochSeconds(QByteArrayView value);
// OpenAI reset durations ("6ms", "20s", "1m30s", "6m0s", "1h2m3.5s"; units h m s ms us µs ns, fractions allowed)
// → milliseconds, rounded up; anything else → nullopt.
std::optional<qint64> parseOpenAIDuration(QByteArrayView value);
// The Codex plan windows from x-codex-primary-* (→ "5h") and x-codex-secondary-* (→ "7d") response headers:
// {"5h":{"utilization":<0–1>,"reset":<epoch s>,"status":"allowed"|"rejected"},…}, the shape the Claude unified
// headers give. reset = -reset-at, else now + -reset-after-seconds (0 when neither); "rejected" at ≥ 100 %.
// Empty when no such header is present.
QJsonObject codexUsageFacts(const rd::http::HeaderList &headers, qint64 nowMs);
// "opus", "sonnet", "haiku" or "fable" (first of these contained, case-insensitive, after a vendor prefix such as
// "us.anthropic." or "ccr,"); empty when none.
QByteArray modelFamily(QByteArrayView model);

QString failureClassName(FailureClass failure);

} // namespace rd::scheduling
