// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/relayclient.h"

#include <QTest>

namespace rd::test {

RelayClient::RelayClient()
{
    http_parser_settings_init(&m_settings);
    m_settings.on_header_field = &RelayClient::onHeaderField;
    m_settings.on_header_value = &RelayClient::onHeaderValue;
    m_settings.on_headers_complete = &RelayClient::onHeadersComplete;
    m_settings.on_body = &RelayClient::onBody;
    m_settings.on_message_complete = &RelayClient::onMessageComplete;
}

bool RelayClient::connectTo(quint16 port, int timeoutMs)
{
    m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    QElapsedTimer t;
    t.start();
    while (m_socket.state() != QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs
           && m_socket.state() != QAbstractSocket::UnconnectedState) {
        QTest::qWait(2);
    }
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

void RelayClient::send(const QByteArray &bytes)
{
    m_clock.start();
    m_socket.write(bytes);
    m_socket.flush();
}

// The parser's user data points at the response being read; a static trampoline per callback.
struct ParserState
{
    RelayClient::Response *response;
    bool *lastWasValue;
    QElapsedTimer *clock;
};

int RelayClient::onHeaderField(http_parser *p, const char *at, size_t len)
{
    auto *s = static_cast<ParserState *>(p->data);
    http::appendHeaderNamePiece(s->response->headers, *s->lastWasValue, at, len);
    return 0;
}

int RelayClient::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    auto *s = static_cast<ParserState *>(p->data);
    http::appendHeaderValuePiece(s->response->headers, *s->lastWasValue, at, len);
    return 0;
}

int RelayClient::onHeadersComplete(http_parser *p)
{
    auto *s = static_cast<ParserState *>(p->data);
    s->response->status = static_cast<int>(p->status_code);
    s->response->chunked = (p->flags & F_CHUNKED) != 0;
    return 0;
}

int RelayClient::onBody(http_parser *p, const char *at, size_t len)
{
    auto *s = static_cast<ParserState *>(p->data);
    if (s->response->firstBodyMs < 0) {
        s->response->firstBodyMs = s->clock->elapsed();
    }
    s->response->body.append(at, static_cast<qsizetype>(len));
    return 0;
}

int RelayClient::onMessageComplete(http_parser *p)
{
    auto *s = static_cast<ParserState *>(p->data);
    s->response->complete = true;
    s->response->doneMs = s->clock->elapsed();
    http_parser_pause(p, 1);
    return 0;
}

RelayClient::Response RelayClient::readResponse(int timeoutMs, QByteArrayView stopWhenBodyContains)
{
    Response response;
    bool lastWasValue = false;
    ParserState state{&response, &lastWasValue, &m_clock};
    http_parser_init(&m_parser, HTTP_RESPONSE);
    m_parser.data = &state;
    if (!m_clock.isValid()) {
        m_clock.start();
    }
    QElapsedTimer t;
    t.start();
    auto feed = [&](const QByteArray &bytes) {
        const size_t used =
            http_parser_execute(&m_parser, &m_settings, bytes.constData(), static_cast<size_t>(bytes.size()));
        if (response.complete && used < static_cast<size_t>(bytes.size())) {
            m_pending = bytes.mid(static_cast<qsizetype>(used));
        }
    };
    if (!m_pending.isEmpty()) {
        feed(std::exchange(m_pending, {}));
    }
    while (!response.complete && t.elapsed() < timeoutMs) {
        if (!stopWhenBodyContains.isEmpty() && response.body.contains(stopWhenBodyContains)) {
            break;
        }
        if (m_socket.bytesAvailable() > 0) {
            feed(m_socket.readAll());
            continue;
        }
        if (m_socket.state() != QAbstractSocket::ConnectedState) {
            feed(m_socket.readAll());
            http_parser_execute(&m_parser, &m_settings, nullptr, 0); // EOF ends a close-delimited body
            response.closed = true;
            break;
        }
        QTest::qWait(1);
    }
    return response;
}

bool RelayClient::waitForDisconnect(int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (m_socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs) {
        m_socket.readAll();
        QTest::qWait(2);
    }
    return m_socket.state() != QAbstractSocket::ConnectedState;
}

QByteArray RelayClient::post(const QByteArray &path, const QByteArray &body, const http::HeaderList &headers)
{
    QByteArray out = "POST " + path + " HTTP/1.1\r\nhost: relay\r\ncontent-type: application/json\r\n";
    for (const auto &h : headers) {
        out += h.first + ": " + h.second + "\r\n";
    }
    out += "content-length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return out;
}

QByteArray RelayClient::get(const QByteArray &path, const http::HeaderList &headers)
{
    QByteArray out = "GET " + path + " HTTP/1.1\r\nhost: relay\r\n";
    for (const auto &h : headers) {
        out += h.first + ": " + h.second + "\r\n";
    }
    return out + "\r\n";
}

RelayClient::Response RelayClient::roundTrip(quint16 port, const QByteArray &request, int timeoutMs)
{
    RelayClient c;
    if (!c.connectTo(port)) {
        return {};
    }
    c.send(request);
    return c.readResponse(timeoutMs);
}

http::HeaderList RelayClient::anthropicHeaders(const QByteArray &key)
{
    return {{"x-api-key", key}, {"anthropic-version", "2023-06-01"}};
}

} // namespace rd::test
