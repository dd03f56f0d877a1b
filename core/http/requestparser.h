// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"

#include <QByteArray>

#include <http_parser.h>

#include <memory>

namespace rd::http {

struct ParserLimits
{
    qsizetype maxHeaderBytes = qsizetype{64} * 1024; // request line + headers → 431 beyond
    qsizetype maxBodyBytes = 64LL * 1024 * 1024;     // decoded body → 413 beyond
};

// Incremental HTTP/1.1 request framing over http-parser. Not a QObject; owned by one ClientConnection.
// feed() stops after each complete request (pipelined bytes stay unconsumed until take() + feed() again).
class RequestParser
{
public:
    enum class State
    {
        NeedMore, // keep feeding
        Complete, // a request is ready: take() it
        Failed,   // errorStatus()/errorDetail() say why; the connection must be closed after the answer
    };

    explicit RequestParser(ParserLimits limits = {});
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    // Parses from data; returns how many bytes were consumed. Stops early on Complete or Failed.
    qsizetype feed(const char *data, qsizetype size);
    State state() const { return m_state; }
    HttpRequest take();                           // only in Complete; resets for the next request on the connection
    bool hasStarted() const { return m_started; } // any byte of the current request seen
    bool headersDone() const { return m_headersDone; }        // the head is complete, the body may follow
    bool expectsContinue() const { return m_expectContinue; } // "Expect: 100-continue" was sent
    int errorStatus() const { return m_errorStatus; }
    const char *errorDetail() const { return m_errorDetail; }

    // The body buffer keeps this much spare capacity so simdjson can parse it in place.
    static constexpr qsizetype kBodyPadding = 64;

private:
    static int onMessageBegin(http_parser *p);
    static int onUrl(http_parser *p, const char *at, size_t len);
    static int onHeaderField(http_parser *p, const char *at, size_t len);
    static int onHeaderValue(http_parser *p, const char *at, size_t len);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);
    bool countHeaderBytes(size_t len);
    void failWith(int status, const char *detail);
    void reset();

    ParserLimits m_limits;
    http_parser m_parser{};
    http_parser_settings m_settings{};
    HttpRequest m_request;
    State m_state = State::NeedMore;
    qsizetype m_headerBytes = 0;
    bool m_lastWasValue = false;
    bool m_started = false;
    bool m_headersDone = false;
    bool m_expectContinue = false;
    bool m_sawContentLength = false;
    bool m_sawTransferEncoding = false;
    int m_errorStatus = 0;
    const char *m_errorDetail = "";
};

QByteArray percentDecodePath(QByteArrayView path);

} // namespace rd::http
