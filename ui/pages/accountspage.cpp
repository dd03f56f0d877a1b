// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/accountspage.h"

#include "core/config/endpoints.h"
#include "core/facade/connectiontest.h"
#include "core/facade/storeclient.h"
#include "core/providers/console/consoleaccount.h"
#include "core/relay/relayservice.h"
#include "core/scheduling/accounthealth.h"
#include "ui/dialogs/addconsoleaccountdialog.h"
#include "ui/dialogs/chatgptsigninwizard.h"
#include "ui/dialogs/claudesigninwizard.h"
#include "ui/models/accountsmodel.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rd::ui {

namespace {
constexpr int kRefreshMs = 5000;

// Refresh tokens rotate: resealing a subscription's tokens as they were when the dialog opened must not bring back a
// pair the relay has replaced since (the old refresh token is dead). The stored expiry tells whether that happened.
Result<void> resealedOverRefreshedTokens(store::Database &db, const store::AccountRecord &edited)
{
    const std::optional<providers::AccountKind> kind = providers::accountKindFromType(edited.type);
    if (edited.sealedCredentials.isEmpty() || !kind || !providers::isOAuthKind(*kind)) {
        return {};
    }
    auto accounts = db.listAccounts();
    if (!accounts) {
        return tl::unexpected(accounts.error());
    }
    for (const store::AccountRecord &a : std::as_const(*accounts)) {
        if (a.id == edited.id && a.tokenExpiresAtMs != edited.tokenExpiresAtMs) {
            return fail(ErrorCode::InvalidArgument,
                        u"the subscription's tokens were refreshed while the dialog was open; open Edit… again"_s);
        }
    }
    return {};
}
} // namespace

// What one reload reads on the store thread: rows with the store's view of the state (no credentials).
struct AccountsPage::Snapshot
{
    QList<AccountRow> rows;
    QString error;
};

AccountsPage::AccountsPage(QWidget *parent)
    : Page(parent)
    , m_claudeEndpoints(config::claudeEndpointsFromEnvironment())
    , m_openaiEndpoints(config::openaiEndpointsFromEnvironment())
{
    setObjectName(u"accountsPage"_s);
    auto *layout = new QVBoxLayout(this);
    auto *buttons = new QHBoxLayout();
    m_addConsoleButton = new QPushButton(tr("Add &Console account…"), this);
    m_addConsoleButton->setObjectName(u"addConsoleButton"_s);
    m_addOpenAIButton = new QPushButton(tr("Add &OpenAI account"), this);
    m_addOpenAIButton->setObjectName(u"addOpenAIButton"_s);
    auto *openAIMenu = new QMenu(m_addOpenAIButton);
    QAction *addChatGPT = openAIMenu->addAction(tr("&ChatGPT subscription (Codex)…"));
    addChatGPT->setObjectName(u"addChatGPTAction"_s);
    QAction *addResponses = openAIMenu->addAction(tr("OpenAI &Responses API key…"));
    addResponses->setObjectName(u"addOpenAIResponsesAction"_s);
    QAction *addAzure = openAIMenu->addAction(tr("&Azure OpenAI deployment…"));
    addAzure->setObjectName(u"addAzureAction"_s);
    m_addOpenAIButton->setMenu(openAIMenu);
    m_signInButton = new QPushButton(tr("&Sign in a Claude subscription…"), this);
    m_signInButton->setObjectName(u"signInButton"_s);
    m_editAccountButton = new QPushButton(tr("&Edit…"), this);
    m_editAccountButton->setObjectName(u"editAccountButton"_s);
    m_testConnectionButton = new QPushButton(tr("&Test connection"), this);
    m_testConnectionButton->setObjectName(u"testConnectionButton"_s);
    m_removeButton = new QPushButton(tr("&Remove"), this);
    m_removeButton->setObjectName(u"removeButton"_s);
    for (QPushButton *button : {m_addConsoleButton,
                                m_addOpenAIButton,
                                m_signInButton,
                                m_editAccountButton,
                                m_testConnectionButton,
                                m_removeButton}) {
        buttons->addWidget(button);
    }
    buttons->addStretch();
    layout->addLayout(buttons);
    m_model = new AccountsModel(this);
    m_model->setToggle([this](const QString &id, bool enabled) { setAccountEnabled(id, enabled); });
    m_accountsTable = new QTableView(this);
    m_accountsTable->setObjectName(u"accountsTable"_s);
    m_accountsTable->setModel(m_model);
    m_accountsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_accountsTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_accountsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_accountsTable->verticalHeader()->hide();
    m_accountsTable->horizontalHeader()->setSectionResizeMode(AccountsModel::Status, QHeaderView::Stretch);
    layout->addWidget(m_accountsTable, 1);
    m_message = new QLabel(this);
    m_message->setObjectName(u"message"_s);
    m_message->setWordWrap(true);
    m_message->hide();
    layout->addWidget(m_message);

    auto *removeAction = new QAction(this); // Delete on the table removes the account (after asking)
    removeAction->setShortcut(QKeySequence::Delete);
    removeAction->setShortcutContext(Qt::WidgetShortcut);
    m_accountsTable->addAction(removeAction);
    connect(removeAction, &QAction::triggered, this, &AccountsPage::removeAccount);
    connect(m_addConsoleButton, &QPushButton::clicked, this, [this] {
        addKeyAccount(providers::AccountKind::ClaudeConsole);
    });
    connect(
        addResponses, &QAction::triggered, this, [this] { addKeyAccount(providers::AccountKind::OpenAIResponses); });
    connect(addAzure, &QAction::triggered, this, [this] { addKeyAccount(providers::AccountKind::AzureOpenAI); });
    connect(addChatGPT, &QAction::triggered, this, &AccountsPage::signInChatGPT);
    connect(m_signInButton, &QPushButton::clicked, this, &AccountsPage::signIn);
    connect(m_editAccountButton, &QPushButton::clicked, this, &AccountsPage::editAccount);
    connect(m_testConnectionButton, &QPushButton::clicked, this, &AccountsPage::testConnection);
    connect(m_removeButton, &QPushButton::clicked, this, &AccountsPage::removeAccount);
    connect(m_accountsTable, &QTableView::doubleClicked, this, &AccountsPage::editAccount);
    connect(
        m_accountsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &AccountsPage::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &AccountsPage::updateButtons);
    m_refreshTimer.setObjectName(u"refreshTimer"_s);
    m_refreshTimer.setInterval(kRefreshMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &AccountsPage::reload);
    updateButtons();
}

