// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/tray/trayicon.h"

#include "core/facade/storeclient.h"
#include "core/relay/relayservice.h"
#include "ui/mainwindow/mainwindow.h"

#include <QAction>
#include <QCoreApplication>
#include <QDateTime>
#include <QIcon>
#include <QMenu>

#include <utility>

using namespace Qt::StringLiterals;

namespace rd::ui {

namespace {

constexpr qint64 kPendingMs = 30'000; // a toggle the relay's snapshot has not shown yet is trusted this long

QIcon iconFor(TrayIcon::State state)
{
    switch (state) {
    case TrayIcon::State::Running:
        return QIcon(u":/icons/tray-running.svg"_s);
    case TrayIcon::State::Paused:
    case TrayIcon::State::Starting:
        return QIcon(u":/icons/tray-paused.svg"_s);
    case TrayIcon::State::Error:
        break;
    }
    return QIcon(u":/icons/tray-error.svg"_s);
}

bool isCoolingDown(const QString &state)
{
    return state.startsWith(u"cooling down"_s);
}

bool needsSignIn(const QString &state)
{
    return state == u"needs sign-in"_s;
}

qint64 localMidnightMs()
{
    return QDateTime(QDate::currentDate(), QTime(0, 0)).toMSecsSinceEpoch();
}

} // namespace

TrayIcon::TrayIcon(MainWindow *window, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_menu(std::make_unique<QMenu>())
{
    m_clock.start();
    m_menu->setObjectName(u"trayMenu"_s);

    m_statusAction = m_menu->addAction(tr("RelayDesk: starting…"));
    m_statusAction->setObjectName(u"statusAction"_s);
    m_statusAction->setEnabled(false);
    m_menu->addSeparator();

    m_relayOnAction = m_menu->addAction(tr("Relay on"));
    m_relayOnAction->setObjectName(u"relayOnAction"_s);
    m_relayOnAction->setCheckable(true);
    m_relayOnAction->setChecked(true);
    m_relayOnAction->setEnabled(false);
    connect(m_relayOnAction, &QAction::toggled, this, &TrayIcon::relayToggled);

    m_accountsMenu = m_menu->addMenu(tr("Accounts"));
    m_accountsMenu->setObjectName(u"accountsMenu"_s);
    m_accountsMenu->setEnabled(false);
    rebuildAccountMenu({}, {});

    m_todayAction = m_menu->addAction(tr("Today: —"));
    m_todayAction->setObjectName(u"todayAction"_s);
    m_todayAction->setEnabled(false);
    m_menu->addSeparator();

    m_openAction = m_menu->addAction(tr("Open RelayDesk"));
    m_openAction->setObjectName(u"openAction"_s);
    connect(m_openAction, &QAction::triggered, this, &TrayIcon::openWindow);
    m_quitAction = m_menu->addAction(tr("Quit"));
    m_quitAction->setObjectName(u"quitAction"_s);
    connect(m_quitAction, &QAction::triggered, this, [] { QCoreApplication::quit(); });

    connect(m_menu.get(), &QMenu::aboutToShow, this, [this] {
        refreshStatus();
        refreshAccounts();
        refreshToday(true);
    });

    m_icon = new QSystemTrayIcon(iconFor(m_state), this);
    m_icon->setObjectName(u"trayIcon"_s);
    m_icon->setContextMenu(m_menu.get());
    connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick) {
            openWindow();
        }
    });
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, [this] {
        openWindow();
        if (m_window) {
            m_window->showPage(u"accountsPage"_s);
        }
    });
    updateToolTip();

    if (m_window) {
        m_window->setTrayAvailable(QSystemTrayIcon::isSystemTrayAvailable());
    }
    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, &TrayIcon::refresh);
}

TrayIcon::~TrayIcon()
{
    // The icon lets go of the menu before the menu goes.
    delete m_icon;
    m_icon = nullptr;
}

