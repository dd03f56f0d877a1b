// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/http/httptypes.h"

#include <random>

namespace rd::http {

namespace {
bool equalsLower(QByteArrayView name, QByteArrayView lowerName)
{
    if (name.size() != lowerName.size()) {
        return false;
    }
    for (qsizetype i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c + ('a' - 'A'));
        }
        if (c != lowerName[i]) {
            return false;
        }
    }
    return true;
}
} // namespace

QByteArray headerValue(const HeaderList &headers, QByteArrayView lowerName)
{
    for (const Header &h : headers) {
        if (equalsLower(h.first, lowerName)) {
            return h.second;
        }
    }
    return {};
}

bool headerListContains(const HeaderList &headers, QByteArrayView lowerName, QByteArrayView item)
{
    for (const Header &h : headers) {
        if (h.first.compare(lowerName, Qt::CaseInsensitive) != 0) {
            continue;
        }
        for (const QByteArray &part : h.second.split(',')) {
            if (part.trimmed() == item) {
                return true;
            }
        }
    }
    return false;
}

bool hasHeader(const HeaderList &headers, QByteArrayView lowerName)
{
    for (const Header &h : headers) {
        if (equalsLower(h.first, lowerName)) {
            return true;
        }
    }
    return false;
}

void removeHeader(HeaderList &headers, QByteArrayView lowerName)
{
    headers.removeIf([lowerName](const Header &h) { return equalsLower(h.first, lowerName); });
}

void setHeader(HeaderList &headers, QByteArrayView lowerName, const QByteArray &value)
{
    removeHeader(headers, lowerName);
    headers.append({lowerName.toByteArray(), value});
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 204:
        return QByteArrayLiteral("No Content");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 402:
        return QByteArrayLiteral("Payment Required");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    case 529:
        return QByteArrayLiteral("Overloaded");
    default:
        return QByteArrayLiteral("Status");
    }
}

QByteArray newRequestId()
{
    // Unique enough to correlate logs; not a secret.
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const quint64 a = rng();
    const quint32 b = static_cast<quint32>(rng());
    QByteArray id("req_");
    id.append(QByteArray::number(a, 16).rightJustified(16, '0'));
    id.append(QByteArray::number(b, 16).rightJustified(8, '0'));
    return id;
}

void appendHeaderNamePiece(HeaderList &headers, bool &lastWasValue, const char *at, size_t len)
{
    if (lastWasValue || headers.isEmpty()) {
        headers.append({QByteArray(at, static_cast<qsizetype>(len)), QByteArray()});
    } else {
        headers.last().first.append(at, static_cast<qsizetype>(len));
    }
    lastWasValue = false;
}

void appendHeaderValuePiece(HeaderList &headers, bool &lastWasValue, const char *at, size_t len)
{
    if (!headers.isEmpty()) {
        headers.last().second.append(at, static_cast<qsizetype>(len));
    }
    lastWasValue = true;
}

} // namespace rd::http
