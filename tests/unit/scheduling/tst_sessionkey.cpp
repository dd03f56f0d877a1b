// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scheduling/sessionkey.h"

#include <QCryptographicHash>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::http::HeaderList;

namespace {
const QByteArray kDeviceId = "3f9a0c41d2b7e86f5a1c9d04e7b23f68a0d5c1e9b47f2a63d8e0c5b19f7a4e2d"_ba;
const QByteArray kSessionId = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"_ba;
const QByteArray kHeaderSessionId = "0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b"_ba;
const QByteArray kBillingPart = "{\"type\":\"text\",\"text\":\"x-anthropic-billing-header: cc_version=2.1.332.0b8; "
                                "cc_entrypoint=sdk-cli;\"}"_ba;
const QByteArray kPromptText = "You are Claude Code, Anthropic's official CLI for Claude."_ba;
const QByteArray kPromptPart =
    "{\"type\":\"text\",\"text\":\"" + kPromptText + "\",\"cache_control\":{\"type\":\"ephemeral\"}}";
const QByteArray kPromptPart1h =
    "{\"type\":\"text\",\"text\":\"" + kPromptText + "\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}";
const QByteArray kBillingText = "x-anthropic-billing-header: cc_version=2.1.332.0b8; cc_entrypoint=sdk-cli;"_ba;
const QByteArray kPlainTurn = "[{\"role\":\"user\",\"content\":\"list the files\"}]"_ba;

QByteArray hashed(const QByteArray &text)
{
    return QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex().left(32);
}

// A Claude Code style Messages body; system and metadata are left out when empty.
QByteArray makeBody(const QByteArray &system, const QByteArray &messages, const QByteArray &metadata = {})
{
    QByteArray out = "{\"model\":\"claude-opus-5-5\",\"max_tokens\":128000,\"stream\":true,"_ba;
    if (!system.isEmpty()) {
        out += "\"system\":" + system + ",";
    }
    out += "\"messages\":" + messages;
    if (!metadata.isEmpty()) {
        out += ",\"metadata\":" + metadata;
    }
    out += ",\"thinking\":{\"type\":\"adaptive\",\"display\":\"omitted\"}}";
    return out;
}

// metadata with user_id in the current JSON-string form.
QByteArray jsonUserId(const QByteArray &deviceId, const QByteArray &sessionId)
{
    QByteArray inner =
        "{\"device_id\":\"" + deviceId + "\",\"account_uuid\":\"\",\"session_id\":\"" + sessionId + "\"}";
    return "{\"user_id\":\"" + inner.replace("\"", "\\\"") + "\"}";
}

QByteArray userId(const QByteArray &value)
{
    return "{\"user_id\":\"" + value + "\"}";
}

QByteArray withSpare(const QByteArray &data, qsizetype spare)
{
    QByteArray out;
    out.reserve(data.size() + spare);
    out.append(data);
    return out;
}

QByteArray tight(const QByteArray &data)
{
    QByteArray out(data.constData(), data.size());
    out.squeeze();
    return out;
}
} // namespace

class TestSessionKey : public QObject
{
    Q_OBJECT
private slots:
    void hashesOnlyABoundedPrefixOfHugePrompts();
    void followsTheRulesInOrder_data();
    void followsTheRulesInOrder();
};

