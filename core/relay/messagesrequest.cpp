// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/messagesrequest.h"

#include "core/scheduling/sessionkeydom.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonValue>

#include <simdjson.h>

#include <string>

using namespace Qt::StringLiterals;

namespace rd::relay {

namespace {
using namespace simdjson;

// The extent of a JSON string token starting at `start` (an opening quote): up to and including its closing quote.
qsizetype stringTokenLength(const char *start, qsizetype available)
{
    for (qsizetype i = 1; i < available; ++i) {
        if (start[i] == '\\') {
            ++i;
        } else if (start[i] == '"') {
            return i + 1;
        }
    }
    return -1;
}

// Finds the model's string token with the on-demand API, which knows source positions. Only needed when a
// mapping rewrites the model, so the slower portable kernel it compiles to is fine here.
template <typename Info>
void locateModelToken(const char *data, size_t size, size_t capacity, Info &info)
{
    thread_local ondemand::parser parser;
    ondemand::document doc;
    ondemand::object root;
    if (parser.iterate(data, size, capacity).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS) {
        return;
    }
    ondemand::value value;
    if (root["model"].get(value) != SUCCESS) {
        return;
    }
    const std::string_view raw = value.raw_json_token();
    info.modelOffset = raw.data() - data;
    info.modelLength = stringTokenLength(raw.data(), static_cast<qsizetype>(raw.size()));
}

// The body parsed with the DOM API (it dispatches at run time to the best SIMD kernel of this CPU), in place when
// it has SIMDJSON_PADDING spare bytes, else from a thread-local copy. `data`/`capacity` tell where it was parsed.
struct ParsedBody
{
    dom::object root;
    const char *data = nullptr;
    size_t capacity = 0;
};

Result<ParsedBody> parseBody(const QByteArray &body)
{
    thread_local dom::parser parser;
    thread_local std::string copy;
    ParsedBody out;
    out.data = body.constData();
    out.capacity = static_cast<size_t>(body.capacity());
    if (body.capacity() - body.size() < static_cast<qsizetype>(SIMDJSON_PADDING)) {
        copy.assign(body.constData(), static_cast<size_t>(body.size()));
        copy.reserve(copy.size() + SIMDJSON_PADDING);
        out.data = copy.data();
        out.capacity = copy.capacity();
    }
    dom::element doc;
    if (body.isEmpty() || parser.parse(out.data, static_cast<size_t>(body.size()), false).get(doc) != SUCCESS) {
        return fail(ErrorCode::BadRequest, u"request body is not valid JSON"_s);
    }
    if (doc.get_object().get(out.root) != SUCCESS) {
        return fail(ErrorCode::BadRequest, u"request body must be a JSON object"_s);
    }
    return out;
}

QByteArray sha256Hex(QByteArrayView value)
{
    return QCryptographicHash::hash(value, QCryptographicHash::Sha256).toHex();
}
} // namespace

Result<MessagesRequestInfo>
inspectMessagesBody(const QByteArray &body, bool locateModel, const http::HeaderList *sessionHeaders)
{
    Result<ParsedBody> parsed = parseBody(body);
    if (!parsed) {
        return tl::unexpected(parsed.error());
    }
    const dom::object root = parsed->root;
    const char *data = parsed->data;
    const size_t capacity = parsed->capacity;
    MessagesRequestInfo info;
    bool sawMessages = false;
    for (const dom::key_value_pair field : root) {
        if (field.key == "model") {
            std::string_view model;
            if (field.value.get_string().get(model) != SUCCESS) {
                return fail(ErrorCode::BadRequest, u"model: must be a string"_s);
            }
            info.model = QByteArray(model.data(), static_cast<qsizetype>(model.size()));
        } else if (field.key == "stream") {
            bool stream = false;
            if (field.value.get_bool().get(stream) != SUCCESS) {
                return fail(ErrorCode::BadRequest, u"stream: must be a boolean"_s);
            }
            info.stream = stream;
        } else if (field.key == "messages") {
            dom::array messages;
            if (field.value.get_array().get(messages) != SUCCESS) {
                return fail(ErrorCode::BadRequest, u"messages: must be an array"_s);
            }
            if (messages.size() == 0) {
                return fail(ErrorCode::BadRequest, u"messages: at least one message is required"_s);
            }
            sawMessages = true;
        } else if (field.key == "speed") {
            std::string_view speed;
            info.speedFast = field.value.get_string().get(speed) == SUCCESS && speed == "fast";
        } else if (field.key == "metadata") {
            std::string_view userId;
            if (field.value["user_id"].get_string().get(userId) == SUCCESS) {
                info.metadataUserId = QByteArray(userId.data(), static_cast<qsizetype>(userId.size()));
            }
        }
    }
    if (!sawMessages) {
        return fail(ErrorCode::BadRequest, u"messages: Field required"_s);
    }
    if (info.model.isEmpty()) {
        return fail(ErrorCode::BadRequest, u"model: Field required"_s);
    }
    if (sessionHeaders) {
        info.sessionKey = scheduling::anthropicSessionKey(root, *sessionHeaders); // before another parse reuses memory
    }
    if (locateModel) {
        locateModelToken(data, static_cast<size_t>(body.size()), capacity, info);
    }
    return info;
}

Result<OpenAIRequestInfo>
inspectOpenAIBody(const QByteArray &body, OpenAIBodyKind kind, const http::HeaderList &headers)
{
    Result<ParsedBody> parsed = parseBody(body);
    if (!parsed) {
        return tl::unexpected(parsed.error());
    }
    OpenAIRequestInfo info;
    bool sawMessages = false;
    bool sawInput = false;
    QByteArray bodySession[3]; // session_id, conversation_id, prompt_cache_key
    for (const dom::key_value_pair field : parsed->root) {
        std::string_view text;
        if (field.key == "model") {
            if (field.value.get_string().get(text) != SUCCESS) {
                return fail(ErrorCode::BadRequest, u"model: must be a string"_s);
            }
            info.model = QByteArray(text.data(), static_cast<qsizetype>(text.size()));
        } else if (field.key == "stream") {
            bool stream = false;
            if (!field.value.is_null() && field.value.get_bool().get(stream) != SUCCESS) {
                return fail(ErrorCode::BadRequest, u"stream: must be a boolean"_s);
            }
            info.stream = stream;
        } else if (field.key == "stream_options") {
            bool include = false;
            info.includeUsage = field.value["include_usage"].get_bool().get(include) == SUCCESS && include;
        } else if (field.key == "messages") {
            dom::array messages;
            sawMessages = field.value.get_array().get(messages) == SUCCESS && messages.size() > 0;
        } else if (field.key == "input") {
            sawInput = !field.value.is_null();
        } else if (field.key == "session_id" || field.key == "conversation_id" || field.key == "prompt_cache_key") {
            const int slot = field.key == "session_id" ? 0 : field.key == "conversation_id" ? 1 : 2;
            if (field.value.get_string().get(text) == SUCCESS) {
                bodySession[slot] = QByteArray(text.data(), static_cast<qsizetype>(text.size()));
            }
        }
    }
    if (kind == OpenAIBodyKind::Chat && !sawMessages) {
        return fail(ErrorCode::BadRequest, u"Messages array is required and cannot be empty"_s);
    }
    if (kind == OpenAIBodyKind::Embeddings && !sawInput) {
        return fail(ErrorCode::BadRequest, u"input: Field required"_s);
    }
    if (kind != OpenAIBodyKind::Embeddings && info.model.isEmpty()) {
        return fail(ErrorCode::BadRequest, u"model: Field required"_s);
    }
    for (const char *name : {"session-id", "session_id", "x-session-id"}) {
        const QByteArray value = http::headerValue(headers, name).trimmed();
        if (!value.isEmpty()) {
            info.sessionKey = sha256Hex(value);
            break;
        }
    }
    for (qsizetype i = 0; i < 3 && info.sessionKey.isEmpty(); ++i) {
        if (!bodySession[i].isEmpty()) {
            info.sessionKey = sha256Hex(bodySession[i]);
        }
    }
    if (!info.model.isEmpty()) {
        locateModelToken(parsed->data, static_cast<size_t>(body.size()), parsed->capacity, info);
    }
    return info;
}

QByteArray replaceModel(const QByteArray &body, const MessagesRequestInfo &info, const QByteArray &newModel)
{
    return replaceModel(body, info.modelOffset, info.modelLength, newModel);
}

QByteArray
replaceModel(const QByteArray &body, qsizetype modelOffset, qsizetype modelLength, const QByteArray &newModel)
{
    Q_ASSERT(modelOffset >= 0 && modelLength > 1);
    const QByteArray token = QJsonDocument::fromVariant(QVariantList{QString::fromUtf8(newModel)})
                                 .toJson(QJsonDocument::Compact)
                                 .chopped(1)
                                 .mid(1); // ["name"] → "name", escaped as JSON
    QByteArray out;
    out.reserve(body.size() - modelLength + token.size() + 64);
    out.append(body.constData(), modelOffset);
    out.append(token);
    out.append(body.constData() + modelOffset + modelLength, body.size() - modelOffset - modelLength);
    return out;
}

} // namespace rd::relay