void AccountsPage::attach(const UiContext &context)
{
    m_context = context;
    updateButtons();
    reload();
}

void AccountsPage::setActive(bool active)
{
    if (!active) {
        m_refreshTimer.stop(); // a hidden page costs nothing
        return;
    }
    reload();
    m_refreshTimer.start();
}

void AccountsPage::reload()
{
    if (!m_context.store) {
        return;
    }
    if (m_loading) {
        m_reloadAgain = true; // the read in flight may predate the last edit
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
            auto accounts = db->listAccounts();
            auto states = db->accountStates();
            auto usage = db->usageGrouped(u"account"_s, 0);
            if (!accounts || !states || !usage) {
                s.error = !accounts ? accounts.error().detail : !states ? states.error().detail : usage.error().detail;
                return s;
            }
            QHash<QString, store::UsageTotals> totals;
            for (const auto &[accountId, t] : std::as_const(*usage)) {
                totals.insert(accountId, t);
            }
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            for (const store::AccountRecord &a : std::as_const(*accounts)) {
                AccountRow row{a.id, a.name, a.type, {}, a.priority, a.proxyUrl, a.enabled, 0, 0, {}};
                // What the relay last saved; a newer epoch (enabled or reset since) means it starts clean.
                scheduling::AccountHealth health;
                if (const auto it = states->constFind(a.id); it != states->cend() && it->epoch == a.stateEpoch) {
                    health.restore(*it);
                }
                row.status = !a.enabled       ? tr("disabled")
                             : !a.schedulable ? tr("not schedulable")
                                              : health.describe(now);
                row.detail = AccountsModel::detailText(a.type, a.extra, a.subscriptionPlan);
                row.requests = totals.value(a.id).requests;
                row.costUsd = totals.value(a.id).costUsd;
                s.rows << row;
            }
            return s;
        },
        [this](Snapshot s) { apply(std::move(s)); });
}

