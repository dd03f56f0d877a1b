// SPDX-License-Identifier: GPL-3.0-or-later
// The load generator's event loop: one epoll set per thread, keep-alive connections with one request in flight each.
#include "benchcommon.h"
#include "loadtool.h"

#include <arpa/inet.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <openssl/x509v3.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>

namespace rd::bench {

void LoadResult::merge(const LoadResult &other)
{
    latencyNs.insert(latencyNs.end(), other.latencyNs.begin(), other.latencyNs.end());
    ttfbNs.insert(ttfbNs.end(), other.ttfbNs.begin(), other.ttfbNs.end());
    completed += other.completed;
    httpErrors += other.httpErrors;
    socketErrors += other.socketErrors;
    streamErrors += other.streamErrors;
    warmupErrors += other.warmupErrors;
    bytesIn += other.bytesIn;
    firstStartNs = std::min(firstStartNs, other.firstStartNs);
    lastEndNs = std::max(lastEndNs, other.lastEndNs);
    for (const auto &[status, count] : other.statuses) {
        statuses[status] += count;
    }
    if (firstError.empty()) {
        firstError = other.firstError;
    }
}

namespace {

constexpr size_t kTail = 48;
constexpr std::string_view kStreamEnd = R"({"type":"message_stop"})"; // an Anthropic stream's end
constexpr std::string_view kChatStreamEnd = "data: [DONE]";           // a bridged Chat Completions stream's end

struct Conn
{
    uint32_t index = 0;
    uint32_t gen = 0; // bumped per socket so stale epoll events of a closed socket are ignored
    Stream io;
    http_parser parser{};
    bool connecting = false;
    bool epollOut = false;
    bool inFlight = false;
    size_t outPos = 0;
    int64_t startNs = 0;
    int64_t ttfbNs = 0;
    long long seq = 0;
    bool measured = false;
    bool headersDone = false;
    bool complete = false;
    bool keepAlive = true;
    long long bodyBytes = 0;
    char tail[kTail]{};
    size_t tailLen = 0;
};

class LoadWorker
{
public:
    LoadWorker(const LoadOptions &opts, SSL_CTX *tls, LoadShared &shared, LoadResult &result)
        : m_opts(opts)
        , m_tls(tls)
        , m_shared(shared)
        , m_result(result)
    {
        m_settings.on_headers_complete = &LoadWorker::onHeadersComplete;
        m_settings.on_body = &LoadWorker::onBody;
        m_settings.on_message_complete = &LoadWorker::onMessageComplete;
    }
    void run(int connections);

private:
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);

    bool claim(Conn &c);
    void startNext(Conn &c);
    bool openSocket(Conn &c);
    void handleEvent(Conn &c, uint32_t events);
    void flush(Conn &c);
    void readAll(Conn &c);
    void finish(Conn &c);
    void fail(Conn &c, const std::string &why);
    void updateInterest(Conn &c);
    void checkTimeouts(int64_t now);

