// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/messagesrequest.h"

#include "core/scheduling/sessionkeydom.h"

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
void locateModelToken(const char *data, size_t size, size_t capacity, MessagesRequestInfo &info)
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
} // namespace

Result<MessagesRequestInfo>
inspectMessagesBody(const QByteArray &body, bool locateModel, const http::HeaderList *sessionHeaders)
{
    // DOM parsing dispatches at run time to the best SIMD kernel of this CPU.
    thread_local dom::parser parser;
    thread_local std::string copy;
    const char *data = body.constData();
    size_t capacity = static_cast<size_t>(body.capacity());
    if (body.capacity() - body.size() < static_cast<qsizetype>(SIMDJSON_PADDING)) {
        copy.assign(body.constData(), static_cast<size_t>(body.size()));
        copy.reserve(copy.size() + SIMDJSON_PADDING);
        data = copy.data();
        capacity = copy.capacity();
    }
    dom::element doc;
    dom::object root;
    if (body.isEmpty() || parser.parse(data, static_cast<size_t>(body.size()), false).get(doc) != SUCCESS) {
        return fail(ErrorCode::BadRequest, u"request body is not valid JSON"_s);
    }
    if (doc.get_object().get(root) != SUCCESS) {
        return fail(ErrorCode::BadRequest, u"request body must be a JSON object"_s);
    }
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

QByteArray replaceModel(const QByteArray &body, const MessagesRequestInfo &info, const QByteArray &newModel)
{
    Q_ASSERT(info.modelOffset >= 0 && info.modelLength > 1);
    const QByteArray token = QJsonDocument::fromVariant(QVariantList{QString::fromUtf8(newModel)})
                                 .toJson(QJsonDocument::Compact)
                                 .chopped(1)
                                 .mid(1); // ["name"] → "name", escaped as JSON
    QByteArray out;
    out.reserve(body.size() - info.modelLength + token.size() + 64);
    out.append(body.constData(), info.modelOffset);
    out.append(token);
    out.append(body.constData() + info.modelOffset + info.modelLength,
               body.size() - info.modelOffset - info.modelLength);
    return out;
}

} // namespace rd::relay
