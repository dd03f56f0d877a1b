// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>

class QTcpServer;

namespace rd::test {

// A SOCKS5 (RFC 1928 + RFC 1929 user/password) or HTTP CONNECT proxy on 127.0.0.1, for testing per-account proxies.
// Lives on the test's main thread; after the handshake it splices bytes both ways. The HTTP kind also forwards an
// absolute-form request (QNAM's way to reach http:// through a proxy) by rewriting its head to origin-form and then
// splicing the connection to that origin (counted as a tunnel too).
class MockProxy : public QObject
{
    Q_OBJECT
public:
    enum class Kind
    {
        Socks5,
        HttpConnect,
    };

    explicit MockProxy(Kind kind, QObject *parent = nullptr);
    ~MockProxy() override;

    void requireCredentials(const QByteArray &user, const QByteArray &password); // otherwise no auth
    bool listen();
    quint16 port() const;
    Kind kind() const { return m_kind; }
    int tunnelsOpened() const { return m_tunnelsOpened; } // successful tunnels (the target answered the connect)
    // Credentials presented and wrong, or (SOCKS5) the user/password method not offered. A bare HTTP 407 challenge
    // answering a CONNECT without Proxy-Authorization is not a failure (clients retry with credentials).
    int authFailures() const { return m_authFailures; }
    QList<QByteArray> targets() const { return m_targets; } // "host:port" each tunnel went to ("[v6]:port" for IPv6)
    int openTunnels() const { return m_openTunnels; }

signals:
    void tunnelOpened(const QByteArray &target);

private:
    class Session;
    friend class Session;

    Kind m_kind;
    QTcpServer *m_server = nullptr;
    bool m_requireAuth = false;
    QByteArray m_user;
    QByteArray m_password;
    int m_tunnelsOpened = 0;
    int m_authFailures = 0;
    int m_openTunnels = 0;
    QList<QByteArray> m_targets;
};

} // namespace rd::test
