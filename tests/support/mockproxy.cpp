// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/mockproxy.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace rd::test {

// One client connection: the SOCKS5 or CONNECT handshake, then a byte splice between client and target.
class MockProxy::Session : public QObject
{
public:
    Session(MockProxy *owner, QTcpSocket *client);

private:
    enum class Stage
    {
        Greeting, // SOCKS5 method selection
        Auth,     // SOCKS5 user/password (RFC 1929)
        Request,  // SOCKS5 CONNECT request, or the HTTP CONNECT head
        Connecting,
        Splicing,
        Closing,
    };

    void onClientRead();
    bool socksGreeting();
    bool socksAuth();
    bool socksRequest();
    bool httpConnect();
    bool checkProxyAuthorization(const QByteArray &authorization, bool tunnel);
    bool credentialsMatch(const QByteArray &user, const QByteArray &password) const;
    void openTunnel(const QString &host, quint16 port, const QByteArray &target);
    void onUpstreamConnected();
    void onUpstreamError();
    void refuse(const QByteArray &answer); // write the answer, then close
    void onSocketGone();

    MockProxy *m_owner;
    QTcpSocket *m_client;
    QTcpSocket *m_upstream = nullptr;
    QByteArray m_buffer;
    QByteArray m_target;
    Stage m_stage;
    bool m_forwarding = false; // absolute-form HTTP request: no "200 Connection established"
    bool m_finished = false;
};

MockProxy::Session::Session(MockProxy *owner, QTcpSocket *client)
    : QObject(owner)
    , m_owner(owner)
    , m_client(client)
    , m_stage(owner->m_kind == Kind::Socks5 ? Stage::Greeting : Stage::Request)
{
    m_client->setParent(this);
    connect(m_client, &QTcpSocket::readyRead, this, &Session::onClientRead);
    connect(m_client, &QTcpSocket::disconnected, this, &Session::onSocketGone);
}

void MockProxy::Session::onClientRead()
{
    m_buffer += m_client->readAll();
    if (m_stage == Stage::Splicing) {
        m_upstream->write(std::exchange(m_buffer, {}));
        return;
    }
    // Each step consumes its bytes from m_buffer and returns true when the next step may run at once.
    bool progressed = true;
    while (progressed) {
        switch (m_stage) {
        case Stage::Greeting:
            progressed = socksGreeting();
            break;
        case Stage::Auth:
            progressed = socksAuth();
            break;
        case Stage::Request:
            progressed = m_owner->m_kind == Kind::Socks5 ? socksRequest() : httpConnect();
            break;
        default:
            progressed = false; // Connecting keeps the early bytes in m_buffer for the tunnel
            break;
        }
    }
}

bool MockProxy::Session::socksGreeting()
{
    if (m_buffer.size() < 2) {
        return false;
    }
    const int count = quint8(m_buffer[1]);
    if (m_buffer[0] != 5) {
        refuse({});
        return false;
    }
    if (m_buffer.size() < 2 + count) {
        return false;
    }
    const QByteArray methods = m_buffer.mid(2, count);
    m_buffer.remove(0, 2 + count);
    if (!m_owner->m_requireAuth && methods.contains('\x00')) {
        m_client->write("\x05\x00"_ba);
        m_stage = Stage::Request;
    } else if (methods.contains('\x02')) {
        m_client->write("\x05\x02"_ba);
        m_stage = Stage::Auth;
    } else {
        if (m_owner->m_requireAuth) {
            ++m_owner->m_authFailures;
        }
        refuse("\x05\xff"_ba);
        return false;
    }
    return true;
}

bool MockProxy::Session::socksAuth()
{
    if (m_buffer.size() < 2) {
        return false;
    }
    const int userLength = quint8(m_buffer[1]);
    if (m_buffer.size() < 3 + userLength) {
        return false;
    }
    const int passwordLength = quint8(m_buffer[2 + userLength]);
    if (m_buffer.size() < 3 + userLength + passwordLength) {
        return false;
    }
    const QByteArray user = m_buffer.mid(2, userLength);
    const QByteArray password = m_buffer.mid(3 + userLength, passwordLength);
    m_buffer.remove(0, 3 + userLength + passwordLength);
    if (!credentialsMatch(user, password)) {
        ++m_owner->m_authFailures;
        refuse("\x01\x01"_ba);
        return false;
    }
    m_client->write("\x01\x00"_ba);
    m_stage = Stage::Request;
    return true;
}

