// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/mockupstream.h"

#include "tests/support/tlscert.h"

#include <QHostAddress>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTimer>

#include <http_parser.h>
#include <zlib.h>

#include <array>
#include <functional>
#include <optional>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

using namespace Qt::StringLiterals;

namespace rd::test {

namespace {

// QTcpServer hands over raw descriptors so TLS connections can be wrapped in a QSslSocket we configure ourselves.
class DescriptorServer : public QTcpServer
{
public:
    DescriptorServer(std::function<void(qintptr)> onDescriptor, QObject *parent)
        : QTcpServer(parent)
        , m_onDescriptor(std::move(onDescriptor))
    {}

protected:
    void incomingConnection(qintptr descriptor) override { m_onDescriptor(descriptor); }

private:
    std::function<void(qintptr)> m_onDescriptor;
};

// A real RST, not a FIN: linger 0 before close, so the peer sees ECONNRESET as from a dying upstream.
void resetSocket(QTcpSocket *socket)
{
#ifdef Q_OS_UNIX
    const qintptr fd = socket->socketDescriptor();
    if (fd >= 0) {
        const linger noLinger{1, 0};
        ::setsockopt(int(fd), SOL_SOCKET, SO_LINGER, &noLinger, sizeof noLinger);
    }
#endif
    socket->abort();
}

// Raw gzip (RFC 1952), which qUncompress (zlib format behind a length prefix) cannot read: inflate with windowBits 31.
std::optional<QByteArray> gunzip(const QByteArray &data)
{
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK) {
        return std::nullopt;
    }
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    QByteArray out;
    std::array<char, 16384> buffer{};
    int rc = Z_OK;
    while (rc == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef *>(buffer.data());
        stream.avail_out = uInt(buffer.size());
        rc = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer.data(), qsizetype(buffer.size() - stream.avail_out));
        if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
            break; // the input ended before the gzip trailer
        }
    }
    inflateEnd(&stream);
    return rc == Z_STREAM_END ? std::optional<QByteArray>(std::move(out)) : std::nullopt;
}

// body becomes the decoded bytes when the request was sent gzip-encoded; rawBody keeps what came over the wire.
void decodeBody(RecordedRequest &request)
{
    request.rawBody = request.body;
    if (request.header("content-encoding").trimmed().compare("gzip", Qt::CaseInsensitive) != 0) {
        return;
    }
    if (std::optional<QByteArray> plain = gunzip(request.body)) {
        request.body = *std::move(plain);
    } else {
        qWarning("MockUpstream: content-encoding gzip, but the body does not inflate; recorded as sent");
    }
}

} // namespace

// One accepted client connection: frames requests with http-parser and plays the scripted replies in order.
class MockUpstream::Connection : public QObject
{
public:
    Connection(MockUpstream *owner, QTcpSocket *socket);
    ~Connection() override;

private:
    struct Pending
    {
        int index = 0;
        MockReply reply;
        bool keepAlive = true;
    };

    static int onMessageBegin(http_parser *p);
    static int onUrl(http_parser *p, const char *at, size_t len);
    static int onHeaderField(http_parser *p, const char *at, size_t len);
    static int onHeaderValue(http_parser *p, const char *at, size_t len);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);
    static Connection *self(http_parser *p) { return static_cast<Connection *>(p->data); }
    void flushHeader();

    void onReadyRead();
    void onDisconnected();
    void startNext();
    void sendHead();
    void sendEvents();
    void finishReply();
    void resetAsScripted();
    QByteArray head(const MockReply &reply, bool closing) const;
    void writeChunk(const QByteArray &data);

    MockUpstream *m_owner;
    QTcpSocket *m_socket;
    http_parser m_parser{};
    RecordedRequest m_current;
    QByteArray m_field;
    QByteArray m_value;
    bool m_inValue = false;
    QList<QPair<RecordedRequest, bool>> m_completed; // filled by the parser callbacks, drained after execute
    QList<Pending> m_pending;
    std::optional<Pending> m_active;
    qsizetype m_nextEvent = 0;
    bool m_delayWaited = false;
    bool m_closing = false; // we are closing: a disconnect is not the client's doing
};

MockUpstream::Connection::Connection(MockUpstream *owner, QTcpSocket *socket)
    : QObject(owner)
    , m_owner(owner)
    , m_socket(socket)
{
    m_socket->setParent(this);
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    connect(m_socket, &QTcpSocket::readyRead, this, &Connection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &Connection::onDisconnected);
}

MockUpstream::Connection::~Connection()
{
    m_socket->disconnect(this);
    m_closing = true;
    m_socket->abort();
}

int MockUpstream::Connection::onMessageBegin(http_parser *p)
{
    Connection *c = self(p);
    c->m_current = RecordedRequest{};
    c->m_field.clear();
    c->m_value.clear();
    c->m_inValue = false;
    return 0;
}

