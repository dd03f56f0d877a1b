// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/usagepage.h"

#include "core/facade/storeclient.h"
#include "core/policy/keylimiter.h"
#include "core/policy/limitcalendar.h"
#include "core/relay/relayservice.h"
#include "ui/appearance.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLocale>
#include <QPushButton>
#include <QSaveFile>
#include <QSet>
#include <QStackedBarSeries>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rd::ui {

namespace {
constexpr qint64 kHourMs = qint64(3600) * 1000;
constexpr int kDaysCharted = 92; // longer custom ranges are charted per month
constexpr int kTopGroups = 6;    // the chart stacks this many groups plus "Other"

enum class Metric
{
    Cost,
    RatedCost,
    Requests,
    Tokens,
};

enum Column
{
    NameColumn,
    RequestsColumn,
    InputColumn,
    OutputColumn,
    CacheWritesColumn,
    CacheReadsColumn,
    CostColumn,
    RatedCostColumn,
    ColumnCount,
};

double metricValue(Metric metric, const store::UsageTotals &t)
{
    switch (metric) {
    case Metric::Cost:
        return t.costUsd;
    case Metric::RatedCost:
        return t.ratedCostUsd;
    case Metric::Requests:
        return static_cast<double>(t.requests);
    case Metric::Tokens:
        return static_cast<double>(t.totalTokens());
    }
    return 0;
}

QString csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r')) {
        return text;
    }
    return u'"' + QString(text).replace(u"\""_s, u"\"\""_s) + u'"';
}

QString isoTime(qint64 ms, const QTimeZone &zone)
{
    return QDateTime::fromMSecsSinceEpoch(ms, zone).toString(Qt::ISODate);
}

// Unique labels: QBarCategoryAxis drops a repeated category (the hour repeated when summer time ends).
QStringList bucketLabels(const UsageRange &range, const QTimeZone &zone)
{
    QStringList labels;
    QSet<QString> seen;
    const QLocale locale;
    for (const qint64 start : range.bucketStarts) {
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(start, zone);
        QString label = range.bucket == u"hour"_s  ? t.toString(u"HH:mm"_s)
                        : range.bucket == u"day"_s ? locale.toString(t.date(), u"d MMM"_s)
                                                   : locale.toString(t.date(), u"MMM yyyy"_s);
        if (seen.contains(label)) {
            label += u" ("_s + t.timeZoneAbbreviation() + u')';
        }
        seen.insert(label);
        labels.append(label);
    }
    return labels;
}

// The chart's bar sets: the groups largest by the metric, then "Other"; one value per bucket of the range.
struct ChartData
{
    QStringList names;
    QList<QList<double>> values;
    double maxStacked = 0;
};

ChartData
chartData(const UsageReport &report, const QList<store::RollupPoint> &points, Metric metric, const QString &allLabel)
{
    QHash<QString, QString> labels; // group → what the legend shows
    QList<QPair<double, QString>> ranking;
    for (const UsageTableRow &row : report.rows) {
        const QString shown = !row.name.isEmpty()   ? row.name
                              : row.group.isEmpty() ? UsagePage::tr("(none)")
                                                    : row.group;
        labels.insert(row.group, report.by.isEmpty() ? allLabel : shown);
        ranking.append({metricValue(metric, row.totals), row.group});
    }
    std::stable_sort(ranking.begin(), ranking.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    ChartData data;
    QHash<QString, qsizetype> setOf; // group → bar set; the rest go to "Other"
    for (qsizetype i = 0; i < ranking.size() && i < kTopGroups; ++i) {
        setOf.insert(ranking.at(i).second, i);
        data.names.append(labels.value(ranking.at(i).second));
    }
    if (ranking.size() > kTopGroups) {
        data.names.append(UsagePage::tr("Other"));
    }
    const QList<qint64> &starts = report.range.bucketStarts;
    data.values = QList<QList<double>>(data.names.size(), QList<double>(starts.size(), 0.0));
    QList<double> stacked(starts.size(), 0.0);
    for (const store::RollupPoint &p : points) {
        // The chart bucket a rollup bucket falls in (a long custom range puts days into months).
        const auto bucket = std::upper_bound(starts.cbegin(), starts.cend(), p.bucketStartMs) - starts.cbegin() - 1;
        if (bucket >= 0) {
            const double value = metricValue(metric, p.totals);
            data.values[setOf.value(p.group, kTopGroups)][bucket] += value;
            stacked[bucket] += value;
        }
    }
    data.maxStacked = stacked.isEmpty() ? 0 : *std::max_element(stacked.cbegin(), stacked.cend());
    return data;
}

QTableWidgetItem *numberItem(const QVariant &value, const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setData(Qt::UserRole, value);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}
} // namespace

