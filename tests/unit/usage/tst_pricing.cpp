// SPDX-License-Identifier: GPL-3.0-or-later
// Costs computed by hand from the built-in table (resources/pricing/model_prices.json, USD per token).
#include "core/usage/pricing.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::usage::PriceTable;
using rd::usage::TokenUsage;

namespace {
TokenUsage tokens(qint64 input, qint64 output, qint64 write5m = 0, qint64 write1h = 0, qint64 read = 0)
{
    TokenUsage u;
    u.inputTokens = input;
    u.outputTokens = output;
    u.cacheCreate5mTokens = write5m;
    u.cacheCreate1hTokens = write1h;
    u.cacheReadTokens = read;
    u.seen = true;
    return u;
}

// As the OpenAI scanners report it: cached ⊂ input and reasoning ⊂ output (PROTOCOLS.md §7.8).
TokenUsage openAI(qint64 input, qint64 cached, qint64 output, qint64 reasoning)
{
    TokenUsage u = tokens(input - cached, output, 0, 0, cached);
    u.reasoningTokens = reasoning;
    return u;
}
} // namespace

Q_DECLARE_METATYPE(TokenUsage)

class TestPricing : public QObject
{
    Q_OBJECT
private slots:
    void costsByHand_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<TokenUsage>("usage");
        QTest::addColumn<bool>("fast");
        QTest::addColumn<double>("usd");
        // PROTOCOLS.md §7.9: $3 / $15 / $3.75 (5m) / $6 (1h) / $0.30 per million.
        QTest::newRow("the protocol's example")
            << "claude-sonnet-4-5-20250929"_ba << tokens(1000, 500, 0, 2000, 50000) << false << 0.0375;
        QTest::newRow("5-minute cache writes")
            << "claude-sonnet-4-5-20250929"_ba << tokens(0, 0, 10000) << false << 0.0375;
        QTest::newRow("1-hour cache writes")
            << "claude-sonnet-4-5-20250929"_ba << tokens(0, 0, 0, 10000) << false << 0.06;
        // claude-opus-4-6: $5 in, $25 out; fast mode ×6.
        QTest::newRow("opus 4.6") << "claude-opus-4-6"_ba << tokens(1000, 1000) << false << 0.03;
        QTest::newRow("opus 4.6 fast mode") << "claude-opus-4-6"_ba << tokens(1000, 1000) << true << 0.18;
        // gemini-2.5-pro: $1.25 / $10 up to 200k prompt tokens, $2.5 / $15 beyond.
        QTest::newRow("below 200k") << "gemini-2.5-pro"_ba << tokens(200000, 1000) << false << 0.26;
        QTest::newRow("above 200k") << "gemini-2.5-pro"_ba << tokens(200001, 1000) << false << 0.5150025;
        // OpenAI: (input − cached) × input + cached × cache read + output × output; reasoning is inside output.
        // gpt-5.1 and its codex models: $1.25 / $0.125 (cached) / $10 per million.
        QTest::newRow("gpt-5.1, cached and reasoning")
            << "gpt-5.1"_ba << openAI(900, 768, 120, 64) << false << 0.001461;
        QTest::newRow("gpt-5.1-codex") << "gpt-5.1-codex"_ba << openAI(900, 768, 120, 64) << false << 0.001461;
        QTest::newRow("gpt-5.1-codex-max") << "gpt-5.1-codex-max"_ba << openAI(900, 768, 120, 0) << false << 0.001461;
        // gpt-5.2-codex: $1.75 / $0.175 / $14 per million.
        QTest::newRow("gpt-5.2-codex") << "gpt-5.2-codex"_ba << openAI(10000, 8000, 1000, 500) << false << 0.0189;
        // gpt-4o: $2.50 / $1.25 (cached) / $10 per million; an Azure deployment's provider-prefixed name.
        QTest::newRow("gpt-4o, cached") << "gpt-4o"_ba << openAI(1500, 1280, 2, 0) << false << 0.00217;
        QTest::newRow("azure/gpt-4o") << "azure/gpt-4o"_ba << openAI(1500, 1280, 2, 0) << false << 0.00217;
        QTest::newRow("Azure dated model") << "gpt-4o-2024-11-20"_ba << openAI(1500, 1280, 2, 0) << false << 0.00217;
        QTest::newRow("unknown model, fallback price") << "my-own-model"_ba << tokens(1000000, 0) << false << 3.0;
    }
    void costsByHand()
    {
        QFETCH(QByteArray, model);
        QFETCH(TokenUsage, usage);
        QFETCH(bool, fast);
        QFETCH(double, usd);
        const auto cost = PriceTable::builtIn()->cost(model, usage, fast);
        QVERIFY2(qAbs(cost.usd - usd) < 1e-9, qPrintable(QString::number(cost.usd, 'g', 12)));
        QCOMPARE(cost.estimated, model == "my-own-model");
    }

    void findsModelsUnderTheirOtherNames_data()
    {
        QTest::addColumn<QByteArray>("asked");
        QTest::addColumn<QByteArray>("priced");
        QTest::newRow("exact") << "claude-sonnet-4-5-20250929"_ba
                               << "claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("ccr prefix") << "ccr,claude-sonnet-4-5-20250929"_ba
                                    << "claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("1m suffix") << "claude-sonnet-4-5-20250929[1m]"_ba
                                   << "claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("bedrock id") << "us.anthropic.claude-sonnet-4-5-20250929-v1:0"_ba
                                    << "claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("case") << "Claude-Sonnet-4-5-20250929"_ba
                              << "claude-sonnet-4-5-20250929"_ba;
        QTest::newRow("gpt-5.1") << "gpt-5.1"_ba
                                 << "gpt-5.1"_ba;
        QTest::newRow("gpt-5.1-codex, not gpt-5.1") << "gpt-5.1-codex"_ba
                                                    << "gpt-5.1-codex"_ba;
        QTest::newRow("gpt-5-codex, not gpt-5") << "gpt-5-codex"_ba
                                                << "gpt-5-codex"_ba;
        QTest::newRow("codex, any case") << "GPT-5.1-Codex"_ba
                                         << "gpt-5.1-codex"_ba;
        QTest::newRow("dated codex alias") << "gpt-5.1-codex-2025-11-13"_ba
                                           << "gpt-5.1-codex"_ba;
        QTest::newRow("azure/gpt-4o") << "azure/gpt-4o"_ba
                                      << "gpt-4o"_ba;
        QTest::newRow("azure/gpt-4o-mini") << "azure/gpt-4o-mini"_ba
                                           << "gpt-4o-mini"_ba;
        QTest::newRow("openai/ prefix") << "openai/gpt-5.2"_ba
                                        << "gpt-5.2"_ba;
        QTest::newRow("unknown") << "nothing-like-it"_ba << QByteArray();
    }
    void findsModelsUnderTheirOtherNames()
    {
        QFETCH(QByteArray, asked);
        QFETCH(QByteArray, priced);
        QByteArray matched;
        const auto *price = PriceTable::builtIn()->find(asked, &matched);
        QCOMPARE(price != nullptr, !priced.isEmpty());
        QCOMPARE(matched, priced);
    }

    void refusesATableWithoutPrices()
    {
        QVERIFY(!PriceTable::fromJson("[]").has_value());
        QVERIFY(!PriceTable::fromJson("{\"x\":{\"mode\":\"chat\"}}").has_value());
        const auto table =
            PriceTable::fromJson("{\"m\":{\"input_cost_per_token\":1e-6,\"output_cost_per_token\":2e-6}}");
        QVERIFY(table.has_value());
        // Missing cache prices follow the Claude ratios: 1.25× / 2× / 0.1× input.
        const auto cost = (*table)->cost("m", tokens(0, 0, 1000000, 1000000, 1000000));
        QVERIFY(qAbs(cost.usd - (1.25 + 2.0 + 0.1)) < 1e-9);
        QVERIFY(PriceTable::builtIn()->size() > 200);
    }
};

QTEST_GUILESS_MAIN(TestPricing)
#include "tst_pricing.moc"