int MockUpstream::Connection::onUrl(http_parser *p, const char *at, size_t len)
{
    self(p)->m_current.target.append(at, qsizetype(len));
    return 0;
}

int MockUpstream::Connection::onHeaderField(http_parser *p, const char *at, size_t len)
{
    Connection *c = self(p);
    if (c->m_inValue) {
        c->flushHeader();
    }
    c->m_field.append(at, qsizetype(len));
    return 0;
}

int MockUpstream::Connection::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    Connection *c = self(p);
    c->m_inValue = true;
    c->m_value.append(at, qsizetype(len));
    return 0;
}

void MockUpstream::Connection::flushHeader()
{
    if (!m_field.isEmpty()) {
        m_current.headers.append({m_field, m_value});
    }
    m_field.clear();
    m_value.clear();
    m_inValue = false;
}

int MockUpstream::Connection::onHeadersComplete(http_parser *p)
{
    Connection *c = self(p);
    c->flushHeader();
    c->m_current.method = http_method_str(static_cast<http_method>(p->method));
    return 0;
}

int MockUpstream::Connection::onBody(http_parser *p, const char *at, size_t len)
{
    self(p)->m_current.body.append(at, qsizetype(len)); // http-parser hands over de-chunked data
    return 0;
}

int MockUpstream::Connection::onMessageComplete(http_parser *p)
{
    Connection *c = self(p);
    c->m_completed.append({std::move(c->m_current), http_should_keep_alive(p) != 0});
    c->m_current = RecordedRequest{};
    return 0;
}

void MockUpstream::Connection::onReadyRead()
{
    const QByteArray data = m_socket->readAll();
    if (m_closing || data.isEmpty()) {
        return;
    }
    static const http_parser_settings settings = [] {
        http_parser_settings s{};
        s.on_message_begin = &Connection::onMessageBegin;
        s.on_url = &Connection::onUrl;
        s.on_header_field = &Connection::onHeaderField;
        s.on_header_value = &Connection::onHeaderValue;
        s.on_headers_complete = &Connection::onHeadersComplete;
        s.on_body = &Connection::onBody;
        s.on_message_complete = &Connection::onMessageComplete;
        return s;
    }();
    const size_t parsed = http_parser_execute(&m_parser, &settings, data.constData(), size_t(data.size()));
    const bool failed = HTTP_PARSER_ERRNO(&m_parser) != HPE_OK || parsed != size_t(data.size());
    const QList<QPair<RecordedRequest, bool>> completed = std::exchange(m_completed, {});
    for (auto [request, keepAlive] : completed) {
        decodeBody(request);
        m_owner->m_requests.append(request);
        const int index = int(m_owner->m_requests.size()) - 1;
        m_pending.append(Pending{index, m_owner->takeReply(request), keepAlive});
        emit m_owner->requestReceived(index);
    }
    if (failed && !m_parser.upgrade) {
        qWarning("MockUpstream: malformed request (%s), closing", http_errno_name(HTTP_PARSER_ERRNO(&m_parser)));
        m_closing = true;
        m_socket->abort();
        return;
    }
    startNext();
}

void MockUpstream::Connection::onDisconnected()
{
    if (!m_closing && (m_active || !m_pending.isEmpty())) {
        ++m_owner->m_abortedByClient;
    }
    m_closing = true;
    --m_owner->m_openConnections;
    m_owner->m_connections.removeOne(this);
    deleteLater();
}

void MockUpstream::Connection::startNext()
{
    if (m_closing || m_active || m_pending.isEmpty()) {
        return;
    }
    m_active = m_pending.takeFirst();
    m_nextEvent = 0;
    m_delayWaited = false;
    const MockReply &reply = m_active->reply;
    if (reply.resetBeforeHeaders) {
        resetAsScripted();
    } else if (reply.neverRespond) {
        return; // stays active: a client closing now counts as abortedByClient
    } else if (reply.headerDelayMs > 0) {
        QTimer::singleShot(reply.headerDelayMs, this, [this] { sendHead(); });
    } else {
        sendHead();
    }
}

QByteArray MockUpstream::Connection::head(const MockReply &reply, bool closing) const
{
    QByteArray out =
        "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + rd::http::reasonPhrase(reply.status) + "\r\n";
    QByteArray contentType = reply.contentType;
    if (reply.sse && contentType == "application/json") {
        contentType = "text/event-stream; charset=utf-8";
    }
    if (!contentType.isEmpty()) {
        out += "content-type: " + contentType + "\r\n";
    }
    if (!rd::http::hasHeader(reply.headers, "request-id")) {
        out += "request-id: req_011MockUpstream" + QByteArray::number(m_active->index) + "\r\n";
    }
    for (const auto &[name, value] : reply.headers) {
        out += name + ": " + value + "\r\n";
    }
    if (reply.sse || reply.chunked) {
        out += "transfer-encoding: chunked\r\n";
    } else {
        out += "content-length: " + QByteArray::number(reply.body.size()) + "\r\n";
    }
    if (reply.sse) {
        out += "cache-control: no-cache\r\n";
    }
    out += closing ? "connection: close\r\n" : "connection: keep-alive\r\n";
    return out + "\r\n";
}