    const LoadOptions &m_opts;
    SSL_CTX *m_tls;
    LoadShared &m_shared;
    LoadResult &m_result;
    http_parser_settings m_settings{};
    int m_epoll = -1;
    std::vector<std::unique_ptr<Conn>> m_conns;
    int m_active = 0;
};

int LoadWorker::onHeadersComplete(http_parser *p)
{
    static_cast<Conn *>(p->data)->headersDone = true;
    return 0;
}

int LoadWorker::onBody(http_parser *p, const char *at, size_t len)
{
    Conn &c = *static_cast<Conn *>(p->data);
    if (c.ttfbNs == 0) {
        c.ttfbNs = nowNs();
    }
    c.bodyBytes += static_cast<long long>(len);
    if (len >= kTail) {
        std::memcpy(c.tail, at + len - kTail, kTail);
        c.tailLen = kTail;
    } else {
        const size_t keep = std::min(c.tailLen, kTail - len);
        std::memmove(c.tail, c.tail + c.tailLen - keep, keep);
        std::memcpy(c.tail + keep, at, len);
        c.tailLen = keep + len;
    }
    return 0;
}

int LoadWorker::onMessageComplete(http_parser *p)
{
    Conn &c = *static_cast<Conn *>(p->data);
    c.complete = true;
    c.keepAlive = http_should_keep_alive(p) != 0;
    http_parser_pause(p, 1);
    return 0;
}

bool LoadWorker::claim(Conn &c)
{
    const int64_t now = nowNs();
    if (m_opts.requests > 0) {
        c.seq = m_shared.issued.fetch_add(1, std::memory_order_relaxed);
        if (c.seq >= m_opts.warmup + m_opts.requests) {
            return false;
        }
    } else {
        const int64_t start = m_shared.measureStartNs.load(std::memory_order_relaxed);
        if (start != 0 && now - start >= static_cast<int64_t>(m_opts.durationS * 1e9)) {
            return false;
        }
        c.seq = m_shared.issued.fetch_add(1, std::memory_order_relaxed);
    }
    c.measured = c.seq >= m_opts.warmup;
    c.startNs = now;
    if (c.measured) {
        int64_t expected = 0;
        m_shared.measureStartNs.compare_exchange_strong(expected, now, std::memory_order_relaxed);
        m_result.firstStartNs = std::min(m_result.firstStartNs, now);
    }
    return true;
}

void LoadWorker::startNext(Conn &c)
{
    for (;;) {
        if (!claim(c)) {
            c.io.close();
            c.inFlight = false;
            --m_active;
            return;
        }
        http_parser_init(&c.parser, HTTP_RESPONSE);
        c.parser.data = &c;
        c.inFlight = true;
        c.outPos = 0;
        c.ttfbNs = 0;
        c.headersDone = false;
        c.complete = false;
        c.keepAlive = true;
        c.bodyBytes = 0;
        c.tailLen = 0;
        if (c.io.isOpen()) {
            flush(c);
            return;
        }
        if (openSocket(c)) {
            return;
        }
        // connect failed at once (e.g. refused): counted by fail(); claim the next request
        const std::string why = std::strerror(errno);
        if (c.measured) {
            ++m_result.socketErrors;
        } else {
            ++m_result.warmupErrors;
        }
        if (m_result.firstError.empty()) {
            m_result.firstError = "connect: " + why;
        }
    }
}

bool LoadWorker::openSocket(Conn &c)
{
    const int fd = socket(m_opts.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    setNoDelay(fd);
    const int rc = connect(fd, reinterpret_cast<const sockaddr *>(&m_opts.addr), m_opts.addrLen);
    if (rc != 0 && errno != EINPROGRESS) {
        const int saved = errno;
        close(fd);
        errno = saved;
        return false;
    }
    SSL *ssl = nullptr;
    if (m_tls) {
        ssl = SSL_new(m_tls);
        SSL_set_connect_state(ssl);
        in6_addr probe{};
        const bool isIp = inet_pton(AF_INET, m_opts.host.c_str(), &probe) == 1
                          || inet_pton(AF_INET6, m_opts.host.c_str(), &probe) == 1;
        if (isIp) {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), m_opts.host.c_str());
        } else {
            // SSL_set_tlsext_host_name() is a macro with a C cast; call what it expands to.
            SSL_ctrl(
                ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char *>(m_opts.host.c_str()));
            SSL_set1_host(ssl, m_opts.host.c_str());
        }
    }
    c.io.attach(fd, ssl);
    ++c.gen;
    c.connecting = rc != 0;
    c.epollOut = true;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.u64 = (static_cast<uint64_t>(c.gen) << 32) | c.index;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    if (!c.connecting) {
        flush(c);
    }
    return true;
}

void LoadWorker::fail(Conn &c, const std::string &why)
{
    if (c.measured) {
        ++m_result.socketErrors;
    } else {
        ++m_result.warmupErrors;
    }
    if (m_result.firstError.empty()) {
        m_result.firstError = why;
    }
    c.io.close();
    c.connecting = false;
    startNext(c);
}

void LoadWorker::finish(Conn &c)
{
    const int64_t end = nowNs();
    const int status = c.parser.status_code;
    const bool ok = status >= 200 && status < 300;
    if (c.measured) {
        ++m_result.completed;
        ++m_result.statuses[status];
        m_result.latencyNs.push_back(end - c.startNs);
        m_result.ttfbNs.push_back((c.ttfbNs != 0 ? c.ttfbNs : end) - c.startNs);
        m_result.lastEndNs = std::max(m_result.lastEndNs, end);
        m_result.bytesIn += c.bodyBytes;
        if (!ok) {
            ++m_result.httpErrors;
            if (m_result.firstError.empty()) {
                m_result.firstError = "HTTP " + std::to_string(status) + ": " + std::string(c.tail, c.tailLen);
            }
        } else if (m_opts.stream && std::string_view(c.tail, c.tailLen).find(kStreamEnd) == std::string_view::npos
                   && std::string_view(c.tail, c.tailLen).find(kChatStreamEnd) == std::string_view::npos) {
            ++m_result.streamErrors;
            if (m_result.firstError.empty()) {
                m_result.firstError = "stream did not end with message_stop or data: [DONE]";
            }
        }
    } else if (!ok) {
        ++m_result.warmupErrors;
    }
    c.inFlight = false;
    if (!c.keepAlive) {
        c.io.close();
    }
    startNext(c);
}