UsageRange UsageRange::compute(Kind kind, const policy::LimitCalendar &calendar, qint64 nowMs, QDate from, QDate to)
{
    const QTimeZone &zone = calendar.zone();
    const QDate today = QDateTime::fromMSecsSinceEpoch(nowMs, zone).date();
    switch (kind) {
    case Kind::Today:
        from = to = today;
        break;
    case Kind::Last7Days:
        from = today.addDays(-6);
        to = today;
        break;
    case Kind::Last30Days:
        from = today.addDays(-29);
        to = today;
        break;
    case Kind::Last12Months:
        from = QDate(today.year(), today.month(), 1).addMonths(-11);
        to = QDate(today.year(), today.month(), 1).addMonths(1).addDays(-1);
        break;
    case Kind::Custom:
        from = from.isValid() ? from : today;
        to = to.isValid() ? to : today;
        if (to < from) {
            std::swap(from, to);
        }
        break;
    }
    const auto startOf = [&zone](QDate d) { return d.startOfDay(zone).toMSecsSinceEpoch(); };
    UsageRange r;
    r.firstDay = from;
    r.lastDay = to;
    r.fromMs = startOf(from);
    r.toMs = startOf(to.addDays(1));
    const qint64 days = from.daysTo(to) + 1;
    if (days == 1) {
        // Hour rollups are whole UTC hours: in a zone with a half-hour offset the day starts inside one.
        r.granularity = r.bucket = u"hour"_s;
        r.fromMs = calendar.hourStart(r.fromMs);
        for (qint64 t = r.fromMs; t < r.toMs; t += kHourMs) {
            r.bucketStarts.append(t);
        }
    } else if (kind != Kind::Last12Months && days <= kDaysCharted) {
        r.granularity = r.bucket = u"day"_s;
        for (QDate d = from; d <= to; d = d.addDays(1)) {
            r.bucketStarts.append(startOf(d));
        }
    } else {
        // Month rollups only for whole months; a custom range reads its days and charts them per month.
        r.granularity = kind == Kind::Last12Months ? u"month"_s : u"day"_s;
        r.bucket = u"month"_s;
        for (QDate m(from.year(), from.month(), 1); startOf(m) < r.toMs; m = m.addMonths(1)) {
            r.bucketStarts.append(startOf(m));
        }
    }
    return r;
}

QString usageCsv(const UsageReport &report)
{
    QString csv = (report.by.isEmpty() ? u"group"_s : report.by)
                  % u",name,requests,input_tokens,output_tokens,cache_write_5m_tokens,cache_write_1h_tokens,"
                    "cache_read_tokens,cost_usd,rated_cost_usd,range_start,range_end\n"_s;
    const QString range = isoTime(report.range.fromMs, report.zone) % u',' % isoTime(report.range.toMs, report.zone);
    for (const UsageTableRow &row : report.rows) {
        const store::UsageTotals &t = row.totals;
        const QStringList cells{csvField(row.group),
                                csvField(row.name),
                                QString::number(t.requests),
                                QString::number(t.inputTokens),
                                QString::number(t.outputTokens),
                                QString::number(t.cacheCreate5mTokens),
                                QString::number(t.cacheCreate1hTokens),
                                QString::number(t.cacheReadTokens),
                                QString::number(t.costUsd, 'f', 6),
                                QString::number(t.ratedCostUsd, 'f', 6),
                                range};
        csv += cells.join(u',') % u'\n';
    }
    return csv;
}

