// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scheduling/upstreamverdict.h"

#include <QDate>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTime>
#include <QTimeZone>

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace rd::scheduling {

namespace {

char lowerAscii(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool containsNoCase(QByteArrayView haystack, QByteArrayView lowerNeedle)
{
    const auto it =
        std::search(haystack.begin(), haystack.end(), lowerNeedle.begin(), lowerNeedle.end(), [](char a, char b) {
            return lowerAscii(a) == b;
        });
    return it != haystack.end();
}

// Plain decimal digits only (no sign, no fraction); the digit limit keeps "* 1000" far from overflow.
std::optional<qint64> parseDigits(QByteArrayView value, qsizetype maxDigits)
{
    if (value.isEmpty() || value.size() > maxDigits) {
        return std::nullopt;
    }
    qint64 n = 0;
    for (const char c : value) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        n = n * 10 + (c - '0');
    }
    return n;
}

// IMF-fixdate, the only HTTP date form senders may generate (RFC 9110 §5.6.7).
std::optional<qint64> parseHttpDate(QByteArrayView value)
{
    const QList<QByteArray> parts = value.toByteArray().split(' ');
    if (parts.size() != 6 || !parts[0].endsWith(',') || (parts[5] != "GMT" && parts[5] != "UTC")) {
        return std::nullopt;
    }
    static constexpr std::array<const char *, 12> kMonths{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto month = std::find_if(kMonths.begin(), kMonths.end(), [&](const char *m) { return parts[2] == m; });
    const std::optional<qint64> day = parseDigits(parts[1], 2);
    const std::optional<qint64> year = parts[3].size() == 4 ? parseDigits(parts[3], 4) : std::nullopt;
    if (month == kMonths.end() || !day || !year) {
        return std::nullopt;
    }
    const QDate date(static_cast<int>(*year), static_cast<int>(month - kMonths.begin()) + 1, static_cast<int>(*day));
    const QTime time = QTime::fromString(QString::fromLatin1(parts[4]), u"HH:mm:ss"_s);
    if (!date.isValid() || !time.isValid()) {
        return std::nullopt;
    }
    return QDateTime(date, time, QTimeZone::utc()).toMSecsSinceEpoch();
}

qint64 cooldownAfter(int seconds, qint64 nowMs)
{
    return seconds > 0 ? nowMs + static_cast<qint64>(seconds) * 1000 : 0;
}

QString utcText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm:ss"_s) + u" UTC"_s;
}

// Upstream-provided tokens (claims, error types) reach reasons only when they look like identifiers.
QString safeToken(QByteArrayView token)
{
    const bool ok = !token.isEmpty() && token.size() <= 40 && std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    return ok ? QString::fromLatin1(token) : QString();
}

Verdict failure(FailureClass failure, int seconds, qint64 nowMs, const QString &what)
{
    Verdict v;
    v.failure = failure;
    v.retryable = true;
    v.cooldownUntilMs = cooldownAfter(seconds, nowMs);
    v.reason = v.cooldownUntilMs > 0 ? what + u", cooling down until "_s + utcText(v.cooldownUntilMs) : what;
    return v;
}

Verdict requestError(const QString &what)
{
    Verdict v;
    v.failure = FailureClass::RequestError;
    v.reason = what;
    return v;
}

QString banText(QByteArrayView body)
{
    if (containsNoCase(body, "this organization has been disabled")) {
        return u"organization disabled"_s;
    }
    if (containsNoCase(body, "oauth authentication is currently not allowed")) {
        return u"OAuth authentication not allowed"_s;
    }
    return {};
}

// 429: the reset comes from the unified headers (uncapped), else retry-after (capped), else a fixed pause. A reset
// that is already over carries no information, so the next source is used. The scope comes from the representative
// claim, not from the requested model (unlike the reference relay): only a per-model claim narrows it to a family.
Verdict judgeRateLimit(const http::HeaderList &headers, QByteArrayView body, qint64 nowMs, const CooldownSettings &s)
{
    if (containsNoCase(body, "extra usage")) {
        return requestError(u"extra usage answer (not a rate limit)"_s);
    }
    const QByteArray claim = http::headerValue(headers, "anthropic-ratelimit-unified-representative-claim").trimmed();
    Verdict v;
    v.failure = FailureClass::RateLimited;
    v.retryable = true;
    QString source;
    const auto reset = parseEpochSeconds(http::headerValue(headers, "anthropic-ratelimit-unified-reset"));
    const auto retryAfter = parseRetryAfter(http::headerValue(headers, "retry-after"), nowMs);
    if (reset && *reset > nowMs) {
        v.cooldownUntilMs = *reset;
        source = u"unified reset"_s;
    } else if (retryAfter && *retryAfter > nowMs) {
        const qint64 cap = s.retryAfterCap > 0 ? nowMs + static_cast<qint64>(s.retryAfterCap) * 1000 : *retryAfter;
        v.cooldownUntilMs = std::min(*retryAfter, cap);
        source = u"retry-after"_s;
    } else {
        v.cooldownUntilMs = cooldownAfter(s.rateLimitWithoutReset, nowMs);
        source = u"no reset information"_s;
    }
    if (v.cooldownUntilMs == 0) {
        v.reason = u"rate limited (no cooldown)"_s;
        return v;
    }
    if (claim != "five_hour" && claim != "seven_day") {
        v.modelFamily = modelFamily(claim);
    }
    const QString label = safeToken(claim).isEmpty() ? source : safeToken(claim);
    const QString scope =
        v.modelFamily.isEmpty() ? QString() : u", "_s + QString::fromLatin1(v.modelFamily) + u" only"_s;
    v.reason = u"rate limited until "_s + utcText(v.cooldownUntilMs) + u" ("_s + label + scope + u")"_s;
    return v;
}

// label names the trigger in reasons: the status ("529") or a stream error type.
Verdict judge(int status,
              const QString &label,
              const http::HeaderList &headers,
              QByteArrayView body,
              qint64 nowMs,
              const CooldownSettings &s)
{
    if (status >= 200 && status <= 299) {
        Verdict ok;
        ok.reason = u"ok"_s;
        return ok;
    }
    if (status == 400 || status == 403) {
        if (const QString ban = banText(body); !ban.isEmpty()) {
            Verdict v;
            v.failure = FailureClass::Banned;
            v.retryable = true; // other accounts may still serve the request
            v.blocked = true;
            v.reason = u"blocked: "_s + ban + u" ("_s + label + u")"_s;
            return v;
        }
        // Documented as a 400; a 403 with the same text means the same thing and must not cool the account down.
        if (containsNoCase(body, "only authorized for use with claude code")) {
            return failure(
                FailureClass::ClientNotAllowed, 0, nowMs, u"credential only serves Claude Code ("_s + label + u")"_s);
        }
    }
    switch (status) {
    case 429:
        return judgeRateLimit(headers, body, nowMs, s);
    case 529:
        return failure(FailureClass::Overloaded, s.overloaded, nowMs, u"overloaded ("_s + label + u")"_s);
    case 503:
        return failure(
            FailureClass::ServiceUnavailable, s.serviceUnavailable, nowMs, u"service unavailable ("_s + label + u")"_s);
    case 401:
        return failure(FailureClass::Unauthorized, s.unauthorized, nowMs, u"unauthorized ("_s + label + u")"_s);
    case 403:
        return failure(FailureClass::Forbidden, s.forbidden, nowMs, u"forbidden ("_s + label + u")"_s);
    default:
        break;
    }
    if (status >= 400 && status <= 499) {
        return requestError(u"request rejected ("_s + label + u")"_s);
    }
    // Other 5xx; also 1xx/3xx, which an API upstream never sends on purpose (a wrong base URL, a captive proxy).
    const QString what = status >= 500 ? u"server error ("_s : u"unexpected status ("_s;
    return failure(FailureClass::ServerError, s.serverError, nowMs, what + label + u")"_s);
}

struct SseEvent
{
    QByteArray name;
    QByteArray data;
};

// The first event of an SSE text: fields up to the first blank line after a field; CRLF tolerated, comments skipped.
SseEvent firstSseEvent(QByteArrayView text)
{
    SseEvent event;
    bool seenField = false;
    for (QByteArray line : text.toByteArray().split('\n')) {
        if (line.endsWith('\r')) {
            line.chop(1);
        }
        if (line.isEmpty()) {
            if (seenField) {
                break;
            }
            continue;
        }
        if (line.startsWith(':')) {
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        const QByteArray field = colon < 0 ? line : line.left(colon);
        QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
        if (value.startsWith(' ')) {
            value.remove(0, 1);
        }
        seenField = true;
        if (field == "event") {
            event.name = value;
        } else if (field == "data") {
            if (!event.data.isEmpty()) {
                event.data += '\n';
            }
            event.data += value;
        }
    }
    return event;
}

int statusForStreamError(const QString &type)
{
    static const QList<std::pair<QString, int>> kStatuses{{u"overloaded_error"_s, 529},
                                                          {u"rate_limit_error"_s, 429},
                                                          {u"api_error"_s, 500},
                                                          {u"authentication_error"_s, 401},
                                                          {u"permission_error"_s, 403},
                                                          {u"invalid_request_error"_s, 400},
                                                          {u"not_found_error"_s, 404},
                                                          {u"request_too_large"_s, 413}};
    for (const auto &[name, status] : kStatuses) {
        if (name == type) {
            return status;
        }
    }
    return 500; // an error we do not know: treat it as the upstream's fault, fail over
}

} // namespace

Verdict judgeResponse(int status,
                      const http::HeaderList &headers,
                      QByteArrayView body,
                      QByteArrayView requestModel,
                      qint64 nowMs,
                      const CooldownSettings &s)
{
    Q_UNUSED(requestModel) // the 429 scope comes from the representative claim (§7.4 RelayDesk)
    return judge(status, QString::number(status), headers, body, nowMs, s);
}

Verdict judgeTransportFailure(ErrorCode code, qint64 nowMs, const CooldownSettings &s)
{
    switch (code) {
    case ErrorCode::UpstreamTimeout:
        return failure(FailureClass::Timeout, s.timeout, nowMs, u"no response in time"_s);
    case ErrorCode::UpstreamConnect:
        return failure(FailureClass::Network, s.network, nowMs, u"connection failed"_s);
    case ErrorCode::UpstreamProtocol:
        return failure(FailureClass::Network, s.network, nowMs, u"not an HTTP answer"_s);
    case ErrorCode::ReauthorizationRequired: {
        Verdict v = failure(FailureClass::Unauthorized, 0, nowMs, u"sign-in required (OAuth grant gone)"_s);
        v.blocked = true;
        return v;
    }
    default:
        // Not the account's doing (a relay-side failure): try another account, but do not cool this one down.
        return failure(FailureClass::Network, 0, nowMs, u"relay-side failure ("_s + errorCodeName(code) + u")"_s);
    }
}

Verdict
judgeFirstStreamEvent(QByteArrayView firstEvent, QByteArrayView requestModel, qint64 nowMs, const CooldownSettings &s)
{
    Q_UNUSED(requestModel) // a stream error carries no rate-limit headers: its scope is the whole account
    const SseEvent event = firstSseEvent(firstEvent);
    const QJsonObject object = QJsonDocument::fromJson(event.data).object();
    const bool isError =
        event.name == "error" || (event.name.isEmpty() && object.value("type"_L1).toString() == u"error"_s);
    if (!isError) {
        Verdict ok;
        ok.reason = u"ok"_s;
        return ok;
    }
    const QString type = object.value("error"_L1).toObject().value("type"_L1).toString();
    const QString label = safeToken(type.toLatin1()).isEmpty() ? u"stream error"_s : u"stream "_s + type;
    return judge(statusForStreamError(type), label, {}, event.data, nowMs, s);
}

std::optional<qint64> parseRetryAfter(QByteArrayView value, qint64 nowMs)
{
    const QByteArrayView v = value.trimmed();
    if (const auto seconds = parseDigits(v, 12)) {
        return nowMs + *seconds * 1000;
    }
    return parseHttpDate(v);
}

std::optional<qint64> parseEpochSeconds(QByteArrayView value)
{
    const auto seconds = parseDigits(value.trimmed(), 12);
    return seconds ? std::optional<qint64>(*seconds * 1000) : std::nullopt;
}

QByteArray modelFamily(QByteArrayView model)
{
    QByteArray id = model.toByteArray().toLower();
    id = id.mid(id.lastIndexOf(',') + 1);           // "ccr,claude-…": a router's provider prefix
    constexpr QByteArrayView kVendor("anthropic."); // Bedrock "us.anthropic.…", also at the end of an ARN
    if (const qsizetype vendor = id.lastIndexOf(kVendor); vendor >= 0) {
        id = id.mid(vendor + kVendor.size());
    }
    for (const char *family : {"opus", "sonnet", "haiku", "fable"}) {
        if (id.contains(family)) {
            return QByteArray(family);
        }
    }
    return {};
}

QString failureClassName(FailureClass failure)
{
    switch (failure) {
    case FailureClass::None:
        return u"None"_s;
    case FailureClass::RateLimited:
        return u"RateLimited"_s;
    case FailureClass::Overloaded:
        return u"Overloaded"_s;
    case FailureClass::Unauthorized:
        return u"Unauthorized"_s;
    case FailureClass::Forbidden:
        return u"Forbidden"_s;
    case FailureClass::ServiceUnavailable:
        return u"ServiceUnavailable"_s;
    case FailureClass::ServerError:
        return u"ServerError"_s;
    case FailureClass::Timeout:
        return u"Timeout"_s;
    case FailureClass::Network:
        return u"Network"_s;
    case FailureClass::Banned:
        return u"Banned"_s;
    case FailureClass::ClientNotAllowed:
        return u"ClientNotAllowed"_s;
    case FailureClass::RequestError:
        return u"RequestError"_s;
    }
    return u"Unknown"_s;
}

} // namespace rd::scheduling
