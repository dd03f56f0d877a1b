// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/http/socketupstream.h"

#include "core/http/clientconnection.h"
#include "core/util/logging.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

#include <http_parser.h>

using namespace Qt::StringLiterals;

namespace rd::http {

namespace {
constexpr qsizetype kScratchBytes = qsizetype{64} * 1024;
constexpr qint64 kPausedReadBuffer = qint64{64} * 1024;
} // namespace

QByteArray UpstreamEndpoint::poolKey() const
{
    QByteArray key = (tls ? "https://" : "http://") + host.toUtf8() + ':' + QByteArray::number(port);
    if (proxy.type() != QNetworkProxy::NoProxy) {
        key += "|proxy=" + QByteArray::number(static_cast<int>(proxy.type())) + ':' + proxy.hostName().toUtf8() + ':'
               + QByteArray::number(proxy.port()) + ':' + proxy.user().toUtf8();
    }
    for (const QSslCertificate &ca : extraCaCertificates) {
        key += "|ca=" + ca.digest(QCryptographicHash::Sha256).toHex().left(16);
    }
    return key;
}

// One upstream socket; while a call runs it is that call. Lives on its transport's thread.
class UpstreamConnection : public QObject, public UpstreamCall
{
public:
    UpstreamConnection(SocketUpstream *owner, QByteArray key)
        : QObject(owner)
        , m_owner(owner)
        , m_key(std::move(key))
    {
        http_parser_settings_init(&m_settings);
        m_settings.on_status = &UpstreamConnection::onStatus;
        m_settings.on_header_field = &UpstreamConnection::onHeaderField;
        m_settings.on_header_value = &UpstreamConnection::onHeaderValue;
        m_settings.on_headers_complete = &UpstreamConnection::onHeadersComplete;
        m_settings.on_body = &UpstreamConnection::onBody;
        m_settings.on_message_complete = &UpstreamConnection::onMessageComplete;
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &UpstreamConnection::onTimer);
    }

    const QByteArray &key() const { return m_key; }
    qint64 idleSinceMs() const { return m_idleSinceMs; }
    bool isIdleUsable() const { return m_socket && m_socket->state() == QAbstractSocket::ConnectedState; }

    void startCall(UpstreamRequest &&request, UpstreamSink *sink)
    {
        m_request = std::move(request);
        m_sink = sink;
        m_reused = m_socket != nullptr;
        send();
    }

    void abort() override
    {
        m_sink = nullptr;
        m_timer.stop();
        if (m_socket) {
            m_socket->abort();
        }
        m_owner->release(this, false);
    }

    void pause() override
    {
        if (!m_paused && m_socket) {
            m_paused = true;
            m_socket->setReadBufferSize(kPausedReadBuffer); // Qt stops pulling from the kernel when this fills
        }
    }

    void resume() override
    {
        if (m_paused && m_socket) {
            m_paused = false;
            m_socket->setReadBufferSize(0);
            QMetaObject::invokeMethod(
                this, [this] { onReadyRead(); }, Qt::QueuedConnection);
        }
    }

private:
    enum class Phase
    {
        Idle,
        AwaitingHead,
        Body,
    };

    void openSocket()
    {
        const UpstreamEndpoint &ep = m_request.endpoint;
        if (ep.tls) {
            auto *ssl = new QSslSocket(this);
            QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
            conf.setPeerVerifyMode(QSslSocket::VerifyPeer);
            if (!ep.extraCaCertificates.isEmpty()) {
                conf.addCaCertificates(ep.extraCaCertificates);
            }
            ssl->setSslConfiguration(conf);
            m_socket = ssl;
        } else {
            m_socket = new QTcpSocket(this);
        }
        m_socket->setProxy(ep.proxy);
        connect(m_socket, &QTcpSocket::connected, this, [this] {
            m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            if (m_connecting && m_phase == Phase::AwaitingHead) {
                m_connecting = false; // connected in time: the response head has its own deadline now
                m_timer.start(m_request.headersTimeoutMs);
            }
        });
        connect(m_socket, &QTcpSocket::readyRead, this, &UpstreamConnection::onReadyRead);
        connect(m_socket, &QTcpSocket::disconnected, this, &UpstreamConnection::onDisconnected);
        connect(m_socket, &QTcpSocket::errorOccurred, this, &UpstreamConnection::onSocketError);
        ++m_owner->m_opened;
        if (ep.tls) {
            static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(ep.host, ep.port);
        } else {
            m_socket->connectToHost(ep.host, ep.port);
        }
    }

