// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/addconsoleaccountdialog.h"

#include "core/providers/console/consoleaccount.h"
#include "core/secrets/sealer.h"
#include "core/secrets/secretbytes.h"
#include "ui/dialogs/recordid.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rd::ui {

AddConsoleAccountDialog::AddConsoleAccountDialog(std::shared_ptr<const secrets::Sealer> sealer, QWidget *parent)
    : QDialog(parent)
    , m_sealer(std::move(sealer))
{
    setObjectName(u"addConsoleDialog"_s);
    setWindowTitle(tr("Add Claude Console account"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout();
    m_form = form;
    auto line = [this](const QString &name, const QString &placeholder, bool secret = false) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholder);
        if (secret) {
            edit->setEchoMode(QLineEdit::Password);
        }
        return edit;
    };
    m_name = line(u"name"_s, tr("e.g. team console"));
    m_baseUrl = line(u"baseUrl"_s, QString());
    m_baseUrl->setText(u"https://api.anthropic.com"_s);
    m_apiKey = line(u"apiKey"_s, tr("sk-ant-…"), true);
    m_priority = new QSpinBox(this);
    m_priority->setObjectName(u"priority"_s);
    m_priority->setRange(1, 100);
    m_priority->setValue(50);
    m_priority->setToolTip(tr("Lower numbers are used first."));
    m_proxyUrl = line(u"proxyUrl"_s, tr("optional: socks5://user@host:1080 or http://host:3128"));
    m_proxyPassword = line(u"proxyPassword"_s, tr("optional"), true);
    m_modelMapping =
        line(u"modelMapping"_s, tr("optional JSON, e.g. {\"claude-sonnet-4-5\": \"claude-sonnet-4-5-20250929\"}"));
    m_maxConcurrency = new QSpinBox(this);
    m_maxConcurrency->setObjectName(u"maxConcurrency"_s);
    m_maxConcurrency->setRange(0, 10000);
    m_maxConcurrency->setSpecialValueText(tr("unlimited"));
    m_group = line(u"group"_s, tr("optional: served only to keys bound to this group"));
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Base URL:"), m_baseUrl);
    form->addRow(tr("&API key:"), m_apiKey);
    form->addRow(tr("&Priority:"), m_priority);
    form->addRow(tr("Pro&xy URL:"), m_proxyUrl);
    form->addRow(tr("Proxy pass&word:"), m_proxyPassword);
    form->addRow(tr("&Model mapping:"), m_modelMapping);
    form->addRow(tr("Max &concurrency:"), m_maxConcurrency);
    form->addRow(tr("&Group:"), m_group);
    layout->addLayout(form);
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(u"QLabel { color: #b02a37; }"_s);
    layout->addWidget(m_errorLabel);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(u"buttons"_s);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Add"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &AddConsoleAccountDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &AddConsoleAccountDialog::reject);
    // The typed secrets go as soon as the dialog is done, whatever the outcome.
    connect(this, &QDialog::finished, this, [this] {
        m_apiKey->clear();
        m_proxyPassword->clear();
    });
    for (QLineEdit *edit : {m_name, m_baseUrl, m_apiKey, m_proxyUrl, m_proxyPassword, m_modelMapping, m_group}) {
        connect(edit, &QLineEdit::textChanged, this, &AddConsoleAccountDialog::validate);
    }
    validate();
    m_name->setFocus();
}

void AddConsoleAccountDialog::editAccount(const store::AccountRecord &existing)
{
    m_existing = existing;
    const bool oauth = existing.type == QLatin1String(providers::kClaudeOAuthType);
    setObjectName(u"editAccountDialog"_s);
    setWindowTitle(tr("Edit account “%1”").arg(existing.name));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Save"));
    m_name->setText(existing.name);
    m_baseUrl->setText(existing.baseUrl);
    m_apiKey->setPlaceholderText(tr("leave empty to keep the stored key"));
    m_form->setRowVisible(m_apiKey, !oauth); // a subscription's tokens come from signing in, not from typing
    m_priority->setValue(existing.priority);
    m_proxyUrl->setText(existing.proxyUrl);
    m_proxyPassword->setPlaceholderText(tr("leave empty to keep the stored password"));
    m_modelMapping->setText(existing.modelMapping);
    m_maxConcurrency->setValue(existing.maxConcurrency);
    m_group->setText(existing.groupName);
    validate();
}

