// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/dashboardpage.h"

#include "core/facade/storeclient.h"
#include "core/policy/keylimiter.h"
#include "core/policy/limitcalendar.h"
#include "core/relay/relayservice.h"
#include "core/usage/livewindow.h"
#include "ui/appearance.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QProgressBar>
#include <QScrollArea>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rd::ui {

namespace {
constexpr int kLiveIntervalMs = 2000;    // charts, accounts, relay state: a bounded redraw rate
constexpr int kTotalsIntervalMs = 10000; // today's totals come from the store
constexpr int kBarScale = 1000;          // subscription bars in tenths of a percent

// Subscription windows as stored by Exchange::recordSubscriptionFacts and TokenRefresher (utilisation a fraction of
// 1, reset in epoch seconds, status only from the response headers).
struct WindowName
{
    QString key;
    QString label;
};
QList<WindowName> subscriptionWindows()
{
    return {{u"5h"_s, DashboardPage::tr("5-hour window")},
            {u"7d"_s, DashboardPage::tr("Weekly window")},
            {u"7d_opus"_s, DashboardPage::tr("Weekly window (Opus)")},
            {u"7d_sonnet"_s, DashboardPage::tr("Weekly window (Sonnet)")}};
}

struct SubscriptionEntry
{
    QString key;
    QString label;
    int value = 0;
    QString text;
    QString toolTip;
};

SubscriptionEntry subscriptionEntry(const relay::AccountLive &account, const WindowName &window, const QJsonObject &w)
{
    const double utilization = std::max(0.0, w.value(u"utilization"_s).toDouble());
    const qint64 reset = w.value(u"reset"_s).toInteger();
    const QString status = w.value(u"status"_s).toString();
    SubscriptionEntry e;
    e.key = account.id + u'/' + window.key;
    e.label = DashboardPage::tr("%1 — %2").arg(account.name, window.label);
    e.value = static_cast<int>(std::lround(std::min(utilization, 1.0) * kBarScale));
    e.text = QLocale().toString(utilization * 100, 'f', 0) + u'%';
    if (!status.isEmpty() && status != u"allowed") {
        e.text += u" ("_s + status + u')';
    }
    const QDateTime resetAt = QDateTime::fromSecsSinceEpoch(reset);
    e.toolTip = reset > 0 ? DashboardPage::tr("Resets %1").arg(QLocale().toString(resetAt, QLocale::ShortFormat))
                          : DashboardPage::tr("Reset time not reported yet");
    if (reset > 0) {
        e.text += u" · "_s + DashboardPage::tr("resets %1").arg(QLocale().toString(resetAt, QLocale::ShortFormat));
    }
    return e;
}

QList<SubscriptionEntry> subscriptionEntries(const QList<relay::AccountLive> &accounts)
{
    QList<SubscriptionEntry> entries;
    for (const relay::AccountLive &account : accounts) {
        if (!account.oauth || account.subscription.isEmpty()) {
            continue;
        }
        const QJsonObject facts = QJsonDocument::fromJson(account.subscription.toUtf8()).object();
        for (const WindowName &window : subscriptionWindows()) {
            if (const QJsonObject w = facts.value(window.key).toObject(); !w.isEmpty()) {
                entries.append(subscriptionEntry(account, window, w));
            }
        }
    }
    return entries;
}

QTableWidgetItem *readOnlyItem()
{
    auto *item = new QTableWidgetItem();
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}
} // namespace

