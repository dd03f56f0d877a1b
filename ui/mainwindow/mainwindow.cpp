// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/mainwindow/mainwindow.h"

#include "core/relay/relayservice.h"

#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace rd::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("RelayDesk"));
    setMinimumSize(520, 260);
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
    layout->addStretch();
    setCentralWidget(central);
    m_timer.setInterval(500);
    connect(&m_timer, &QTimer::timeout, this, &MainWindow::refresh);
}

void MainWindow::attach(relay::RelayService *service, const QString &dataDir, const QString &keyWarning)
{
    m_service = service;
    m_dataDir->setText(dataDir);
    if (!keyWarning.isEmpty()) {
        m_warning->setText(
            tr("Account credentials are protected by a key that is NOT in the system keychain: %1").arg(keyWarning));
        m_warning->show();
    }
    refresh();
    m_timer.start();
}

void MainWindow::showFailure(const QString &message)
{
    m_address->setText(tr("not running: %1").arg(message));
}

void MainWindow::refresh()
{
    if (!m_service) {
        return;
    }
    const relay::RelayStatus s = m_service->status();
    if (s.listening) {
        m_address->setText(tr("listening on http://%1:%2/api").arg(s.address.toString()).arg(s.port));
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
