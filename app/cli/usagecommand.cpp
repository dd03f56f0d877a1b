// SPDX-License-Identifier: GPL-3.0-or-later
// relaydesk usage: totals per key, model, account or key×model, or a series per hour, day or month.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/common.h"
#include "core/config/relaysettings.h"

#include <QDateTime>
#include <QHash>
#include <QTimeZone>

#include <algorithm>
#include <limits>
#include <optional>

using namespace Qt::StringLiterals;

namespace rd::cli {

namespace {

constexpr qint64 kNoEnd = std::numeric_limits<qint64>::max();

struct UsageOptions
{
    QString by;     // key, model, account or key-model; for a series "" (one line per bucket) unless given
    QString series; // "", hour, day or month
    qint64 sinceMs = 0;
    bool csv = false;
};

// One CSV field: quoted when it holds a comma, quote or line break; a leading = + - @ is neutralised with a quote so a
// spreadsheet never runs a key or account name as a formula.
QString csvField(const QString &text)
{
    QString field = text;
    if (!field.isEmpty() && QStringView(u"=+-@").contains(field.front())) {
        field.prepend(u'\'');
    }
    if (field.contains(u',') || field.contains(u'"') || field.contains(u'\n') || field.contains(u'\r')) {
        field = u'"' % QString(field).replace(u'"', u"\"\""_s) % u'"';
    }
    return field;
}

// --since 2026-11-01 (a date, midnight in the relay's time zone) or 7d (days back from now); empty: everything.
bool parseSince(const QString &since, qint64 *sinceMs, const QTimeZone &zone = QTimeZone::systemTimeZone())
{
    if (since.isEmpty()) {
        *sinceMs = 0;
        return true;
    }
    bool ok = false;
    if (since.endsWith(u'd') && since.chopped(1).toInt(&ok) >= 0 && ok) {
        *sinceMs = QDateTime::currentDateTime().addDays(-since.chopped(1).toInt()).toMSecsSinceEpoch();
        return true;
    }
    if (const QDate date = QDate::fromString(since, Qt::ISODate); date.isValid()) {
        *sinceMs = date.startOfDay(zone).toMSecsSinceEpoch();
        return true;
    }
    return false;
}

// Keys and accounts are shown by name where they still exist.
QHash<QString, QString> recordNames(store::Database &db)
{
    QHash<QString, QString> names;
    if (auto keys = db.listKeys()) {
        for (const auto &k : std::as_const(*keys)) {
            names.insert(k.id, k.name);
        }
    }
    if (auto accounts = db.listAccounts()) {
        for (const auto &acc : std::as_const(*accounts)) {
            names.insert(acc.id, acc.name);
        }
    }
    return names;
}

QString displayName(const QString &by, const QString &group, const QHash<QString, QString> &names)
{
    if (by == u"model"_s || by.isEmpty()) {
        return by.isEmpty() ? QString() : group;
    }
    return names.value(by == u"key-model"_s ? group.section(u'|', 0, 0) : group);
}

// The number columns of one line. For a series (point given) the errors, and in CSV also aborted and total_ms.
QStringList numberCells(const store::UsageTotals &t, const std::optional<store::RollupPoint> &point, bool csv)
{
    QStringList cells;
    if (csv) {
        cells << QString::number(t.requests);
        if (point) {
            cells << QString::number(point->errors) << QString::number(point->aborted);
        }
        cells << QString::number(t.inputTokens) << QString::number(t.outputTokens)
              << QString::number(t.cacheCreate5mTokens) << QString::number(t.cacheCreate1hTokens)
              << QString::number(t.cacheReadTokens) << QString::number(t.costUsd, 'f', 6)
              << QString::number(t.ratedCostUsd, 'f', 6);
        if (point) {
            cells << QString::number(point->totalLatencyMs);
        }
        return cells;
    }
    cells << u"%1"_s.arg(t.requests, 9);
    if (point) {
        cells << u"%1"_s.arg(point->errors, 7);
    }
    cells << u"%1"_s.arg(t.inputTokens, 12) << u"%1"_s.arg(t.outputTokens, 12)
          << u"%1"_s.arg(t.cacheCreate5mTokens + t.cacheCreate1hTokens, 12) << u"%1"_s.arg(t.cacheReadTokens, 12)
          << u"%1"_s.arg(t.costUsd, 12, 'f', 4) << u"%1"_s.arg(t.ratedCostUsd, 12, 'f', 4);
    return cells;
}

// Per-request rows older than the retention horizon are purged; the day rollups keep their totals. Whole days from
// the one --since falls in, up to the horizon (a local midnight, so no day is counted twice).
Result<QList<QPair<QString, store::UsageTotals>>>
groupedTotals(store::Database &db, const UsageOptions &o, const config::RelaySettings &settings)
{
    const qint64 horizon = store::Database::retentionHorizon(
        settings.calendar, settings.retentionDays, QDateTime::currentMSecsSinceEpoch());
    auto recent = db.usageGrouped(o.by, std::max(o.sinceMs, horizon));
    if (!recent || o.sinceMs >= horizon) {
        return recent;
    }
    const qint64 from = o.sinceMs > 0 ? settings.calendar.dayStart(o.sinceMs) : 0;
    const auto older = db.rollupSeries(u"day"_s, o.by, from, horizon, QString());
    if (!older) {
        return tl::unexpected(older.error());
    }
    if (older->isEmpty()) {
        return recent;
    }
    const QString date = QDateTime::fromMSecsSinceEpoch(horizon, settings.calendar.zone()).date().toString(Qt::ISODate);
    printErr(u"note: per-request rows before %1 were purged (usage.retention_days = %2); totals before then come "
             "from the day rollups, in whole days"_s.arg(date)
                 .arg(settings.retentionDays));
    QList<QPair<QString, store::UsageTotals>> merged = *recent;
    QHash<QString, qsizetype> index;
    for (qsizetype i = 0; i < merged.size(); ++i) {
        index.insert(merged.at(i).first, i);
    }
    for (const store::RollupPoint &p : std::as_const(*older)) {
        auto it = index.constFind(p.group);
        if (it == index.cend()) {
            it = index.insert(p.group, merged.size());
            merged.append({p.group, {}});
        }
        merged[*it].second += p.totals;
    }
    std::stable_sort(merged.begin(), merged.end(), [](const auto &a, const auto &b) {
        return a.second.costUsd != b.second.costUsd ? a.second.costUsd > b.second.costUsd
                                                    : a.second.requests > b.second.requests;
    });
    return merged;
}

int printGrouped(store::Database &db, const UsageOptions &o, const config::RelaySettings &settings)
{
    auto rows = groupedTotals(db, o, settings);
    if (!rows) {
        printErr(u"relaydesk: "_s + rows.error().detail);
        return 1;
    }
    const QHash<QString, QString> names = recordNames(db);
    const QString header = o.csv ? u"%1,name,requests,input_tokens,output_tokens,cache_write_5m_tokens,"
                                   "cache_write_1h_tokens,cache_read_tokens,cost_usd,rated_cost_usd"_s.arg(o.by)
                                 : u"%1  %2  %3  %4  %5  %6  %7  %8  %9"_s.arg(o.by.toUpper(), -22)
                                       .arg(u"NAME"_s, -16)
                                       .arg(u"REQUESTS"_s, 9)
                                       .arg(u"INPUT"_s, 12)
                                       .arg(u"OUTPUT"_s, 12)
                                       .arg(u"CACHE W"_s, 12)
                                       .arg(u"CACHE R"_s, 12)
                                       .arg(u"COST USD"_s, 12)
                                       .arg(u"RATED USD"_s, 12);
    printOut(header);
    store::UsageTotals sum;
    for (const auto &[group, t] : std::as_const(*rows)) {
        // Numbers first, names appended: a name holding "%1" must not be taken for a placeholder.
        const QString name = displayName(o.by, group, names);
        if (o.csv) {
            printOut(csvField(group) % u',' % csvField(name) % u',' % numberCells(t, {}, true).join(u','));
        } else {
            printOut(group.leftJustified(22) % u"  "_s % name.leftJustified(16) % u"  "_s
                     % numberCells(t, {}, false).join(u"  "_s));
        }
        sum += t;
    }
    if (!o.csv) {
        printOut(u"total: %1 requests, $%2 (rated $%3)"_s.arg(sum.requests)
                     .arg(sum.costUsd, 0, 'f', 4)
                     .arg(sum.ratedCostUsd, 0, 'f', 4));
    }
    return 0;
}

// One line per bucket (and group, with --by), from the rollups; buckets are labelled in the configured zone.
int printSeries(store::Database &db, const UsageOptions &o, const config::RelaySettings &settings)
{
    const policy::LimitCalendar &calendar = settings.calendar;
    qint64 from = 0;
    if (o.sinceMs > 0) { // from the bucket --since falls in
        from = o.series == u"hour"_s  ? calendar.hourStart(o.sinceMs)
               : o.series == u"day"_s ? calendar.dayStart(o.sinceMs)
                                      : calendar.monthStart(o.sinceMs);
    }
    auto points = db.rollupSeries(o.series, o.by, from, kNoEnd, QString());
    if (!points) {
        printErr(u"relaydesk: "_s + points.error().detail);
        return 1;
    }
    const QString format = o.series == u"hour"_s  ? u"yyyy-MM-dd HH:mm"_s
                           : o.series == u"day"_s ? u"yyyy-MM-dd"_s
                                                  : u"yyyy-MM"_s;
    const QHash<QString, QString> names = recordNames(db);
    const QString groupColumns = o.by.isEmpty() ? QString()
                                 : o.csv        ? u"%1,name,"_s.arg(o.by)
                                                : u"%1  %2  "_s.arg(o.by.toUpper(), -22).arg(u"NAME"_s, -16);
    printOut(o.csv ? u"bucket_start,%1requests,errors,aborted,input_tokens,output_tokens,cache_write_5m_tokens,"
                     "cache_write_1h_tokens,cache_read_tokens,cost_usd,rated_cost_usd,total_ms"_s.arg(groupColumns)
                   : u"%1  %2%3  %4  %5  %6  %7  %8  %9  %10"_s.arg(u"BUCKET"_s, -16)
                         .arg(groupColumns)
                         .arg(u"REQUESTS"_s, 9)
                         .arg(u"ERRORS"_s, 7)
                         .arg(u"INPUT"_s, 12)
                         .arg(u"OUTPUT"_s, 12)
                         .arg(u"CACHE W"_s, 12)
                         .arg(u"CACHE R"_s, 12)
                         .arg(u"COST USD"_s, 12)
                         .arg(u"RATED USD"_s, 12));
    for (const store::RollupPoint &p : std::as_const(*points)) {
        const QDateTime start = QDateTime::fromMSecsSinceEpoch(p.bucketStartMs, calendar.zone());
        const QString name = displayName(o.by, p.group, names);
        if (o.csv) {
            const QString group = o.by.isEmpty() ? QString() : csvField(p.group) % u',' % csvField(name) % u',';
            printOut(start.toString(Qt::ISODate) % u',' % group % numberCells(p.totals, p, true).join(u','));
        } else {
            const QString group =
                o.by.isEmpty() ? QString() : p.group.leftJustified(22) % u"  "_s % name.leftJustified(16) % u"  "_s;
            printOut(start.toString(format).leftJustified(16) % u"  "_s % group
                     % numberCells(p.totals, p, false).join(u"  "_s));
        }
    }
    return 0;
}

} // namespace

int usageCommand(const QStringList &args)
{
    Args a;
    if (!a.parse(args, {u"by"_s, u"since"_s, u"series"_s, u"data-dir"_s}, {u"csv"_s})) {
        return usageError(a.error());
    }
    if (!a.positional().isEmpty()) {
        return usageError(u"usage takes no further words"_s);
    }
    UsageOptions o;
    o.series = a.value(u"series"_s);
    if (!o.series.isEmpty() && o.series != u"hour"_s && o.series != u"day"_s && o.series != u"month"_s) {
        return usageError(u"--series takes hour, day or month"_s);
    }
    // Grouped totals default to per key; a series is one line per bucket unless --by splits it.
    o.by = a.value(u"by"_s, o.series.isEmpty() ? u"key"_s : QString());
    const QStringList groupings{u"key"_s, u"model"_s, u"account"_s, u"key-model"_s};
    if (!groupings.contains(o.by) && !(o.by.isEmpty() && !a.has(u"by"_s))) {
        return usageError(u"--by takes key, model, account or key-model"_s);
    }
    if (!parseSince(a.value(u"since"_s), &o.sinceMs)) {
        return usageError(u"--since takes a date (2026-11-01) or a number of days (7d)"_s);
    }
    o.csv = a.has(u"csv"_s);
    auto db = openStore(a.value(u"data-dir"_s));
    if (!db) {
        return 1;
    }
    const auto stored = db->settings();
    if (!stored) {
        printErr(u"relaydesk: "_s + stored.error().detail);
        return 1;
    }
    const config::RelaySettings settings = config::relaySettingsFrom(*stored);
    parseSince(
        a.value(u"since"_s), &o.sinceMs, settings.calendar.zone()); // a date is midnight where the relay counts days
    return o.series.isEmpty() ? printGrouped(*db, o, settings) : printSeries(*db, o, settings);
}

} // namespace rd::cli
