// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/usage/pricing.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace rd::usage {

namespace {
ModelPrice priceFrom(const QJsonObject &o)
{
    ModelPrice p;
    p.input = o.value(u"input_cost_per_token"_s).toDouble();
    p.output = o.value(u"output_cost_per_token"_s).toDouble();
    // Claude's cache prices when the table lacks them: writes 1.25× (5 min) and 2× (1 h) input, reads 0.1×.
    p.cacheWrite5m = o.value(u"cache_creation_input_token_cost"_s).toDouble(p.input * 1.25);
    p.cacheWrite1h = o.value(u"cache_creation_input_token_cost_above_1hr"_s).toDouble(p.input * 2.0);
    p.cacheRead = o.value(u"cache_read_input_token_cost"_s).toDouble(p.input * 0.1);
    p.inputAbove200k = o.value(u"input_cost_per_token_above_200k_tokens"_s).toDouble();
    p.outputAbove200k = o.value(u"output_cost_per_token_above_200k_tokens"_s).toDouble();
    p.cacheWrite5mAbove200k = o.value(u"cache_creation_input_token_cost_above_200k_tokens"_s).toDouble();
    p.cacheReadAbove200k = o.value(u"cache_read_input_token_cost_above_200k_tokens"_s).toDouble();
    p.fastMultiplier = o.value(u"provider_specific_entry"_s).toObject().value(u"fast"_s).toDouble();
    return p;
}

QByteArray normalized(QByteArray model)
{
    if (model.startsWith("ccr,")) {
        model = model.mid(4);
    }
    model.replace("[1m]", "");
    for (const char *region : {"us.", "eu.", "apac.", "global."}) {
        if (model.startsWith(region)) {
            model = model.mid(qstrlen(region));
            break;
        }
    }
    if (model.startsWith("anthropic.")) {
        model = model.mid(10);
    }
    static const QRegularExpression versionSuffix(u"-v\\d+(:\\d+)?$"_s);
    QString text = QString::fromUtf8(model);
    text.remove(versionSuffix);
    return text.toUtf8();
}

double pick(double above, double normal, bool long_)
{
    return long_ && above > 0 ? above : normal;
}
} // namespace

std::shared_ptr<const PriceTable> PriceTable::builtIn()
{
    static const std::shared_ptr<const PriceTable> table = [] {
        QFile f(u":/pricing/model_prices.json"_s);
        const QByteArray json = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("{}");
        auto parsed = fromJson(json);
        return parsed ? *parsed : std::make_shared<const PriceTable>();
    }();
    return table;
}

Result<std::shared_ptr<const PriceTable>> PriceTable::fromJson(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        return fail(ErrorCode::InvalidConfig, u"the price table is not a JSON object"_s);
    }
    auto table = std::make_shared<PriceTable>();
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QJsonObject entry = it.value().toObject();
        if (!entry.contains(u"input_cost_per_token"_s)) {
            continue;
        }
        const QByteArray id = it.key().toUtf8();
        table->m_prices.insert(id, priceFrom(entry));
        table->m_lower.insert(id.toLower(), id);
    }
    if (table->m_prices.isEmpty()) {
        return fail(ErrorCode::InvalidConfig, u"the price table holds no model prices"_s);
    }
    return std::shared_ptr<const PriceTable>(std::move(table));
}

const ModelPrice *PriceTable::find(const QByteArray &model, QByteArray *matched) const
{
    auto hit = [&](const QByteArray &id) -> const ModelPrice * {
        const auto it = m_prices.constFind(id);
        if (it == m_prices.cend()) {
            return nullptr;
        }
        if (matched) {
            *matched = id;
        }
        return &it.value();
    };
    if (const ModelPrice *p = hit(model)) {
        return p;
    }
    const QByteArray plain = normalized(model);
    if (const ModelPrice *p = hit(plain)) {
        return p;
    }
    const QByteArray lower = plain.toLower();
    if (const auto it = m_lower.constFind(lower); it != m_lower.cend()) {
        return hit(it.value());
    }
    // Containment: the longest table id contained in the model name (e.g. a dated alias), else the reverse.
    QByteArray best;
    for (auto it = m_lower.cbegin(); it != m_lower.cend(); ++it) {
        if (lower.contains(it.key()) && it.key().size() > best.size()) {
            best = it.value();
        }
    }
    return best.isEmpty() ? nullptr : hit(best);
}

Cost PriceTable::cost(const QByteArray &model, const TokenUsage &u, bool fastMode) const
{
    static const ModelPrice fallback{3e-6, 15e-6, 3.75e-6, 6e-6, 0.3e-6, 0, 0, 0, 0, 0};
    Cost out;
    const ModelPrice *price = find(model, &out.pricedAs);
    if (!price) {
        price = &fallback;
        out.estimated = true;
    }
    const qint64 prompt = u.inputTokens + u.cacheCreate5mTokens + u.cacheCreate1hTokens + u.cacheReadTokens;
    const bool longContext = prompt > 200'000;
    out.usd = static_cast<double>(u.inputTokens) * pick(price->inputAbove200k, price->input, longContext)
              + static_cast<double>(u.cacheCreate5mTokens)
                    * pick(price->cacheWrite5mAbove200k, price->cacheWrite5m, longContext)
              + static_cast<double>(u.cacheCreate1hTokens) * price->cacheWrite1h
              + static_cast<double>(u.cacheReadTokens) * pick(price->cacheReadAbove200k, price->cacheRead, longContext)
              + static_cast<double>(u.outputTokens) * pick(price->outputAbove200k, price->output, longContext);
    if (fastMode && price->fastMultiplier > 0) {
        out.usd *= price->fastMultiplier;
    }
    return out;
}

QList<QByteArray> PriceTable::modelIds() const
{
    QList<QByteArray> ids = m_prices.keys();
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace rd::usage
