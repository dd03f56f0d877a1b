// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/http/acceptor.h"

#include "core/http/httptypes.h"
#include "core/util/logging.h"

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace rd::http {

namespace {
QByteArray busyResponse()
{
    // Built per refusal: every response carries its own x-request-id.
    const char *body =
        R"({"type":"error","error":{"type":"api_error","message":"RelayDesk is at its connection limit; retry shortly"}})";
    QByteArray out("HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
                   "retry-after: 1\r\nconnection: close\r\nx-request-id: ");
    out.append(newRequestId());
    out.append("\r\ncontent-length: ");
    out.append(QByteArray::number(static_cast<qsizetype>(qstrlen(body))));
    out.append("\r\n\r\n");
    out.append(body);
    return out;
}
} // namespace

Acceptor::Acceptor(QList<ConnectionHost *> hosts, int maxConnections, std::shared_ptr<std::atomic<int>> openCount)
    : m_hosts(std::move(hosts))
    , m_maxConnections(maxConnections)
    , m_openCount(std::move(openCount))
{
    Q_ASSERT(!m_hosts.isEmpty());
}

void Acceptor::incomingConnection(qintptr descriptor)
{
    if (m_openCount->load(std::memory_order_relaxed) >= m_maxConnections) {
#ifdef Q_OS_UNIX
        // The whole answer fits any fresh socket buffer; best effort, then close.
        const QByteArray busy = busyResponse();
        [[maybe_unused]] const auto sent =
            ::send(static_cast<int>(descriptor), busy.constData(), static_cast<size_t>(busy.size()), MSG_NOSIGNAL);
        ::close(static_cast<int>(descriptor));
#endif
        qCWarning(lcHttp) << "connection cap reached (" << m_maxConnections << "): refused a client with 503";
        return;
    }
    m_openCount->fetch_add(1, std::memory_order_relaxed);
    ConnectionHost *host = m_hosts.at(m_next);
    m_next = (m_next + 1) % static_cast<int>(m_hosts.size());
    QMetaObject::invokeMethod(
        host, [host, descriptor] { host->adopt(descriptor); }, Qt::QueuedConnection);
}

long raiseOpenFileLimit()
{
#ifdef Q_OS_UNIX
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        return -1;
    }
    if (lim.rlim_cur < lim.rlim_max) {
        rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            lim = raised;
        }
    }
    return static_cast<long>(lim.rlim_cur);
#else
    return -1;
#endif
}

} // namespace rd::http
