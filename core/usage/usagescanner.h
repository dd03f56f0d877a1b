// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/usage/tokenusage.h"

#include <QByteArray>

namespace rd::usage {

// Reads token usage from an Anthropic answer as it streams past (PROTOCOLS.md §7.8); it only looks, never
// changes a byte. SSE: message_start + message_delta (cumulative counts: the last wins; several start/delta
// pairs are summed). JSON: the top-level usage object, parsed once the body is complete.
// One per exchange, on its worker thread. Lines it does not care about are skipped without being copied.
class AnthropicUsageScanner final : public UsageScanner
{
public:
    enum class Mode
    {
        Sse,
        Json,
    };
    explicit AnthropicUsageScanner(Mode mode, qsizetype maxJsonBytes = qsizetype{32} * 1024 * 1024);

    void feed(QByteArrayView chunk) override;
    void finish() override; // end of body: parses a JSON body, closes the last SSE pair
    TokenUsage result() const override;

    bool sawStreamError() const { return m_sawError; } // an `event: error` went by
    bool sawMessageStop() const { return m_sawStop; }
    int eventsSeen() const { return m_events; }

private:
    void onLine(QByteArrayView line);
    void onData(QByteArrayView json);

    Mode m_mode;
    qsizetype m_maxJsonBytes;
    QByteArray m_line;       // a partial line of interest carried across chunks
    bool m_skipping = false; // inside a line we do not need
    QByteArray m_event;      // current SSE event name
    QByteArray m_json;       // JSON mode: the body so far
    bool m_jsonOverflow = false;
    bool m_finished = false;
    TokenUsage m_total;   // closed pairs
    TokenUsage m_current; // the pair in progress
    bool m_inPair = false;
    bool m_sawError = false;
    bool m_sawStop = false;
    int m_events = 0;
};

// Parses a usage object (Anthropic field names) from a JSON text: {"usage":{…},"model":…} or a bare message.
// Used for JSON answers and for tests.
TokenUsage usageFromMessageJson(QByteArrayView json);

} // namespace rd::usage
