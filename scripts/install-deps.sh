#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what RelayDesk needs on Debian 12 (bookworm). Only what is missing is fetched.
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also what the test suite needs (keyring, Xvfb, PostgreSQL, Node.js for the SDK tests)
set -euo pipefail
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(
  build-essential cmake ninja-build pkg-config ccache dpkg-dev file git
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev qtkeychain-qt6-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
  libqt6sql6-sqlite libqt6sql6-psql libqt6svg6 libssl-dev libhttp-parser-dev libsimdjson-dev libexpected-dev
  zlib1g-dev libzstd-dev
  ca-certificates dbus gnome-keyring libsecret-1-0 fonts-dejavu-core fonts-wqy-microhei
)
if [ "$want_test" = 1 ]; then
  packages+=(xvfb xauth x11-utils xdotool trayer postgresql-15 microsocks nodejs npm clang libclang-rt-14-dev procps
    appstream desktop-file-utils)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Node.js that is already on PATH (e.g. from nodesource or nvm) is fine: skip Debian's.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in nodejs|npm) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: these packages are missing; run as root (or with sudo): ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: all dependencies present"
