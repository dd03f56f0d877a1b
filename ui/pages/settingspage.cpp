// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/settingspage.h"

#include "core/config/relaysettings.h"
#include "core/facade/storeclient.h"
#include "core/relay/relayservice.h"
#include "ui/appearance.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QSpinBox>
#include <QTimeZone>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace rd::ui {

namespace {
const auto kHost = u"relay.host"_s;
const auto kPort = u"relay.port"_s;
const auto kPriceUrl = u"pricing.table_url"_s;
const auto kRefreshHours = u"pricing.refresh_hours"_s;
const auto kServiceRates = u"pricing.service_rates"_s;
const auto kTimeZone = u"limits.time_zone"_s;
const auto kResetDay = u"limits.weekly_reset_day"_s;
const auto kResetHour = u"limits.weekly_reset_hour"_s;
const auto kRetention = u"usage.retention_days"_s;

QString defaultOf(const QString &key)
{
    for (const config::SettingSpec &spec : config::settingSpecs()) {
        if (spec.key == key) {
            return spec.defaultValue;
        }
    }
    return {};
}

// Beyond loopback = reachable from other computers. An address that does not parse is not judged here: saving
// reports it as invalid.
bool isBeyondLoopback(const QString &host)
{
    const Result<QString> valid = config::validateSetting(kHost, host);
    return valid && !QHostAddress(*valid).isLoopback();
}

// "claude=1.2, gemini=0.5" from the stored JSON, in the order of rateServices().
QString ratesText(const QString &stored)
{
    const QHash<QByteArray, double> rates = config::parseServiceRates(stored).value_or(QHash<QByteArray, double>());
    QStringList parts;
    for (const QByteArray &service : config::rateServices()) {
        if (const auto it = rates.constFind(service); it != rates.cend()) {
            parts << QString::fromLatin1(service) + u'=' + QString::number(*it, 'g', 12);
        }
    }
    return parts.join(u", "_s);
}

struct Change
{
    QString key;
    QString value;
    bool reset = false; // back to the default: the row is removed
};
} // namespace

SettingsPage::SettingsPage(QWidget *parent)
    : Page(parent)
{
    setObjectName(u"settingsPage"_s);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    auto *layout = new QVBoxLayout(content);
    layout->addWidget(buildRelay());
    layout->addWidget(buildDataFolder());
    layout->addWidget(buildPrices());
    layout->addWidget(buildLimits());
    layout->addWidget(buildAppearance());
    layout->addStretch(1);
    scroll->setWidget(content);

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll, 1);
    outer->addWidget(buildSaveRow());
    showError({});
    updateHostWarning();
    updateListenNote();
}

QGroupBox *SettingsPage::buildRelay()
{
    auto *group = new QGroupBox(tr("Relay"));
    auto *form = new QFormLayout(group);
    m_hostEdit = new QLineEdit(group);
    m_hostEdit->setObjectName(u"hostEdit"_s);
    m_hostEdit->setPlaceholderText(u"127.0.0.1"_s);
    connect(m_hostEdit, &QLineEdit::textChanged, this, &SettingsPage::updateHostWarning);
    connect(m_hostEdit, &QLineEdit::textEdited, this, &SettingsPage::markEdited);
    m_portSpin = new QSpinBox(group);
    m_portSpin->setObjectName(u"portSpin"_s);
    m_portSpin->setRange(1, 65535);
    connect(m_portSpin, &QSpinBox::valueChanged, this, &SettingsPage::markEdited);
    m_hostWarning = new QLabel(
        tr("Warning: beyond loopback, other computers on the network can reach the relay. Every request still needs "
           "a RelayDesk key, but traffic is not encrypted."),
        group);
    m_hostWarning->setObjectName(u"hostWarning"_s);
    m_hostWarning->setWordWrap(true);
    m_hostWarning->setStyleSheet(u"color: #c0392b;"_s);
    m_listenNote = new QLabel(group);
    m_listenNote->setObjectName(u"listenNote"_s);
    m_listenNote->setWordWrap(true);
    form->addRow(tr("Listen &address:"), m_hostEdit);
    form->addRow(tr("&Port:"), m_portSpin);
    form->addRow(m_hostWarning);
    form->addRow(m_listenNote);
    return group;
}

