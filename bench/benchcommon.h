// SPDX-License-Identifier: GPL-3.0-or-later
// Small shared helpers of the bench tools: non-blocking plain/TLS byte streams, a timer queue for epoll loops,
// percentiles and argument parsing. Deliberately free of Qt so the tools stay light.
#pragma once

#include <queue>

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace rd::bench {

int64_t nowNs();

// Raises RLIMIT_NOFILE to the hard limit; returns the soft limit in force afterwards.
long raiseFileLimit();
bool setNonBlocking(int fd);
void setNoDelay(int fd);
std::string takeOpensslErrors();

enum class IoStatus
{
    Ok,
    WouldBlock,
    Eof,
    Error,
};

struct IoResult
{
    IoStatus status;
    size_t bytes;
};

// A non-blocking socket, optionally wrapped in TLS. The TLS handshake runs implicitly inside read()/write().
class Stream
{
public:
    Stream() = default;
    ~Stream() { close(); }
    Stream(const Stream &) = delete;
    Stream &operator=(const Stream &) = delete;

    void attach(int fd, SSL *ssl);
    void close();
    int fd() const { return m_fd; }
    bool isOpen() const { return m_fd >= 0; }
    bool isTls() const { return m_ssl != nullptr; }
    IoResult read(char *buf, size_t len);
    IoResult write(const char *buf, size_t len);
    // True when TLS needs the socket to become writable before a blocked read or write can progress.
    bool wantsWrite() const { return m_wantWrite; }
    const std::string &lastError() const { return m_error; }

private:
    IoResult tlsResult(int ret, bool reading);

    int m_fd = -1;
    SSL *m_ssl = nullptr;
    bool m_wantWrite = false;
    std::string m_error;
};

SSL_CTX *makeServerTlsContext(const std::string &certFile, const std::string &keyFile, std::string &error);
SSL_CTX *makeClientTlsContext(bool insecure, const std::string &caFile, std::string &error);

// Min-heap of (deadline, token); cancelled timers are skipped by the owner via a generation inside the token.
class TimerQueue
{
public:
    void add(int64_t deadlineNs, uint64_t token) { m_heap.emplace(deadlineNs, token); }
    bool empty() const { return m_heap.empty(); }
    // Pops one due timer; false when none is due at nowNs.
    bool popDue(int64_t nowNs, uint64_t &token);
    // epoll_wait timeout in ms: 0 if a timer is due, else time to the next one (rounded up), capped by maxMs.
    int timeoutMs(int64_t nowNs, int maxMs) const;

private:
    using Entry = std::pair<int64_t, uint64_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> m_heap;
};

// Nearest-rank percentile of sorted values (p in 0..100); 0 for an empty set.
int64_t percentile(const std::vector<int64_t> &sorted, double p);

bool parseLong(const char *text, long long &out);
bool parseDouble(const char *text, double &out);

// Sets SIGPIPE to ignored (writes to a closed socket return EPIPE instead).
void ignoreSigpipe();

} // namespace rd::bench