bool MockProxy::Session::socksRequest()
{
    if (m_buffer.size() < 5) {
        return false;
    }
    const char command = m_buffer[1];
    const char addressType = m_buffer[3];
    qsizetype addressLength = 0;
    if (addressType == 1) {
        addressLength = 4;
    } else if (addressType == 4) {
        addressLength = 16;
    } else if (addressType == 3) {
        addressLength = 1 + quint8(m_buffer[4]);
    } else {
        refuse("\x05\x08\x00\x01\x00\x00\x00\x00\x00\x00"_ba); // address type not supported
        return false;
    }
    if (m_buffer.size() < 4 + addressLength + 2) {
        return false;
    }
    const QByteArray address = m_buffer.mid(4, addressLength);
    const quint16 port = qFromBigEndian<quint16>(m_buffer.constData() + 4 + addressLength);
    m_buffer.remove(0, 4 + addressLength + 2);
    if (command != 1) {
        refuse("\x05\x07\x00\x01\x00\x00\x00\x00\x00\x00"_ba); // command not supported
        return false;
    }
    QString host;
    QByteArray target;
    if (addressType == 1) {
        host = QHostAddress(qFromBigEndian<quint32>(address.constData())).toString();
        target = host.toLatin1();
    } else if (addressType == 4) {
        host = QHostAddress(reinterpret_cast<const quint8 *>(address.constData())).toString();
        target = '[' + host.toLatin1() + ']';
    } else {
        target = address.mid(1);
        host = QString::fromLatin1(target);
    }
    openTunnel(host, port, target + ':' + QByteArray::number(port));
    return false;
}

bool MockProxy::Session::httpConnect()
{
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        return false;
    }
    const QList<QByteArray> lines = m_buffer.left(end).split('\n');
    m_buffer.remove(0, end + 4);
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    const bool tunnel = requestLine.value(0) == "CONNECT";
    // Besides CONNECT, an absolute-form request ("GET http://host:port/path", what QNAM sends for http:// through an
    // HTTP proxy) is forwarded: its head is rewritten to origin-form, then the connection is spliced to that origin.
    const bool forward = !tunnel && requestLine.value(1).startsWith("http://");
    if (requestLine.size() != 3 || (!tunnel && !forward)) {
        refuse("HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"_ba);
        return false;
    }
    QByteArray authorization;
    QByteArray forwardedHead;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        const QByteArray name = lines[i].left(colon).trimmed().toLower();
        if (name == "proxy-authorization") {
            authorization = lines[i].mid(colon + 1).trimmed();
        } else if (name != "proxy-connection") {
            forwardedHead += lines[i].trimmed() + "\r\n";
        }
    }
    if (m_owner->m_requireAuth && !checkProxyAuthorization(authorization, tunnel)) {
        return tunnel && authorization.isEmpty(); // a bare challenge keeps the connection for the retry
    }
    QByteArray target = requestLine[1];
    if (forward) {
        const QUrl url(QString::fromLatin1(target));
        target = url.host(QUrl::FullyEncoded).toLatin1() + ':' + QByteArray::number(url.port(80));
        const QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
        const QByteArray query = url.hasQuery() ? '?' + url.query(QUrl::FullyEncoded).toLatin1() : QByteArray();
        m_buffer.prepend(requestLine[0] + ' ' + (path.isEmpty() ? "/"_ba : path) + query + ' ' + requestLine[2] + "\r\n"
                         + forwardedHead + "\r\n");
    }
    const qsizetype colon = target.lastIndexOf(':');
    QByteArray host = target.left(colon);
    if (host.startsWith('[') && host.endsWith(']')) {
        host = host.mid(1, host.size() - 2);
    }
    m_forwarding = forward;
    openTunnel(QString::fromLatin1(host), target.mid(colon + 1).toUShort(), target);
    return false;
}

bool MockProxy::Session::checkProxyAuthorization(const QByteArray &authorization, bool tunnel)
{
    static const QByteArray challenge =
        "HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm=\"relaydesk-mock\"\r\n"
        "content-length: 0\r\n"_ba;
    if (authorization.isEmpty()) {
        // A challenge, not a failure: clients send the CONNECT again with credentials (on this connection).
        if (tunnel) {
            m_client->write(challenge + "\r\n");
        } else {
            refuse(challenge + "connection: close\r\n\r\n");
        }
        return false;
    }
    const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6));
    const qsizetype colon = decoded.indexOf(':');
    if (!authorization.toLower().startsWith("basic ") || colon < 0
        || !credentialsMatch(decoded.left(colon), decoded.mid(colon + 1))) {
        ++m_owner->m_authFailures;
        refuse(challenge + "connection: close\r\n\r\n");
        return false;
    }
    return true;
}