QGroupBox *SettingsPage::buildDataFolder()
{
    auto *group = new QGroupBox(tr("Data folder"));
    auto *row = new QHBoxLayout(group);
    m_dataDir = new QLineEdit(group);
    m_dataDir->setObjectName(u"dataDir"_s);
    m_dataDir->setReadOnly(true); // still focusable and selectable from the keyboard
    m_dataDir->setAccessibleName(tr("Data folder"));
    m_openDataDir = new QPushButton(tr("&Open folder"), group);
    m_openDataDir->setObjectName(u"openDataDir"_s);
    m_openDataDir->setEnabled(false);
    connect(m_openDataDir, &QPushButton::clicked, this, [this] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_dataDir->text()));
    });
    row->addWidget(m_dataDir, 1);
    row->addWidget(m_openDataDir);
    return group;
}

QGroupBox *SettingsPage::buildPrices()
{
    auto *group = new QGroupBox(tr("Prices"));
    auto *form = new QFormLayout(group);
    m_priceUrl = new QLineEdit(group);
    m_priceUrl->setObjectName(u"priceUrl"_s);
    m_priceUrl->setPlaceholderText(tr("empty: the built-in table only"));
    connect(m_priceUrl, &QLineEdit::textEdited, this, &SettingsPage::markEdited);
    m_refreshHours = new QSpinBox(group);
    m_refreshHours->setObjectName(u"refreshHours"_s);
    m_refreshHours->setRange(0, 24 * 365);
    m_refreshHours->setSpecialValueText(tr("only at start"));
    m_refreshHours->setSuffix(tr(" h"));
    connect(m_refreshHours, &QSpinBox::valueChanged, this, &SettingsPage::markEdited);
    m_serviceRates = new QLineEdit(group);
    m_serviceRates->setObjectName(u"serviceRates"_s);
    m_serviceRates->setPlaceholderText(u"claude=1.2, gemini=0.8"_s);
    m_serviceRates->setToolTip(tr("Multipliers applied to the cost of each service (default 1.0). Services: %1")
                                   .arg(QString::fromLatin1(config::rateServices().join(", "))));
    connect(m_serviceRates, &QLineEdit::textEdited, this, &SettingsPage::markEdited);
    form->addRow(tr("Price table &URL:"), m_priceUrl);
    form->addRow(tr("&Refresh every:"), m_refreshHours);
    form->addRow(tr("Service &rates:"), m_serviceRates);
    m_priceSource = new QLabel(group);
    m_priceSource->setObjectName(u"priceSource"_s);
    m_priceSource->setWordWrap(true);
    m_priceSource->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Prices in use:"), m_priceSource);
    return group;
}

