// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/keyspage.h"

#include "core/auth/apikeys.h"
#include "core/facade/storeclient.h"
#include "core/relay/relayservice.h"
#include "core/secrets/secretbytes.h"
#include "ui/dialogs/keydialog.h"
#include "ui/dialogs/newkeydialog.h"
#include "ui/dialogs/recordid.h"
#include "ui/models/keysmodel.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <memory>

using namespace Qt::StringLiterals;

namespace rd::ui {

// What one reload reads on the store thread.
struct KeysPage::Snapshot
{
    QList<store::ApiKeyRecord> keys;
    QHash<QString, store::UsageTotals> usage;
    QList<QPair<QString, QString>> accounts; // id, name
    QStringList groups;
    QString error;
};

KeysPage::KeysPage(QWidget *parent)
    : Page(parent)
{
    setObjectName(u"keysPage"_s);
    auto *layout = new QVBoxLayout(this);
    auto *buttons = new QHBoxLayout();
    m_createKeyButton = new QPushButton(tr("&Create key…"), this);
    m_createKeyButton->setObjectName(u"createKeyButton"_s);
    m_editButton = new QPushButton(tr("&Edit…"), this);
    m_editButton->setObjectName(u"editButton"_s);
    m_deleteButton = new QPushButton(tr("&Delete"), this);
    m_deleteButton->setObjectName(u"deleteButton"_s);
    buttons->addWidget(m_createKeyButton);
    buttons->addWidget(m_editButton);
    buttons->addWidget(m_deleteButton);
    buttons->addStretch();
    layout->addLayout(buttons);
    m_model = new KeysModel(this);
    m_model->setToggle([this](const QString &id, bool enabled) { setKeyEnabled(id, enabled); });
    m_keysTable = new QTableView(this);
    m_keysTable->setObjectName(u"keysTable"_s);
    m_keysTable->setModel(m_model);
    m_keysTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_keysTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_keysTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_keysTable->verticalHeader()->hide();
    m_keysTable->horizontalHeader()->setStretchLastSection(true);
    m_keysTable->horizontalHeader()->setSectionResizeMode(KeysModel::Limits, QHeaderView::Stretch);
    m_keysTable->horizontalHeader()->setStretchLastSection(false);
    layout->addWidget(m_keysTable, 1);
    m_message = new QLabel(this);
    m_message->setObjectName(u"message"_s);
    m_message->setWordWrap(true);
    m_message->hide();
    layout->addWidget(m_message);

    // Keyboard: Enter edits the current key, Delete deletes it (after asking).
    auto *editAction = new QAction(this);
    editAction->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    editAction->setShortcutContext(Qt::WidgetShortcut);
    m_keysTable->addAction(editAction);
    auto *deleteAction = new QAction(this);
    deleteAction->setShortcut(QKeySequence::Delete);
    deleteAction->setShortcutContext(Qt::WidgetShortcut);
    m_keysTable->addAction(deleteAction);
    connect(editAction, &QAction::triggered, this, &KeysPage::editKey);
    connect(deleteAction, &QAction::triggered, this, &KeysPage::deleteKey);
    connect(m_keysTable, &QTableView::doubleClicked, this, &KeysPage::editKey);
    connect(m_createKeyButton, &QPushButton::clicked, this, &KeysPage::createKey);
    connect(m_editButton, &QPushButton::clicked, this, &KeysPage::editKey);
    connect(m_deleteButton, &QPushButton::clicked, this, &KeysPage::deleteKey);
    connect(m_keysTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &KeysPage::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &KeysPage::updateButtons);
    updateButtons();
}

void KeysPage::attach(const UiContext &context)
{
    m_context = context;
    updateButtons();
    reload();
}

void KeysPage::setActive(bool active)
{
    if (active) {
        reload(); // usage moves while the page is hidden
    }
}

void KeysPage::reload()
{
    if (!m_context.store) {
        return;
    }
    if (m_loading) {
        m_reloadAgain = true; // after the read in flight: it may predate the last edit
        return;
    }
    m_loading = true;
    m_context.store->run<Snapshot>(
        this,
        [](store::Database *db) {
            Snapshot s;
            if (!db) {
                s.error = tr("The store cannot be opened.");
                return s;
            }
            auto keys = db->listKeys();
            auto usage = db->usageGrouped(u"key"_s, 0);
            auto accounts = db->listAccounts();
            if (!keys || !usage || !accounts) {
                s.error = !keys ? keys.error().detail : !usage ? usage.error().detail : accounts.error().detail;
                return s;
            }
            s.keys = std::move(*keys);
            for (const auto &[keyId, totals] : std::as_const(*usage)) {
                s.usage.insert(keyId, totals);
            }
            for (const store::AccountRecord &a : std::as_const(*accounts)) {
                s.accounts.append({a.id, a.name}); // names only: sealed credentials stay on the store thread
                if (!a.groupName.isEmpty() && !s.groups.contains(a.groupName)) {
                    s.groups << a.groupName;
                }
            }
            return s;
        },
        [this](Snapshot s) { apply(std::move(s)); });
}

void KeysPage::apply(Snapshot s)
{
    m_loading = false;
    if (!s.error.isEmpty()) {
        showMessage(tr("Cannot read the keys: %1").arg(s.error));
    } else {
        showMessage(QString());
        QHash<QString, QString> names;
        m_bindingChoices.clear();
        for (const auto &[id, name] : std::as_const(s.accounts)) {
            names.insert(id, name);
            m_bindingChoices.append({u"account:"_s + id, tr("Account: %1").arg(name)});
        }
        for (const QString &group : std::as_const(s.groups)) {
            m_bindingChoices.append({u"group:"_s + group, tr("Group: %1").arg(group)});
        }
        m_model->setKeys(std::move(s.keys), std::move(s.usage), std::move(names));
    }
    updateButtons();
    if (std::exchange(m_reloadAgain, false)) {
        reload();
    }
}

const store::ApiKeyRecord *KeysPage::selectedKey() const
{
    const QModelIndexList rows = m_keysTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : m_model->keyAt(rows.first().row());
}

void KeysPage::updateButtons()
{
    const bool ready = m_context.store != nullptr;
    m_createKeyButton->setEnabled(ready);
    m_editButton->setEnabled(ready && selectedKey());
    m_deleteButton->setEnabled(ready && selectedKey());
}

void KeysPage::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

bool KeysPage::confirm(const QString &question)
{
    return QMessageBox::question(this, tr("RelayDesk"), question) == QMessageBox::Yes;
}

void KeysPage::createKey()
{
    if (!m_context.store) {
        return;
    }
    auto *dialog = new KeyDialog(store::ApiKeyRecord{}, m_bindingChoices, true, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(
        dialog, &KeyDialog::submitted, this, [this, dialog](const store::ApiKeyRecord &r) { submit(dialog, r, true); });
    dialog->open();
}

void KeysPage::editKey()
{
    const store::ApiKeyRecord *key = selectedKey();
    if (!key || !m_context.store) {
        return;
    }
    auto *dialog = new KeyDialog(*key, m_bindingChoices, false, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &KeyDialog::submitted, this, [this, dialog](const store::ApiKeyRecord &r) {
        submit(dialog, r, false);
    });
    dialog->open();
}

void KeysPage::submit(KeyDialog *dialog, const store::ApiKeyRecord &record, bool creating)
{
    if (creating) {
        submitNew(dialog, record);
        return;
    }
    QPointer<KeyDialog> guard(dialog);
    m_context.store->runOnStore<void>(
        this,
        [record](store::Database &db) -> Result<void> { return db.updateKey(record); },
        [this, guard](Result<void> ok) {
            if (guard) {
                if (ok) {
                    guard->accept();
                } else {
                    guard->showError(tr("Not saved: %1").arg(ok.error().detail));
                }
            }
            reload();
        });
}

void KeysPage::submitNew(KeyDialog *dialog, store::ApiKeyRecord record)
{
    // Only the hash goes to the store (like `relaydesk keys create`); the key waits here for the store's answer.
    auto key = std::make_shared<SecretBytes>(auth::generateKey());
    record.id = newRecordId(QLatin1String("key_"));
    record.keyHash = auth::hashKey(key->expose());
    record.enabled = true;
    record.createdAt = QDateTime::currentDateTimeUtc();
    QPointer<KeyDialog> guard(dialog);
    m_context.store->runOnStore<void>(
        this,
        [record](store::Database &db) -> Result<void> { return db.insertKey(record); },
        [this, guard, key, name = record.name](Result<void> ok) {
            if (!ok) {
                if (guard) {
                    guard->showError(tr("Not created: %1").arg(ok.error().detail));
                }
                return;
            }
            if (guard) {
                guard->accept();
            }
            const relay::RelayStatus status = m_context.service ? m_context.service->status() : relay::RelayStatus{};
            auto *shown = new NewKeyDialog(name,
                                           QString::fromLatin1(key->expose().data(), key->expose().size()),
                                           status.address.toString(),
                                           status.port,
                                           this);
            key->wipe();
            shown->setAttribute(Qt::WA_DeleteOnClose);
            shown->open();
            reload();
        });
}

void KeysPage::deleteKey()
{
    const store::ApiKeyRecord *key = selectedKey();
    if (!key || !m_context.store) {
        return;
    }
    if (!confirm(tr("Delete the key “%1”? Clients using it stop working at once.").arg(key->name))) {
        return;
    }
    m_context.store->runOnStore<void>(
        this,
        [id = key->id](store::Database &db) -> Result<void> { return db.deleteKey(id); },
        [this](Result<void> ok) {
            showMessage(ok ? QString() : tr("Not deleted: %1").arg(ok.error().detail));
            reload();
        });
}

void KeysPage::setKeyEnabled(const QString &id, bool enabled)
{
    if (!m_context.store) {
        return;
    }
    m_context.store->runOnStore<void>(
        this,
        [id, enabled](store::Database &db) -> Result<void> { return db.setKeyEnabled(id, enabled); },
        [this](Result<void> ok) {
            showMessage(ok ? QString() : tr("Not changed: %1").arg(ok.error().detail));
            reload();
        });
}

} // namespace rd::ui
