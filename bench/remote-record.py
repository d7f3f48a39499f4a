#!/usr/bin/env python3
"""Checks one run's record (`runbook runs show RUN --json` on stdin) for bench/remote.sh and prints its figures.

Usage: remote-record.py STEPS HOSTS < record.json

Exits 1 unless the run succeeded with STEPS steps, each succeeded, each on HOSTS hosts (1: a `host=` step, more: a
`hosts=` step with one succeeded entry per host). Prints `key value` pairs on one line:
    steps N  step_seconds_sum S  step_ms_median M  step_ms_max X  host_ms_median H
step_seconds_sum adds each step's recorded duration (from starting its `ssh` to its exit, as the executor measured
it); host_ms_median is the median of the per-host durations of a fanned-out step (the step's own for HOSTS=1).
"""
import json
import statistics
import sys


def main() -> int:
    steps_wanted, hosts_wanted = int(sys.argv[1]), int(sys.argv[2])
    run = json.load(sys.stdin)
    problems = []
    if run.get("state") != "succeeded":
        problems.append(f"run {run.get('id')} is {run.get('state')}: {run.get('outcome')}")
    steps = run.get("steps", [])
    if len(steps) != steps_wanted:
        problems.append(f"{len(steps)} steps, expected {steps_wanted}")
    host_durations = []
    for step in steps:
        if step.get("state") != "succeeded":
            problems.append(f"step {step.get('id')} is {step.get('state')} (exit {step.get('exit_code')})")
        if hosts_wanted == 1:
            if not step.get("host"):
                problems.append(f"step {step.get('id')} ran on no inventory host")
            host_durations.append(step.get("duration_seconds") or 0)
        else:
            hosts = step.get("hosts") or []
            done = [h for h in hosts if h.get("state") == "succeeded"]
            if len(hosts) != hosts_wanted or len(done) != hosts_wanted:
                problems.append(f"step {step.get('id')}: {len(done)} of {len(hosts)} hosts succeeded, expected {hosts_wanted}")
            host_durations += [h.get("duration_seconds") or 0 for h in hosts]
    if problems:
        print("; ".join(problems[:5]), file=sys.stderr)
        return 1
    durations = [s.get("duration_seconds") or 0 for s in steps]
    print(f"steps {len(steps)} step_seconds_sum {sum(durations):.4f} step_ms_median {statistics.median(durations) * 1000:.2f} "
          f"step_ms_max {max(durations) * 1000:.2f} host_ms_median {statistics.median(host_durations) * 1000:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
