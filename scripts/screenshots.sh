#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders every page of the window, light and dark, offscreen with live data from a real relay, into
# docs/screenshots/<page>-<theme>.png (what the README shows). Builds what is needed first.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
BUILD_TARGET=tst_screenshots BUILD="$BUILD" "$SRC/scripts/build.sh"
exe=$(find "$BUILD" -name tst_screenshots -type f -perm -u+x | head -n 1)
QT_QPA_PLATFORM=offscreen RELAYDESK_TEST_SOURCE_DIR="$SRC" RELAYDESK_SCREENSHOT_DIR="$SRC/docs/screenshots" "$exe"
echo "screenshots written to $SRC/docs/screenshots"
