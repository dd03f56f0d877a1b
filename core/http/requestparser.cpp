// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/http/requestparser.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace rd::http {

namespace {
RequestParser *self(http_parser *p)
{
    return static_cast<RequestParser *>(p->data);
}

bool nameIs(const QByteArray &name, const char *lower)
{
    return name.compare(QByteArrayView(lower, static_cast<qsizetype>(std::strlen(lower))), Qt::CaseInsensitive) == 0;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}
} // namespace

QByteArray percentDecodePath(QByteArrayView path)
{
    if (!path.contains('%')) {
        return path.toByteArray();
    }
    QByteArray out;
    out.reserve(path.size());
    for (qsizetype i = 0; i < path.size(); ++i) {
        const char c = path[i];
        if (c == '%' && i + 2 < path.size()) {
            const int hi = hexValue(path[i + 1]);
            const int lo = hexValue(path[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.append(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.append(c);
    }
    return out;
}

RequestParser::RequestParser(ParserLimits limits)
    : m_limits(limits)
{
    http_parser_settings_init(&m_settings);
    m_settings.on_message_begin = &RequestParser::onMessageBegin;
    m_settings.on_url = &RequestParser::onUrl;
    m_settings.on_header_field = &RequestParser::onHeaderField;
    m_settings.on_header_value = &RequestParser::onHeaderValue;
    m_settings.on_headers_complete = &RequestParser::onHeadersComplete;
    m_settings.on_body = &RequestParser::onBody;
    m_settings.on_message_complete = &RequestParser::onMessageComplete;
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
}

qsizetype RequestParser::feed(const char *data, qsizetype size)
{
    if (m_state != State::NeedMore || size <= 0) {
        return 0;
    }
    const size_t parsed = http_parser_execute(&m_parser, &m_settings, data, static_cast<size_t>(size));
    const http_errno err = HTTP_PARSER_ERRNO(&m_parser);
    if (m_state == State::Complete) {
        // on_message_complete paused the parser so pipelined bytes wait for the next take().
        http_parser_pause(&m_parser, 0);
        return static_cast<qsizetype>(parsed);
    }
    if (m_state == State::Failed) {
        return static_cast<qsizetype>(parsed);
    }
    if (err != HPE_OK) {
        failWith(400, http_errno_description(err));
        return static_cast<qsizetype>(parsed);
    }
    return static_cast<qsizetype>(parsed);
}

HttpRequest RequestParser::take()
{
    Q_ASSERT(m_state == State::Complete);
    HttpRequest out = std::move(m_request);
    reset();
    return out;
}

void RequestParser::reset()
{
    m_request = HttpRequest();
    m_state = State::NeedMore;
    m_headerBytes = 0;
    m_lastWasValue = false;
    m_started = false;
    m_headersDone = false;
    m_expectContinue = false;
    m_sawContentLength = false;
    m_sawTransferEncoding = false;
}

void RequestParser::failWith(int status, const char *detail)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorDetail = detail;
}

bool RequestParser::countHeaderBytes(size_t len)
{
    m_headerBytes += static_cast<qsizetype>(len);
    if (m_headerBytes > m_limits.maxHeaderBytes) {
        failWith(431, "request header block too large");
        return false;
    }
    return true;
}

int RequestParser::onMessageBegin(http_parser *p)
{
    self(p)->m_started = true;
    return 0;
}

int RequestParser::onUrl(http_parser *p, const char *at, size_t len)
{
    RequestParser *r = self(p);
    r->m_started = true;
    // http-parser calls back once per feed() piece: count the line overhead once, not per piece.
    if (!r->countHeaderBytes(len + (r->m_request.target.isEmpty() ? 4 : 0))) {
        return 1;
    }
    r->m_request.target.append(at, static_cast<qsizetype>(len));
    return 0;
}

int RequestParser::onHeaderField(http_parser *p, const char *at, size_t len)
{
    RequestParser *r = self(p);
    const bool newHeader = r->m_lastWasValue || r->m_request.headers.isEmpty();
    if (!r->countHeaderBytes(len + (newHeader ? 4 : 0))) { // ": " and CRLF once per header line
        return 1;
    }
    appendHeaderNamePiece(r->m_request.headers, r->m_lastWasValue, at, len);
    return 0;
}

int RequestParser::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    RequestParser *r = self(p);
    if (!r->countHeaderBytes(len)) {
        return 1;
    }
    if (r->m_request.headers.isEmpty()) {
        r->failWith(400, "header value without a name");
        return 1;
    }
    appendHeaderValuePiece(r->m_request.headers, r->m_lastWasValue, at, len);
    return 0;
}

int RequestParser::onHeadersComplete(http_parser *p)
{
    RequestParser *r = self(p);
    HttpRequest &req = r->m_request;
    for (const Header &h : std::as_const(req.headers)) {
        if (nameIs(h.first, "content-length")) {
            r->m_sawContentLength = true;
        } else if (nameIs(h.first, "transfer-encoding")) {
            r->m_sawTransferEncoding = true;
        } else if (nameIs(h.first, "expect")) {
            r->m_expectContinue = h.second.trimmed().compare("100-continue", Qt::CaseInsensitive) == 0;
        }
    }
    // Both framings at once is the classic smuggling vector: refuse it outright and close.
    if (r->m_sawContentLength && r->m_sawTransferEncoding) {
        r->failWith(400, "both Content-Length and Transfer-Encoding present");
        return -1;
    }
    if (r->m_sawContentLength && p->content_length > static_cast<uint64_t>(r->m_limits.maxBodyBytes)) {
        r->failWith(413, "request body too large");
        return -1;
    }
    r->m_headersDone = true;
    req.method = QByteArray(http_method_str(static_cast<http_method>(p->method)));
    req.httpMinor = p->http_minor;
    req.keepAlive = http_should_keep_alive(p) != 0;
    const qsizetype q = req.target.indexOf('?');
    const QByteArrayView pathPart = q < 0 ? QByteArrayView(req.target) : QByteArrayView(req.target).first(q);
    if (q >= 0) {
        req.query = req.target.mid(q + 1);
    }
    req.path = percentDecodePath(pathPart);
    if (r->m_sawContentLength && p->content_length > 0 && p->content_length != ULLONG_MAX) {
        req.body.reserve(static_cast<qsizetype>(p->content_length) + kBodyPadding);
    }
    return 0;
}

int RequestParser::onBody(http_parser *p, const char *at, size_t len)
{
    RequestParser *r = self(p);
    QByteArray &body = r->m_request.body;
    if (body.size() + static_cast<qsizetype>(len) > r->m_limits.maxBodyBytes) {
        r->failWith(413, "request body too large");
        return 1;
    }
    if (body.capacity() < body.size() + static_cast<qsizetype>(len) + kBodyPadding) {
        body.reserve(std::max(body.capacity() * 2, body.size() + static_cast<qsizetype>(len) + kBodyPadding));
    }
    body.append(at, static_cast<qsizetype>(len));
    return 0;
}

int RequestParser::onMessageComplete(http_parser *p)
{
    RequestParser *r = self(p);
    r->m_state = State::Complete;
    http_parser_pause(p, 1);
    return 0;
}

} // namespace rd::http
