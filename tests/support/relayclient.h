// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QTcpSocket>

#include <http_parser.h>

namespace rd::test {

// A byte-level HTTP/1.1 client for integration tests. It waits by spinning the event loop (never a blocking
// socket wait), so in-process mocks on the same thread keep working.
class RelayClient
{
public:
    struct Response
    {
        int status = 0;
        http::HeaderList headers;
        QByteArray body;       // de-chunked
        bool complete = false; // the message ended cleanly (terminating chunk / full length)
        bool closed = false;   // the server closed the connection
        bool chunked = false;
        qint64 firstBodyMs = -1; // since send(), when the first body byte arrived
        qint64 doneMs = -1;
        QByteArray header(QByteArrayView lowerName) const { return http::headerValue(headers, lowerName); }
    };

    RelayClient();
    bool connectTo(quint16 port, int timeoutMs = 5000);
    void send(const QByteArray &bytes);
    // Reads one response; stops at its end, on close, or at the timeout. readUntil lets a test stop early.
    Response readResponse(int timeoutMs = 10000, QByteArrayView stopWhenBodyContains = {});
    bool waitForDisconnect(int timeoutMs = 5000);
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void abort() { m_socket.abort(); }
    QTcpSocket &socket() { return m_socket; }

    static QByteArray post(const QByteArray &path, const QByteArray &body, const http::HeaderList &headers);
    // One request on a fresh connection: connect, send, read the response.
    static Response roundTrip(quint16 port, const QByteArray &request, int timeoutMs = 10000);
    // The headers an Anthropic client sends with a RelayDesk key.
    static http::HeaderList anthropicHeaders(const QByteArray &key);
    static QByteArray get(const QByteArray &path, const http::HeaderList &headers = {});

private:
    static int onHeaderField(http_parser *p, const char *at, size_t len);
    static int onHeaderValue(http_parser *p, const char *at, size_t len);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);

    QTcpSocket m_socket;
    http_parser m_parser{};
    http_parser_settings m_settings{};
    Response m_current;
    bool m_lastWasValue = false;
    QElapsedTimer m_clock;
    QByteArray m_pending; // bytes after the end of the previous response
};

} // namespace rd::test
