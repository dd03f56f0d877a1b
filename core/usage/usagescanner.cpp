// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/usage/usagescanner.h"

#include "core/util/logging.h"

#include <simdjson.h>

#include <string>
#include <string_view>
#include <utility>

namespace rd::usage {

namespace {
using namespace simdjson;

// One parser per thread; its buffers grow to the largest document seen and are reused.
ondemand::parser &threadParser()
{
    thread_local ondemand::parser parser;
    return parser;
}

qint64 asInt(ondemand::value v)
{
    uint64_t n = 0;
    if (v.get_uint64().get(n) == SUCCESS) {
        return static_cast<qint64>(n);
    }
    return 0;
}

// Fills `out` from an Anthropic usage object. A delta repeats input/cache counts only in newer upstreams,
// so a zero there never overwrites what message_start said.
void readUsage(ondemand::object usage, TokenUsage &out, bool isDelta)
{
    bool sawBreakdown = false;
    qint64 creationTotal = -1;
    for (auto field : usage) {
        std::string_view key;
        if (field.unescaped_key().get(key) != SUCCESS) {
            return;
        }
        ondemand::value v;
        if (field.value().get(v) != SUCCESS) {
            return;
        }
        auto keep = [isDelta](qint64 &slot, qint64 value) {
            if (!isDelta || value != 0) {
                slot = value;
            }
        };
        if (key == "input_tokens") {
            keep(out.inputTokens, asInt(v));
        } else if (key == "output_tokens") {
            out.outputTokens = asInt(v); // cumulative: the last one wins
        } else if (key == "cache_read_input_tokens") {
            keep(out.cacheReadTokens, asInt(v));
        } else if (key == "cache_creation_input_tokens") {
            creationTotal = asInt(v);
        } else if (key == "cache_creation") {
            ondemand::object breakdown;
            if (v.get_object().get(breakdown) == SUCCESS) {
                for (auto part : breakdown) {
                    std::string_view name;
                    ondemand::value pv;
                    if (part.unescaped_key().get(name) != SUCCESS || part.value().get(pv) != SUCCESS) {
                        break;
                    }
                    if (name == "ephemeral_5m_input_tokens") {
                        keep(out.cacheCreate5mTokens, asInt(pv));
                        sawBreakdown = true;
                    } else if (name == "ephemeral_1h_input_tokens") {
                        keep(out.cacheCreate1hTokens, asInt(pv));
                        sawBreakdown = true;
                    }
                }
            }
        }
    }
    // Without the 5m/1h breakdown, all cache writes count as 5-minute writes. A delta repeating the total that
    // message_start already broke down (the API omits the breakdown there) keeps that breakdown.
    const bool sameTotal = isDelta && creationTotal == out.cacheCreate5mTokens + out.cacheCreate1hTokens;
    if (!sawBreakdown && creationTotal >= 0 && (!isDelta || creationTotal != 0) && !sameTotal) {
        out.cacheCreate5mTokens = creationTotal;
        out.cacheCreate1hTokens = 0;
    }
    out.seen = true;
}

bool parseInto(QByteArrayView json, std::string &scratch, ondemand::document &doc)
{
    scratch.assign(json.data(), static_cast<size_t>(json.size()));
    scratch.reserve(scratch.size() + SIMDJSON_PADDING);
    return threadParser().iterate(scratch.data(), scratch.size(), scratch.capacity()).get(doc) == SUCCESS;
}

void readMessage(ondemand::object message, TokenUsage &out)
{
    for (auto field : message) {
        std::string_view key;
        if (field.unescaped_key().get(key) != SUCCESS) {
            return;
        }
        ondemand::value v;
        if (field.value().get(v) != SUCCESS) {
            return;
        }
        if (key == "model") {
            std::string_view model;
            if (v.get_string().get(model) == SUCCESS) {
                out.model = QByteArray(model.data(), static_cast<qsizetype>(model.size()));
            }
        } else if (key == "usage") {
            ondemand::object usage;
            if (v.get_object().get(usage) == SUCCESS) {
                readUsage(usage, out, false);
            }
        }
    }
}
} // namespace

TokenUsage usageFromMessageJson(QByteArrayView json)
{
    TokenUsage out;
    thread_local std::string scratch;
    ondemand::document doc;
    ondemand::object root;
    if (!parseInto(json, scratch, doc) || doc.get_object().get(root) != SUCCESS) {
        return out;
    }
    readMessage(root, out);
    return out;
}

AnthropicUsageScanner::AnthropicUsageScanner(Mode mode, qsizetype maxJsonBytes)
    : m_mode(mode)
    , m_maxJsonBytes(maxJsonBytes)
{}

void AnthropicUsageScanner::feed(QByteArrayView chunk)
{
    if (m_mode == Mode::Json) {
        if (m_json.size() + chunk.size() > m_maxJsonBytes) {
            m_jsonOverflow = true;
            m_json.clear();
            return;
        }
        if (!m_jsonOverflow) {
            m_json.append(chunk);
        }
        return;
    }
    qsizetype pos = 0;
    while (pos < chunk.size()) {
        const qsizetype nl = chunk.indexOf('\n', pos);
        const qsizetype end = nl < 0 ? chunk.size() : nl;
        if (m_skipping) {
            if (nl >= 0) {
                m_skipping = false;
            }
            pos = end + 1;
            continue;
        }
        const QByteArrayView piece = chunk.sliced(pos, end - pos);
        if (m_line.isEmpty() && nl >= 0) {
            onLine(piece); // the whole line is in this chunk: no copy
        } else {
            m_line.append(piece);
            // Decide early whether this line can matter, so long text deltas are never copied.
            if (m_line.size() >= 6 && m_line.startsWith("data: ") && m_event != "message_start"
                && m_event != "message_delta" && m_event != "error") {
                m_line.clear();
                m_skipping = nl < 0;
            } else if (nl >= 0) {
                onLine(m_line);
                m_line.clear();
            }
        }
        pos = end + 1;
    }
}

void AnthropicUsageScanner::onLine(QByteArrayView line)
{
    if (line.endsWith('\r')) {
        line.chop(1);
    }
    if (line.isEmpty()) {
        m_event.clear(); // end of event
        return;
    }
    if (line.startsWith("event:")) {
        m_event = line.sliced(6).trimmed().toByteArray();
        ++m_events;
        if (m_event == "error") {
            m_sawError = true;
        } else if (m_event == "message_stop") {
            m_sawStop = true;
        }
        return;
    }
    if (line.startsWith("data:") && (m_event == "message_start" || m_event == "message_delta")) {
        onData(line.sliced(5).trimmed());
    }
}

void AnthropicUsageScanner::onData(QByteArrayView json)
{
    thread_local std::string scratch;
    ondemand::document doc;
    ondemand::object root;
    if (!parseInto(json, scratch, doc) || doc.get_object().get(root) != SUCCESS) {
        return;
    }
    if (m_event == "message_start") {
        if (m_inPair) {
            m_total += m_current;
        }
        m_current = TokenUsage();
        m_inPair = true;
        ondemand::object message;
        if (root["message"].get_object().get(message) == SUCCESS) {
            readMessage(message, m_current);
        }
        return;
    }
    ondemand::object usage;
    if (root["usage"].get_object().get(usage) == SUCCESS) {
        readUsage(usage, m_current, true);
        m_inPair = true;
    }
}

void AnthropicUsageScanner::finish()
{
    if (std::exchange(m_finished, true)) {
        return; // idempotent: the exchange may end from several paths
    }
    if (m_mode == Mode::Json) {
        if (m_jsonOverflow) {
            qCWarning(lcUsage) << "answer too large to read its usage; none recorded";
            return;
        }
        m_total = usageFromMessageJson(m_json);
        m_json.clear();
        return;
    }
    if (!m_line.isEmpty()) {
        onLine(m_line);
        m_line.clear();
    }
}

TokenUsage AnthropicUsageScanner::result() const
{
    if (m_mode == Mode::Json) {
        return m_total;
    }
    TokenUsage out = m_total;
    if (m_inPair) {
        out += m_current;
    }
    return out;
}

} // namespace rd::usage