DashboardPage::DashboardPage(QWidget *parent)
    : Page(parent)
{
    setObjectName(u"dashboardPage"_s);
    setMinimumSize(560, 400);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    auto *layout = new QVBoxLayout(content);

    auto *form = new QFormLayout();
    m_relayState = new QLabel(tr("The relay is not running."), content);
    m_relayState->setObjectName(u"relayState"_s);
    m_relayState->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_todayTotals = new QLabel(content);
    m_todayTotals->setObjectName(u"todayTotals"_s);
    form->addRow(tr("Relay:"), m_relayState);
    form->addRow(tr("Today:"), m_todayTotals);
    layout->addLayout(form);

    auto *charts = new QGridLayout();
    m_requests = makeChart(u"requestsChart"_s, tr("Requests per minute"), {tr("Requests")});
    m_tokens = makeChart(u"tokensChart"_s, tr("Tokens per minute"), {tr("Tokens")});
    m_cost = makeChart(u"costChart"_s, tr("Cost per minute (USD)"), {tr("Cost")});
    m_latency = makeChart(u"latencyChart"_s, tr("Latency (ms)"), {tr("p50"), tr("p99")});
    charts->addWidget(m_requests.view, 0, 0);
    charts->addWidget(m_tokens.view, 0, 1);
    charts->addWidget(m_cost.view, 1, 0);
    charts->addWidget(m_latency.view, 1, 1);
    layout->addLayout(charts, 1);
    layout->addWidget(buildTables());
    scroll->setWidget(content);

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    m_liveTimer = new QTimer(this);
    m_liveTimer->setObjectName(u"liveTimer"_s);
    m_liveTimer->setInterval(kLiveIntervalMs);
    connect(m_liveTimer, &QTimer::timeout, this, &DashboardPage::refreshLive);
    m_totalsTimer = new QTimer(this);
    m_totalsTimer->setObjectName(u"totalsTimer"_s);
    m_totalsTimer->setInterval(kTotalsIntervalMs);
    connect(m_totalsTimer, &QTimer::timeout, this, &DashboardPage::refreshTotals);
}

DashboardPage::~DashboardPage() = default;

DashboardPage::Chart
DashboardPage::makeChart(const QString &objectName, const QString &title, const QStringList &seriesNames)
{
    Chart c;
    auto *chart = new QChart();
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation); // redraws stay cheap at the 2 s rate
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setVisible(seriesNames.size() > 1);
    chart->legend()->setAlignment(Qt::AlignBottom);
    c.x = new QDateTimeAxis(chart);
    c.x->setFormat(u"HH:mm"_s);
    c.x->setTickCount(5);
    c.y = new QValueAxis(chart);
    c.y->setLabelFormat(u"%g"_s);
    c.y->setTickCount(5);
    c.y->setRange(0, 1);
    chart->addAxis(c.x, Qt::AlignBottom);
    chart->addAxis(c.y, Qt::AlignLeft);
    for (const QString &name : seriesNames) {
        auto *series = new QLineSeries(chart);
        series->setName(name);
        chart->addSeries(series); // the chart takes ownership
        series->attachAxis(c.x);
        series->attachAxis(c.y);
        c.series.append(series);
    }
    c.view = new QChartView(chart);
    c.view->setObjectName(objectName);
    c.view->setRenderHint(QPainter::Antialiasing);
    c.view->setMinimumSize(260, 180);
    followPalette(c.view);
    c.view->setFocusPolicy(Qt::NoFocus);
    c.view->setAccessibleName(title);
    return c;
}

QWidget *DashboardPage::buildTables()
{
    auto *row = new QWidget();
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *accounts = new QGroupBox(tr("Account load"), row);
    auto *accountsLayout = new QVBoxLayout(accounts);
    m_accountLoad = new QTableWidget(0, 3, accounts);
    m_accountLoad->setObjectName(u"accountLoad"_s);
    m_accountLoad->setAccessibleName(tr("Account load"));
    m_accountLoad->setHorizontalHeaderLabels({tr("Account"), tr("State"), tr("In flight")});
    m_accountLoad->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_accountLoad->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_accountLoad->verticalHeader()->hide();
    m_accountLoad->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_accountLoad->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_accountLoad->setMinimumSize(280, 120);
    accountsLayout->addWidget(m_accountLoad);
    layout->addWidget(accounts, 3);

    auto *subscriptions = new QGroupBox(tr("Subscription windows"), row);
    auto *subscriptionsLayout = new QVBoxLayout(subscriptions);
    m_subscriptionBars = new QWidget(subscriptions);
    m_subscriptionBars->setObjectName(u"subscriptionBars"_s);
    m_subscriptionBars->setMinimumWidth(240);
    m_subscriptionLayout = new QGridLayout(m_subscriptionBars);
    m_subscriptionLayout->setContentsMargins(0, 0, 0, 0);
    m_noSubscriptions =
        new QLabel(tr("No subscription account has reported its usage windows yet."), m_subscriptionBars);
    m_noSubscriptions->setWordWrap(true);
    m_subscriptionLayout->addWidget(m_noSubscriptions, 0, 0, 1, 2);
    subscriptionsLayout->addWidget(m_subscriptionBars);
    subscriptionsLayout->addStretch(1);
    layout->addWidget(subscriptions, 2);
    return row;
}

