// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/preferences.h"
#include "ui/uicontext.h"

#include <QMainWindow>
#include <QTimer>

#include <memory>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace rd::facade {
class StoreClient;
}

namespace rd::ui {

class Page;

// The main window: a status line (where the relay listens, what it holds, the data-key warning), a sidebar of pages
// and the pages. Talks to the engine only through RelayService and the StoreClient; never sockets or SQL.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;
    void attach(relay::RelayService *service, const QString &dataDir, const QString &keyWarning);
    void showFailure(const QString &message);
    const UiContext &context() const { return m_context; }
    void showPage(const QString &objectName); // e.g. "keysPage"
    // Closing hides the window while a tray icon keeps the relay reachable (preference); quitting is the tray's.
    void setTrayAvailable(bool available) { m_trayAvailable = available; }

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void refresh();
    void addPage(Page *page);
    void pageChanged(int index);

    relay::RelayService *m_service = nullptr;
    std::unique_ptr<facade::StoreClient> m_store;
    UiContext m_context;
    Preferences m_preferences;
    QLabel *m_address = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_traffic = nullptr;
    QLabel *m_warning = nullptr;
    QLabel *m_dataDir = nullptr;
    QListWidget *m_sidebar = nullptr;
    QStackedWidget *m_pages = nullptr;
    QList<Page *> m_pageList;
    QTimer m_timer;
    bool m_trayAvailable = false;
};

} // namespace rd::ui
