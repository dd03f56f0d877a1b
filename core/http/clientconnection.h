// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"
#include "core/http/requestparser.h"
#include "core/http/serversettings.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <memory>

class QTcpSocket;

namespace rd::http {

class ClientConnection;

// What a connection hands complete requests to (the relay worker). Called on the connection's thread.
class RequestHandler
{
public:
    virtual ~RequestHandler() = default;
    virtual void handle(ClientConnection *connection, HttpRequest &&request) = 0;
    // A request that could not be framed (400/413/431). pathIfKnown picks the error dialect.
    virtual void
    rejectMalformed(ClientConnection *connection, int status, const char *detail, QByteArrayView pathIfKnown) = 0;
};

// One client socket on a relay worker thread: frames requests with RequestParser, serves them one at a time
// (pipelined requests wait), writes responses with Content-Length or chunked framing, enforces the timeouts.
class ClientConnection : public QObject
{
    Q_OBJECT
public:
    ClientConnection(qintptr descriptor,
                     const ServerSettings &settings,
                     RequestHandler *handler,
                     std::shared_ptr<std::atomic<int>> openCount,
                     QObject *parent);
    ~ClientConnection() override;

    bool isOpen() const;
    const QByteArray &requestId() const { return m_requestId; } // id of the request being served

    // A whole response with Content-Length. Adds x-request-id, content-type (when given) and connection headers.
    void sendResponse(int status, const HeaderList &headers, QByteArrayView body, QByteArrayView contentType = {});
    // A streamed response: contentLength >= 0 keeps that framing, -1 = chunked.
    void beginResponse(int status, const HeaderList &headers, qint64 contentLength);
    void writeBody(QByteArrayView data); // framed as a chunk when chunked
    void flush();                        // push what is buffered to the kernel now
    void endResponse();                  // terminating chunk when chunked; then the next request
    void abortResponse();                // close without a clean end: the client must not mistake it for one
    bool responseStarted() const { return m_state == State::Responding; }
    qint64 pendingBytes() const;
    bool isBackedUp() const { return pendingBytes() > m_settings.writeHighWater; }

    // Called by the worker's sweep timer; closes the connection when a timeout passed.
    void checkTimeouts(qint64 nowMs);
    void close();

signals:
    void closed();  // the client went away or the connection was closed; emitted once
    void drained(); // the client read enough that writing may continue

private:
    enum class State
    {
        Reading,    // waiting for / receiving a request
        Handling,   // request handed over, no response yet
        Responding, // head written, body in progress
        Closing,
    };
    void onReadyRead();
    void onBytesWritten();
    void onDisconnected();
    void processInput();
    void finishExchange();
    void writeHead(int status, const HeaderList &headers, qint64 contentLength, QByteArrayView contentType);

    QTcpSocket *m_socket = nullptr;
    ServerSettings m_settings;
    RequestHandler *m_handler;
    std::shared_ptr<std::atomic<int>> m_openCount;
    RequestParser m_parser;
    QByteArray m_inbuf;
    qsizetype m_inpos = 0;
    QByteArray m_requestId;
    State m_state = State::Reading;
    bool m_chunked = false;
    bool m_keepAlive = true;
    bool m_closedEmitted = false;
    bool m_continueSent = false;
    qint64 m_lastActivityMs = 0;
    qint64 m_requestStartMs = -1; // first byte of the current request
};

qint64 monotonicMs();

} // namespace rd::http
