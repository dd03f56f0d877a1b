// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/util/result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace rd::convert {

// Reading the parts of an OpenAI Chat request both request bridges share. Internal to core/convert.

struct DataUrl
{
    QString mediaType;
    QString data; // base64, as written
};
// `data:<media type>[;params];base64,<data>`; InvalidArgument for anything else.
[[nodiscard]] Result<DataUrl> parseDataUrl(const QString &url);

// A content value (string, or parts whose text parts are joined by newlines) as plain text.
QString plainText(const QJsonValue &content);

// max_completion_tokens, else max_tokens, else `fallback`; InvalidArgument when not a positive integer.
[[nodiscard]] Result<int> requestedMaxTokens(const QJsonObject &chat, int fallback);

// `stop` as a string or a list → the non-empty strings.
QStringList stopSequences(const QJsonValue &stop);

} // namespace rd::convert
