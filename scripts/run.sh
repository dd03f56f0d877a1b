#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, builds, and starts RelayDesk: the window where a display exists, else headless.
# Data (SQLite) lives in ~/.local/share/RelayDesk unless --data-dir or RELAYDESK_DATA_DIR says otherwise.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
"$SRC/scripts/install-deps.sh"
BUILD=${BUILD:-$SRC/build} "$SRC/scripts/build.sh" >/dev/null
exec "${BUILD:-$SRC/build}/app/relaydesk" "$@"