QGroupBox *SettingsPage::buildLimits()
{
    auto *group = new QGroupBox(tr("Limits and statistics"));
    auto *form = new QFormLayout(group);
    m_timeZone = new QComboBox(group);
    m_timeZone->setObjectName(u"timeZone"_s);
    m_timeZone->setEditable(true); // type to find a zone among hundreds
    m_timeZone->setInsertPolicy(QComboBox::NoInsert);
    m_timeZone->addItem(tr("System (%1)").arg(QString::fromLatin1(QTimeZone::systemTimeZoneId())), QString());
    QList<QByteArray> zones = QTimeZone::availableTimeZoneIds();
    std::sort(zones.begin(), zones.end());
    for (const QByteArray &zone : std::as_const(zones)) {
        m_timeZone->addItem(QString::fromLatin1(zone), QString::fromLatin1(zone));
    }
    connect(m_timeZone, &QComboBox::currentTextChanged, this, &SettingsPage::markEdited);
    m_resetDay = new QComboBox(group);
    m_resetDay->setObjectName(u"resetDay"_s);
    for (int day = 1; day <= 7; ++day) {
        m_resetDay->addItem(QLocale().dayName(day), day);
    }
    connect(m_resetDay, &QComboBox::currentIndexChanged, this, &SettingsPage::markEdited);
    m_resetHour = new QSpinBox(group);
    m_resetHour->setObjectName(u"resetHour"_s);
    m_resetHour->setRange(0, 23);
    m_resetHour->setSuffix(u":00"_s);
    connect(m_resetHour, &QSpinBox::valueChanged, this, &SettingsPage::markEdited);
    m_retentionDays = new QSpinBox(group);
    m_retentionDays->setObjectName(u"retentionDays"_s);
    m_retentionDays->setRange(8, 3650); // weekly limits are rebuilt from the request rows: at least 8 days
    m_retentionDays->setSuffix(tr(" days"));
    connect(m_retentionDays, &QSpinBox::valueChanged, this, &SettingsPage::markEdited);
    form->addRow(tr("&Time zone:"), m_timeZone);
    form->addRow(tr("Weekly limits reset on &day:"), m_resetDay);
    form->addRow(tr("… at &hour:"), m_resetHour);
    form->addRow(tr("&Keep request details for:"), m_retentionDays);
    return group;
}

QGroupBox *SettingsPage::buildAppearance()
{
    auto *group = new QGroupBox(tr("Appearance"));
    auto *form = new QFormLayout(group);
    m_theme = new QComboBox(group);
    m_theme->setObjectName(u"theme"_s);
    m_theme->addItem(tr("Follow system"), u"system"_s);
    m_theme->addItem(tr("Light"), u"light"_s);
    m_theme->addItem(tr("Dark"), u"dark"_s);
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(m_preferences.theme())));
    connect(m_theme, &QComboBox::currentIndexChanged, this, [this] {
        const QString theme = m_theme->currentData().toString();
        m_preferences.setTheme(theme);
        applyTheme(theme);
    });
    m_language = new QComboBox(group);
    m_language->setObjectName(u"language"_s);
    m_language->addItem(tr("Follow system"), QString());
    m_language->addItem(u"English"_s, u"en"_s);
    m_language->addItem(u"简体中文"_s, u"zh_CN"_s);
    m_language->setCurrentIndex(std::max(0, m_language->findData(m_preferences.language())));
    connect(m_language, &QComboBox::currentIndexChanged, this, [this] {
        m_preferences.setLanguage(m_language->currentData().toString());
        showStatus(tr("The language changes when RelayDesk next starts."));
    });
    m_closeToTray = new QCheckBox(tr("&Close to tray: closing the window keeps the relay running"), group);
    m_closeToTray->setObjectName(u"closeToTray"_s);
    m_closeToTray->setChecked(m_preferences.closeToTray());
    connect(m_closeToTray, &QCheckBox::toggled, this, [this](bool on) { m_preferences.setCloseToTray(on); });
    form->addRow(tr("T&heme:"), m_theme);
    form->addRow(tr("&Language:"), m_language);
    form->addRow(m_closeToTray);
    return group;
}

QWidget *SettingsPage::buildSaveRow()
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    m_errorLabel = new QLabel(row);
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(u"color: #c0392b;"_s);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_statusLabel = new QLabel(row);
    m_statusLabel->setObjectName(u"statusLabel"_s);
    m_statusLabel->setWordWrap(true);
    m_saveButton = new QPushButton(tr("&Save"), row);
    m_saveButton->setObjectName(u"saveButton"_s);
    m_saveButton->setShortcut(QKeySequence::Save);
    m_saveButton->setToolTip(tr("Save the relay settings (%1)").arg(QKeySequence(QKeySequence::Save).toString()));
    m_saveButton->setEnabled(false); // until the current values are read
    connect(m_saveButton, &QPushButton::clicked, this, &SettingsPage::save);
    layout->addWidget(m_errorLabel, 1);
    layout->addWidget(m_statusLabel, 1);
    layout->addWidget(m_saveButton);
    return row;
}

