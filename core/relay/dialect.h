// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace rd::relay {

// The API family a client speaks on a route; every error it gets is shaped for it (PROTOCOLS.md §2).
enum class Dialect
{
    Anthropic,
    OpenAI,
    Gemini,
};

// What went wrong, independent of dialect. Each maps to one status and one type/code per dialect.
enum class ErrorKind
{
    Authentication,      // 401
    Permission,          // 403
    InvalidRequest,      // 400
    HeadersTooLarge,     // 431
    BodyTooLarge,        // 413
    NotFound,            // 404 (route)
    ModelNotFound,       // 404 (model no account serves)
    RateLimited,         // 429
    Billing,             // 402
    UpstreamUnreachable, // 502
    UpstreamTimeout,     // 504
    ServiceUnavailable,  // 503 (no usable account, store down)
    Internal,            // 500
};

int statusFor(ErrorKind kind);
Dialect dialectForPath(QByteArrayView path); // /openai… → OpenAI, /gemini… → Gemini, else Anthropic

// A JSON error body in the dialect's shape. message is English and safe (no secrets).
QByteArray errorBody(Dialect dialect, ErrorKind kind, const QString &message, const QByteArray &requestId);
// The same with a machine-readable code (e.g. "daily_cost_limit_exceeded") inside the error object and extra
// top-level fields (current, limit, resetAt …) that SDKs ignore and scripts can read (PROTOCOLS.md §2.2, §7.6).
QByteArray errorBody(Dialect dialect,
                     ErrorKind kind,
                     const QString &message,
                     const QByteArray &requestId,
                     const QByteArray &code,
                     const QJsonObject &details);
// The in-band error once a stream has started (§2.4), framed as one complete SSE event.
QByteArray streamErrorEvent(Dialect dialect, ErrorKind kind, const QString &message);
// A Responses stream's in-band error event (§2.4): `event: error` + {"type":"error","code":"server_error",…}.
QByteArray responsesErrorEvent(const QString &message);
// Anthropic error.type for an arbitrary HTTP status (upstream statuses passed through).
QByteArray anthropicErrorType(int status);

} // namespace rd::relay
