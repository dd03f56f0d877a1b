// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/messagesrequest.h"
#include "core/scheduling/sessionkey.h"

#include <QCryptographicHash>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::relay::MessagesRequestInfo;

namespace {
// A copy with exactly `spare` bytes of capacity beyond the size (or at least, when the allocator rounds up).
QByteArray withSpare(const QByteArray &body, qsizetype spare)
{
    QByteArray out;
    out.reserve(body.size() + spare);
    out.append(body);
    return out;
}

// A copy with no spare capacity at all, so the parser must copy it before parsing.
QByteArray tight(const QByteArray &body)
{
    QByteArray out(body.constData(), body.size());
    out.squeeze();
    return out;
}
} // namespace

class TestMessagesRequest : public QObject
{
    Q_OBJECT
private slots:
    void findsTheSessionKeyFromTheSameParse()
    {
        const QByteArray body = "{\"model\":\"m\",\"max_tokens\":1,\"system\":\"You are terse.\","
                                "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        const rd::http::HeaderList none;
        const rd::http::HeaderList header{{"x-claude-code-session-id", "6f1d0c3a-aaaa-4bbb-8ccc-0123456789ab"}};
        for (const rd::http::HeaderList &headers : {none, header}) {
            const auto info = rd::relay::inspectMessagesBody(body, true, &headers);
            QVERIFY(info.has_value());
            QVERIFY(!info->sessionKey.isEmpty());
            QCOMPARE(info->sessionKey, rd::scheduling::anthropicSessionKey(body, headers));
            QCOMPARE(info->model, "m"_ba); // the model is still found after the session key was read
            QVERIFY(info->modelOffset > 0);
        }
        QVERIFY(rd::relay::inspectMessagesBody(body)->sessionKey.isEmpty()); // only when asked for
    }

