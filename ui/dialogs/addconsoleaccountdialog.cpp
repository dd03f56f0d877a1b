// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/addconsoleaccountdialog.h"

#include "core/providers/console/consoleaccount.h"
#include "core/secrets/sealer.h"
#include "core/secrets/secretbytes.h"
#include "ui/dialogs/recordid.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rd::ui {

namespace {
using providers::AccountKind;

constexpr auto kAzureDefaultApiVersion = "2025-04-01-preview"; // the Responses API's preview version (PROTOCOLS §3.7)

QString defaultBaseUrl(AccountKind kind)
{
    switch (kind) {
    case AccountKind::OpenAIResponses:
        return u"https://api.openai.com"_s;
    case AccountKind::AzureOpenAI:
        return QString(); // every resource has its own
    default:
        return u"https://api.anthropic.com"_s;
    }
}

bool showsUserAgent(AccountKind kind)
{
    return kind == AccountKind::ClaudeConsole || kind == AccountKind::OpenAIResponses;
}
} // namespace

AddConsoleAccountDialog::AddConsoleAccountDialog(std::shared_ptr<const secrets::Sealer> sealer,
                                                 QWidget *parent,
                                                 providers::AccountKind kind)
    : QDialog(parent)
    , m_sealer(std::move(sealer))
{
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
    m_apiKey = line(u"apiKey"_s, QString(), true);
    m_deployment = line(u"deployment"_s, tr("the deployment's name, e.g. gpt-4o-prod"));
    m_v1Api = new QCheckBox(tr("Use the v1 API (no api-version)"), this);
    m_v1Api->setObjectName(u"v1Api"_s);
    m_apiVersion = line(u"apiVersion"_s, QString());
    m_apiVersion->setText(QString::fromLatin1(kAzureDefaultApiVersion));
    m_pricingModel = line(u"pricingModel"_s, tr("optional: the deployed model for prices, e.g. gpt-4o"));
    m_userAgent = line(u"userAgent"_s, tr("optional: sent instead of the client's User-Agent"));
    m_priority = new QSpinBox(this);
    m_priority->setObjectName(u"priority"_s);
    m_priority->setRange(1, 100);
    m_priority->setValue(50);
    m_priority->setToolTip(tr("Lower numbers are used first."));
    m_proxyUrl = line(u"proxyUrl"_s, tr("optional: socks5://user@host:1080 or http://host:3128"));
    m_proxyPassword = line(u"proxyPassword"_s, tr("optional"), true);
    m_modelMapping = line(u"modelMapping"_s, QString());
    m_maxConcurrency = new QSpinBox(this);
    m_maxConcurrency->setObjectName(u"maxConcurrency"_s);
    m_maxConcurrency->setRange(0, 10000);
    m_maxConcurrency->setSpecialValueText(tr("unlimited"));
    m_group = line(u"group"_s, tr("optional: served only to keys bound to this group"));
    m_dedicated = new QCheckBox(tr("Only for keys bound to this account"), this);
    m_dedicated->setObjectName(u"dedicated"_s);
    m_cooldowns = line(u"cooldowns"_s, tr("optional JSON of seconds, e.g. {\"overloaded\": 30, \"serverError\": 120}"));
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Base URL:"), m_baseUrl);
    form->addRow(tr("&API key:"), m_apiKey);
    form->addRow(tr("&Deployment:"), m_deployment);
    form->addRow(QString(), m_v1Api);
    form->addRow(tr("API &version:"), m_apiVersion);
    form->addRow(tr("Pricing mo&del:"), m_pricingModel);
    form->addRow(tr("&User-Agent:"), m_userAgent);
    form->addRow(tr("&Priority:"), m_priority);
    form->addRow(tr("Pro&xy URL:"), m_proxyUrl);
    form->addRow(tr("Proxy pass&word:"), m_proxyPassword);
    form->addRow(tr("&Model mapping:"), m_modelMapping);
    form->addRow(tr("Max &concurrency:"), m_maxConcurrency);
    form->addRow(tr("&Group:"), m_group);
    form->addRow(QString(), m_dedicated);
    form->addRow(tr("Coo&ldowns:"), m_cooldowns);
    m_shared = new QCheckBox(tr("S&hare with keys that are not the owner's"), this);
    m_shared->setObjectName(u"shared"_s);
    m_sharedWarning = new QLabel(tr("A subscription is personal. Sharing it with other people's keys may break the "
                                    "provider's terms and can get the subscription suspended."),
                                 this);
    m_sharedWarning->setObjectName(u"sharedWarning"_s);
    m_sharedWarning->setWordWrap(true);
    m_sharedWarning->setStyleSheet(u"QLabel { color: #b02a37; }"_s);
    form->addRow(QString(), m_shared);
    form->addRow(QString(), m_sharedWarning);
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
    for (QLineEdit *edit : {m_name,
                            m_baseUrl,
                            m_apiKey,
                            m_deployment,
                            m_apiVersion,
                            m_pricingModel,
                            m_userAgent,
                            m_proxyUrl,
                            m_proxyPassword,
                            m_modelMapping,
                            m_group,
                            m_cooldowns}) {
        connect(edit, &QLineEdit::textChanged, this, &AddConsoleAccountDialog::validate);
    }
    connect(m_shared, &QCheckBox::toggled, this, [this](bool shared) {
        m_form->setRowVisible(m_sharedWarning, shared && m_form->isRowVisible(m_shared));
    });
    connect(m_v1Api, &QCheckBox::toggled, this, [this](bool v1) {
        m_apiVersion->setEnabled(!v1);
        validate();
    });
    setKind(kind);
    m_baseUrl->setText(defaultBaseUrl(kind));
    validate();
    m_name->setFocus();
}

