// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scheduling/sessionkey.h"

#include "core/scheduling/sessionkeydom.h"

#include <QRegularExpression>

#include <openssl/sha.h>
#include <simdjson.h>

#include <string>
#include <string_view>

using namespace Qt::StringLiterals;

namespace rd::scheduling {

namespace {
using namespace simdjson;

QByteArray toBytes(std::string_view text)
{
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

// hex(sha256(text)), first 32 characters (the first 16 bytes of the digest). A text longer than 64 KiB is hashed as
// its first 64 KiB plus its length: the key stays as stable per conversation, and a multi-megabyte prompt no longer
// costs a full hash on every request (the key is only compared with keys this relay made).
QByteArray shortHash(const std::string &text)
{
    constexpr size_t kHashedPrefix = 64 * 1024;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    if (text.size() <= kHashedPrefix) {
        SHA256(reinterpret_cast<const unsigned char *>(text.data()), text.size(), digest);
    } else {
        std::string bounded = text.substr(0, kHashedPrefix);
        bounded.push_back('\0');
        bounded.append(std::to_string(text.size()));
        SHA256(reinterpret_cast<const unsigned char *>(bounded.data()), bounded.size(), digest);
    }
    return QByteArray(reinterpret_cast<const char *>(digest), 16).toHex();
}

// The string at `key` of an object element; false when the element is no object or the field is absent or no string.
bool stringField(dom::element element, std::string_view key, std::string_view &out)
{
    dom::object object;
    return element.get_object().get(object) == SUCCESS && object.at_key(key).get_string().get(out) == SUCCESS;
}

bool isEphemeral(dom::element element)
{
    dom::object object;
    dom::element cacheControl;
    std::string_view type;
    return element.get_object().get(object) == SUCCESS && object.at_key("cache_control").get(cacheControl) == SUCCESS
           && stringField(cacheControl, "type", type) && type == "ephemeral";
}

// Rule 1, JSON form: {"device_id":"…","account_uuid":"","session_id":"…"}, both ids non-empty strings.
QByteArray sessionIdFromJson(std::string_view userId)
{
    thread_local dom::parser parser; // the body's parser still owns the document userId points into
    const padded_string padded(userId);
    dom::element doc;
    std::string_view deviceId;
    std::string_view sessionId;
    if (parser.parse(padded).get(doc) != SUCCESS || !stringField(doc, "device_id", deviceId)
        || !stringField(doc, "session_id", sessionId) || deviceId.empty() || sessionId.empty()) {
        return {};
    }
    return toBytes(sessionId);
}

// Rule 1, older form: user_<64 hex>_account_<anything>_session_<uuid>. \z rather than $, which in PCRE would also
// accept a trailing newline (the reference relay's JavaScript regex does not). One per thread: QRegularExpression is
// reentrant, not documented as safe to share.
QByteArray sessionIdFromOldForm(std::string_view userId)
{
    thread_local const QRegularExpression pattern(u"^user_[0-9a-f]{64}_account_.*_session_([0-9a-f-]{36})\\z"_s,
                                                  QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(toBytes(userId)));
    return match.hasMatch() ? match.captured(1).toUtf8() : QByteArray();
}

QByteArray metadataSessionId(dom::object root)
{
    dom::element metadata;
    std::string_view userId;
    if (root.at_key("metadata").get(metadata) != SUCCESS || !stringField(metadata, "user_id", userId)
        || userId.empty()) {
        return {};
    }
    const QByteArray fromJson = sessionIdFromJson(userId);
    return fromJson.isEmpty() ? sessionIdFromOldForm(userId) : fromJson;
}

// A message's text: its string content, or the `text` of its parts of type "text", joined with no separator.
std::string messageText(dom::element message)
{
    dom::object object;
    dom::element content;
    if (message.get_object().get(object) != SUCCESS || object.at_key("content").get(content) != SUCCESS) {
        return {};
    }
    std::string_view text;
    if (content.get_string().get(text) == SUCCESS) {
        return std::string(text);
    }
    std::string joined;
    dom::array parts;
    if (content.get_array().get(parts) == SUCCESS) {
        for (const dom::element part : parts) {
            std::string_view type;
            if (stringField(part, "type", type) && type == "text" && stringField(part, "text", text)) {
                joined.append(text);
            }
        }
    }
    return joined;
}

// Whether the message carries an ephemeral cache_control: on a content part, or on itself when its content is a string.
bool hasEphemeralCacheControl(dom::element message)
{
    dom::object object;
    dom::element content;
    if (message.get_object().get(object) != SUCCESS || object.at_key("content").get(content) != SUCCESS) {
        return false;
    }
    if (content.is_string()) {
        return isEphemeral(message);
    }
    dom::array parts;
    if (content.get_array().get(parts) == SUCCESS) {
        for (const dom::element part : parts) {
            if (isEphemeral(part)) {
                return true;
            }
        }
    }
    return false;
}

// Rule 2: ephemeral system parts, then (if any message is marked ephemeral) the first message that has text.
std::string cacheableContent(simdjson_result<dom::element> system, const dom::array *messages)
{
    std::string content;
    dom::array systemParts;
    std::string_view text;
    if (system.get_array().get(systemParts) == SUCCESS) {
        for (const dom::element part : systemParts) {
            if (isEphemeral(part) && stringField(part, "text", text)) {
                content.append(text);
            }
        }
    }
    if (!messages) {
        return content;
    }
    bool anyEphemeral = false;
    for (const dom::element message : *messages) {
        anyEphemeral = anyEphemeral || hasEphemeralCacheControl(message);
    }
    if (anyEphemeral) {
        for (const dom::element message : *messages) {
            const std::string first = messageText(message);
            if (!first.empty()) {
                content.append(first);
                break;
            }
        }
    }
    return content;
}

// Rule 3: the system string, or the `text` of every system part joined.
std::string systemText(simdjson_result<dom::element> system)
{
    std::string_view text;
    if (system.get_string().get(text) == SUCCESS) {
        return std::string(text);
    }
    std::string joined;
    dom::array parts;
    if (system.get_array().get(parts) == SUCCESS) {
        for (const dom::element part : parts) {
            if (stringField(part, "text", text)) {
                joined.append(text);
            }
        }
    }
    return joined;
}

// Rules 2–4 over a parsed body; empty when none applies.
QByteArray contentKey(dom::object root)
{
    // A default-constructed DOM value must never be used, so absence travels as an error result or a null pointer.
    const simdjson_result<dom::element> system = root.at_key("system");
    dom::array messages;
    const bool hasMessages = root.at_key("messages").get_array().get(messages) == SUCCESS;
    std::string text = cacheableContent(system, hasMessages ? &messages : nullptr);
    if (text.empty()) {
        text = systemText(system);
    }
    dom::element firstMessage;
    if (text.empty() && hasMessages && messages.at(0).get(firstMessage) == SUCCESS) {
        text = messageText(firstMessage);
    }
    return text.empty() ? QByteArray() : shortHash(text);
}

// Parses the body in place when it has simdjson's padding spare (RequestParser guarantees it), else from a copy.
bool parseObject(const QByteArray &body, dom::object &root)
{
    thread_local dom::parser parser;
    thread_local std::string copy;
    const char *data = body.constData();
    if (body.capacity() - body.size() < static_cast<qsizetype>(SIMDJSON_PADDING)) {
        copy.assign(body.constData(), static_cast<size_t>(body.size()));
        copy.reserve(copy.size() + SIMDJSON_PADDING);
        data = copy.data();
    }
    dom::element doc;
    return !body.isEmpty() && parser.parse(data, static_cast<size_t>(body.size()), false).get(doc) == SUCCESS
           && doc.get_object().get(root) == SUCCESS;
}
} // namespace

QByteArray anthropicSessionKey(const QByteArray &body, const rd::http::HeaderList &headers)
{
    dom::object root;
    if (!parseObject(body, root)) {
        return {};
    }
    return anthropicSessionKey(root, headers);
}

QByteArray anthropicSessionKey(const dom::object &root, const rd::http::HeaderList &headers)
{
    QByteArray key = metadataSessionId(root);
    if (key.isEmpty()) {
        key = rd::http::headerValue(headers, "x-claude-code-session-id");
    }
    return key.isEmpty() ? contentKey(root) : key;
}

} // namespace rd::scheduling
