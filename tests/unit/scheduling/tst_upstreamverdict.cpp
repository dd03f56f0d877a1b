// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scheduling/upstreamverdict.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::ErrorCode;
using rd::http::HeaderList;
using rd::scheduling::CooldownSettings;
using rd::scheduling::FailureClass;
using rd::scheduling::Verdict;

Q_DECLARE_METATYPE(rd::scheduling::FailureClass)
Q_DECLARE_METATYPE(rd::ErrorCode)

namespace {
constexpr qint64 kNow = 1760000000000;       // 2025-10-09 08:53:20 UTC (a Thursday)
constexpr qint64 kReset = 1760018000000;     // kNow + 5 h: a unified reset, beyond the retry-after cap
constexpr qint64 kPastReset = 1759990000000; // kNow - 10000 s
const QByteArray kModel = "claude-sonnet-4-5-20250929"_ba;
const QByteArray kMarker = "xyzzy-body-text"_ba; // must never reach a reason

qint64 after(qint64 seconds)
{
    return kNow + seconds * 1000;
}

QByteArray errorBody(const QByteArray &type, const QByteArray &message)
{
    return "{\"type\":\"error\",\"error\":{\"type\":\""_ba + type + "\",\"message\":\""_ba + message + " "_ba + kMarker
           + "\"}}"_ba;
}

QByteArray errorEvent(const QByteArray &type, const QByteArray &message = "Something went wrong"_ba)
{
    return "event: error\ndata: "_ba + errorBody(type, message) + "\n\n"_ba;
}

HeaderList unified(const QByteArray &reset, const QByteArray &claim)
{
    HeaderList headers{{"anthropic-ratelimit-unified-status", "rejected"},
                       {"anthropic-ratelimit-unified-reset", reset}};
    if (!claim.isEmpty()) {
        headers.append(rd::http::Header{"Anthropic-Ratelimit-Unified-Representative-Claim", claim});
    }
    return headers;
}

CooldownSettings disabled()
{
    CooldownSettings s;
    s.unauthorized = s.forbidden = s.overloaded = s.serviceUnavailable = s.serverError = 0;
    s.timeout = s.network = s.rateLimitWithoutReset = s.retryAfterCap = 0;
    return s;
}

const QByteArray kRateLimitMessage = "This request would exceed your account's rate limit. Please try again later."_ba;
const QByteArray kClaudeCodeOnly =
    "This credential is only authorized for use with Claude Code and cannot be used for other API requests."_ba;
} // namespace

class TestUpstreamVerdict : public QObject
{
    Q_OBJECT
private:
    static void addVerdictColumns()
    {
        QTest::addColumn<FailureClass>("failure");
        QTest::addColumn<bool>("retryable");
        QTest::addColumn<qint64>("cooldownUntilMs");
        QTest::addColumn<QByteArray>("family");
        QTest::addColumn<bool>("blocked");
    }
    static void compareVerdict(const Verdict &v)
    {
        QFETCH(FailureClass, failure);
        QFETCH(bool, retryable);
        QFETCH(qint64, cooldownUntilMs);
        QFETCH(QByteArray, family);
        QFETCH(bool, blocked);
        QCOMPARE(rd::scheduling::failureClassName(v.failure), rd::scheduling::failureClassName(failure));
        QCOMPARE(v.retryable, retryable);
        QCOMPARE(v.cooldownUntilMs, cooldownUntilMs);
        QCOMPARE(v.modelFamily, family);
        QCOMPARE(v.blocked, blocked);
        QVERIFY(!v.reason.isEmpty());
        QVERIFY2(!v.reason.contains(QString::fromLatin1(kMarker)), qPrintable(v.reason));
    }

private slots:
    // PROTOCOLS §7.3/§7.4 (RelayDesk column)/§4.3, default settings.
    void judgesResponses_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<QByteArray>("body");
        addVerdictColumns();
        const QByteArray rateLimited = errorBody("rate_limit_error", kRateLimitMessage);
        const QByteArray none;
        const qint64 noCooldown = 0;

