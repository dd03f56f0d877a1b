#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What the Chat Completions bridge costs (PROTOCOLS.md §3.9): the same Claude answer from the bench mock, relayed
# as is (POST /api/v1/messages) and converted both ways (POST /openai/claude/v1/chat/completions), JSON and SSE.
# Prints the relay's CPU time per request (from /proc, utime + stime) and the load tool's figures, per round.
# Usage: bench/bridges.sh [--build-dir build] [--requests 4000] [--rounds 2]     (needs the relay and bench tools built)
set -uo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$SRC/build
REQUESTS=4000
ROUNDS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD=$2; shift 2 ;;
    --requests) REQUESTS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
RELAY_BIN=$BUILD/app/relaydesk
LOAD=$BUILD/bench/relaydesk-bench-load
MOCK_BIN=$BUILD/bench/relaydesk-bench-mock
for f in "$RELAY_BIN" "$LOAD" "$MOCK_BIN"; do
  [ -x "$f" ] || { echo "missing $f: build the relay and the bench targets first" >&2; exit 2; }
done
TMP=$(mktemp -d)
export RELAYDESK_DATA_DIR=$TMP/data RELAYDESK_KEY_STORE=file
"$MOCK_BIN" --port 0 --events 20 --event-delay-ms 0 > "$TMP/mock.out" &
MOCK=$!
RELAY=
trap 'kill $MOCK $RELAY 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do grep -q LISTENING "$TMP/mock.out" && break; sleep 0.1; done
MPORT=$(awk '/LISTENING/{print $2}' "$TMP/mock.out")
KEY=$("$RELAY_BIN" keys create --name bench 2>/dev/null | grep -o 'cr_[0-9a-f]*' | tail -1)
printf 'sk-ant-bench\n' | "$RELAY_BIN" accounts add-console --name mock --base-url "http://127.0.0.1:$MPORT" >/dev/null 2>&1
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$RELAY_BIN" serve --host 127.0.0.1 --port "$PORT" > "$TMP/relay.out" 2>&1 &
RELAY=$!
for _ in $(seq 100); do grep -q "listening on" "$TMP/relay.out" && break; sleep 0.1; done
TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$RELAY/stat"; }
printf '{"model":"claude-sonnet-4-5-20250929","max_tokens":64,"messages":[{"role":"user","content":"Say hi"}]}' \
  > "$TMP/messages.json"
printf '{"model":"claude-sonnet-4-5-20250929","max_tokens":64,"messages":[{"role":"system","content":"Be brief."},%s' \
  '{"role":"user","content":"Say hi"}]}' > "$TMP/chat.json"
scenario() { # label path body stream(0|1)
  local extra=()
  [ "$4" = 1 ] && extra=(--stream)
  local common=(--url "http://127.0.0.1:$PORT$2" --concurrency 8 --body-file "$3" "${extra[@]}"
    --header "authorization: Bearer $KEY" --header "anthropic-version: 2023-06-01")
  "$LOAD" "${common[@]}" --requests 300 > /dev/null || { echo "$1: warm-up failed" >&2; return; }
  local c0 c1 out
  c0=$(cpu)
  out=$("$LOAD" "${common[@]}" --requests "$REQUESTS" --kv) || echo "$1: some requests failed" >&2
  c1=$(cpu)
  printf '| %s | %.3f | %s | %s |\n' "$1" "$(echo "($c1 - $c0) * 1000 / $TCK / $REQUESTS" | bc -l)" \
    "$(echo "$out" | awk -F= '$1=="rps"{printf "%.0f", $2}')" "$(echo "$out" | awk -F= '$1=="lat_p50"{print $2}')"
}
echo "| scenario (c=8, $REQUESTS requests, 20-event streams) | relay CPU ms/request | req/s | p50 ms |"
echo "|---|---|---|---|"
for _ in $(seq "$ROUNDS"); do
  scenario "Anthropic messages, JSON (passthrough)" /api/v1/messages "$TMP/messages.json" 0
  scenario "Chat → Claude, JSON (converted both ways)" /openai/claude/v1/chat/completions "$TMP/chat.json" 0
  scenario "Anthropic messages, SSE (passthrough)" /api/v1/messages "$TMP/messages.json" 1
  scenario "Chat → Claude, SSE (converted per event)" /openai/claude/v1/chat/completions "$TMP/chat.json" 1
done
