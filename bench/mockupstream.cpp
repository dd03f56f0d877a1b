// SPDX-License-Identifier: GPL-3.0-or-later
// relaydesk-bench-mock: a fast, faithful stand-in for the Anthropic Messages API (PROTOCOLS.md §3.1) on loopback.
// One epoll loop per thread (SO_REUSEPORT listeners), HTTP/1.1 keep-alive, optional TLS, timer-driven SSE streams.
#include "benchcommon.h"

#include <arpa/inet.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace rd::bench;

constexpr uint64_t kListenerTag = ~uint64_t{0};
constexpr size_t kReadBuf = 64 * 1024;
constexpr const char *kDefaultModel = "claude-sonnet-4-5-20250929";

struct Options
{
    int port = 0;
    int threads = 1;
    int events = 10;
    int delayMs = 0;
    std::string certFile;
    std::string keyFile;
    bool requireAuth = true;
};

std::atomic<uint64_t> g_requestCounter{1};

enum class HeaderSel
{
    None,
    Events,
    Delay,
    Status,
    Version,
    Auth,
    Expect,
};

struct Conn
{
    uint32_t slot = 0;
    uint32_t gen = 0;
    Stream io;
    http_parser parser{};
    std::string pending; // unparsed input kept while a response is in progress
    std::string out;
    size_t outPos = 0;
    bool epollOut = false;
    bool closeAfterFlush = false;
    // request being parsed
    std::string url;
    std::string body;
    HeaderSel sel = HeaderSel::None;
    std::string value;
    int events = -1;
    int delayMs = -1;
    int forceStatus = 0;
    bool hasVersion = false;
    bool hasAuth = false;
    bool keepAlive = true;
    // stream in progress (timer driven)
    bool busy = false;
    int deltasLeft = 0;
    int deltasTotal = 0;
    int delay = 0;
    int inputTokens = 0;
    int64_t nextAt = 0;
};

class Worker
{
public:
    Worker(const Options &opts, int listenFd, SSL_CTX *tls)
        : m_opts(opts)
        , m_listenFd(listenFd)
        , m_tls(tls)
    {}
    void run();

private:
    static int onUrl(http_parser *p, const char *at, size_t len);
    static int onHeaderField(http_parser *p, const char *at, size_t len);
    static int onHeaderValue(http_parser *p, const char *at, size_t len);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);
    static void finishHeaderValue(Conn &c);

    void acceptAll();
    void handleEvent(Conn &c, uint32_t events);
    void feed(Conn &c, const char *data, size_t len);
    void handleRequest(Conn &c);
    void resetRequest(Conn &c);
    void sendSimple(Conn &c, int status, std::string_view body, std::string_view contentType);
    void sendError(Conn &c, int status);
    void startStream(Conn &c, std::string_view model);
    void streamTick(Conn &c);
    void finishStream(Conn &c);
    void appendChunk(Conn &c, std::string_view eventName, std::string_view data);
    void endResponse(Conn &c);
    void flush(Conn &c);
    void updateInterest(Conn &c);
    void closeConn(Conn &c);
    Conn *lookup(uint64_t tag);

    const Options &m_opts;
    int m_listenFd;
    SSL_CTX *m_tls;
    int m_epoll = -1;
    http_parser_settings m_settings{};
    std::vector<std::unique_ptr<Conn>> m_conns;
    std::vector<uint32_t> m_free;
    TimerQueue m_timers;
    std::string m_scratch;
};

uint64_t tagOf(const Conn &c)
{
    return (static_cast<uint64_t>(c.gen) << 32) | c.slot;
}

bool equalsNoCase(const char *a, size_t alen, std::string_view b)
{
    if (alen != b.size()) {
        return false;
    }
    for (size_t i = 0; i < alen; ++i) {
        char x = a[i];
        if (x >= 'A' && x <= 'Z') {
            x = static_cast<char>(x - 'A' + 'a');
        }
        if (x != b[i]) {
            return false;
        }
    }
    return true;
}

