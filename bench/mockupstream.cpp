// SPDX-License-Identifier: GPL-3.0-or-later
// relaydesk-bench-mock: a fast, faithful stand-in for the Anthropic Messages API (PROTOCOLS.md §3.1) on loopback.
// One epoll loop per thread (SO_REUSEPORT listeners), HTTP/1.1 keep-alive, optional TLS, timer-driven SSE streams.
#include "benchcommon.h"
#include "mockserver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace rd::bench;

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
    MockOptions opts;
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
        threads.emplace_back([&opts, fd = listeners[static_cast<size_t>(t)], tls] { MockWorker(opts, fd, tls).run(); });
    }
    MockWorker(opts, listeners[0], tls).run();
    for (auto &th : threads) {
        th.join();
    }
    return 0;
}
