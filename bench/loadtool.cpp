// SPDX-License-Identifier: GPL-3.0-or-later
// relaydesk-bench-load: closed-loop HTTP/1.1 load generator for the relay and the mock upstream.
// C keep-alive connections, one request in flight each; every latency sample is kept and sorted for percentiles.
#include "loadtool.h"

#include "benchcommon.h"

#include <netdb.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

namespace {

using namespace rd::bench;

void usage()
{
    std::fprintf(
        stderr,
        "usage: relaydesk-bench-load --url http[s]://HOST:PORT/PATH [options]\n"
        "  --concurrency C       connections, one request in flight each (default 1)\n"
        "  --requests N          measured requests (default 1000) | --duration S  measure for S seconds\n"
        "  --warmup N            requests before measuring (default 0)\n"
        "  --body-file F         request body from a file | --body-bytes B  generated Messages body of ~B bytes\n"
        "  --stream              set \"stream\":true; report time to first body byte (first SSE event) and total\n"
        "  --header 'n: v'       extra request header (repeatable), e.g. 'x-api-key: cr_...'\n"
        "  --method M            HTTP method (default POST; GET sends no body)\n"
        "  --insecure            https: do not verify the server | --cacert FILE  trust FILE\n"
        "  --threads N           event-loop threads (default 1)\n"
        "  --timeout S           per-request timeout (default 120)\n"
        "  --json                one JSON object on stdout instead of text\n"
        "  --kv                  flat key=value lines instead of text (for shell scripts)\n"
        "Exit status: 0 when every request (warm-up included) got a 2xx and complete response, 1 otherwise, 2 on usage "
        "errors.\n");
}

[[noreturn]] void die(const std::string &message)
{
    std::fprintf(stderr, "load: %s\n", message.c_str());
    std::exit(2);
}

void parseUrl(LoadOptions &o)
{
    std::string_view url = o.url;
    if (url.rfind("http://", 0) == 0) {
        url.remove_prefix(7);
    } else if (url.rfind("https://", 0) == 0) {
        url.remove_prefix(8);
        o.tls = true;
    } else {
        die("--url must start with http:// or https://");
    }
    const size_t slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    o.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    o.port = o.tls ? 443 : 80;
    if (!authority.empty() && authority.front() == '[') {
        const size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            die("bad IPv6 literal in --url");
        }
        o.host = std::string(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
        if (!authority.empty() && authority.front() == ':') {
            o.port = std::atoi(std::string(authority.substr(1)).c_str());
        }
    } else {
        const size_t colon = authority.rfind(':');
        o.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            o.port = std::atoi(std::string(authority.substr(colon + 1)).c_str());
        }
    }
    if (o.host.empty() || o.port <= 0 || o.port > 65535) {
        die("bad host or port in --url");
    }
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *res = nullptr;
    const int rc = getaddrinfo(o.host.c_str(), std::to_string(o.port).c_str(), &hints, &res);
    if (rc != 0 || !res) {
        die("cannot resolve " + o.host + ": " + gai_strerror(rc));
    }
    std::memcpy(&o.addr, res->ai_addr, res->ai_addrlen);
    o.addrLen = res->ai_addrlen;
    freeaddrinfo(res);
}

// A valid Messages API body of about `bytes` bytes (one long user message).
std::string generateBody(long long bytes, bool stream)
{
    std::string head = R"({"model":"claude-sonnet-4-5-20250929","max_tokens":1024,)";
    if (stream) {
        head += R"("stream":true,)";
    }
    head += R"("messages":[{"role":"user","content":")";
    const std::string tail = R"("}]})";
    std::string text = "Say hello.";
    const long long room = bytes - static_cast<long long>(head.size() + tail.size());
    if (room > static_cast<long long>(text.size())) {
        static constexpr std::string_view kFiller = "The quick brown fox jumps over the lazy dog. ";
        text.clear();
        text.reserve(static_cast<size_t>(room));
        while (static_cast<long long>(text.size()) < room) {
            text.append(kFiller.substr(0, std::min<size_t>(kFiller.size(), static_cast<size_t>(room) - text.size())));
        }
    }
    return head + text + tail;
}

