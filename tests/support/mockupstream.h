// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"
#include "tests/support/mockproxy.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

class QTcpServer;

namespace rd::test {

using HeaderList = rd::http::HeaderList;

// One scripted answer of MockUpstream.
struct MockReply
{
    int status = 200;
    HeaderList headers; // extra headers (retry-after, x-should-retry, anthropic-ratelimit-* …)
    QByteArray contentType =
        "application/json";               // with sse and this default, "text/event-stream; charset=utf-8" is sent
    QByteArray body;                      // whole body (non-SSE)
    QList<QPair<int, QByteArray>> events; // SSE: (delay ms before it, complete event text "event: x\ndata: …\n\n")
    bool sse = false;                     // stream `events` chunked (one chunk per event, flushed at once)
    bool chunked = false;                 // non-SSE body sent chunked instead of Content-Length
    int headerDelayMs = 0;                // wait before sending the status line (slow first byte)
    int resetAfterEvents = -1;            // SSE: reset the connection (RST) after this many events
    bool resetBeforeHeaders = false;      // reset as soon as the request is read (no response)
    bool neverRespond = false;            // read the request, then stay silent (timeouts)
    bool closeAfter = false;              // send "connection: close" and close after the response
};

struct RecordedRequest
{
    QByteArray method;
    QByteArray target;  // request-target as sent (path + query)
    HeaderList headers; // names and values as sent, in order
    QByteArray body;    // decoded: de-chunked, and inflated when sent with content-encoding: gzip
    QByteArray rawBody; // de-chunked bytes as sent (differs from body only for a gzip request)

    QByteArray header(QByteArrayView lowerName) const { return rd::http::headerValue(headers, lowerName); }
};

// A scripted HTTP/1.1 (optionally TLS) upstream on 127.0.0.1, driven by the event loop of the thread it lives on (the
// test's main thread). Replies come from a FIFO queue; with the queue empty it answers by path: like the Anthropic API
// (§3.1) on /v1/messages…, like OpenAI (§3.2, §3.3), the ChatGPT backend (§3.4) and Azure OpenAI (§3.7) on theirs.
class MockUpstream : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultCountTokens = 2095; // the default POST …/v1/messages/count_tokens answer
    static constexpr const char *kDefaultModel = "claude-sonnet-4-5-20250929"; // when the request names none
    // Usage of the default OpenAI-side answers (Responses and Chat); reasoning tokens only when the request had
    // a `reasoning` object (Codex always sends one).
    static constexpr int kOpenAIInputTokens = 24;
    static constexpr int kOpenAIOutputTokens = 8;
    static constexpr int kOpenAIReasoningTokens = 5;

    explicit MockUpstream(QObject *parent = nullptr);
    ~MockUpstream() override;

    bool
    listen(bool tls = false); // 127.0.0.1, port 0; TLS with localTlsIdentity() (self-signed for 127.0.0.1/localhost)
    quint16 port() const;
    bool isTls() const { return m_tls; }
    QString baseUrl() const;             // "http://127.0.0.1:<port>" or "https://127.0.0.1:<port>"
    QByteArray caCertificatePem() const; // the TLS certificate (its own CA)
    void enqueue(MockReply reply);       // FIFO: the next request gets the next reply
    int queuedReplies() const { return int(m_queue.size()); }

    QList<RecordedRequest> requests() const { return m_requests; }
    int requestCount() const { return int(m_requests.size()); }
    int connectionsAccepted() const { return m_connectionsAccepted; }
    int openConnections() const { return m_openConnections; }
    // Connections the client closed while a reply was still in progress (header delay, SSE events left, or silent
    // after neverRespond).
    int abortedByClient() const { return m_abortedByClient; }
    void clear(); // forget recorded requests and queued replies (counters stay)

    // Builders, faithful to PROTOCOLS §3.1 (field order as documented, `\n` line ends).
    static MockReply message(const QByteArray &model,
                             const QByteArray &text,
                             int input = 12,
                             int output = 6,
                             int cacheRead = 0,
                             int cache5m = 0,
                             int cache1h = 0);
    // delayMs is waited before every event but the first (message_start goes out with the headers).
    static MockReply stream(const QByteArray &model,
                            const QList<QByteArray> &textPieces,
                            int input = 12,
                            int output = 6,
                            int delayMs = 0,
                            int cacheRead = 0,
                            int cache5m = 0,
                            int cache1h = 0);
    static MockReply toolUseStream(const QByteArray &model,
                                   const QByteArray &toolName,
                                   const QList<QByteArray> &partialJsonPieces,
                                   int input,
                                   int output);
    // A thinking block (thinking_delta pieces, one signature_delta) followed by a text block.
    static MockReply thinkingStream(const QByteArray &model,
                                    const QList<QByteArray> &thinkingPieces,
                                    const QByteArray &signature,
                                    const QList<QByteArray> &textPieces,
                                    int input = 12,
                                    int output = 6);
    static MockReply error(int status, const QByteArray &type, const QByteArray &message, HeaderList extra = {});
    static MockReply streamError(const QByteArray &type, const QByteArray &message); // 200 SSE, first event `error`

