// SPDX-License-Identifier: GPL-3.0-or-later
// relaydesk usage: totals per key, model or account.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/common.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace rd::cli {

int usageCommand(const QStringList &args)
{
    Args a;
    if (!a.parse(args, {u"by"_s, u"since"_s, u"data-dir"_s}, {u"csv"_s})) {
        return usageError(a.error());
    }
    if (!a.positional().isEmpty()) {
        return usageError(u"usage takes no further words"_s);
    }
    const QString by = a.value(u"by"_s, u"key"_s);
    if (by != u"key"_s && by != u"model"_s && by != u"account"_s) {
        return usageError(u"--by takes key, model or account"_s);
    }
    // --since 2026-11-01 (a date, local midnight) or 7d (days back from now); default: everything.
    qint64 sinceMs = 0;
    const QString since = a.value(u"since"_s);
    if (!since.isEmpty()) {
        bool ok = false;
        if (since.endsWith(u'd') && since.chopped(1).toInt(&ok) >= 0 && ok) {
            sinceMs = QDateTime::currentDateTime().addDays(-since.chopped(1).toInt()).toMSecsSinceEpoch();
        } else if (const QDate date = QDate::fromString(since, Qt::ISODate); date.isValid()) {
            sinceMs = date.startOfDay().toMSecsSinceEpoch();
        } else {
            return usageError(u"--since takes a date (2026-11-01) or a number of days (7d)"_s);
        }
    }
    auto db = openStore(a.value(u"data-dir"_s));
    if (!db) {
        return 1;
    }
    auto rows = db->usageGrouped(by, sinceMs);
    if (!rows) {
        printErr(u"relaydesk: "_s + rows.error().detail);
        return 1;
    }
    // Keys and accounts are shown by name where they still exist.
    QHash<QString, QString> names;
    if (auto keys = db->listKeys()) {
        for (const auto &k : std::as_const(*keys)) {
            names.insert(k.id, k.name);
        }
    }
    if (auto accounts = db->listAccounts()) {
        for (const auto &acc : std::as_const(*accounts)) {
            names.insert(acc.id, acc.name);
        }
    }
    const bool csv = a.has(u"csv"_s);
    const QString header = csv ? u"%1,name,requests,input_tokens,output_tokens,cache_write_5m_tokens,"
                                 "cache_write_1h_tokens,cache_read_tokens,cost_usd"_s.arg(by)
                               : u"%1  %2  %3  %4  %5  %6  %7  %8"_s.arg(by.toUpper(), -22)
                                     .arg(u"NAME"_s, -16)
                                     .arg(u"REQUESTS"_s, 9)
                                     .arg(u"INPUT"_s, 12)
                                     .arg(u"OUTPUT"_s, 12)
                                     .arg(u"CACHE W"_s, 12)
                                     .arg(u"CACHE R"_s, 12)
                                     .arg(u"COST USD"_s, 12);
    printOut(header);
    store::UsageTotals sum;
    for (const auto &[group, t] : std::as_const(*rows)) {
        const QString name = by == u"model"_s ? group : names.value(group);
        if (csv) {
            printOut(u"%1,%2,%3,%4,%5,%6,%7,%8,%9"_s.arg(group, name)
                         .arg(t.requests)
                         .arg(t.inputTokens)
                         .arg(t.outputTokens)
                         .arg(t.cacheCreate5mTokens)
                         .arg(t.cacheCreate1hTokens)
                         .arg(t.cacheReadTokens)
                         .arg(t.costUsd, 0, 'f', 6));
        } else {
            printOut(u"%1  %2  %3  %4  %5  %6  %7  %8"_s.arg(group, -22)
                         .arg(name, -16)
                         .arg(t.requests, 9)
                         .arg(t.inputTokens, 12)
                         .arg(t.outputTokens, 12)
                         .arg(t.cacheCreate5mTokens + t.cacheCreate1hTokens, 12)
                         .arg(t.cacheReadTokens, 12)
                         .arg(t.costUsd, 12, 'f', 4));
        }
        sum.requests += t.requests;
        sum.costUsd += t.costUsd;
    }
    if (!csv) {
        printOut(u"total: %1 requests, $%2"_s.arg(sum.requests).arg(sum.costUsd, 0, 'f', 4));
    }
    return 0;
}

} // namespace rd::cli