void TestSessionKey::followsTheRulesInOrder_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<QByteArray>("expected");
    const QByteArray ccSystem = "[" + kBillingPart + "," + kPromptPart + "]";
    const HeaderList ccHeaders{{"x-claude-code-session-id"_ba, kHeaderSessionId}, {"x-app"_ba, "cli"_ba}};
    const QByteArray oldForm = "user_" + kDeviceId + "_account__session_" + kSessionId;

    // Rule 1: used as is, ahead of everything else.
    QTest::newRow("json user_id") << makeBody(ccSystem, kPlainTurn, jsonUserId(kDeviceId, kSessionId)) << ccHeaders
                                  << kSessionId;
    QTest::newRow("old form, empty account")
        << makeBody(ccSystem, kPlainTurn, userId(oldForm)) << ccHeaders << kSessionId;
    QTest::newRow("old form, account uuid, upper-case hex")
        << makeBody(ccSystem,
                    kPlainTurn,
                    userId("user_" + kDeviceId.toUpper() + "_account_9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d_session_"
                           + kSessionId.toUpper()))
        << HeaderList{} << kSessionId.toUpper();
    QTest::newRow("old form with a short device id is no match")
        << makeBody(ccSystem, kPlainTurn, userId("user_" + kDeviceId.left(63) + "_account__session_" + kSessionId))
        << ccHeaders << kHeaderSessionId;
    QTest::newRow("old form followed by a newline is no match")
        << makeBody(ccSystem, kPlainTurn, userId(oldForm + "\\n")) << ccHeaders << kHeaderSessionId;
    QTest::newRow("header fallback") << makeBody(ccSystem, kPlainTurn) << ccHeaders << kHeaderSessionId;
    QTest::newRow("header name in any case")
        << makeBody(ccSystem, kPlainTurn) << HeaderList{{"X-Claude-Code-Session-Id"_ba, kHeaderSessionId}}
        << kHeaderSessionId;
    QTest::newRow("json user_id, empty device_id, to header")
        << makeBody(ccSystem, kPlainTurn, jsonUserId({}, kSessionId)) << ccHeaders << kHeaderSessionId;
    QTest::newRow("json user_id, empty device_id, to content")
        << makeBody(ccSystem, kPlainTurn, jsonUserId({}, kSessionId)) << HeaderList{} << hashed(kPromptText);
    QTest::newRow("json user_id, empty session_id")
        << makeBody(ccSystem, kPlainTurn, jsonUserId(kDeviceId, {})) << HeaderList{} << hashed(kPromptText);
    QTest::newRow("json user_id, numeric session_id")
        << makeBody(ccSystem, kPlainTurn, userId("{\\\"device_id\\\":\\\"d\\\",\\\"session_id\\\":7}")) << HeaderList{}
        << hashed(kPromptText);
    QTest::newRow("user_id of another client")
        << makeBody(ccSystem, kPlainTurn, userId("alice@example.com")) << HeaderList{} << hashed(kPromptText);
    QTest::newRow("empty header value") << makeBody(ccSystem, kPlainTurn)
                                        << HeaderList{{"x-claude-code-session-id"_ba, QByteArray()}}
                                        << hashed(kPromptText);

    // Rule 2: cacheable content.
    QTest::newRow("system ephemeral part") << makeBody(ccSystem, kPlainTurn) << HeaderList{} << hashed(kPromptText);
    QTest::newRow("system ephemeral part, 1h ttl")
        << makeBody("[" + kBillingPart + "," + kPromptPart1h + "]", kPlainTurn) << HeaderList{} << hashed(kPromptText);
    QTest::newRow("several ephemeral system parts")
        << makeBody("[" + kPromptPart + "," + kBillingPart + "," + kPromptPart1h + "]", kPlainTurn) << HeaderList{}
        << hashed(kPromptText + kPromptText);
    const QByteArray cachedTurns = "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<system-reminder>ctx"
                                   "</system-reminder>\"},{\"type\":\"text\",\"text\":\"list the files\"}]},"
                                   "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Sure.\"}]},"
                                   "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"and count them\","
                                   "\"cache_control\":{\"type\":\"ephemeral\"}}]}]"_ba;
    QTest::newRow("ephemeral message part appends the first message, parts joined")
        << makeBody(ccSystem, cachedTurns) << HeaderList{}
        << hashed(kPromptText + "<system-reminder>ctx</system-reminder>list the files");
    const QByteArray toolFirst = "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\","
                                 "\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]},"
                                 "{\"role\":\"assistant\",\"content\":\"\"},"
                                 "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"text\":\"not text\"},"
                                 "{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\","
                                 "\"cache_control\":{\"type\":\"ephemeral\"}}]}]"_ba;
    QTest::newRow("first message that has text")
        << makeBody(ccSystem, toolFirst) << HeaderList{} << hashed(kPromptText + "ab");
    const QByteArray stringCached =
        "[{\"role\":\"user\",\"content\":\"first question\"},"
        "{\"role\":\"user\",\"content\":\"second\",\"cache_control\":{\"type\":\"ephemeral\"}}]"_ba;
    QTest::newRow("message-level cache_control on string content")
        << makeBody("\"You are terse.\"", stringCached) << HeaderList{} << hashed("first question"_ba);
    const QByteArray arrayWithMessageLevel = "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"q\"}],"
                                             "\"cache_control\":{\"type\":\"ephemeral\"}}]"_ba;
    QTest::newRow("message-level cache_control on array content does not count")
        << makeBody("[" + kBillingPart + "]", arrayWithMessageLevel) << HeaderList{} << hashed(kBillingText);
    const QByteArray otherType =
        "[{\"role\":\"user\",\"content\":\"q\",\"cache_control\":{\"type\":\"persistent\"}}]"_ba;
    QTest::newRow("cache_control of another type")
        << makeBody("\"Be brief.\"", otherType) << HeaderList{} << hashed("Be brief."_ba);

    // Rule 3: the whole system text.
    QTest::newRow("whole system, string") << makeBody("\"You are a helpful assistant.\"", kPlainTurn) << HeaderList{}
                                          << hashed("You are a helpful assistant."_ba);
    QTest::newRow("whole system, parts joined")
        << makeBody("[" + kBillingPart + ",{\"type\":\"text\",\"text\":\" Be brief.\"}]", kPlainTurn) << HeaderList{}
        << hashed(kBillingText + " Be brief.");
    QTest::newRow("whole system, decoded UTF-8")
        << makeBody("\"caf\\u00e9 \\\"bar\\\"\"", kPlainTurn) << HeaderList{} << hashed(u"café \"bar\""_s.toUtf8());

    // Rule 4: the first message.
    QTest::newRow("first message, string") << makeBody({}, kPlainTurn) << HeaderList{} << hashed("list the files"_ba);
    QTest::newRow("first message, parts joined")
        << makeBody("\"\"",
                    "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"one \"},{\"type\":\"image\"},"
                    "{\"type\":\"text\",\"text\":\"two\"}]}]")
        << HeaderList{} << hashed("one two"_ba);

    // Rule 5 and broken input: no key.
    QTest::newRow("first message without text") << makeBody(
        {}, "[{\"role\":\"user\",\"content\":[{\"type\":\"image\"}]},{\"role\":\"user\",\"content\":\"x\"}]")
                                                << HeaderList{} << QByteArray();
    QTest::newRow("nothing") << makeBody({}, "[]") << HeaderList{} << QByteArray();
    QTest::newRow("invalid JSON") << "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}"_ba
                                  << ccHeaders << QByteArray();
    QTest::newRow("not an object") << "[1,2]"_ba << HeaderList{} << QByteArray();
    QTest::newRow("empty body") << QByteArray() << ccHeaders << QByteArray();
}

