// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/config/relaysettings.h"

#include "core/util/logging.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace rd::config {

namespace {

Result<QString> integerIn(const QString &key, const QString &value, int low, int high)
{
    bool ok = false;
    const int n = value.trimmed().toInt(&ok);
    if (!ok || n < low || n > high) {
        return fail(ErrorCode::InvalidArgument,
                    u"%1 must be a whole number from %2 to %3"_s.arg(key).arg(low).arg(high));
    }
    return QString::number(n);
}

} // namespace

const QList<SettingSpec> &settingSpecs()
{
    static const QList<SettingSpec> specs{
        {u"limits.time_zone"_s,
         QString(),
         u"IANA time zone for daily/weekly limits and day/month statistics; empty = the system's"_s},
        {u"limits.weekly_reset_day"_s, u"1"_s, u"day weekly cost limits reset: 1 = Monday … 7 = Sunday"_s},
        {u"limits.weekly_reset_hour"_s, u"0"_s, u"hour (0–23, in limits.time_zone) weekly cost limits reset"_s},
        {u"pricing.table_url"_s,
         QString(),
         u"URL of a LiteLLM-format price table to refresh from; empty = built-in only"_s},
        {u"pricing.refresh_hours"_s, u"24"_s, u"hours between price table refreshes (0 = only at start)"_s},
        {u"pricing.service_rates"_s, QString(), u"global rate multipliers, e.g. claude=1.2,gemini=0.8 (default 1.0)"_s},
        {u"usage.retention_days"_s, u"90"_s, u"days per-request usage rows are kept (8–3650); rollups are kept"_s},
        {u"relay.host"_s,
         u"127.0.0.1"_s,
         u"address the relay listens on (at start; --host wins); beyond loopback = the LAN"_s},
        {u"relay.port"_s, u"3000"_s, u"port the relay listens on (at start; --port wins)"_s},
    };
    return specs;
}

const QList<QByteArray> &rateServices()
{
    static const QList<QByteArray> services{"claude", "codex", "gemini", "droid", "bedrock", "azure", "ccr"};
    return services;
}

Result<QHash<QByteArray, double>> parseServiceRates(const QString &text)
{
    QHash<QByteArray, double> rates;
    const QString trimmed = text.trimmed();
    QList<QPair<QString, QString>> pairs;
    if (trimmed.startsWith(u'{')) {
        const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8());
        if (!doc.isObject()) {
            return fail(ErrorCode::InvalidArgument, u"service rates are not a JSON object"_s);
        }
        const QJsonObject object = doc.object();
        for (auto it = object.begin(); it != object.end(); ++it) {
            pairs.append({it.key(), it.value().isDouble() ? QString::number(it.value().toDouble(), 'g', 17) : u"x"_s});
        }
    } else {
        for (const QString &part : trimmed.split(u',', Qt::SkipEmptyParts)) {
            const qsizetype eq = part.indexOf(u'=');
            pairs.append({part.left(eq).trimmed(), eq < 0 ? QString() : part.mid(eq + 1).trimmed()});
        }
    }
    for (const auto &[name, number] : std::as_const(pairs)) {
        const QByteArray service = name.toLower().toLatin1();
        if (!rateServices().contains(service)) {
            return fail(ErrorCode::InvalidArgument,
                        u"unknown service '%1' in rates (known: %2)"_s.arg(
                            name, QString::fromLatin1(rateServices().join(", "))));
        }
        bool ok = false;
        const double rate = number.toDouble(&ok);
        if (!ok || rate <= 0 || rate > 1000) {
            return fail(ErrorCode::InvalidArgument, u"the rate for '%1' must be a number > 0, e.g. %1=1.5"_s.arg(name));
        }
        rates.insert(service, rate);
    }
    return rates;
}

