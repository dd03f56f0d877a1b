// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for rd::http::RequestParser. The first two input bytes choose how the rest is cut into pieces;
// the rest is fed like a client connection would deliver it, taking every completed request, with tight limits.
// Invariants: feed() never claims more than it was given and consumes everything while it needs more; Complete
// means take() yields a request and resets; bodies stay within the limit and keep their padding; and cutting the
// same bytes differently yields the same requests.
#include "core/http/requestparser.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {
using rd::http::HttpRequest;
using rd::http::ParserLimits;
using rd::http::RequestParser;

constexpr ParserLimits kLimits{512, 256};

void check(bool ok, const char *what)
{
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

struct Run
{
    QList<HttpRequest> requests;
    bool failed = false;
};

// Feeds data[0..size) in pieces; nextPiece() returns the size of the next one (≥ 1).
template <typename NextPiece>
Run run(const char *data, qsizetype size, NextPiece nextPiece)
{
    RequestParser parser(kLimits);
    Run out;
    qsizetype pos = 0;
    while (pos < size) {
        const qsizetype n = std::min(nextPiece(), size - pos);
        const qsizetype used = parser.feed(data + pos, n);
        check(used >= 0 && used <= n, "feed() consumed more than it was given");
        pos += used;
        switch (parser.state()) {
        case RequestParser::State::Complete: {
            HttpRequest r = parser.take();
            check(parser.state() == RequestParser::State::NeedMore, "take() did not reset the parser");
            check(!parser.hasStarted(), "take() left the next request started");
            check(r.body.size() <= kLimits.maxBodyBytes, "body over the limit");
            check(r.body.isEmpty() || r.body.capacity() - r.body.size() >= RequestParser::kBodyPadding,
                  "body without simdjson padding");
            check(!r.method.isEmpty(), "request without a method");
            check(r.path.size() <= r.target.size(), "decoded path longer than the target");
            out.requests.append(std::move(r));
            break;
        }
        case RequestParser::State::Failed:
            check(parser.errorStatus() == 400 || parser.errorStatus() == 413 || parser.errorStatus() == 431,
                  "unexpected error status");
            check(parser.feed(data + pos, size - pos) == 0, "Failed parser consumed more bytes");
            out.failed = true;
            return out;
        case RequestParser::State::NeedMore:
            check(used == n, "NeedMore without consuming the whole piece");
            break;
        }
    }
    return out;
}

bool sameRequest(const HttpRequest &a, const HttpRequest &b)
{
    return a.method == b.method && a.target == b.target && a.path == b.path && a.query == b.query
           && a.headers == b.headers && a.body == b.body && a.keepAlive == b.keepAlive && a.httpMinor == b.httpMinor;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    const unsigned maxPiece = 1U + data[0] % 64U;
    uint32_t state = 0x9e3779b9U ^ (static_cast<uint32_t>(data[1]) << 8U) ^ data[0];
    const char *wire = reinterpret_cast<const char *>(data + 2);
    const auto wireSize = static_cast<qsizetype>(size - 2);

    const Run pieces = run(wire, wireSize, [&] {
        state = state * 1664525U + 1013904223U;
        return static_cast<qsizetype>(1U + (state >> 16U) % maxPiece);
    });
    const Run whole = run(wire, wireSize, [&] { return wireSize; });

    check(pieces.failed == whole.failed, "piecewise and whole feeding disagree about failure");
    check(pieces.requests.size() == whole.requests.size(), "piecewise and whole feeding disagree on request count");
    for (qsizetype i = 0; i < whole.requests.size(); ++i) {
        check(sameRequest(pieces.requests.at(i), whole.requests.at(i)), "piecewise and whole requests differ");
    }
    return 0;
}
