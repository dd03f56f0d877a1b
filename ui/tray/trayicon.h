// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/uicontext.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSystemTrayIcon>
#include <QTimer>

#include <memory>

class QAction;
class QMenu;

namespace rd::ui {

class MainWindow;

// The tray icon: the relay's state at a glance (running, paused, error), a menu to switch the relay and each account
// on or off, today's totals, the way back to the window and Quit; notifications for accounts that need a sign-in or
// are rate limited. Reads only RelayService (cheap copies) and the StoreClient (asynchronous), like the window.
// The menu's logic does not depend on the icon being visible: without a system tray the actions still work.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Starting,
        Running,
        Paused,
        Error,
    };
    Q_ENUM(State)

    static constexpr int kRefreshMs = 5000;               // status and accounts
    static constexpr int kTodayMs = 10000;                // today's totals (a store read) at most this often
    static constexpr qint64 kNotifyQuietMs = 10 * 60'000; // per account and kind of notification

    explicit TrayIcon(MainWindow *window, QObject *parent = nullptr);
    ~TrayIcon() override;

    void attach(const UiContext &context); // once the engine runs
    void showFailure(const QString &message);
    void show();

    State state() const { return m_state; }
    QSystemTrayIcon *icon() const { return m_icon; }
    QMenu *menu() const { return m_menu.get(); }

signals:
    // Every notification, also when no notification daemon or tray shows it.
    void notified(const QString &title, const QString &text);

private:
    void refresh();
    void refreshStatus();
    void refreshAccounts();
    void refreshToday(bool force);
    void rebuildAccountMenu(const QStringList &ids, const QStringList &names);
    void accountToggled(const QString &id, bool enabled);
    void relayToggled(bool on);
    void notify(const QString &accountId, const QString &kind, const QString &title, const QString &text);
    void updateToolTip();
    void openWindow();

    QPointer<MainWindow> m_window;
    UiContext m_context;
    QList<QMetaObject::Connection> m_serviceConnections;
    QSystemTrayIcon *m_icon = nullptr;
    std::unique_ptr<QMenu> m_menu; // a top-level widget: QSystemTrayIcon does not own its menu
    QAction *m_statusAction = nullptr;
    QAction *m_relayOnAction = nullptr;
    QMenu *m_accountsMenu = nullptr;
    QAction *m_todayAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_quitAction = nullptr;
    QTimer m_timer;
    QElapsedTimer m_clock;

    State m_state = State::Starting;
    QString m_failure;
    QString m_statusText;
    QString m_todayText;
    bool m_updating = false; // programmatic setChecked: not a user's choice

    QStringList m_accountIds;                // the submenu's order
    QHash<QString, QString> m_accountStates; // id → last seen live state
    struct Pending
    {
        bool enabled = true;
        qint64 sinceMs = 0;
    };
    QHash<QString, Pending> m_pending;     // toggles written but not yet in the relay's snapshot
    QHash<QString, qint64> m_lastNotified; // "kind|accountId" → m_clock ms

    bool m_todayBusy = false;
    bool m_todayAgain = false;
    qint64 m_todayAtMs = -1;
};

} // namespace rd::ui