// True if the JSON text has a top-level-looking `"stream": true` (whitespace tolerant, escaped quotes ignored).
bool bodyWantsStream(std::string_view body)
{
    size_t pos = 0;
    while ((pos = body.find("\"stream\"", pos)) != std::string_view::npos) {
        const bool escaped = pos > 0 && body[pos - 1] == '\\';
        size_t i = pos + 8;
        pos = i;
        if (escaped) {
            continue;
        }
        while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) {
            ++i;
        }
        if (i >= body.size() || body[i] != ':') {
            continue;
        }
        ++i;
        while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) {
            ++i;
        }
        if (body.substr(i, 4) == "true") {
            return true;
        }
    }
    return false;
}

// The request's model name when it is a plain identifier, else the default model.
std::string_view bodyModel(std::string_view body)
{
    const size_t key = body.find("\"model\"");
    if (key == std::string_view::npos) {
        return kDefaultModel;
    }
    const size_t open = body.find('"', key + 7);
    if (open == std::string_view::npos || open > key + 16) {
        return kDefaultModel;
    }
    size_t end = open + 1;
    while (end < body.size() && end - open < 128) {
        const char ch = body[end];
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-'
                        || ch == '.' || ch == '_' || ch == ':' || ch == '@';
        if (!ok) {
            break;
        }
        ++end;
    }
    if (end >= body.size() || body[end] != '"' || end == open + 1) {
        return kDefaultModel;
    }
    return body.substr(open + 1, end - open - 1);
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 529:
        return "Overloaded";
    default:
        return "Status";
    }
}

int Worker::onUrl(http_parser *p, const char *at, size_t len)
{
    static_cast<Conn *>(p->data)->url.append(at, len);
    return 0;
}

void Worker::finishHeaderValue(Conn &c)
{
    long long v = 0;
    switch (c.sel) {
    case HeaderSel::Events:
        if (parseLong(c.value.c_str(), v) && v >= 0 && v <= 1'000'000) {
            c.events = static_cast<int>(v);
        }
        break;
    case HeaderSel::Delay:
        if (parseLong(c.value.c_str(), v) && v >= 0 && v <= 3'600'000) {
            c.delayMs = static_cast<int>(v);
        }
        break;
    case HeaderSel::Status:
        if (parseLong(c.value.c_str(), v) && v >= 200 && v <= 599) {
            c.forceStatus = static_cast<int>(v);
        }
        break;
    default:
        break;
    }
    c.sel = HeaderSel::None;
    c.value.clear();
}

int Worker::onHeaderField(http_parser *p, const char *at, size_t len)
{
    Conn &c = *static_cast<Conn *>(p->data);
    if (c.sel != HeaderSel::None) {
        finishHeaderValue(c);
    }
    // Field names arrive whole in practice; a split name simply is not recognised (mock headers are optional).
    if (equalsNoCase(at, len, "x-mock-events")) {
        c.sel = HeaderSel::Events;
    } else if (equalsNoCase(at, len, "x-mock-delay-ms")) {
        c.sel = HeaderSel::Delay;
    } else if (equalsNoCase(at, len, "x-mock-status")) {
        c.sel = HeaderSel::Status;
    } else if (equalsNoCase(at, len, "anthropic-version")) {
        c.hasVersion = true;
    } else if (equalsNoCase(at, len, "x-api-key") || equalsNoCase(at, len, "authorization")) {
        c.hasAuth = true;
    } else if (equalsNoCase(at, len, "expect")) {
        c.sel = HeaderSel::Expect;
    }
    return 0;
}

int Worker::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    Conn &c = *static_cast<Conn *>(p->data);
    if (c.sel != HeaderSel::None && c.value.size() < 64) {
        c.value.append(at, len);
    }
    return 0;
}

