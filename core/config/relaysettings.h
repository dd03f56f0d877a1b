// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/policy/limitcalendar.h"
#include "core/util/result.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QString>

namespace rd::config {

// A relay-wide setting, declared once (STYLE.md §7): stored as text in the store's settings table so instances
// sharing a database agree; read only through RelaySettings.
struct SettingSpec
{
    QString key;
    QString defaultValue;
    QString description;
};

const QList<SettingSpec> &settingSpecs();
// The value as it will be stored, or an error naming the setting and what it accepts.
[[nodiscard]] Result<QString> validateSetting(const QString &key, const QString &value);

// Service families a rate multiplier applies to (PROTOCOLS.md §7.9).
const QList<QByteArray> &rateServices();
// "claude=1.2,gemini=0.5" or JSON {"claude":1.2}: every service known, every rate > 0.
[[nodiscard]] Result<QHash<QByteArray, double>> parseServiceRates(const QString &text);
QString serviceRatesJson(const QHash<QByteArray, double> &rates);

struct RelaySettings
{
    policy::LimitCalendar calendar;         // limits.time_zone, limits.weekly_reset_day/hour
    QString priceTableUrl;                  // pricing.table_url; empty = the built-in table only
    int priceRefreshHours = 24;             // pricing.refresh_hours
    QHash<QByteArray, double> serviceRates; // pricing.service_rates: the global rate per service (default 1.0)
    int retentionDays = 90;                 // usage.retention_days: per-request rows; rollups are kept
    QHostAddress listenHost{QHostAddress::LocalHost}; // relay.host, used at start unless --host is given
    quint16 listenPort = 3000;                        // relay.port, likewise
    double globalRate(QByteArrayView service) const { return serviceRates.value(service.toByteArray(), 1.0); }
};

// Stored values that no longer validate fall back to the default (with a warning), so a bad row never stops the relay.
RelaySettings relaySettingsFrom(const QHash<QString, QString> &stored);

} // namespace rd::config
