// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/dialect.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::relay::Dialect;
using rd::relay::ErrorKind;

Q_DECLARE_METATYPE(rd::relay::ErrorKind)
Q_DECLARE_METATYPE(rd::relay::Dialect)

namespace {
QJsonObject parseObject(const QByteArray &json)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        return {};
    }
    return doc.object();
}

const QString kMessage = u"Something \"quoted\" went wrong"_s;
} // namespace

class TestDialect : public QObject
{
    Q_OBJECT
private slots:
    void limitRefusalsCarryTheirCodeAndFigures_data()
    {
        QTest::addColumn<Dialect>("dialect");
        QTest::addColumn<QString>("type");    // error.type (Anthropic, OpenAI) or error.status (Gemini)
        QTest::addColumn<QJsonValue>("code"); // error.code
        QTest::newRow("anthropic") << Dialect::Anthropic << u"billing_error"_s
                                   << QJsonValue(u"daily_cost_limit_exceeded"_s);
        QTest::newRow("openai") << Dialect::OpenAI << u"insufficient_quota"_s
                                << QJsonValue(u"daily_cost_limit_exceeded"_s);
        QTest::newRow("gemini") << Dialect::Gemini << u"RESOURCE_EXHAUSTED"_s << QJsonValue(402);
    }
    void limitRefusalsCarryTheirCodeAndFigures()
    {
        QFETCH(Dialect, dialect);
        QFETCH(QString, type);
        QFETCH(QJsonValue, code);
        const QJsonObject body = parseObject(
            rd::relay::errorBody(dialect,
                                 ErrorKind::Billing,
                                 kMessage,
                                 "req_1",
                                 "daily_cost_limit_exceeded",
                                 QJsonObject{{u"costLimit"_s, 5.0}, {u"resetAt"_s, u"2026-11-26T00:00:00Z"_s}}));
        const QJsonObject error = body.value(u"error"_s).toObject();
        QCOMPARE(error.value(dialect == Dialect::Gemini ? u"status"_s : u"type"_s).toString(), type);
        QCOMPARE(error.value(u"code"_s), code);
        QCOMPARE(error.value(u"message"_s).toString(), kMessage);
        if (dialect == Dialect::Gemini) {
            QCOMPARE(error.value(u"reason"_s).toString(), u"daily_cost_limit_exceeded"_s);
        }
        QCOMPARE(body.value(u"costLimit"_s).toDouble(), 5.0);
        QCOMPARE(body.value(u"resetAt"_s).toString(), u"2026-11-26T00:00:00Z"_s);
    }