int Worker::onHeadersComplete(http_parser *p)
{
    Conn &c = *static_cast<Conn *>(p->data);
    if (c.sel == HeaderSel::Expect) {
        if (equalsNoCase(c.value.data(), c.value.size(), "100-continue")) {
            c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        }
    }
    if (c.sel != HeaderSel::None) {
        finishHeaderValue(c);
    }
    if (p->content_length > 0 && p->content_length != ULLONG_MAX && p->content_length < (64u << 20)) {
        c.body.reserve(p->content_length);
    }
    return 0;
}

int Worker::onBody(http_parser *p, const char *at, size_t len)
{
    static_cast<Conn *>(p->data)->body.append(at, len);
    return 0;
}

int Worker::onMessageComplete(http_parser *p)
{
    Conn &c = *static_cast<Conn *>(p->data);
    c.keepAlive = http_should_keep_alive(p) != 0;
    http_parser_pause(p, 1);
    return 0;
}

void Worker::resetRequest(Conn &c)
{
    c.url.clear();
    c.body.clear();
    if (c.body.capacity() > (1u << 20)) {
        std::string().swap(c.body);
    }
    c.sel = HeaderSel::None;
    c.value.clear();
    c.events = -1;
    c.delayMs = -1;
    c.forceStatus = 0;
    c.hasVersion = false;
    c.hasAuth = false;
}

void Worker::run()
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_settings.on_url = &Worker::onUrl;
    m_settings.on_header_field = &Worker::onHeaderField;
    m_settings.on_header_value = &Worker::onHeaderValue;
    m_settings.on_headers_complete = &Worker::onHeadersComplete;
    m_settings.on_body = &Worker::onBody;
    m_settings.on_message_complete = &Worker::onMessageComplete;

    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kListenerTag;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listenFd, &ev);

    std::vector<epoll_event> events(1024);
    for (;;) {
        const int timeout = m_timers.timeoutMs(nowNs(), 1000);
        const int n = epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), timeout);
        for (int i = 0; i < n; ++i) {
            if (events[i].data.u64 == kListenerTag) {
                acceptAll();
                continue;
            }
            if (Conn *c = lookup(events[i].data.u64)) {
                handleEvent(*c, events[i].events);
            }
        }
        uint64_t token = 0;
        const int64_t now = nowNs();
        while (m_timers.popDue(now, token)) {
            if (Conn *c = lookup(token)) {
                if (c->busy && c->nextAt <= now) {
                    streamTick(*c);
                }
            }
        }
    }
}

Conn *Worker::lookup(uint64_t tag)
{
    const auto slot = static_cast<uint32_t>(tag & 0xffffffffu);
    const auto gen = static_cast<uint32_t>(tag >> 32);
    if (slot >= m_conns.size() || !m_conns[slot] || m_conns[slot]->gen != gen || !m_conns[slot]->io.isOpen()) {
        return nullptr;
    }
    return m_conns[slot].get();
}

void Worker::acceptAll()
{
    for (;;) {
        const int fd = accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                std::fprintf(stderr, "mock: accept: out of file descriptors\n");
            }
            return;
        }
        setNoDelay(fd);
        uint32_t slot = 0;
        if (!m_free.empty()) {
            slot = m_free.back();
            m_free.pop_back();
        } else {
            slot = static_cast<uint32_t>(m_conns.size());
            m_conns.push_back(std::make_unique<Conn>());
            m_conns.back()->slot = slot;
        }
        Conn &c = *m_conns[slot];
        c.gen++;
        SSL *ssl = nullptr;
        if (m_tls) {
            ssl = SSL_new(m_tls);
            SSL_set_accept_state(ssl);
        }
        c.io.attach(fd, ssl);
        http_parser_init(&c.parser, HTTP_REQUEST);
        c.parser.data = &c;
        c.pending.clear();
        c.out.clear();
        c.outPos = 0;
        c.epollOut = false;
        c.closeAfterFlush = false;
        c.busy = false;
        resetRequest(c);
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = tagOf(c);
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    }
}

