#!/usr/bin/env bash
# Benchmark: the dashboard with HISTORY incidents (default 100,000) on the audit branch, on a release build of
# `runbook serve`, in one run:
#
#   1. server time of GET /incidents (the default view: open incidents, highest priority first; every incident of
#      this history is open, the worst case), GET /incidents/INC (the newest incident, and one from the middle of
#      the history), p50 and p99 over COUNT requests each on one keep-alive connection, against GET /healthz on
#      the same connection in the same run (the floor: what HTTP itself costs). Target p99 < 20 ms.
#   2. bytes per page.
#   3. first contentful paint of the same pages in headless Chromium (Debian's chromium and chromedriver, driven by
#      python3-selenium), median of PAINTS loads each, logged in with a session cookie.
#
# The history is made by `IncidentBench history` (the incident store, batches of 1000) before the server starts.
# Usage: bench/dashboard.sh   (HISTORY=100000 COUNT=300 PAINTS=5; TMPDIR=... picks the file system)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
history=${HISTORY:-100000}
count=${COUNT:-300}
paints=${PAINTS:-5}
source bench/servers.sh

echo "== building (release)" >&2
swift build -c release --product runbook >&2
swift build -c release --product IncidentBench >&2
bin="$(swift build -c release --show-bin-path)"
runbook="$bin/runbook"

echo "== making $history incidents on an audit branch (IncidentBench history)" >&2
"$bin/IncidentBench" history "$work/wiki.git" --count "$history" --concurrency 1000 >&2
# The server also needs a wiki: the bundled one, as `runbook init` makes it, fetched into the same repository.
"$runbook" init "$work/wiki" > /dev/null
git -C "$work/wiki.git" fetch -q "$work/wiki" main:main

home="$work/home"
mkdir -p "$home"
token=$(RUNBOOK_HOME="$home" "$runbook" tokens add bench --role admin --token-file "$home/tokens")
port=$(free_port)
begun=$(date +%s.%N)
RUNBOOK_HOME="$home" RUNBOOK_WIKI="$work/wiki.git" RUNBOOK_PORT="$port" RUNBOOK_TOKEN_FILE="$home/tokens" RUNBOOK_LOG_LEVEL=warning \
    "$runbook" serve > "$home/serve.out" 2> "$home/serve.err" &
pids+=($!)
for _ in $(seq 6000); do
    grep -q "^listening on" "$home/serve.out" && break
    kill -0 "${pids[0]}" 2>/dev/null || { cat "$home/serve.err" >&2; echo "the server exited" >&2; exit 1; }
    sleep 0.05
done
started=$(awk -v a="$begun" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "== server listening after $started s; load $(uptime | sed 's/.*load average: //')" >&2

newest=$(printf 'INC%07d' "$history")
middle=$(printf 'INC%07d' $((history / 2)))
/usr/bin/python3 bench/dashboard.py --url "http://127.0.0.1:$port" --token "$token" --count "$count" --paints "$paints" \
    --page "/incidents" --page "/incidents/$newest" --page "/incidents/$middle"
rss=$(awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/${pids[0]}/status")
printf '\n%d cores; %d incidents on the audit branch; server start-up %s s; %s MB resident after the requests\n' \
    "$(nproc)" "$history" "$started" "$rss"