void AddConsoleAccountDialog::setKind(providers::AccountKind kind)
{
    m_kind = kind;
    const bool azure = kind == AccountKind::AzureOpenAI;
    const bool openai = kind == AccountKind::OpenAIResponses || kind == AccountKind::OpenAIOAuth;
    switch (kind) {
    case AccountKind::OpenAIResponses:
        setObjectName(u"addOpenAIResponsesDialog"_s);
        setWindowTitle(tr("Add OpenAI Responses account"));
        m_name->setPlaceholderText(tr("e.g. team OpenAI"));
        m_apiKey->setPlaceholderText(tr("sk-…"));
        break;
    case AccountKind::AzureOpenAI:
        setObjectName(u"addAzureDialog"_s);
        setWindowTitle(tr("Add Azure OpenAI account"));
        m_name->setPlaceholderText(tr("e.g. azure east"));
        m_apiKey->setPlaceholderText(tr("the resource's key (Keys and Endpoint)"));
        break;
    default:
        setObjectName(u"addConsoleDialog"_s);
        setWindowTitle(tr("Add Claude Console account"));
        m_apiKey->setPlaceholderText(tr("sk-ant-…"));
        break;
    }
    m_baseUrl->setPlaceholderText(azure ? tr("https://RESOURCE.openai.azure.com") : QString());
    if (auto *label = qobject_cast<QLabel *>(m_form->labelForField(m_baseUrl))) {
        label->setText(azure ? tr("&Endpoint:") : tr("&Base URL:"));
    }
    m_modelMapping->setPlaceholderText(
        openai  ? tr("optional JSON, e.g. {\"gpt-5\": \"gpt-5-codex\"}")
        : azure ? tr("optional JSON: client model → deployment model, e.g. {\"gpt-4o-mini\": \"gpt-4o\"}")
                : tr("optional JSON, e.g. {\"claude-sonnet-4-5\": \"claude-sonnet-4-5-20250929\"}"));
    for (QWidget *w : std::initializer_list<QWidget *>{m_deployment, m_v1Api, m_apiVersion, m_pricingModel}) {
        m_form->setRowVisible(w, azure);
    }
    m_form->setRowVisible(m_userAgent, showsUserAgent(kind));
    m_form->setRowVisible(m_apiKey, !providers::isOAuthKind(kind)); // tokens come from signing in, not from typing
    // Sharing is a setting of an existing subscription, never of a new account (sign-in always makes it personal).
    m_form->setRowVisible(m_shared, isEditing() && providers::isOAuthKind(kind));
    m_form->setRowVisible(m_sharedWarning, m_form->isRowVisible(m_shared) && m_shared->isChecked());
}

void AddConsoleAccountDialog::editAccount(const store::AccountRecord &existing)
{
    m_existing = existing;
    setKind(providers::accountKindFromType(existing.type).value_or(AccountKind::ClaudeConsole));
    setObjectName(u"editAccountDialog"_s);
    setWindowTitle(tr("Edit account “%1”").arg(existing.name));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Save"));
    m_name->setText(existing.name);
    m_baseUrl->setText(existing.baseUrl);
    m_apiKey->setPlaceholderText(tr("leave empty to keep the stored key"));
    const providers::AccountExtra extra =
        providers::AccountExtra::fromJson(existing.extra).value_or(providers::AccountExtra{});
    m_deployment->setText(extra.azureDeployment);
    m_v1Api->setChecked(m_kind == AccountKind::AzureOpenAI && extra.azureApiVersion.isEmpty());
    if (!extra.azureApiVersion.isEmpty()) {
        m_apiVersion->setText(extra.azureApiVersion);
    }
    m_pricingModel->setText(extra.pricingModel);
    m_userAgent->setText(existing.userAgent);
    m_priority->setValue(existing.priority);
    m_proxyUrl->setText(existing.proxyUrl);
    m_proxyPassword->setPlaceholderText(tr("leave empty to keep the stored password"));
    m_modelMapping->setText(existing.modelMapping);
    m_maxConcurrency->setValue(existing.maxConcurrency);
    m_group->setText(existing.groupName);
    m_dedicated->setChecked(existing.dedicated);
    m_shared->setChecked(existing.sharedWithOthers);
    m_cooldowns->setText(existing.cooldownOverrides);
    validate();
}