void Worker::closeConn(Conn &c)
{
    if (!c.io.isOpen()) {
        return;
    }
    c.io.close(); // closing the fd removes it from the epoll set
    c.busy = false;
    c.gen++;
    c.out.clear();
    std::string().swap(c.pending);
    m_free.push_back(c.slot);
}

void Worker::handleEvent(Conn &c, uint32_t events)
{
    if (events & EPOLLERR) {
        closeConn(c);
        return;
    }
    if (c.outPos < c.out.size() || c.io.wantsWrite()) {
        flush(c);
        if (!c.io.isOpen()) {
            return;
        }
    }
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) && !c.io.isTls()) {
        return;
    }
    char buf[kReadBuf];
    for (;;) {
        const IoResult r = c.io.read(buf, sizeof buf);
        if (r.status == IoStatus::Ok) {
            feed(c, buf, r.bytes);
            if (!c.io.isOpen()) {
                return;
            }
            if (r.bytes < sizeof buf && !c.io.isTls()) {
                break; // level-triggered: drained for now
            }
            continue;
        }
        if (r.status == IoStatus::WouldBlock) {
            break;
        }
        closeConn(c); // EOF or error; a stream in progress is abandoned
        return;
    }
    updateInterest(c);
}

void Worker::feed(Conn &c, const char *data, size_t len)
{
    if (c.busy) {
        c.pending.append(data, len);
        return;
    }
    while (len > 0) {
        const size_t used = http_parser_execute(&c.parser, &m_settings, data, len);
        data += used;
        len -= used;
        const auto err = static_cast<http_errno>(c.parser.http_errno);
        if (err == HPE_PAUSED) {
            http_parser_pause(&c.parser, 0);
            handleRequest(c);
            if (!c.io.isOpen()) {
                return;
            }
            if (c.busy || c.closeAfterFlush) {
                c.pending.assign(data, len);
                return;
            }
            continue;
        }
        if (err != HPE_OK) {
            c.keepAlive = false;
            sendSimple(
                c,
                400,
                R"({"type":"error","error":{"type":"invalid_request_error","message":"malformed HTTP request"}})",
                "application/json");
            return;
        }
        if (used == 0) {
            break;
        }
    }
    flush(c);
}

void Worker::sendSimple(Conn &c, int status, std::string_view body, std::string_view contentType)
{
    char head[512];
    const uint64_t id = g_requestCounter.fetch_add(1, std::memory_order_relaxed);
    const int n = std::snprintf(head,
                                sizeof head,
                                "HTTP/1.1 %d %s\r\ncontent-type: %.*s\r\nrequest-id: req_mock_%016llx\r\n"
                                "content-length: %zu\r\n%s\r\n",
                                status,
                                reasonPhrase(status),
                                static_cast<int>(contentType.size()),
                                contentType.data(),
                                static_cast<unsigned long long>(id),
                                body.size(),
                                c.keepAlive ? "" : "connection: close\r\n");
    c.out.append(head, static_cast<size_t>(n));
    c.out.append(body);
    if (!c.keepAlive) {
        c.closeAfterFlush = true;
    }
    resetRequest(c);
    flush(c);
}

void Worker::sendError(Conn &c, int status)
{
    const char *type = "api_error";
    const char *message = "Internal server error";
    switch (status) {
    case 400:
        type = "invalid_request_error";
        message = "anthropic-version: header is required";
        break;
    case 401:
        type = "authentication_error";
        message = "x-api-key header is required";
        break;
    case 403:
        type = "permission_error";
        message = "Your API key does not have permission to use the specified resource.";
        break;
    case 404:
        type = "not_found_error";
        message = "Not found";
        break;
    case 413:
        type = "request_too_large";
        message = "Request exceeds the maximum allowed number of bytes.";
        break;
    case 429:
        type = "rate_limit_error";
        message = "This request would exceed your account's rate limit. Please try again later.";
        break;
    case 529:
        type = "overloaded_error";
        message = "Overloaded";
        break;
    default:
        break;
    }
    m_scratch.assign(R"({"type":"error","error":{"type":")");
    m_scratch += type;
    m_scratch += R"(","message":")";
    m_scratch += message;
    m_scratch += "\"}}";
    const std::string body = m_scratch;
    sendSimple(c, status, body, "application/json");
}

