// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scheduling/upstreamverdict.h"

#include <QJsonDocument>
#include <QJsonObject>
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
    s.timeout = s.network = s.rateLimitWithoutReset = s.retryAfterCap = s.usageLimitWithoutReset = 0;
    return s;
}

// OpenAI-shaped fixtures (PROTOCOLS §2.1, §2.4, §3.3, §3.4) are written with ' for ".
QByteArray q(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

QByteArray codexLimit(const QByteArray &resets)
{
    return q("{'error':{'type':'usage_limit_reached','message':'The usage limit has been reached',"
             "'plan_type':'plus'")
           + resets + "}}";
}

QByteArray openAIError(const char *type, const char *code)
{
    return q("{'error':{'message':'Something went wrong xyzzy-body-text','type':'") + type + q("','param':null,'code':")
           + (qstrlen(code) ? QByteArray(q("'") + code + q("'")) : QByteArray("null")) + "}}";
}

QByteArray sseEvent(const QByteArray &name, const QByteArray &data)
{
    return (name.isEmpty() ? QByteArray() : QByteArray("event: " + name + "\n")) + "data: " + data + "\n\n";
}

QByteArray responsesError(const char *code)
{
    return sseEvent("error",
                    q("{'type':'error','code':'") + code
                        + q("','message':'Something went wrong xyzzy-body-text','param':null,'sequence_number':2}"));
}

QByteArray responseFailed(const QByteArray &error)
{
    return sseEvent("response.failed",
                    q("{'type':'response.failed','sequence_number':2,'response':{'id':'resp_1','object':'response',"
                      "'status':'failed','model':'gpt-5.1-codex','output':[],'usage':null,'error':")
                        + error + "}}");
}

QByteArray failedError(const char *code)
{
    return q("{'code':'") + code + q("','message':'xyzzy-body-text'}");
}

const QByteArray kPreamble =
    sseEvent("response.created",
             q("{'type':'response.created','sequence_number':0,'response':{'id':'resp_1','status':'in_progress',"
               "'output':[],'usage':null}}"))
    + sseEvent("response.in_progress",
               q("{'type':'response.in_progress','sequence_number':1,'response':{'id':'resp_1','status':"
                 "'in_progress','output':[],'usage':null}}"));

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

    // OpenAI-shaped answers (PROTOCOLS §2.1, §3.2, §3.4, §7.4): Codex usage limits, quota, x-ratelimit-reset-*.
    void judgesOpenAIResponses_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("disableAll");
        addVerdictColumns();
        const QByteArray none;
        const QByteArray rateLimited = openAIError("requests", "rate_limit_exceeded");
        // Codex usage_limit_reached: account-wide, until resets_at, uncapped
        QTest::newRow("Codex limit, resets_at and resets_in_seconds")
            << 429 << HeaderList{} << codexLimit(q(",'resets_at':1760018000,'resets_in_seconds':3600")) << false
            << FailureClass::RateLimited << true << kReset << none << false;
        QTest::newRow("Codex limit, resets_in_seconds only, uncapped")
            << 429 << HeaderList{} << codexLimit(q(",'resets_in_seconds':7200")) << false << FailureClass::RateLimited
            << true << after(7200) << none << false;
        QTest::newRow("Codex limit, resets_at in the past")
            << 429 << HeaderList{} << codexLimit(q(",'resets_at':1759990000,'resets_in_seconds':600")) << false
            << FailureClass::RateLimited << true << after(600) << none << false;
        QTest::newRow("Codex limit, resets as strings")
            << 429 << HeaderList{} << codexLimit(q(",'resets_at':'1760018000'")) << false << FailureClass::RateLimited
            << true << kReset << none << false;
        QTest::newRow("Codex limit, no reset: 60 min")
            << 429 << HeaderList{} << codexLimit({}) << false << FailureClass::RateLimited << true << after(3600)
            << none << false;
        QTest::newRow("Codex limit wins over retry-after")
            << 429 << HeaderList{{"retry-after", "30"}} << codexLimit(q(",'resets_in_seconds':7200")) << false
            << FailureClass::RateLimited << true << after(7200) << none << false;
        QTest::newRow("Codex limit, no reset, disabled")
            << 429 << HeaderList{} << codexLimit({}) << true << FailureClass::RateLimited << true << qint64(0) << none
            << false;
        QTest::newRow("Codex limit, resets_in_seconds, disabled")
            << 429 << HeaderList{} << codexLimit(q(",'resets_in_seconds':7200")) << true << FailureClass::RateLimited
            << true << after(7200) << none << false;
        // insufficient_quota: the long (cap) cooldown
        QTest::newRow("insufficient_quota")
            << 429 << HeaderList{} << openAIError("insufficient_quota", "insufficient_quota") << false
            << FailureClass::RateLimited << true << after(1800) << none << false;
        QTest::newRow("insufficient_quota, retry-after ignored")
            << 429 << HeaderList{{"retry-after", "5"}} << openAIError("insufficient_quota", "insufficient_quota")
            << false << FailureClass::RateLimited << true << after(1800) << none << false;
        QTest::newRow("insufficient_quota, disabled")
            << 429 << HeaderList{} << openAIError("insufficient_quota", "insufficient_quota") << true
            << FailureClass::RateLimited << true << qint64(0) << none << false;
        // x-ratelimit-reset-*: durations, the later one, uncapped, after retry-after
        QTest::newRow("reset-requests and reset-tokens: the later")
            << 429 << HeaderList{{"x-ratelimit-reset-requests", "20s"}, {"X-RateLimit-Reset-Tokens", "1m30s"}}
            << rateLimited << false << FailureClass::RateLimited << true << after(90) << none << false;
        QTest::newRow("reset-requests only, 6ms")
            << 429 << HeaderList{{"x-ratelimit-reset-requests", "6ms"}} << rateLimited << false
            << FailureClass::RateLimited << true << kNow + 6 << none << false;
        QTest::newRow("reset-tokens, fractional")
            << 429 << HeaderList{{"x-ratelimit-reset-tokens", "1h2m3.5s"}} << rateLimited << false
            << FailureClass::RateLimited << true << kNow + 3723500 << none << false;
        QTest::newRow("reset over the retry-after cap")
            << 429 << HeaderList{{"x-ratelimit-reset-tokens", "2h0m0s"}} << rateLimited << false
            << FailureClass::RateLimited << true << after(7200) << none << false;
        QTest::newRow("retry-after wins over x-ratelimit-reset")
            << 429 << HeaderList{{"retry-after", "5"}, {"x-ratelimit-reset-requests", "6m0s"}} << rateLimited << false
            << FailureClass::RateLimited << true << after(5) << none << false;
        QTest::newRow("garbage reset: 60 s")
            << 429 << HeaderList{{"x-ratelimit-reset-requests", "soon"}, {"x-ratelimit-reset-tokens", "0s"}}
            << rateLimited << false << FailureClass::RateLimited << true << after(60) << none << false;
        QTest::newRow("one garbage, one good")
            << 429 << HeaderList{{"x-ratelimit-reset-requests", "soon"}, {"x-ratelimit-reset-tokens", "20s"}}
            << rateLimited << false << FailureClass::RateLimited << true << after(20) << none << false;
        QTest::newRow("x-ratelimit-reset with disabled settings")
            << 429 << HeaderList{{"x-ratelimit-reset-tokens", "20s"}} << rateLimited << true
            << FailureClass::RateLimited << true << after(20) << none << false;
        QTest::newRow("Azure retry-after") << 429 << HeaderList{{"retry-after", "12"}} << rateLimited << false
                                           << FailureClass::RateLimited << true << after(12) << none << false;
        // other OpenAI statuses keep the status rules
        QTest::newRow("503 server_is_overloaded")
            << 503 << HeaderList{} << openAIError("server_error", "server_is_overloaded") << false
            << FailureClass::ServiceUnavailable << true << after(60) << none << false;
        QTest::newRow("500 server_error") << 500 << HeaderList{} << openAIError("server_error", "") << false
                                          << FailureClass::ServerError << true << after(300) << none << false;
        QTest::newRow("401 invalid_api_key")
            << 401 << HeaderList{} << openAIError("invalid_request_error", "invalid_api_key") << false
            << FailureClass::Unauthorized << true << after(1800) << none << false;
        QTest::newRow("400 content_filter")
            << 400 << HeaderList{} << openAIError("invalid_request_error", "content_filter") << false
            << FailureClass::RequestError << false << qint64(0) << none << false;
        QTest::newRow("404 model_not_found")
            << 404 << HeaderList{} << openAIError("invalid_request_error", "model_not_found") << false
            << FailureClass::RequestError << false << qint64(0) << none << false;
        QTest::newRow("usage_limit_reached on a 400 is a request error")
            << 400 << HeaderList{} << codexLimit(q(",'resets_in_seconds':60")) << false << FailureClass::RequestError
            << false << qint64(0) << none << false;
    }
    void judgesOpenAIResponses()
    {
        QFETCH(int, status);
        QFETCH(HeaderList, headers);
        QFETCH(QByteArray, body);
        QFETCH(bool, disableAll);
        compareVerdict(rd::scheduling::judgeResponse(
            status, headers, body, "gpt-5.1-codex"_ba, kNow, disableAll ? disabled() : CooldownSettings{}));
    }

    // §2.4, §3.3, §3.4, §7.3: the decisive first event of a Responses or Chat stream.
    void judgesOpenAIFirstStreamEvents_data()
    {
        QTest::addColumn<QByteArray>("event");
        addVerdictColumns();
        const QByteArray none;
        const qint64 noCooldown = 0;
        const QByteArray created = kPreamble.left(kPreamble.indexOf("event: response.in_progress"));
        // Responses `error` events: code at the top level
        QTest::newRow("error server_error")
            << responsesError("server_error") << FailureClass::ServerError << true << after(300) << none << false;
        QTest::newRow("error rate_limit_exceeded")
            << responsesError("rate_limit_exceeded") << FailureClass::RateLimited << true << after(60) << none << false;
        QTest::newRow("error insufficient_quota") << responsesError("insufficient_quota") << FailureClass::RateLimited
                                                  << true << after(1800) << none << false;
        QTest::newRow("error server_is_overloaded")
            << responsesError("server_is_overloaded") << FailureClass::ServiceUnavailable << true << after(60) << none
            << false;
        QTest::newRow("error context_length_exceeded")
            << responsesError("context_length_exceeded") << FailureClass::RequestError << false << noCooldown << none
            << false;
        QTest::newRow("error with an unknown code")
            << responsesError("mystery") << FailureClass::ServerError << true << after(300) << none << false;
        QTest::newRow("error after the preamble") << QByteArray(kPreamble + responsesError("server_error"))
                                                  << FailureClass::ServerError << true << after(300) << none << false;
        QTest::newRow("error, data only")
            << sseEvent({}, q("{'type':'error','code':'rate_limit_exceeded','message':'x','sequence_number':0}"))
            << FailureClass::RateLimited << true << after(60) << none << false;
        // Codex usage limit inside the stream
        QTest::newRow("usage_limit_reached, resets_in_seconds")
            << sseEvent("error",
                        q("{'type':'error','error':{'type':'usage_limit_reached','message':'The usage limit has been "
                          "reached','plan_type':'plus','resets_in_seconds':7200}}"))
            << FailureClass::RateLimited << true << after(7200) << none << false;
        QTest::newRow("usage_limit_reached, resets_at, after the preamble")
            << QByteArray(kPreamble
                          + sseEvent("error",
                                     q("{'type':'error','error':{'type':'usage_limit_reached','resets_at':1760018000,"
                                       "'resets_in_seconds':18000}}")))
            << FailureClass::RateLimited << true << kReset << none << false;
        QTest::newRow("usage_limit_reached, no reset")
            << sseEvent("error", q("{'type':'error','error':{'type':'usage_limit_reached'}}"))
            << FailureClass::RateLimited << true << after(3600) << none << false;
        // response.failed
        QTest::newRow("failed rate_limit_exceeded") << responseFailed(failedError("rate_limit_exceeded"))
                                                    << FailureClass::RateLimited << true << after(60) << none << false;
        QTest::newRow("failed server_error") << responseFailed(failedError("server_error")) << FailureClass::ServerError
                                             << true << after(300) << none << false;
        QTest::newRow("failed insufficient_quota") << responseFailed(failedError("insufficient_quota"))
                                                   << FailureClass::RateLimited << true << after(1800) << none << false;
        QTest::newRow("failed invalid_prompt: 500-like")
            << responseFailed(failedError("invalid_prompt")) << FailureClass::ServerError << true << after(300) << none
            << false;
        QTest::newRow("failed without an error")
            << responseFailed("null") << FailureClass::ServerError << true << after(300) << none << false;
        QTest::newRow("failed after the preamble")
            << QByteArray(kPreamble + responseFailed(failedError("rate_limit_exceeded"))) << FailureClass::RateLimited
            << true << after(60) << none << false;
        QTest::newRow("failed, data only, CRLF")
            << QByteArray(responseFailed(failedError("server_error")).mid(23).replace("\n", "\r\n"))
            << FailureClass::ServerError << true << after(300) << none << false;
        // not decisive: None
        QTest::newRow("preamble then output") << QByteArray(kPreamble
                                                            + sseEvent("response.output_item.added",
                                                                       q("{'type':'response.output_item.added',"
                                                                         "'sequence_number':2,'output_index':0}")))
                                              << FailureClass::None << false << noCooldown << none << false;
        QTest::newRow("response.created alone")
            << created << FailureClass::None << false << noCooldown << none << false;
        QTest::newRow("completed") << sseEvent("response.completed", q("{'type':'response.completed'}"))
                                   << FailureClass::None << false << noCooldown << none << false;
        // Chat: a first data line with a top-level error object
        QTest::newRow("chat server_error") << sseEvent({}, openAIError("server_error", "")) << FailureClass::ServerError
                                           << true << after(300) << none << false;
        QTest::newRow("chat rate limit") << sseEvent({}, openAIError("requests", "rate_limit_exceeded"))
                                         << FailureClass::RateLimited << true << after(60) << none << false;
        QTest::newRow("chat tokens") << sseEvent({}, openAIError("tokens", "")) << FailureClass::RateLimited << true
                                     << after(60) << none << false;
        QTest::newRow("chat insufficient_quota")
            << sseEvent({}, openAIError("insufficient_quota", "insufficient_quota")) << FailureClass::RateLimited
            << true << after(1800) << none << false;
        QTest::newRow("chat invalid_api_key") << sseEvent({}, openAIError("invalid_request_error", "invalid_api_key"))
                                              << FailureClass::Unauthorized << true << after(1800) << none << false;
        QTest::newRow("chat first chunk")
            << sseEvent({},
                        q("{'id':'chatcmpl-9x','object':'chat.completion.chunk','created':1764300000,'model':'gpt-4o',"
                          "'choices':[{'index':0,'delta':{'role':'assistant','content':''},'finish_reason':null}],"
                          "'usage':null}"))
            << FailureClass::None << false << noCooldown << none << false;
        QTest::newRow("Azure prompt filter chunk")
            << sseEvent({},
                        q("{'choices':[],'created':0,'id':'','model':'','object':'','prompt_filter_results':"
                          "[{'prompt_index':0,'content_filter_results':{'hate':{'filtered':false,'severity':"
                          "'safe'}}}]}"))
            << FailureClass::None << false << noCooldown << none << false;
    }
    void judgesOpenAIFirstStreamEvents()
    {
        QFETCH(QByteArray, event);
        compareVerdict(rd::scheduling::judgeFirstStreamEvent(event, "gpt-5.1-codex"_ba, kNow, CooldownSettings{}));
    }

    void openAIReasonsAreShortAndSafe_data()
    {
        QTest::addColumn<QByteArray>("event"); // empty: a 429 with `body`
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("reason");
        QTest::newRow("Codex limit") << QByteArray() << HeaderList{} << codexLimit(q(",'resets_at':1760018000"))
                                     << u"usage limit reached until 2025-10-09 13:53:20 UTC (resets_at)"_s;
        QTest::newRow("Codex limit in seconds")
            << QByteArray() << HeaderList{} << codexLimit(q(",'resets_in_seconds':120"))
            << u"usage limit reached until 2025-10-09 08:55:20 UTC (resets_in_seconds)"_s;
        QTest::newRow("quota") << QByteArray() << HeaderList{}
                               << openAIError("insufficient_quota", "insufficient_quota")
                               << u"insufficient quota, cooling down until 2025-10-09 09:23:20 UTC"_s;
        QTest::newRow("x-ratelimit-reset") << QByteArray() << HeaderList{{"x-ratelimit-reset-tokens", "1m30s"}}
                                           << openAIError("tokens", "rate_limit_exceeded")
                                           << u"rate limited until 2025-10-09 08:54:50 UTC (x-ratelimit-reset)"_s;
        QTest::newRow("stream error code") << responsesError("server_error") << HeaderList{} << QByteArray()
                                           << u"server error (stream server_error), cooling down until "
                                              u"2025-10-09 08:58:20 UTC"_s;
        QTest::newRow("response.failed")
            << responseFailed(failedError("server_error")) << HeaderList{} << QByteArray()
            << u"server error (stream response.failed server_error), cooling down until 2025-10-09 08:58:20 UTC"_s;
        QTest::newRow("odd code not echoed")
            << responsesError("<b>bad</b>") << HeaderList{} << QByteArray()
            << u"server error (stream error), cooling down until 2025-10-09 08:58:20 UTC"_s;
    }
    void openAIReasonsAreShortAndSafe()
    {
        QFETCH(QByteArray, event);
        QFETCH(HeaderList, headers);
        QFETCH(QByteArray, body);
        QFETCH(QString, reason);
        const Verdict v = event.isEmpty()
                              ? rd::scheduling::judgeResponse(429, headers, body, kModel, kNow, CooldownSettings{})
                              : rd::scheduling::judgeFirstStreamEvent(event, kModel, kNow, CooldownSettings{});
        QCOMPARE(v.reason, reason);
    }

    void recognisesPreambleEvents_data()
    {
        QTest::addColumn<QByteArray>("event");
        QTest::addColumn<bool>("preamble");
        const QByteArray created = kPreamble.left(kPreamble.indexOf("event: response.in_progress"));
        QTest::newRow("response.created") << created << true;
        QTest::newRow("response.in_progress") << kPreamble.mid(created.size()) << true;
        QTest::newRow("response.queued") << sseEvent("response.queued", q("{'type':'response.queued'}")) << true;
        QTest::newRow("CRLF") << QByteArray(created).replace("\n", "\r\n") << true;
        QTest::newRow("data only") << created.mid(created.indexOf("data:")) << true;
        QTest::newRow("comment first") << QByteArray(": keep-alive\n\n" + created) << true;
        QTest::newRow("output_item.added")
            << sseEvent("response.output_item.added", q("{'type':'response.output_item.added'}")) << false;
        QTest::newRow("error") << responsesError("server_error") << false;
        QTest::newRow("response.failed") << responseFailed("null") << false;
        QTest::newRow("response.completed")
            << sseEvent("response.completed", q("{'type':'response.completed'}")) << false;
        QTest::newRow("named otherwise, typed as created")
            << sseEvent("response.output_text.delta", q("{'type':'response.created'}")) << false;
        QTest::newRow("Anthropic message_start")
            << sseEvent("message_start", q("{'type':'message_start','message':{}}")) << false;
        QTest::newRow("chat chunk") << sseEvent({}, q("{'object':'chat.completion.chunk','choices':[]}")) << false;
        QTest::newRow("empty") << QByteArray() << false;
    }
    void recognisesPreambleEvents()
    {
        QFETCH(QByteArray, event);
        QFETCH(bool, preamble);
        QCOMPARE(rd::scheduling::isPreambleEvent(event), preamble);
    }

    void parsesOpenAIDurations_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("ms"); // -1: nullopt
        QTest::newRow("6ms") << "6ms"_ba << qint64(6);
        QTest::newRow("250ms") << "250ms"_ba << qint64(250);
        QTest::newRow("20s") << "20s"_ba << qint64(20000);
        QTest::newRow("1m30s") << "1m30s"_ba << qint64(90000);
        QTest::newRow("6m0s") << "6m0s"_ba << qint64(360000);
        QTest::newRow("1h2m3.5s") << "1h2m3.5s"_ba << qint64(3723500);
        QTest::newRow("2h") << "2h"_ba << qint64(7200000);
        QTest::newRow("0s") << "0s"_ba << qint64(0);
        QTest::newRow("bare 0") << "0"_ba << qint64(0);
        QTest::newRow("1.5s") << "1.5s"_ba << qint64(1500);
        QTest::newRow("0.1s is exact") << "0.1s"_ba << qint64(100);
        QTest::newRow(".5s") << ".5s"_ba << qint64(500);
        QTest::newRow("1.s") << "1.s"_ba << qint64(1000);
        QTest::newRow("0.5ms rounds up") << "0.5ms"_ba << qint64(1);
        QTest::newRow("1ms500us rounds up") << "1ms500us"_ba << qint64(2);
        QTest::newRow("999us") << "999us"_ba << qint64(1);
        QTest::newRow("micro sign") << "3\xC2\xB5s"_ba << qint64(1);
        QTest::newRow("greek mu") << "1500\xCE\xBCs"_ba << qint64(2);
        QTest::newRow("1ns") << "1ns"_ba << qint64(1);
        QTest::newRow("1.123456789s") << "1.123456789s"_ba << qint64(1124);
        QTest::newRow("spaces around") << " 20s\t"_ba << qint64(20000);
        QTest::newRow("many digits") << "86400000s"_ba << qint64(86400000000);
        QTest::newRow("empty") << QByteArray() << qint64(-1);
        QTest::newRow("no unit") << "20"_ba << qint64(-1);
        QTest::newRow("trailing number") << "1m30"_ba << qint64(-1);
        QTest::newRow("unit only") << "s"_ba << qint64(-1);
        QTest::newRow("dot only") << ".s"_ba << qint64(-1);
        QTest::newRow("negative") << "-5s"_ba << qint64(-1);
        QTest::newRow("plus") << "+5s"_ba << qint64(-1);
        QTest::newRow("inner space") << "20 s"_ba << qint64(-1);
        QTest::newRow("unknown unit") << "5d"_ba << qint64(-1);
        QTest::newRow("exponent") << "1e3s"_ba << qint64(-1);
        QTest::newRow("two dots") << "1.5.5s"_ba << qint64(-1);
        QTest::newRow("too many fraction digits") << "1.1234567891s"_ba << qint64(-1);
        QTest::newRow("too many digits") << "1234567890123s"_ba << qint64(-1);
        QTest::newRow("overflow") << "999999999999h"_ba << qint64(-1);
        QTest::newRow("overflow in the sum") << "1000000h1000000h"_ba << qint64(-1);
        QTest::newRow("HTTP date") << "Thu, 09 Oct 2025 08:55:20 GMT"_ba << qint64(-1);
    }
    void parsesOpenAIDurations()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, ms);
        QCOMPARE(rd::scheduling::parseOpenAIDuration(value).value_or(-1), ms);
    }

    void readsCodexUsageHeaders_data()
    {
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<QByteArray>("facts");
        // kNow = 1760000000 s
        QTest::newRow("both windows") << HeaderList{{"x-codex-primary-used-percent", "25"},
                                                    {"x-codex-primary-window-minutes", "300"},
                                                    {"x-codex-primary-reset-after-seconds", "3600"},
                                                    {"x-codex-secondary-used-percent", "100"},
                                                    {"x-codex-secondary-window-minutes", "10080"},
                                                    {"x-codex-secondary-reset-after-seconds", "86400"},
                                                    {"x-codex-primary-over-secondary-limit-percent", "0"}}
                                      << q("{'5h':{'utilization':0.25,'reset':1760003600,'status':'allowed'},"
                                           "'7d':{'utilization':1,'reset':1760086400,'status':'rejected'}}");
        QTest::newRow("any case, fractions")
            << HeaderList{{"X-Codex-Primary-Used-Percent", "12.5"}, {"X-Codex-Primary-Reset-After-Seconds", " 60 "}}
            << q("{'5h':{'utilization':0.125,'reset':1760000060,'status':'allowed'}}");
        QTest::newRow("reset-at wins") << HeaderList{{"x-codex-secondary-used-percent", "99.5"},
                                                     {"x-codex-secondary-reset-after-seconds", "60"},
                                                     {"x-codex-secondary-reset-at", "1760018000"}}
                                       << q("{'7d':{'utilization':0.995,'reset':1760018000,'status':'allowed'}}");
        QTest::newRow("over 100 %") << HeaderList{{"x-codex-primary-used-percent", "104"}}
                                    << q("{'5h':{'utilization':1.04,'reset':0,'status':'rejected'}}");
        QTest::newRow("garbage numbers") << HeaderList{{"x-codex-primary-used-percent", "lots"},
                                                       {"x-codex-primary-reset-after-seconds", "-5"}}
                                         << q("{'5h':{'utilization':0,'reset':0,'status':'allowed'}}");
        QTest::newRow("no codex headers")
            << HeaderList{{"x-ratelimit-remaining-requests", "10"}, {"anthropic-ratelimit-unified-5h-utilization", "1"}}
            << "{}"_ba;
    }
    void readsCodexUsageHeaders()
    {
        QFETCH(HeaderList, headers);
        QFETCH(QByteArray, facts);
        const QJsonObject expected = QJsonDocument::fromJson(facts).object();
        QVERIFY(!expected.isEmpty() || facts == "{}");
        const QJsonObject got = rd::scheduling::codexUsageFacts(headers, kNow);
        QCOMPARE(QJsonDocument(got).toJson(QJsonDocument::Compact),
                 QJsonDocument(expected).toJson(QJsonDocument::Compact));
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
