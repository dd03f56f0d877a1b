// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/keydialog.h"

#include "core/auth/apikeys.h"
#include "core/auth/clientrecognition.h"
#include "core/config/relaysettings.h"
#include "core/policy/keylimits.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rd::ui {

namespace {

const QStringList kServices{u"claude"_s, u"openai"_s, u"gemini"_s, u"droid"_s, u"bedrock"_s, u"azure"_s};
const QStringList kClients{u"claude-code"_s, u"codex-cli"_s, u"gemini-cli"_s, u"droid-cli"_s};

// "a,b , c" → "a,b,c", duplicates once (as the CLI stores lists)
QString normalList(const QString &text, bool lower)
{
    QStringList out;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QString item = lower ? part.trimmed().toLower() : part.trimmed();
        if (!item.isEmpty() && !out.contains(item)) {
            out << item;
        }
    }
    return out.join(u',');
}

QStringList split(const QString &list)
{
    return list.split(u',', Qt::SkipEmptyParts);
}

QString checkedIds(const QList<QCheckBox *> &boxes)
{
    QStringList ids;
    for (const QCheckBox *box : boxes) {
        if (box->isChecked()) {
            ids << box->property("id").toString();
        }
    }
    return ids.join(u',');
}

void check(const QList<QCheckBox *> &boxes, const QStringList &ids)
{
    for (QCheckBox *box : boxes) {
        box->setChecked(ids.contains(box->property("id").toString()));
    }
}

} // namespace

KeyDialog::KeyDialog(const store::ApiKeyRecord &record,
                     const QList<QPair<QString, QString>> &bindingChoices,
                     bool creating,
                     QWidget *parent)
    : QDialog(parent)
    , m_original(record)
{
    setObjectName(u"keyDialog"_s);
    setWindowTitle(creating ? tr("Create key") : tr("Edit key “%1”").arg(record.name));
    auto *layout = new QVBoxLayout(this);
    auto *columns = new QHBoxLayout();
    auto *left = new QVBoxLayout();
    left->addWidget(buildGeneral());
    left->addWidget(buildAccess(bindingChoices));
    columns->addLayout(left);
    columns->addWidget(buildLimits(), 0, Qt::AlignTop);
    layout->addLayout(columns);
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(u"QLabel { color: #b02a37; }"_s);
    layout->addWidget(m_errorLabel);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(u"buttons"_s);
    m_buttons->button(QDialogButtonBox::Ok)->setText(creating ? tr("Create") : tr("Save"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &KeyDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &KeyDialog::reject);
    load(record);
    // Every edit re-validates, so OK is enabled exactly when the key could be saved.
    for (QLineEdit *edit : findChildren<QLineEdit *>()) {
        connect(edit, &QLineEdit::textChanged, this, &KeyDialog::validate);
    }
    for (QCheckBox *box : findChildren<QCheckBox *>()) {
        connect(box, &QCheckBox::toggled, this, &KeyDialog::validate);
    }
    connect(m_binding, &QComboBox::currentTextChanged, this, &KeyDialog::validate);
    connect(m_weeklyFamily, &QComboBox::currentIndexChanged, this, &KeyDialog::validate);
    connect(m_activationDays, &QSpinBox::valueChanged, this, &KeyDialog::validate);
    connect(m_expires, &QCheckBox::toggled, m_expiryDate, &QDateEdit::setEnabled);
    validate();
    m_name->setFocus();
}

QWidget *KeyDialog::buildGeneral()
{
    auto *box = new QGroupBox(tr("Key"), this);
    auto *form = new QFormLayout(box);
    auto line = [this](const QString &name, const QString &placeholder) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholder);
        return edit;
    };
    m_name = line(u"name"_s, tr("e.g. laptop"));
    m_description = line(u"description"_s, QString());
    m_tags = line(u"tags"_s, tr("comma-separated"));
    m_ownerName = line(u"ownerName"_s, tr("who the key was handed to"));
    m_ownerKey = new QCheckBox(tr("The owner's own key (may use personal subscriptions)"), this);
    m_ownerKey->setObjectName(u"ownerKey"_s);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Description:"), m_description);
    form->addRow(tr("&Tags:"), m_tags);
    form->addRow(tr("Handed &to:"), m_ownerName);
    form->addRow(QString(), m_ownerKey);
    m_expires = new QCheckBox(tr("&Expires after"), this);
    m_expires->setObjectName(u"expires"_s);
    m_expiryDate = new QDateEdit(QDate::currentDate().addDays(30), this);
    m_expiryDate->setObjectName(u"expiryDate"_s);
    m_expiryDate->setCalendarPopup(true);
    m_expiryDate->setDisplayFormat(u"yyyy-MM-dd"_s);
    m_expiryDate->setEnabled(false);
    form->addRow(m_expires, m_expiryDate);
    m_activationDays = new QSpinBox(this);
    m_activationDays->setObjectName(u"activationDays"_s);
    m_activationDays->setRange(0, 3650);
    m_activationDays->setSpecialValueText(tr("off"));
    m_activationDays->setSuffix(tr(" days after the first use"));
    form->addRow(tr("Or expire:"), m_activationDays);
    return box;
}