void DashboardPage::attach(const UiContext &context)
{
    m_context = context;
    updateTimers();
}

void DashboardPage::setActive(bool active)
{
    m_active = active;
    updateTimers();
}

void DashboardPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    updateTimers();
}

void DashboardPage::hideEvent(QHideEvent *event)
{
    Page::hideEvent(event);
    updateTimers(); // also when the whole window goes to the tray
}

void DashboardPage::updateTimers()
{
    const bool run = m_active && m_context.service && isVisible();
    if (run == m_liveTimer->isActive()) {
        return;
    }
    if (!run) {
        m_liveTimer->stop();
        m_totalsTimer->stop();
        return;
    }
    m_liveTimer->start();
    m_totalsTimer->start();
    refreshLive(); // show current numbers at once rather than after the first interval
    refreshTotals();
}

void DashboardPage::refreshLive()
{
    if (!m_context.service) {
        return;
    }
    showStatus();
    if (const std::shared_ptr<const usage::LiveWindow> live = m_context.service->liveWindow()) {
        showCharts(live->snapshot(QDateTime::currentMSecsSinceEpoch()));
    }
    const QList<relay::AccountLive> accounts = m_context.service->accounts();
    showAccounts(accounts);
    showSubscriptions(accounts);
}

void DashboardPage::showStatus()
{
    const relay::RelayStatus s = m_context.service->status();
    if (!s.listening) {
        m_relayState->setText(tr("not listening"));
        return;
    }
    m_relayState->setText(tr("%1 on http://%2:%3/api — %4 in flight")
                              .arg(s.paused ? tr("paused") : tr("listening"), s.address.toString())
                              .arg(s.port)
                              .arg(s.activeRequests));
}

void DashboardPage::showCharts(const QList<usage::LivePoint> &points)
{
    if (points.isEmpty()) {
        return;
    }
    QList<QPointF> requests, tokens, cost, p50, p99;
    double maxRequests = 0, maxTokens = 0, maxCost = 0, maxLatency = 0;
    for (const usage::LivePoint &p : points) {
        const auto x = static_cast<double>(p.minuteStartMs);
        requests.append({x, static_cast<double>(p.requests)});
        tokens.append({x, static_cast<double>(p.tokens)});
        cost.append({x, p.costUsd});
        maxRequests = std::max(maxRequests, static_cast<double>(p.requests));
        maxTokens = std::max(maxTokens, static_cast<double>(p.tokens));
        maxCost = std::max(maxCost, p.costUsd);
        if (p.p50LatencyMs >= 0) { // minutes without a sample leave a gap rather than a false zero
            p50.append({x, p.p50LatencyMs});
            p99.append({x, p.p99LatencyMs});
            maxLatency = std::max(maxLatency, p.p99LatencyMs);
        }
    }
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(points.constFirst().minuteStartMs);
    const QDateTime to =
        QDateTime::fromMSecsSinceEpoch(points.constLast().minuteStartMs + usage::LiveWindow::kMinuteMs);
    const auto apply = [&](Chart &chart, const QList<QList<QPointF>> &values, double max) {
        for (qsizetype i = 0; i < chart.series.size(); ++i) {
            chart.series.at(i)->replace(values.at(i));
        }
        chart.x->setRange(from, to);
        chart.y->setRange(0, niceAxisMax(max));
    };
    apply(m_requests, {requests}, maxRequests);
    apply(m_tokens, {tokens}, maxTokens);
    apply(m_cost, {cost}, maxCost);
    apply(m_latency, {p50, p99}, maxLatency);
}

