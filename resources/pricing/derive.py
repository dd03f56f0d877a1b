#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Derives resources/pricing/model_prices.json (the built-in price table) from a LiteLLM-format price file,
# keeping only what cost computation reads. Usage: resources/pricing/derive.py SOURCE.json > resources/pricing/model_prices.json
import json
import sys

KEEP = (
    "input_cost_per_token", "output_cost_per_token",
    "cache_creation_input_token_cost", "cache_creation_input_token_cost_above_1hr", "cache_read_input_token_cost",
    "input_cost_per_token_above_200k_tokens", "output_cost_per_token_above_200k_tokens",
    "cache_creation_input_token_cost_above_200k_tokens", "cache_read_input_token_cost_above_200k_tokens",
    "input_cost_per_token_priority", "output_cost_per_token_priority", "cache_read_input_token_cost_priority",
    "litellm_provider", "max_input_tokens", "max_output_tokens", "provider_specific_entry",
)

source = json.load(open(sys.argv[1]))
table = {}
for model, entry in sorted(source.items()):
    if not isinstance(entry, dict) or "input_cost_per_token" not in entry:
        continue
    table[model] = {k: entry[k] for k in KEEP if k in entry}
json.dump(table, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
