// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/records.h"
#include "core/util/result.h"

#include <QDialog>
#include <QList>
#include <QPair>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace rd::ui {

// Creates or edits a RelayDesk key: every setting, limit, restriction and binding the CLI offers, validated by the
// same core functions. OK stays disabled while a field is wrong (the first problem shows in "errorLabel"); OK emits
// submitted() and the page writes the store, answering with accept() or showError().
class KeyDialog : public QDialog
{
    Q_OBJECT
public:
    // bindingChoices: (value, label) pairs such as ("account:acc_1", "Account: main"); the shared pool is added.
    KeyDialog(const store::ApiKeyRecord &record,
              const QList<QPair<QString, QString>> &bindingChoices,
              bool creating,
              QWidget *parent = nullptr);
    // The record with every field applied, or the first problem.
    [[nodiscard]] Result<store::ApiKeyRecord> record() const;
    void showError(const QString &message);

signals:
    void submitted(const rd::store::ApiKeyRecord &record);

private:
    QWidget *buildGeneral();
    QWidget *buildAccess(const QList<QPair<QString, QString>> &bindingChoices);
    QWidget *buildLimits();
    void load(const store::ApiKeyRecord &record);
    void loadLimits(const QString &json);
    void validate();
    void submit();
    [[nodiscard]] Result<void> applyAccess(store::ApiKeyRecord &r) const;
    [[nodiscard]] Result<void> applyExpiry(store::ApiKeyRecord &r) const;
    [[nodiscard]] Result<void> applyLimits(store::ApiKeyRecord &r) const;
    QString bindingValue() const;
    QLineEdit *addLimitField(const QString &objectName, const QString &field, double scale);

    store::ApiKeyRecord m_original;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_description = nullptr;
    QLineEdit *m_tags = nullptr;
    QLineEdit *m_ownerName = nullptr;
    QCheckBox *m_ownerKey = nullptr;
    QComboBox *m_binding = nullptr;
    QList<QCheckBox *> m_services;
    QList<QCheckBox *> m_clients;
    QLineEdit *m_allowedModels = nullptr;
    QLineEdit *m_deniedModels = nullptr;
    QCheckBox *m_expires = nullptr;
    QDateEdit *m_expiryDate = nullptr;
    QSpinBox *m_activationDays = nullptr;
    struct LimitField
    {
        QLineEdit *edit;
        QString field; // the KeyLimits JSON name
        double scale;  // shown unit → stored unit
    };
    QList<LimitField> m_limits;
    QComboBox *m_weeklyFamily = nullptr;
    QLineEdit *m_rates = nullptr;
    QLabel *m_errorLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace rd::ui