void Worker::handleRequest(Conn &c)
{
    std::string_view path(c.url);
    const size_t q = path.find('?');
    if (q != std::string_view::npos) {
        path = path.substr(0, q);
    }
    const auto method = static_cast<http_method>(c.parser.method);
    if (path == "/health" && (method == HTTP_GET || method == HTTP_HEAD)) {
        sendSimple(c, 200, R"({"status":"ok"})", "application/json");
        return;
    }
    const bool messages = path == "/v1/messages";
    const bool countTokens = path == "/v1/messages/count_tokens";
    if (!messages && !countTokens) {
        sendError(c, 404);
        return;
    }
    if (method != HTTP_POST) {
        sendError(c, 404);
        return;
    }
    if (c.forceStatus >= 300) {
        sendError(c, c.forceStatus);
        return;
    }
    if (!c.hasVersion) {
        sendError(c, 400);
        return;
    }
    if (m_opts.requireAuth && !c.hasAuth) {
        sendError(c, 401);
        return;
    }
    const int inputTokens = static_cast<int>(c.body.size() / 4 + 1);
    char buf[1024];
    if (countTokens) {
        const int n = std::snprintf(buf, sizeof buf, R"({"input_tokens":%d})", inputTokens);
        sendSimple(c, 200, std::string_view(buf, static_cast<size_t>(n)), "application/json");
        return;
    }
    const std::string_view model = bodyModel(c.body);
    c.inputTokens = inputTokens;
    if (bodyWantsStream(c.body)) {
        startStream(c, model);
        return;
    }
    const int outputTokens = c.events >= 0 ? c.events : m_opts.events;
    const int n = std::snprintf(
        buf,
        sizeof buf,
        R"({"id":"msg_mock%016llx","type":"message","role":"assistant","model":"%.*s","content":[{"type":"text",)"
        R"("text":"Hello from the RelayDesk mock upstream."}],"stop_reason":"end_turn","stop_sequence":null,)"
        R"("usage":{"input_tokens":%d,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,)"
        R"("cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":%d,)"
        R"("service_tier":"standard"}})",
        static_cast<unsigned long long>(g_requestCounter.fetch_add(1, std::memory_order_relaxed)),
        static_cast<int>(model.size()),
        model.data(),
        inputTokens,
        outputTokens);
    sendSimple(c, 200, std::string_view(buf, static_cast<size_t>(n)), "application/json");
}

void Worker::appendChunk(Conn &c, std::string_view eventName, std::string_view data)
{
    // One SSE event per HTTP chunk: "event: X\ndata: {...}\n\n".
    const size_t len = 7 + eventName.size() + 1 + 6 + data.size() + 2;
    char size[24];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", len);
    c.out.append(size, static_cast<size_t>(n));
    c.out += "event: ";
    c.out += eventName;
    c.out += "\ndata: ";
    c.out += data;
    c.out += "\n\n\r\n";
}