void LoadWorker::flush(Conn &c)
{
    const std::string &req = m_opts.request;
    while (c.outPos < req.size()) {
        const IoResult r = c.io.write(req.data() + c.outPos, req.size() - c.outPos);
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
        fail(c, "write: " + c.io.lastError());
        return;
    }
    updateInterest(c);
}

void LoadWorker::updateInterest(Conn &c)
{
    if (!c.io.isOpen()) {
        return;
    }
    const bool want = c.connecting || c.outPos < m_opts.request.size() || c.io.wantsWrite();
    if (want == c.epollOut) {
        return;
    }
    c.epollOut = want;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (want ? EPOLLOUT : 0u);
    ev.data.u64 = (static_cast<uint64_t>(c.gen) << 32) | c.index;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.io.fd(), &ev);
}

void LoadWorker::readAll(Conn &c)
{
    char buf[64 * 1024];
    for (;;) {
        const IoResult r = c.io.read(buf, sizeof buf);
        if (r.status == IoStatus::WouldBlock) {
            updateInterest(c);
            return;
        }
        if (r.status == IoStatus::Error) {
            fail(c, "read: " + c.io.lastError());
            return;
        }
        if (r.status == IoStatus::Eof) {
            if (c.inFlight && c.headersDone) {
                http_parser_execute(&c.parser, &m_settings, nullptr, 0); // EOF may end a body without framing
            }
            if (c.inFlight && c.complete) {
                c.keepAlive = false;
                finish(c);
            } else {
                fail(c, c.inFlight ? "connection closed before the response was complete" : "connection closed");
            }
            return;
        }
        if (!c.inFlight) {
            fail(c, "unexpected data between responses");
            return;
        }
        const size_t used = http_parser_execute(&c.parser, &m_settings, buf, r.bytes);
        const auto err = static_cast<http_errno>(c.parser.http_errno);
        if (err == HPE_PAUSED || c.complete) {
            if (used < r.bytes) {
                fail(c, "extra bytes after the response");
                return;
            }
            http_parser_pause(&c.parser, 0);
            finish(c); // starts the next request on this connection
            return;
        }
        if (err != HPE_OK) {
            fail(c, std::string("bad HTTP response: ") + http_errno_description(err));
            return;
        }
        if (r.bytes < sizeof buf && !c.io.isTls()) {
            return; // level-triggered: we are called again when more arrives
        }
    }
}

void LoadWorker::handleEvent(Conn &c, uint32_t events)
{
    if (c.connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.io.fd(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || (events & EPOLLERR)) {
            fail(c, std::string("connect: ") + std::strerror(err != 0 ? err : ECONNREFUSED));
            return;
        }
        if (!(events & (EPOLLOUT | EPOLLIN))) {
            return;
        }
        c.connecting = false;
    }
    if (c.outPos < m_opts.request.size() || c.io.wantsWrite()) {
        const uint32_t gen = c.gen;
        flush(c);
        if (c.gen != gen || !c.io.isOpen()) {
            return; // failed and moved on
        }
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR) || c.io.isTls()) {
        readAll(c);
    }
}

void LoadWorker::checkTimeouts(int64_t now)
{
    const auto limit = static_cast<int64_t>(m_opts.timeoutS * 1e9);
    for (auto &c : m_conns) {
        if (c->inFlight && c->io.isOpen() && now - c->startNs > limit) {
            fail(*c, "request timed out");
        }
    }
}

void LoadWorker::run(int connections)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < connections; ++i) {
        m_conns.push_back(std::make_unique<Conn>());
        m_conns.back()->index = static_cast<uint32_t>(i);
    }
    m_active = connections;
    for (auto &c : m_conns) {
        startNext(*c);
    }
    std::vector<epoll_event> events(1024);
    int64_t lastScan = nowNs();
    while (m_active > 0) {
        const int n = epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), 200);
        for (int i = 0; i < n; ++i) {
            const uint64_t tag = events[i].data.u64;
            Conn &c = *m_conns[static_cast<uint32_t>(tag & 0xffffffffu)];
            if (c.io.isOpen() && c.gen == static_cast<uint32_t>(tag >> 32)) {
                handleEvent(c, events[i].events);
            }
        }
        const int64_t now = nowNs();
        if (now - lastScan > 200'000'000) {
            lastScan = now;
            checkTimeouts(now);
        }
    }
    close(m_epoll);
}

} // namespace

void runLoadThread(const LoadOptions &opts, SSL_CTX *tls, LoadShared &shared, int connections, LoadResult &result)
{
    LoadWorker(opts, tls, shared, result).run(connections);
}

} // namespace rd::bench