struct UsagePage::Loaded
{
    QList<store::RollupPoint> points;
    QHash<QString, QString> names; // key or account id → name
};

UsagePage::UsagePage(QWidget *parent)
    : Page(parent)
{
    setObjectName(u"usagePage"_s);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildControls());
    buildChart();
    layout->addWidget(m_usageChart, 3);
    buildTable();
    layout->addWidget(m_usageTable, 2);
    m_status = new QLabel(this);
    m_status->setObjectName(u"usageStatus"_s);
    layout->addWidget(m_status);
}

UsagePage::~UsagePage() = default;

QWidget *UsagePage::buildControls()
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    m_rangePicker = new QComboBox(row);
    m_rangePicker->setObjectName(u"rangePicker"_s);
    m_rangePicker->setAccessibleName(tr("Range"));
    m_rangePicker->addItem(tr("Today"), static_cast<int>(UsageRange::Kind::Today));
    m_rangePicker->addItem(tr("Last 7 days"), static_cast<int>(UsageRange::Kind::Last7Days));
    m_rangePicker->addItem(tr("Last 30 days"), static_cast<int>(UsageRange::Kind::Last30Days));
    m_rangePicker->addItem(tr("Last 12 months"), static_cast<int>(UsageRange::Kind::Last12Months));
    m_rangePicker->addItem(tr("Custom range"), static_cast<int>(UsageRange::Kind::Custom));
    m_rangePicker->setCurrentIndex(1);
    const auto dateEdit = [row](const QString &name, const QString &accessible) {
        auto *edit = new QDateEdit(QDate::currentDate(), row);
        edit->setObjectName(name);
        edit->setAccessibleName(accessible);
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(u"yyyy-MM-dd"_s);
        return edit;
    };
    m_fromDate = dateEdit(u"fromDate"_s, tr("From"));
    m_toDate = dateEdit(u"toDate"_s, tr("To"));
    m_groupBy = new QComboBox(row);
    m_groupBy->setObjectName(u"groupBy"_s);
    m_groupBy->setAccessibleName(tr("Group by"));
    m_groupBy->addItem(tr("No grouping"), QString());
    m_groupBy->addItem(tr("Model"), u"model"_s);
    m_groupBy->addItem(tr("Key"), u"key"_s);
    m_groupBy->addItem(tr("Account"), u"account"_s);
    m_groupBy->setCurrentIndex(1);
    m_metric = new QComboBox(row);
    m_metric->setObjectName(u"metric"_s);
    m_metric->setAccessibleName(tr("Metric"));
    m_metric->addItem(tr("Cost"), static_cast<int>(Metric::Cost));
    m_metric->addItem(tr("Rated cost"), static_cast<int>(Metric::RatedCost));
    m_metric->addItem(tr("Requests"), static_cast<int>(Metric::Requests));
    m_metric->addItem(tr("Tokens"), static_cast<int>(Metric::Tokens));
    m_exportButton = new QPushButton(tr("Export CSV…"), row);
    m_exportButton->setObjectName(u"exportButton"_s);
    m_exportButton->setEnabled(false); // until a report is on screen

    layout->addWidget(new QLabel(tr("Range:"), row));
    layout->addWidget(m_rangePicker);
    layout->addWidget(m_fromDate);
    layout->addWidget(new QLabel(tr("to"), row));
    layout->addWidget(m_toDate);
    layout->addSpacing(12);
    layout->addWidget(new QLabel(tr("Group by:"), row));
    layout->addWidget(m_groupBy);
    layout->addWidget(new QLabel(tr("Show:"), row));
    layout->addWidget(m_metric);
    layout->addStretch(1);
    layout->addWidget(m_exportButton);

    connect(m_rangePicker, &QComboBox::currentIndexChanged, this, &UsagePage::onChoiceChanged);
    connect(m_fromDate, &QDateEdit::dateChanged, this, &UsagePage::onDatesEdited);
    connect(m_toDate, &QDateEdit::dateChanged, this, &UsagePage::onDatesEdited);
    connect(m_groupBy, &QComboBox::currentIndexChanged, this, &UsagePage::onChoiceChanged);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &UsagePage::renderChart); // the data is already here
    connect(m_exportButton, &QPushButton::clicked, this, &UsagePage::exportCsv);
    return row;
}

