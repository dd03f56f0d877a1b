// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/sseparse.h"

#include <QJsonDocument>

namespace rd::test {

QJsonObject SseEvent::json() const
{
    return QJsonDocument::fromJson(data).object();
}

QList<SseEvent> parseSse(const QByteArray &body)
{
    QList<SseEvent> events;
    qsizetype at = 0;
    while (at < body.size()) {
        qsizetype end = body.indexOf("\n\n", at);
        if (end < 0) {
            end = body.size();
        }
        SseEvent event;
        for (const QByteArray &line : body.mid(at, end - at).split('\n')) {
            if (line.startsWith("event: ")) {
                event.event = line.mid(7);
            } else if (line.startsWith("data: ")) {
                event.data = line.mid(6);
            }
        }
        if (!event.event.isEmpty() || !event.data.isEmpty()) {
            events.append(event);
        }
        at = end + 2;
    }
    return events;
}

} // namespace rd::test
