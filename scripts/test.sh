#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, builds, and runs the whole test suite:
#   1. the normal build: unit, integration, e2e (official SDK from npm), ui tests, offscreen
#   2. the keychain tests against a real gnome-keyring inside dbus-run-session
#   3. the same suite built with -fsanitize=address,undefined  (skip with RELAYDESK_SKIP_ASAN=1)
#   4. a short libFuzzer run of the HTTP request parser          (skip with RELAYDESK_SKIP_FUZZ=1)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
"$SRC/scripts/install-deps.sh" --test

export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d /tmp/xdg.XXXXXX)}
chmod 700 "$XDG_RUNTIME_DIR"
TEST_HOME=$(mktemp -d /tmp/relaydesk-home.XXXXXX)
cleanup() { rm -rf "$TEST_HOME"; }
trap cleanup EXIT
export QT_QPA_PLATFORM=offscreen
# No test may reach a real keychain by accident: the keyring stage below sets up its own bus.
export DBUS_SESSION_BUS_ADDRESS=disabled:

# The official SDKs the e2e tests drive, from the npm registry (versions pinned in tests/e2e/package.json).
for pkg in "$SRC/tests/e2e" "$SRC/tests/e2e/claude-code" "$SRC/tests/e2e/codex"; do
  (cd "$pkg" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
done

run_suite() { # $1 = build dir, $2 = label
  local build=$1 label=$2
  echo "== tests ($label)"
  ctest --test-dir "$build" -LE keyring --output-on-failure --no-tests=error -j2 --timeout 600
  echo "== keychain tests ($label): gnome-keyring in dbus-run-session"
  HOME="$TEST_HOME" DBUS_SESSION_BUS_ADDRESS= dbus-run-session -- bash -c '
    eval "$(printf %s relaydesk-ci-keyring | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL RELAYDESK_TEST_KEYRING=1
    exec ctest --test-dir "$0" -L keyring --output-on-failure --no-tests=error --timeout 300' "$build"
}

echo "== build"
BUILD="$BUILD" "$SRC/scripts/build.sh" -DRELAYDESK_WERROR=ON
run_suite "$BUILD" "RelWithDebInfo"

if [ "${RELAYDESK_SKIP_ASAN:-0}" != 1 ]; then
  echo "== build (ASan + UBSan)"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  BUILD="$BUILD-asan" BUILD_TYPE=Debug "$SRC/scripts/build.sh" -DRELAYDESK_ASAN=ON -DRELAYDESK_BUILD_BENCH=OFF -DRELAYDESK_WITH_UI=OFF
  run_suite "$BUILD-asan" "ASan+UBSan"
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi

if [ "${RELAYDESK_SKIP_FUZZ:-0}" != 1 ] && [ -d "$SRC/tests/fuzz" ]; then
  echo "== fuzz (libFuzzer, request parser)"
  BUILD="$BUILD-fuzz" BUILD_TARGET=fuzz_requestparser CXX=clang++ "$SRC/scripts/build.sh" -DRELAYDESK_FUZZ=ON -DRELAYDESK_WITH_UI=OFF \
    -DRELAYDESK_BUILD_BENCH=OFF -DRELAYDESK_BUILD_TESTS=ON
  # libFuzzer writes new inputs into the first directory: a scratch one, so the seed corpus in git stays as is.
  FUZZ_WORK=$(mktemp -d /tmp/relaydesk-fuzz.XXXXXX)
  "$BUILD-fuzz/tests/fuzz/fuzz_requestparser" -max_total_time=${RELAYDESK_FUZZ_SECONDS:-30} -max_len=8192 \
    "$FUZZ_WORK" "$SRC/tests/fuzz/corpus" 2>&1 | tail -3
  rm -rf "$FUZZ_WORK"
fi
echo "== all test stages passed"