void SettingsPage::attach(const UiContext &context)
{
    m_context = context;
    m_dataDir->setText(context.dataDir);
    m_openDataDir->setEnabled(!context.dataDir.isEmpty());
    m_priceSource->setText(context.service ? context.service->priceTableSource() : QString());
    load();
}

void SettingsPage::setActive(bool active)
{
    if (active) {
        m_priceSource->setText(m_context.service ? m_context.service->priceTableSource() : QString());
        load();
    }
}

bool SettingsPage::confirm(const QString &question)
{
    return QMessageBox::question(this, tr("RelayDesk"), question) == QMessageBox::Yes;
}

void SettingsPage::load()
{
    updateListenNote();
    if (!m_context.store) {
        return;
    }
    m_context.store->runOnStore<QHash<QString, QString>>(
        this,
        [](store::Database &db) -> Result<QHash<QString, QString>> { return db.settings(); },
        [this](Result<QHash<QString, QString>> stored) {
            if (!stored) {
                showError(tr("The settings could not be read: %1").arg(stored.error().detail));
                return;
            }
            m_stored = *stored;
            m_loaded = true;
            m_saveButton->setEnabled(!m_busy);
            if (!m_edited) { // a reload never throws away what the user is typing
                showValues(m_stored);
            }
        });
}

QString SettingsPage::effective(const QString &key) const
{
    if (const auto it = m_stored.constFind(key); it != m_stored.cend()) {
        if (const Result<QString> valid = config::validateSetting(key, *it)) {
            return *valid;
        }
    }
    return defaultOf(key);
}

void SettingsPage::showValues(const QHash<QString, QString> &stored)
{
    m_stored = stored;
    const QScopedValueRollback filling(m_filling, true);
    m_hostEdit->setText(effective(kHost));
    m_portSpin->setValue(effective(kPort).toInt());
    m_priceUrl->setText(effective(kPriceUrl));
    m_refreshHours->setValue(effective(kRefreshHours).toInt());
    m_serviceRates->setText(ratesText(effective(kServiceRates)));
    const QString zone = effective(kTimeZone);
    if (const int index = m_timeZone->findData(zone); index >= 0) {
        m_timeZone->setCurrentIndex(index);
    } else {
        m_timeZone->setEditText(zone);
    }
    m_resetDay->setCurrentIndex(std::max(0, m_resetDay->findData(effective(kResetDay).toInt())));
    m_resetHour->setValue(effective(kResetHour).toInt());
    m_retentionDays->setValue(effective(kRetention).toInt());
    m_edited = false;
}

QList<QPair<QString, QString>> SettingsPage::fieldValues() const
{
    // The zone box is editable: a listed entry gives its id ("" for the system's), anything else is taken as typed.
    const QString zoneText = m_timeZone->currentText().trimmed();
    const int zoneIndex = m_timeZone->findText(zoneText);
    const QString zone = zoneIndex >= 0 ? m_timeZone->itemData(zoneIndex).toString() : zoneText;
    return {{kHost, m_hostEdit->text().trimmed()},
            {kPort, QString::number(m_portSpin->value())},
            {kPriceUrl, m_priceUrl->text().trimmed()},
            {kRefreshHours, QString::number(m_refreshHours->value())},
            {kServiceRates, m_serviceRates->text().trimmed()},
            {kTimeZone, zone},
            {kResetDay, QString::number(m_resetDay->currentData().toInt())},
            {kResetHour, QString::number(m_resetHour->value())},
            {kRetention, QString::number(m_retentionDays->value())}};
}

