// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstring>
#include <utility>

namespace rd::convert {

// Splits an SSE byte stream into events (`event:` name + joined `data:` lines), whatever the chunk boundaries. Only a
// line cut by a chunk boundary is copied; a complete line is looked at where it lies. LF or CRLF framing.
// One per stream, on the thread that feeds it.
class SseReader
{
public:
    // onEvent(QByteArrayView event, QByteArrayView data) for each complete event.
    template <typename OnEvent>
    void feed(QByteArrayView chunk, OnEvent &&onEvent)
    {
        const char *begin = chunk.data();
        const char *end = begin + chunk.size();
        while (begin < end) {
            const auto *nl = static_cast<const char *>(std::memchr(begin, '\n', static_cast<size_t>(end - begin)));
            if (nl == nullptr) {
                m_partial.append(begin, end - begin);
                return;
            }
            if (m_partial.isEmpty()) {
                onLine(QByteArrayView(begin, nl - begin), onEvent);
            } else {
                m_partial.append(begin, nl - begin);
                const QByteArray line = std::exchange(m_partial, {});
                onLine(line, onEvent);
            }
            begin = nl + 1;
        }
    }

    // The body ended: a last event without its blank line still counts.
    template <typename OnEvent>
    void finish(OnEvent &&onEvent)
    {
        if (!m_partial.isEmpty()) {
            const QByteArray line = std::exchange(m_partial, {});
            onLine(line, onEvent);
        }
        onLine(QByteArrayView(), onEvent);
    }

private:
    template <typename OnEvent>
    void onLine(QByteArrayView line, OnEvent &onEvent)
    {
        if (line.endsWith('\r')) {
            line.chop(1);
        }
        if (line.isEmpty()) {
            if (m_hasData || !m_event.isEmpty()) {
                onEvent(QByteArrayView(m_event), QByteArrayView(m_data));
            }
            m_event.clear();
            m_data.clear();
            m_hasData = false;
            return;
        }
        if (line.startsWith(':')) {
            return; // a comment (keep-alive)
        }
        const qsizetype colon = line.indexOf(':');
        const QByteArrayView field = colon < 0 ? line : line.first(colon);
        QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
        if (value.startsWith(' ')) {
            value = value.sliced(1);
        }
        if (field == "data") {
            if (m_hasData) {
                m_data.append('\n');
            }
            m_data.append(value);
            m_hasData = true;
        } else if (field == "event") {
            m_event = value.toByteArray();
        }
    }

    QByteArray m_partial; // a line cut by a chunk boundary
    QByteArray m_event;
    QByteArray m_data;
    bool m_hasData = false;
};

} // namespace rd::convert
