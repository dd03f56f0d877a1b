// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/usage/openaiusage.h"

#include "core/util/logging.h"

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rd::usage {

namespace {
using namespace simdjson;

// Bytes of a line looked at before deciding whether it is needed (event type of a data-only Responses stream).
constexpr qsizetype kDecideBytes = 256;

enum class Interest
{
    Undecided,
    Need,
    Skip,
};

ondemand::parser &threadParser()
{
    thread_local ondemand::parser parser;
    return parser;
}

bool parseInto(QByteArrayView json, ondemand::document &doc)
{
    thread_local std::string scratch;
    scratch.assign(json.data(), static_cast<size_t>(json.size()));
    scratch.reserve(scratch.size() + SIMDJSON_PADDING);
    return threadParser().iterate(scratch.data(), scratch.size(), scratch.capacity()).get(doc) == SUCCESS;
}

qint64 asInt(ondemand::value v)
{
    uint64_t n = 0;
    return v.get_uint64().get(n) == SUCCESS ? static_cast<qint64>(n) : 0;
}

QByteArray asBytes(std::string_view s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

// `{"cached_tokens":N,…}` → N; anything else (null, missing) → 0.
qint64 detail(ondemand::value v, std::string_view name)
{
    ondemand::object o;
    if (v.get_object().get(o) != SUCCESS) {
        return 0;
    }
    for (auto field : o) {
        std::string_view key;
        ondemand::value fv;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(fv) != SUCCESS) {
            return 0;
        }
        if (key == name) {
            return asInt(fv);
        }
    }
    return 0;
}

// Responses (input_/output_tokens) and Chat/embeddings (prompt_/completion_tokens) names; cached ⊂ input and
// reasoning ⊂ output, so input is reported without the cached part (§7.8).
void readUsage(ondemand::object usage, TokenUsage &out)
{
    qint64 input = 0;
    qint64 cached = 0;
    qint64 output = 0;
    qint64 reasoning = 0;
    for (auto field : usage) {
        std::string_view key;
        ondemand::value v;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(v) != SUCCESS) {
            return;
        }
        if (key == "input_tokens" || key == "prompt_tokens") {
            input = asInt(v);
        } else if (key == "output_tokens" || key == "completion_tokens") {
            output = asInt(v);
        } else if (key == "input_tokens_details" || key == "prompt_tokens_details") {
            cached = detail(v, "cached_tokens");
        } else if (key == "output_tokens_details" || key == "completion_tokens_details") {
            reasoning = detail(v, "reasoning_tokens");
        }
    }
    out.inputTokens = std::max<qint64>(0, input - cached);
    out.cacheReadTokens = cached;
    out.outputTokens = output;
    out.reasoningTokens = reasoning;
    out.seen = true;
}

struct Answer
{
    TokenUsage usage; // seen only when a usage object was present
    QByteArray type;  // top-level "type" (Responses events)
    bool hasError = false;
};

// One answer object: model, usage, and (top level only) type, error, and a nested Responses `response`.
void readAnswer(ondemand::object object, Answer &out, bool topLevel)
{
    for (auto field : object) {
        std::string_view key;
        ondemand::value v;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(v) != SUCCESS) {
            return;
        }
        std::string_view text;
        ondemand::object inner;
        if (key == "model" && v.get_string().get(text) == SUCCESS) {
            out.usage.model = asBytes(text);
        } else if (key == "usage" && v.get_object().get(inner) == SUCCESS) {
            readUsage(inner, out.usage);
        } else if (topLevel && key == "type" && v.get_string().get(text) == SUCCESS) {
            out.type = asBytes(text);
        } else if (topLevel && key == "error" && v.get_object().get(inner) == SUCCESS) {
            out.hasError = true;
        } else if (topLevel && key == "response" && v.get_object().get(inner) == SUCCESS) {
            readAnswer(inner, out, false);
        }
    }
}

Answer parseAnswer(QByteArrayView json)
{
    Answer out;
    ondemand::document doc;
    ondemand::object root;
    if (parseInto(json, doc) && doc.get_object().get(root) == SUCCESS) {
        readAnswer(root, out, true);
    }
    return out;
}

