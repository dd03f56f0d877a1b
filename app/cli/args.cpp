// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/args.h"

using namespace Qt::StringLiterals;

namespace rd::cli {

bool Args::parse(const QStringList &words, const QSet<QString> &valueOptions, const QSet<QString> &flagOptions)
{
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString &w = words.at(i);
        if (!w.startsWith(u"--"_s) || w == u"--"_s) {
            m_positional.append(w);
            continue;
        }
        QString name = w.mid(2);
        QString value;
        bool inlineValue = false;
        if (const qsizetype eq = name.indexOf(u'='); eq >= 0) {
            value = name.mid(eq + 1);
            name = name.left(eq);
            inlineValue = true;
        }
        if (flagOptions.contains(name)) {
            if (inlineValue) {
                m_error = u"option --%1 takes no value"_s.arg(name);
                return false;
            }
            m_flags.insert(name);
        } else if (valueOptions.contains(name)) {
            if (!inlineValue) {
                if (i + 1 >= words.size()) {
                    m_error = u"option --%1 needs a value"_s.arg(name);
                    return false;
                }
                value = words.at(++i);
            }
            m_values.insert(name, value);
        } else {
            m_error = u"unknown option --%1"_s.arg(name);
            return false;
        }
    }
    return true;
}

} // namespace rd::cli
