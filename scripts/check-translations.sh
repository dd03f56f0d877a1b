#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a catalogue in translations/ is not complete for the current sources: a message still marked unfinished,
# vanished or obsolete in the committed .ts, or a tr() string in ui/ (or app/main.cpp) that the .ts lacks, i.e. one
# added or changed without a translation. lupdate runs on a temporary copy; the committed files are never touched.
# Fix: build the relaydesk_ui_lupdate target (or run the lupdate line below on the .ts), translate, commit.
# Usage: scripts/check-translations.sh [path/to/lupdate]   (CTest passes Qt6::lupdate)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
LUPDATE=${1:-${LUPDATE:-}}
if [ -z "$LUPDATE" ]; then
  for candidate in /usr/lib/qt6/bin/lupdate "$(command -v lupdate6 || true)" "$(command -v lupdate || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      LUPDATE=$candidate
      break
    fi
  done
fi
if [ -z "$LUPDATE" ] || [ ! -x "$LUPDATE" ]; then
  echo "check-translations: lupdate (Qt 6) not found; pass its path as the first argument" >&2
  exit 2
fi

# Prints "context: source" for every message whose translation is unfinished, vanished or obsolete.
incomplete() {
  perl -0777 -ne '
    sub plain { my $s = shift; $s =~ s/&lt;/</g; $s =~ s/&gt;/>/g; $s =~ s/&quot;/"/g; $s =~ s/&apos;/\x27/g;
                $s =~ s/&amp;/&/g; $s =~ s/\n/\\n/g; return $s; }
    while (/<context>\s*<name>(.*?)<\/name>(.*?)<\/context>/sg) {
      my ($context, $body) = ($1, $2);
      while ($body =~ /<message\b[^>]*>(.*?)<\/message>/sg) {
        my $message = $1;
        next unless $message =~ /<translation\b[^>]*\btype="(unfinished|vanished|obsolete)"/;
        my $state = $1;
        my ($source) = $message =~ /<source>(.*?)<\/source>/s;
        printf "  [%s] %s: %s\n", $state, plain($context), plain($source // "");
      }
    }' "$1"
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/relaydesk-i18n.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
status=0
shopt -s nullglob
catalogues=("$SRC"/translations/relaydesk_*.ts)
if [ ${#catalogues[@]} -eq 0 ]; then
  echo "check-translations: no translations/relaydesk_*.ts" >&2
  exit 1
fi
for ts in "${catalogues[@]}"; do
  name=$(basename "$ts")
  committed=$(incomplete "$ts")
  if [ -n "$committed" ]; then
    echo "FAIL $name: the committed catalogue has messages that are not finished:"
    echo "$committed"
    status=1
    continue
  fi
  # Without -no-obsolete: strings gone from the sources show up as vanished, new ones as unfinished.
  cp "$ts" "$WORK/$name"
  (cd "$SRC" && "$LUPDATE" -silent -I "$SRC" -locations none ui app/main.cpp -ts "$WORK/$name") >"$WORK/lupdate.log" 2>&1 || {
    cat "$WORK/lupdate.log" >&2
    echo "FAIL $name: lupdate failed" >&2
    exit 1
  }
  current=$(incomplete "$WORK/$name")
  if [ -n "$current" ]; then
    echo "FAIL $name: the sources and the catalogue differ (unfinished = new or changed tr() string without a" \
         "translation, vanished = no longer in the sources). Update it with the relaydesk_ui_lupdate target, translate," \
         "and commit:"
    echo "$current"
    status=1
    continue
  fi
  echo "ok   $name: $(grep -c '<message' "$ts") messages, all translated"
done
exit $status