void Worker::startStream(Conn &c, std::string_view model)
{
    char buf[1024];
    const uint64_t id = g_requestCounter.fetch_add(1, std::memory_order_relaxed);
    int n = std::snprintf(buf,
                          sizeof buf,
                          "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
                          "request-id: req_mock_%016llx\r\ntransfer-encoding: chunked\r\n%s\r\n",
                          static_cast<unsigned long long>(id),
                          c.keepAlive ? "" : "connection: close\r\n");
    c.out.append(buf, static_cast<size_t>(n));
    n = std::snprintf(
        buf,
        sizeof buf,
        R"({"type":"message_start","message":{"id":"msg_mock%016llx","type":"message","role":"assistant",)"
        R"("model":"%.*s","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":%d,)"
        R"("cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,)"
        R"("ephemeral_1h_input_tokens":0},"output_tokens":1}}})",
        static_cast<unsigned long long>(id),
        static_cast<int>(model.size()),
        model.data(),
        c.inputTokens);
    appendChunk(c, "message_start", std::string_view(buf, static_cast<size_t>(n)));
    appendChunk(c,
                "content_block_start",
                R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
    appendChunk(c, "ping", R"({"type":"ping"})");
    c.deltasTotal = c.events >= 0 ? c.events : m_opts.events;
    c.deltasLeft = c.deltasTotal;
    c.delay = c.delayMs >= 0 ? c.delayMs : m_opts.delayMs;
    c.busy = true;
    resetRequest(c);
    if (c.delay == 0 || c.deltasLeft == 0) {
        while (c.deltasLeft > 0) {
            streamTick(c);
        }
        finishStream(c);
        return;
    }
    flush(c);
    c.nextAt = nowNs() + static_cast<int64_t>(c.delay) * 1'000'000;
    m_timers.add(c.nextAt, tagOf(c));
}

void Worker::streamTick(Conn &c)
{
    if (c.deltasLeft > 0) {
        char buf[256];
        const int index = c.deltasTotal - c.deltasLeft;
        const int n =
            std::snprintf(buf,
                          sizeof buf,
                          R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"%sword%d"}})",
                          index == 0 ? "" : " ",
                          index);
        appendChunk(c, "content_block_delta", std::string_view(buf, static_cast<size_t>(n)));
        --c.deltasLeft;
    }
    if (c.delay == 0) {
        return; // synchronous mode: startStream() drives the loop and finishes
    }
    if (c.deltasLeft == 0) {
        finishStream(c);
        return;
    }
    flush(c);
    if (!c.io.isOpen()) {
        return;
    }
    c.nextAt += static_cast<int64_t>(c.delay) * 1'000'000;
    m_timers.add(c.nextAt, tagOf(c));
}

void Worker::finishStream(Conn &c)
{
    char buf[512];
    appendChunk(c, "content_block_stop", R"({"type":"content_block_stop","index":0})");
    const int n = std::snprintf(
        buf,
        sizeof buf,
        R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":%d,)"
        R"("cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":%d}})",
        c.inputTokens,
        c.deltasTotal);
    appendChunk(c, "message_delta", std::string_view(buf, static_cast<size_t>(n)));
    appendChunk(c, "message_stop", R"({"type":"message_stop"})");
    c.out += "0\r\n\r\n";
    endResponse(c);
}

void Worker::endResponse(Conn &c)
{
    c.busy = false;
    if (!c.keepAlive) {
        c.closeAfterFlush = true;
    }
    flush(c);
    if (!c.io.isOpen() || c.closeAfterFlush || c.pending.empty()) {
        return;
    }
    std::string rest;
    rest.swap(c.pending);
    feed(c, rest.data(), rest.size());
}

void Worker::flush(Conn &c)
{
    while (c.outPos < c.out.size()) {
        const IoResult r = c.io.write(c.out.data() + c.outPos, c.out.size() - c.outPos);
        if (r.status == IoStatus::Ok) {
            c.outPos += r.bytes;
            if (r.bytes == 0) {
                break;
            }
            continue;
        }
        if (r.status == IoStatus::WouldBlock) {
            break;
        }
        closeConn(c);
        return;
    }
    if (c.outPos >= c.out.size()) {
        c.out.clear();
        c.outPos = 0;
        if (c.closeAfterFlush) {
            shutdown(c.io.fd(), SHUT_WR);
            closeConn(c);
            return;
        }
    } else if (c.outPos > (256u << 10)) {
        c.out.erase(0, c.outPos);
        c.outPos = 0;
    }
    updateInterest(c);
}

