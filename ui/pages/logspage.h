// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/records.h"
#include "ui/pages/page.h"

#include <QHash>
#include <QList>
#include <QPointer>

class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QTabWidget;
class QTableView;
class QTableWidget;
class QTimer;

namespace rd {
class LogHub;
struct LogEntry;
} // namespace rd

namespace rd::ui {

class LiveLogModel;
class LiveLogFilter;

// Two tabs: the live log (LogHub's redacted messages, filtered by level and text, following the newest line while
// scrolled to the bottom) and the request log (the last 500 recorded requests from the store, with every field of the
// selected one in a details pane). The request log is read only while the page is active and shown: once on
// activation, then every 5 s, asynchronously through the StoreClient.
class LogsPage : public Page
{
    Q_OBJECT
public:
    static constexpr int kRequestRows = 500;
    static constexpr int kRequestIntervalMs = 5000;

    explicit LogsPage(QWidget *parent = nullptr);
    ~LogsPage() override;
    QString title() const override { return tr("Logs"); }
    void attach(const UiContext &context) override;
    void setActive(bool active) override;
    bool isActive() const { return m_active; }
    void setLogHub(LogHub *hub); // nullptr detaches; the live log keeps what it has

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct RequestLog
    {
        QList<store::UsageRow> rows;
        QHash<QString, QString> keyNames;     // key id → name
        QHash<QString, QString> accountNames; // account id → name
        QString error;
    };

    QWidget *buildLiveLog();
    QWidget *buildRequestLog();
    void onEntriesAdded(const QList<rd::LogEntry> &entries);
    void updateTimer();
    void refreshRequests();
    void showRequests(const RequestLog &log);
    void showDetails();

    UiContext m_context;
    bool m_active = false;
    QPointer<LogHub> m_hub;
    QMetaObject::Connection m_hubConnection;

    QTabWidget *m_tabs = nullptr;
    LiveLogModel *m_liveModel = nullptr;
    LiveLogFilter *m_liveFilter = nullptr;
    QTableView *m_liveLog = nullptr;
    QComboBox *m_levelFilter = nullptr;
    QLineEdit *m_search = nullptr;
    bool m_following = true; // the live log is scrolled to the bottom

    QTableWidget *m_requestLog = nullptr;
    QPlainTextEdit *m_requestDetails = nullptr;
    QTimer *m_requestTimer = nullptr;
    bool m_requestsInFlight = false;
    RequestLog m_requests;
};

} // namespace rd::ui