Result<void> AddConsoleAccountDialog::checkKindSettings(store::AccountRecord &r) const
{
    const QUrl url(r.baseUrl);
    if (m_kind == AccountKind::OpenAIResponses && url.path().endsWith(u"/responses")) {
        return fail(ErrorCode::InvalidArgument,
                    tr("Base URL: enter the API's base (e.g. https://api.openai.com or …/v1), without /responses."));
    }
    if (m_kind != AccountKind::AzureOpenAI) {
        return {};
    }
    // The relay builds /openai/… itself: a pasted "target URI" would double it.
    if (url.path().contains(u"/openai"_s) || url.hasQuery()) {
        return fail(ErrorCode::InvalidArgument,
                    tr("Endpoint: enter only the resource's address, e.g. https://RESOURCE.openai.azure.com"));
    }
    providers::AccountExtra extra =
        providers::AccountExtra::fromJson(r.extra).value_or(providers::AccountExtra{}); // edit keeps the rest
    extra.azureDeployment = m_deployment->text().trimmed();
    extra.azureApiVersion = m_v1Api->isChecked() ? QString() : m_apiVersion->text().trimmed();
    extra.pricingModel = m_pricingModel->text().trimmed();
    static const QRegularExpression deploymentName(u"^[A-Za-z0-9._-]+$"_s);
    static const QRegularExpression apiVersion(u"^\\d{4}-\\d{2}-\\d{2}(-preview)?$"_s);
    if (extra.azureDeployment.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, tr("Enter the deployment's name."));
    }
    if (!deploymentName.match(extra.azureDeployment).hasMatch()) {
        return fail(ErrorCode::InvalidArgument,
                    tr("Deployment: use only letters, digits, “-”, “_” and “.” (the name shown in Azure AI Foundry)."));
    }
    if (!m_v1Api->isChecked() && !apiVersion.match(extra.azureApiVersion).hasMatch()) {
        return fail(ErrorCode::InvalidArgument,
                    tr("API version: expected a date such as 2024-10-21 or 2025-04-01-preview, or choose the v1 API."));
    }
    r.extra = extra.toJson();
    return {};
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
        r.type = QString::fromLatin1(providers::accountTypeName(m_kind));
    }
    r.name = m_name->text().trimmed();
    r.baseUrl = m_baseUrl->text().trimmed();
    r.proxyUrl = m_proxyUrl->text().trimmed();
    r.modelMapping = m_modelMapping->text().trimmed();
    r.groupName = m_group->text().trimmed();
    r.priority = m_priority->value();
    r.maxConcurrency = m_maxConcurrency->value();
    r.dedicated = m_dedicated->isChecked();
    if (isEditing() && providers::isOAuthKind(m_kind)) {
        r.sharedWithOthers = m_shared->isChecked();
    }
    r.cooldownOverrides = m_cooldowns->text().trimmed();
    if (showsUserAgent(m_kind)) {
        r.userAgent = m_userAgent->text().trimmed();
    }
    if (r.name.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, tr("Enter a name for the account."));
    }
    if (auto ok = providers::validateBaseUrl(r.baseUrl); !ok) {
        return fail(
            ErrorCode::InvalidArgument,
            (m_kind == AccountKind::AzureOpenAI ? tr("Endpoint: %1") : tr("Base URL: %1")).arg(ok.error().detail));
    }
    if (auto ok = checkKindSettings(r); !ok) {
        return tl::unexpected(ok.error());
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
    if (auto cooldowns = providers::parseCooldownOverrides(r.cooldownOverrides); !cooldowns) {
        return fail(ErrorCode::InvalidArgument, tr("Cooldowns: %1").arg(cooldowns.error().detail));
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
        if (apiKey.isEmpty()
            || providers::isOAuthKind(
                providers::accountKindFromType(edited.type).value_or(AccountKind::ClaudeConsole))) {
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
