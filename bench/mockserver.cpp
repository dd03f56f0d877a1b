// SPDX-License-Identifier: GPL-3.0-or-later
// One epoll loop per thread: HTTP/1.1 keep-alive, optional TLS, timer-driven SSE streams (no sleeping anywhere).
#include "mockserver.h"

#include "mockwire.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

namespace rd::bench {

namespace {

constexpr uint64_t kListenerTag = ~uint64_t{0};
constexpr size_t kReadBuf = 64 * 1024;
std::atomic<uint64_t> g_requestCounter{1};

uint64_t tagOf(const Conn &c)
{
    return (static_cast<uint64_t>(c.gen) << 32) | c.slot;
}

} // namespace

int MockWorker::onUrl(http_parser *p, const char *at, size_t len)
{
    static_cast<Conn *>(p->data)->url.append(at, len);
    return 0;
}

void MockWorker::finishHeaderValue(Conn &c)
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

int MockWorker::onHeaderField(http_parser *p, const char *at, size_t len)
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

int MockWorker::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    Conn &c = *static_cast<Conn *>(p->data);
    if (c.sel != HeaderSel::None && c.value.size() < 64) {
        c.value.append(at, len);
    }
    return 0;
}

int MockWorker::onHeadersComplete(http_parser *p)
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

int MockWorker::onBody(http_parser *p, const char *at, size_t len)
{
    static_cast<Conn *>(p->data)->body.append(at, len);
    return 0;
}

int MockWorker::onMessageComplete(http_parser *p)
{
    Conn &c = *static_cast<Conn *>(p->data);
    c.keepAlive = http_should_keep_alive(p) != 0;
    http_parser_pause(p, 1);
    return 0;
}

void MockWorker::resetRequest(Conn &c)
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

void MockWorker::run()
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_settings.on_url = &MockWorker::onUrl;
    m_settings.on_header_field = &MockWorker::onHeaderField;
    m_settings.on_header_value = &MockWorker::onHeaderValue;
    m_settings.on_headers_complete = &MockWorker::onHeadersComplete;
    m_settings.on_body = &MockWorker::onBody;
    m_settings.on_message_complete = &MockWorker::onMessageComplete;

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

Conn *MockWorker::lookup(uint64_t tag)
{
    const auto slot = static_cast<uint32_t>(tag & 0xffffffffu);
    const auto gen = static_cast<uint32_t>(tag >> 32);
    if (slot >= m_conns.size() || !m_conns[slot] || m_conns[slot]->gen != gen || !m_conns[slot]->io.isOpen()) {
        return nullptr;
    }
    return m_conns[slot].get();
}

void MockWorker::acceptAll()
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

void MockWorker::closeConn(Conn &c)
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

void MockWorker::handleEvent(Conn &c, uint32_t events)
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

void MockWorker::feed(Conn &c, const char *data, size_t len)
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

void MockWorker::sendSimple(Conn &c, int status, std::string_view body, std::string_view contentType)
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

void MockWorker::sendError(Conn &c, int status)
{
    sendSimple(c, status, errorBody(status), "application/json");
}

void MockWorker::handleRequest(Conn &c)
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

void MockWorker::startStream(Conn &c, std::string_view model)
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
    appendSseChunk(c.out, "message_start", std::string_view(buf, static_cast<size_t>(n)));
    appendSseChunk(c.out,
                   "content_block_start",
                   R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
    appendSseChunk(c.out, "ping", R"({"type":"ping"})");
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

void MockWorker::streamTick(Conn &c)
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
        appendSseChunk(c.out, "content_block_delta", std::string_view(buf, static_cast<size_t>(n)));
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

void MockWorker::finishStream(Conn &c)
{
    char buf[512];
    appendSseChunk(c.out, "content_block_stop", R"({"type":"content_block_stop","index":0})");
    const int n = std::snprintf(
        buf,
        sizeof buf,
        R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":%d,)"
        R"("cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":%d}})",
        c.inputTokens,
        c.deltasTotal);
    appendSseChunk(c.out, "message_delta", std::string_view(buf, static_cast<size_t>(n)));
    appendSseChunk(c.out, "message_stop", R"({"type":"message_stop"})");
    c.out += "0\r\n\r\n";
    endResponse(c);
}

void MockWorker::endResponse(Conn &c)
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

void MockWorker::flush(Conn &c)
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

void MockWorker::updateInterest(Conn &c)
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

} // namespace rd::bench