    void send()
    {
        http_parser_init(&m_parser, HTTP_RESPONSE);
        m_parser.data = this;
        m_phase = Phase::AwaitingHead;
        m_gotBytes = false;
        m_status = 0;
        m_headers.clear();
        m_lastWasValue = false;
        m_messageComplete = false;
        m_paused = false;
        if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
            dropSocket();
            m_reused = false;
            openSocket();
            m_timer.start(m_request.connectTimeoutMs);
            m_connecting = true;
        } else {
            m_timer.start(m_request.headersTimeoutMs);
            m_connecting = false;
        }
        writeRequest();
    }

    void writeRequest()
    {
        const UpstreamEndpoint &ep = m_request.endpoint;
        QByteArray head;
        head.reserve(256 + m_request.headers.size() * 64
                     + (m_request.body.size() < kScratchBytes ? m_request.body.size() : 0));
        head.append(m_request.method);
        head.append(' ');
        head.append(m_request.target.isEmpty() ? QByteArray("/") : m_request.target);
        head.append(" HTTP/1.1\r\nhost: ");
        head.append(ep.host.toUtf8());
        if ((ep.tls && ep.port != 443) || (!ep.tls && ep.port != 80)) {
            head.append(':');
            head.append(QByteArray::number(ep.port));
        }
        for (const Header &h : std::as_const(m_request.headers)) {
            head.append("\r\n");
            head.append(h.first);
            head.append(": ");
            head.append(h.second);
        }
        if (!m_request.body.isEmpty() || m_request.method == "POST" || m_request.method == "PUT") {
            head.append("\r\ncontent-length: ");
            head.append(QByteArray::number(m_request.body.size()));
        }
        head.append("\r\n\r\n");
        if (m_request.body.size() < kScratchBytes) {
            head.append(m_request.body); // one write for the common small request
            m_socket->write(head);
        } else {
            m_socket->write(head);
            m_socket->write(m_request.body);
        }
        if (m_socket->state() == QAbstractSocket::ConnectedState) {
            m_socket->flush();
        }
    }

    void dropSocket()
    {
        if (m_socket) {
            m_socket->disconnect(this);
            m_socket->abort();
            m_socket->deleteLater();
            m_socket = nullptr;
        }
    }

    void onReadyRead()
    {
        if (!m_socket) {
            return;
        }
        if (m_phase == Phase::Idle) {
            // An idle pooled connection must be silent; anything else makes it unusable.
            m_socket->readAll();
            m_owner->forgetIdle(this);
            return;
        }
        QByteArray &buf = m_owner->scratch();
        bool delivered = false;
        while (!m_paused && m_sink && m_phase != Phase::Idle) {
            const qint64 n = m_socket->read(buf.data(), buf.size());
            if (n <= 0) {
                break;
            }
            if (!m_gotBytes) {
                m_gotBytes = true;
                m_connecting = false;
            }
            m_lastReadMs = monotonicMs();
            const size_t parsed = http_parser_execute(&m_parser, &m_settings, buf.constData(), static_cast<size_t>(n));
            delivered = true;
            if (!m_sink) {
                return; // the sink aborted us from a callback
            }
            if (m_messageComplete) {
                break;
            }
            if (HTTP_PARSER_ERRNO(&m_parser) != HPE_OK || parsed != static_cast<size_t>(n)) {
                fail(ErrorCode::UpstreamProtocol,
                     u"malformed upstream response: %1"_s.arg(
                         QString::fromLatin1(http_errno_description(HTTP_PARSER_ERRNO(&m_parser)))));
                return;
            }
        }
        if (m_messageComplete) {
            // The sink finishes before anything is flushed: a client that holds the whole body (Content-Length) may
            // send its next request at once, and the relay's books (limits, slots) must be done by then.
            complete();
        } else if (delivered && m_sink) {
            m_sink->upstreamBatchEnd();
        }
    }

    void onDisconnected()
    {
        if (m_phase == Phase::Idle) {
            m_owner->forgetIdle(this);
            return;
        }
        if (!m_sink) {
            return;
        }
        // Read what is still buffered, then tell the parser about EOF (a body delimited by close ends here).
        onReadyRead();
        if (!m_sink || m_phase == Phase::Idle) {
            return;
        }
        if (m_phase == Phase::Body) {
            http_parser_execute(&m_parser, &m_settings, nullptr, 0);
            if (m_messageComplete) {
                m_keepAlive = false;
                complete();
                return;
            }
        }
        connectionLost(u"upstream closed the connection"_s);
    }

    void onSocketError(QAbstractSocket::SocketError error)
    {
        if (error == QAbstractSocket::RemoteHostClosedError) {
            return; // handled by onDisconnected, which sees whether the body was complete
        }
        if (m_phase == Phase::Idle) {
            m_owner->forgetIdle(this);
            return;
        }
        if (!m_sink) {
            return;
        }
        const QString text = m_socket ? m_socket->errorString() : QString();
        connectionLost(text);
    }

    void connectionLost(const QString &why)
    {
        if (m_reused && !m_gotBytes) {
            // A pooled connection the server had already closed: the request never reached it. Retry once, fresh.
            qCDebug(lcUpstream) << "stale pooled connection; reconnecting";
            dropSocket();
            send();
            return;
        }
        const bool beforeHead = m_phase == Phase::AwaitingHead;
        fail(beforeHead && !m_gotBytes ? ErrorCode::UpstreamConnect : ErrorCode::UpstreamProtocol,
             beforeHead ? u"upstream connection failed: %1"_s.arg(why)
                        : u"upstream connection lost mid-response: %1"_s.arg(why));
    }

    void onTimer()
    {
        if (!m_sink || m_phase == Phase::Idle) {
            return;
        }
        const qint64 now = monotonicMs();
        if (m_phase == Phase::Body) {
            const qint64 quiet = now - m_lastReadMs;
            if (quiet < m_request.idleTimeoutMs) {
                m_timer.start(static_cast<int>(m_request.idleTimeoutMs - quiet));
                return;
            }
            fail(ErrorCode::UpstreamTimeout, u"upstream stalled mid-response"_s);
            return;
        }
        if (m_connecting && m_socket && m_socket->state() != QAbstractSocket::ConnectedState) {
            fail(ErrorCode::UpstreamConnect, u"connecting to the upstream timed out"_s);
            return;
        }
        if (m_connecting) {
            // Connected in time; now the response head has its own deadline.
            m_connecting = false;
            m_timer.start(m_request.headersTimeoutMs);
            return;
        }
        fail(ErrorCode::UpstreamTimeout, u"upstream did not answer in time"_s);
    }

    void fail(ErrorCode code, const QString &detail)
    {
        UpstreamSink *sink = std::exchange(m_sink, nullptr);
        m_timer.stop();
        dropSocket();
        m_owner->release(this, false);
        if (sink) {
            sink->upstreamFailed(Error{code, detail});
        }
    }

    void complete()
    {
        UpstreamSink *sink = std::exchange(m_sink, nullptr);
        m_timer.stop();
        m_phase = Phase::Idle;
        const bool reusable = m_keepAlive && !m_paused && m_socket
                              && m_socket->state() == QAbstractSocket::ConnectedState
                              && m_socket->bytesAvailable() == 0;
        qCDebug(lcUpstream) << "call complete; reusable" << reusable << m_keepAlive << m_paused
                            << (m_socket ? m_socket->bytesAvailable() : -1);
        m_idleSinceMs = monotonicMs();
        m_request.body.clear();
        m_owner->release(this, reusable);
        if (sink) {
            sink->upstreamFinished();
        }
    }

    static UpstreamConnection *self(http_parser *p) { return static_cast<UpstreamConnection *>(p->data); }

    static int onStatus(http_parser *, const char *, size_t) { return 0; }

    static int onHeaderField(http_parser *p, const char *at, size_t len)
    {
        UpstreamConnection *c = self(p);
        appendHeaderNamePiece(c->m_headers, c->m_lastWasValue, at, len);
        return 0;
    }

    static int onHeaderValue(http_parser *p, const char *at, size_t len)
    {
        UpstreamConnection *c = self(p);
        appendHeaderValuePiece(c->m_headers, c->m_lastWasValue, at, len);
        return 0;
    }

    static int onHeadersComplete(http_parser *p)
    {
        UpstreamConnection *c = self(p);
        if (p->status_code >= 100 && p->status_code < 200) {
            c->m_headers.clear(); // an interim answer (100 Continue): the real head follows
            c->m_lastWasValue = false;
            return 0;
        }
        c->m_phase = Phase::Body;
        c->m_status = static_cast<int>(p->status_code);
        c->m_keepAlive = http_should_keep_alive(p) != 0;
        c->m_lastReadMs = monotonicMs();
        c->m_timer.start(c->m_request.idleTimeoutMs);
        const bool known = (p->flags & F_CHUNKED) == 0 && p->content_length != ULLONG_MAX;
        const qint64 length = known ? static_cast<qint64>(p->content_length) : -1;
        if (c->m_sink) {
            c->m_sink->upstreamHeaders(c->m_status, std::move(c->m_headers), length);
        }
        c->m_headers.clear();
        return c->m_sink ? 0 : -1;
    }

    static int onBody(http_parser *p, const char *at, size_t len)
    {
        UpstreamConnection *c = self(p);
        if (!c->m_sink) {
            return -1;
        }
        c->m_sink->upstreamBody(QByteArrayView(at, static_cast<qsizetype>(len)));
        return c->m_sink ? 0 : -1;
    }

    static int onMessageComplete(http_parser *p)
    {
        UpstreamConnection *c = self(p);
        if (c->m_phase != Phase::Body) {
            return 0; // end of an interim 1xx answer
        }
        c->m_messageComplete = true;
        http_parser_pause(p, 1);
        return 0;
    }

    SocketUpstream *m_owner;
    QByteArray m_key;
    QTcpSocket *m_socket = nullptr;
    UpstreamSink *m_sink = nullptr;
    UpstreamRequest m_request;
    http_parser m_parser{};
    http_parser_settings m_settings{};
    HeaderList m_headers;
    QTimer m_timer;
    Phase m_phase = Phase::Idle;
    int m_status = 0;
    qint64 m_lastReadMs = 0;
    qint64 m_idleSinceMs = 0;
    bool m_lastWasValue = false;
    bool m_gotBytes = false;
    bool m_reused = false;
    bool m_connecting = false;
    bool m_paused = false;
    bool m_keepAlive = true;
    bool m_messageComplete = false;
};

