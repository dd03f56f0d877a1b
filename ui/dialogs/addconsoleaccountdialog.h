// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/records.h"
#include "core/util/result.h"

#include <QDialog>

#include <memory>

class QDialogButtonBox;
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
class AddConsoleAccountDialog : public QDialog
{
    Q_OBJECT
public:
    AddConsoleAccountDialog(std::shared_ptr<const secrets::Sealer> sealer, QWidget *parent = nullptr);
    void showError(const QString &message);

signals:
    void submitted(const rd::store::AccountRecord &record); // credentials already sealed

private:
    [[nodiscard]] Result<store::AccountRecord> record() const; // everything but the credentials
    [[nodiscard]] Result<QByteArray> seal(const QString &accountId) const;
    void validate();
    void submit();

    std::shared_ptr<const secrets::Sealer> m_sealer;
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
