// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/policy/keylimits.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace rd::policy {

namespace {

template <typename T>
struct Field
{
    QString name;
    T KeyLimits::*member;
};

const Field<int> kIntFields[] = {{u"concurrency"_s, &KeyLimits::concurrency},
                                 {u"queue_size"_s, &KeyLimits::queueSize},
                                 {u"queue_timeout_ms"_s, &KeyLimits::queueTimeoutMs},
                                 {u"window_minutes"_s, &KeyLimits::windowMinutes}};
const Field<qint64> kCountFields[] = {{u"window_requests"_s, &KeyLimits::windowRequests},
                                      {u"window_tokens"_s, &KeyLimits::windowTokens}};
const Field<double> kCostFields[] = {{u"window_cost_usd"_s, &KeyLimits::windowCostUsd},
                                     {u"daily_cost_usd"_s, &KeyLimits::dailyCostUsd},
                                     {u"weekly_cost_usd"_s, &KeyLimits::weeklyCostUsd},
                                     {u"total_cost_usd"_s, &KeyLimits::totalCostUsd},
                                     {u"weekly_family_cost_usd"_s, &KeyLimits::weeklyFamilyCostUsd}};

} // namespace

bool KeyLimits::isEmpty() const
{
    return concurrency == 0 && !hasWindow() && dailyCostUsd == 0 && weeklyCostUsd == 0 && totalCostUsd == 0
           && weeklyFamilyCostUsd == 0;
}

QJsonObject KeyLimits::toJson() const
{
    QJsonObject json;
    const KeyLimits defaults;
    for (const auto &f : kIntFields) {
        if (this->*f.member != defaults.*f.member) {
            json.insert(f.name, this->*f.member);
        }
    }
    for (const auto &f : kCountFields) {
        if (this->*f.member != 0) {
            json.insert(f.name, this->*f.member);
        }
    }
    for (const auto &f : kCostFields) {
        if (this->*f.member != 0) {
            json.insert(f.name, this->*f.member);
        }
    }
    if (!weeklyFamily.isEmpty()) {
        json.insert(u"weekly_family"_s, QString::fromLatin1(weeklyFamily));
    }
    return json;
}

Result<KeyLimits> KeyLimits::fromJson(const QJsonObject &json)
{
    KeyLimits limits;
    QStringList known{u"weekly_family"_s};
    auto badNumber = [](const QString &name) {
        return fail(ErrorCode::InvalidArgument, u"limit '%1' must be a number ≥ 0"_s.arg(name));
    };
    for (const auto &f : kIntFields) {
        known << f.name;
        if (json.contains(f.name)) {
            const QJsonValue v = json.value(f.name);
            if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 1e9) {
                return badNumber(f.name);
            }
            limits.*f.member = v.toInt();
        }
    }
    for (const auto &f : kCountFields) {
        known << f.name;
        if (json.contains(f.name)) {
            const QJsonValue v = json.value(f.name);
            if (!v.isDouble() || v.toDouble() < 0) {
                return badNumber(f.name);
            }
            limits.*f.member = v.toInteger();
        }
    }
    for (const auto &f : kCostFields) {
        known << f.name;
        if (json.contains(f.name)) {
            const QJsonValue v = json.value(f.name);
            if (!v.isDouble() || v.toDouble() < 0) {
                return badNumber(f.name);
            }
            limits.*f.member = v.toDouble();
        }
    }
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key())) {
            return fail(ErrorCode::InvalidArgument,
                        u"unknown limit '%1' (known: %2)"_s.arg(it.key(), known.join(u", "_s)));
        }
    }
    limits.weeklyFamily = json.value(u"weekly_family"_s).toString().trimmed().toLower().toLatin1();
    if (limits.weeklyFamilyCostUsd > 0 && limits.weeklyFamily.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"a weekly family limit needs a family (e.g. opus)"_s);
    }
    if (limits.queueSize > 0 && limits.concurrency == 0) {
        return fail(ErrorCode::InvalidArgument, u"a waiting queue needs a concurrency limit"_s);
    }
    if (limits.queueTimeoutMs <= 0) {
        limits.queueTimeoutMs = KeyLimits().queueTimeoutMs;
    }
    const bool windowAmounts = limits.windowRequests > 0 || limits.windowTokens > 0 || limits.windowCostUsd > 0;
    if (windowAmounts != (limits.windowMinutes > 0)) {
        return fail(ErrorCode::InvalidArgument,
                    u"a rate window needs both its length in minutes and a request, token or cost limit"_s);
    }
    return limits;
}

Result<KeyLimits> KeyLimits::fromText(const QString &jsonText)
{
    if (jsonText.trimmed().isEmpty()) {
        return KeyLimits();
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(jsonText.toUtf8(), &error);
    if (!doc.isObject()) {
        return fail(ErrorCode::InvalidArgument, u"key limits are not a JSON object: %1"_s.arg(error.errorString()));
    }
    return fromJson(doc.object());
}

} // namespace rd::policy
