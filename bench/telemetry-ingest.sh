#!/usr/bin/env bash
# Benchmark: line-protocol ingest through `runbook serve` (POST /write, every sample scored by its series' anomaly
# detector) against VictoriaMetrics (Debian package `victoria-metrics`) taking the same payloads on its /write endpoint,
# in the same run, on the same machine: samples/s for batches of 1,000 and 10,000 lines from 2 and 4 concurrent
# clients, each configuration on fresh data directories for both servers.
#
# The payload (bench/ingest-client.py generate, written once): SERIES series (`cpu_usage_idle` with host, region and
# service tags, one float field per line, so lines == samples), ROUNDS rounds of one sample per series 10 s apart and
# ending now, values smooth (a slow sine per series plus bounded noise) so that nothing is anomalous: we measure
# scoring, not incident creation. Series are split into 4 groups; a client sends whole groups, so each series' samples
# arrive in time order. The client (bench/ingest-client.py post: one asyncio loop, raw sockets, HTTP/1.1 keep-alive,
# every request's bytes built before the clock starts, one request in flight per connection) must see only 2xx.
#
# Checked after every run: ours counted exactly the samples sent as accepted (runbook_telemetry_samples_total), and
# the anomalies it raised are reported; VictoriaMetrics inserted them all (vm_rows_inserted_total) and, after
# /internal/force_flush, a query counts them all in storage. Also reported: each server's CPU seconds per sample
# over the run (from /proc), memory per series (RSS after the run minus RSS after start, over SERIES; ours also as
# the detector's own footprint), the detector's cost alone (`runbook detect --measure` over series 0 of the payload)
# and the generator's ceiling (GET /healthz on ours).
#
# Target: ours / VictoriaMetrics >= 1.0 in samples/s.
# Usage: bench/telemetry-ingest.sh    (SERIES=10000 ROUNDS=300 BATCHES="1000 10000" CLIENTS="2 4" RUNS=1 to change the
#                                      sizes; RUNS=3 reports medians; ROUNDS=50 is a quick run, but then every sample
#                                      is in the detector's warm-up of 150 and cannot page; KEEP=1 keeps the logs)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
series=${SERIES:-10000}
rounds=${ROUNDS:-300}
batches=${BATCHES:-1000 10000}
clients_list=${CLIENTS:-2 4}
runs=${RUNS:-1}

if ! command -v victoria-metrics >/dev/null; then
    echo "== installing victoria-metrics (Debian package)" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends victoria-metrics >&2
fi

