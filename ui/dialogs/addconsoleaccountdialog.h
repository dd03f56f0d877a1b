// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/records.h"
#include "core/util/result.h"

#include <QDialog>

#include <memory>
#include <optional>

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace rd::secrets {
class Sealer;
}

namespace rd::ui {

// Adds a Claude Console account (what `relaydesk accounts add-console` does): every field validated by the core
// validators, OK disabled until valid with the first problem in "errorLabel". OK seals the API key and proxy password
// (AAD = the new account id) and emits submitted(); the page inserts it and answers with accept() or showError().
// Without a sealer (credentials locked) the dialog only explains that.
// Edit mode (editAccount) prefills an existing Console or subscription account: the key and proxy password fields may
// stay empty (the stored credentials stay as they are, byte for byte); what is typed is resealed with the rest.
class AddConsoleAccountDialog : public QDialog
{
    Q_OBJECT
public:
    AddConsoleAccountDialog(std::shared_ptr<const secrets::Sealer> sealer, QWidget *parent = nullptr);
    void editAccount(const store::AccountRecord &existing); // objectName "editAccountDialog" from then on
    bool isEditing() const { return m_existing.has_value(); }
    void showError(const QString &message);

signals:
    // Credentials already sealed. In edit mode sealedCredentials is empty when the stored ones stay.
    void submitted(const rd::store::AccountRecord &record);

private:
    [[nodiscard]] Result<store::AccountRecord> record() const; // everything but the credentials
    [[nodiscard]] Result<QByteArray> seal(const QString &accountId) const;
    [[nodiscard]] Result<QByteArray> reseal(const store::AccountRecord &edited) const; // empty = keep the stored ones
    void validate();
    void submit();

    std::shared_ptr<const secrets::Sealer> m_sealer;
    std::optional<store::AccountRecord> m_existing; // edit mode
    QFormLayout *m_form = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_apiKey = nullptr;
    QSpinBox *m_priority = nullptr;
    QLineEdit *m_proxyUrl = nullptr;
    QLineEdit *m_proxyPassword = nullptr;
    QLineEdit *m_modelMapping = nullptr;
    QSpinBox *m_maxConcurrency = nullptr;
    QLineEdit *m_group = nullptr;
    QLabel *m_errorLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace rd::ui
