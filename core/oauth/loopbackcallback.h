// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace rd::oauth {

// The browser's way back after an OAuth sign-in whose redirect is a loopback URL (ChatGPT:
// localhost:1455/auth/callback): listens on 127.0.0.1 at the redirect's port, answers GET <path>?code=…&state=… with a
// small page and reports the callback URL once, then stops listening. Other paths get 404, non-GET 405, non-loopback
// peers are dropped. A one-shot local page, not the relay: request line and headers only, capped in size. Lives on the
// thread that created it.
class LoopbackCallbackServer : public QObject
{
    Q_OBJECT
public:
    static constexpr quint16 kDefaultPort = 1455;
    static constexpr qsizetype kMaxRequestBytes = 16 * 1024;

    explicit LoopbackCallbackServer(QObject *parent = nullptr);
    ~LoopbackCallbackServer() override;

    // Listens on 127.0.0.1:<the redirect's port, default 1455> for the redirect's path. False with a clear message
    // when the URI is unusable or the port is taken (the caller then lets the user paste the callback URL).
    bool listen(const QUrl &redirectUri, QString *error);
    bool isListening() const;
    quint16 port() const;
    void stop(); // stops listening and drops open connections

signals:
    // The full callback URL as the browser asked for it ("http://localhost:1455/auth/callback?code=…&state=…").
    // It holds the authorization code: never log it.
    void callbackReceived(const QString &callbackUrl);

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void answer(QTcpSocket *socket, int status, const QByteArray &html);
    void handle(QTcpSocket *socket, const QByteArray &requestLine);

    QTcpServer *m_server = nullptr;
    QList<QTcpSocket *> m_sockets;
    QUrl m_redirect;
    QString m_path;
    bool m_done = false;
};

} // namespace rd::oauth
