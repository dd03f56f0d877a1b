// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/logspage.h"

#include "core/facade/storeclient.h"
#include "core/util/loghub.h"

#include <QAbstractTableModel>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <deque>

using namespace Qt::StringLiterals;

namespace rd::ui {

// The live log's rows: at most the hub's capacity, oldest first. Entries already shown (by sequence number) are
// skipped, so seeding from LogHub::recent() and a batch that overlaps it do not show a line twice.
class LiveLogModel : public QAbstractTableModel
{
public:
    enum Column
    {
        TimeColumn,
        LevelColumn,
        CategoryColumn,
        MessageColumn,
        ColumnCount
    };
    static constexpr int SeverityRole = Qt::UserRole + 1;
    static constexpr int SearchTextRole = Qt::UserRole + 2;

    using QAbstractTableModel::QAbstractTableModel;

    void setCapacity(int capacity) { m_capacity = std::max(1, capacity); }

    void append(const QList<LogEntry> &entries)
    {
        QList<LogEntry> fresh;
        for (const LogEntry &e : entries) {
            if (e.seq > m_lastSeq) {
                fresh.append(e);
                m_lastSeq = e.seq;
            }
        }
        if (fresh.size() > m_capacity) {
            fresh.remove(0, fresh.size() - m_capacity);
        }
        if (fresh.isEmpty()) {
            return;
        }
        const qsizetype excess = static_cast<qsizetype>(m_rows.size()) + fresh.size() - m_capacity;
        if (excess > 0) {
            beginRemoveRows({}, 0, static_cast<int>(excess) - 1);
            m_rows.erase(m_rows.begin(), m_rows.begin() + excess);
            endRemoveRows();
        }
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
        for (LogEntry &e : fresh) {
            m_rows.push_back(std::move(e));
        }
        endInsertRows();
    }

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
    }
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (!index.isValid() || index.row() >= rowCount()) {
            return {};
        }
        const LogEntry &e = m_rows[static_cast<size_t>(index.row())];
        switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
            case TimeColumn:
                return QDateTime::fromMSecsSinceEpoch(e.timeMs).toLocalTime().toString(u"HH:mm:ss.zzz"_s);
            case LevelColumn:
                return LogHub::levelName(e.level);
            case CategoryColumn:
                return e.category;
            case MessageColumn:
                return e.text;
            default:
                return {};
            }
        case Qt::ToolTipRole:
            if (index.column() == MessageColumn || index.column() == TimeColumn) {
                return QString(QDateTime::fromMSecsSinceEpoch(e.timeMs).toLocalTime().toString(Qt::ISODateWithMs)
                               + u'\n' + e.text);
            }
            return {};
        case SeverityRole:
            return LogHub::severity(e.level);
        case SearchTextRole:
            return QString(e.category + u' ' + e.text);
        default:
            return {};
        }
    }

    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
            return {};
        }
        switch (section) {
        case TimeColumn:
            return LogsPage::tr("Time");
        case LevelColumn:
            return LogsPage::tr("Level");
        case CategoryColumn:
            return LogsPage::tr("Category");
        case MessageColumn:
            return LogsPage::tr("Message");
        default:
            return {};
        }
    }

private:
    std::deque<LogEntry> m_rows;
    int m_capacity = LogHub::kDefaultCapacity;
    quint64 m_lastSeq = 0;
};

// This level and above, and (when set) a case-insensitive substring of category + message.
class LiveLogFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setMinimumSeverity(int severity)
    {
        if (severity != m_minimumSeverity) {
            m_minimumSeverity = severity;
            invalidateFilter();
        }
    }
    void setSearch(const QString &text)
    {
        if (text != m_search) {
            m_search = text;
            invalidateFilter();
        }
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QModelIndex index = sourceModel()->index(row, 0, parent);
        if (index.data(LiveLogModel::SeverityRole).toInt() < m_minimumSeverity) {
            return false;
        }
        return m_search.isEmpty()
               || index.data(LiveLogModel::SearchTextRole).toString().contains(m_search, Qt::CaseInsensitive);
    }

private:
    int m_minimumSeverity = 0;
    QString m_search;
};

namespace {
QTableWidgetItem *readOnlyItem(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

QString localTime(qint64 ms, const QString &format)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(format);
}

QString usd(double value)
{
    return u"$"_s + QLocale().toString(value, 'f', value != 0 && value < 0.01 ? 6 : 4);
}

QString nameOf(const QHash<QString, QString> &names, const QString &id)
{
    if (id.isEmpty()) {
        return u"—"_s;
    }
    const QString name = names.value(id);
    return name.isEmpty() ? id : name;
}

QString latency(const store::UsageRow &r)
{
    const QString firstByte = r.firstByteMs < 0 ? u"—"_s : QLocale().toString(r.firstByteMs);
    return LogsPage::tr("%1 / %2 ms").arg(QLocale().toString(r.totalMs), firstByte);
}

enum RequestColumn
{
    TimeCol,
    KeyCol,
    AccountCol,
    ModelCol,
    StatusCol,
    TokensCol,
    CostCol,
    LatencyCol,
    AbortedCol,
    RequestColumnCount
};
} // namespace