void Worker::updateInterest(Conn &c)
{
    const bool want = c.outPos < c.out.size() || c.io.wantsWrite();
    if (want == c.epollOut) {
        return;
    }
    c.epollOut = want;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (want ? EPOLLOUT : 0u);
    ev.data.u64 = tagOf(c);
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.io.fd(), &ev);
}

int openListener(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || listen(fd, 4096) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void usage()
{
    std::fprintf(stderr,
                 "usage: relaydesk-bench-mock [--port P] [--tls CERT KEY] [--threads N] [--events N]\n"
                 "                            [--event-delay-ms D] [--no-auth-check]\n"
                 "  Mock Anthropic upstream on 127.0.0.1. --port 0 picks a port; the first stdout line is\n"
                 "  'LISTENING <port>'. Per-request overrides: x-mock-events, x-mock-delay-ms, x-mock-status.\n");
}

} // namespace

int main(int argc, char **argv)
{
    Options opts;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        long long v = 0;
        auto needValue = [&](int count) {
            if (i + count >= argc) {
                std::fprintf(stderr, "mock: %s needs %d value(s)\n", argv[i], count);
                std::exit(2);
            }
        };
        if (arg == "--port" || arg == "--threads" || arg == "--events" || arg == "--event-delay-ms") {
            needValue(1);
            if (!parseLong(argv[++i], v) || v < 0 || v > 1'000'000) {
                std::fprintf(stderr, "mock: bad value for %.*s\n", static_cast<int>(arg.size()), arg.data());
                return 2;
            }
            (arg == "--port"      ? opts.port
             : arg == "--threads" ? opts.threads
             : arg == "--events"  ? opts.events
                                  : opts.delayMs) = static_cast<int>(v);
        } else if (arg == "--tls") {
            needValue(2);
            opts.certFile = argv[++i];
            opts.keyFile = argv[++i];
        } else if (arg == "--no-auth-check") {
            opts.requireAuth = false;
        } else if (arg == "-h" || arg == "--help") {
            usage();
            return 0;
        } else {
            std::fprintf(stderr, "mock: unknown option %s\n", argv[i]);
            usage();
            return 2;
        }
    }
    if (opts.threads < 1) {
        opts.threads = 1;
    }
    ignoreSigpipe();
    raiseFileLimit();

    SSL_CTX *tls = nullptr;
    if (!opts.certFile.empty()) {
        std::string error;
        tls = makeServerTlsContext(opts.certFile, opts.keyFile, error);
        if (!tls) {
            std::fprintf(stderr, "mock: %s\n", error.c_str());
            return 1;
        }
    }

    std::vector<int> listeners;
    listeners.push_back(openListener(opts.port));
    if (listeners[0] < 0) {
        std::fprintf(stderr, "mock: cannot listen on 127.0.0.1:%d: %s\n", opts.port, std::strerror(errno));
        return 1;
    }
    sockaddr_in bound{};
    socklen_t boundLen = sizeof bound;
    getsockname(listeners[0], reinterpret_cast<sockaddr *>(&bound), &boundLen);
    const int port = ntohs(bound.sin_port);
    for (int t = 1; t < opts.threads; ++t) {
        const int fd = openListener(port);
        if (fd < 0) {
            std::fprintf(stderr, "mock: cannot open listener %d: %s\n", t, std::strerror(errno));
            return 1;
        }
        listeners.push_back(fd);
    }
    std::printf("LISTENING %d\n", port);
    std::fflush(stdout);
    std::fprintf(stderr,
                 "mock: %s on 127.0.0.1:%d, %d thread(s), default %d events x %d ms\n",
                 tls ? "https" : "http",
                 port,
                 opts.threads,
                 opts.events,
                 opts.delayMs);

    std::vector<std::thread> threads;
    for (int t = 1; t < opts.threads; ++t) {
        threads.emplace_back([&opts, fd = listeners[static_cast<size_t>(t)], tls] { Worker(opts, fd, tls).run(); });
    }
    Worker(opts, listeners[0], tls).run();
    for (auto &th : threads) {
        th.join();
    }
    return 0;
}