void TestSessionKey::followsTheRulesInOrder()
{
    QFETCH(QByteArray, body);
    QFETCH(HeaderList, headers);
    QFETCH(QByteArray, expected);
    // In place (the request parser leaves padding) and from a copy (no spare capacity).
    QCOMPARE(rd::scheduling::anthropicSessionKey(withSpare(body, 128), headers), expected);
    QCOMPARE(rd::scheduling::anthropicSessionKey(tight(body), headers), expected);
}

void TestSessionKey::hashesOnlyABoundedPrefixOfHugePrompts()
{
    const QByteArray prefix(64 * 1024, 'p');
    auto bodyWith = [](const QByteArray &text) -> QByteArray {
        return "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    };
    const QByteArray longer = prefix + QByteArray(1000, 'x');
    const QByteArray key = rd::scheduling::anthropicSessionKey(bodyWith(longer), {});
    // The first 64 KiB, a NUL and the full length.
    const QByteArray expected = QCryptographicHash::hash(QByteArray(prefix + '\0' + QByteArray::number(longer.size())),
                                                         QCryptographicHash::Sha256)
                                    .toHex()
                                    .left(32);
    QCOMPARE(key, expected);
    QCOMPARE(rd::scheduling::anthropicSessionKey(bodyWith(longer), {}), key); // stable
    QVERIFY(rd::scheduling::anthropicSessionKey(bodyWith(prefix + QByteArray(1001, 'x')), {}) != key);
    // At the limit the whole text is hashed, as the rule says.
    QCOMPARE(rd::scheduling::anthropicSessionKey(bodyWith(prefix), {}),
             QCryptographicHash::hash(prefix, QCryptographicHash::Sha256).toHex().left(32));
}

QTEST_GUILESS_MAIN(TestSessionKey)
#include "tst_sessionkey.moc"