// Shared by both scanners: splits chunks into lines. A line wholly inside a chunk is handed over in place; a line
// split across chunks is copied only once `interest` (shown its first bytes) says it is needed.
template <typename InterestFn, typename TakeFn>
void splitLines(QByteArrayView chunk, SseLineState &s, InterestFn interest, TakeFn take)
{
    qsizetype pos = 0;
    while (pos < chunk.size()) {
        const qsizetype nl = chunk.indexOf('\n', pos);
        const bool complete = nl >= 0;
        const qsizetype end = complete ? nl : chunk.size();
        QByteArrayView piece = chunk.sliced(pos, end - pos);
        pos = end + 1;
        if (s.skipping) {
            s.skipping = !complete;
            continue;
        }
        if (s.line.isEmpty() && !s.keeping && complete) {
            take(piece); // the whole line is in this chunk: no copy
            continue;
        }
        if (!s.keeping && !complete) {
            const qsizetype room = std::min(kDecideBytes - s.line.size(), piece.size());
            s.line.append(piece.first(room));
            piece = piece.sliced(room);
            const Interest verdict = interest(QByteArrayView(s.line));
            if (verdict == Interest::Skip) {
                s.line.clear();
                s.skipping = true;
                continue;
            }
            if (verdict == Interest::Undecided && s.line.size() < kDecideBytes) {
                continue; // the whole piece went into the head
            }
            s.keeping = true;
        }
        if (s.line.size() + piece.size() > s.maxLine) {
            s.overflow = true;
            s.line.clear();
            s.keeping = false;
            s.skipping = !complete;
            continue;
        }
        s.line.append(piece);
        if (complete) {
            take(QByteArrayView(s.line));
            s.line.clear();
            s.keeping = false;
        }
    }
}

// The end of the body: a last line without a newline still counts.
template <typename TakeFn>
void flushLine(SseLineState &s, TakeFn take)
{
    if (!s.line.isEmpty() && !s.skipping) {
        take(QByteArrayView(s.line));
    }
    s.line.clear();
    s.keeping = false;
    s.skipping = false;
}

QByteArrayView withoutCr(QByteArrayView line)
{
    return line.endsWith('\r') ? line.chopped(1) : line;
}

bool isTerminal(QByteArrayView type)
{
    return type == "response.completed" || type == "response.incomplete" || type == "response.failed";
}

bool isWanted(QByteArrayView type)
{
    return isTerminal(type) || type == "error";
}

qsizetype skipSpaces(QByteArrayView text, qsizetype at)
{
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) {
        ++at;
    }
    return at;
}

// The value of the first `"type":"…"` in the head of a data line (OpenAI writes it first); nullopt when the head
// does not show it completely.
std::optional<QByteArrayView> peekType(QByteArrayView head)
{
    const qsizetype key = head.indexOf("\"type\"");
    if (key < 0) {
        return std::nullopt;
    }
    qsizetype at = skipSpaces(head, key + 6);
    if (at >= head.size() || head[at] != ':') {
        return std::nullopt;
    }
    at = skipSpaces(head, at + 1);
    if (at >= head.size() || head[at] != '"') {
        return std::nullopt;
    }
    const qsizetype close = head.indexOf('"', at + 1);
    if (close < 0) {
        return std::nullopt;
    }
    return head.sliced(at + 1, close - at - 1);
}

// Whether a Responses SSE line (or its first bytes) can matter: event names always; data only for terminal and
// error events; ids, retries and comments never.
Interest responsesInterest(QByteArrayView head, const QByteArray &event)
{
    if (head.startsWith("data:")) {
        if (!event.isEmpty()) {
            return isWanted(event) ? Interest::Need : Interest::Skip;
        }
        if (const auto type = peekType(head)) {
            return isWanted(*type) ? Interest::Need : Interest::Skip;
        }
        return Interest::Undecided;
    }
    if (head.startsWith("event:")) {
        return Interest::Need;
    }
    const bool prefix = QByteArrayView("data:").startsWith(head) || QByteArrayView("event:").startsWith(head);
    return prefix ? Interest::Undecided : Interest::Skip;
}

Interest chatInterest(QByteArrayView head)
{
    if (head.startsWith("data:")) {
        return Interest::Need;
    }
    return QByteArrayView("data:").startsWith(head) ? Interest::Undecided : Interest::Skip;
}

// `"usage"` followed by an object (not null): only such chunks are worth parsing.
bool hasUsageObject(QByteArrayView json)
{
    for (qsizetype at = json.indexOf("\"usage\""); at >= 0; at = json.indexOf("\"usage\"", at + 1)) {
        qsizetype p = skipSpaces(json, at + 7);
        if (p < json.size() && json[p] == ':') {
            p = skipSpaces(json, p + 1);
            if (p < json.size() && json[p] == '{') {
                return true;
            }
        }
    }
    return false;
}

// JSON mode: collects the body up to the cap.
void collect(QByteArray &json, bool &overflow, QByteArrayView chunk, qsizetype cap)
{
    if (overflow) {
        return;
    }
    if (json.size() + chunk.size() > cap) {
        overflow = true;
        json.clear();
        return;
    }
    json.append(chunk);
}
} // namespace

TokenUsage usageFromOpenAIJson(QByteArrayView json)
{
    return parseAnswer(json).usage;
}

// ---- Responses ----

ResponsesUsageScanner::ResponsesUsageScanner(Mode mode, qsizetype maxJsonBytes, qsizetype maxLineBytes)
    : m_mode(mode)
    , m_maxJsonBytes(maxJsonBytes)
{
    m_lines.maxLine = maxLineBytes;
}