LogsPage::LogsPage(QWidget *parent)
    : Page(parent)
{
    setObjectName(u"logsPage"_s);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"tabs"_s);
    m_tabs->addTab(buildLiveLog(), tr("Live log"));
    m_tabs->addTab(buildRequestLog(), tr("Requests"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    m_requestTimer = new QTimer(this);
    m_requestTimer->setObjectName(u"requestTimer"_s);
    m_requestTimer->setInterval(kRequestIntervalMs);
    connect(m_requestTimer, &QTimer::timeout, this, &LogsPage::refreshRequests);
}

LogsPage::~LogsPage() = default;

QWidget *LogsPage::buildLiveLog()
{
    auto *tab = new QWidget();
    auto *layout = new QVBoxLayout(tab);

    auto *bar = new QHBoxLayout();
    m_levelFilter = new QComboBox(tab);
    m_levelFilter->setObjectName(u"levelFilter"_s);
    m_levelFilter->setAccessibleName(tr("Lowest level shown"));
    m_levelFilter->addItem(tr("Debug and above"), LogHub::severity(QtDebugMsg));
    m_levelFilter->addItem(tr("Info and above"), LogHub::severity(QtInfoMsg));
    m_levelFilter->addItem(tr("Warnings and above"), LogHub::severity(QtWarningMsg));
    m_levelFilter->addItem(tr("Critical only"), LogHub::severity(QtCriticalMsg));
    m_search = new QLineEdit(tab);
    m_search->setObjectName(u"search"_s);
    m_search->setPlaceholderText(tr("Search category and message"));
    m_search->setAccessibleName(tr("Search the live log"));
    m_search->setClearButtonEnabled(true);
    auto *levelLabel = new QLabel(tr("&Level:"), tab);
    levelLabel->setBuddy(m_levelFilter);
    bar->addWidget(levelLabel);
    bar->addWidget(m_levelFilter);
    bar->addWidget(m_search, 1);
    layout->addLayout(bar);

    m_liveModel = new LiveLogModel(this);
    m_liveFilter = new LiveLogFilter(this);
    m_liveFilter->setSourceModel(m_liveModel);
    m_liveLog = new QTableView(tab);
    m_liveLog->setObjectName(u"liveLog"_s);
    m_liveLog->setAccessibleName(tr("Live log"));
    m_liveLog->setModel(m_liveFilter);
    m_liveLog->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_liveLog->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_liveLog->setWordWrap(false);
    m_liveLog->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_liveLog->verticalHeader()->hide();
    m_liveLog->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // no per-row measuring of 5,000 lines
    m_liveLog->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_liveLog->horizontalHeader()->setStretchLastSection(true);
    m_liveLog->setColumnWidth(LiveLogModel::TimeColumn, 100);
    m_liveLog->setColumnWidth(LiveLogModel::LevelColumn, 70);
    m_liveLog->setColumnWidth(LiveLogModel::CategoryColumn, 160);
    layout->addWidget(m_liveLog, 1);

    // Follow the newest line while the view is scrolled to the bottom; scrolling up stops that until back down.
    QScrollBar *scroll = m_liveLog->verticalScrollBar();
    connect(scroll, &QScrollBar::valueChanged, this, [this, scroll](int value) {
        m_following = value >= scroll->maximum();
    });
    connect(scroll, &QScrollBar::rangeChanged, this, [this, scroll](int, int maximum) {
        if (m_following) {
            scroll->setValue(maximum);
        }
    });
    connect(m_levelFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_liveFilter->setMinimumSeverity(m_levelFilter->currentData().toInt());
    });
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) { m_liveFilter->setSearch(text); });
    return tab;
}