        QTest::newRow("200") << 200 << HeaderList{} << "{}"_ba << FailureClass::None << false << noCooldown << none
                             << false;
        QTest::newRow("204") << 204 << HeaderList{} << QByteArray() << FailureClass::None << false << noCooldown << none
                             << false;
        // 429 without reset information
        QTest::newRow("429 no headers: 60 s")
            << 429 << HeaderList{} << rateLimited << FailureClass::RateLimited << true << after(60) << none << false;
        QTest::newRow("429 retry-after seconds") << 429 << HeaderList{{"Retry-After", "120"}} << rateLimited
                                                 << FailureClass::RateLimited << true << after(120) << none << false;
        QTest::newRow("429 retry-after HTTP date")
            << 429 << HeaderList{{"retry-after", "Thu, 09 Oct 2025 08:55:20 GMT"}} << rateLimited
            << FailureClass::RateLimited << true << after(120) << none << false;
        QTest::newRow("429 retry-after garbage: 60 s")
            << 429 << HeaderList{{"retry-after", "6ms"}} << rateLimited << FailureClass::RateLimited << true
            << after(60) << none << false;
        QTest::newRow("429 retry-after over the cap")
            << 429 << HeaderList{{"retry-after", "7200"}} << rateLimited << FailureClass::RateLimited << true
            << after(1800) << none << false;
        QTest::newRow("429 retry-after date over the cap")
            << 429 << HeaderList{{"retry-after", "Thu, 09 Oct 2025 12:53:20 GMT"}} << rateLimited
            << FailureClass::RateLimited << true << after(1800) << none << false;
        QTest::newRow("429 retry-after date in the past: 60 s")
            << 429 << HeaderList{{"retry-after", "Thu, 09 Oct 2025 08:00:00 GMT"}} << rateLimited
            << FailureClass::RateLimited << true << after(60) << none << false;
        QTest::newRow("429 retry-after 0: 60 s") << 429 << HeaderList{{"retry-after", "0"}} << rateLimited
                                                 << FailureClass::RateLimited << true << after(60) << none << false;
        // 429 with a unified reset: uncapped, scope from the representative claim
        QTest::newRow("429 unified reset, no claim") << 429 << unified("1760018000", {}) << rateLimited
                                                     << FailureClass::RateLimited << true << kReset << none << false;
        QTest::newRow("429 unified reset, five_hour") << 429 << unified("1760018000", "five_hour") << rateLimited
                                                      << FailureClass::RateLimited << true << kReset << none << false;
        QTest::newRow("429 unified reset, seven_day") << 429 << unified("1760018000", "seven_day") << rateLimited
                                                      << FailureClass::RateLimited << true << kReset << none << false;
        QTest::newRow("429 unified reset, seven_day_opus")
            << 429 << unified("1760018000", "seven_day_opus") << rateLimited << FailureClass::RateLimited << true
            << kReset << "opus"_ba << false;
        QTest::newRow("429 unified reset, seven_day_sonnet")
            << 429 << unified("1760018000", "seven_day_sonnet") << rateLimited << FailureClass::RateLimited << true
            << kReset << "sonnet"_ba << false;
        QTest::newRow("429 unified reset, unknown claim: account")
            << 429 << unified("1760018000", "overage") << rateLimited << FailureClass::RateLimited << true << kReset
            << none << false;
        HeaderList resetAndRetryAfter = unified("1760018000", "five_hour");
        resetAndRetryAfter.append(rd::http::Header{"retry-after", "30"});
        QTest::newRow("429 unified reset wins over retry-after")
            << 429 << resetAndRetryAfter << rateLimited << FailureClass::RateLimited << true << kReset << none << false;
        HeaderList staleReset = unified("1759990000", "five_hour");
        staleReset.append(rd::http::Header{"retry-after", "30"});
        QTest::newRow("429 unified reset in the past: retry-after")
            << 429 << staleReset << rateLimited << FailureClass::RateLimited << true << after(30) << none << false;
        QTest::newRow("429 unified reset as a date string: 60 s")
            << 429 << unified("2025-10-09T13:53:20Z", "five_hour") << rateLimited << FailureClass::RateLimited << true
            << after(60) << none << false;
        // "extra usage" is not a rate limit
        QTest::newRow("429 extra usage") << 429 << unified("1760018000", "five_hour")
                                         << errorBody("rate_limit_error", "Extra usage is required for this request.")
                                         << FailureClass::RequestError << false << noCooldown << none << false;
        QTest::newRow("429 EXTRA USAGE any case")
            << 429 << HeaderList{} << errorBody("invalid_request_error", "You are out of EXTRA USAGE")
            << FailureClass::RequestError << false << noCooldown << none << false;
        // overload and 5xx
        QTest::newRow("529") << 529 << HeaderList{{"x-should-retry", "true"}}
                             << errorBody("overloaded_error", "Overloaded") << FailureClass::Overloaded << true
                             << after(60) << none << false;
        QTest::newRow("503") << 503 << HeaderList{} << QByteArray() << FailureClass::ServiceUnavailable << true
                             << after(60) << none << false;
        QTest::newRow("500") << 500 << HeaderList{} << errorBody("api_error", "Internal server error")
                             << FailureClass::ServerError << true << after(300) << none << false;
        QTest::newRow("502") << 502 << HeaderList{} << QByteArray() << FailureClass::ServerError << true << after(300)
                             << none << false;
        QTest::newRow("504") << 504 << HeaderList{} << QByteArray() << FailureClass::ServerError << true << after(300)
                             << none << false;
        QTest::newRow("302 is the upstream's fault")
            << 302 << HeaderList{{"location", "https://example.com/"}} << QByteArray() << FailureClass::ServerError
            << true << after(300) << none << false;
        // authentication and permission
        QTest::newRow("401") << 401 << HeaderList{} << errorBody("authentication_error", "invalid x-api-key")
                             << FailureClass::Unauthorized << true << after(1800) << none << false;
        QTest::newRow("401 with a ban text is still 401")
            << 401 << HeaderList{} << errorBody("authentication_error", "This organization has been disabled.")
            << FailureClass::Unauthorized << true << after(1800) << none << false;
        QTest::newRow("403") << 403 << HeaderList{} << errorBody("permission_error", "not allowed")
                             << FailureClass::Forbidden << true << after(1800) << none << false;
        // ban texts (§4.3): blocked, no cooldown, other accounts may serve
        QTest::newRow("400 organization disabled")
            << 400 << HeaderList{} << errorBody("invalid_request_error", "This organization has been disabled.")
            << FailureClass::Banned << true << noCooldown << none << true;
        QTest::newRow("400 OAuth not allowed")
            << 400 << HeaderList{}
            << errorBody("invalid_request_error",
                         "OAuth authentication is currently not allowed for this organization.")
            << FailureClass::Banned << true << noCooldown << none << true;
        QTest::newRow("403 organization disabled, other case")
            << 403 << HeaderList{} << errorBody("permission_error", "THIS ORGANIZATION HAS BEEN DISABLED")
            << FailureClass::Banned << true << noCooldown << none << true;
        QTest::newRow("403 OAuth not allowed")
            << 403 << HeaderList{} << errorBody("permission_error", "oauth authentication is currently not allowed")
            << FailureClass::Banned << true << noCooldown << none << true;
        // the subscription credential only serves Claude Code: fail over, no cooldown
        QTest::newRow("400 Claude Code only")
            << 400 << HeaderList{} << errorBody("invalid_request_error", kClaudeCodeOnly)
            << FailureClass::ClientNotAllowed << true << noCooldown << none << false;
        QTest::newRow("403 Claude Code only") << 403 << HeaderList{} << errorBody("permission_error", kClaudeCodeOnly)
                                              << FailureClass::ClientNotAllowed << true << noCooldown << none << false;
        // the request itself is wrong
        QTest::newRow("400") << 400 << HeaderList{} << errorBody("invalid_request_error", "max_tokens: Field required")
                             << FailureClass::RequestError << false << noCooldown << none << false;
        QTest::newRow("404") << 404 << HeaderList{} << errorBody("not_found_error", "model: claude-nope")
                             << FailureClass::RequestError << false << noCooldown << none << false;
        QTest::newRow("413") << 413 << HeaderList{}
                             << errorBody("request_too_large", "Request exceeds the maximum size")
                             << FailureClass::RequestError << false << noCooldown << none << false;
        QTest::newRow("422") << 422 << HeaderList{} << QByteArray() << FailureClass::RequestError << false << noCooldown
                             << none << false;
    }
    void judgesResponses()
    {
        QFETCH(int, status);
        QFETCH(HeaderList, headers);
        QFETCH(QByteArray, body);
        compareVerdict(rd::scheduling::judgeResponse(status, headers, body, kModel, kNow, CooldownSettings{}));
    }

    // 0 disables a cooldown but keeps the failover; a unified reset is the upstream's word, not a setting.
    void disabledSettingsKeepFailover_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<HeaderList>("headers");
        addVerdictColumns();
        const QByteArray none;
        QTest::newRow("429 no headers") << 429 << HeaderList{} << FailureClass::RateLimited << true << qint64(0) << none
                                        << false;
        QTest::newRow("429 retry-after, no cap") << 429 << HeaderList{{"retry-after", "7200"}}
                                                 << FailureClass::RateLimited << true << after(7200) << none << false;
        QTest::newRow("429 unified reset") << 429 << unified("1760018000", "seven_day_opus")
                                           << FailureClass::RateLimited << true << kReset << "opus"_ba << false;
        QTest::newRow("529") << 529 << HeaderList{} << FailureClass::Overloaded << true << qint64(0) << none << false;
        QTest::newRow("503") << 503 << HeaderList{} << FailureClass::ServiceUnavailable << true << qint64(0) << none
                             << false;
        QTest::newRow("500") << 500 << HeaderList{} << FailureClass::ServerError << true << qint64(0) << none << false;
        QTest::newRow("401") << 401 << HeaderList{} << FailureClass::Unauthorized << true << qint64(0) << none << false;
        QTest::newRow("403") << 403 << HeaderList{} << FailureClass::Forbidden << true << qint64(0) << none << false;
    }
    void disabledSettingsKeepFailover()
    {
        QFETCH(int, status);
        QFETCH(HeaderList, headers);
        compareVerdict(rd::scheduling::judgeResponse(status, headers, {}, kModel, kNow, disabled()));
    }

    void customDurationsAreUsed()
    {
        CooldownSettings s;
        s.overloaded = 600;
        s.rateLimitWithoutReset = 90;
        s.retryAfterCap = 100;
        QCOMPARE(rd::scheduling::judgeResponse(529, {}, {}, kModel, kNow, s).cooldownUntilMs, after(600));
        QCOMPARE(rd::scheduling::judgeResponse(429, {}, {}, kModel, kNow, s).cooldownUntilMs, after(90));
        QCOMPARE(rd::scheduling::judgeResponse(429, {{"retry-after", "120"}}, {}, kModel, kNow, s).cooldownUntilMs,
                 after(100));
    }

    void judgesTransportFailures_data()
    {
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<bool>("disableAll");
        addVerdictColumns();
        const QByteArray none;
        QTest::newRow("timeout") << ErrorCode::UpstreamTimeout << false << FailureClass::Timeout << true << after(300)
                                 << none << false;
        QTest::newRow("connect") << ErrorCode::UpstreamConnect << false << FailureClass::Network << true << after(300)
                                 << none << false;
        QTest::newRow("protocol") << ErrorCode::UpstreamProtocol << false << FailureClass::Network << true << after(300)
                                  << none << false;
        QTest::newRow("timeout, disabled")
            << ErrorCode::UpstreamTimeout << true << FailureClass::Timeout << true << qint64(0) << none << false;
        QTest::newRow("connect, disabled")
            << ErrorCode::UpstreamConnect << true << FailureClass::Network << true << qint64(0) << none << false;
        QTest::newRow("protocol, disabled")
            << ErrorCode::UpstreamProtocol << true << FailureClass::Network << true << qint64(0) << none << false;
        QTest::newRow("OAuth grant gone: blocked") << ErrorCode::ReauthorizationRequired << false
                                                   << FailureClass::Unauthorized << true << qint64(0) << none << true;
        QTest::newRow("relay-side failure: no cooldown")
            << ErrorCode::Internal << false << FailureClass::Network << true << qint64(0) << none << false;
    }
    void judgesTransportFailures()
    {
        QFETCH(ErrorCode, code);
        QFETCH(bool, disableAll);
        compareVerdict(rd::scheduling::judgeTransportFailure(code, kNow, disableAll ? disabled() : CooldownSettings{}));
    }

    // PROTOCOLS §2.4/§7.3: a 200 stream whose first event is an error is judged like the matching status.
    void judgesFirstStreamEvent_data()
    {
        QTest::addColumn<QByteArray>("event");
        addVerdictColumns();
        const QByteArray none;
        const qint64 noCooldown = 0;
        QTest::newRow("overloaded_error")
            << "event: error\n"
               "data: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"_ba
            << FailureClass::Overloaded << true << after(60) << none << false;
        QTest::newRow("overloaded_error, CRLF")
            << QByteArray("event: error\r\ndata: "_ba + errorBody("overloaded_error", "x") + "\r\n\r\n"_ba)
            << FailureClass::Overloaded << true << after(60) << none << false;
        QTest::newRow("comment first") << QByteArray(": keep-alive\n\n"_ba + errorEvent("overloaded_error"))
                                       << FailureClass::Overloaded << true << after(60) << none << false;
        QTest::newRow("data only, type error")
            << QByteArray("data: "_ba + errorBody("overloaded_error", "x") + "\n\n"_ba) << FailureClass::Overloaded
            << true << after(60) << none << false;
        QTest::newRow("rate_limit_error: no headers")
            << errorEvent("rate_limit_error", kRateLimitMessage) << FailureClass::RateLimited << true << after(60)
            << none << false;
        QTest::newRow("rate_limit_error about extra usage")
            << errorEvent("rate_limit_error", "Extra usage is required") << FailureClass::RequestError << false
            << noCooldown << none << false;
        QTest::newRow("api_error") << errorEvent("api_error") << FailureClass::ServerError << true << after(300) << none
                                   << false;
        QTest::newRow("authentication_error")
            << errorEvent("authentication_error") << FailureClass::Unauthorized << true << after(1800) << none << false;
        QTest::newRow("permission_error")
            << errorEvent("permission_error") << FailureClass::Forbidden << true << after(1800) << none << false;
        QTest::newRow("permission_error with a ban text")
            << errorEvent("permission_error", "This organization has been disabled.") << FailureClass::Banned << true
            << noCooldown << none << true;
        QTest::newRow("invalid_request_error") << errorEvent("invalid_request_error") << FailureClass::RequestError
                                               << false << noCooldown << none << false;
        QTest::newRow("unknown error type")
            << errorEvent("teapot_error") << FailureClass::ServerError << true << after(300) << none << false;
        QTest::newRow("error event, data not JSON")
            << "event: error\ndata: oops\n\n"_ba << FailureClass::ServerError << true << after(300) << none << false;
        QTest::newRow("message_start")
            << "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\"}}\n\n"_ba
            << FailureClass::None << false << noCooldown << none << false;
        QTest::newRow("ping first") << "event: ping\ndata: {\"type\":\"ping\"}\n\n"_ba << FailureClass::None << false
                                    << noCooldown << none << false;
        QTest::newRow("error after the first event")
            << QByteArray("event: ping\ndata: {\"type\":\"ping\"}\n\n"_ba + errorEvent("overloaded_error"))
            << FailureClass::None << false << noCooldown << none << false;
        QTest::newRow("empty") << QByteArray() << FailureClass::None << false << noCooldown << none << false;
    }
    void judgesFirstStreamEvent()
    {
        QFETCH(QByteArray, event);
        compareVerdict(rd::scheduling::judgeFirstStreamEvent(event, kModel, kNow, CooldownSettings{}));
    }

    // Reasons name the classification and the time, in UTC; upstream tokens only when they look like identifiers.
    void reasonsAreShortAndSafe_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("reason");
        QTest::newRow("five_hour") << 429 << unified("1760018000", "five_hour") << QByteArray()
                                   << u"rate limited until 2025-10-09 13:53:20 UTC (five_hour)"_s;
        QTest::newRow("seven_day_opus") << 429 << unified("1760018000", "seven_day_opus") << QByteArray()
                                        << u"rate limited until 2025-10-09 13:53:20 UTC (seven_day_opus, opus only)"_s;
        QTest::newRow("odd claim not echoed") << 429 << unified("1760018000", "<b>five hour</b>") << QByteArray()
                                              << u"rate limited until 2025-10-09 13:53:20 UTC (unified reset)"_s;
        QTest::newRow("retry-after") << 429 << HeaderList{{"retry-after", "120"}} << QByteArray()
                                     << u"rate limited until 2025-10-09 08:55:20 UTC (retry-after)"_s;
        QTest::newRow("no reset") << 429 << HeaderList{} << QByteArray()
                                  << u"rate limited until 2025-10-09 08:54:20 UTC (no reset information)"_s;
        QTest::newRow("529") << 529 << HeaderList{} << QByteArray()
                             << u"overloaded (529), cooling down until 2025-10-09 08:54:20 UTC"_s;
        QTest::newRow("ban") << 400 << HeaderList{}
                             << errorBody("invalid_request_error", "This organization has been disabled")
                             << u"blocked: organization disabled (400)"_s;
        QTest::newRow("400") << 400 << HeaderList{} << errorBody("invalid_request_error", "bad")
                             << u"request rejected (400)"_s;
    }
    void reasonsAreShortAndSafe()
    {
        QFETCH(int, status);
        QFETCH(HeaderList, headers);
        QFETCH(QByteArray, body);
        QFETCH(QString, reason);
        QCOMPARE(rd::scheduling::judgeResponse(status, headers, body, kModel, kNow, CooldownSettings{}).reason, reason);
    }

    void streamReasonNamesTheErrorType()
    {
        const Verdict v = rd::scheduling::judgeFirstStreamEvent(errorEvent("overloaded_error"), kModel, kNow, {});
        QCOMPARE(v.reason, u"overloaded (stream overloaded_error), cooling down until 2025-10-09 08:54:20 UTC"_s);
    }

    void parsesRetryAfter_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("expected"); // -1: nullopt
        QTest::newRow("seconds") << "120"_ba << after(120);
        QTest::newRow("seconds, spaces") << " 120 "_ba << after(120);
        QTest::newRow("zero") << "0"_ba << kNow;
        QTest::newRow("HTTP date") << "Thu, 09 Oct 2025 08:55:20 GMT"_ba << after(120);
        QTest::newRow("HTTP date in the past") << "Thu, 09 Oct 2025 08:50:00 GMT"_ba << after(-200);
        QTest::newRow("garbage 6ms") << "6ms"_ba << qint64(-1);
        QTest::newRow("empty") << QByteArray() << qint64(-1);
        QTest::newRow("negative") << "-5"_ba << qint64(-1);
        QTest::newRow("fraction") << "1.5"_ba << qint64(-1);
        QTest::newRow("impossible date") << "Thu, 31 Feb 2025 08:55:20 GMT"_ba << qint64(-1);
        QTest::newRow("RFC 850 date") << "Thursday, 09-Oct-25 08:55:20 GMT"_ba << qint64(-1);
        QTest::newRow("huge") << "99999999999999999999"_ba << qint64(-1);
    }
    void parsesRetryAfter()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, expected);
        QCOMPARE(rd::scheduling::parseRetryAfter(value, kNow).value_or(-1), expected);
    }

    void parsesEpochSeconds_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("expected"); // -1: nullopt
        QTest::newRow("epoch seconds") << "1760018000"_ba << kReset;
        QTest::newRow("spaces") << " 1760018000\t"_ba << kReset;
        QTest::newRow("in the past") << "1759990000"_ba << kPastReset;
        QTest::newRow("empty") << QByteArray() << qint64(-1);
        QTest::newRow("RFC 3339") << "2025-10-09T13:53:20Z"_ba << qint64(-1);
        QTest::newRow("negative") << "-1"_ba << qint64(-1);
        QTest::newRow("fraction") << "1760018000.5"_ba << qint64(-1);
    }
    void parsesEpochSeconds()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, expected);
        QCOMPARE(rd::scheduling::parseEpochSeconds(value).value_or(-1), expected);
    }

    void findsModelFamily_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<QByteArray>("family");
        QTest::newRow("opus") << "claude-opus-4-1-20250805"_ba
                              << "opus"_ba;
        QTest::newRow("bedrock us.anthropic.") << "us.anthropic.claude-sonnet-4-5-20250929-v1:0"_ba
                                               << "sonnet"_ba;
        QTest::newRow("bedrock anthropic.") << "anthropic.claude-3-haiku-20240307-v1:0"_ba
                                            << "haiku"_ba;
        QTest::newRow("router prefix") << "ccr,claude-haiku-4-5"_ba
                                       << "haiku"_ba;
        QTest::newRow("upper case") << "CLAUDE-3-OPUS-20240229"_ba
                                    << "opus"_ba;
        QTest::newRow("fable") << "claude-fable-5"_ba
                               << "fable"_ba;
        QTest::newRow("claim") << "seven_day_sonnet"_ba
                               << "sonnet"_ba;
        QTest::newRow("gpt-5") << "gpt-5"_ba << QByteArray();
        QTest::newRow("empty") << QByteArray() << QByteArray();
    }
    void findsModelFamily()
    {
        QFETCH(QByteArray, model);
        QFETCH(QByteArray, family);
        QCOMPARE(rd::scheduling::modelFamily(model), family);
    }
};

QTEST_GUILESS_MAIN(TestUpstreamVerdict)
#include "tst_upstreamverdict.moc"
