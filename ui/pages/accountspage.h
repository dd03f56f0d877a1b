// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/pages/page.h"

#include <QTimer>

class QLabel;
class QPushButton;
class QTableView;

namespace rd::store {
struct AccountRecord;
}

namespace rd::ui {

class AccountsModel;
class AddConsoleAccountDialog;

// Upstream accounts: type, live status, priority, proxy, usage, the enabled switch; add a Console account, remove one.
// Reads and writes go through the StoreClient; refreshed every 5 s while the page is shown, never while hidden.
class AccountsPage : public Page
{
    Q_OBJECT
public:
    explicit AccountsPage(QWidget *parent = nullptr);
    QString title() const override { return tr("Accounts"); }
    void attach(const UiContext &context) override;
    void setActive(bool active) override;
    void reload();

protected:
    // Asks before something is lost (a message box); tests override it to answer without a modal dialog.
    virtual bool confirm(const QString &question);

private:
    struct Snapshot;
    void apply(Snapshot snapshot);
    void addConsoleAccount();
    void insertAccount(AddConsoleAccountDialog *dialog, const store::AccountRecord &record);
    void removeAccount();
    void setAccountEnabled(const QString &id, bool enabled);
    void updateButtons();
    void showMessage(const QString &text);

    UiContext m_context;
    AccountsModel *m_model = nullptr;
    QTableView *m_accountsTable = nullptr;
    QPushButton *m_addConsoleButton = nullptr;
    QPushButton *m_removeButton = nullptr;
    QLabel *m_message = nullptr;
    QTimer m_refreshTimer{this}; // a child (objectName "refreshTimer") so tests can see it run or stop
    bool m_loading = false;
    bool m_reloadAgain = false;
};

} // namespace rd::ui