QWidget *SettingsPage::fieldFor(const QString &key) const
{
    const QHash<QString, QWidget *> fields{{kHost, m_hostEdit},
                                           {kPort, m_portSpin},
                                           {kPriceUrl, m_priceUrl},
                                           {kRefreshHours, m_refreshHours},
                                           {kServiceRates, m_serviceRates},
                                           {kTimeZone, m_timeZone},
                                           {kResetDay, m_resetDay},
                                           {kResetHour, m_resetHour},
                                           {kRetention, m_retentionDays}};
    return fields.value(key);
}

void SettingsPage::markEdited()
{
    if (m_filling) {
        return;
    }
    m_edited = true;
    showStatus({});
}

void SettingsPage::updateHostWarning()
{
    m_hostWarning->setVisible(isBeyondLoopback(m_hostEdit->text().trimmed()));
}

void SettingsPage::updateListenNote()
{
    QString note = tr("The relay reads the address and port when it starts: changes apply at the next start "
                      "(--host and --port on the command line win).");
    if (m_context.service) {
        const relay::RelayStatus status = m_context.service->status();
        if (status.listening) {
            note += u' ' + tr("Listening now on %1:%2.").arg(status.address.toString()).arg(status.port);
        }
    }
    m_listenNote->setText(note);
}

void SettingsPage::save()
{
    if (!m_context.store || !m_loaded || m_busy) {
        return;
    }
    showError({});
    showStatus({});
    // Everything is validated before anything is written: a form with one bad field saves nothing.
    QList<Change> changes;
    for (const auto &[key, text] : fieldValues()) {
        const Result<QString> valid = config::validateSetting(key, text);
        if (!valid) {
            showError(tr("Not saved: %1").arg(valid.error().detail));
            if (QWidget *field = fieldFor(key)) {
                field->setFocus(Qt::OtherFocusReason);
            }
            return;
        }
        if (*valid != effective(key)) {
            changes.append({key, *valid, *valid == defaultOf(key)});
        }
    }
    if (changes.isEmpty()) {
        m_edited = false;
        showStatus(tr("Nothing changed."));
        return;
    }
    const bool listenChanged =
        std::any_of(changes.cbegin(), changes.cend(), [](const Change &c) { return c.key == kHost || c.key == kPort; });
    for (const Change &change : std::as_const(changes)) {
        if (change.key == kHost && isBeyondLoopback(change.value)
            && !confirm(tr("Listen on %1? Other computers on the network will be able to reach the relay (each "
                           "request still needs a RelayDesk key). Save this address?")
                            .arg(change.value))) {
            showStatus(tr("Not saved."));
            return;
        }
    }
    m_busy = true;
    m_saveButton->setEnabled(false);
    showStatus(tr("Saving…"));
    m_context.store->runOnStore<QHash<QString, QString>>(
        this,
        [changes](store::Database &db) -> Result<QHash<QString, QString>> {
            for (const Change &change : changes) {
                const Result<void> ok =
                    change.reset ? db.unsetSetting(change.key) : db.setSetting(change.key, change.value);
                if (!ok) {
                    return tl::unexpected(ok.error());
                }
            }
            return db.settings();
        },
        [this, listenChanged](Result<QHash<QString, QString>> stored) {
            m_busy = false;
            m_saveButton->setEnabled(true);
            if (!stored) {
                showStatus({});
                showError(tr("Not saved: %1").arg(stored.error().detail));
                return;
            }
            showValues(*stored); // as stored: "localhost" reads 127.0.0.1, rates in their usual form
            showStatus(listenChanged ? tr("Saved. The new address and port apply when the relay next starts.")
                                     : tr("Saved."));
        });
}

void SettingsPage::showError(const QString &text)
{
    m_errorLabel->setText(text);
    m_errorLabel->setVisible(!text.isEmpty());
}

void SettingsPage::showStatus(const QString &text)
{
    m_statusLabel->setText(text);
}

} // namespace rd::ui
