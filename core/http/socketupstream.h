// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/upstreamtransport.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

namespace rd::http {

class UpstreamConnection;

// The hot-path upstream client: HTTP/1.1 over QTcpSocket/QSslSocket (+ QNetworkProxy), framed by http-parser,
// TCP_NODELAY, a keep-alive pool per endpoint with no per-host cap. Lives on one relay worker thread.
class SocketUpstream : public QObject, public UpstreamTransport
{
    Q_OBJECT
public:
    explicit SocketUpstream(QObject *parent = nullptr);
    ~SocketUpstream() override;

    UpstreamCall *start(UpstreamRequest &&request, UpstreamSink *sink) override;

    int idleConnectionCount() const;
    int activeConnectionCount() const { return m_active; }
    qint64 connectionsOpened() const { return m_opened; }
    void setIdleTimeoutMs(int ms) { m_idleTimeoutMs = ms; }

private:
    friend class UpstreamConnection;
    UpstreamConnection *takeIdle(const QByteArray &key);
    void release(UpstreamConnection *connection, bool reusable); // a call ended
    void forgetIdle(UpstreamConnection *connection);             // an idle connection closed or spoke out of turn
    void sweepIdle();
    QByteArray &scratch() { return m_scratch; }

    QHash<QByteArray, QList<UpstreamConnection *>> m_idle;
    QTimer *m_sweep = new QTimer(this); // a child: it moves with this object to its thread
    QByteArray m_scratch;               // one read buffer shared by every connection of this thread
    int m_active = 0;
    qint64 m_opened = 0;
    int m_idleTimeoutMs = 60'000;
};

} // namespace rd::http