Result<store::AccountRecord> AddConsoleAccountDialog::record() const
{
    const bool typedSecret = !m_apiKey->text().isEmpty() || !m_proxyPassword->text().isEmpty();
    if (!m_sealer && (!isEditing() || typedSecret)) {
        return fail(ErrorCode::CryptoFailure,
                    isEditing() ? tr("Account credentials are locked (the data key is not available), so a new key "
                                     "or password cannot be stored; leave both empty to keep the stored ones.")
                                : tr("Account credentials are locked (the data key is not available), so no account "
                                     "can be added."));
    }
    // Edit mode keeps what the dialog does not show (type, flags, sharing, token expiry, …).
    store::AccountRecord r = m_existing.value_or(store::AccountRecord{});
    r.sealedCredentials.clear();
    if (!isEditing()) {
        r.type = QString::fromLatin1(providers::kClaudeConsoleType);
    }
    r.name = m_name->text().trimmed();
    r.baseUrl = m_baseUrl->text().trimmed();
    r.proxyUrl = m_proxyUrl->text().trimmed();
    r.modelMapping = m_modelMapping->text().trimmed();
    r.groupName = m_group->text().trimmed();
    r.priority = m_priority->value();
    r.maxConcurrency = m_maxConcurrency->value();
    if (r.name.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, tr("Enter a name for the account."));
    }
    if (auto ok = providers::validateBaseUrl(r.baseUrl); !ok) {
        return fail(ErrorCode::InvalidArgument, tr("Base URL: %1").arg(ok.error().detail));
    }
    if (!isEditing() && m_apiKey->text().trimmed().isEmpty()) {
        return fail(ErrorCode::InvalidArgument, tr("Enter the account's API key."));
    }
    if (auto ok = providers::validateProxyUrl(r.proxyUrl); !ok) {
        return fail(ErrorCode::InvalidArgument, tr("Proxy URL: %1").arg(ok.error().detail));
    }
    if (!m_proxyPassword->text().isEmpty() && QUrl(r.proxyUrl).userName().isEmpty()) {
        return fail(ErrorCode::InvalidArgument, tr("A proxy password needs a proxy URL with a user name (user@host)."));
    }
    if (auto mapping = providers::parseModelMapping(r.modelMapping); !mapping) {
        return fail(ErrorCode::InvalidArgument, tr("Model mapping: %1").arg(mapping.error().detail));
    }
    return r;
}

Result<QByteArray> AddConsoleAccountDialog::seal(const QString &accountId) const
{
    // Plaintext lives in these arrays only until it is encoded, then they are wiped (the encoding wipes itself).
    QByteArray apiKey = m_apiKey->text().trimmed().toUtf8();
    QByteArray proxyPassword = m_proxyPassword->text().toUtf8();
    Result<SecretBytes> plain = providers::encodeCredentials(apiKey, proxyPassword);
    wipeBytes(apiKey);
    wipeBytes(proxyPassword);
    if (!plain) {
        return tl::unexpected(plain.error());
    }
    return m_sealer->seal(plain->expose(), accountId.toUtf8()); // AAD = the account id, as the CLI does
}

Result<QByteArray> AddConsoleAccountDialog::reseal(const store::AccountRecord &edited) const
{
    QByteArray apiKey = m_apiKey->text().trimmed().toUtf8();
    QByteArray proxyPassword = m_proxyPassword->text().toUtf8();
    const bool proxyHasUser = !QUrl(edited.proxyUrl).userName().isEmpty();
    const auto wipeTyped = qScopeGuard([&] {
        wipeBytes(apiKey);
        wipeBytes(proxyPassword);
    });
    if (apiKey.isEmpty() && proxyPassword.isEmpty() && proxyHasUser) {
        return QByteArray(); // nothing typed: the stored blob stays byte for byte
    }
    if (!m_sealer) {
        return QByteArray(); // locked, nothing typed (record() made sure): a stale proxy password stays
    }
    const QByteArray aad = edited.id.toUtf8();
    Result<SecretBytes> opened = m_sealer->unseal(m_existing->sealedCredentials, aad);
    Result<providers::ConsoleCredentials> old =
        opened ? providers::decodeCredentials(*opened)
               : Result<providers::ConsoleCredentials>(tl::unexpected(opened.error()));
    if (!old) {
        if (apiKey.isEmpty() || edited.type == QLatin1String(providers::kClaudeOAuthType)) {
            // Nothing typed (only a stale proxy password to drop): keep the blob; otherwise say why not.
            return apiKey.isEmpty() && proxyPassword.isEmpty() ? Result<QByteArray>(QByteArray())
                                                               : Result<QByteArray>(tl::unexpected(old.error()));
        }
        old = providers::ConsoleCredentials{}; // a new key replaces what cannot be opened any more
    }
    if (apiKey.isEmpty() && proxyPassword.isEmpty() && old->proxyPassword.isEmpty()) {
        return QByteArray(); // the proxy lost its user, but there was no password to drop
    }
    // A typed password replaces the stored one; a proxy without a user name needs none.
    const QByteArrayView password = !proxyPassword.isEmpty()
                                        ? QByteArrayView(proxyPassword)
                                        : (proxyHasUser ? old->proxyPassword.expose() : QByteArrayView());
    Result<SecretBytes> plain =
        old->oauth
            ? providers::encodeOAuthCredentials(
                old->apiKey.expose(), old->refreshToken.expose(), old->expiresAtMs, password)
            : providers::encodeCredentials(apiKey.isEmpty() ? old->apiKey.expose() : QByteArrayView(apiKey), password);
    if (!plain) {
        return tl::unexpected(plain.error());
    }
    return m_sealer->seal(plain->expose(), aad);
}

void AddConsoleAccountDialog::validate()
{
    const Result<store::AccountRecord> r = record();
    m_errorLabel->setText(r ? QString() : r.error().detail);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(r.has_value());
}

void AddConsoleAccountDialog::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
}

void AddConsoleAccountDialog::submit()
{
    Result<store::AccountRecord> r = record();
    if (!r) {
        validate();
        return;
    }
    if (!isEditing()) {
        r->id = newRecordId(QLatin1String("acc_"));
        r->enabled = true;
        r->schedulable = true;
        r->createdAt = QDateTime::currentDateTimeUtc();
    }
    Result<QByteArray> sealed = isEditing() ? reseal(*r) : seal(r->id);
    if (!sealed) {
        showError(tr("The credentials cannot be sealed: %1").arg(sealed.error().detail));
        return;
    }
    r->sealedCredentials = *sealed;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false); // until the store answers
    emit submitted(*r);
}

} // namespace rd::ui
