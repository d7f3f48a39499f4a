#!/usr/bin/env bash
# Benchmark: durable incident opens per second through the incident store and its audit log,
# against a naive peer doing the same work with the git CLI in the same run: per event, write the
# record file (the same size as ours) into a work tree, `git add` it and `git commit` it. Then the
# rate with HISTORY incidents already on the audit branch, and the start-up (recovery) time there.
#
# Every open of ours is acknowledged only after its commit and the branch update are on disk
# (group commit: one syncfs per batch). The peer is measured twice: with git's defaults (which do
# not fsync loose objects or refs, so not durable) and with core.fsync=committed,index.
#
# Targets: ours >= 20x the peer and >= 1,000 opens/s at COUNT; at HISTORY incidents, within 2x of
# the rate at COUNT.
# Usage: bench/incidents.sh     (COUNT=1000 HISTORY=100000 PEER=300 RUNS=3 CONCURRENCY=64 BATCH=1000
#                                to change the sizes; HISTORY=5000 COUNT=300 PEER=50 RUNS=1 is a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
count=${COUNT:-1000}
history=${HISTORY:-100000}
peer=${PEER:-300}
runs=${RUNS:-3}
concurrency=${CONCURRENCY:-64}
batch=${BATCH:-1000}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== building (release)" >&2
swift build -c release --product IncidentBench >&2
bench="$(swift build -c release --show-bin-path)/IncidentBench"

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { awk -v name="$1" '{ for (i = 1; i < NF; i++) if ($i == name) print $(i + 1) }'; }
ratio() { awk "BEGIN { printf \"%.1f\", $1 / $2 }"; }

# The peer: one process per git call, as a shell script or a hook would do it.
"$bench" record > "$work/record.md"
record_bytes=$(wc -c < "$work/record.md")
peer_run() { # NAME, then extra git options
    local name=$1; shift
    local repo="$work/peer-$name"
    git init -q "$repo"
    git -C "$repo" config user.name bench
    git -C "$repo" config user.email bench@localhost
    local template; template=$(cat "$work/record.md")
    local start; start=$(now)
    for i in $(seq "$peer"); do
        local number; number=$(printf 'INC%07d' "$i")
        local digits=${number#INC}
        local path="incidents/${digits:0:3}/${digits:3:2}/$number/record.md"
        mkdir -p "$repo/$(dirname "$path")"
        printf '%s\n' "${template//INC0000001/$number}" > "$repo/$path"
        git -C "$repo" "$@" add "$path"
        git -C "$repo" "$@" commit -q -m "$number: opened (P2): Disk almost full" \
            -m "Incident: $number"$'\n'"Event: opened"$'\n'"Actor: bench"
    done
    local end; end=$(now)
    [ "$(git -C "$repo" rev-list --count HEAD)" -eq "$peer" ] || { echo "peer $name: wrong commit count" >&2; exit 1; }
    awk "BEGIN { print $peer / ($end - $start) }"
}
echo "== peer: git add + git commit per event, $peer events, record $record_bytes bytes" >&2
peer_default=$(peer_run default)
echo "== peer again with core.fsync=committed,index (durable like ours)" >&2
peer_durable=$(peer_run durable -c core.fsync=committed,index -c core.fsyncMethod=fsync)

echo "== ours: $count opens on a fresh repository, $concurrency tasks, $runs runs" >&2
for run in $(seq "$runs"); do
    "$bench" rate "$work/fresh-$run" --count "$count" --concurrency "$concurrency" | tee -a "$work/fresh.log" >&2
done
fresh=$(field opens_per_second < "$work/fresh.log" | median)
fresh_p99=$(field latency_ms_p99 < "$work/fresh.log" | median)

echo "== building history: $history incidents through the store, batches of up to $batch" >&2
"$bench" history "$work/big" --count "$history" --concurrency "$batch" | tee "$work/history.log" >&2
history_s=$(field history_seconds < "$work/history.log")
history_rate=$(field opens_per_second < "$work/history.log")
big_size=$(du -sh "$work/big" | cut -f1)

echo "== ours: $count more opens with that history, $runs runs" >&2
for _ in $(seq "$runs"); do
    "$bench" rate "$work/big" --count "$count" --concurrency "$concurrency" | tee -a "$work/big.log" >&2
done
big=$(field opens_per_second < "$work/big.log" | median)
big_p99=$(field latency_ms_p99 < "$work/big.log" | median)

echo "== start-up recovery with that history, $runs runs" >&2
for _ in $(seq "$runs"); do
    "$bench" recover "$work/big" | tee -a "$work/recover.log" >&2
done
recovery=$(field recovery_seconds < "$work/recover.log" | median)
recovered=$(field incidents < "$work/recover.log" | tail -n 1)

printf '\nrecord file:                             %d bytes; %d cores; median of %d runs\n' "$record_bytes" "$(nproc)" "$runs"
printf 'peer, git CLI, defaults (no fsync):      %8.1f opens/s\n' "$peer_default"
printf 'peer, git CLI, core.fsync (durable):     %8.1f opens/s\n' "$peer_durable"
printf 'ours at %d (fresh, %d tasks):         %8.1f opens/s, p99 ack %s ms  (target >= 1000)\n' "$count" "$concurrency" "$fresh" "$fresh_p99"
printf '  ratio to the durable peer:             %8sx  (target >= 20x)\n' "$(ratio "$fresh" "$peer_durable")"
printf '  ratio to the peer with git defaults:   %8sx\n' "$(ratio "$fresh" "$peer_default")"
printf 'history of %d built in:              %8.1f s (%.0f opens/s, batches <= %d); repository %s\n' "$history" "$history_s" "$history_rate" "$batch" "$big_size"
printf 'ours with %d in history:             %8.1f opens/s, p99 ack %s ms\n' "$history" "$big" "$big_p99"
printf '  ratio to the rate at %d:             %8s   (target >= 0.5)\n' "$count" "$(ratio "$big" "$fresh")"
printf 'start-up recovery of %d incidents:   %8.3f s\n' "$recovered" "$recovery"
