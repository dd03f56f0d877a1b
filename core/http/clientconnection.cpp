// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/http/clientconnection.h"

#include "core/util/logging.h"

#include <QTcpSocket>

#include <chrono>

namespace rd::http {

namespace {
constexpr qsizetype kReadChunk = qsizetype{64} * 1024;
constexpr qsizetype kMaxBufferedWhileBusy = 1 << 20; // pipelined bytes kept while a request is served

QByteArray chunkHeader(qsizetype size)
{
    QByteArray head = QByteArray::number(static_cast<qint64>(size), 16);
    head.append("\r\n", 2);
    return head;
}
} // namespace

qint64 monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

ClientConnection::ClientConnection(qintptr descriptor,
                                   const ServerSettings &settings,
                                   RequestHandler *handler,
                                   std::shared_ptr<std::atomic<int>> openCount,
                                   QObject *parent)
    : QObject(parent)
    , m_socket(new QTcpSocket(this))
    , m_settings(settings)
    , m_handler(handler)
    , m_openCount(std::move(openCount))
    , m_parser(settings.limits)
    , m_lastActivityMs(monotonicMs())
{
    if (!m_socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcHttp) << "could not adopt a client socket:" << m_socket->errorString();
        m_state = State::Closing;
        return;
    }
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &ClientConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &ClientConnection::onBytesWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &ClientConnection::onDisconnected);
}

ClientConnection::~ClientConnection()
{
    if (m_openCount) {
        m_openCount->fetch_sub(1, std::memory_order_relaxed);
    }
}

bool ClientConnection::isOpen() const
{
    return m_state != State::Closing && m_socket->state() == QAbstractSocket::ConnectedState;
}

qint64 ClientConnection::pendingBytes() const
{
    return m_socket->bytesToWrite();
}

void ClientConnection::onReadyRead()
{
    m_lastActivityMs = monotonicMs();
    if (m_state != State::Reading && m_inbuf.size() - m_inpos > kMaxBufferedWhileBusy) {
        return; // leave the rest in the socket until this request is answered
    }
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0) {
        return;
    }
    if (m_inpos > 0 && m_inpos == m_inbuf.size()) {
        m_inbuf.clear();
        m_inpos = 0;
    }
    // Read straight into the buffer: no temporary QByteArray, one copy less for every body byte.
    const qsizetype before = m_inbuf.size();
    const qint64 want = std::max<qint64>(available, kReadChunk);
    m_inbuf.resize(before + want);
    const qint64 got = m_socket->read(m_inbuf.data() + before, want);
    m_inbuf.resize(before + std::max<qint64>(got, 0));
    if (m_state == State::Reading) {
        processInput();
    }
}

void ClientConnection::processInput()
{
    while (m_state == State::Reading && m_inpos < m_inbuf.size()) {
        if (!m_parser.hasStarted()) {
            m_requestStartMs = m_lastActivityMs;
        }
        const qsizetype used = m_parser.feed(m_inbuf.constData() + m_inpos, m_inbuf.size() - m_inpos);
        m_inpos += used;
        switch (m_parser.state()) {
        case RequestParser::State::NeedMore:
            if (m_parser.expectsContinue() && !m_continueSent) {
                // curl and others wait for this before sending a large body.
                m_continueSent = true;
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n", 25);
                m_socket->flush();
            }
            if (used == 0) {
                return;
            }
            break;
        case RequestParser::State::Failed: {
            m_keepAlive = false;
            m_requestId = newRequestId();
            m_state = State::Handling;
            qCDebug(lcHttp) << "malformed request:" << m_parser.errorDetail();
            m_handler->rejectMalformed(this, m_parser.errorStatus(), m_parser.errorDetail(), {});
            return;
        }
        case RequestParser::State::Complete: {
            HttpRequest request = m_parser.take();
            m_continueSent = false;
            m_keepAlive = request.keepAlive;
            m_requestId = newRequestId();
            m_state = State::Handling;
            m_requestStartMs = -1;
            m_handler->handle(this, std::move(request));
            return;
        }
        }
    }
    if (m_inpos == m_inbuf.size()) {
        m_inbuf.clear();
        m_inpos = 0;
    }
}

