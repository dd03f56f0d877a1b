// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/util/result.h"

#include <QByteArray>
#include <QJsonObject>

namespace rd::policy {

// A key's limits (PROTOCOLS.md §7.6). 0 means "no limit" everywhere. Stored as JSON in api_keys.limits.
struct KeyLimits
{
    int concurrency = 0;         // requests in flight at once
    int queueSize = 0;           // requests that may wait for a slot (0 = refuse at once)
    int queueTimeoutMs = 30'000; // how long one may wait
    int windowMinutes = 0;       // fixed rate window, anchored at its first request
    qint64 windowRequests = 0;   // requests per window
    qint64 windowTokens = 0;     // tokens per window (input + output + cache writes + cache reads)
    double windowCostUsd = 0;    // rated USD per window
    double dailyCostUsd = 0;     // rated USD per day (local midnight in the configured time zone)
    double weeklyCostUsd = 0;    // rated USD per week (configured reset day and hour)
    double totalCostUsd = 0;     // rated USD for the key's whole life
    QByteArray weeklyFamily;     // a model family ("opus", "sonnet", "haiku") with its own weekly limit
    double weeklyFamilyCostUsd = 0;

    bool hasWindow() const
    {
        return windowMinutes > 0 && (windowRequests > 0 || windowTokens > 0 || windowCostUsd > 0);
    }
    bool isEmpty() const;
    QJsonObject toJson() const; // only the limits that are set
    // Unknown fields, negative numbers and a family limit without a family are errors naming the field.
    [[nodiscard]] static Result<KeyLimits> fromJson(const QJsonObject &json);
    [[nodiscard]] static Result<KeyLimits> fromText(const QString &jsonText); // "" = no limits
    bool operator==(const KeyLimits &) const = default;
};

} // namespace rd::policy
