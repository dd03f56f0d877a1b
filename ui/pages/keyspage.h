// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/records.h"
#include "ui/pages/page.h"

#include <QList>
#include <QPair>

class QLabel;
class QPushButton;
class QTableView;

namespace rd::ui {

class KeyDialog;
class KeysModel;

// RelayDesk keys: the table (usage included), create and edit through KeyDialog, enable, delete. A new key is shown
// once in NewKeyDialog; only its hash reaches the store. Every read and write goes through the StoreClient.
class KeysPage : public Page
{
    Q_OBJECT
public:
    explicit KeysPage(QWidget *parent = nullptr);
    QString title() const override { return tr("Keys"); }
    void attach(const UiContext &context) override;
    void setActive(bool active) override;
    void reload();

protected:
    // Asks before something is lost (a message box); tests override it to answer without a modal dialog.
    virtual bool confirm(const QString &question);

private:
    struct Snapshot;
    void apply(Snapshot snapshot);
    void createKey();
    void editKey();
    void deleteKey();
    void setKeyEnabled(const QString &id, bool enabled);
    void submit(KeyDialog *dialog, const store::ApiKeyRecord &record, bool creating);
    void submitNew(KeyDialog *dialog, store::ApiKeyRecord record);
    const store::ApiKeyRecord *selectedKey() const;
    void updateButtons();
    void showMessage(const QString &text);

    UiContext m_context;
    KeysModel *m_model = nullptr;
    QTableView *m_keysTable = nullptr;
    QPushButton *m_createKeyButton = nullptr;
    QPushButton *m_editButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
    QLabel *m_message = nullptr;
    QList<QPair<QString, QString>> m_bindingChoices; // from the last reload
    bool m_loading = false;
    bool m_reloadAgain = false;
};

} // namespace rd::ui
