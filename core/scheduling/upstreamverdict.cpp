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
#include <limits>
#include <utility>

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

// The unit at `at` in a duration, in nanoseconds; `at` moves past it. "ms" before "m"; µ as U+00B5 or U+03BC.
std::optional<qint64> durationUnit(QByteArrayView text, qsizetype &at)
{
    static const std::array<std::pair<QByteArrayView, qint64>, 8> kUnits{{{"ms", 1'000'000},
                                                                          {"us", 1'000},
                                                                          {"\xC2\xB5s", 1'000},
                                                                          {"\xCE\xBCs", 1'000},
                                                                          {"ns", 1},
                                                                          {"h", 3'600'000'000'000},
                                                                          {"m", 60'000'000'000},
                                                                          {"s", 1'000'000'000}}};
    const QByteArrayView rest = text.sliced(at);
    for (const auto &[name, ns] : kUnits) {
        if (rest.startsWith(name)) {
            at += name.size();
            return ns;
        }
    }
    return std::nullopt;
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

// A JSON number or a string of digits (Codex sends numbers; be lenient); 0 when absent or unusable.
qint64 jsonInteger(const QJsonValue &value)
{
    if (value.isDouble()) {
        const double d = value.toDouble();
        return d > 0 && d < 1e12 ? static_cast<qint64>(d) : 0;
    }
    return parseDigits(value.toString().toLatin1(), 12).value_or(0);
}

QString errorField(const QJsonObject &error, QLatin1StringView name)
{
    return error.value(name).toString();
}

// Codex usage_limit_reached (§3.4) and OpenAI insufficient_quota: account-wide, whatever else the answer said.
std::optional<Verdict> quotaVerdict(const QJsonObject &error, qint64 nowMs, const CooldownSettings &s)
{
    const QString type = errorField(error, "type"_L1);
    const QString code = errorField(error, "code"_L1);
    if (type == u"usage_limit_reached"_s || code == u"usage_limit_reached"_s) {
        Verdict v;
        v.failure = FailureClass::RateLimited;
        v.retryable = true;
        const qint64 resetsAt = jsonInteger(error.value("resets_at"_L1)) * 1000;
        const qint64 resetsIn = jsonInteger(error.value("resets_in_seconds"_L1));
        QString source;
        if (resetsAt > nowMs) {
            v.cooldownUntilMs = resetsAt;
            source = u"resets_at"_s;
        } else if (resetsIn > 0) {
            v.cooldownUntilMs = nowMs + resetsIn * 1000;
            source = u"resets_in_seconds"_s;
        } else {
            v.cooldownUntilMs = cooldownAfter(s.usageLimitWithoutReset, nowMs);
            source = u"no reset information"_s;
        }
        v.reason = v.cooldownUntilMs > 0
                       ? u"usage limit reached until "_s + utcText(v.cooldownUntilMs) + u" ("_s + source + u")"_s
                       : u"usage limit reached (no cooldown)"_s;
        return v;
    }
    if (type == u"insufficient_quota"_s || code == u"insufficient_quota"_s) {
        return failure(FailureClass::RateLimited, s.retryAfterCap, nowMs, u"insufficient quota"_s);
    }
    return std::nullopt;
}

QJsonObject errorObjectOf(QByteArrayView body)
{
    return QJsonDocument::fromJson(body.toByteArray()).object().value("error"_L1).toObject();
}

// OpenAI 429: x-ratelimit-reset-requests / -tokens are durations until that limit refills; the later one is safe.
std::optional<qint64> openAIResetMs(const http::HeaderList &headers)
{
    std::optional<qint64> latest;
    for (const char *name : {"x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"}) {
        if (const auto ms = parseOpenAIDuration(http::headerValue(headers, name)); ms && *ms > 0) {
            latest = std::max(latest.value_or(0), *ms);
        }
    }
    return latest;
}

// 429: the reset comes from the unified headers (uncapped), else retry-after (capped), else a fixed pause. A reset
// that is already over carries no information, so the next source is used. The scope comes from the representative
// claim, not from the requested model (unlike the reference relay): only a per-model claim narrows it to a family.
Verdict judgeRateLimit(const http::HeaderList &headers, QByteArrayView body, qint64 nowMs, const CooldownSettings &s)
{
    if (const auto quota = quotaVerdict(errorObjectOf(body), nowMs, s)) {
        return *quota;
    }
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
    } else if (const auto openAIReset = openAIResetMs(headers)) {
        v.cooldownUntilMs = nowMs + *openAIReset;
        source = u"x-ratelimit-reset"_s;
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

bool isPreambleName(QByteArrayView name)
{
    return name == "response.created" || name == "response.in_progress" || name == "response.queued";
}

// The event's name: its `event:` line, else the "type" of its JSON data (data-only streams).
QByteArray effectiveName(const SseEvent &event)
{
    if (!event.name.isEmpty()) {
        return event.name;
    }
    return QJsonDocument::fromJson(event.data).object().value("type"_L1).toString().toLatin1();
}

// The first event of an SSE text: fields up to the first blank line after a field; CRLF tolerated, comments skipped.
// skipPreamble: Responses preamble events before it are passed over.
SseEvent firstSseEvent(QByteArrayView text, bool skipPreamble = false)
{
    SseEvent event;
    bool seenField = false;
    for (QByteArray line : text.toByteArray().split('\n')) {
        if (line.endsWith('\r')) {
            line.chop(1);
        }
        if (line.isEmpty()) {
            if (seenField && skipPreamble && isPreambleName(effectiveName(event))) {
                event = SseEvent();
                seenField = false;
                continue;
            }
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

// An in-stream error's code (OpenAI) or type (Anthropic, OpenAI) → the HTTP status it stands for.
int statusForStreamError(const QString &type, const QString &code)
{
    static const QList<std::pair<QString, int>> kCodes{{u"rate_limit_exceeded"_s, 429},
                                                       {u"server_is_overloaded"_s, 503},
                                                       {u"server_error"_s, 500},
                                                       {u"invalid_api_key"_s, 401},
                                                       {u"model_not_found"_s, 404},
                                                       {u"context_length_exceeded"_s, 400},
                                                       {u"invalid_prompt"_s, 400}};
    static const QList<std::pair<QString, int>> kTypes{{u"overloaded_error"_s, 529},
                                                       {u"rate_limit_error"_s, 429},
                                                       {u"requests"_s, 429},
                                                       {u"tokens"_s, 429},
                                                       {u"api_error"_s, 500},
                                                       {u"server_error"_s, 500},
                                                       {u"authentication_error"_s, 401},
                                                       {u"permission_error"_s, 403},
                                                       {u"invalid_request_error"_s, 400},
                                                       {u"not_found_error"_s, 404},
                                                       {u"request_too_large"_s, 413}};
    for (const auto &[name, status] : kCodes) {
        if (name == code) {
            return status;
        }
    }
    for (const auto &[name, status] : kTypes) {
        if (name == type) {
            return status;
        }
    }
    return 500; // an error we do not know: treat it as the upstream's fault, fail over
}

QString streamLabel(const QString &token)
{
    return safeToken(token.toLatin1()).isEmpty() ? u"stream error"_s : u"stream "_s + token;
}

// A Responses response.failed: response.error.code decides (rate_limit_exceeded 429, quota, anything else 500).
Verdict judgeFailedResponse(const SseEvent &event, const QJsonObject &object, qint64 nowMs, const CooldownSettings &s)
{
    const QJsonObject error = object.value("response"_L1).toObject().value("error"_L1).toObject();
    if (const auto quota = quotaVerdict(error, nowMs, s)) {
        return *quota;
    }
    const QString code = errorField(error, "code"_L1);
    const int status = code == u"rate_limit_exceeded"_s ? 429 : 500;
    const QString label =
        safeToken(code.toLatin1()).isEmpty() ? u"stream response.failed"_s : u"stream response.failed "_s + code;
    return judge(status, label, {}, event.data, nowMs, s);
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
    const SseEvent event = firstSseEvent(firstEvent, true);
    const QJsonObject object = QJsonDocument::fromJson(event.data).object();
    const QString type = object.value("type"_L1).toString();
    if (event.name == "response.failed" || (event.name.isEmpty() && type == u"response.failed"_s)) {
        return judgeFailedResponse(event, object, nowMs, s);
    }
    const bool isError = event.name == "error" || (event.name.isEmpty() && type == u"error"_s);
    const bool isChatError = event.name.isEmpty() && object.value("error"_L1).isObject(); // §2.4: top-level error
    if (!isError && !isChatError) {
        Verdict ok;
        ok.reason = u"ok"_s;
        return ok;
    }
    // Anthropic, Codex and Chat nest the error; a Responses error event carries code and message at the top.
    const QJsonObject error = object.value("error"_L1).isObject() ? object.value("error"_L1).toObject() : object;
    if (const auto quota = quotaVerdict(error, nowMs, s)) {
        return *quota;
    }
    const QString errorType = error == object ? QString() : errorField(error, "type"_L1);
    const QString code = errorField(error, "code"_L1);
    const QString label = streamLabel(errorType.isEmpty() ? code : errorType);
    return judge(statusForStreamError(errorType, code), label, {}, event.data, nowMs, s);
}

bool isPreambleEvent(QByteArrayView event)
{
    const SseEvent first = firstSseEvent(event);
    return isPreambleName(effectiveName(first));
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

std::optional<qint64> parseOpenAIDuration(QByteArrayView value)
{
    const QByteArrayView v = value.trimmed();
    if (v == "0") {
        return 0;
    }
    static constexpr qint64 kMaxNs = std::numeric_limits<qint64>::max() / 2;
    qint64 totalNs = 0;
    qsizetype i = 0;
    auto isDigit = [&v](qsizetype at) { return at < v.size() && v[at] >= '0' && v[at] <= '9'; };
    while (i < v.size()) {
        const qsizetype wholeStart = i;
        while (isDigit(i)) {
            ++i;
        }
        const QByteArrayView whole = v.sliced(wholeStart, i - wholeStart);
        QByteArrayView fraction;
        if (i < v.size() && v[i] == '.') {
            const qsizetype fractionStart = ++i;
            while (isDigit(i)) {
                ++i;
            }
            fraction = v.sliced(fractionStart, i - fractionStart);
        }
        const auto unitNs = durationUnit(v, i);
        const auto wholeValue = whole.isEmpty() ? std::optional<qint64>(0) : parseDigits(whole, 12);
        const auto fractionValue = fraction.isEmpty() ? std::optional<qint64>(0) : parseDigits(fraction, 9);
        if ((whole.isEmpty() && fraction.isEmpty()) || !unitNs || !wholeValue || !fractionValue
            || *wholeValue > kMaxNs / *unitNs) {
            return std::nullopt;
        }
        qint64 scale = 1;
        for (qsizetype d = 0; d < fraction.size(); ++d) {
            scale *= 10;
        }
        // Exact for every unit of a millisecond or more; below that, parts of a nanosecond are dropped.
        const qint64 fractionNs =
            *unitNs >= scale ? *fractionValue * (*unitNs / scale) : *fractionValue * *unitNs / scale;
        totalNs += *wholeValue * *unitNs + fractionNs;
        if (totalNs > kMaxNs) {
            return std::nullopt;
        }
    }
    if (v.isEmpty()) {
        return std::nullopt;
    }
    return (totalNs + 999'999) / 1'000'000;
}

QJsonObject codexUsageFacts(const http::HeaderList &headers, qint64 nowMs)
{
    QJsonObject facts;
    for (const auto &[prefix, window] : {std::pair{"x-codex-primary-", "5h"}, std::pair{"x-codex-secondary-", "7d"}}) {
        auto header = [&headers, p = QByteArray(prefix)](const char *name) {
            return http::headerValue(headers, QByteArray(p + name)).trimmed();
        };
        const QByteArray used = header("used-percent");
        const QByteArray resetAfter = header("reset-after-seconds");
        const QByteArray resetAt = header("reset-at");
        if (used.isEmpty() && resetAfter.isEmpty() && resetAt.isEmpty() && header("window-minutes").isEmpty()) {
            continue;
        }
        bool ok = false;
        const double percent = used.toDouble(&ok);
        const double utilization = ok && percent >= 0 ? percent / 100.0 : 0.0;
        qint64 reset = 0;
        if (const auto at = parseEpochSeconds(resetAt)) {
            reset = *at / 1000;
        } else if (const auto after = parseDigits(resetAfter, 12)) {
            reset = nowMs / 1000 + *after;
        }
        facts.insert(QString::fromLatin1(window),
                     QJsonObject{{u"utilization"_s, utilization},
                                 {u"reset"_s, reset},
                                 {u"status"_s, ok && percent >= 100.0 ? u"rejected"_s : u"allowed"_s}});
    }
    return facts;
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
