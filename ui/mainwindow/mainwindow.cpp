// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/mainwindow/mainwindow.h"

#include "core/facade/storeclient.h"
#include "core/relay/relayservice.h"
#include "ui/pages/accountspage.h"
#include "ui/pages/dashboardpage.h"
#include "ui/pages/keyspage.h"
#include "ui/pages/logspage.h"
#include "ui/pages/settingspage.h"
#include "ui/pages/usagepage.h"

#include <QCloseEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace rd::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("RelayDesk"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/relaydesk.svg")));
    setMinimumSize(880, 560);
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_warning = new QLabel(central);
    m_warning->setObjectName(QStringLiteral("warning"));
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 8px; }"));
    m_warning->hide();
    layout->addWidget(m_warning);
    auto *form = new QFormLayout();
    m_address = new QLabel(tr("starting…"), central);
    m_address->setObjectName(QStringLiteral("address"));
    m_address->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_counts = new QLabel(central);
    m_counts->setObjectName(QStringLiteral("counts"));
    m_traffic = new QLabel(central);
    m_traffic->setObjectName(QStringLiteral("traffic"));
    m_dataDir = new QLabel(central);
    m_dataDir->setObjectName(QStringLiteral("dataDir"));
    m_dataDir->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Relay:"), m_address);
    form->addRow(tr("Configured:"), m_counts);
    form->addRow(tr("Traffic:"), m_traffic);
    form->addRow(tr("Data folder:"), m_dataDir);
    layout->addLayout(form);

    auto *body = new QHBoxLayout();
    m_sidebar = new QListWidget(central);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setFixedWidth(170);
    m_sidebar->setIconSize(QSize(20, 20));
    m_sidebar->setSpacing(2);
    m_pages = new QStackedWidget(central);
    m_pages->setObjectName(QStringLiteral("pages"));
    body->addWidget(m_sidebar);
    body->addWidget(m_pages, 1);
    layout->addLayout(body, 1);
    setCentralWidget(central);

    addPage(new DashboardPage(m_pages));
    addPage(new AccountsPage(m_pages));
    addPage(new KeysPage(m_pages));
    addPage(new UsagePage(m_pages));
    addPage(new LogsPage(m_pages));
    addPage(new SettingsPage(m_pages));
    connect(m_sidebar, &QListWidget::currentRowChanged, this, &MainWindow::pageChanged);
    m_sidebar->setCurrentRow(0);
    const QString last = m_preferences.lastPage();
    for (int i = 0; i < m_pageList.size(); ++i) {
        if (m_pageList.at(i)->objectName() == last) {
            m_sidebar->setCurrentRow(i);
        }
    }
    if (const QByteArray geometry = m_preferences.geometry(); !geometry.isEmpty()) {
        restoreGeometry(geometry);
    }
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &MainWindow::refresh);
}

MainWindow::~MainWindow()
{
    m_preferences.setGeometry(saveGeometry());
    // Pages go before the store client they may still have answers from.
    delete m_pages;
    m_pages = nullptr;
}

void MainWindow::addPage(Page *page)
{
    m_pageList.append(page);
    m_pages->addWidget(page);
    // resources/icons/pages/<page>.svg, e.g. "keysPage" → keys.svg
    const QString icon = QStringLiteral(":/icons/pages/%1.svg").arg(page->objectName().chopped(4));
    auto *item = new QListWidgetItem(QIcon(icon), page->title(), m_sidebar);
    item->setData(Qt::UserRole, page->objectName());
}

void MainWindow::pageChanged(int index)
{
    if (index < 0 || index >= m_pageList.size()) {
        return;
    }
    for (int i = 0; i < m_pageList.size(); ++i) {
        m_pageList.at(i)->setActive(i == index && m_context.service);
    }
    m_pages->setCurrentIndex(index);
    m_preferences.setLastPage(m_pageList.at(index)->objectName());
}

void MainWindow::showPage(const QString &objectName)
{
    for (int i = 0; i < m_pageList.size(); ++i) {
        if (m_pageList.at(i)->objectName() == objectName) {
            m_sidebar->setCurrentRow(i);
        }
    }
}

void MainWindow::attach(relay::RelayService *service, const QString &dataDir, const QString &keyWarning)
{
    m_service = service;
    m_store = std::make_unique<facade::StoreClient>(service->storeLocation());
    m_context = UiContext{service, m_store.get(), dataDir};
    m_dataDir->setText(dataDir);
    if (!keyWarning.isEmpty()) {
        m_warning->setText(
            tr("Account credentials are protected by a key that is NOT in the system keychain: %1").arg(keyWarning));
        m_warning->show();
    }
    for (Page *page : std::as_const(m_pageList)) {
        page->attach(m_context);
    }
    pageChanged(m_sidebar->currentRow());
    refresh();
    m_timer.start();
}

void MainWindow::showFailure(const QString &message)
{
    m_address->setText(tr("not running: %1").arg(message));
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    refresh(); // back from the tray (or first shown): current figures at once, not after the next tick
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_preferences.setGeometry(saveGeometry());
    if (m_trayAvailable && m_preferences.closeToTray()) {
        hide(); // the relay keeps running; the tray menu quits
        event->ignore();
        return;
    }
    event->accept();
}

void MainWindow::refresh()
{
    if (!m_service || !isVisible()) {
        return; // hidden in the tray: nothing to draw
    }
    const relay::RelayStatus s = m_service->status();
    if (s.listening) {
        m_address->setText(tr("%1 on http://%2:%3/api")
                               .arg(s.paused ? tr("paused") : tr("listening"), s.address.toString())
                               .arg(s.port));
    }
    m_counts->setText(tr("%1 keys, %2 accounts%3")
                          .arg(s.keys)
                          .arg(s.accounts)
                          .arg(s.storeHealthy ? QString() : tr(" — the store is unusable")));
    m_traffic->setText(tr("%1 requests recorded, %2 in flight, %3 connections")
                           .arg(s.requestsRecorded)
                           .arg(s.activeRequests)
                           .arg(s.openConnections));
}

} // namespace rd::ui