QWidget *LogsPage::buildRequestLog()
{
    auto *tab = new QWidget();
    auto *layout = new QVBoxLayout(tab);
    auto *status = new QLabel(tab);
    status->setObjectName(u"requestStatus"_s);
    status->hide();
    layout->addWidget(status);

    auto *splitter = new QSplitter(Qt::Vertical, tab);
    m_requestLog = new QTableWidget(0, RequestColumnCount, splitter);
    m_requestLog->setObjectName(u"requestLog"_s);
    m_requestLog->setAccessibleName(tr("Request log"));
    m_requestLog->setHorizontalHeaderLabels({tr("Time"),
                                             tr("Key"),
                                             tr("Account"),
                                             tr("Model"),
                                             tr("Status"),
                                             tr("Tokens"),
                                             tr("Cost"),
                                             tr("Latency (total / first byte)"),
                                             tr("Aborted")});
    m_requestLog->verticalHeader()->hide();
    m_requestLog->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_requestLog->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_requestLog->horizontalHeader()->setStretchLastSection(true);
    m_requestLog->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_requestLog->setSelectionMode(QAbstractItemView::SingleSelection);
    m_requestLog->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_requestLog->setWordWrap(false);
    m_requestDetails = new QPlainTextEdit(splitter);
    m_requestDetails->setObjectName(u"requestDetails"_s);
    m_requestDetails->setAccessibleName(tr("Request details"));
    m_requestDetails->setReadOnly(true);
    m_requestDetails->setPlaceholderText(tr("Select a request to see its details."));
    splitter->addWidget(m_requestLog);
    splitter->addWidget(m_requestDetails);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    connect(m_requestLog, &QTableWidget::itemSelectionChanged, this, &LogsPage::showDetails);
    return tab;
}

void LogsPage::attach(const UiContext &context)
{
    m_context = context;
    updateTimer();
}

void LogsPage::setActive(bool active)
{
    m_active = active;
    updateTimer();
}

void LogsPage::setLogHub(LogHub *hub)
{
    if (m_hub == hub) {
        return;
    }
    disconnect(m_hubConnection);
    m_hub = hub;
    if (!hub) {
        return;
    }
    m_liveModel->setCapacity(hub->capacity());
    // Same thread as the hub: direct; another thread: queued. Batches arrive at most every 250 ms either way.
    m_hubConnection = connect(hub, &LogHub::entriesAdded, this, &LogsPage::onEntriesAdded);
    onEntriesAdded(hub->recent());
}

void LogsPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    updateTimer();
}

void LogsPage::hideEvent(QHideEvent *event)
{
    Page::hideEvent(event);
    updateTimer(); // also when the whole window goes to the tray
}

void LogsPage::onEntriesAdded(const QList<LogEntry> &entries)
{
    m_liveModel->append(entries); // the scroll bar's range follows when the view lays the rows out
}

void LogsPage::updateTimer()
{
    const bool run = m_active && m_context.store && isVisible();
    if (run == m_requestTimer->isActive()) {
        return;
    }
    if (!run) {
        m_requestTimer->stop();
        return;
    }
    m_requestTimer->start();
    refreshRequests(); // current rows at once rather than after the first interval
}

void LogsPage::refreshRequests()
{
    if (!m_context.store || m_requestsInFlight) {
        return; // one query at a time: a slow store skips ticks
    }
    m_requestsInFlight = true;
    m_context.store->run<RequestLog>(
        this,
        [](store::Database *db) {
            RequestLog log;
            if (!db) {
                log.error = tr("The store cannot be opened.");
                return log;
            }
            Result<QList<store::UsageRow>> rows = db->recentUsage(kRequestRows);
            if (!rows) {
                log.error = tr("The request log could not be read: %1").arg(rows.error().detail);
                return log;
            }
            log.rows = std::move(*rows);
            if (const auto keys = db->listKeys()) {
                for (const store::ApiKeyRecord &k : *keys) {
                    log.keyNames.insert(k.id, k.name);
                }
            }
            if (const auto accounts = db->listAccounts()) {
                for (const store::AccountRecord &a : *accounts) {
                    log.accountNames.insert(a.id, a.name);
                }
            }
            return log;
        },
        [this](const RequestLog &log) {
            m_requestsInFlight = false;
            showRequests(log);
        });
}