    // OpenAI Responses API (§3.3): `event: <type>` + `data: {"type":…,"sequence_number":n}`, no [DONE]. A reasoning
    // item with a summary comes first when reasoning > 0. delayMs is waited before every event but the first.
    static MockReply responsesStream(const QByteArray &model,
                                     const QList<QByteArray> &textPieces,
                                     int input,
                                     int output,
                                     int cached = 0,
                                     int reasoning = 0,
                                     int delayMs = 0);
    static MockReply responsesJson(
        const QByteArray &model, const QByteArray &text, int input, int output, int cached = 0, int reasoning = 0);
    static MockReply responsesFunctionCallStream(const QByteArray &model,
                                                 const QByteArray &name,
                                                 const QByteArray &callId,
                                                 const QList<QByteArray> &argumentPieces,
                                                 int input,
                                                 int output);
    static MockReply responsesFunctionCallJson(const QByteArray &model,
                                               const QByteArray &name,
                                               const QByteArray &callId,
                                               const QByteArray &arguments,
                                               int input,
                                               int output);
    static MockReply responsesFailed(const QByteArray &code, const QByteArray &message);      // created, then failed
    static MockReply responsesStreamError(const QByteArray &code, const QByteArray &message); // first event `error`
    // ChatGPT backend (§3.4): 429 usage_limit_reached (resets_at = now + resetsInSeconds), or the same in a 200 stream.
    static MockReply codexUsageLimit(int resetsInSeconds, const QByteArray &planType = "plus");
    static MockReply codexUsageLimitInStream(int resetsInSeconds, const QByteArray &planType = "plus");
    // x-codex-primary-* (300-minute window) and x-codex-secondary-* (10080-minute window) headers.
    static HeaderList
    codexUsageHeaders(double primaryPercent, int primaryResetAfterS, double secondaryPercent, int secondaryResetAfterS);
    static MockReply compactJson(const QByteArray &model, int input, int output); // POST …/responses/compact
    // §2.1 OpenAI error body; an empty code is written as null. Carries x-request-id unless extra names one.
    static MockReply openaiError(
        int status, const QByteArray &type, const QByteArray &code, const QByteArray &message, HeaderList extra = {});

    // OpenAI Chat Completions (§3.2): `data:` lines only, ending `data: [DONE]`. With includeUsage every chunk has
    // "usage":null and a last chunk with empty choices carries the usage.
    static MockReply chatStream(const QByteArray &model,
                                const QList<QByteArray> &textPieces,
                                int prompt,
                                int completion,
                                int cached = 0,
                                bool includeUsage = true);
    static MockReply chatToolCallStream(const QByteArray &model,
                                        const QByteArray &name,
                                        const QByteArray &callId,
                                        const QList<QByteArray> &argumentPieces,
                                        int prompt,
                                        int completion,
                                        bool includeUsage = true);
    static MockReply
    chatJson(const QByteArray &model, const QByteArray &text, int prompt, int completion, int cached = 0);
    static MockReply chatToolCallJson(const QByteArray &model,
                                      const QByteArray &name,
                                      const QByteArray &callId,
                                      const QByteArray &arguments,
                                      int prompt,
                                      int completion);
    // chatStream preceded by Azure's first chunk ("choices":[] and prompt_filter_results, §3.7).
    static MockReply azureChatStream(const QByteArray &model,
                                     const QList<QByteArray> &textPieces,
                                     int prompt,
                                     int completion,
                                     int cached = 0,
                                     bool includeUsage = true);
    // `count` 8-dimension vectors; base64 = little-endian float32 as the SDKs' default encoding_format asks.
    static MockReply embeddingsJson(const QByteArray &model, int count, int promptTokens, bool base64 = false);

    // Pieces for hand-built scripts.
    static QByteArray sseEvent(const QByteArray &name, const QByteArray &json); // "event: name\ndata: json\n\n"
    static QByteArray sseData(const QByteArray &json);                          // "data: json\n\n"
    static QByteArray jsonString(const QByteArray &utf8);                       // quoted, escaped JSON string

signals:
    void requestReceived(int index);
    void replyFinished(int index); // the whole reply was written (or the connection reset as scripted)

private:
    class Connection;
    friend class Connection;

    MockReply takeReply(const RecordedRequest &request);
    static MockReply defaultReply(const RecordedRequest &request);

    QTcpServer *m_server = nullptr;
    bool m_tls = false;
    QList<MockReply> m_queue;
    QList<RecordedRequest> m_requests;
    QList<Connection *> m_connections;
    int m_connectionsAccepted = 0;
    int m_openConnections = 0;
    int m_abortedByClient = 0;
};

} // namespace rd::test
