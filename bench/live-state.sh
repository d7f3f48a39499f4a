#!/usr/bin/env bash
# Benchmark: the live state of issue 11, on a release build of `runbook serve`, in one run:
#
#   1. approval to the next step's start: RUNS runs (default 200) each wait for approval after a first step; each is
#      approved in turn and timed from the approve request to the `step-started` event on the run's live stream
#      (GET /api/v1/runs/{id}/events). Target p99 < 20 ms.
#   2. GET /api/v1/runs?limit=50 with HISTORY runs (default 10,000) on the audit branch, p99, against GET /healthz on
#      the same connection in the same run. Target p99 < 5 ms. The history is made by `ExecutorBench latency` (one
#      incident and one one-step run per trigger, in-process) before the server starts; its start-up (loading every
#      run into memory) is reported too.
#   3. the server's CPU while the RUNS runs await approval and nothing happens, over IDLE seconds (default 10), from
#      /proc/PID/stat. Target under 1% of a core.
#   4. one event fanned out to SUBSCRIBERS (default 100) subscribers of GET /api/v1/events: NOTES work notes (default
#      50), each timed from its request to each subscriber's receipt (so the note's durable commit is in it); p50
#      and p99 of all deliveries, and of the spread from an event's first receipt to its last.
#
# Usage: bench/live-state.sh   (RUNS=200 HISTORY=10000 SUBSCRIBERS=100 NOTES=50 IDLE=10; TMPDIR=... picks the file system)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
runs=${RUNS:-200}
history=${HISTORY:-10000}
subscribers=${SUBSCRIBERS:-100}
notes=${NOTES:-50}
idle=${IDLE:-10}
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }

work=$(mktemp -d)
server_pid=""
stop_server() {
    [ -n "$server_pid" ] || return 0
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

echo "== building (release)" >&2
swift build -c release --product runbook >&2
swift build -c release --product ExecutorBench >&2
bin="$(swift build -c release --show-bin-path)"
runbook="$bin/runbook"
field() { awk -v name="$1" '{ for (i = 1; i < NF; i++) if ($i == name) print $(i + 1) }'; }

start_server() { # HOME WIKI: starts `runbook serve`; sets port, server_pid, token, started_in
    local home=$1 wiki=$2
    mkdir -p "$home"
    token=$(RUNBOOK_HOME="$home" "$runbook" tokens add bench --role admin --token-file "$home/tokens")
    local begun
    begun=$(date +%s.%N)
    RUNBOOK_HOME="$home" RUNBOOK_WIKI="$wiki" RUNBOOK_PORT=0 RUNBOOK_TOKEN_FILE="$home/tokens" RUNBOOK_LOG_LEVEL=warning \
        "$runbook" serve > "$home/serve.out" 2> "$home/serve.err" &
    server_pid=$!
    port=""
    for _ in $(seq 3000); do
        port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$home/serve.out")
        [ -n "$port" ] && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$home/serve.err" >&2; echo "the server exited" >&2; exit 1; }
        sleep 0.05
    done
    [ -n "$port" ] || { echo "the server did not start" >&2; exit 1; }
    started_in=$(awk -v a="$begun" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}

echo "== load before: $(uptime)" >&2
load_before=$(uptime | sed 's/.*load average: //')

# 2. The run list with a long history.
echo "== making $history runs on an audit branch (ExecutorBench latency)" >&2
"$bin/ExecutorBench" latency "$work/history" --count "$history" > "$work/history.log"
start_server "$work/history/home" "$work/history/wiki.git"
history_start=$started_in
echo "== GET /api/v1/runs?limit=50 with $history runs (server started in $history_start s)" >&2
python3 bench/live-state.py runs-list --url "http://127.0.0.1:$port" --token "$token" --count 2000 | tee "$work/list.log" >&2
history_rss=$(awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$server_pid/status")
stop_server

# 1, 3, 4. Runs waiting for approval.
echo "== $runs runs waiting for approval" >&2
wiki="$work/approvals/wiki"
mkdir -p "$work/approvals"
"$runbook" init "$wiki" > /dev/null 2>&1
rm -f "$wiki"/runbooks/*.md
cat > "$wiki/runbooks/live-state-bench.md" <<'EOF'
---
title: Live state bench
match:
  - alertname="LiveStateBench"
---
# Live state bench

## First

```sh {id=first}
true
```

## Approved

```sh {id=approved approve=true}
true
```
EOF
git -C "$wiki" add -A
git -C "$wiki" -c user.name=bench -c user.email=bench@localhost commit -qm "The bench runbook"
start_server "$work/approvals/home" "$wiki"
python3 bench/live-state.py approvals --url "http://127.0.0.1:$port" --token "$token" --pid "$server_pid" --runs "$runs" \
    --subscribers "$subscribers" --notes "$notes" --idle "$idle" | tee "$work/approvals.log" >&2
succeeded=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/runs?state=succeeded&limit=1" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')
stop_server
[ "$succeeded" -eq "$runs" ] || { echo "$succeeded of $runs runs succeeded after their approval" >&2; exit 1; }

echo "== load after: $(uptime)" >&2
load_after=$(uptime | sed 's/.*load average: //')

list=$(tail -n 1 "$work/list.log")
approvals=$(tail -n 1 "$work/approvals.log")
printf '\n%d cores; load before %s, after %s\n\n' "$(nproc)" "$load_before" "$load_after"
printf '%-62s %14s %14s  %s\n' figure p50 p99 target
printf '%-62s %11s ms %11s ms  %s\n' "approval to next step started ($runs approvals)" \
    "$(echo "$approvals" | field approval_p50_ms)" "$(echo "$approvals" | field approval_p99_ms)" "p99 < 20 ms"
printf '%-62s %11s ms %11s ms  %s\n' "GET /api/v1/runs?limit=50, $(echo "$list" | field runs) runs on the branch" \
    "$(echo "$list" | field list_p50_ms)" "$(echo "$list" | field list_p99_ms)" "p99 < 5 ms"
printf '%-62s %11s ms %11s ms  %s\n' "GET /healthz, same connection, same run" \
    "$(echo "$list" | field healthz_p50_ms)" "$(echo "$list" | field healthz_p99_ms)" \
    "ratio p99 $(awk -v a="$(echo "$list" | field list_p99_ms)" -v b="$(echo "$list" | field healthz_p99_ms)" 'BEGIN { printf "%.2fx", a / b }')"
printf '%-62s %14s %14s  %s\n' "server CPU, $runs runs awaiting approval, ${idle} s of nothing" \
    "$(echo "$approvals" | field idle_cpu_percent)%" "" "< 1% of a core"
printf '%-62s %11s ms %11s ms  %s\n' "one event to $subscribers SSE subscribers ($(echo "$approvals" | field deliveries) deliveries)" \
    "$(echo "$approvals" | field fanout_p50_ms)" "$(echo "$approvals" | field fanout_p99_ms)" "(report; from the note's request)"
printf '%-62s %11s ms %11s ms  %s\n' "  first to last of the $subscribers receipts of one event" \
    "$(echo "$approvals" | field spread_p50_ms)" "$(echo "$approvals" | field spread_p99_ms)" ""
printf '\nserver start-up with %s runs in history: %s s to listening, %s MB resident after the list requests\n' \
    "$history" "$history_start" "$history_rss"