void TrayIcon::attach(const UiContext &context)
{
    for (const QMetaObject::Connection &c : std::as_const(m_serviceConnections)) {
        disconnect(c); // attached again (a restarted engine)
    }
    m_serviceConnections.clear();
    m_context = context;
    m_failure.clear();
    m_accountStates.clear();
    m_pending.clear();
    if (m_context.service) {
        m_serviceConnections << connect(
            m_context.service, &relay::RelayService::pausedChanged, this, &TrayIcon::refreshStatus);
        m_serviceConnections << connect(
            m_context.service, &relay::RelayService::configApplied, this, &TrayIcon::refreshAccounts);
        m_serviceConnections << connect(
            m_context.service,
            &relay::RelayService::accountNeedsSignIn,
            this,
            [this](const QString &accountId, const QString &reason) {
                QString name = accountId;
                for (const relay::AccountLive &a : m_context.service->accounts()) {
                    if (a.id == accountId) {
                        name = a.name;
                    }
                }
                notify(accountId,
                       u"signin"_s,
                       tr("Sign-in needed"),
                       reason.isEmpty() ? tr("Account “%1” needs you to sign in again.").arg(name)
                                        : tr("Account “%1” needs you to sign in again: %2").arg(name, reason));
            });
        m_serviceConnections << connect(
            m_context.service,
            &relay::RelayService::budgetWarning,
            this,
            [this](const QString &keyId, const QString &keyName, const QString &limit, double used, double cap) {
                notify(keyId + u'|' + limit,
                       used >= cap ? u"budget-spent"_s : u"budget"_s,
                       used >= cap ? tr("Budget spent") : tr("Budget warning"),
                       tr("Key “%1” has used $%2 of its %3 limit of $%4.")
                           .arg(keyName)
                           .arg(used, 0, 'f', 2)
                           .arg(limit)
                           .arg(cap, 0, 'f', 2));
            });
    }
    m_relayOnAction->setEnabled(m_context.service != nullptr);
    m_accountsMenu->setEnabled(m_context.service != nullptr);
    refresh();
    m_timer.start();
}

void TrayIcon::showFailure(const QString &message)
{
    m_failure = message;
    refreshStatus();
}

void TrayIcon::show()
{
    m_icon->show();
}

void TrayIcon::refresh()
{
    refreshStatus();
    refreshAccounts();
    refreshToday(false);
}

void TrayIcon::refreshStatus()
{
    State state = State::Starting;
    if (!m_failure.isEmpty()) {
        state = State::Error;
        m_statusText = tr("RelayDesk: not running (%1)").arg(m_failure);
    } else if (!m_context.service) {
        m_statusText = tr("RelayDesk: starting…");
    } else {
        const relay::RelayStatus s = m_context.service->status();
        const QString address = u"http://%1:%2/api"_s.arg(s.address.toString()).arg(s.port);
        if (!s.listening) {
            state = State::Error;
            m_statusText = tr("Relay not listening");
        } else if (!s.storeHealthy) {
            state = State::Error;
            m_statusText = tr("Relay error: the store is unusable (%1)").arg(address);
        } else if (s.paused) {
            state = State::Paused;
            m_statusText = tr("Relay paused (%1)").arg(address);
        } else {
            state = State::Running;
            m_statusText = tr("Relay running on %1").arg(address);
        }
        const bool updating = std::exchange(m_updating, true);
        m_relayOnAction->setChecked(!s.paused);
        m_updating = updating;
    }
    m_statusAction->setText(m_statusText);
    if (state != m_state) {
        m_state = state;
        m_icon->setIcon(iconFor(state));
    }
    updateToolTip();
}

void TrayIcon::updateToolTip()
{
    QString tip = tr("RelayDesk");
    if (!m_statusText.isEmpty()) {
        tip += u" — "_s + m_statusText;
    }
    if (!m_todayText.isEmpty()) {
        tip += u'\n' + m_todayText;
    }
    m_icon->setToolTip(tip);
}

void TrayIcon::rebuildAccountMenu(const QStringList &ids, const QStringList &names)
{
    m_accountsMenu->clear();
    m_accountIds = ids;
    if (ids.isEmpty()) {
        QAction *none = m_accountsMenu->addAction(tr("No accounts"));
        none->setObjectName(u"noAccountsAction"_s);
        none->setEnabled(false);
        return;
    }
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const QString id = ids.at(i);
        QAction *action = m_accountsMenu->addAction(names.at(i));
        action->setObjectName(u"account:"_s + id);
        action->setCheckable(true);
        action->setData(id);
        connect(action, &QAction::toggled, this, [this, id](bool on) { accountToggled(id, on); });
    }
}

