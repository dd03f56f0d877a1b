// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/convert/chatrequest.h"

#include <QJsonArray>

#include <limits>

using namespace Qt::StringLiterals;

namespace rd::convert {

Result<DataUrl> parseDataUrl(const QString &url)
{
    const qsizetype comma = url.indexOf(u',');
    if (!url.startsWith(u"data:"_s) || comma < 0) {
        return fail(ErrorCode::InvalidArgument, u"an image must be an http(s) URL or a base64 data URL"_s);
    }
    const QStringList header = url.mid(5, comma - 5).split(u';');
    if (header.size() < 2 || header.last() != u"base64" || header.first().isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"an image data URL must name its media type and be base64"_s);
    }
    return DataUrl{header.first(), url.mid(comma + 1)};
}

QString plainText(const QJsonValue &content)
{
    if (!content.isArray()) {
        return content.toString();
    }
    QStringList texts;
    for (const QJsonValue part : content.toArray()) {
        const QString text = part.toObject().value(u"text"_s).toString();
        if (!text.isEmpty()) {
            texts.append(text);
        }
    }
    return texts.join(u'\n');
}

Result<int> requestedMaxTokens(const QJsonObject &chat, int fallback)
{
    QJsonValue value = chat.value(u"max_completion_tokens"_s);
    if (value.isUndefined() || value.isNull()) {
        value = chat.value(u"max_tokens"_s);
    }
    if (value.isUndefined() || value.isNull()) {
        return fallback;
    }
    const double number = value.toDouble(-1);
    if (number < 1 || number > std::numeric_limits<int>::max() || number != static_cast<double>(value.toInteger())) {
        return fail(ErrorCode::InvalidArgument, u"max_tokens must be a positive integer"_s);
    }
    return static_cast<int>(number);
}

QStringList stopSequences(const QJsonValue &stop)
{
    QStringList out;
    if (stop.isString()) {
        out.append(stop.toString());
    } else {
        for (const QJsonValue value : stop.toArray()) {
            out.append(value.toString());
        }
    }
    out.removeAll(QString());
    return out;
}

} // namespace rd::convert