QWidget *KeyDialog::buildAccess(const QList<QPair<QString, QString>> &bindingChoices)
{
    auto *box = new QGroupBox(tr("Access"), this);
    auto *form = new QFormLayout(box);
    m_binding = new QComboBox(this);
    m_binding->setObjectName(u"binding"_s);
    m_binding->setEditable(true); // "group:new-team" may be typed before the group has accounts
    m_binding->addItem(tr("Shared pool"), QString());
    for (const auto &[value, label] : bindingChoices) {
        m_binding->addItem(label, value);
    }
    form->addRow(tr("&Binding (Claude):"), m_binding);
    auto boxes = [this](const QStringList &ids, const QString &prefix, QList<QCheckBox *> &into) {
        auto *row = new QWidget(this);
        auto *grid = new QGridLayout(row);
        grid->setContentsMargins(0, 0, 0, 0);
        for (const QString &id : ids) {
            auto *check = new QCheckBox(id, row);
            check->setObjectName(prefix + id);
            check->setProperty("id", id);
            grid->addWidget(check, int(into.size()) / 3, int(into.size()) % 3);
            into << check;
        }
        return row;
    };
    form->addRow(tr("Services (none = all):"), boxes(kServices, u"service_"_s, m_services));
    form->addRow(tr("Clients (none = any):"), boxes(kClients, u"client_"_s, m_clients));
    m_allowedModels = new QLineEdit(this);
    m_allowedModels->setObjectName(u"allowedModels"_s);
    m_allowedModels->setPlaceholderText(tr("every model"));
    m_deniedModels = new QLineEdit(this);
    m_deniedModels->setObjectName(u"deniedModels"_s);
    m_deniedModels->setPlaceholderText(tr("comma-separated"));
    m_rates = new QLineEdit(this);
    m_rates->setObjectName(u"rates"_s);
    m_rates->setPlaceholderText(tr("e.g. claude=1.2,gemini=0.5 (default 1.0)"));
    form->addRow(tr("&Allowed models:"), m_allowedModels);
    form->addRow(tr("De&nied models:"), m_deniedModels);
    form->addRow(tr("&Rate multipliers:"), m_rates);
    return box;
}

QLineEdit *KeyDialog::addLimitField(const QString &objectName, const QString &field, double scale)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(tr("no limit"));
    m_limits.append(LimitField{edit, field, scale});
    return edit;
}

