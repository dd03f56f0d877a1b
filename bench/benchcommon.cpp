// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchcommon.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace rd::bench {

int64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

long raiseFileLimit()
{
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        return -1;
    }
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    return static_cast<long>(lim.rlim_cur);
}

bool setNonBlocking(int fd)
{
    const int flags = fcntl(fd, F_GETFL, 0);
    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

void setNoDelay(int fd)
{
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

std::string takeOpensslErrors()
{
    std::string out;
    unsigned long code = 0;
    while ((code = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!out.empty()) {
            out += "; ";
        }
        out += buf;
    }
    return out;
}

void ignoreSigpipe()
{
    struct sigaction sa
    {
    };
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, nullptr);
}

void Stream::attach(int fd, SSL *ssl)
{
    close();
    m_fd = fd;
    m_ssl = ssl;
    m_wantWrite = false;
    m_error.clear();
    if (m_ssl) {
        SSL_set_fd(m_ssl, fd);
        SSL_set_mode(m_ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    }
}

void Stream::close()
{
    if (m_ssl) {
        SSL_free(m_ssl);
        m_ssl = nullptr;
    }
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    m_wantWrite = false;
}

IoResult Stream::read(char *buf, size_t len)
{
    if (!m_ssl) {
        for (;;) {
            const ssize_t n = ::read(m_fd, buf, len);
            if (n > 0) {
                return {IoStatus::Ok, static_cast<size_t>(n)};
            }
            if (n == 0) {
                return {IoStatus::Eof, 0};
            }
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return {IoStatus::WouldBlock, 0};
            }
            m_error = std::strerror(errno);
            return {IoStatus::Error, 0};
        }
    }
    ERR_clear_error();
    const int ret = SSL_read(m_ssl, buf, static_cast<int>(len > 1u << 30 ? 1u << 30 : len));
    if (ret > 0) {
        m_wantWrite = false;
        return {IoStatus::Ok, static_cast<size_t>(ret)};
    }
    return tlsResult(ret, true);
}

IoResult Stream::write(const char *buf, size_t len)
{
    if (!m_ssl) {
        for (;;) {
            const ssize_t n = ::send(m_fd, buf, len, MSG_NOSIGNAL);
            if (n >= 0) {
                m_wantWrite = static_cast<size_t>(n) < len;
                return {IoStatus::Ok, static_cast<size_t>(n)};
            }
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                m_wantWrite = true;
                return {IoStatus::WouldBlock, 0};
            }
            m_error = std::strerror(errno);
            return {IoStatus::Error, 0};
        }
    }
    ERR_clear_error();
    const int ret = SSL_write(m_ssl, buf, static_cast<int>(len > 1u << 30 ? 1u << 30 : len));
    if (ret > 0) {
        m_wantWrite = false;
        return {IoStatus::Ok, static_cast<size_t>(ret)};
    }
    return tlsResult(ret, false);
}

IoResult Stream::tlsResult(int ret, bool reading)
{
    const int err = SSL_get_error(m_ssl, ret);
    switch (err) {
    case SSL_ERROR_WANT_READ:
        m_wantWrite = false;
        return {IoStatus::WouldBlock, 0};
    case SSL_ERROR_WANT_WRITE:
        m_wantWrite = true;
        return {IoStatus::WouldBlock, 0};
    case SSL_ERROR_ZERO_RETURN:
        return {IoStatus::Eof, 0};
    case SSL_ERROR_SYSCALL:
        if (reading && ERR_peek_error() == 0 && (ret == 0 || errno == 0)) {
            return {IoStatus::Eof, 0}; // peer closed without close_notify
        }
        m_error = errno != 0 ? std::strerror(errno) : "TLS syscall error";
        return {IoStatus::Error, 0};
    default:
        m_error = "TLS: " + takeOpensslErrors();
        return {IoStatus::Error, 0};
    }
}

SSL_CTX *makeServerTlsContext(const std::string &certFile, const std::string &keyFile, std::string &error)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        error = takeOpensslErrors();
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, certFile.c_str()) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, keyFile.c_str(), SSL_FILETYPE_PEM) != 1
        || SSL_CTX_check_private_key(ctx) != 1) {
        error = "cannot load certificate/key: " + takeOpensslErrors();
        SSL_CTX_free(ctx);
        return nullptr;
    }
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    return ctx;
}

SSL_CTX *makeClientTlsContext(bool insecure, const std::string &caFile, std::string &error)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        error = takeOpensslErrors();
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (insecure) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
        return ctx;
    }
    const int ok = caFile.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                                  : SSL_CTX_load_verify_locations(ctx, caFile.c_str(), nullptr);
    if (ok != 1) {
        error = "cannot load CA certificates: " + takeOpensslErrors();
        SSL_CTX_free(ctx);
        return nullptr;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    return ctx;
}

bool TimerQueue::popDue(int64_t now, uint64_t &token)
{
    if (m_heap.empty() || m_heap.top().first > now) {
        return false;
    }
    token = m_heap.top().second;
    m_heap.pop();
    return true;
}

int TimerQueue::timeoutMs(int64_t now, int maxMs) const
{
    if (m_heap.empty()) {
        return maxMs;
    }
    const int64_t delta = m_heap.top().first - now;
    if (delta <= 0) {
        return 0;
    }
    const int64_t ms = (delta + 999'999) / 1'000'000;
    return ms < maxMs ? static_cast<int>(ms) : maxMs;
}

int64_t percentile(const std::vector<int64_t> &sorted, double p)
{
    if (sorted.empty()) {
        return 0;
    }
    if (p <= 0) {
        return sorted.front();
    }
    size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
    if (rank < 1) {
        rank = 1;
    }
    if (rank > sorted.size()) {
        rank = sorted.size();
    }
    return sorted[rank - 1];
}

bool parseLong(const char *text, long long &out)
{
    if (!text || !*text) {
        return false;
    }
    char *end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0') {
        return false;
    }
    out = v;
    return true;
}

bool parseDouble(const char *text, double &out)
{
    if (!text || !*text) {
        return false;
    }
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(text, &end);
    if (errno != 0 || *end != '\0') {
        return false;
    }
    out = v;
    return true;
}

} // namespace rd::bench