SocketUpstream::SocketUpstream(QObject *parent)
    : QObject(parent)
    , m_scratch(kScratchBytes, Qt::Uninitialized)
{
    m_sweep->setInterval(5000);
    connect(m_sweep, &QTimer::timeout, this, &SocketUpstream::sweepIdle);
}

SocketUpstream::~SocketUpstream() = default;

UpstreamCall *SocketUpstream::start(UpstreamRequest &&request, UpstreamSink *sink)
{
    const QByteArray key = request.endpoint.poolKey();
    UpstreamConnection *connection = takeIdle(key);
    if (!connection) {
        connection = new UpstreamConnection(this, key);
    }
    ++m_active;
    connection->startCall(std::move(request), sink);
    return connection;
}

UpstreamConnection *SocketUpstream::takeIdle(const QByteArray &key)
{
    auto it = m_idle.find(key);
    while (it != m_idle.end() && !it->isEmpty()) {
        UpstreamConnection *c = it->takeLast(); // most recently used: the warmest socket
        if (c->isIdleUsable()) {
            return c;
        }
        c->deleteLater();
    }
    return nullptr;
}

void SocketUpstream::release(UpstreamConnection *connection, bool reusable)
{
    --m_active;
    if (reusable) {
        m_idle[connection->key()].append(connection);
        if (!m_sweep->isActive()) {
            m_sweep->start();
        }
    } else {
        connection->deleteLater();
    }
}

void SocketUpstream::forgetIdle(UpstreamConnection *connection)
{
    qCDebug(lcUpstream) << "dropping an idle upstream connection";
    auto it = m_idle.find(connection->key());
    if (it != m_idle.end() && it->removeOne(connection)) {
        connection->deleteLater();
    }
}

int SocketUpstream::idleConnectionCount() const
{
    int n = 0;
    for (const auto &list : m_idle) {
        n += static_cast<int>(list.size());
    }
    return n;
}

void SocketUpstream::sweepIdle()
{
    const qint64 now = monotonicMs();
    for (auto it = m_idle.begin(); it != m_idle.end();) {
        QList<UpstreamConnection *> &list = it.value();
        for (qsizetype i = list.size() - 1; i >= 0; --i) {
            if (now - list.at(i)->idleSinceMs() > m_idleTimeoutMs) {
                list.takeAt(i)->deleteLater();
            }
        }
        it = list.isEmpty() ? m_idle.erase(it) : std::next(it);
    }
    if (m_idle.isEmpty()) {
        m_sweep->stop();
    }
}

} // namespace rd::http