QWidget *KeyDialog::buildLimits()
{
    auto *box = new QGroupBox(tr("Limits (empty or 0 = none)"), this);
    auto *form = new QFormLayout(box);
    form->addRow(tr("&Concurrent requests:"), addLimitField(u"concurrency"_s, u"concurrency"_s, 1));
    form->addRow(tr("&Queue (waiting requests):"), addLimitField(u"queueSize"_s, u"queue_size"_s, 1));
    form->addRow(tr("Queue timeout (s):"), addLimitField(u"queueTimeout"_s, u"queue_timeout_ms"_s, 1000));
    form->addRow(tr("&Window (minutes):"), addLimitField(u"windowMinutes"_s, u"window_minutes"_s, 1));
    form->addRow(tr("Requests per window:"), addLimitField(u"windowRequests"_s, u"window_requests"_s, 1));
    form->addRow(tr("Tokens per window:"), addLimitField(u"windowTokens"_s, u"window_tokens"_s, 1));
    form->addRow(tr("Cost per window (USD):"), addLimitField(u"windowCost"_s, u"window_cost_usd"_s, 1));
    form->addRow(tr("&Daily cost (USD):"), addLimitField(u"dailyCost"_s, u"daily_cost_usd"_s, 1));
    form->addRow(tr("W&eekly cost (USD):"), addLimitField(u"weeklyCost"_s, u"weekly_cost_usd"_s, 1));
    form->addRow(tr("T&otal cost (USD):"), addLimitField(u"totalCost"_s, u"total_cost_usd"_s, 1));
    m_weeklyFamily = new QComboBox(this);
    m_weeklyFamily->setObjectName(u"weeklyFamily"_s);
    m_weeklyFamily->addItem(tr("none"), QString());
    for (const QString &family : {u"opus"_s, u"sonnet"_s, u"haiku"_s}) {
        m_weeklyFamily->addItem(family, family);
    }
    form->addRow(tr("Weekly &family:"), m_weeklyFamily);
    form->addRow(tr("Weekly family cost (USD):"), addLimitField(u"weeklyFamilyCost"_s, u"weekly_family_cost_usd"_s, 1));
    return box;
}

void KeyDialog::load(const store::ApiKeyRecord &r)
{
    m_name->setText(r.name);
    m_description->setText(r.description);
    m_tags->setText(r.tags);
    m_ownerName->setText(r.ownerName);
    m_ownerKey->setChecked(r.isOwner);
    if (const int i = m_binding->findData(r.binding); i >= 0) {
        m_binding->setCurrentIndex(i);
    } else {
        m_binding->setEditText(r.binding);
    }
    check(m_services, split(r.permissions));
    check(m_clients, split(r.allowedClients));
    m_allowedModels->setText(r.allowedModels);
    m_deniedModels->setText(r.deniedModels);
    m_activationDays->setValue(r.activationDays);
    if (r.expiresAtMs > 0 && r.activationDays == 0) {
        // Stored as the start of the day after the chosen one (local time), like the CLI's --expires.
        m_expires->setChecked(true);
        m_expiryDate->setDate(QDateTime::fromMSecsSinceEpoch(r.expiresAtMs).date().addDays(-1));
        m_expiryDate->setEnabled(true);
    }
    if (!r.serviceRates.isEmpty()) {
        QStringList pairs;
        const QJsonObject rates = QJsonDocument::fromJson(r.serviceRates.toUtf8()).object();
        for (auto it = rates.begin(); it != rates.end(); ++it) {
            pairs << u"%1=%2"_s.arg(it.key(), QString::number(it.value().toDouble()));
        }
        m_rates->setText(pairs.join(u','));
    }
    loadLimits(r.limits);
}

void KeyDialog::loadLimits(const QString &json)
{
    const QJsonObject limits = QJsonDocument::fromJson(json.toUtf8()).object();
    for (const LimitField &f : std::as_const(m_limits)) {
        if (limits.contains(f.field)) {
            f.edit->setText(QString::number(limits.value(f.field).toDouble() / f.scale));
        }
    }
    const int family = m_weeklyFamily->findData(limits.value(u"weekly_family"_s).toString());
    m_weeklyFamily->setCurrentIndex(family < 0 ? 0 : family);
}

QString KeyDialog::bindingValue() const
{
    const int i = m_binding->currentIndex();
    if (i >= 0 && m_binding->itemText(i) == m_binding->currentText()) {
        return m_binding->itemData(i).toString();
    }
    return m_binding->currentText().trimmed();
}