void ResponsesUsageScanner::feed(QByteArrayView chunk)
{
    if (m_mode == Mode::Json) {
        collect(m_json, m_jsonOverflow, chunk, m_maxJsonBytes);
        return;
    }
    splitLines(
        chunk,
        m_lines,
        [this](QByteArrayView head) { return responsesInterest(head, m_event); },
        [this](QByteArrayView line) { onLine(line); });
}

void ResponsesUsageScanner::noteEvent(QByteArrayView type)
{
    if (type == "error" || type == "response.failed") {
        m_sawError = true;
    }
    if (isTerminal(type)) {
        m_sawTerminal = true;
        m_sawCompleted = m_sawCompleted || type == "response.completed";
    }
}

void ResponsesUsageScanner::onLine(QByteArrayView line)
{
    line = withoutCr(line);
    if (line.isEmpty()) {
        m_event.clear(); // end of event
        return;
    }
    if (line.startsWith("event:")) {
        m_event = line.sliced(6).trimmed().toByteArray();
        ++m_events;
        noteEvent(m_event);
        return;
    }
    if (line.startsWith("data:")
        && responsesInterest(line.first(std::min(line.size(), kDecideBytes)), m_event) != Interest::Skip) {
        onData(line.sliced(5).trimmed());
    }
}

void ResponsesUsageScanner::onData(QByteArrayView json)
{
    const Answer answer = parseAnswer(json);
    const QByteArrayView type = m_event.isEmpty() ? QByteArrayView(answer.type) : QByteArrayView(m_event);
    if (m_event.isEmpty()) {
        noteEvent(type); // a data-only stream: the JSON names the event
    }
    if (isTerminal(type) && answer.usage.seen) {
        m_usage = answer.usage; // one response per stream: its final usage
    } else if (isTerminal(type) && m_usage.model.isEmpty()) {
        m_usage.model = answer.usage.model;
    }
}

void ResponsesUsageScanner::finish()
{
    if (std::exchange(m_finished, true)) {
        return; // idempotent: the exchange may end from several paths
    }
    if (m_mode == Mode::Json) {
        if (m_jsonOverflow) {
            qCWarning(lcUsage) << "answer too large to read its usage; none recorded";
            return;
        }
        m_usage = usageFromOpenAIJson(m_json);
        m_json.clear();
        return;
    }
    flushLine(m_lines, [this](QByteArrayView line) { onLine(line); });
    if (m_lines.overflow) {
        qCWarning(lcUsage) << "a stream event too large to read went by; its usage may be missing";
    }
}

// ---- Chat Completions ----

ChatUsageScanner::ChatUsageScanner(Mode mode, qsizetype maxJsonBytes, qsizetype maxLineBytes)
    : m_mode(mode)
    , m_maxJsonBytes(maxJsonBytes)
{
    m_lines.maxLine = maxLineBytes;
}

void ChatUsageScanner::feed(QByteArrayView chunk)
{
    if (m_mode == Mode::Json) {
        collect(m_json, m_jsonOverflow, chunk, m_maxJsonBytes);
        return;
    }
    splitLines(chunk, m_lines, chatInterest, [this](QByteArrayView line) { onLine(line); });
}

void ChatUsageScanner::onLine(QByteArrayView line)
{
    line = withoutCr(line);
    if (!line.startsWith("data:")) {
        return; // blank lines, comments; Chat streams carry no event names
    }
    const QByteArrayView payload = line.sliced(5).trimmed();
    if (payload == "[DONE]") {
        m_sawDone = true;
        return;
    }
    ++m_chunks;
    if (m_usage.model.isEmpty() || hasUsageObject(payload) || payload.contains("\"error\"")) {
        onData(payload);
    }
}

void ChatUsageScanner::onData(QByteArrayView json)
{
    const Answer answer = parseAnswer(json);
    m_sawError = m_sawError || answer.hasError;
    if (answer.usage.seen) {
        const QByteArray model = m_usage.model;
        m_usage = answer.usage; // cumulative when repeated: the last one wins
        if (m_usage.model.isEmpty()) {
            m_usage.model = model;
        }
    }
    if (m_usage.model.isEmpty()) {
        m_usage.model = answer.usage.model; // Azure's first chunk names "" here
    }
}

void ChatUsageScanner::finish()
{
    if (std::exchange(m_finished, true)) {
        return;
    }
    if (m_mode == Mode::Json) {
        if (m_jsonOverflow) {
            qCWarning(lcUsage) << "answer too large to read its usage; none recorded";
            return;
        }
        m_usage = usageFromOpenAIJson(m_json);
        m_json.clear();
        return;
    }
    flushLine(m_lines, [this](QByteArrayView line) { onLine(line); });
    if (m_lines.overflow) {
        qCWarning(lcUsage) << "a stream chunk too large to read went by; its usage may be missing";
    }
}

} // namespace rd::usage
