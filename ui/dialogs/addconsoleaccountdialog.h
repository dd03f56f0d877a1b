// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/providers/console/consoleaccount.h"
#include "core/store/records.h"
#include "core/util/result.h"

#include <QDialog>

#include <memory>
#include <optional>

class QCheckBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace rd::secrets {
class Sealer;
}

namespace rd::ui {

// Adds an API-key account of one of the key-based kinds (what `relaydesk accounts add-console` does for Console):
// Claude Console ("addConsoleDialog"), OpenAI Responses ("addOpenAIResponsesDialog": base URL, key, optional
// User-Agent) or Azure OpenAI ("addAzureDialog": endpoint, deployment, api-version or the v1 API, pricing model).
// Every field is validated by the core validators, OK disabled until valid with the first problem in "errorLabel".
// OK seals the API key and proxy password (AAD = the new account id) and emits submitted(); the page inserts it and
// answers with accept() or showError(). Without a sealer (credentials locked) the dialog only explains that.
// Edit mode (editAccount) prefills an existing account of any kind (subscriptions: settings only): the key and proxy
// password fields may stay empty (the stored credentials stay as they are, byte for byte); what is typed is resealed
// with the rest.
class AddConsoleAccountDialog : public QDialog
{
    Q_OBJECT
public:
    AddConsoleAccountDialog(std::shared_ptr<const secrets::Sealer> sealer,
                            QWidget *parent = nullptr,
                            providers::AccountKind kind = providers::AccountKind::ClaudeConsole);
    void editAccount(const store::AccountRecord &existing); // objectName "editAccountDialog" from then on
    bool isEditing() const { return m_existing.has_value(); }
    providers::AccountKind kind() const { return m_kind; }
    void showError(const QString &message);

signals:
    // Credentials already sealed. In edit mode sealedCredentials is empty when the stored ones stay.
    void submitted(const rd::store::AccountRecord &record);

private:
    [[nodiscard]] Result<store::AccountRecord> record() const; // everything but the credentials
    [[nodiscard]] Result<QByteArray> seal(const QString &accountId) const;
    [[nodiscard]] Result<QByteArray> reseal(const store::AccountRecord &edited) const; // empty = keep the stored ones
    [[nodiscard]] Result<void> checkKindSettings(store::AccountRecord &r) const;       // fills and checks `extra`
    void setKind(providers::AccountKind kind);                                         // labels and visible rows
    void validate();
    void submit();

    std::shared_ptr<const secrets::Sealer> m_sealer;
    std::optional<store::AccountRecord> m_existing; // edit mode
    providers::AccountKind m_kind = providers::AccountKind::ClaudeConsole;
    QFormLayout *m_form = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_apiKey = nullptr;
    QLineEdit *m_deployment = nullptr;   // Azure
    QCheckBox *m_v1Api = nullptr;        // Azure: the v1 API (stored as an empty api-version)
    QLineEdit *m_apiVersion = nullptr;   // Azure
    QLineEdit *m_pricingModel = nullptr; // Azure
    QLineEdit *m_userAgent = nullptr;    // Console and Responses
    QSpinBox *m_priority = nullptr;
    QLineEdit *m_proxyUrl = nullptr;
    QLineEdit *m_proxyPassword = nullptr;
    QLineEdit *m_modelMapping = nullptr;
    QSpinBox *m_maxConcurrency = nullptr;
    QLineEdit *m_group = nullptr;
    QCheckBox *m_dedicated = nullptr;
    QLineEdit *m_cooldowns = nullptr;
    QCheckBox *m_shared = nullptr; // subscriptions (Claude and ChatGPT): the personal-use guardrail's explicit switch
    QLabel *m_sharedWarning = nullptr;
    QLabel *m_errorLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace rd::ui
