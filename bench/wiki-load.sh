#!/usr/bin/env bash
# Benchmark: load a wiki of 10,000 runbooks (~3 KB, 3-5 steps each) from git and compare with
# cmark converting the same Markdown in one process, in the same run; then time the reload
# after a commit that changes one runbook.
#
# Targets: cold load <= 1.5x cmark's time; reload after one change < 20 ms.
# Usage: bench/wiki-load.sh            (COUNT=10000 RUNS=5 RELOADS=20 to change the sizes)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
count=${COUNT:-10000}
runs=${RUNS:-5}
reloads=${RELOADS:-20}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== generating $count runbooks" >&2
python3 bench/generate-wiki.py "$work/wiki" --count "$count" >&2
echo "== building (release)" >&2
swift build -c release --product WikiLoadBench >&2
swift build -c release --product runbook >&2
bin=$(swift build -c release --show-bin-path)

now() { date +%s.%N; }
best() { sort -g | head -n 1; }

find "$work/wiki/runbooks" -name '*.md' | sort > "$work/files"
bytes=$(xargs cat < "$work/files" | wc -c)

echo "== cmark: $count files, $bytes bytes, one process, best of $runs" >&2
for _ in $(seq "$runs"); do
    start=$(now); xargs cmark < "$work/files" > /dev/null; end=$(now)
    awk "BEGIN { print $end - $start }"
done | best > "$work/cmark"

echo "== runbook: cold load in a fresh process each time, best of $runs" >&2
for _ in $(seq "$runs"); do
    "$bin/WikiLoadBench" "$work/wiki" 0 | awk '/cold_load_seconds/ {print $2}'
done | best > "$work/load"

echo "== runbook lint --revision HEAD: whole process (start, load, report), best of $runs" >&2
for _ in $(seq "$runs"); do
    start=$(now); "$bin/runbook" lint --wiki "$work/wiki" --revision HEAD > /dev/null 2>&1; end=$(now)
    awk "BEGIN { print $end - $start }"
done | best > "$work/lint"

echo "== reload after one changed runbook, $reloads commits" >&2
reload=$("$bin/WikiLoadBench" "$work/wiki" "$reloads" | tail -n 1)

cmark_s=$(cat "$work/cmark"); load_s=$(cat "$work/load"); lint_s=$(cat "$work/lint")
printf '\nrunbooks:                       %d (%d bytes of Markdown)\n' "$count" "$bytes"
printf 'cmark, one process:             %.3f s\n' "$cmark_s"
printf 'runbook cold load (in process): %.3f s   ratio to cmark %.2fx (target <= 1.5x)\n' "$load_s" "$(awk "BEGIN { print $load_s / $cmark_s }")"
printf 'runbook lint (whole process):   %.3f s   ratio to cmark %.2fx\n' "$lint_s" "$(awk "BEGIN { print $lint_s / $cmark_s }")"
echo "reload after one change:        $reload (target < 20 ms)"