work=$(mktemp -d)
server_pid=""
stop_server() {
    [ -n "$server_pid" ] || return 0
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
cleanup() {
    stop_server
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
echo "== building (release)" >&2
swift build -c release --product runbook >&2
runbook="$(swift build -c release --show-bin-path)/runbook"
client=(python3 bench/ingest-client.py)

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { awk -v name="$1" '{ for (i = 1; i < NF; i++) if ($i == name) print $(i + 1) }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime, whole process
ticks=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
metric() { # URL, then a regex for the series; sums the matching samples of a Prometheus text page
    curl -fsS "$1/metrics" | awk -v re="$2" '$0 ~ "^" re { sum += $NF } END { printf "%.0f\n", sum }'
}

# Servers: each sets server_pid and base (http://127.0.0.1:PORT).
start_ours() { # DIR
    mkdir -p "$1/home"
    token=$(RUNBOOK_HOME="$1/home" "$runbook" tokens add bench --role responder --token-file "$1/tokens" | tail -n 1 | tr -d ' ')
    RUNBOOK_HOME="$1/home" RUNBOOK_PORT=0 RUNBOOK_TOKEN_FILE="$1/tokens" RUNBOOK_LOG_LEVEL=warning \
        "$runbook" serve > "$1/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 600); do
        base=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$1/server.log")
        [ -n "$base" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$1/server.log" >&2
    echo "runbook serve did not start" >&2
    exit 1
}
start_vm() { # DIR
    local port; port=$(free_port)
    victoria-metrics -httpListenAddr="127.0.0.1:$port" -storageDataPath="$1/vm" -retentionPeriod=1y -loggerLevel=WARN \
        > "$1/server.log" 2>&1 &
    server_pid=$!
    base="http://127.0.0.1:$port"
    for _ in $(seq 600); do
        curl -fsS "$base/health" >/dev/null 2>&1 && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$1/server.log" >&2
    echo "victoria-metrics did not start" >&2
    exit 1
}

# One measurement: start a fresh server, post the payload, check what it took in, stop it.
# Prints: samples_per_second R cpu_ns_per_sample C bytes_per_series B anomalies A client_cpu_seconds S
measure() { # ours|vm BATCH CLIENTS DIR
    local who=$1 batch=$2 clients=$3 dir=$4
    mkdir -p "$dir"
    "start_$who" "$dir"
    local auth=() url="$base/write?precision=s" health="$base/health"
    [ "$who" = ours ] && auth=(--token "$token") health="$base/healthz"
    "${client[@]}" get "$health" --requests 20 --clients 1 >/dev/null # the connection path is warm
    sleep 1
    local rss0 cpu0 rss1 cpu1
    rss0=$(rss_kb "$server_pid"); cpu0=$(cpu_ticks "$server_pid")
    "${client[@]}" post "$url" "$work/payload" --batch "$batch" --clients "$clients" "${auth[@]}" > "$dir/client.out"
    cpu1=$(cpu_ticks "$server_pid"); rss1=$(rss_kb "$server_pid")
    local rate sent used anomalies=0 stored
    rate=$(field samples_per_second < "$dir/client.out")
    sent=$(field samples < "$dir/client.out")
    used=$(field client_cpu_seconds < "$dir/client.out")
    if [ "$who" = ours ]; then
        stored=$(metric "$base" 'runbook_telemetry_samples_total\\{.*format="influx".*outcome="accepted"')
        anomalies=$(metric "$base" 'runbook_anomalies_total')
    else
        stored=$(metric "$base" 'vm_rows_inserted_total\\{type="influx"\\}')
        curl -fsS "$base/internal/force_flush" >/dev/null
        local queried
        queried=$(curl -fsS "$base/api/v1/query" --data-urlencode "query=sum(count_over_time(cpu_usage_idle[$((rounds * 10 + 3600))s]))" \
            | python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')
        [ "$queried" = "$sent" ] || { echo "victoria-metrics: $queried samples in storage, $sent sent" >&2; exit 1; }
    fi
    [ "$stored" = "$sent" ] || { echo "$who: $stored samples accepted, $sent sent" >&2; exit 1; }
    stop_server
    echo "samples_per_second $rate cpu_ns_per_sample $(calc %.0f "($cpu1 - $cpu0) / $ticks * 1e9 / $sent")" \
        "bytes_per_series $(calc %.0f "($rss1 - $rss0) * 1024 / $series") anomalies $anomalies client_cpu_seconds $used"
}

echo "== payload: $series series x $rounds rounds" >&2
"${client[@]}" generate "$work/payload" --series "$series" --rounds "$rounds" >&2
samples=$((series * rounds))
payload_mb=$(du -cm "$work"/payload/group-*.lp | tail -n 1 | cut -f1)

echo "== the generator's ceiling: GET /healthz on ours, 20,000 requests" >&2
start_ours "$work/ceiling"
for clients in $clients_list; do
    "${client[@]}" get "$base/healthz" --requests 20000 --clients "$clients" | tee "$work/ceiling-$clients.out" >&2
done
stop_server

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
order=0
for batch in $batches; do
    for clients in $clients_list; do
        for run in $(seq "$runs"); do
            # Alternate which server goes first, so neither always runs on the warmer (or busier) machine.
            peers=(ours vm)
            [ $((order % 2)) = 1 ] && peers=(vm ours)
            order=$((order + 1))
            for who in "${peers[@]}"; do
                echo "== $who: batches of $batch lines, $clients clients, run $run" >&2
                # Not in a pipeline: measure must run in this shell, so the EXIT trap can stop its server on failure.
                measure "$who" "$batch" "$clients" "$work/$who-$batch-$clients-$run" > "$work/last.out"
                tee -a "$work/$who-$batch-$clients.log" < "$work/last.out" >&2
            done
        done
    done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== detector alone: runbook detect --measure over series 0 of the payload ($rounds samples)" >&2
"$runbook" detect --input "$work/payload/series-0.csv" --output "$work/scores.csv" --measure | tee "$work/detect.out" >&2

printf '\n%d series x %d rounds = %d samples, %d MB of line protocol; %d cores; load %s before, %s after; median of %d run(s)\n' \
    "$series" "$rounds" "$samples" "$payload_mb" "$(nproc)" "$load_before" "$load_after" "$runs"
for clients in $clients_list; do
    printf 'generator ceiling, GET /healthz on ours, %d clients: %8.0f requests/s (%.1f s client CPU for 20,000)\n' "$clients" \
        "$(field requests_per_second < "$work/ceiling-$clients.out")" "$(field client_cpu_seconds < "$work/ceiling-$clients.out")"
done
printf '\n%-6s %-8s %13s %13s %6s %11s %11s %11s %11s %10s\n' batch clients "ours samp/s" "VM samp/s" ratio "ours CPU ns" "VM CPU ns" "ours RSS B" "VM RSS B" anomalies
for batch in $batches; do
    for clients in $clients_list; do
        ours_log="$work/ours-$batch-$clients.log" vm_log="$work/vm-$batch-$clients.log"
        ours=$(field samples_per_second < "$ours_log" | median)
        vm=$(field samples_per_second < "$vm_log" | median)
        printf '%-6d %-8d %13.0f %13.0f %6s %11.0f %11.0f %11.0f %11.0f %10d\n' "$batch" "$clients" "$ours" "$vm" "$(calc %.2f "$ours / $vm")" \
            "$(field cpu_ns_per_sample < "$ours_log" | median)" "$(field cpu_ns_per_sample < "$vm_log" | median)" \
            "$(field bytes_per_series < "$ours_log" | median)" "$(field bytes_per_series < "$vm_log" | median)" \
            "$(field anomalies < "$ours_log" | awk '{ s += $1 } END { print s + 0 }')"
    done
done
echo "  samp/s: samples per second of the clients' wall time (ratio: ours / VM, target >= 1.0); CPU ns: server CPU"
echo "  time per sample over the run, all threads; RSS B: RSS after the run minus after start, per series; anomalies: ours."
sed -n 's/^detector: \([0-9]*\) samples, \([0-9.]*\) ns\/sample, \([0-9]*\) bytes\/series.*/\ndetector alone (runbook detect --measure, one series of \1 samples): \2 ns\/sample, footprint \3 bytes\/series/p' "$work/detect.out"