void LogsPage::showRequests(const RequestLog &log)
{
    auto *status = findChild<QLabel *>(u"requestStatus"_s);
    status->setText(log.error);
    status->setVisible(!log.error.isEmpty());
    if (!log.error.isEmpty()) {
        return; // keep the rows we have
    }
    const auto sameIds = [](const QList<store::UsageRow> &a, const QList<store::UsageRow> &b) {
        return a.size() == b.size() && (a.isEmpty() || a.first().requestId == b.first().requestId);
    };
    if (sameIds(log.rows, m_requests.rows) && log.keyNames == m_requests.keyNames
        && log.accountNames == m_requests.accountNames) {
        return; // nothing new: no redraw, and the selection and scroll position stay
    }

    QString selected;
    if (const QList<QTableWidgetItem *> items = m_requestLog->selectedItems(); !items.isEmpty()) {
        const int row = items.first()->row();
        if (row >= 0 && row < m_requests.rows.size()) {
            selected = m_requests.rows.at(row).requestId;
        }
    }
    m_requests = log;
    const QSignalBlocker blocker(m_requestLog);
    m_requestLog->setUpdatesEnabled(false);
    m_requestLog->clearContents();
    m_requestLog->setRowCount(static_cast<int>(log.rows.size()));
    const QLocale locale;
    int selectedRow = -1;
    for (int i = 0; i < log.rows.size(); ++i) {
        const store::UsageRow &r = log.rows.at(i);
        m_requestLog->setItem(i, TimeCol, readOnlyItem(localTime(r.timestampMs, u"yyyy-MM-dd HH:mm:ss"_s)));
        m_requestLog->setItem(i, KeyCol, readOnlyItem(nameOf(log.keyNames, r.keyId)));
        m_requestLog->setItem(i, AccountCol, readOnlyItem(nameOf(log.accountNames, r.accountId)));
        m_requestLog->setItem(i, ModelCol, readOnlyItem(r.model));
        m_requestLog->setItem(i, StatusCol, readOnlyItem(QString::number(r.status)));
        auto *tokens = readOnlyItem(r.usageSeen ? locale.toString(r.totalTokens()) : u"—"_s);
        tokens->setToolTip(tr("input %1 · output %2 · cache read %3")
                               .arg(locale.toString(r.inputTokens),
                                    locale.toString(r.outputTokens),
                                    locale.toString(r.cacheReadTokens)));
        m_requestLog->setItem(i, TokensCol, tokens);
        m_requestLog->setItem(i, CostCol, readOnlyItem(usd(r.costUsd) + (r.costEstimated ? u"*"_s : QString())));
        m_requestLog->setItem(i, LatencyCol, readOnlyItem(latency(r)));
        m_requestLog->setItem(i, AbortedCol, readOnlyItem(r.aborted ? tr("yes") : QString()));
        if (!selected.isEmpty() && r.requestId == selected) {
            selectedRow = i;
        }
    }
    m_requestLog->setUpdatesEnabled(true);
    if (selectedRow >= 0) {
        m_requestLog->selectRow(selectedRow);
    } else {
        m_requestLog->clearSelection();
    }
    showDetails();
}

void LogsPage::showDetails()
{
    const QList<QTableWidgetItem *> items = m_requestLog->selectedItems();
    const int row = items.isEmpty() ? -1 : items.first()->row();
    if (row < 0 || row >= m_requests.rows.size()) {
        m_requestDetails->clear();
        return;
    }
    const store::UsageRow &r = m_requests.rows.at(row);
    const QLocale locale;
    const auto yesNo = [](bool value) { return value ? tr("yes") : tr("no"); };
    const auto named = [](const QHash<QString, QString> &names, const QString &id) {
        return id.isEmpty() ? u"—"_s : nameOf(names, id) + u" ("_s + id + u')';
    };
    QStringList lines;
    lines << tr("Request id: %1").arg(r.requestId)
          << tr("Time: %1").arg(localTime(r.timestampMs, u"yyyy-MM-dd HH:mm:ss.zzz t"_s))
          << tr("Key: %1").arg(named(m_requests.keyNames, r.keyId))
          << tr("Account: %1").arg(named(m_requests.accountNames, r.accountId)) << tr("Model: %1").arg(r.model)
          << tr("Route: %1").arg(r.route) << tr("Status: %1").arg(r.status) << tr("Streamed: %1").arg(yesNo(r.stream))
          << tr("Aborted: %1").arg(yesNo(r.aborted)) << tr("Usage reported: %1").arg(yesNo(r.usageSeen))
          << tr("Input tokens: %1").arg(locale.toString(r.inputTokens))
          << tr("Output tokens: %1").arg(locale.toString(r.outputTokens))
          << tr("Cache write 5m tokens: %1").arg(locale.toString(r.cacheCreate5mTokens))
          << tr("Cache write 1h tokens: %1").arg(locale.toString(r.cacheCreate1hTokens))
          << tr("Cache read tokens: %1").arg(locale.toString(r.cacheReadTokens))
          << tr("Total latency: %1 ms").arg(locale.toString(r.totalMs))
          << tr("First byte: %1")
                 .arg(r.firstByteMs < 0 ? tr("none reached the client")
                                        : tr("%1 ms").arg(locale.toString(r.firstByteMs)))
          << tr("Cost: %1").arg(usd(r.costUsd))
          << tr("Cost estimated (model not in the price table): %1").arg(yesNo(r.costEstimated))
          << tr("Rated cost (counts towards limits): %1").arg(usd(r.ratedCostUsd));
    m_requestDetails->setPlainText(lines.join(u'\n'));
}

} // namespace rd::ui
