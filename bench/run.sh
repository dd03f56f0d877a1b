#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# RelayDesk benchmark driver: relay vs. direct-to-upstream on loopback (see bench/README.md).
#   bench/run.sh [--relay PATH_TO_relaydesk] [--quick] [--build-dir DIR] [--rounds N] [--key-args "ARGS"]
# Without a relay binary (default: <build-dir>/app/relaydesk) only the direct numbers are measured.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=build
RELAY=""
RELAY_GIVEN=0
QUICK=0
ROUNDS=2
KEY_ARGS=()

usage() {
    sed -n '3,5p' "$0" | sed 's/^# \{0,1\}//'
    echo "  --quick      fewer requests (smoke run, < 1 minute)"
    echo "  --rounds N   runs per scenario and side, interleaved relay/direct (default 2)"
    echo "  --key-args \"ARGS\"  extra 'relaydesk keys create' options for the bench key, e.g. limits"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
    --relay)
        RELAY=$2
        RELAY_GIVEN=1
        shift 2
        ;;
    --quick)
        QUICK=1
        shift
        ;;
    --build-dir)
        BUILD_DIR=$2
        shift 2
        ;;
    --rounds)
        ROUNDS=$2
        shift 2
        ;;
    --key-args)
        read -r -a KEY_ARGS <<<"$2"
        shift 2
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        echo "run.sh: unknown option $1" >&2
        usage >&2
        exit 2
        ;;
    esac
done

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || {
    echo "run.sh: --rounds wants a positive number" >&2
    exit 2
}
cd "$ROOT"
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
[[ -n $RELAY ]] || RELAY=$BUILD_DIR/app/relaydesk

log() { echo "[bench] $*" >&2; }
die() {
    echo "[bench] error: $*" >&2
    exit 1
}

# ---------------------------------------------------------------- build the tools (the normal CMake build)
if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
    log "configuring $BUILD_DIR"
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja "${launcher[@]}" -DRELAYDESK_BUILD_TESTS=OFF -DRELAYDESK_WITH_UI=OFF >/dev/null
fi
log "building relaydesk-bench-mock and relaydesk-bench-load"
cmake --build "$BUILD_DIR" --target relaydesk-bench-mock relaydesk-bench-load >/dev/null || die "build failed"
MOCK=$BUILD_DIR/bench/relaydesk-bench-mock
LOAD=$BUILD_DIR/bench/relaydesk-bench-load

HAVE_RELAY=0
if [[ -x $RELAY ]]; then
    HAVE_RELAY=1
elif [[ $RELAY_GIVEN == 1 ]]; then
    die "--relay $RELAY: not an executable"
fi

