// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>
#include <QTimer>

class QLabel;

namespace rd::relay {
class RelayService;
}

namespace rd::ui {

// The minimal main window of the relay engine: where the relay listens and what it is doing.
// Reads RelayService::status() (a cheap copy) a few times a second; never touches sockets or SQL.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    void attach(relay::RelayService *service, const QString &dataDir, const QString &keyWarning);
    void showFailure(const QString &message);

private:
    void refresh();

    relay::RelayService *m_service = nullptr;
    QLabel *m_address = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_traffic = nullptr;
    QLabel *m_warning = nullptr;
    QLabel *m_dataDir = nullptr;
    QTimer m_timer;
};

} // namespace rd::ui
