// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLatin1String>
#include <QRandomGenerator>
#include <QString>

namespace rd::ui {

// A new record id like the CLI's: prefix + 16 hex characters from the system's random source.
inline QString newRecordId(QLatin1String prefix)
{
    const quint64 value = QRandomGenerator::system()->generate64();
    return prefix + QStringLiteral("%1").arg(value, 16, 16, QLatin1Char('0'));
}

} // namespace rd::ui
