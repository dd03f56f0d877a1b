// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace rd::test {

// One server-sent event as framed on the wire: the `event:` name (empty when none) and the `data:` payload.
struct SseEvent
{
    QByteArray event;
    QByteArray data;

    QJsonObject json() const; // data parsed as a JSON object (empty when it is not one)
};

// Splits an SSE body at its blank lines; `event:` and `data:` fields only (one data line per event, as upstreams send).
QList<SseEvent> parseSse(const QByteArray &body);

} // namespace rd::test
