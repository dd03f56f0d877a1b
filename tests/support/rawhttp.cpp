// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/rawhttp.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace rd::test {

namespace {

// Reads the chunked body from `at`; returns false while incomplete.
bool readChunks(const QByteArray &data, qsizetype at, RawResponse &out)
{
    while (true) {
        const qsizetype lineEnd = data.indexOf("\r\n", at);
        if (lineEnd < 0) {
            return false;
        }
        QByteArray sizeField = data.mid(at, lineEnd - at);
        if (const qsizetype semicolon = sizeField.indexOf(';'); semicolon >= 0) {
            sizeField.truncate(semicolon);
        }
        bool ok = false;
        const qsizetype size = sizeField.trimmed().toLongLong(&ok, 16);
        if (!ok) {
            return false;
        }
        if (size == 0) {
            const qsizetype trailerEnd = data.indexOf("\r\n", lineEnd + 2) == lineEnd + 2
                                             ? lineEnd + 4
                                             : data.indexOf("\r\n\r\n", lineEnd + 2) + 4;
            if (trailerEnd < 4 || trailerEnd > data.size()) {
                return false;
            }
            out.consumed = trailerEnd;
            return true;
        }
        if (data.size() < lineEnd + 2 + size + 2) {
            return false;
        }
        const QByteArray chunk = data.mid(lineEnd + 2, size);
        out.chunks.append(chunk);
        out.body += chunk;
        at = lineEnd + 2 + size + 2;
    }
}

} // namespace

RawResponse parseRawResponse(const QByteArray &data)
{
    RawResponse out;
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        return out;
    }
    const QList<QByteArray> lines = data.left(headEnd).split('\n');
    out.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0) {
            out.headers.append({lines[i].left(colon), lines[i].mid(colon + 1).trimmed()});
        }
    }
    const qsizetype bodyAt = headEnd + 4;
    out.chunked = out.header("transfer-encoding").toLower() == "chunked";
    if (out.chunked) {
        out.complete = readChunks(data, bodyAt, out);
    } else if (rd::http::hasHeader(out.headers, "content-length")) {
        const qsizetype length = out.header("content-length").toLongLong();
        out.body = data.mid(bodyAt, length);
        out.complete = data.size() >= bodyAt + length;
        out.consumed = out.complete ? bodyAt + length : 0;
    } else {
        out.body = data.mid(bodyAt); // until close
    }
    return out;
}

RawClient::RawClient(quint16 port, QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, [this] { m_received += m_socket.readAll(); });
    connect(&m_socket, &QTcpSocket::connected, this, [this] {
        m_socket.write(std::exchange(m_unsent, {}));
        m_socket.flush();
    });
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_disconnected = true; });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) { m_error = e; });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

void RawClient::send(const QByteArray &bytes)
{
    if (m_socket.state() != QAbstractSocket::ConnectedState) {
        m_unsent += bytes; // written once connected
        return;
    }
    m_socket.write(bytes);
    m_socket.flush();
}

} // namespace rd::test