    void readsModelAndStream_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<bool>("stream");
        const QByteArray msgs = R"("messages":[{"role":"user","content":"hi"}])"_ba;
        QTest::newRow("stream true") << R"({"model":"claude-sonnet-4-5","max_tokens":5,)" + msgs + R"(,"stream":true})"
                                     << "claude-sonnet-4-5"_ba << true;
        QTest::newRow("stream false") << R"({"stream":false,"model":"m",)" + msgs + "}"
                                      << "m"_ba << false;
        QTest::newRow("stream absent") << R"({"model":"m",)" + msgs + "}"
                                       << "m"_ba << false;
        QTest::newRow("escaped model") << "{\"model\":\"a\\\"b\\u0063\"," + msgs + "}"
                                       << "a\"bc"_ba << false;
        QTest::newRow("whitespace") << " {\n \"model\" :\t\"m\" ,\r\n " + msgs + " , \"stream\" : true }\n"
                                    << "m"_ba << true;
    }
    void readsModelAndStream()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, model);
        QFETCH(bool, stream);
        for (const QByteArray &b : {withSpare(body, 128), tight(body)}) {
            const auto info = rd::relay::inspectMessagesBody(b);
            QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error().detail));
            QCOMPARE(info->model, model);
            QCOMPARE(info->stream, stream);
            QCOMPARE(info->modelOffset, qsizetype(-1)); // not asked to locate
        }
    }

    void refusesBadBodiesNamingTheField_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("detailStart");
        QTest::newRow("empty") << QByteArray() << u"request body is not valid JSON"_s;
        QTest::newRow("invalid json") << R"({"model":"m","messages":[)"_ba << u"request body is not valid JSON"_s;
        QTest::newRow("array") << R"([{"model":"m"}])"_ba << u"request body must be a JSON object"_s;
        QTest::newRow("string") << R"("hello")"_ba << u"request body must be a JSON object"_s;
        QTest::newRow("messages missing") << R"({"model":"m"})"_ba << u"messages:"_s;
        QTest::newRow("messages empty") << R"({"model":"m","messages":[]})"_ba << u"messages:"_s;
        QTest::newRow("messages not array") << R"({"model":"m","messages":{}})"_ba << u"messages:"_s;
        QTest::newRow("model missing") << R"({"messages":[{}]})"_ba << u"model:"_s;
        QTest::newRow("model empty") << R"({"model":"","messages":[{}]})"_ba << u"model:"_s;
        QTest::newRow("model not string") << R"({"model":42,"messages":[{}]})"_ba << u"model:"_s;
        QTest::newRow("model null") << R"({"model":null,"messages":[{}]})"_ba << u"model:"_s;
        QTest::newRow("stream not bool") << R"({"model":"m","messages":[{}],"stream":"yes"})"_ba << u"stream:"_s;
        QTest::newRow("stream number") << R"({"model":"m","messages":[{}],"stream":1})"_ba << u"stream:"_s;
    }
    void refusesBadBodiesNamingTheField()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, detailStart);
        for (const QByteArray &b : {withSpare(body, 128), tight(body)}) {
            const auto info = rd::relay::inspectMessagesBody(b, true);
            QVERIFY(!info.has_value());
            QCOMPARE(info.error().code, rd::ErrorCode::BadRequest);
            QVERIFY2(info.error().detail.startsWith(detailStart), qPrintable(info.error().detail));
        }
    }

    void replacesOnlyTheModelToken_data()
    {
        QTest::addColumn<QByteArray>("prefix"); // everything before the model token
        QTest::addColumn<QByteArray>("token");  // the model token as written, quotes included
        QTest::addColumn<QByteArray>("suffix");
        QTest::addColumn<QByteArray>("newModel");
        QTest::addColumn<QByteArray>("newToken");
        QTest::newRow("compact") << R"({"model":)"_ba
                                 << R"("claude-sonnet-4-5")"_ba
                                 << R"(,"messages":[{"role":"user","content":"model"}],"stream":true})"_ba
                                 << "claude-sonnet-4-5-20250929"_ba
                                 << R"("claude-sonnet-4-5-20250929")"_ba;
        QTest::newRow("model last, spaces") << "{ \"messages\" : [ {\"content\":\"x\"} ] ,\n  \"model\"  :  "_ba
                                            << R"("m")"_ba
                                            << "  \n}\n"_ba
                                            << "upstream"_ba
                                            << R"("upstream")"_ba;
        QTest::newRow("escapes in the original") << R"({"model":)"_ba
                                                 << "\"we\\\"ird\\\\name\\u00e9\""_ba
                                                 << R"(,"messages":[1]})"_ba
                                                 << "plain"_ba
                                                 << R"("plain")"_ba;
        QTest::newRow("quotes in the new name") << R"({"model":)"_ba
                                                << R"("m")"_ba
                                                << R"(,"messages":[1]})"_ba
                                                << "a\"b\\c"_ba
                                                << "\"a\\\"b\\\\c\""_ba;
        QTest::newRow("nested model key first") << R"({"metadata":{"model":"inner"},"model":)"_ba
                                                << R"("outer")"_ba
                                                << R"(,"messages":[1]})"_ba
                                                << "new"_ba
                                                << R"("new")"_ba;
    }
    void replacesOnlyTheModelToken()
    {
        QFETCH(QByteArray, prefix);
        QFETCH(QByteArray, token);
        QFETCH(QByteArray, suffix);
        QFETCH(QByteArray, newModel);
        QFETCH(QByteArray, newToken);
        const QByteArray body = prefix + token + suffix;
        for (const QByteArray &b : {withSpare(body, 128), tight(body)}) {
            const auto info = rd::relay::inspectMessagesBody(b, true);
            QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error().detail));
            QCOMPARE(info->modelOffset, prefix.size());
            QCOMPARE(info->modelLength, token.size());
            const QByteArray out = rd::relay::replaceModel(b, *info, newModel);
            QCOMPARE(out, prefix + newToken + suffix);
            // The rewritten body reads back with the new model.
            const auto again = rd::relay::inspectMessagesBody(out, true);
            QVERIFY(again.has_value());
            QCOMPARE(again->model, newModel);
        }
    }

    // OpenAI-dialect bodies: the facts routing needs, and the §7.1 OpenAI session order.
    void inspectsOpenAIBodies_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("sessionHeader");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<bool>("stream");
        QTest::addColumn<QByteArray>("sessionSource");
        const int responses = int(rd::relay::OpenAIBodyKind::Responses);
        const int chat = int(rd::relay::OpenAIBodyKind::Chat);
        const int embeddings = int(rd::relay::OpenAIBodyKind::Embeddings);
        QTest::newRow("codex") << responses
                               << "{\"model\":\"gpt-5.1\",\"stream\":true,\"input\":[],\"prompt_cache_key\":\"pk\"}"_ba
                               << "hdr-session"_ba << true << "gpt-5.1"_ba << true << "hdr-session"_ba;
        QTest::newRow("body session_id before prompt_cache_key")
            << responses << "{\"model\":\"m\",\"prompt_cache_key\":\"pk\",\"session_id\":\"sid\"}"_ba << QByteArray()
            << true << "m"_ba << false << "sid"_ba;
        QTest::newRow("conversation_id") << responses << "{\"model\":\"m\",\"conversation_id\":\"cv\"}"_ba
                                         << QByteArray() << true << "m"_ba << false << "cv"_ba;
        QTest::newRow("no session") << responses << "{\"model\":\"m\",\"input\":\"hi\"}"_ba << QByteArray() << true
                                    << "m"_ba << false << QByteArray();
        QTest::newRow("responses without model")
            << responses << "{\"input\":\"hi\"}"_ba << QByteArray() << false << QByteArray() << false << QByteArray();
        QTest::newRow("chat") << chat << "{\"model\":\"gpt-4o\",\"stream\":null,\"messages\":[{\"role\":\"user\"}]}"_ba
                              << QByteArray() << true << "gpt-4o"_ba << false << QByteArray();
        QTest::newRow("chat empty messages") << chat << "{\"model\":\"gpt-4o\",\"messages\":[]}"_ba << QByteArray()
                                             << false << QByteArray() << false << QByteArray();
        QTest::newRow("chat no messages")
            << chat << "{\"model\":\"gpt-4o\"}"_ba << QByteArray() << false << QByteArray() << false << QByteArray();
        QTest::newRow("stream not a bool") << chat << "{\"model\":\"m\",\"stream\":\"yes\",\"messages\":[{}]}"_ba
                                           << QByteArray() << false << QByteArray() << false << QByteArray();
        QTest::newRow("embeddings without model")
            << embeddings << "{\"input\":[\"a\"]}"_ba << QByteArray() << true << QByteArray() << false << QByteArray();
        QTest::newRow("embeddings without input")
            << embeddings << "{\"model\":\"e\"}"_ba << QByteArray() << false << QByteArray() << false << QByteArray();
        QTest::newRow("not an object") << chat << "[1]"_ba << QByteArray() << false << QByteArray() << false
                                       << QByteArray();
    }
    void inspectsOpenAIBodies()
    {
        QFETCH(int, kind);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, sessionHeader);
        QFETCH(bool, ok);
        QFETCH(QByteArray, model);
        QFETCH(bool, stream);
        QFETCH(QByteArray, sessionSource);
        rd::http::HeaderList headers;
        if (!sessionHeader.isEmpty()) {
            headers.append({"session-id", sessionHeader});
        }
        const auto info = rd::relay::inspectOpenAIBody(body, rd::relay::OpenAIBodyKind(kind), headers);
        QCOMPARE(info.has_value(), ok);
        if (!ok) {
            return;
        }
        QCOMPARE(info->model, model);
        QCOMPARE(info->stream, stream);
        QCOMPARE(info->sessionKey,
                 sessionSource.isEmpty() ? QByteArray()
                                         : QCryptographicHash::hash(sessionSource, QCryptographicHash::Sha256).toHex());
        if (!model.isEmpty()) {
            // The model token is located for mapping: replacing it changes nothing else.
            const QByteArray mapped = rd::relay::replaceModel(body, info->modelOffset, info->modelLength, "new-model");
            QByteArray expected = body;
            expected.replace(QByteArray("\"" + model + "\""), QByteArray("\"new-model\""));
            QCOMPARE(mapped, expected);
        }
    }
    void chatIncludeUsage()
    {
        const auto info = rd::relay::inspectOpenAIBody(
            "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{}]}"_ba,
            rd::relay::OpenAIBodyKind::Chat,
            {});
        QVERIFY(info.has_value());
        QVERIFY(info->includeUsage);
        QVERIFY(
            !rd::relay::inspectOpenAIBody("{\"model\":\"m\",\"messages\":[{}]}"_ba, rd::relay::OpenAIBodyKind::Chat, {})
                 ->includeUsage);
    }
};

QTEST_GUILESS_MAIN(TestMessagesRequest)
#include "tst_messagesrequest.moc"
