// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

namespace rd::cli {

// A tiny command-line reader: positional words and --name value / --name=value / --flag options.
// Secrets are never taken from here (they come from stdin or the environment).
class Args
{
public:
    // valueOptions take a value, flagOptions do not; anything else is an error.
    bool parse(const QStringList &words, const QSet<QString> &valueOptions, const QSet<QString> &flagOptions);
    const QString &error() const { return m_error; }
    const QStringList &positional() const { return m_positional; }
    bool has(const QString &name) const { return m_values.contains(name) || m_flags.contains(name); }
    QString value(const QString &name, const QString &fallback = {}) const { return m_values.value(name, fallback); }

private:
    QStringList m_positional;
    QHash<QString, QString> m_values;
    QSet<QString> m_flags;
    QString m_error;
};

} // namespace rd::cli
