// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/chatusagefilter.h"

namespace rd::relay {

namespace {
class UsageChunkFilter final : public convert::BodyTransform
{
public:
    void feed(QByteArrayView upstream, QByteArray &out) override
    {
        qsizetype from = 0;
        while (from < upstream.size()) {
            const qsizetype nl = upstream.indexOf('\n', from);
            if (nl < 0) {
                m_line.append(upstream.sliced(from));
                return;
            }
            const QByteArrayView piece = upstream.sliced(from, nl + 1 - from);
            if (m_line.isEmpty()) {
                emitLine(piece, out);
            } else {
                m_line.append(piece);
                emitLine(m_line, out);
                m_line.clear();
            }
            from = nl + 1;
        }
    }
    void finish(QByteArray &out) override
    {
        if (!m_line.isEmpty()) {
            emitLine(m_line, out);
            m_line.clear();
        }
    }
    QByteArray contentType() const override { return QByteArrayLiteral("text/event-stream"); }
    bool sawError() const override { return false; }

private:
    // A usage chunk is a `data:` line with `"choices":[]` and a non-null usage; its blank separator line goes too.
    void emitLine(QByteArrayView line, QByteArray &out)
    {
        const QByteArrayView trimmed = line.trimmed();
        if (m_dropBlank && trimmed.isEmpty()) {
            m_dropBlank = false;
            return;
        }
        m_dropBlank = false;
        if (trimmed.startsWith("data:") && trimmed.contains("\"choices\":[]") && trimmed.contains("\"usage\":{")) {
            m_dropBlank = true;
            return;
        }
        out.append(line);
    }

    QByteArray m_line;
    bool m_dropBlank = false;
};
} // namespace

std::unique_ptr<convert::BodyTransform> makeUsageChunkFilter()
{
    return std::make_unique<UsageChunkFilter>();
}

} // namespace rd::relay
