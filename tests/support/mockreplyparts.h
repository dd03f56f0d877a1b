// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Pieces shared by MockUpstream's reply builders (mockreplies.cpp, mockopenai.cpp, mockopenaidefaults.cpp).

#include "tests/support/mockupstream.h"

#include <QByteArray>
#include <QList>

#include <optional>

namespace rd::test::detail {

QByteArray nextId(const char *prefix); // prefix + a process-wide counter, six digits
inline QByteArray num(qint64 n)
{
    return QByteArray::number(n);
}
MockReply sseReply(const QList<QByteArray> &events, int delayMs); // delayMs before every event but the first
MockReply jsonReply(const QByteArray &body);

// The OpenAI-side default answer (Responses, ChatGPT backend, Chat Completions, Azure, models) for this request, or
// nothing when the path is not one of theirs.
std::optional<MockReply> openaiDefaultReply(const RecordedRequest &request, const QByteArray &path);

} // namespace rd::test::detail