void ClientConnection::writeHead(int status,
                                 const HeaderList &headers,
                                 qint64 contentLength,
                                 QByteArrayView contentType)
{
    QByteArray head;
    head.reserve(256 + headers.size() * 48);
    head.append("HTTP/1.1 ");
    head.append(QByteArray::number(status));
    head.append(' ');
    head.append(reasonPhrase(status));
    head.append("\r\nx-request-id: ");
    head.append(m_requestId);
    if (!contentType.isEmpty()) {
        head.append("\r\ncontent-type: ");
        head.append(contentType);
    }
    for (const Header &h : headers) {
        head.append("\r\n");
        head.append(h.first);
        head.append(": ");
        head.append(h.second);
    }
    if (contentLength >= 0) {
        head.append("\r\ncontent-length: ");
        head.append(QByteArray::number(contentLength));
    } else {
        head.append("\r\ntransfer-encoding: chunked");
    }
    head.append(m_keepAlive ? "\r\nconnection: keep-alive\r\n\r\n" : "\r\nconnection: close\r\n\r\n");
    m_socket->write(head);
}

void ClientConnection::sendResponse(int status,
                                    const HeaderList &headers,
                                    QByteArrayView body,
                                    QByteArrayView contentType)
{
    if (m_state == State::Closing) {
        return;
    }
    Q_ASSERT(m_state == State::Handling);
    m_chunked = false;
    writeHead(status, headers, body.size(), contentType);
    if (!body.isEmpty()) {
        m_socket->write(body.data(), body.size());
    }
    m_state = State::Responding;
    endResponse();
}

void ClientConnection::beginResponse(int status, const HeaderList &headers, qint64 contentLength)
{
    if (m_state == State::Closing) {
        return;
    }
    Q_ASSERT(m_state == State::Handling);
    m_chunked = contentLength < 0;
    writeHead(status, headers, contentLength, {});
    m_state = State::Responding;
}

void ClientConnection::writeBody(QByteArrayView data)
{
    if (m_state != State::Responding || data.isEmpty()) {
        return;
    }
    if (m_chunked) {
        m_socket->write(chunkHeader(data.size()));
        m_socket->write(data.data(), data.size());
        m_socket->write("\r\n", 2);
    } else {
        m_socket->write(data.data(), data.size());
    }
}

void ClientConnection::flush()
{
    if (m_state != State::Closing) {
        m_socket->flush();
    }
}

void ClientConnection::endResponse()
{
    if (m_state != State::Responding) {
        return;
    }
    if (m_chunked) {
        m_socket->write("0\r\n\r\n", 5);
    }
    m_socket->flush();
    finishExchange();
}

void ClientConnection::abortResponse()
{
    if (m_state == State::Closing) {
        return;
    }
    m_socket->flush();
    close();
}

void ClientConnection::finishExchange()
{
    m_lastActivityMs = monotonicMs();
    if (!m_keepAlive) {
        m_state = State::Closing;
        m_socket->disconnectFromHost(); // after the buffered bytes are written
        return;
    }
    m_state = State::Reading;
    if (m_inpos < m_inbuf.size()) {
        // Pipelined bytes arrived meanwhile: serve them from the event loop, not from inside the handler's stack.
        QMetaObject::invokeMethod(this, &ClientConnection::processInput, Qt::QueuedConnection);
    } else if (m_socket->bytesAvailable() > 0) {
        QMetaObject::invokeMethod(this, &ClientConnection::onReadyRead, Qt::QueuedConnection);
    }
}

void ClientConnection::onBytesWritten()
{
    if (m_state == State::Responding && m_socket->bytesToWrite() <= m_settings.writeLowWater) {
        emit drained();
    }
}

void ClientConnection::close()
{
    if (m_closedEmitted) {
        return;
    }
    m_state = State::Closing;
    m_socket->abort();
    onDisconnected();
}

void ClientConnection::onDisconnected()
{
    m_state = State::Closing;
    if (m_closedEmitted) {
        return;
    }
    m_closedEmitted = true;
    emit closed();
    deleteLater();
}

void ClientConnection::checkTimeouts(qint64 nowMs)
{
    if (m_state != State::Reading) {
        return; // a request is being served: the upstream side owns the timing
    }
    const qint64 idle = nowMs - m_lastActivityMs;
    bool expired = false;
    if (!m_parser.hasStarted()) {
        expired = idle > m_settings.keepAliveIdleMs;
    } else if (!m_parser.headersDone()) {
        expired = m_requestStartMs >= 0 && nowMs - m_requestStartMs > m_settings.headerTimeoutMs; // slowloris
    } else {
        expired = idle > m_settings.bodyIdleTimeoutMs;
    }
    if (expired) {
        qCDebug(lcHttp) << "closing an idle or slow client connection";
        close();
    }
}

} // namespace rd::http