# ---------------------------------------------------------------- processes and cleanup
STAMP=$(date -u +%Y%m%d-%H%M%S)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/relaydesk-bench.XXXXXX")
PIDS=()
# stop_pid PID: SIGTERM, up to 5 s grace, then SIGKILL; reaps it
stop_pid() {
    local i
    kill "$1" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    local pid f
    for f in "$WORK"/relay*.err; do
        [[ -s $f ]] || continue
        mkdir -p "$ROOT/bench/out"
        cp "$f" "$ROOT/bench/out/$(basename "$f" .err)-$STAMP.log"
    done
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        stop_pid "$pid"
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_mock NAME ARGS... -> sets MOCK_PORT, MOCK_PID
start_mock() {
    local name=$1
    shift
    : >"$WORK/$name.out"
    "$MOCK" --port 0 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" & # $! is the mock itself
    MOCK_PID=$!
    PIDS+=("$MOCK_PID")
    MOCK_PORT=""
    local i
    for ((i = 0; i < 100; i++)); do
        MOCK_PORT=$(sed -n 's/^LISTENING \([0-9]*\)$/\1/p' "$WORK/$name.out")
        [[ -n $MOCK_PORT ]] && return 0
        kill -0 "$MOCK_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$WORK/$name.err" >&2
    die "mock $name did not start"
}

free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

relay_env() { env RELAYDESK_DATA_DIR="$1" RELAYDESK_KEY_STORE=file "${@:2}"; }

# start_relay NAME BASE_URL [--ca-file F] -> sets RELAY_PORT, RELAY_PID, RELAY_KEY
start_relay() {
    local name=$1 base=$2
    shift 2
    local data=$WORK/$name-data
    mkdir -p "$data"
    relay_env "$data" "$RELAY" keys create --name bench "${KEY_ARGS[@]}" >"$WORK/$name-key.out" 2>"$WORK/$name-key.err" \
        || { cat "$WORK/$name-key.err" >&2; die "relaydesk keys create failed"; }
    RELAY_KEY=$(tail -n 1 "$WORK/$name-key.out" | tr -d '[:space:]')
    [[ $RELAY_KEY =~ ^cr_[0-9a-f]{64}$ ]] || die "relaydesk keys create: last line is not a cr_ key"
    printf '%s' "sk-ant-bench" | relay_env "$data" "$RELAY" accounts add-console --name mock --base-url "$base" "$@" \
        >"$WORK/$name-account.out" 2>&1 || { cat "$WORK/$name-account.out" >&2; die "relaydesk accounts add-console failed"; }
    RELAY_PORT=$(free_port)
    : >"$WORK/$name.out"
    : >"$WORK/$name.err"
    # a plain command (not a function) so that $! is the relay itself, not a subshell
    RELAYDESK_DATA_DIR="$data" RELAYDESK_KEY_STORE=file "$RELAY" serve --host 127.0.0.1 --port "$RELAY_PORT" \
        >"$WORK/$name.out" 2>"$WORK/$name.err" &
    RELAY_PID=$!
    PIDS+=("$RELAY_PID")
    local i
    for ((i = 0; i < 300; i++)); do
        if cat "$WORK/$name.err" "$WORK/$name.out" 2>/dev/null | grep -q "listening on 127.0.0.1:$RELAY_PORT" \
            && "$LOAD" --url "http://127.0.0.1:$RELAY_PORT/health" --method GET --requests 1 --timeout 2 --kv >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$RELAY_PID" 2>/dev/null; then
            tail -n 20 "$WORK/$name.err" >&2
            die "relaydesk serve exited during start-up"
        fi
        sleep 0.1
    done
    tail -n 20 "$WORK/$name.err" >&2
    die "relaydesk serve not healthy after 30 s"
}

CLK_TCK=$(getconf CLK_TCK)
# cpu_ticks PID -> utime+stime (field 14+15 of /proc/PID/stat; the command name may hold spaces)
cpu_ticks() {
    local stat rest
    local -a f
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || {
        echo 0
        return 0
    }
    rest=${stat##*) }
    read -r -a f <<<"$rest"
    echo $((f[11] + f[12]))
}
# status_kb PID KEY -> value of e.g. VmRSS in kB
status_kb() {
    local k v _
    [[ -r /proc/$1/status ]] || {
        echo 0
        return 0
    }
    while read -r k v _; do
        if [[ $k == "$2:" ]]; then
            echo "$v"
            return
        fi
    done <"/proc/$1/status"
    echo 0
}
rss_sampler() { # PID OUTFILE: max VmRSS, sampled every 100 ms until killed
    local max=0 v
    while kill -0 "$1" 2>/dev/null; do
        v=$(status_kb "$1" VmRSS)
        ((v > max)) && max=$v && echo "$max" >"$2"
        sleep 0.1
    done
}

# ---------------------------------------------------------------- scenarios
# name | load-tool args | amount (full) | amount (quick) | warm-up requests (full) | (quick)
# amount: dS = measure for S seconds, nN = N measured requests (closed loop: time-based keeps fast and slow sides fair)
SCENARIOS=(
    "ns-c1|--concurrency 1|d4|d0.5|500|50"
    "ns-c16|--concurrency 16|d4|d0.5|1000|100"
    "ns-c64|--concurrency 64|d4|d0.5|1000|200"
    "body-100k|--concurrency 1 --body-bytes 100000|d3|d0.5|100|10"
    "body-1m|--concurrency 1 --body-bytes 1000000|d3|d0.5|20|5"
    "stream-c16|--concurrency 16 --stream|n320|n32|16|16"
    "stream-c256|--concurrency 256 --stream|n2560|n256|256|256"
    "stream-c1000|--concurrency 1000 --stream|n5000|n1000|1000|1000"
    "tls-c16|--concurrency 16|d4|d0.5|1000|100"
)
STREAM_EVENTS=20
STREAM_DELAY_MS=20

declare -A R # R[scenario|side|round|key] = value from the load tool's --kv output
FAILURES=()

# run_load SCENARIO SIDE ROUND URL ARGS... (records the results; relay-side CPU if RUN_PID is set)
run_load() {
    local scen=$1 side=$2 round=$3 url=$4
    shift 4
    local out=$WORK/run-$scen-$side-$round.kv t0=0 t1=0
    [[ -n ${RUN_PID:-} ]] && t0=$(cpu_ticks "$RUN_PID")
    "$LOAD" --url "$url" --kv --timeout 60 "$@" >"$out" 2>"$out.err" || true
    if [[ -n ${RUN_PID:-} ]]; then
        t1=$(cpu_ticks "$RUN_PID")
        if ! kill -0 "$RUN_PID" 2>/dev/null; then
            die "the relay (pid $RUN_PID) exited during $scen; its log is kept in bench/out/"
        fi
    fi
    local k v
    while IFS='=' read -r k v; do
        R["$scen|$side|$round|$k"]=$v
    done <"$out"
    if [[ -n ${RUN_PID:-} ]]; then
        R["$scen|$side|$round|cpu_s"]=$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz }')
    fi
    local bad
    bad=$(awk -F= '$1 ~ /^errors_/ { s += $2 } END { print s + 0 }' "$out")
    if [[ ! -s $out ]] || [[ $bad != 0 ]] || [[ ${R["$scen|$side|$round|completed"]:-0} == 0 ]]; then
        FAILURES+=("$scen $side round $round: ${R["$scen|$side|$round|first_error"]:-no output} $(head -c 300 "$out.err")")
    fi
    log "$scen $side #$round: p50 ${R["$scen|$side|$round|lat_p50"]:-?} ms, p99 ${R["$scen|$side|$round|lat_p99"]:-?} ms, ${R["$scen|$side|$round|rps"]:-?} req/s"
}

# ---------------------------------------------------------------- start everything
log "work dir $WORK"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1 \
    || die "openssl could not make the throwaway certificate"
start_mock mock --events $STREAM_EVENTS --event-delay-ms $STREAM_DELAY_MS
PLAIN_PORT=$MOCK_PORT
start_mock mock-tls --events $STREAM_EVENTS --event-delay-ms $STREAM_DELAY_MS --tls "$WORK/cert.pem" "$WORK/key.pem"
TLS_PORT=$MOCK_PORT
log "mock http://127.0.0.1:$PLAIN_PORT, TLS mock https://127.0.0.1:$TLS_PORT"

RELAY_NOTE="no relay binary at $RELAY: direct numbers only"
IDLE_RSS=0 IDLE_CPU=0 PEAK_RSS=0 HWM=0 END_RSS=0
IDLE_SECONDS=$((QUICK ? 1 : 3))
if [[ $HAVE_RELAY == 1 ]]; then
    start_relay relay "http://127.0.0.1:$PLAIN_PORT"
    MAIN_PID=$RELAY_PID MAIN_PORT=$RELAY_PORT MAIN_KEY=$RELAY_KEY
    RELAY_NOTE="relay: $RELAY (pid $MAIN_PID, port $MAIN_PORT)"
    log "$RELAY_NOTE"
    sleep 1
    IDLE_RSS=$(status_kb "$MAIN_PID" VmRSS)
    c0=$(cpu_ticks "$MAIN_PID")
    sleep "$IDLE_SECONDS"
    IDLE_CPU=$(awk -v t=$(($(cpu_ticks "$MAIN_PID") - c0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
fi

DIRECT_HDR=(--header "x-api-key: sk-ant-bench")
for entry in "${SCENARIOS[@]}"; do
    IFS='|' read -r scen args nfull nquick wfull wquick <<<"$entry"
    read -r -a scen_args <<<"$args"
    amount=$nfull w=$wfull
    if [[ $QUICK == 1 ]]; then
        amount=$nquick w=$wquick
    fi
    case "$amount" in
    d*) common=("${scen_args[@]}" --duration "${amount#d}" --warmup "$w") ;;
    *) common=("${scen_args[@]}" --requests "${amount#n}" --warmup "$w") ;;
    esac
    direct_url="http://127.0.0.1:$PLAIN_PORT/v1/messages"
    direct_tls=()
    if [[ $scen == tls-* ]]; then
        direct_url="https://127.0.0.1:$TLS_PORT/v1/messages"
        direct_tls=(--cacert "$WORK/cert.pem")
    fi
    relay_pid="" relay_port=""
    if [[ $HAVE_RELAY == 1 ]]; then
        relay_pid=$MAIN_PID relay_port=$MAIN_PORT relay_key=$MAIN_KEY
        if [[ $scen == tls-* ]]; then
            start_relay relay-tls "https://127.0.0.1:$TLS_PORT" --ca-file "$WORK/cert.pem"
            relay_pid=$RELAY_PID relay_port=$RELAY_PORT relay_key=$RELAY_KEY
        fi
    fi
    for ((round = 1; round <= ROUNDS; round++)); do
        if [[ -n $relay_pid ]]; then
            sampler=""
            if [[ $scen == stream-c1000 ]]; then
                rss_sampler "$relay_pid" "$WORK/peak-rss-$round" &
                sampler=$!
                PIDS+=("$sampler")
            fi
            RUN_PID=$relay_pid run_load "$scen" relay "$round" "http://127.0.0.1:$relay_port/api/v1/messages" \
                "${common[@]}" --header "x-api-key: $relay_key"
            if [[ -n $sampler ]]; then
                stop_pid "$sampler"
                v=$(cat "$WORK/peak-rss-$round" 2>/dev/null || echo 0)
                ((v > PEAK_RSS)) && PEAK_RSS=$v
                HWM=$(status_kb "$relay_pid" VmHWM)
            fi
        fi
        RUN_PID="" run_load "$scen" direct "$round" "$direct_url" "${common[@]}" "${direct_tls[@]}" "${DIRECT_HDR[@]}"
    done
    if [[ $HAVE_RELAY == 1 && $scen == tls-* ]]; then
        stop_pid "$relay_pid"
    fi
done
if [[ $HAVE_RELAY == 1 ]]; then
    sleep 1
    END_RSS=$(status_kb "$MAIN_PID" VmRSS)
fi

# ---------------------------------------------------------------- report
# avg SCEN SIDE KEY -> mean over the rounds
avg() {
    local sum="" r
    for ((r = 1; r <= ROUNDS; r++)); do
        sum+="${R["$1|$2|$r|$3"]:-nan} "
    done
    awk -v s="$sum" 'BEGIN { n = split(s, a, " "); t = 0; for (i = 1; i <= n; i++) { if (a[i] == "nan") { print "n/a"; exit } t += a[i] } printf "%.3f", t / n }'
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a") print "n/a"; else printf "%+.3f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2fx", a / b }'; }
rps() { awk -v a="$1" 'BEGIN { if (a == "n/a") print "n/a"; else printf "%.0f", a }'; }
cpu_per_k() {
    local cpu=0 reqs=0 r
    for ((r = 1; r <= ROUNDS; r++)); do
        cpu=$(awk -v a="$cpu" -v b="${R["$1|relay|$r|cpu_s"]:-0}" 'BEGIN { print a + b }')
        reqs=$((reqs + ${R["$1|relay|$r|requests_total"]:-0}))
    done
    awk -v c="$cpu" -v n="$reqs" 'BEGIN { if (n == 0) print "n/a"; else printf "%.3f", c / n * 1000 }'
}
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

describe() {
    case "$1" in
    ns-c*) echo "non-stream, c=${1#ns-c}" ;;
    body-100k) echo "100 KB body, c=1" ;;
    body-1m) echo "1 MB body, c=1" ;;
    stream-c*) echo "stream ${STREAM_EVENTS}x${STREAM_DELAY_MS} ms, c=${1#stream-c}" ;;
    tls-c16) echo "non-stream, c=16, TLS upstream" ;;
    *) echo "$1" ;;
    esac
}

