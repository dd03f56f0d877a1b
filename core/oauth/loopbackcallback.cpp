// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/loopbackcallback.h"

#include "core/util/logging.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace rd::oauth {

namespace {

constexpr int kMaxConnections = 16; // browsers open a few speculative connections; nothing legitimate needs more

QByteArray page(const char *title, const char *message)
{
    return QByteArrayLiteral("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>") + title
           + QByteArrayLiteral("</title><style>body{font-family:system-ui,sans-serif;margin:4em auto;max-width:32em;"
                               "color:#222}h1{font-size:1.4em}</style></head><body><h1>")
           + title + QByteArrayLiteral("</h1><p>") + message + QByteArrayLiteral("</p></body></html>");
}

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    default:
        return "Request Header Fields Too Large";
    }
}

bool isLoopbackHost(const QString &host)
{
    return host == u"localhost" || QHostAddress(host).isLoopback();
}

} // namespace

LoopbackCallbackServer::LoopbackCallbackServer(QObject *parent)
    : QObject(parent)
{}

LoopbackCallbackServer::~LoopbackCallbackServer()
{
    stop();
}

bool LoopbackCallbackServer::listen(const QUrl &redirectUri, QString *error)
{
    const auto failWith = [error](const QString &message) {
        if (error) {
            *error = message;
        }
        return false;
    };
    if (redirectUri.scheme() != u"http" || !isLoopbackHost(redirectUri.host())) {
        return failWith(u"the redirect URI %1 is not a loopback http:// address"_s.arg(redirectUri.toDisplayString()));
    }
    stop();
    m_redirect = redirectUri.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment);
    m_path = m_redirect.path().isEmpty() ? u"/"_s : m_redirect.path();
    m_done = false;
    const auto port = static_cast<quint16>(redirectUri.port(kDefaultPort));
    m_server = new QTcpServer(this);
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &LoopbackCallbackServer::onNewConnection);
    if (!m_server->listen(QHostAddress::LocalHost, port)) {
        const QString why = m_server->serverError() == QAbstractSocket::AddressInUseError
                                ? u"port %1 is already in use (another sign-in or the Codex CLI?)"_s.arg(port)
                                : m_server->errorString();
        delete std::exchange(m_server, nullptr);
        return failWith(u"cannot listen on 127.0.0.1:%1 for the sign-in callback: %2"_s.arg(port).arg(why));
    }
    qCDebug(lcOAuth) << "waiting for the sign-in callback on 127.0.0.1 port" << m_server->serverPort();
    return true;
}

bool LoopbackCallbackServer::isListening() const
{
    return m_server && m_server->isListening();
}

quint16 LoopbackCallbackServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

void LoopbackCallbackServer::stop()
{
    if (m_server) {
        m_server->close();
        delete std::exchange(m_server, nullptr);
    }
    const QList<QTcpSocket *> sockets = std::exchange(m_sockets, {});
    for (QTcpSocket *socket : sockets) {
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
}

void LoopbackCallbackServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server ? m_server->nextPendingConnection() : nullptr) {
        // Bound to 127.0.0.1 already; the check keeps that true whatever the platform does with the address.
        if (!socket->peerAddress().isLoopback() || m_sockets.size() >= kMaxConnections) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        socket->setParent(this);
        m_sockets.append(socket);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_sockets.removeOne(socket);
            socket->deleteLater();
        });
    }
}

void LoopbackCallbackServer::onReadyRead(QTcpSocket *socket)
{
    if (socket->state() != QAbstractSocket::ConnectedState) {
        socket->readAll(); // answered already: the rest is drained, so closing does not reset the connection
        return;
    }
    // Peek: the request stays in the socket's buffer until the header is complete (or too large).
    const QByteArray head = socket->peek(kMaxRequestBytes + 1);
    if (!head.contains("\r\n\r\n") && !head.contains("\n\n")) {
        if (head.size() > kMaxRequestBytes) {
            socket->readAll();
            answer(socket, 431, page("Request too large", "The request header is too large."));
        }
        return;
    }
    socket->readAll(); // one request per connection: the answer closes it
    handle(socket, head.left(head.indexOf('\n')).trimmed());
}

void LoopbackCallbackServer::handle(QTcpSocket *socket, const QByteArray &requestLine)
{
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !parts.at(2).startsWith("HTTP/1.")) {
        answer(socket, 400, page("Bad request", "This address only answers the sign-in callback."));
        return;
    }
    if (parts.at(0) != "GET") {
        answer(socket, 405, page("Method not allowed", "This address only answers the sign-in callback."));
        return;
    }
    const QByteArray &target = parts.at(1);
    const qsizetype question = target.indexOf('?');
    const QByteArray path = question >= 0 ? target.left(question) : target; // QByteArray::left(-1) is empty
    if (path != m_path.toUtf8() || m_done) {
        answer(socket, 404, page("Not found", "This address only answers the sign-in callback."));
        return;
    }
    const QByteArray query = question >= 0 ? target.mid(question + 1) : QByteArray();
    const QUrlQuery items(QString::fromUtf8(query));
    const bool hasCode = !items.queryItemValue(u"code"_s).isEmpty();
    if (items.hasQueryItem(u"error"_s) || !hasCode) {
        answer(socket,
               400,
               page("Sign-in not completed",
                    "The sign-in did not complete. Return to RelayDesk for details and start it again."));
        if (!items.hasQueryItem(u"error"_s)) {
            return; // not a provider answer (a stray request): keep waiting for the real one
        }
    } else {
        answer(
            socket, 200, page("Signed in", "Signed in \xe2\x80\x94 you can close this tab and return to RelayDesk."));
    }
    // The provider has answered (a code or an error): one report, then nobody else gets in.
    m_done = true;
    if (m_server) {
        m_server->close();
    }
    QUrl callback = m_redirect;
    callback.setQuery(QString::fromUtf8(query), QUrl::TolerantMode);
    emit callbackReceived(callback.toString(QUrl::FullyEncoded)); // last: a receiver may delete this object
}

void LoopbackCallbackServer::answer(QTcpSocket *socket, int status, const QByteArray &html)
{
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status)
                  + "\r\ncontent-type: text/html; charset=utf-8\r\ncache-control: no-store\r\n"
                    "referrer-policy: no-referrer\r\ncontent-length: "
                  + QByteArray::number(html.size()) + "\r\nconnection: close\r\n\r\n" + html);
    socket->flush();              // now: the caller may stop() the server right after the callback is reported
    socket->disconnectFromHost(); // after the bytes are written
}

} // namespace rd::oauth
