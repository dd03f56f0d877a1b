// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/records.h"
#include "ui/pages/page.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QString>
#include <QTimeZone>

class QBarCategoryAxis;
class QChartView;
class QComboBox;
class QDateEdit;
class QLabel;
class QPushButton;
class QTableWidget;
class QValueAxis;

namespace rd::policy {
class LimitCalendar;
}

namespace rd::ui {

// The span a usage report covers: [fromMs, toMs) in UTC ms, read from the rollups of one granularity and charted in
// buckets of another (a long custom range reads days and charts months, so it starts and ends on its own dates).
struct UsageRange
{
    enum class Kind
    {
        Today,
        Last7Days,
        Last30Days,
        Last12Months,
        Custom,
    };
    qint64 fromMs = 0;
    qint64 toMs = 0;
    QDate firstDay; // the days covered, in the calendar's zone
    QDate lastDay;
    QString granularity;        // what rollupSeries reads: "hour", "day" or "month"
    QString bucket;             // what the chart shows: "hour", "day" or "month"
    QList<qint64> bucketStarts; // every chart bucket of the range, oldest first (empty ones included)

    // Days in the calendar's zone; from and to (inclusive) are used for Custom only.
    static UsageRange compute(Kind kind, const policy::LimitCalendar &calendar, qint64 nowMs, QDate from, QDate to);
};

// One line of the usage table and of its CSV export.
struct UsageTableRow
{
    QString group; // key id, model or account id as stored ("" when missing)
    QString name;  // key or account name where it still exists; the model for models; "" otherwise
    store::UsageTotals totals;
};

struct UsageReport
{
    QString by; // "", "key", "model" or "account"
    UsageRange range;
    QTimeZone zone;
    QList<UsageTableRow> rows; // largest cost first
};

// The CSV of a report: the columns of `relaydesk usage --by <by> --csv` (for no grouping the first column is "group"),
// then range_start and range_end (ISO 8601 in the relay's zone; the end is exclusive). One line per group, no total
// line; fields holding a comma, a quote or a line break are quoted.
QString usageCsv(const UsageReport &report);

// History of the relay's usage from the rollups: a range picker, a chart of one metric per bucket stacked by key,
// model or account (the six largest plus "Other"), a table of totals per group and a CSV export. Queries run on the
// store client's thread when the page becomes active or a choice changes; nothing polls.
class UsagePage : public Page
{
    Q_OBJECT
public:
    explicit UsagePage(QWidget *parent = nullptr);
    ~UsagePage() override;
    QString title() const override { return tr("Usage"); }
    void attach(const UiContext &context) override;
    void setActive(bool active) override;
    bool isActive() const { return m_active; }
    const UsageReport &report() const { return m_report; } // the report on screen
    void reload();

signals:
    void reportShown(); // a query answered and the chart and table show it (or its error)

protected:
    // The file the export goes to; empty = cancelled. Tests return a temporary path instead of showing a dialog.
    virtual QString chooseExportPath();

private:
    struct Loaded;
    QWidget *buildControls();
    void buildChart();
    void buildTable();
    void onDatesEdited();
    void onChoiceChanged();
    void showLoaded(const Loaded &loaded);
    void renderChart();
    void renderTable();
    void exportCsv();
    UsageRange currentRange(const policy::LimitCalendar &calendar);
    QString groupBy() const;

    UiContext m_context;
    bool m_active = false;
    quint64 m_generation = 0; // answers to older queries are dropped
    UsageReport m_report;
    QList<store::RollupPoint> m_points;
    QComboBox *m_rangePicker = nullptr;
    QDateEdit *m_fromDate = nullptr;
    QDateEdit *m_toDate = nullptr;
    QComboBox *m_groupBy = nullptr;
    QComboBox *m_metric = nullptr;
    QPushButton *m_exportButton = nullptr;
    QLabel *m_status = nullptr;
    QChartView *m_usageChart = nullptr;
    QBarCategoryAxis *m_xAxis = nullptr;
    QValueAxis *m_yAxis = nullptr;
    QTableWidget *m_usageTable = nullptr;
};

} // namespace rd::ui
