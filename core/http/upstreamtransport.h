// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"
#include "core/util/result.h"

#include <QByteArray>
#include <QList>
#include <QNetworkProxy>
#include <QSslCertificate>
#include <QString>

namespace rd::http {

// Where a relayed call goes: scheme/host/port, the account's proxy and any extra CA it trusts.
struct UpstreamEndpoint
{
    bool tls = true;
    QString host;
    quint16 port = 443;
    QNetworkProxy proxy{QNetworkProxy::NoProxy};
    QList<QSslCertificate> extraCaCertificates;

    QByteArray poolKey() const; // connections are reused only between calls with the same key
};

struct UpstreamRequest
{
    UpstreamEndpoint endpoint;
    QByteArray method = "POST";
    QByteArray target;  // origin-form: path + query
    HeaderList headers; // without Host and Content-Length: the transport sets those
    QByteArray body;
    int connectTimeoutMs = 10'000;
    int headersTimeoutMs = 600'000; // request written → response head complete
    int idleTimeoutMs = 600'000;    // between two body reads
};

// Receives one call's outcome, on the worker thread, in this order: headers, body*, then finished or failed
// (failed may also come before headers). Nothing is called after abort().
class UpstreamSink
{
public:
    virtual ~UpstreamSink() = default;
    virtual void upstreamHeaders(int status, HeaderList &&headers, qint64 contentLength) = 0; // -1 = unknown length
    virtual void upstreamBody(QByteArrayView data) = 0;
    virtual void upstreamBatchEnd() = 0; // a read batch was delivered: a good moment to flush to the client
    virtual void upstreamFinished() = 0; // the whole answer arrived; no upstreamBatchEnd() for its last batch
    virtual void upstreamFailed(const Error &error) = 0; // UpstreamConnect / UpstreamTimeout / UpstreamProtocol
};

// A call in flight. Owned by the transport; invalid after finished/failed/abort.
class UpstreamCall
{
public:
    virtual ~UpstreamCall() = default;
    virtual void abort() = 0;  // drops the connection; the sink hears nothing more
    virtual void pause() = 0;  // stop reading from the upstream (client is slow)
    virtual void resume() = 0; // continue reading
};

// The hot-path client (ARCHITECTURE.md "Two upstream transports"). One per relay worker thread.
class UpstreamTransport
{
public:
    virtual ~UpstreamTransport() = default;
    virtual UpstreamCall *start(UpstreamRequest &&request, UpstreamSink *sink) = 0;
};

} // namespace rd::http