bool MockProxy::Session::credentialsMatch(const QByteArray &user, const QByteArray &password) const
{
    return !m_owner->m_requireAuth || (user == m_owner->m_user && password == m_owner->m_password);
}

void MockProxy::Session::openTunnel(const QString &host, quint16 port, const QByteArray &target)
{
    m_stage = Stage::Connecting;
    m_target = target;
    m_upstream = new QTcpSocket(this);
    connect(m_upstream, &QTcpSocket::connected, this, &Session::onUpstreamConnected);
    connect(m_upstream, &QTcpSocket::errorOccurred, this, &Session::onUpstreamError);
    connect(m_upstream, &QTcpSocket::disconnected, this, &Session::onSocketGone);
    connect(m_upstream, &QTcpSocket::readyRead, this, [this] { m_client->write(m_upstream->readAll()); });
    m_upstream->connectToHost(host, port);
}

void MockProxy::Session::onUpstreamConnected()
{
    if (m_owner->m_kind == Kind::Socks5) {
        QByteArray answer = "\x05\x00\x00\x01"_ba;
        char bound[6];
        qToBigEndian<quint32>(m_upstream->localAddress().toIPv4Address(), bound);
        qToBigEndian<quint16>(m_upstream->localPort(), bound + 4);
        m_client->write(answer + QByteArray(bound, 6));
    } else if (!m_forwarding) {
        m_client->write("HTTP/1.1 200 Connection established\r\n\r\n"_ba);
    }
    m_stage = Stage::Splicing;
    ++m_owner->m_tunnelsOpened;
    ++m_owner->m_openTunnels;
    m_owner->m_targets.append(m_target);
    if (!m_buffer.isEmpty()) {
        m_upstream->write(std::exchange(m_buffer, {}));
    }
    emit m_owner->tunnelOpened(m_target);
}

void MockProxy::Session::onUpstreamError()
{
    if (m_stage != Stage::Connecting) {
        return; // a splice ending: onSocketGone handles it
    }
    refuse(m_owner->m_kind == Kind::Socks5
               ? "\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00"_ba // connection refused
               : "HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"_ba);
}

void MockProxy::Session::refuse(const QByteArray &answer)
{
    m_stage = Stage::Closing;
    if (!answer.isEmpty()) {
        m_client->write(answer);
    }
    m_client->disconnectFromHost(); // writes what is buffered first
}

void MockProxy::Session::onSocketGone()
{
    // Pass on what is left, then close the other side too (half-close is not modelled).
    if (m_upstream && m_stage == Stage::Splicing) {
        m_client->write(m_upstream->readAll());
        m_upstream->write(m_client->readAll());
    }
    if (m_stage == Stage::Splicing) {
        --m_owner->m_openTunnels;
    }
    m_stage = Stage::Closing;
    if (m_client->state() != QAbstractSocket::UnconnectedState) {
        m_client->disconnectFromHost();
    }
    if (m_upstream && m_upstream->state() != QAbstractSocket::UnconnectedState) {
        m_upstream->disconnectFromHost();
    }
    const bool clientGone = m_client->state() == QAbstractSocket::UnconnectedState;
    const bool upstreamGone = !m_upstream || m_upstream->state() == QAbstractSocket::UnconnectedState;
    if (clientGone && upstreamGone && !m_finished) {
        m_finished = true;
        deleteLater();
    }
}

MockProxy::MockProxy(Kind kind, QObject *parent)
    : QObject(parent)
    , m_kind(kind)
{}

MockProxy::~MockProxy() = default;

void MockProxy::requireCredentials(const QByteArray &user, const QByteArray &password)
{
    m_requireAuth = true;
    m_user = user;
    m_password = password;
}

bool MockProxy::listen()
{
    if (m_server) {
        return m_server->isListening();
    }
    m_server = new QTcpServer(this);
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            new Session(this, socket);
        }
    });
    return m_server->listen(QHostAddress::LocalHost, 0);
}

quint16 MockProxy::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

} // namespace rd::test