void AccountsPage::apply(Snapshot s)
{
    m_loading = false;
    if (!s.error.isEmpty()) {
        showMessage(tr("Cannot read the accounts: %1").arg(s.error), true);
    } else {
        if (m_messageIsLoadError) {
            showMessage(QString());
        }
        // The running relay knows better than the last saved state (cooldowns that just started or ended).
        if (m_context.service) {
            QHash<QString, QString> live;
            for (const relay::AccountLive &a : m_context.service->accounts()) {
                live.insert(a.id, a.state);
            }
            for (AccountRow &row : s.rows) {
                if (row.enabled && live.contains(row.id)) {
                    row.status = live.value(row.id);
                }
            }
        }
        m_model->setRows(std::move(s.rows));
    }
    updateButtons();
    if (std::exchange(m_reloadAgain, false)) {
        reload();
    }
}

void AccountsPage::updateButtons()
{
    const bool ready = m_context.store != nullptr;
    const bool selected = ready && m_accountsTable->selectionModel()->hasSelection();
    m_addConsoleButton->setEnabled(ready);
    m_addOpenAIButton->setEnabled(ready);
    m_signInButton->setEnabled(ready);
    m_editAccountButton->setEnabled(selected);
    m_testConnectionButton->setEnabled(selected && !m_testing);
    m_removeButton->setEnabled(selected);
}

void AccountsPage::showMessage(const QString &text, bool loadError)
{
    m_messageIsLoadError = loadError && !text.isEmpty();
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

std::shared_ptr<const secrets::Sealer> AccountsPage::sealer() const
{
    return m_context.service ? m_context.service->sealer() : nullptr;
}

bool AccountsPage::confirm(const QString &question)
{
    return QMessageBox::question(this, tr("RelayDesk"), question) == QMessageBox::Yes;
}

void AccountsPage::addKeyAccount(providers::AccountKind kind)
{
    if (!m_context.store) {
        return;
    }
    auto *dialog = new AddConsoleAccountDialog(sealer(), this, kind);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &AddConsoleAccountDialog::submitted, this, [this, dialog](const store::AccountRecord &r) {
        saveAccount(
            dialog, r, false, [dialog](const QString &text) { dialog->showError(tr("Not added: %1").arg(text)); });
    });
    dialog->open();
}

ClaudeSignInWizard *AccountsPage::createSignInWizard(std::shared_ptr<const secrets::Sealer> sealer,
                                                     const oauth::ClaudeOAuthEndpoints &endpoints)
{
    return new ClaudeSignInWizard(std::move(sealer), endpoints, this);
}

void AccountsPage::signIn()
{
    if (!m_context.store) {
        return;
    }
    ClaudeSignInWizard *wizard = createSignInWizard(sealer(), m_claudeEndpoints);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &ClaudeSignInWizard::submitted, this, [this, wizard](const store::AccountRecord &r) {
        saveAccount(
            wizard,
            r,
            false,
            [wizard](const QString &text) {
                wizard->showError(tr("Signed in, but the account was not saved: %1").arg(text));
            },
            tr("Claude subscription “%1” added. It is personal: only keys created as the owner's keys use it until "
               "you share it.")
                .arg(r.name));
    });
    wizard->open();
}

ChatGPTSignInWizard *AccountsPage::createChatGPTSignInWizard(std::shared_ptr<const secrets::Sealer> sealer,
                                                             const oauth::OpenAIOAuthEndpoints &endpoints)
{
    return new ChatGPTSignInWizard(std::move(sealer), endpoints, this);
}

void AccountsPage::signInChatGPT()
{
    if (!m_context.store) {
        return;
    }
    ChatGPTSignInWizard *wizard = createChatGPTSignInWizard(sealer(), m_openaiEndpoints);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &ChatGPTSignInWizard::submitted, this, [this, wizard](const store::AccountRecord &r) {
        saveAccount(
            wizard,
            r,
            false,
            [wizard](const QString &text) {
                wizard->showError(tr("Signed in, but the account was not saved: %1").arg(text));
            },
            tr("ChatGPT subscription “%1” added. It is personal: only keys created as the owner's keys use it until "
               "you share it.")
                .arg(r.name));
    });
    wizard->open();
}

