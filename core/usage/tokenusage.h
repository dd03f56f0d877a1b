// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

namespace rd::usage {

// Tokens of one answer as the upstream reported them (never estimated).
struct TokenUsage
{
    qint64 inputTokens = 0; // excludes cached tokens
    qint64 outputTokens = 0;
    qint64 cacheCreate5mTokens = 0;
    qint64 cacheCreate1hTokens = 0;
    qint64 cacheReadTokens = 0;
    qint64 reasoningTokens = 0; // OpenAI: part of outputTokens, recorded on its own (never priced twice)
    bool seen = false;          // false: the upstream reported nothing
    QByteArray model;           // the response's model, when it named one

    TokenUsage &operator+=(const TokenUsage &o)
    {
        inputTokens += o.inputTokens;
        outputTokens += o.outputTokens;
        cacheCreate5mTokens += o.cacheCreate5mTokens;
        cacheCreate1hTokens += o.cacheCreate1hTokens;
        cacheReadTokens += o.cacheReadTokens;
        reasoningTokens += o.reasoningTokens;
        seen = seen || o.seen;
        if (model.isEmpty()) {
            model = o.model;
        }
        return *this;
    }
};

// Reads token usage from an upstream answer as it streams past (PROTOCOLS.md §7.8); it only looks, never changes a
// byte. One per attempt, on its worker thread.
class UsageScanner
{
public:
    virtual ~UsageScanner() = default;
    virtual void feed(QByteArrayView chunk) = 0;
    virtual void finish() = 0; // end of body
    virtual TokenUsage result() const = 0;
};

} // namespace rd::usage