void DashboardPage::showAccounts(const QList<relay::AccountLive> &accounts)
{
    if (m_accountLoad->rowCount() != accounts.size()) {
        m_accountLoad->setRowCount(static_cast<int>(accounts.size()));
    }
    for (int row = 0; row < accounts.size(); ++row) {
        const relay::AccountLive &a = accounts.at(row);
        const QString load = a.maxConcurrency > 0 ? tr("%1 / %2").arg(a.inFlight).arg(a.maxConcurrency)
                                                  : tr("%1 (no limit)").arg(a.inFlight);
        const QString texts[] = {a.name, a.state, load};
        for (int column = 0; column < 3; ++column) {
            QTableWidgetItem *item = m_accountLoad->item(row, column);
            if (!item) {
                item = readOnlyItem();
                m_accountLoad->setItem(row, column, item);
            }
            if (item->text() != texts[column]) {
                item->setText(texts[column]);
            }
        }
        m_accountLoad->item(row, 0)->setData(Qt::UserRole, a.id);
        // The palette's own text colour (so a theme change applies), red when the account cannot serve.
        m_accountLoad->item(row, 1)->setData(Qt::ForegroundRole,
                                             a.usable ? QVariant() : QVariant(QBrush(QColor(0xd0, 0x3c, 0x3c))));
    }
}

void DashboardPage::showSubscriptions(const QList<relay::AccountLive> &accounts)
{
    const QList<SubscriptionEntry> entries = subscriptionEntries(accounts);
    bool sameRows = entries.size() == m_bars.size();
    for (qsizetype i = 0; sameRows && i < entries.size(); ++i) {
        sameRows = entries.at(i).key == m_bars.at(i).key;
    }
    if (!sameRows) { // accounts or windows came or went: rebuild the rows (rare)
        for (const SubscriptionBar &b : std::as_const(m_bars)) {
            delete b.label;
            delete b.bar;
        }
        m_bars.clear();
        for (const SubscriptionEntry &e : entries) {
            SubscriptionBar b{e.key, new QLabel(m_subscriptionBars), new QProgressBar(m_subscriptionBars)};
            b.bar->setObjectName(u"subscription:"_s + e.key);
            b.bar->setRange(0, kBarScale);
            b.bar->setMinimumWidth(120);
            const int row = static_cast<int>(m_bars.size()) + 1;
            m_subscriptionLayout->addWidget(b.label, row, 0);
            m_subscriptionLayout->addWidget(b.bar, row, 1);
            m_bars.append(b);
        }
        m_noSubscriptions->setVisible(entries.isEmpty());
    }
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const SubscriptionEntry &e = entries.at(i);
        const SubscriptionBar &b = m_bars.at(i);
        b.label->setText(e.label);
        b.bar->setValue(e.value);
        b.bar->setFormat(e.text);
        b.bar->setToolTip(e.toolTip);
        b.bar->setAccessibleName(e.label);
    }
}

void DashboardPage::refreshTotals()
{
    if (!m_context.service || !m_context.store || m_totalsInFlight) {
        return; // never more than one query at a time: a slow store skips ticks
    }
    const std::shared_ptr<const policy::KeyLimiter> limiter = m_context.service->limiter();
    // The relay's calendar (limits.time_zone), so "today" matches the daily cost limits.
    const policy::LimitCalendar calendar = limiter ? limiter->calendar() : policy::LimitCalendar();
    const qint64 since = calendar.dayStart(QDateTime::currentMSecsSinceEpoch());
    m_totalsInFlight = true;
    m_context.store->runOnStore<store::UsageTotals>(
        this,
        [since](store::Database &db) -> Result<store::UsageTotals> { return db.usageTotals(QString(), since); },
        [this](const Result<store::UsageTotals> &totals) {
            m_totalsInFlight = false;
            if (!totals) {
                m_todayTotals->setText(tr("unavailable (the store did not answer)"));
                return;
            }
            const store::UsageTotals &t = *totals;
            const qint64 tokens = t.totalTokens();
            const QLocale locale;
            m_todayTotals->setText(tr("%1 requests · %2 tokens · $%3")
                                       .arg(locale.toString(t.requests),
                                            locale.toString(tokens),
                                            locale.toString(t.costUsd, 'f', t.costUsd < 1 ? 4 : 2)));
        });
}

} // namespace rd::ui