void UsagePage::buildChart()
{
    auto *chart = new QChart();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    m_xAxis = new QBarCategoryAxis(chart);
    m_yAxis = new QValueAxis(chart);
    m_yAxis->setLabelFormat(u"%g"_s);
    m_yAxis->setTickCount(5);
    m_yAxis->setRange(0, 1);
    chart->addAxis(m_xAxis, Qt::AlignBottom);
    chart->addAxis(m_yAxis, Qt::AlignLeft);
    m_usageChart = new QChartView(chart, this);
    m_usageChart->setObjectName(u"usageChart"_s);
    followPalette(m_usageChart);
    m_usageChart->setAccessibleName(tr("Usage chart"));
    m_usageChart->setRenderHint(QPainter::Antialiasing);
    m_usageChart->setMinimumSize(320, 200);
    m_usageChart->setFocusPolicy(Qt::NoFocus);
}

void UsagePage::buildTable()
{
    m_usageTable = new QTableWidget(0, ColumnCount, this);
    m_usageTable->setObjectName(u"usageTable"_s);
    m_usageTable->setAccessibleName(tr("Usage per group"));
    m_usageTable->setHorizontalHeaderLabels({tr("Name"),
                                             tr("Requests"),
                                             tr("Input"),
                                             tr("Output"),
                                             tr("Cache writes"),
                                             tr("Cache reads"),
                                             tr("Cost (USD)"),
                                             tr("Rated cost (USD)")});
    m_usageTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_usageTable->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_usageTable->verticalHeader()->hide();
    m_usageTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_usageTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_usageTable->setMinimumHeight(120);
}

void UsagePage::attach(const UiContext &context)
{
    m_context = context;
    if (m_active) {
        reload();
    }
}

void UsagePage::setActive(bool active)
{
    m_active = active;
    if (active) {
        reload(); // the store may have grown since the page was last shown
    }
}

void UsagePage::onDatesEdited()
{
    const int custom = m_rangePicker->findData(static_cast<int>(UsageRange::Kind::Custom));
    if (m_rangePicker->currentIndex() != custom) {
        m_rangePicker->setCurrentIndex(custom); // editing a date makes the range a custom one (and reloads)
        return;
    }
    onChoiceChanged();
}

void UsagePage::onChoiceChanged()
{
    if (m_active) { // an inactive page reloads when it becomes active
        reload();
    }
}

QString UsagePage::groupBy() const
{
    return m_groupBy->currentData().toString();
}

UsageRange UsagePage::currentRange(const policy::LimitCalendar &calendar)
{
    const auto kind = static_cast<UsageRange::Kind>(m_rangePicker->currentData().toInt());
    UsageRange range =
        UsageRange::compute(kind, calendar, m_context.service->now(), m_fromDate->date(), m_toDate->date());
    if (kind != UsageRange::Kind::Custom) { // show the preset's days, so editing one starts from them
        const QSignalBlocker fromBlocker(m_fromDate);
        const QSignalBlocker toBlocker(m_toDate);
        m_fromDate->setDate(range.firstDay);
        m_toDate->setDate(range.lastDay);
    }
    return range;
}

