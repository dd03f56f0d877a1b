// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/usage/tokenusage.h"

#include <QByteArray>

namespace rd::usage {

// SSE line state shared by the OpenAI scanners: a partial line of interest carried across chunks.
struct SseLineState
{
    QByteArray line;       // the line so far (only while it may matter)
    bool skipping = false; // inside a line we do not need
    bool keeping = false;  // the line so far was judged as needed
    bool overflow = false; // a line over the cap went by (its usage is lost)
    qsizetype maxLine = 0; // cap on a kept line
};

// Reads token usage from an OpenAI Responses answer as it streams past (PROTOCOLS.md §3.3, §3.4, §7.8); it only
// looks, never changes a byte. SSE: the `response` of response.completed (also .incomplete/.failed when they carry
// usage). JSON: the top-level usage of a response or a /responses/compact answer, parsed once the body is complete.
// Only the data lines of terminal and error events are kept (response.completed repeats the whole output, so such a
// line may be several MB); every other line is skipped without being copied. One per exchange, on its worker thread.
class ResponsesUsageScanner final : public UsageScanner
{
public:
    enum class Mode
    {
        Sse,
        Json,
    };
    explicit ResponsesUsageScanner(Mode mode,
                                   qsizetype maxJsonBytes = qsizetype{32} * 1024 * 1024,
                                   qsizetype maxLineBytes = qsizetype{64} * 1024 * 1024);

    void feed(QByteArrayView chunk) override;
    void finish() override;
    TokenUsage result() const override { return m_usage; }

    bool sawStreamError() const { return m_sawError; }         // an `error` event or response.failed went by
    bool sawTerminalEvent() const { return m_sawTerminal; }    // response.completed / .incomplete / .failed
    bool sawCompleted() const { return m_sawCompleted; }       // Codex needs response.completed to end a turn
    bool sawOversizedLine() const { return m_lines.overflow; } // a needed line over maxLineBytes was dropped
    int eventsSeen() const { return m_events; }

private:
    void onLine(QByteArrayView line);
    void noteEvent(QByteArrayView type);
    void onData(QByteArrayView json);

    Mode m_mode;
    qsizetype m_maxJsonBytes;
    SseLineState m_lines;
    QByteArray m_event; // current SSE event name
    QByteArray m_json;  // JSON mode: the body so far
    bool m_jsonOverflow = false;
    bool m_finished = false;
    TokenUsage m_usage;
    bool m_sawError = false;
    bool m_sawTerminal = false;
    bool m_sawCompleted = false;
    int m_events = 0;
};

// Reads token usage from an OpenAI Chat Completions answer (PROTOCOLS.md §3.2, §3.7, §7.8), or an embeddings answer
// in JSON mode. SSE: the chunk with a non-null `usage` (the last one wins; some compatible upstreams repeat it),
// the model from the first chunk that names one (Azure's prompt_filter_results chunk names none). Chunks are small:
// a line split across chunks is carried whole, a line within one chunk is read in place; only lines that carry
// usage, an error or a first model are parsed. One per exchange, on its worker thread.
class ChatUsageScanner final : public UsageScanner
{
public:
    enum class Mode
    {
        Sse,
        Json,
    };
    explicit ChatUsageScanner(Mode mode,
                              qsizetype maxJsonBytes = qsizetype{32} * 1024 * 1024,
                              qsizetype maxLineBytes = qsizetype{16} * 1024 * 1024);

    void feed(QByteArrayView chunk) override;
    void finish() override;
    TokenUsage result() const override { return m_usage; }

    bool sawStreamError() const { return m_sawError; } // a data line with a top-level error object
    bool sawDone() const { return m_sawDone; }         // `data: [DONE]`
    bool sawOversizedLine() const { return m_lines.overflow; }
    int chunksSeen() const { return m_chunks; }

private:
    void onLine(QByteArrayView line);
    void onData(QByteArrayView json);

    Mode m_mode;
    qsizetype m_maxJsonBytes;
    SseLineState m_lines;
    QByteArray m_json;
    bool m_jsonOverflow = false;
    bool m_finished = false;
    TokenUsage m_usage;
    bool m_sawError = false;
    bool m_sawDone = false;
    int m_chunks = 0;
};

// Parses usage and model from a whole OpenAI JSON answer: a Responses object, a compaction, a chat completion or an
// embeddings list (either field naming). Used for JSON answers and for tests.
TokenUsage usageFromOpenAIJson(QByteArrayView json);

} // namespace rd::usage
