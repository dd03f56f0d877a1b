// SPDX-License-Identifier: GPL-3.0-or-later
// The mock upstream's per-thread epoll server (see mockupstream.cpp for the command line).
#pragma once

#include "benchcommon.h"

#include <http_parser.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rd::bench {

struct MockOptions
{
    int port = 0;
    int threads = 1;
    int events = 10;
    int delayMs = 0;
    std::string certFile;
    std::string keyFile;
    bool requireAuth = true;
};

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

class MockWorker
{
public:
    MockWorker(const MockOptions &opts, int listenFd, SSL_CTX *tls)
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
    void endResponse(Conn &c);
    void flush(Conn &c);
    void updateInterest(Conn &c);
    void closeConn(Conn &c);
    Conn *lookup(uint64_t tag);

    const MockOptions &m_opts;
    int m_listenFd;
    SSL_CTX *m_tls;
    int m_epoll = -1;
    http_parser_settings m_settings{};
    std::vector<std::unique_ptr<Conn>> m_conns;
    std::vector<uint32_t> m_free;
    TimerQueue m_timers;
};

} // namespace rd::bench