void UsagePage::reload()
{
    if (!m_context.service || !m_context.store) {
        m_status->setText(tr("The relay is not running."));
        return;
    }
    const std::shared_ptr<const policy::KeyLimiter> limiter = m_context.service->limiter();
    // The relay's calendar (limits.time_zone), so days here are the days of the cost limits and the rollups.
    const policy::LimitCalendar calendar = limiter ? limiter->calendar() : policy::LimitCalendar();
    UsageReport report;
    report.by = groupBy();
    report.range = currentRange(calendar);
    report.zone = calendar.zone();
    const quint64 generation = ++m_generation;
    m_status->setText(tr("Loading…"));
    m_context.store->runOnStore<Loaded>(
        this,
        [range = report.range, by = report.by](store::Database &db) -> Result<Loaded> {
            auto points = db.rollupSeries(range.granularity, by, range.fromMs, range.toMs, QString());
            if (!points) {
                return tl::unexpected(points.error());
            }
            Loaded loaded{std::move(*points), {}};
            if (by == u"key"_s) {
                if (auto keys = db.listKeys()) { // a failure leaves ids where names would be
                    for (const store::ApiKeyRecord &k : std::as_const(*keys)) {
                        loaded.names.insert(k.id, k.name);
                    }
                }
            } else if (by == u"account"_s) {
                if (auto accounts = db.listAccounts()) {
                    for (const store::AccountRecord &a : std::as_const(*accounts)) {
                        loaded.names.insert(a.id, a.name);
                    }
                }
            }
            return loaded;
        },
        [this, generation, report](const Result<Loaded> &loaded) {
            if (generation != m_generation) {
                return; // a newer choice is on its way
            }
            m_report = report;
            if (!loaded) {
                m_points.clear();
                m_report.rows.clear();
                m_status->setText(tr("The usage could not be read: %1").arg(loaded.error().detail));
            } else {
                showLoaded(*loaded);
            }
            renderChart();
            renderTable();
            m_exportButton->setEnabled(static_cast<bool>(loaded));
            emit reportShown();
        });
}

void UsagePage::showLoaded(const Loaded &loaded)
{
    m_points = loaded.points;
    QHash<QString, qsizetype> index;
    for (const store::RollupPoint &p : std::as_const(m_points)) {
        auto it = index.constFind(p.group);
        if (it == index.cend()) {
            const QString name = m_report.by == u"model"_s ? p.group : loaded.names.value(p.group);
            it = index.insert(p.group, m_report.rows.size());
            m_report.rows.append({p.group, name, {}});
        }
        m_report.rows[*it].totals += p.totals;
    }
    std::stable_sort(m_report.rows.begin(), m_report.rows.end(), [](const auto &a, const auto &b) {
        return a.totals.costUsd != b.totals.costUsd ? a.totals.costUsd > b.totals.costUsd
                                                    : a.totals.requests > b.totals.requests;
    });
    m_status->setText(m_points.isEmpty() ? tr("No usage in this range.") : QString());
}

void UsagePage::renderChart()
{
    const auto metric = static_cast<Metric>(m_metric->currentData().toInt());
    const ChartData bars = chartData(m_report, m_points, metric, m_metric->currentText());
    QChart *chart = m_usageChart->chart();
    chart->removeAllSeries();
    auto *series = new QStackedBarSeries(chart);
    for (qsizetype i = 0; i < bars.names.size(); ++i) {
        auto *set = new QBarSet(bars.names.at(i), series);
        set->append(bars.values.at(i));
        series->append(set);
    }
    chart->addSeries(series);
    series->attachAxis(m_xAxis);
    series->attachAxis(m_yAxis);
    m_xAxis->clear();
    m_xAxis->append(bucketLabels(m_report.range, m_report.zone));
    m_yAxis->setRange(0, niceAxisMax(bars.maxStacked));
    chart->legend()->setVisible(bars.names.size() > 1);
    const QString what = metric == Metric::Cost || metric == Metric::RatedCost
                             ? tr("%1 (USD)").arg(m_metric->currentText())
                             : m_metric->currentText();
    chart->setTitle(m_report.range.bucket == u"hour"_s  ? tr("%1 per hour").arg(what)
                    : m_report.range.bucket == u"day"_s ? tr("%1 per day").arg(what)
                                                        : tr("%1 per month").arg(what));
}

