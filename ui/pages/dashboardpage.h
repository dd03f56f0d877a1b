// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/pages/page.h"

#include <QList>
#include <QString>

class QChartView;
class QDateTimeAxis;
class QGridLayout;
class QLabel;
class QLineSeries;
class QProgressBar;
class QTableWidget;
class QTimer;
class QValueAxis;

namespace rd::usage {
struct LivePoint;
}
namespace rd::relay {
struct AccountLive;
}

namespace rd::ui {

// The relay at a glance: state and address, live charts of the last hour (from RelayService::liveWindow()), the
// load of each account, subscription windows and today's totals (from the store, asynchronously). Polls only
// while active and visible: every 2 s for the live parts, every 10 s for the totals.
class DashboardPage : public Page
{
    Q_OBJECT
public:
    explicit DashboardPage(QWidget *parent = nullptr);
    ~DashboardPage() override;
    QString title() const override { return tr("Dashboard"); }
    void attach(const UiContext &context) override;
    void setActive(bool active) override;
    bool isActive() const { return m_active; }

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Chart
    {
        QChartView *view = nullptr;
        QDateTimeAxis *x = nullptr;
        QValueAxis *y = nullptr;
        QList<QLineSeries *> series;
    };
    struct SubscriptionBar
    {
        QString key; // account id + window
        QLabel *label = nullptr;
        QProgressBar *bar = nullptr;
    };

    Chart makeChart(const QString &objectName, const QString &title, const QStringList &seriesNames);
    QWidget *buildTables();
    void updateTimers();
    void refreshLive();
    void refreshTotals();
    void showStatus();
    void showCharts(const QList<usage::LivePoint> &points);
    void showAccounts(const QList<relay::AccountLive> &accounts);
    void showSubscriptions(const QList<relay::AccountLive> &accounts);

    UiContext m_context;
    bool m_active = false;
    bool m_totalsInFlight = false;
    QTimer *m_liveTimer = nullptr;
    QTimer *m_totalsTimer = nullptr;
    QLabel *m_relayState = nullptr;
    QLabel *m_todayTotals = nullptr;
    Chart m_requests;
    Chart m_tokens;
    Chart m_cost;
    Chart m_latency;
    QTableWidget *m_accountLoad = nullptr;
    QWidget *m_subscriptionBars = nullptr;
    QGridLayout *m_subscriptionLayout = nullptr;
    QLabel *m_noSubscriptions = nullptr;
    QList<SubscriptionBar> m_bars;
};

} // namespace rd::ui
