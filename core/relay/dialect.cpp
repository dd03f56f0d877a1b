// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/dialect.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace rd::relay {

int statusFor(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Authentication:
        return 401;
    case ErrorKind::Permission:
        return 403;
    case ErrorKind::InvalidRequest:
        return 400;
    case ErrorKind::HeadersTooLarge:
        return 431;
    case ErrorKind::BodyTooLarge:
        return 413;
    case ErrorKind::NotFound:
    case ErrorKind::ModelNotFound:
        return 404;
    case ErrorKind::RateLimited:
        return 429;
    case ErrorKind::Billing:
        return 402;
    case ErrorKind::UpstreamUnreachable:
        return 502;
    case ErrorKind::UpstreamTimeout:
        return 504;
    case ErrorKind::ServiceUnavailable:
        return 503;
    case ErrorKind::Internal:
        break;
    }
    return 500;
}

Dialect dialectForPath(QByteArrayView path)
{
    if (path.startsWith("/openai") || path.startsWith("/azure")) {
        return Dialect::OpenAI;
    }
    if (path.startsWith("/gemini")) {
        return Dialect::Gemini;
    }
    return Dialect::Anthropic;
}

QByteArray anthropicErrorType(int status)
{
    switch (status) {
    case 401:
        return "authentication_error";
    case 402:
        return "billing_error";
    case 403:
        return "permission_error";
    case 404:
        return "not_found_error";
    case 413:
        return "request_too_large";
    case 429:
        return "rate_limit_error";
    case 504:
        return "timeout_error";
    case 529:
        return "overloaded_error";
    default:
        return status >= 500 ? "api_error" : "invalid_request_error";
    }
}

namespace {
struct OpenAiShape
{
    const char *type;
    const char *code; // nullptr → JSON null
};

OpenAiShape openAiShape(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Authentication:
        return {"invalid_request_error", "invalid_api_key"};
    case ErrorKind::Permission:
        return {"permission_denied", "permission_denied"};
    case ErrorKind::InvalidRequest:
        return {"invalid_request_error", "invalid_request"};
    case ErrorKind::HeadersTooLarge:
        return {"invalid_request_error", "request_header_too_large"};
    case ErrorKind::BodyTooLarge:
        return {"invalid_request_error", "request_too_large"};
    case ErrorKind::NotFound:
        return {"invalid_request_error", nullptr};
    case ErrorKind::ModelNotFound:
        return {"invalid_request_error", "model_not_found"};
    case ErrorKind::RateLimited:
        return {"requests", "rate_limit_exceeded"};
    case ErrorKind::Billing:
        return {"insufficient_quota", "insufficient_quota"};
    case ErrorKind::UpstreamUnreachable:
        return {"server_error", nullptr};
    case ErrorKind::UpstreamTimeout:
        return {"server_error", "timeout"};
    case ErrorKind::ServiceUnavailable:
        return {"server_error", "server_is_overloaded"};
    case ErrorKind::Internal:
        break;
    }
    return {"server_error", nullptr};
}

const char *geminiStatus(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Authentication:
        return "UNAUTHENTICATED";
    case ErrorKind::Permission:
        return "PERMISSION_DENIED";
    case ErrorKind::InvalidRequest:
    case ErrorKind::HeadersTooLarge:
    case ErrorKind::BodyTooLarge:
        return "INVALID_ARGUMENT";
    case ErrorKind::NotFound:
    case ErrorKind::ModelNotFound:
        return "NOT_FOUND";
    case ErrorKind::RateLimited:
    case ErrorKind::Billing:
        return "RESOURCE_EXHAUSTED";
    case ErrorKind::UpstreamUnreachable:
    case ErrorKind::ServiceUnavailable:
        return "UNAVAILABLE";
    case ErrorKind::UpstreamTimeout:
        return "DEADLINE_EXCEEDED";
    case ErrorKind::Internal:
        break;
    }
    return "INTERNAL";
}

QJsonObject errorObject(Dialect dialect, ErrorKind kind, const QString &message)
{
    switch (dialect) {
    case Dialect::Anthropic:
        return QJsonObject{{u"type"_s, QString::fromLatin1(anthropicErrorType(statusFor(kind)))},
                           {u"message"_s, message}};
    case Dialect::OpenAI: {
        const OpenAiShape shape = openAiShape(kind);
        return QJsonObject{{u"message"_s, message},
                           {u"type"_s, QString::fromLatin1(shape.type)},
                           {u"param"_s, QJsonValue::Null},
                           {u"code"_s, shape.code ? QJsonValue(QString::fromLatin1(shape.code)) : QJsonValue()}};
    }
    case Dialect::Gemini:
        break;
    }
    return QJsonObject{
        {u"code"_s, statusFor(kind)}, {u"message"_s, message}, {u"status"_s, QString::fromLatin1(geminiStatus(kind))}};
}
} // namespace

QByteArray errorBody(Dialect dialect, ErrorKind kind, const QString &message, const QByteArray &requestId)
{
    return errorBody(dialect, kind, message, requestId, {}, {});
}

QByteArray errorBody(Dialect dialect,
                     ErrorKind kind,
                     const QString &message,
                     const QByteArray &requestId,
                     const QByteArray &code,
                     const QJsonObject &details)
{
    QJsonObject error = errorObject(dialect, kind, message);
    if (!code.isEmpty()) {
        // OpenAI has a code field of its own; the others carry it beside the type/status.
        error.insert(u"code"_s, dialect == Dialect::Gemini ? QJsonValue(statusFor(kind)) : QString::fromLatin1(code));
        if (dialect == Dialect::Gemini) {
            error.insert(u"reason"_s, QString::fromLatin1(code));
        }
    }
    QJsonObject root{{u"error"_s, error}};
    for (auto it = details.begin(); it != details.end(); ++it) {
        root.insert(it.key(), it.value());
    }
    if (dialect == Dialect::Anthropic) {
        root.insert(u"type"_s, u"error"_s);
        if (!requestId.isEmpty()) {
            root.insert(u"request_id"_s, QString::fromLatin1(requestId));
        }
    }
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

QByteArray streamErrorEvent(Dialect dialect, ErrorKind kind, const QString &message)
{
    QJsonObject root{{u"error"_s, errorObject(dialect, kind, message)}};
    if (dialect == Dialect::Anthropic) {
        root.insert(u"type"_s, u"error"_s);
        return "event: error\ndata: " + QJsonDocument(root).toJson(QJsonDocument::Compact) + "\n\n";
    }
    return "data: " + QJsonDocument(root).toJson(QJsonDocument::Compact) + "\n\n";
}

QByteArray responsesErrorEvent(const QString &message)
{
    const QJsonObject data{{u"type"_s, u"error"_s},
                           {u"code"_s, u"server_error"_s},
                           {u"message"_s, message},
                           {u"param"_s, QJsonValue::Null}};
    return "event: error\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) + "\n\n";
}

} // namespace rd::relay
