// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QObject>
#include <QTcpServer>

#include <atomic>
#include <memory>

namespace rd::http {

// A worker that can take over an accepted socket on its own thread.
class ConnectionHost : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void adopt(qintptr descriptor) = 0; // runs on the host's thread
};

// Accepts on its own thread ("relay-accept") and deals descriptors round-robin to the hosts. Over the
// connection cap it answers 503 itself and closes, so no client waits silently in the backlog.
class Acceptor : public QTcpServer
{
    Q_OBJECT
public:
    Acceptor(QList<ConnectionHost *> hosts, int maxConnections, std::shared_ptr<std::atomic<int>> openCount);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QList<ConnectionHost *> m_hosts;
    int m_next = 0;
    int m_maxConnections;
    std::shared_ptr<std::atomic<int>> m_openCount;
};

// Raises the soft open-file limit to the hard limit; returns the limit in force afterwards.
long raiseOpenFileLimit();

} // namespace rd::http