bool AccountsPage::withSelectedRecord(std::function<void(Result<store::AccountRecord>)> use)
{
    const QModelIndexList rows = m_accountsTable->selectionModel()->selectedRows();
    const AccountRow *row = rows.isEmpty() ? nullptr : m_model->rowAt(rows.first().row());
    if (!row || !m_context.store) {
        return false;
    }
    m_context.store->runOnStore<store::AccountRecord>(
        this,
        [id = row->id](store::Database &db) -> Result<store::AccountRecord> {
            auto accounts = db.listAccounts();
            if (!accounts) {
                return tl::unexpected(accounts.error());
            }
            for (const store::AccountRecord &a : std::as_const(*accounts)) {
                if (a.id == id) {
                    return a;
                }
            }
            return fail(ErrorCode::NotFound, u"the account was removed meanwhile"_s);
        },
        [this, use = std::move(use)](Result<store::AccountRecord> record) {
            if (!record) {
                showMessage(tr("Cannot read the account: %1").arg(record.error().detail));
                reload();
            }
            use(std::move(record));
        });
    return true;
}

void AccountsPage::editAccount()
{
    withSelectedRecord([this](Result<store::AccountRecord> read) {
        if (!read) {
            return;
        }
        const store::AccountRecord &record = *read;
        if (!providers::accountKindFromType(record.type)) {
            showMessage(tr("Accounts of type “%1” cannot be edited here yet.").arg(record.type));
            return;
        }
        auto *dialog = new AddConsoleAccountDialog(sealer(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->editAccount(record);
        connect(dialog, &AddConsoleAccountDialog::submitted, this, [this, dialog](const store::AccountRecord &r) {
            saveAccount(
                dialog, r, true, [dialog](const QString &text) { dialog->showError(tr("Not saved: %1").arg(text)); });
        });
        dialog->open();
    });
}

void AccountsPage::testConnection()
{
    if (m_testing) {
        return;
    }
    const bool started = withSelectedRecord([this](Result<store::AccountRecord> record) {
        if (!record) {
            m_testing = false;
            updateButtons();
            return;
        }
        facade::testConnection(*record, sealer(), this, [this, name = record->name](Result<QString> result) {
            m_testing = false;
            updateButtons();
            showMessage(result ? tr("“%1”: %2").arg(name, *result)
                               : tr("“%1”: connection test failed: %2").arg(name, result.error().detail));
        });
    });
    if (started) {
        m_testing = true;
        updateButtons();
        showMessage(tr("Testing the connection…"));
    }
}

void AccountsPage::saveAccount(QDialog *dialog,
                               const store::AccountRecord &record,
                               bool update,
                               std::function<void(const QString &)> showError,
                               const QString &savedMessage)
{
    QPointer<QDialog> guard(dialog);
    m_context.store->runOnStore<void>(
        this,
        [record, update](store::Database &db) -> Result<void> {
            if (!update) {
                return db.insertAccount(record);
            }
            if (auto fresh = resealedOverRefreshedTokens(db, record); !fresh) {
                return fresh;
            }
            return db.updateAccount(record);
        },
        [this, guard, showError = std::move(showError), savedMessage](Result<void> ok) {
            if (ok && !savedMessage.isEmpty()) {
                showMessage(savedMessage);
            }
            if (guard) {
                if (ok) {
                    guard->accept();
                } else {
                    showError(ok.error().detail);
                }
            }
            reload();
        });
}

void AccountsPage::removeAccount()
{
    const QModelIndexList rows = m_accountsTable->selectionModel()->selectedRows();
    const AccountRow *row = rows.isEmpty() ? nullptr : m_model->rowAt(rows.first().row());
    if (!row || !m_context.store) {
        return;
    }
    if (!confirm(tr("Remove the account “%1”? Its credentials are deleted; keys bound to it stop working.")
                     .arg(row->name))) {
        return;
    }
    m_context.store->runOnStore<void>(
        this,
        [id = row->id](store::Database &db) -> Result<void> { return db.deleteAccount(id); },
        [this](Result<void> ok) {
            showMessage(ok ? QString() : tr("Not removed: %1").arg(ok.error().detail));
            reload();
        });
}

void AccountsPage::setAccountEnabled(const QString &id, bool enabled)
{
    if (!m_context.store) {
        return;
    }
    m_context.store->runOnStore<void>(
        this,
        [id, enabled](store::Database &db) -> Result<void> {
            if (enabled) {
                // Enabling is the user's "try it again": cooldowns and blocks are forgotten too (as in the CLI).
                if (auto reset = db.resetAccountState(id); !reset) {
                    return reset;
                }
            }
            return db.setAccountEnabled(id, enabled);
        },
        [this](Result<void> ok) {
            showMessage(ok ? QString() : tr("Not changed: %1").arg(ok.error().detail));
            reload();
        });
}

} // namespace rd::ui