void MockUpstream::Connection::writeChunk(const QByteArray &data)
{
    if (!data.isEmpty()) {
        m_socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
    }
}

void MockUpstream::Connection::sendHead()
{
    if (m_closing || !m_active) {
        return;
    }
    const MockReply &reply = m_active->reply;
    m_socket->write(head(reply, reply.closeAfter || !m_active->keepAlive));
    if (reply.sse) {
        m_socket->flush();
        sendEvents();
        return;
    }
    if (reply.chunked) {
        writeChunk(reply.body);
        m_socket->write("0\r\n\r\n");
    } else {
        m_socket->write(reply.body);
    }
    m_socket->flush();
    finishReply();
}

void MockUpstream::Connection::sendEvents()
{
    while (!m_closing && m_active) {
        const MockReply &reply = m_active->reply;
        if (reply.resetAfterEvents >= 0 && m_nextEvent >= reply.resetAfterEvents) {
            resetAsScripted();
            return;
        }
        if (m_nextEvent >= reply.events.size()) {
            m_socket->write("0\r\n\r\n");
            m_socket->flush();
            finishReply();
            return;
        }
        const int delay = reply.events[m_nextEvent].first;
        if (delay > 0 && !m_delayWaited) {
            m_delayWaited = true;
            QTimer::singleShot(delay, this, [this] { sendEvents(); });
            return;
        }
        m_delayWaited = false;
        writeChunk(reply.events[m_nextEvent].second);
        m_socket->flush(); // each event leaves at once, as its own chunk
        ++m_nextEvent;
    }
}

void MockUpstream::Connection::finishReply()
{
    const int index = m_active->index;
    const bool keep = m_active->keepAlive && !m_active->reply.closeAfter;
    m_active.reset();
    if (!keep) {
        m_closing = true;
        m_socket->disconnectFromHost(); // after the buffered bytes are written
    }
    MockUpstream *owner = m_owner;
    emit owner->replyFinished(index);
    startNext();
}

void MockUpstream::Connection::resetAsScripted()
{
    const int index = m_active->index;
    m_active.reset();
    m_pending.clear();
    m_closing = true;
    resetSocket(m_socket);
    emit m_owner->replyFinished(index);
}

MockUpstream::MockUpstream(QObject *parent)
    : QObject(parent)
{}

MockUpstream::~MockUpstream()
{
    const QList<Connection *> connections = std::exchange(m_connections, {});
    qDeleteAll(connections);
}

bool MockUpstream::listen(bool tls)
{
    if (m_server) {
        return m_server->isListening();
    }
    m_tls = tls;
    QSslConfiguration config;
    if (tls) {
        const TlsIdentity &identity = localhostTlsIdentity();
        if (identity.certificate.isNull()) {
            return false;
        }
        config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(identity.certificate);
        config.setPrivateKey(identity.privateKey);
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
        config.setAllowedNextProtocols({QSslConfiguration::NextProtocolHttp1_1});
    }
    m_server = new DescriptorServer(
        [this, tls, config](qintptr descriptor) {
            QTcpSocket *socket = tls ? new QSslSocket : new QTcpSocket;
            if (tls) {
                static_cast<QSslSocket *>(socket)->setSslConfiguration(config);
            }
            if (!socket->setSocketDescriptor(descriptor)) {
                delete socket;
                return;
            }
            ++m_connectionsAccepted;
            ++m_openConnections;
            m_connections.append(new Connection(this, socket));
            if (tls) {
                static_cast<QSslSocket *>(socket)->startServerEncryption();
            }
        },
        this);
    return m_server->listen(QHostAddress::LocalHost, 0);
}

quint16 MockUpstream::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QString MockUpstream::baseUrl() const
{
    return (m_tls ? u"https://127.0.0.1:"_s : u"http://127.0.0.1:"_s) + QString::number(port());
}

QByteArray MockUpstream::caCertificatePem() const
{
    return localhostTlsIdentity().certificatePem;
}

void MockUpstream::enqueue(MockReply reply)
{
    m_queue.append(std::move(reply));
}

void MockUpstream::clear()
{
    m_requests.clear();
    m_queue.clear();
}

MockReply MockUpstream::takeReply(const RecordedRequest &request)
{
    return m_queue.isEmpty() ? defaultReply(request) : m_queue.takeFirst();
}

} // namespace rd::test