Result<store::ApiKeyRecord> KeyDialog::record() const
{
    store::ApiKeyRecord r = m_original;
    r.name = m_name->text().trimmed();
    if (r.name.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, tr("Enter a name for the key."));
    }
    r.description = m_description->text().trimmed();
    r.tags = normalList(m_tags->text(), false);
    r.ownerName = m_ownerName->text().trimmed();
    r.isOwner = m_ownerKey->isChecked();
    for (const Result<void> &step : {applyAccess(r), applyExpiry(r), applyLimits(r)}) {
        if (!step) {
            return tl::unexpected(step.error());
        }
    }
    return r;
}

Result<void> KeyDialog::applyAccess(store::ApiKeyRecord &r) const
{
    const QString binding = bindingValue();
    if (auto ok = auth::validateBinding(binding); !ok) {
        return fail(ErrorCode::InvalidArgument,
                    tr("Binding: use account:<id> or group:<name> (%1)").arg(ok.error().detail));
    }
    r.binding = binding;
    r.permissions = checkedIds(m_services);
    r.allowedClients = checkedIds(m_clients);
    if (auto parsed = auth::parseClientList(r.allowedClients); !parsed) {
        return tl::unexpected(parsed.error());
    }
    r.allowedModels = normalList(m_allowedModels->text(), true);
    r.deniedModels = normalList(m_deniedModels->text(), true);
    r.serviceRates.clear();
    if (!m_rates->text().trimmed().isEmpty()) {
        auto rates = config::parseServiceRates(m_rates->text());
        if (!rates) {
            return fail(ErrorCode::InvalidArgument, tr("Rate multipliers: %1").arg(rates.error().detail));
        }
        r.serviceRates = config::serviceRatesJson(*rates);
    }
    return {};
}

Result<void> KeyDialog::applyExpiry(store::ApiKeyRecord &r) const
{
    const int days = m_activationDays->value();
    if (m_expires->isChecked() && days > 0) {
        return fail(ErrorCode::InvalidArgument, tr("Choose an expiry date or days after the first use, not both."));
    }
    r.activationDays = days;
    if (m_expires->isChecked()) {
        // The key works until the end of the chosen day, as with the CLI's --expires.
        r.expiresAtMs = m_expiryDate->date().addDays(1).startOfDay().toMSecsSinceEpoch();
    } else if (days > 0) {
        r.expiresAtMs = r.activatedAtMs == 0 ? 0 : r.activatedAtMs + qint64(days) * 86'400'000;
    } else {
        r.expiresAtMs = 0;
    }
    return {};
}

Result<void> KeyDialog::applyLimits(store::ApiKeyRecord &r) const
{
    QJsonObject limits;
    for (const LimitField &f : std::as_const(m_limits)) {
        const QString text = f.edit->text().trimmed();
        bool ok = text.isEmpty();
        const double v = ok ? 0 : text.toDouble(&ok);
        if (!ok || v < 0) {
            return fail(ErrorCode::InvalidArgument, tr("Limits: “%1” is not a number ≥ 0.").arg(text));
        }
        if (v > 0) {
            limits.insert(f.field, v * f.scale);
        }
    }
    if (const QString family = m_weeklyFamily->currentData().toString(); !family.isEmpty()) {
        limits.insert(u"weekly_family"_s, family);
    }
    auto parsed = policy::KeyLimits::fromJson(limits);
    if (!parsed) {
        return fail(ErrorCode::InvalidArgument, tr("Limits: %1").arg(parsed.error().detail));
    }
    const QJsonObject normal = parsed->toJson();
    r.limits = normal.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(normal).toJson(QJsonDocument::Compact));
    return {};
}

void KeyDialog::validate()
{
    const Result<store::ApiKeyRecord> r = record();
    m_errorLabel->setText(r ? QString() : r.error().detail);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(r.has_value());
}

void KeyDialog::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
}

void KeyDialog::submit()
{
    const Result<store::ApiKeyRecord> r = record();
    if (!r) {
        validate();
        return;
    }
    // One write at a time: OK comes back with the store's answer (showError) or the dialog closes.
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    emit submitted(*r);
}

} // namespace rd::ui
