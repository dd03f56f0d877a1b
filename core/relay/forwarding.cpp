// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/forwarding.h"

#include <QList>

#include <algorithm>
#include <array>

namespace rd::relay {

namespace {
bool startsWithCi(QByteArrayView name, QByteArrayView prefix)
{
    return name.size() >= prefix.size() && name.first(prefix.size()).compare(prefix, Qt::CaseInsensitive) == 0;
}

bool equalsCi(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

constexpr std::array<QByteArrayView, 21> kDroppedRequestHeaders{"x-api-key",
                                                                "authorization",
                                                                "x-goog-api-key",
                                                                "api-key",
                                                                "x-cr-api-key",
                                                                "cookie",
                                                                "connection",
                                                                "keep-alive",
                                                                "proxy-connection",
                                                                "proxy-authorization",
                                                                "te",
                                                                "trailer",
                                                                "transfer-encoding",
                                                                "upgrade",
                                                                "host",
                                                                "content-length",
                                                                "accept-encoding",
                                                                "content-encoding", // bodies are decoded first
                                                                "x-real-ip",
                                                                "forwarded",
                                                                "true-client-ip"};

constexpr std::array<QByteArrayView, 11> kDroppedResponseHeaders{"connection",
                                                                 "keep-alive",
                                                                 "proxy-connection",
                                                                 "te",
                                                                 "trailer",
                                                                 "transfer-encoding",
                                                                 "upgrade",
                                                                 "content-length",
                                                                 "set-cookie",
                                                                 "x-request-id",
                                                                 "proxy-authenticate"};

// Header names listed in Connection are hop-by-hop too (RFC 9110 §7.6.1).
QList<QByteArray> connectionTokens(const http::HeaderList &headers)
{
    QList<QByteArray> tokens;
    for (const http::Header &h : headers) {
        if (equalsCi(h.first, "connection")) {
            for (const QByteArray &t : h.second.split(',')) {
                const QByteArray token = t.trimmed().toLower();
                if (!token.isEmpty()) {
                    tokens.append(token);
                }
            }
        }
    }
    return tokens;
}

bool inList(QByteArrayView name, const auto &list)
{
    return std::any_of(list.begin(), list.end(), [name](QByteArrayView n) { return equalsCi(name, n); });
}
} // namespace

http::HeaderList upstreamRequestHeaders(const http::HeaderList &client, QByteArrayView userAgentOverride)
{
    const QList<QByteArray> named = connectionTokens(client);
    http::HeaderList out;
    out.reserve(client.size() + 2);
    for (const http::Header &h : client) {
        const QByteArrayView name = h.first;
        if (inList(name, kDroppedRequestHeaders) || startsWithCi(name, "x-forwarded-") || startsWithCi(name, "cf-")
            || equalsCi(name, "cdn-loop") || (!named.isEmpty() && named.contains(h.first.toLower()))) {
            continue;
        }
        if (!userAgentOverride.isEmpty() && equalsCi(name, "user-agent")) {
            continue;
        }
        out.append(h);
    }
    if (!userAgentOverride.isEmpty()) {
        out.append({QByteArrayLiteral("user-agent"), userAgentOverride.toByteArray()});
    }
    out.append({QByteArrayLiteral("accept-encoding"), QByteArrayLiteral("identity")});
    return out;
}

http::HeaderList clientResponseHeaders(const http::HeaderList &upstream, bool eventStream)
{
    const QList<QByteArray> named = connectionTokens(upstream);
    http::HeaderList out;
    out.reserve(upstream.size() + 2);
    for (const http::Header &h : upstream) {
        if (inList(h.first, kDroppedResponseHeaders) || (!named.isEmpty() && named.contains(h.first.toLower()))) {
            continue;
        }
        if (eventStream && (equalsCi(h.first, "cache-control") || equalsCi(h.first, "x-accel-buffering"))) {
            continue;
        }
        out.append(h);
    }
    if (eventStream) {
        out.append({QByteArrayLiteral("cache-control"), QByteArrayLiteral("no-cache")});
        out.append({QByteArrayLiteral("x-accel-buffering"), QByteArrayLiteral("no")});
    }
    return out;
}

bool isEventStream(const http::HeaderList &headers)
{
    return http::headerValue(headers, "content-type").trimmed().toLower().startsWith("text/event-stream");
}

} // namespace rd::relay
