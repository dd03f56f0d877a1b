// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/oauth/claudeoauth.h"
#include "core/oauth/openaioauth.h"
#include "core/providers/console/consoleaccount.h"
#include "core/store/records.h"
#include "core/util/result.h"
#include "ui/pages/page.h"

#include <QTimer>

#include <functional>
#include <memory>

class QDialog;
class QLabel;
class QPushButton;
class QTableView;

namespace rd::secrets {
class Sealer;
}

namespace rd::ui {

class AccountsModel;
class AddConsoleAccountDialog;
class ChatGPTSignInWizard;
class ClaudeSignInWizard;

// Upstream accounts: type, live status, priority, proxy, usage, the enabled switch; add a Console, OpenAI Responses or
// Azure OpenAI account, sign a Claude or ChatGPT subscription in, edit, test the connection of, or remove one. Reads
// and writes go through the StoreClient; refreshed every 5 s while the page is shown, never while hidden.
class AccountsPage : public Page
{
    Q_OBJECT
public:
    explicit AccountsPage(QWidget *parent = nullptr);
    QString title() const override { return tr("Accounts"); }
    void attach(const UiContext &context) override;
    void setActive(bool active) override;
    void reload();

    // The endpoints the sign-in wizard uses (default: config::claudeEndpointsFromEnvironment(), like the CLI).
    void setClaudeEndpoints(oauth::ClaudeOAuthEndpoints endpoints) { m_claudeEndpoints = std::move(endpoints); }
    // The endpoints the ChatGPT wizard uses (default: config::openaiEndpointsFromEnvironment(), like the CLI).
    void setOpenAIEndpoints(oauth::OpenAIOAuthEndpoints endpoints) { m_openaiEndpoints = std::move(endpoints); }

protected:
    // Asks before something is lost (a message box); tests override it to answer without a modal dialog.
    virtual bool confirm(const QString &question);
    // The wizard "Sign in a Claude subscription…" opens; tests return one that captures the browser's URL.
    virtual ClaudeSignInWizard *createSignInWizard(std::shared_ptr<const secrets::Sealer> sealer,
                                                   const oauth::ClaudeOAuthEndpoints &endpoints);
    // The wizard "ChatGPT subscription (Codex)…" opens; tests return one that captures the browser's URL.
    virtual ChatGPTSignInWizard *createChatGPTSignInWizard(std::shared_ptr<const secrets::Sealer> sealer,
                                                           const oauth::OpenAIOAuthEndpoints &endpoints);

private:
    struct Snapshot;
    void apply(Snapshot snapshot);
    void addKeyAccount(providers::AccountKind kind); // Console, OpenAI Responses or Azure OpenAI
    void signIn();
    void signInChatGPT();
    void editAccount();
    void testConnection();
    // Reads the selected account's whole record on the store thread, then calls use() here (unless the page is gone).
    // False (and no call) when nothing is selected.
    bool withSelectedRecord(std::function<void(Result<store::AccountRecord>)> use);
    // Inserts (or updates) on the store thread, then answers the dialog: accept() (and savedMessage on the page) or
    // showError(text).
    void saveAccount(QDialog *dialog,
                     const store::AccountRecord &record,
                     bool update,
                     std::function<void(const QString &)> showError,
                     const QString &savedMessage = {});
    void removeAccount();
    void setAccountEnabled(const QString &id, bool enabled);
    void updateButtons();
    void showMessage(const QString &text, bool loadError = false);
    std::shared_ptr<const secrets::Sealer> sealer() const;

    UiContext m_context;
    AccountsModel *m_model = nullptr;
    QTableView *m_accountsTable = nullptr;
    QPushButton *m_addConsoleButton = nullptr;
    QPushButton *m_addOpenAIButton = nullptr; // a menu: ChatGPT subscription, OpenAI Responses, Azure OpenAI
    QPushButton *m_signInButton = nullptr;
    QPushButton *m_editAccountButton = nullptr;
    QPushButton *m_testConnectionButton = nullptr;
    QPushButton *m_removeButton = nullptr;
    QLabel *m_message = nullptr;
    QTimer m_refreshTimer{this}; // a child (objectName "refreshTimer") so tests can see it run or stop
    bool m_loading = false;
    bool m_reloadAgain = false;
    bool m_messageIsLoadError = false; // a successful reload clears only its own error, not an action's message
    bool m_testing = false;
    oauth::ClaudeOAuthEndpoints m_claudeEndpoints;
    oauth::OpenAIOAuthEndpoints m_openaiEndpoints;
};

} // namespace rd::ui