    // PROTOCOLS.md §2.1–2.2: one row per kind; a null OpenAI code is an empty QString().
    void shapesEveryErrorForEveryDialect_data()
    {
        QTest::addColumn<ErrorKind>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("anthropicType");
        QTest::addColumn<QString>("openAiType");
        QTest::addColumn<QString>("openAiCode");
        QTest::addColumn<QString>("geminiStatus");
        const auto row = [](const char *name,
                            ErrorKind kind,
                            int status,
                            const char *anthropic,
                            const char *oaType,
                            const char *oaCode,
                            const char *gemini) {
            QTest::newRow(name) << kind << status << QString::fromLatin1(anthropic) << QString::fromLatin1(oaType)
                                << (oaCode ? QString::fromLatin1(oaCode) : QString()) << QString::fromLatin1(gemini);
        };
        row("authentication",
            ErrorKind::Authentication,
            401,
            "authentication_error",
            "invalid_request_error",
            "invalid_api_key",
            "UNAUTHENTICATED");
        row("permission",
            ErrorKind::Permission,
            403,
            "permission_error",
            "permission_denied",
            "permission_denied",
            "PERMISSION_DENIED");
        row("invalid request",
            ErrorKind::InvalidRequest,
            400,
            "invalid_request_error",
            "invalid_request_error",
            "invalid_request",
            "INVALID_ARGUMENT");
        row("headers too large",
            ErrorKind::HeadersTooLarge,
            431,
            "invalid_request_error",
            "invalid_request_error",
            "request_header_too_large",
            "INVALID_ARGUMENT");
        row("body too large",
            ErrorKind::BodyTooLarge,
            413,
            "request_too_large",
            "invalid_request_error",
            "request_too_large",
            "INVALID_ARGUMENT");
        row("route not found",
            ErrorKind::NotFound,
            404,
            "not_found_error",
            "invalid_request_error",
            nullptr,
            "NOT_FOUND");
        row("model not found",
            ErrorKind::ModelNotFound,
            404,
            "not_found_error",
            "invalid_request_error",
            "model_not_found",
            "NOT_FOUND");
        row("rate limited",
            ErrorKind::RateLimited,
            429,
            "rate_limit_error",
            "requests",
            "rate_limit_exceeded",
            "RESOURCE_EXHAUSTED");
        row("billing",
            ErrorKind::Billing,
            402,
            "billing_error",
            "insufficient_quota",
            "insufficient_quota",
            "RESOURCE_EXHAUSTED");
        row("upstream unreachable",
            ErrorKind::UpstreamUnreachable,
            502,
            "api_error",
            "server_error",
            nullptr,
            "UNAVAILABLE");
        row("upstream timeout",
            ErrorKind::UpstreamTimeout,
            504,
            "timeout_error",
            "server_error",
            "timeout",
            "DEADLINE_EXCEEDED");
        row("service unavailable",
            ErrorKind::ServiceUnavailable,
            503,
            "api_error",
            "server_error",
            "server_is_overloaded",
            "UNAVAILABLE");
        row("internal", ErrorKind::Internal, 500, "api_error", "server_error", nullptr, "INTERNAL");
    }
    void shapesEveryErrorForEveryDialect()
    {
        QFETCH(ErrorKind, kind);
        QFETCH(int, status);
        QFETCH(QString, anthropicType);
        QFETCH(QString, openAiType);
        QFETCH(QString, openAiCode);
        QFETCH(QString, geminiStatus);
        QCOMPARE(rd::relay::statusFor(kind), status);

        const QJsonObject anthropic = parseObject(rd::relay::errorBody(Dialect::Anthropic, kind, kMessage, "req_42"));
        QCOMPARE(anthropic.value(u"type"_s).toString(), u"error"_s);
        QCOMPARE(anthropic.value(u"request_id"_s).toString(), u"req_42"_s);
        const QJsonObject aErr = anthropic.value(u"error"_s).toObject();
        QCOMPARE(aErr.value(u"type"_s).toString(), anthropicType);
        QCOMPARE(aErr.value(u"message"_s).toString(), kMessage);
        QCOMPARE(aErr.size(), 2);

        const QJsonObject openAi = parseObject(rd::relay::errorBody(Dialect::OpenAI, kind, kMessage, "req_42"));
        QCOMPARE(openAi.keys(), QStringList{u"error"_s}); // no top-level type or request_id
        const QJsonObject oErr = openAi.value(u"error"_s).toObject();
        QCOMPARE(oErr.value(u"type"_s).toString(), openAiType);
        QCOMPARE(oErr.value(u"message"_s).toString(), kMessage);
        QVERIFY(oErr.contains(u"param"_s));
        QVERIFY(oErr.value(u"param"_s).isNull());
        QVERIFY(oErr.contains(u"code"_s));
        if (openAiCode.isNull()) {
            QVERIFY(oErr.value(u"code"_s).isNull());
        } else {
            QCOMPARE(oErr.value(u"code"_s).toString(), openAiCode);
        }

        const QJsonObject gemini = parseObject(rd::relay::errorBody(Dialect::Gemini, kind, kMessage, "req_42"));
        QCOMPARE(gemini.keys(), QStringList{u"error"_s});
        const QJsonObject gErr = gemini.value(u"error"_s).toObject();
        QVERIFY(gErr.value(u"code"_s).isDouble());
        QCOMPARE(gErr.value(u"code"_s).toInt(), status);
        QCOMPARE(gErr.value(u"status"_s).toString(), geminiStatus);
        QCOMPARE(gErr.value(u"message"_s).toString(), kMessage);
    }

