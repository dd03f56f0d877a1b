// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"

#include <QByteArray>
#include <QList>
#include <QTcpSocket>

namespace rd::test {

// One HTTP/1.1 response cut out of raw bytes, for tests that look at the wire (framing, chunk boundaries, resets).
struct RawResponse
{
    bool complete = false;  // the whole message (incl. the terminating chunk) is in the bytes
    qsizetype consumed = 0; // bytes of the message, when complete
    int status = 0;
    rd::http::HeaderList headers;
    bool chunked = false;
    QList<QByteArray> chunks; // chunked: each chunk's data, in order (only the ones fully received)
    QByteArray body;          // de-chunked body received so far

    QByteArray header(QByteArrayView lowerName) const { return rd::http::headerValue(headers, lowerName); }
};

// Parses the response at the start of data (a HEAD-less, body-ful response: Content-Length, chunked, or neither).
RawResponse parseRawResponse(const QByteArray &data);

// A plain socket client that collects everything it receives; drive it with QTRY_* in tests.
class RawClient : public QObject
{
public:
    explicit RawClient(quint16 port, QObject *parent = nullptr);
    void send(const QByteArray &bytes); // queued until the connection is up
    QTcpSocket &socket() { return m_socket; }
    const QByteArray &received() const { return m_received; }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    bool disconnected() const { return m_disconnected; }
    QAbstractSocket::SocketError lastError() const { return m_error; }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    QByteArray m_unsent;
    bool m_disconnected = false;
    QAbstractSocket::SocketError m_error = QAbstractSocket::UnknownSocketError;
};

} // namespace rd::test
