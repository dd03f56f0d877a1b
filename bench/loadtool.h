// SPDX-License-Identifier: GPL-3.0-or-later
// relaydesk-bench-load internals shared by loadtool.cpp (options, report) and loadconn.cpp (the epoll client loop).
#pragma once

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rd::bench {

struct LoadOptions
{
    std::string url;
    std::string host;
    std::string path;
    int port = 0;
    bool tls = false;
    bool insecure = false;
    std::string caFile;
    int concurrency = 1;
    long long requests = 0; // 0 = use duration
    double durationS = 0;   // 0 = use requests
    long long warmup = 0;
    int threads = 1;
    bool stream = false;
    bool json = false;
    bool kv = false;
    double timeoutS = 120;
    sockaddr_storage addr{};
    socklen_t addrLen = 0;
    std::string request; // the complete request bytes, sent unchanged on every connection
};

// State all load threads share: the request counter that keeps the loop closed and the measurement clock.
struct LoadShared
{
    std::atomic<long long> issued{0};
    std::atomic<int64_t> measureStartNs{0};
};

struct LoadResult
{
    std::vector<int64_t> latencyNs; // measured requests with a complete response
    std::vector<int64_t> ttfbNs;    // time to the first body byte (first SSE event for streams)
    long long completed = 0;        // measured requests that got a complete response (any status)
    long long httpErrors = 0;       // complete responses with a non-2xx status
    long long socketErrors = 0;     // connect/read/write/TLS errors, early close, timeouts
    long long streamErrors = 0;     // 2xx streams that did not end with message_stop
    long long warmupErrors = 0;     // any failure during warm-up
    long long bytesIn = 0;          // response body bytes of measured requests
    int64_t firstStartNs = INT64_MAX;
    int64_t lastEndNs = 0;
    std::map<int, long long> statuses;
    std::string firstError;

    void merge(const LoadResult &other);
};

// Runs `connections` closed-loop connections on the calling thread until the budget (requests or duration) is spent.
void runLoadThread(const LoadOptions &opts, SSL_CTX *tls, LoadShared &shared, int connections, LoadResult &result);

} // namespace rd::bench