QString serviceRatesJson(const QHash<QByteArray, double> &rates)
{
    if (rates.isEmpty()) {
        return {};
    }
    QJsonObject object;
    for (auto it = rates.cbegin(); it != rates.cend(); ++it) {
        object.insert(QString::fromLatin1(it.key()), it.value());
    }
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

Result<QString> validateSetting(const QString &key, const QString &value)
{
    const QString v = value.trimmed();
    if (key == u"limits.time_zone") {
        if (!v.isEmpty() && !QTimeZone(v.toLatin1()).isValid()) {
            return fail(ErrorCode::InvalidArgument,
                        u"unknown time zone '%1' (use an IANA id such as Europe/Berlin)"_s.arg(v));
        }
        return v;
    }
    if (key == u"limits.weekly_reset_day") {
        return integerIn(key, v, 1, 7);
    }
    if (key == u"limits.weekly_reset_hour") {
        return integerIn(key, v, 0, 23);
    }
    if (key == u"pricing.table_url") {
        const QUrl url(v, QUrl::StrictMode);
        if (!v.isEmpty()
            && (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http") || url.host().isEmpty())) {
            return fail(ErrorCode::InvalidArgument, u"pricing.table_url must be an http(s) URL"_s);
        }
        return v;
    }
    if (key == u"pricing.refresh_hours") {
        return integerIn(key, v, 0, 24 * 365);
    }
    if (key == u"pricing.service_rates") {
        auto rates = parseServiceRates(v);
        if (!rates) {
            return tl::unexpected(rates.error());
        }
        return serviceRatesJson(*rates);
    }
    if (key == u"relay.host") {
        QHostAddress address;
        if (v == u"localhost"_s) {
            return u"127.0.0.1"_s;
        }
        if (!address.setAddress(v)) {
            return fail(ErrorCode::InvalidArgument, u"relay.host must be an IP address such as 127.0.0.1 or 0.0.0.0"_s);
        }
        return address.toString();
    }
    if (key == u"relay.port") {
        return integerIn(key, v, 1, 65535);
    }
    if (key == u"usage.retention_days") {
        // Weekly limits are rebuilt from the request rows at start: keep at least a week and a day.
        return integerIn(key, v, 8, 3650);
    }
    QStringList keys;
    for (const SettingSpec &s : settingSpecs()) {
        keys << s.key;
    }
    return fail(ErrorCode::InvalidArgument, u"unknown setting '%1' (known: %2)"_s.arg(key, keys.join(u", "_s)));
}

RelaySettings relaySettingsFrom(const QHash<QString, QString> &stored)
{
    QHash<QString, QString> values;
    for (const SettingSpec &spec : settingSpecs()) {
        QString value = spec.defaultValue;
        const auto it = stored.constFind(spec.key);
        if (it != stored.cend()) {
            if (auto valid = validateSetting(spec.key, *it)) {
                value = *valid;
            } else {
                qCWarning(lcConfig) << "setting" << spec.key << "ignored:" << valid.error().detail;
            }
        }
        values.insert(spec.key, value);
    }
    RelaySettings settings;
    const QString zone = values.value(u"limits.time_zone"_s);
    settings.calendar = policy::LimitCalendar(zone.isEmpty() ? QTimeZone::systemTimeZone() : QTimeZone(zone.toLatin1()),
                                              values.value(u"limits.weekly_reset_day"_s).toInt(),
                                              values.value(u"limits.weekly_reset_hour"_s).toInt());
    settings.priceTableUrl = values.value(u"pricing.table_url"_s);
    settings.priceRefreshHours = values.value(u"pricing.refresh_hours"_s).toInt();
    settings.serviceRates =
        parseServiceRates(values.value(u"pricing.service_rates"_s)).value_or(QHash<QByteArray, double>());
    settings.retentionDays = values.value(u"usage.retention_days"_s).toInt();
    settings.listenHost = QHostAddress(values.value(u"relay.host"_s));
    settings.listenPort = quint16(values.value(u"relay.port"_s).toInt());
    return settings;
}

} // namespace rd::config
