// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

namespace rd::http {

using Header = QPair<QByteArray, QByteArray>;
using HeaderList = QList<Header>;

// Case-insensitive lookup of the first header with this (lowercase) name; empty when absent.
QByteArray headerValue(const HeaderList &headers, QByteArrayView lowerName);
bool hasHeader(const HeaderList &headers, QByteArrayView lowerName);
// Drops every header of this name (case-insensitive); setHeader then appends the one value.
void removeHeader(HeaderList &headers, QByteArrayView lowerName);
void setHeader(HeaderList &headers, QByteArrayView lowerName, const QByteArray &value);
// Whether any header of this name lists `item` in its comma-separated value (items trimmed), e.g. anthropic-beta.
bool headerListContains(const HeaderList &headers, QByteArrayView lowerName, QByteArrayView item);

// One parsed client request. Header names are kept as sent; compare with headerValue().
struct HttpRequest
{
    QByteArray method;
    QByteArray target; // request-target as sent: path + optional "?query"
    QByteArray path;   // target before '?', percent-decoded
    QByteArray query;  // after '?', raw; empty when none
    HeaderList headers;
    QByteArray body; // capacity includes simdjson padding (see RequestParser)
    bool keepAlive = true;
    int httpMinor = 1;

    QByteArray header(QByteArrayView lowerName) const { return headerValue(headers, lowerName); }
};

QByteArray reasonPhrase(int status);

// http-parser hands header names and values over in pieces (a name may span reads); these glue the pieces into a
// HeaderList. lastWasValue tracks whether the next name piece starts a new header.
void appendHeaderNamePiece(HeaderList &headers, bool &lastWasValue, const char *at, size_t len);
void appendHeaderValuePiece(HeaderList &headers, bool &lastWasValue, const char *at, size_t len);
// "req_" + 24 random hex: the id every response carries in x-request-id. Any thread (one generator per thread).
QByteArray newRequestId();

} // namespace rd::http
