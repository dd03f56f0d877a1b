// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/usage/tokenusage.h"
#include "core/util/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <memory>

namespace rd::usage {

// USD per token for one model (LiteLLM field names, PROTOCOLS.md §7.9).
struct ModelPrice
{
    double input = 0;
    double output = 0;
    double cacheWrite5m = 0;
    double cacheWrite1h = 0;
    double cacheRead = 0;
    // Prompts over 200,000 tokens (input + cache writes + reads); 0 = same as below.
    double inputAbove200k = 0;
    double outputAbove200k = 0;
    double cacheWrite5mAbove200k = 0;
    double cacheReadAbove200k = 0;
    double fastMultiplier = 0; // provider_specific_entry.fast; 0 = no fast mode
};

struct Cost
{
    double usd = 0;
    bool estimated = false; // the model is not in the table: the documented fallback price was used
    QByteArray pricedAs;    // the table entry used (empty when estimated)
};

// The price table: the built-in copy (resources/pricing/model_prices.json, derived from the LiteLLM data) or a
// refreshed one. Immutable once loaded; shared by every thread.
class PriceTable
{
public:
    static std::shared_ptr<const PriceTable> builtIn();
    [[nodiscard]] static Result<std::shared_ptr<const PriceTable>> fromJson(const QByteArray &json);

    // Exact id, then without "ccr,", "[1m]", a Bedrock region prefix (us./eu./apac./global.), "anthropic." and a
    // "-v1:0"-style suffix, then case-insensitive containment. nullptr when unknown.
    const ModelPrice *find(const QByteArray &model, QByteArray *matched = nullptr) const;
    qsizetype size() const { return m_prices.size(); }
    QList<QByteArray> modelIds() const; // every id in the table, sorted

    // The cost of one answer. Unknown models: $3 / $15 / $3.75 / $0.30 per million (flagged as estimated).
    Cost cost(const QByteArray &model, const TokenUsage &usage, bool fastMode = false) const;

private:
    QHash<QByteArray, ModelPrice> m_prices;
    QHash<QByteArray, QByteArray> m_lower; // lower-case id → id
};

} // namespace rd::usage
