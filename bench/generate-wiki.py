#!/usr/bin/env python3
"""Generate a wiki git repository of N synthetic runbooks (~3 KB, 3-5 steps each).

Deterministic for a given seed, so two runs measure the same input.
Usage: generate-wiki.py OUT_DIR [--count 10000] [--seed 1]
"""
import argparse
import os
import random
import subprocess

WORDS = ("disk queue latency replica certificate memory cpu socket backlog shard node pod volume "
         "ingress gateway cache lease lock index compaction snapshot journal partition consumer "
         "producer broker worker scheduler kernel inode mount route resolver").split()
SERVICES = ["checkout", "payments", "search", "auth", "billing", "catalog", "ledger", "mailer"]
SEVERITIES = ["critical", "warning", "error", "info"]


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(2, 4)))


def step(rng, number):
    title = f"Check {rng.choice(WORDS)} {rng.choice(WORDS)} {number}"
    attrs = [f"id=step-{number}", f"timeout={rng.choice([10, 30, 60])}s"]
    if rng.random() < 0.3:
        attrs.append("retries=2 retry-delay=5s")
    if rng.random() < 0.2:
        attrs.append("approve=true")
    lines = [f'echo "checking {rng.choice(WORDS)} on $HOST"'] + [
        f'test -n "$HOST" && printf "%s\\n" "{rng.choice(WORDS)} {rng.randint(1, 999)}"' for _ in range(rng.randint(3, 8))
    ]
    return f"## {title}\n\n{paragraph(rng)}\n\n```sh {{{' '.join(attrs)}}}\n" + "\n".join(lines) + "\n```\n"


def runbook(rng, index):
    service = rng.choice(SERVICES)
    alert = "".join(w.capitalize() for w in rng.sample(WORDS, 3))
    front = (
        "---\n"
        f"title: {alert} on {service} ({index})\n"
        f"owner: team-{service}\n"
        f"service: {service}\n"
        "match:\n"
        f'  - alertname="{alert}{index}"\n'
        f'  - severity=~"{rng.choice(SEVERITIES)}|{rng.choice(SEVERITIES)}"\n'
        f'  - env!="dev"\n'
        f"impact: {rng.randint(1, 3)}\n"
        "params:\n"
        "  HOST: { from: labels.instance, required: true, pattern: '^[a-z0-9.-]+(:[0-9]+)?$' }\n"
        '  MOUNT: { from: labels.mountpoint, default: "/" }\n'
        "timeout: 15m\n"
        "concurrency: 1\n"
        "---\n\n"
    )
    body = f"# {alert} on {service}\n\n{paragraph(rng)}\n\n{paragraph(rng)}\n\n"
    steps = "\n".join(step(rng, n + 1) for n in range(rng.randint(3, 5)))
    return front + body + steps + f"\n## Notes\n\n{paragraph(rng)}\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = os.path.join(args.out, "runbooks")
    os.makedirs(folder, exist_ok=True)
    total = 0
    for index in range(args.count):
        text = runbook(rng, index)
        total += len(text)
        # 100 per folder, as a large wiki would group them.
        sub = os.path.join(folder, f"team-{index // 100:03d}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"runbook-{index:05d}.md"), "w") as handle:
            handle.write(text)
    git = ["git", "-C", args.out, "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run(["git", "init", "-q", "-b", "main", args.out], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", f"{args.count} generated runbooks"], check=True)
    print(f"generated {args.count} runbooks, {total / args.count / 1024:.1f} KiB each on average, in {args.out}")


if __name__ == "__main__":
    main()