REPORT=$WORK/report.md
{
    echo "# RelayDesk bench — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), kernel $(uname -r)"
    echo "- bench commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ $QUICK == 1 ]] && echo ', --quick')"
    echo "- $RELAY_NOTE"
    echo "- $ROUNDS runs per scenario and side, interleaved; values are the mean of the runs; latencies in ms."
    echo "- load tool, mock upstream and relay share the same cores: read ratios, not absolutes."
    echo "- load average at start: $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews results)"
    echo
    if [[ $HAVE_RELAY == 1 ]]; then
        echo "## Non-stream"
        echo
        echo "| scenario | direct p50 | relay p50 | overhead p50 | ratio p50 | direct p99 | relay p99 | overhead p99 | direct req/s | relay req/s | relay CPU s / 1k req |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for entry in "${SCENARIOS[@]}"; do
            scen=${entry%%|*}
            [[ $scen == stream-* ]] && continue
            d50=$(avg "$scen" direct lat_p50) r50=$(avg "$scen" relay lat_p50)
            d99=$(avg "$scen" direct lat_p99) r99=$(avg "$scen" relay lat_p99)
            echo "| $(describe "$scen") | $d50 | $r50 | $(sub "$r50" "$d50") | $(ratio "$r50" "$d50") | $d99 | $r99 | $(sub "$r99" "$d99") | $(rps "$(avg "$scen" direct rps)") | $(rps "$(avg "$scen" relay rps)") | $(cpu_per_k "$scen") |"
        done
        echo
        echo "## Streams (TTFB = first SSE event of the body; total = last byte)"
        echo
        echo "| scenario | direct TTFB p50 | relay TTFB p50 | overhead | direct TTFB p99 | relay TTFB p99 | overhead | direct total p50 | relay total p50 | overhead | ratio | direct total p99 | relay total p99 | overhead | relay CPU s / 1k req |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for entry in "${SCENARIOS[@]}"; do
            scen=${entry%%|*}
            [[ $scen == stream-* ]] || continue
            dt50=$(avg "$scen" direct ttfb_p50) rt50=$(avg "$scen" relay ttfb_p50)
            dt99=$(avg "$scen" direct ttfb_p99) rt99=$(avg "$scen" relay ttfb_p99)
            d50=$(avg "$scen" direct lat_p50) r50=$(avg "$scen" relay lat_p50)
            d99=$(avg "$scen" direct lat_p99) r99=$(avg "$scen" relay lat_p99)
            echo "| $(describe "$scen") | $dt50 | $rt50 | $(sub "$rt50" "$dt50") | $dt99 | $rt99 | $(sub "$rt99" "$dt99") | $d50 | $r50 | $(sub "$r50" "$d50") | $(ratio "$r50" "$d50") | $d99 | $r99 | $(sub "$r99" "$d99") | $(cpu_per_k "$scen") |"
        done
        echo
        echo "## Relay resources"
        echo
        echo "| metric | value |"
        echo "|---|---:|"
        echo "| RSS idle after start | $(mb "$IDLE_RSS") |"
        echo "| CPU while idle (${IDLE_SECONDS} s) | ${IDLE_CPU} s |"
        echo "| RSS peak during the 1,000-stream runs (sampled every 100 ms) | $(mb "$PEAK_RSS") |"
        echo "| VmHWM after the 1,000-stream runs | $(mb "$HWM") |"
        echo "| RSS idle after all runs | $(mb "$END_RSS") |"
    else
        echo "## Direct to the mock upstream (no relay)"
        echo
        echo "| scenario | p50 | p90 | p99 | max | req/s | TTFB p50 | TTFB p99 |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|"
        for entry in "${SCENARIOS[@]}"; do
            scen=${entry%%|*}
            t50="" t99=""
            if [[ $scen == stream-* ]]; then
                t50=$(avg "$scen" direct ttfb_p50) t99=$(avg "$scen" direct ttfb_p99)
            fi
            echo "| $(describe "$scen") | $(avg "$scen" direct lat_p50) | $(avg "$scen" direct lat_p90) | $(avg "$scen" direct lat_p99) | $(avg "$scen" direct lat_max) | $(rps "$(avg "$scen" direct rps)") | $t50 | $t99 |"
        done
    fi
    echo
    if [[ ${#FAILURES[@]} -gt 0 ]]; then
        echo "## Failed runs"
        echo
        for f in "${FAILURES[@]}"; do
            echo "- $f"
        done
    else
        echo "All runs completed without errors."
    fi
} >"$REPORT"

mkdir -p "$ROOT/bench/out"
OUT=$ROOT/bench/out/results-$STAMP.md
cp "$REPORT" "$OUT"
cat "$REPORT"
log "written to ${OUT#"$ROOT"/}"
[[ ${#FAILURES[@]} -eq 0 ]]