bool hasHeader(const std::vector<std::string> &headers, std::string_view name)
{
    for (const auto &h : headers) {
        if (h.size() > name.size() && h[name.size()] == ':'
            && std::equal(name.begin(), name.end(), h.begin(), [](char a, char b) {
                   return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
               })) {
            return true;
        }
    }
    return false;
}

double ms(int64_t ns)
{
    return static_cast<double>(ns) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    LoadOptions o;
    std::string bodyFile;
    std::string method = "POST";
    long long bodyBytes = -1;
    std::vector<std::string> headers;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc) {
                die(std::string(arg) + " needs a value");
            }
            return argv[++i];
        };
        auto number = [&]() -> long long {
            long long v = 0;
            const char *text = value();
            if (!parseLong(text, v) || v < 0) {
                die("bad value for " + std::string(arg) + ": " + text);
            }
            return v;
        };
        if (arg == "--url") {
            o.url = value();
        } else if (arg == "--concurrency" || arg == "-c") {
            o.concurrency = static_cast<int>(number());
        } else if (arg == "--requests" || arg == "-n") {
            o.requests = number();
        } else if (arg == "--duration") {
            if (!parseDouble(value(), o.durationS) || o.durationS <= 0) {
                die("bad --duration");
            }
        } else if (arg == "--warmup") {
            o.warmup = number();
        } else if (arg == "--body-file") {
            bodyFile = value();
        } else if (arg == "--body-bytes") {
            bodyBytes = number();
        } else if (arg == "--stream") {
            o.stream = true;
        } else if (arg == "--header" || arg == "-H") {
            std::string h = value();
            if (h.find(':') == std::string::npos) {
                die("--header wants 'name: value'");
            }
            headers.push_back(std::move(h));
        } else if (arg == "--method") {
            method = value();
        } else if (arg == "--insecure" || arg == "-k") {
            o.insecure = true;
        } else if (arg == "--cacert") {
            o.caFile = value();
        } else if (arg == "--threads") {
            o.threads = static_cast<int>(number());
        } else if (arg == "--timeout") {
            if (!parseDouble(value(), o.timeoutS) || o.timeoutS <= 0) {
                die("bad --timeout");
            }
        } else if (arg == "--json") {
            o.json = true;
        } else if (arg == "--kv") {
            o.kv = true;
        } else if (arg == "-h" || arg == "--help") {
            usage();
            return 0;
        } else {
            usage();
            die("unknown option " + std::string(arg));
        }
    }
    if (o.url.empty()) {
        usage();
        die("--url is required");
    }
    if (o.requests == 0 && o.durationS == 0) {
        o.requests = 1000;
    }
    if (o.requests > 0 && o.durationS > 0) {
        die("use either --requests or --duration");
    }
    o.concurrency = std::max(1, o.concurrency);
    o.threads = std::clamp(o.threads, 1, o.concurrency);
    parseUrl(o);

    std::string body;
    if (!bodyFile.empty()) {
        std::ifstream in(bodyFile, std::ios::binary);
        if (!in) {
            die("cannot read " + bodyFile);
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        body = ss.str();
        if (o.stream && body.find("\"stream\":true") == std::string::npos) {
            const size_t brace = body.find('{');
            if (brace == std::string::npos) {
                die("--stream needs a JSON object body");
            }
            body.insert(brace + 1, "\"stream\":true,");
        }
    } else if (method != "GET" && method != "HEAD") {
        body = generateBody(bodyBytes < 0 ? 0 : bodyBytes, o.stream);
    }

    std::string &req = o.request;
    req = method + " " + o.path + " HTTP/1.1\r\nhost: " + o.host + ":" + std::to_string(o.port) + "\r\n";
    if (!body.empty() && !hasHeader(headers, "content-type")) {
        req += "content-type: application/json\r\n";
    }
    if (!hasHeader(headers, "anthropic-version")) {
        req += "anthropic-version: 2023-06-01\r\n";
    }
    if (o.stream && !hasHeader(headers, "accept")) {
        req += "accept: text/event-stream\r\n";
    }
    for (const auto &h : headers) {
        req += h + "\r\n";
    }
    if (method != "GET" && method != "HEAD") {
        req += "content-length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n";
    req += body;

    ignoreSigpipe();
    const long nofile = raiseFileLimit();
    if (nofile > 0 && nofile < o.concurrency + 64) {
        std::fprintf(stderr, "load: warning: RLIMIT_NOFILE is %ld, below concurrency %d\n", nofile, o.concurrency);
    }
    SSL_CTX *tls = nullptr;
    if (o.tls) {
        std::string error;
        tls = makeClientTlsContext(o.insecure, o.caFile, error);
        if (!tls) {
            die(error);
        }
    }

    LoadShared shared;
    std::vector<LoadResult> results(static_cast<size_t>(o.threads));
    std::vector<std::thread> threads;
    const int64_t wallStart = nowNs();
    for (int t = 0; t < o.threads; ++t) {
        const int conns = o.concurrency / o.threads + (t < o.concurrency % o.threads ? 1 : 0);
        if (t == 0) {
            continue;
        }
        threads.emplace_back([&, t, conns] { runLoadThread(o, tls, shared, conns, results[static_cast<size_t>(t)]); });
    }
    runLoadThread(o, tls, shared, o.concurrency / o.threads + (o.concurrency % o.threads > 0 ? 1 : 0), results[0]);
    for (auto &th : threads) {
        th.join();
    }
    const int64_t wallEnd = nowNs();

    LoadResult r;
    for (const auto &part : results) {
        r.merge(part);
    }
    std::sort(r.latencyNs.begin(), r.latencyNs.end());
    std::sort(r.ttfbNs.begin(), r.ttfbNs.end());
    const double seconds = r.lastEndNs > r.firstStartNs ? static_cast<double>(r.lastEndNs - r.firstStartNs) / 1e9 : 0.0;
    const double rps = seconds > 0 ? static_cast<double>(r.completed) / seconds : 0.0;
    double meanNs = 0;
    for (const int64_t v : r.latencyNs) {
        meanNs += static_cast<double>(v);
    }
    meanNs = r.latencyNs.empty() ? 0 : meanNs / static_cast<double>(r.latencyNs.size());
    const auto &lat = r.latencyNs;
    const auto &ttfb = r.ttfbNs;
    const long long failures = r.httpErrors + r.socketErrors + r.streamErrors + r.warmupErrors;

    if (o.kv) {
        std::string err = r.firstError;
        std::replace_if(
            err.begin(), err.end(), [](char ch) { return ch == '\n' || ch == '\r'; }, ' ');
        std::printf("completed=%lld\nerrors_http=%lld\nerrors_socket=%lld\nerrors_stream=%lld\nerrors_warmup=%lld\n"
                    "requests_total=%lld\nduration_s=%.4f\nrps=%.1f\nlat_mean=%.3f\nlat_p50=%.3f\nlat_p90=%.3f\n"
                    "lat_p99=%.3f\nlat_max=%.3f\nttfb_p50=%.3f\nttfb_p90=%.3f\nttfb_p99=%.3f\nttfb_max=%.3f\n"
                    "first_error=%s\n",
                    r.completed,
                    r.httpErrors,
                    r.socketErrors,
                    r.streamErrors,
                    r.warmupErrors,
                    std::min(o.warmup, r.completed + r.socketErrors + r.warmupErrors) + r.completed + r.socketErrors,
                    seconds,
                    rps,
                    ms(static_cast<int64_t>(meanNs)),
                    ms(percentile(lat, 50)),
                    ms(percentile(lat, 90)),
                    ms(percentile(lat, 99)),
                    ms(lat.empty() ? 0 : lat.back()),
                    ms(percentile(ttfb, 50)),
                    ms(percentile(ttfb, 90)),
                    ms(percentile(ttfb, 99)),
                    ms(ttfb.empty() ? 0 : ttfb.back()),
                    err.c_str());
    } else if (o.json) {
        std::printf("{\"url\":\"%s\",\"concurrency\":%d,\"threads\":%d,\"stream\":%s,\"body_bytes\":%zu,"
                    "\"completed\":%lld,\"errors_http\":%lld,\"errors_socket\":%lld,\"errors_stream\":%lld,"
                    "\"errors_warmup\":%lld,\"duration_s\":%.4f,\"rps\":%.1f,"
                    "\"latency_ms\":{\"mean\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
                    "\"ttfb_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
                    "\"total_ms\":{\"p50\":%.3f,\"p99\":%.3f},\"statuses\":{",
                    o.url.c_str(),
                    o.concurrency,
                    o.threads,
                    o.stream ? "true" : "false",
                    body.size(),
                    r.completed,
                    r.httpErrors,
                    r.socketErrors,
                    r.streamErrors,
                    r.warmupErrors,
                    seconds,
                    rps,
                    ms(static_cast<int64_t>(meanNs)),
                    ms(percentile(lat, 50)),
                    ms(percentile(lat, 90)),
                    ms(percentile(lat, 99)),
                    ms(lat.empty() ? 0 : lat.back()),
                    ms(percentile(ttfb, 50)),
                    ms(percentile(ttfb, 90)),
                    ms(percentile(ttfb, 99)),
                    ms(ttfb.empty() ? 0 : ttfb.back()),
                    ms(percentile(lat, 50)),
                    ms(percentile(lat, 99)));
        bool first = true;
        for (const auto &[status, count] : r.statuses) {
            std::printf("%s\"%d\":%lld", first ? "" : ",", status, count);
            first = false;
        }
        std::string err;
        for (const char ch : r.firstError) {
            if (ch == '"' || ch == '\\') {
                err += '\\';
            }
            err += (ch >= 0 && ch < 0x20) ? ' ' : ch;
        }
        std::printf("},\"first_error\":\"%s\"}\n", err.c_str());
    } else {
        std::printf("target      %s%s  (c=%d, threads=%d, body %zu bytes)\n",
                    o.url.c_str(),
                    o.stream ? " [stream]" : "",
                    o.concurrency,
                    o.threads,
                    body.size());
        std::printf("requests    %lld completed, %lld non-2xx, %lld socket errors, %lld bad streams, %lld warm-up "
                    "failures\n",
                    r.completed,
                    r.httpErrors,
                    r.socketErrors,
                    r.streamErrors,
                    r.warmupErrors);
        std::printf("throughput  %.1f req/s over %.3f s (wall %.3f s)\n",
                    rps,
                    seconds,
                    static_cast<double>(wallEnd - wallStart) / 1e9);
        std::printf("latency ms  mean %.3f  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n",
                    ms(static_cast<int64_t>(meanNs)),
                    ms(percentile(lat, 50)),
                    ms(percentile(lat, 90)),
                    ms(percentile(lat, 99)),
                    ms(lat.empty() ? 0 : lat.back()));
        if (o.stream) {
            std::printf("ttfb ms     p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  (first SSE event)\n",
                        ms(percentile(ttfb, 50)),
                        ms(percentile(ttfb, 90)),
                        ms(percentile(ttfb, 99)),
                        ms(ttfb.empty() ? 0 : ttfb.back()));
            std::printf("total ms    p50 %.3f  p99 %.3f\n", ms(percentile(lat, 50)), ms(percentile(lat, 99)));
        }
        if (!r.firstError.empty()) {
            std::printf("first error %s\n", r.firstError.c_str());
        }
    }
    return failures > 0 || r.completed == 0 ? 1 : 0;
}
