#!/usr/bin/env bash
# Benchmark: a sustained alert storm against one server: TOTAL distinct alerts (default 1,000,000) in requests of
# BATCH (100) over CONNECTIONS (8), sent in chunks of CHUNK (10,000) alerts by IntakeBench, each chunk with label
# sets of its own (so every alert opens an incident). After each chunk: the chunk's rate, the server's resident
# memory, the repository's size and pack count, so a rate that falls as history grows, or memory that grows with it,
# shows. At the end: the incident records on the audit branch (must be TOTAL) and `git fsck --strict`.
#
# The wiki pages nobody unless PAGING=1 (see bench/servers.sh).
# Usage: bench/storm.sh      (TOTAL=1000000 CHUNK=10000 BATCH=100 CONNECTIONS=8; TMPDIR=... picks the file system)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
total=${TOTAL:-1000000}
chunk=${CHUNK:-10000}
batch=${BATCH:-100}
connections=${CONNECTIONS:-8}

source bench/servers.sh

echo "== building (release)" >&2
swift build -c release --product runbook >&2
swift build -c release --product IntakeBench >&2
bin="$(swift build -c release --show-bin-path)"

home="$work/home"
mkdir -p "$home"
quiet_wiki "$bin/runbook" "$home"
token=$(RUNBOOK_HOME="$home" "$bin/runbook" tokens add bench --role responder --token-file "$home/tokens")
RUNBOOK_HOME="$home" RUNBOOK_PORT=0 RUNBOOK_TOKEN_FILE="$home/tokens" "$bin/runbook" serve > "$work/ours.out" 2> "$work/ours.err" &
pid=$!
pids+=("$pid")
for _ in $(seq 1200); do
    port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/ours.out")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/ours.err" >&2; echo "the server did not start" >&2; exit 1; }
git_dir="$home/wiki/.git"
[ -d "$git_dir" ] || git_dir="$home/wiki"

echo "== $total alerts, $batch per request, $connections connections, chunks of $chunk; load $(uptime | sed 's/.*load average: //')" >&2
printf '%10s %12s %10s %10s %10s %8s\n' sent alerts/s p99_ms rss_MB repo_MB packs
sent=0
started=$(date +%s.%N)
while [ "$sent" -lt "$total" ]; do
    n=$(( total - sent < chunk ? total - sent : chunk ))
    line=$("$bin/IntakeBench" webhook --port "$port" --token "$token" --count "$n" --batch "$batch" --connections "$connections" \
        --prefix "s$sent-")
    sent=$((sent + n))
    rate=$(echo "$line" | awk '{ for (i = 1; i < NF; i++) if ($i == "alerts_per_second") print $(i + 1) }')
    p99=$(echo "$line" | awk '{ for (i = 1; i < NF; i++) if ($i == "p99_ms") print $(i + 1) }')
    rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
    # A merge may delete a temporary file while du reads the folder.
    size=$(du -sm "$git_dir" 2>/dev/null | cut -f1 || true)
    packs=$(find "$git_dir/objects/pack" -name '*.idx' 2>/dev/null | wc -l || true)
    printf '%10d %12s %10s %10s %10s %8s\n' "$sent" "$rate" "$p99" "$rss" "$size" "$packs"
done
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
stop_servers
records=$(git -C "$git_dir" ls-tree -r --name-only audit incidents | grep -c '/record\.md$' || true)
commits=$(git -C "$git_dir" rev-list --count audit)
echo "whole storm: $total alerts in $(printf '%.0f' "$elapsed") s ($(echo "$total / $elapsed" | bc) alerts/s with the checks between chunks)"
echo "audit branch: $records incident records, $commits commits; repository $(du -sm "$git_dir" | cut -f1) MB in $(find "$git_dir/objects/pack" -name '*.idx' | wc -l) packs"
[ "$records" -eq "$total" ] || { echo "expected $total incident records" >&2; exit 1; }
echo "== git fsck --strict" >&2
time git -C "$git_dir" fsck --strict --no-dangling >&2 && echo "git fsck --strict: clean"