void UsagePage::renderTable()
{
    const QLocale locale;
    const auto setRow = [&](int r, QTableWidgetItem *name, const store::UsageTotals &t) {
        m_usageTable->setItem(r, NameColumn, name);
        const qint64 writes = t.cacheCreate5mTokens + t.cacheCreate1hTokens;
        const qint64 counts[] = {t.requests, t.inputTokens, t.outputTokens, writes, t.cacheReadTokens};
        for (int c = RequestsColumn; c <= CacheReadsColumn; ++c) {
            const qint64 v = counts[c - RequestsColumn];
            m_usageTable->setItem(r, c, numberItem(v, locale.toString(v)));
        }
        m_usageTable->setItem(r, CostColumn, numberItem(t.costUsd, locale.toString(t.costUsd, 'f', 4)));
        m_usageTable->setItem(r, RatedCostColumn, numberItem(t.ratedCostUsd, locale.toString(t.ratedCostUsd, 'f', 4)));
    };
    const QString by = m_report.by;
    const QString heading = by == u"model"_s     ? tr("Model")
                            : by == u"key"_s     ? tr("Key")
                            : by == u"account"_s ? tr("Account")
                                                 : tr("Name");
    m_usageTable->setHorizontalHeaderItem(NameColumn, new QTableWidgetItem(heading));
    const QList<UsageTableRow> groups =
        by.isEmpty() ? QList<UsageTableRow>() : m_report.rows; // no grouping: total only
    m_usageTable->setRowCount(static_cast<int>(groups.size()) + 1);
    store::UsageTotals sum;
    for (int r = 0; r < groups.size(); ++r) {
        const UsageTableRow &row = groups.at(r);
        const QString shown = !row.name.isEmpty() ? row.name : row.group.isEmpty() ? tr("(none)") : row.group;
        auto *name = new QTableWidgetItem(shown);
        name->setData(Qt::UserRole, row.group);
        name->setToolTip(row.group);
        name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        setRow(r, name, row.totals);
    }
    for (const UsageTableRow &row : std::as_const(m_report.rows)) {
        sum += row.totals;
    }
    auto *total = new QTableWidgetItem(tr("Total"));
    total->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    const int last = static_cast<int>(groups.size());
    setRow(last, total, sum);
    QFont bold = font();
    bold.setBold(true);
    for (int c = 0; c < ColumnCount; ++c) {
        m_usageTable->item(last, c)->setFont(bold);
    }
}

QString UsagePage::chooseExportPath()
{
    const QString from =
        QDateTime::fromMSecsSinceEpoch(m_report.range.fromMs, m_report.zone).date().toString(Qt::ISODate);
    const QString to =
        QDateTime::fromMSecsSinceEpoch(m_report.range.toMs - 1, m_report.zone).date().toString(Qt::ISODate);
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString suggested = QDir(dir).filePath(u"relaydesk-usage-%1-%2.csv"_s.arg(from, to));
    return QFileDialog::getSaveFileName(this, tr("Export usage"), suggested, tr("CSV files (*.csv);;All files (*)"));
}

void UsagePage::exportCsv()
{
    const QString path = chooseExportPath();
    if (path.isEmpty()) {
        return;
    }
    // A few kilobytes the user just asked for: written here rather than queued behind the store's work.
    QSaveFile file(path);
    const QByteArray bytes = usageCsv(m_report).toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        m_status->setText(
            tr("The CSV could not be written to %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return;
    }
    m_status->setText(tr("Exported to %1").arg(QDir::toNativeSeparators(path)));
}

} // namespace rd::ui
