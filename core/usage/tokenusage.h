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
    bool seen = false; // false: the upstream reported nothing
    QByteArray model;  // the response's model, when it named one

    TokenUsage &operator+=(const TokenUsage &o)
    {
        inputTokens += o.inputTokens;
        outputTokens += o.outputTokens;
        cacheCreate5mTokens += o.cacheCreate5mTokens;
        cacheCreate1hTokens += o.cacheCreate1hTokens;
        cacheReadTokens += o.cacheReadTokens;
        seen = seen || o.seen;
        if (model.isEmpty()) {
            model = o.model;
        }
        return *this;
    }
};

} // namespace rd::usage