void TrayIcon::refreshAccounts()
{
    if (!m_context.service) {
        return;
    }
    const QList<relay::AccountLive> live = m_context.service->accounts();
    QStringList ids;
    QStringList names;
    for (const relay::AccountLive &a : live) {
        ids.append(a.id);
        names.append(a.name);
    }
    const bool updating = std::exchange(m_updating, true);
    if (ids != m_accountIds) {
        rebuildAccountMenu(ids, names);
    }
    const qint64 now = m_clock.elapsed();
    QHash<QString, QString> states;
    for (const relay::AccountLive &a : live) {
        auto *action = m_accountsMenu->findChild<QAction *>(u"account:"_s + a.id, Qt::FindDirectChildrenOnly);
        bool checked = a.enabled;
        if (auto pending = m_pending.find(a.id); pending != m_pending.end()) {
            if (a.enabled == pending->enabled || now - pending->sinceMs > kPendingMs) {
                m_pending.erase(pending);
            } else {
                checked = pending->enabled;
            }
        }
        if (action) {
            action->setChecked(checked);
            action->setText(a.state == u"active"_s || !a.enabled ? a.name : tr("%1 — %2").arg(a.name, a.state));
        }
        // Only a change seen between two refreshes is news; what the first look finds is not.
        if (auto previous = m_accountStates.constFind(a.id); previous != m_accountStates.cend()) {
            if (isCoolingDown(a.state) && !isCoolingDown(*previous)) {
                notify(a.id, u"ratelimit"_s, tr("Account rate limited"), tr("“%1” is %2").arg(a.name, a.state));
            } else if (needsSignIn(a.state) && !needsSignIn(*previous)) {
                notify(a.id,
                       u"signin"_s,
                       tr("Sign-in needed"),
                       tr("Account “%1” needs you to sign in again.").arg(a.name));
            }
        }
        states.insert(a.id, a.state);
    }
    m_accountStates = states;
    m_updating = updating;
}

void TrayIcon::accountToggled(const QString &id, bool enabled)
{
    if (m_updating) {
        return;
    }
    if (!m_context.store) {
        refreshAccounts(); // puts the check back
        return;
    }
    m_pending.insert(id, Pending{enabled, m_clock.elapsed()});
    m_context.store->runOnStore<void>(
        this,
        [id, enabled](store::Database &db) -> Result<void> { return db.setAccountEnabled(id, enabled); },
        [this, id](Result<void> result) {
            if (!result) {
                m_pending.remove(id);
                refreshAccounts();
                emit notified(tr("Account not changed"), result.error().detail);
                if (m_icon->isVisible() && QSystemTrayIcon::supportsMessages()) {
                    m_icon->showMessage(tr("Account not changed"), result.error().detail, QSystemTrayIcon::Warning);
                }
            }
        });
}

void TrayIcon::relayToggled(bool on)
{
    if (m_updating || !m_context.service) {
        return;
    }
    m_context.service->setPaused(!on); // pausedChanged refreshes the icon
}

void TrayIcon::refreshToday(bool force)
{
    if (!m_context.store) {
        return;
    }
    if (m_todayBusy) {
        m_todayAgain = m_todayAgain || force;
        return;
    }
    const qint64 now = m_clock.elapsed();
    if (!force && m_todayAtMs >= 0 && now - m_todayAtMs < kTodayMs) {
        return;
    }
    m_todayBusy = true;
    m_todayAtMs = now;
    const qint64 since = localMidnightMs();
    m_context.store->runOnStore<store::UsageTotals>(
        this,
        [since](store::Database &db) -> Result<store::UsageTotals> { return db.usageTotals(QString(), since); },
        [this](Result<store::UsageTotals> totals) {
            m_todayBusy = false;
            if (totals) {
                m_todayText =
                    tr("Today: %1 requests, $%2").arg(totals->requests).arg(QString::number(totals->costUsd, 'f', 2));
            } else {
                m_todayText = tr("Today: unavailable");
            }
            m_todayAction->setText(m_todayText);
            updateToolTip();
            if (std::exchange(m_todayAgain, false)) {
                refreshToday(true);
            }
        });
}

void TrayIcon::notify(const QString &accountId, const QString &kind, const QString &title, const QString &text)
{
    const QString key = kind + u'|' + accountId;
    const qint64 now = m_clock.elapsed();
    if (auto last = m_lastNotified.constFind(key); last != m_lastNotified.cend() && now - *last < kNotifyQuietMs) {
        return;
    }
    m_lastNotified.insert(key, now);
    emit notified(title, text);
    if (m_icon->isVisible() && QSystemTrayIcon::supportsMessages()) {
        m_icon->showMessage(title, text, kind == u"signin"_s ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information);
    }
}

void TrayIcon::openWindow()
{
    if (!m_window) {
        return;
    }
    if (m_window->isMinimized()) {
        m_window->setWindowState(m_window->windowState() & ~Qt::WindowMinimized);
    }
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
}

} // namespace rd::ui
