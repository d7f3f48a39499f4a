#!/usr/bin/env bash
# Benchmark: the executor running a runbook of STEPS `true` steps (each a real process, every step's start and end an
# audit commit, all durable when the run returns) against a bash loop running the same commands as separate
# processes, in the same run; then the latency from `trigger` to the first step's start over TRIGGERS triggers.
#
# The peers: the executor runs each step as its interpreter (/bin/sh) with the step's script file, so the fair peer is
# the same script files (written by `ExecutorBench scripts`, byte for byte what the executor writes) run as
# `/bin/sh FILE` in a bash loop. `/bin/true` run STEPS times is shown too, as the floor of one process per command.
#
# Latency: TRIGGERS triggers one after the other on a fresh wiki with a one-step runbook (`true`), each with a distinct
# `instance` label so each opens a new incident (no dedup); from the call to `Executor.trigger` to the first
# `.stepStarted` progress event. That includes the incident's open, the run link and the move to In Progress
# (durable commits) and the run's queue and start.
#
# Target: ours <= 1.2x the `/bin/sh FILE` peer (issue 16; it was 1.5x before).
# Usage: bench/executor.sh     (STEPS=200 TRIGGERS=1000 RUNS=3 to change the sizes, LATENCY_RUNS=1 for one latency run
#                               (default RUNS); TRIGGERS=200 RUNS=1 is a quick run; TMPDIR=... picks the file system
#                               the repositories go on; JOURNAL=0 acknowledges each event once committed, as CLI
#                               commands do, instead of once in the intake journal, as the server does)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
steps=${STEPS:-200}
triggers=${TRIGGERS:-1000}
runs=${RUNS:-3}
latency_runs=${LATENCY_RUNS:-$runs}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== building (release)" >&2
swift build -c release --product ExecutorBench >&2
bench="$(swift build -c release --show-bin-path)/ExecutorBench"

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { awk -v name="$1" '{ for (i = 1; i < NF; i++) if ($i == name) print $(i + 1) }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

interpreter=$("$bench" scripts "$work/scripts" --steps "$steps")
[ "$(find "$work/scripts" -name '*.script' | wc -l)" -eq "$steps" ] || { echo "wrong number of step scripts" >&2; exit 1; }

peer_scripts() {
    local start; start=$(now)
    for file in "$work/scripts"/*.script; do "$interpreter" "$file"; done
    local end; end=$(now)
    awk "BEGIN { print $end - $start }"
}
peer_true() {
    local start; start=$(now)
    for ((i = 0; i < steps; i++)); do /bin/true; done
    local end; end=$(now)
    awk "BEGIN { print $end - $start }"
}

echo "== $steps steps: peers and ours, $runs runs (interleaved)" >&2
for run in $(seq "$runs"); do
    peer_scripts | tee -a "$work/peer-scripts" | sed "s|^|peer $interpreter FILE x$steps: |; s|\$| s|" >&2
    peer_true | tee -a "$work/peer-true" | sed "s|^|peer /bin/true x$steps: |; s|\$| s|" >&2
    "$bench" steps "$work/steps-$run" --steps "$steps" | tee -a "$work/steps.log" >&2
    rm -rf "$work/steps-$run"
done
peer_scripts_s=$(median < "$work/peer-scripts")
peer_true_s=$(median < "$work/peer-true")
ours_s=$(field steps_seconds < "$work/steps.log" | median)
# The breakdown comes from the run whose total is the median.
median_run=$(awk -v m="$ours_s" '{ for (i = 1; i < NF; i++) if ($i == "steps_seconds" && $(i + 1) == m) { print; exit } }' "$work/steps.log")
before_ms=$(field before_first_step_ms <<< "$median_run")
span_s=$(field steps_span_seconds <<< "$median_run")
after_ms=$(field after_last_step_ms <<< "$median_run")
process_s=$(field step_process_seconds <<< "$median_run")
commits=$(field audit_commits <<< "$median_run")

echo "== trigger to first step started: $triggers triggers, $latency_runs runs" >&2
for run in $(seq "$latency_runs"); do
    "$bench" latency "$work/latency-$run" --count "$triggers" | tee -a "$work/latency.log" >&2
    rm -rf "$work/latency-$run"
done
p50=$(field first_step_ms_p50 < "$work/latency.log" | median)
p99=$(field first_step_ms_p99 < "$work/latency.log" | median)
max=$(field first_step_ms_max < "$work/latency.log" | median)
trigger_p50=$(field trigger_ms_p50 < "$work/latency.log" | median)
trigger_p99=$(field trigger_ms_p99 < "$work/latency.log" | median)

echo "== signing and anchoring one audit commit" >&2
mkdir -p "$work/sign"
signing=$("$bench" sign "$work/sign" --count 10000 | tee /dev/stderr)

per_step() { calc '%.2f' "$1 * 1000 / $steps"; }
line() { printf '%-40s %s\n' "$1" "$2"; }
printf '\n%d steps running `true`; %d cores; median of %d runs\n' "$steps" "$(nproc)" "$runs"
line "peer, bash loop, $interpreter FILE:" "$(calc '%.3f' "$peer_scripts_s") s  $(per_step "$peer_scripts_s") ms/step"
line "peer, bash loop, /bin/true:" "$(calc '%.3f' "$peer_true_s") s  $(per_step "$peer_true_s") ms/step"
line "ours, Executor.run (durable audit):" "$(calc '%.3f' "$ours_s") s  $(per_step "$ours_s") ms/step  ($commits audit commits)"
line "  ratio to the $interpreter FILE peer:" "$(calc '%.2f' "$ours_s / $peer_scripts_s")x  (target <= 1.2x)"
line "  ratio to the /bin/true peer:" "$(calc '%.2f' "$ours_s / $peer_true_s")x"
line "  overhead per step over $interpreter FILE:" "$(calc '%.2f' "($ours_s - $peer_scripts_s) * 1000 / $steps") ms"
line "  median run: to the first step" "$before_ms ms"
line "    first step start to last step end" "$span_s s (the step processes alone: $process_s s)"
line "    last step end to return" "$after_ms ms (audit journal drained, incident resolved)"
line "trigger -> first step started:" "p50 $p50 ms, p99 $p99 ms, max $max ms  ($triggers triggers, median of $latency_runs)"
line "whole trigger (open, run, resolve):" "p50 $trigger_p50 ms, p99 $trigger_p99 ms"
line "per audit commit, in these runs:" "signature $(field sign_us <<< "$signing") us, anchor record $(field anchor_us <<< "$signing") us (per batch)"