    void omitsAnEmptyRequestId()
    {
        const QJsonObject o = parseObject(rd::relay::errorBody(Dialect::Anthropic, ErrorKind::Internal, u"x"_s, {}));
        QCOMPARE(o.value(u"type"_s).toString(), u"error"_s);
        QVERIFY(!o.contains(u"request_id"_s));
    }

    void framesStreamErrorsAsOneSseEvent_data()
    {
        QTest::addColumn<Dialect>("dialect");
        QTest::addColumn<QByteArray>("prefix");
        QTest::newRow("anthropic") << Dialect::Anthropic << "event: error\ndata: "_ba;
        QTest::newRow("openai") << Dialect::OpenAI << "data: "_ba;
        QTest::newRow("gemini") << Dialect::Gemini << "data: "_ba;
    }
    void framesStreamErrorsAsOneSseEvent()
    {
        QFETCH(Dialect, dialect);
        QFETCH(QByteArray, prefix);
        const QByteArray event = rd::relay::streamErrorEvent(dialect, ErrorKind::UpstreamTimeout, u"timed out"_s);
        QVERIFY(event.startsWith(prefix));
        QVERIFY(event.endsWith("}\n\n"));
        const QByteArray json = event.sliced(prefix.size(), event.size() - prefix.size() - 2);
        QVERIFY2(!json.contains('\n'), json.constData()); // one data line
        QCOMPARE(json, rd::relay::errorBody(dialect, ErrorKind::UpstreamTimeout, u"timed out"_s, {}));
        const QJsonObject o = parseObject(json);
        QCOMPARE(o.value(u"error"_s).toObject().value(u"message"_s).toString(), u"timed out"_s);
    }

    void anthropicStreamErrorCarriesTypes()
    {
        QCOMPARE(rd::relay::streamErrorEvent(Dialect::Anthropic, ErrorKind::RateLimited, u"slow down"_s),
                 "event: error\ndata: {\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"},"
                 "\"type\":\"error\"}\n\n"_ba);
    }

    void mapsAnyStatusToAnAnthropicType_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("type");
        QTest::newRow("400") << 400 << "invalid_request_error"_ba;
        QTest::newRow("401") << 401 << "authentication_error"_ba;
        QTest::newRow("402") << 402 << "billing_error"_ba;
        QTest::newRow("403") << 403 << "permission_error"_ba;
        QTest::newRow("404") << 404 << "not_found_error"_ba;
        QTest::newRow("413") << 413 << "request_too_large"_ba;
        QTest::newRow("422 other 4xx") << 422 << "invalid_request_error"_ba;
        QTest::newRow("429") << 429 << "rate_limit_error"_ba;
        QTest::newRow("500") << 500 << "api_error"_ba;
        QTest::newRow("502") << 502 << "api_error"_ba;
        QTest::newRow("503") << 503 << "api_error"_ba;
        QTest::newRow("504") << 504 << "timeout_error"_ba;
        QTest::newRow("529") << 529 << "overloaded_error"_ba;
    }
    void mapsAnyStatusToAnAnthropicType()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, type);
        QCOMPARE(rd::relay::anthropicErrorType(status), type);
    }

    void picksDialectFromThePathPrefix_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<Dialect>("dialect");
        QTest::newRow("api") << "/api/v1/messages"_ba << Dialect::Anthropic;
        QTest::newRow("claude") << "/claude/v1/messages"_ba << Dialect::Anthropic;
        QTest::newRow("unknown") << "/foo"_ba << Dialect::Anthropic;
        QTest::newRow("openai") << "/openai/v1/chat/completions"_ba << Dialect::OpenAI;
        QTest::newRow("azure") << "/azure/responses"_ba << Dialect::OpenAI;
        QTest::newRow("gemini") << "/gemini/v1beta/models"_ba << Dialect::Gemini;
    }
    void picksDialectFromThePathPrefix()
    {
        QFETCH(QByteArray, path);
        QFETCH(Dialect, dialect);
        QCOMPARE(rd::relay::dialectForPath(path), dialect);
    }
};

QTEST_GUILESS_MAIN(TestDialect)
#include "tst_dialect.moc"
