#!/usr/bin/env bash
# Benchmark: time from an alert's POST to the first notification delivered to a webhook receiver, ours against
# Prometheus Alertmanager (Debian package; route with group_by: [id], group_wait: 0s, a webhook receiver), the same
# alerts to the same receiver (bench/paging.py: it sends and receives, so both times come from one monotonic clock).
# Each alert has its own `id` label: a new incident and escalation for ours, a new alert group for Alertmanager.
# Alerts go one per request at RATE/s, so neither server is measured queueing.
#
# Then, ours only: PENDING open incidents each with a pending escalation (level 1 paged, level 2 due in an hour):
# resident memory per pending escalation (against the same incidents opened with no on-call policy), and the
# server's CPU while idle with all of them pending (utime+stime from /proc over IDLE seconds).
#
# Target: our p99 <= Alertmanager's p99.
# Usage: bench/paging.sh   (COUNT=1000 RATE=50 PENDING=10000 IDLE=30; ALERTMANAGER=path picks the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
count=${COUNT:-1000}
rate=${RATE:-50}
pending=${PENDING:-10000}
idle=${IDLE:-30}
alertmanager=${ALERTMANAGER:-$(command -v prometheus-alertmanager || command -v alertmanager || true)}
[ -x "$alertmanager" ] || { echo "no Alertmanager: install prometheus-alertmanager or set ALERTMANAGER=path" >&2; exit 1; }

source bench/servers.sh

echo "== building (release)" >&2
swift build -c release --product runbook >&2
runbook="$(swift build -c release --show-bin-path)/runbook"
wait_for() { for _ in $(seq 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "$1 did not come up" >&2; exit 1; }
receiver_port=$(free_port)
export RECEIVER_PORT=$receiver_port

# Our wiki: the bundled one, with one person paged by webhook, no storm digest, and a second level an hour later.
start_ours() { # NAME POLICY(yes|no): sets port, pid, token
    local home="$work/$1"
    mkdir -p "$home"
    "$runbook" init "$home/wiki" >/dev/null
    cat > "$home/wiki/oncall/people.yaml" <<YAML
people:
  - id: bench
    name: Bench
    time_zone: UTC
    contacts:
      - { name: hook, type: webhook, secret: bench-webhook }
    notify:
      - { contact: hook, after: 0m }
YAML
    cat > "$home/wiki/oncall/policies/default.yaml" <<YAML
levels:
  - notify: [ { person: bench } ]
    wait: 1h
  - notify: [ { person: bench } ]
    wait: 1h
YAML
    rm -f "$home/wiki/oncall/schedules/"*.yaml
    if [ "$2" = yes ]; then printf 'default_policy:\n  "*": default\n' > "$home/wiki/config/oncall.yaml"
    else printf 'default_policy: {}\n' > "$home/wiki/config/oncall.yaml"; fi
    git -C "$home/wiki" -c user.name=bench -c user.email=bench@example.com commit -qam "bench on-call"
    printf 'link_key: %s\nvalues:\n  bench-webhook: http://127.0.0.1:%s/hook\n' "$(head -c 32 /dev/urandom | base64)" "$receiver_port" \
        > "$home/secrets.yaml"
    chmod 600 "$home/secrets.yaml"
    token=$(RUNBOOK_HOME="$home" "$runbook" tokens add bench --role responder --token-file "$home/tokens")
    serve_ours "$1"
}

serve_ours() { # NAME: (re)starts the server on its home; sets port, pid
    local home="$work/$1"
    : > "$home/out"
    RUNBOOK_HOME="$home" RUNBOOK_PORT=0 RUNBOOK_TOKEN_FILE="$home/tokens" RUNBOOK_LOG_LEVEL=error "$runbook" serve \
        > "$home/out" 2> "$home/err" &
    pid=$!
    pids+=("$pid")
    port=""
    for _ in $(seq 600); do
        port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$home/out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$home/err" >&2; echo "the server did not start" >&2; exit 1; }
}

start_alertmanager() { # sets port, pid
    port=$(free_port)
    mkdir -p "$work/am"
    cat > "$work/am/alertmanager.yml" <<YAML
route:
  receiver: hook
  group_by: ["id"]
  group_wait: 0s
  group_interval: 1m
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$receiver_port/hook
        send_resolved: false
YAML
    "$alertmanager" --config.file="$work/am/alertmanager.yml" --storage.path="$work/am/data" \
        --web.listen-address="127.0.0.1:$port" --cluster.listen-address= --log.level=warn > "$work/am/out" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_for "http://127.0.0.1:$port/-/ready"
}

echo "== load before: $(uptime)" >&2
echo "== Alertmanager: $count alerts at $rate/s" >&2
start_alertmanager
am=$(RUN_ID=am python3 bench/paging.py alertmanager "http://127.0.0.1:$port" "$count" "$rate")
echo "alertmanager $am" >&2
stop_servers

echo "== ours: $count alerts at $rate/s" >&2
start_ours latency yes
ours=$(RUN_ID=ours python3 bench/paging.py runbook "http://127.0.0.1:$port" "$count" "$rate" "$token")
echo "ours $ours" >&2
stop_servers

p() { echo " $1" | sed -n "s/.* $2=\([0-9.na]*\).*/\1/p"; }
rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Memory: PENDING incidents opened in requests of 100 alerts, with and without a policy to escalate them.
open_many() { # URL TOKEN PREFIX
    python3 - "$1" "$2" "$3" "$pending" <<'PY'
import json, sys, urllib.request
url, token, prefix, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
for start in range(0, count, 100):
    alerts = [{"status": "firing", "labels": {"alertname": "PagingBench", "id": f"{prefix}-{i}"},
               "annotations": {"summary": f"pending {i}"}, "startsAt": "2026-12-03T00:00:00Z", "fingerprint": f"{prefix}-{i}"}
              for i in range(start, min(count, start + 100))]
    body = {"version": "4", "status": "firing", "receiver": "r", "groupKey": "g", "groupLabels": {}, "commonLabels": {},
            "commonAnnotations": {}, "externalURL": "x", "alerts": alerts}
    request = urllib.request.Request(url + "/api/v1/alerts/alertmanager", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    urllib.request.urlopen(request, timeout=60).read()
PY
}
python3 -c '
import http.server, os
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["RECEIVER_PORT"])), H).serve_forever()' &
pids+=($!)
measure_pending() { # NAME POLICY: prints "rss_before rss_after pages rss_restarted"
    start_ours "$1" "$2"
    sleep 1
    local before
    before=$(rss "$pid")
    open_many "http://127.0.0.1:$port" "$token" "$1"
    # Every incident's page delivered (or nothing to page): the audit branch settles.
    local last="" now
    for _ in $(seq 600); do
        now=$(git -C "$work/$1/wiki" rev-parse audit)
        [ "$now" = "$last" ] && break
        last=$now
        sleep 1
    done
    local pages after
    pages=$(git -C "$work/$1/wiki" log --format=%s audit | grep -c ': notified: ' || true)
    after=$(rss "$pid")
    # The memory the pending escalations hold at rest, without the peak of opening and paging them: a new process
    # reads them back from the audit branch.
    stop_servers
    serve_ours "$1"
    sleep 5
    echo "$before $after $pages $(rss "$pid")"
}
echo "== ours: $pending incidents with a pending escalation" >&2
# Not in a subshell: the server's pid (and the list stop_servers kills) must stay this shell's.
measure_pending pending yes > "$work/with.txt"
read -r with_before with_after with_pages with_restarted < "$work/with.txt"
pending_pid=$pid
cpu_start=$(cpu "$pending_pid")
sleep "$idle"
cpu_end=$(cpu "$pending_pid")
ticks=$(getconf CLK_TCK)
idle_cpu=$(awk -v a="$cpu_start" -v b="$cpu_end" -v t="$ticks" -v s="$idle" 'BEGIN { printf "%.3f", (b - a) / t / s * 100 }')
kill "$pending_pid"
echo "== ours: $pending incidents with no policy (nothing to escalate)" >&2
measure_pending plain no > "$work/without.txt"
read -r without_before without_after without_pages without_restarted < "$work/without.txt"
stop_servers

per_with=$(awk -v a="$with_before" -v b="$with_after" -v n="$pending" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
per_without=$(awk -v a="$without_before" -v b="$without_after" -v n="$pending" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
per_escalation=$((per_with - per_without))
at_rest=$(awk -v a="$with_restarted" -v b="$without_restarted" -v n="$pending" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }')
echo "== load after: $(uptime)" >&2
echo
printf '%-40s %10s %10s %10s %10s %14s %14s\n' "first notification after POST" "delivered" "p50 ms" "p99 ms" "max ms" \
    "POST 2xx p50" "POST 2xx p99"
for side in am ours; do
    line=${!side}
    name="Alertmanager (group_wait 0s, webhook)"
    [ "$side" = ours ] && name="ours (incident + escalation, webhook)"
    printf '%-40s %10s %10s %10s %10s %14s %14s\n' "$name" "$(p "$line" delivered)" "$(p "$line" p50_ms)" "$(p "$line" p99_ms)" \
        "$(p "$line" max_ms)" "$(p "$line" answer_p50_ms)" "$(p "$line" answer_p99_ms)"
done
awk -v a="$(p "$ours" p99_ms)" -v b="$(p "$am" p99_ms)" 'BEGIN { printf "p99 ratio ours/Alertmanager: %.2f (target <= 1.0)\n", a / b }'
echo
echo "$pending open incidents with a pending escalation: $with_pages pages delivered; RSS $((with_before / 1024)) -> $((with_after / 1024)) MiB"
echo "  the same incidents with no policy: $without_pages pages; RSS $((without_before / 1024)) -> $((without_after / 1024)) MiB"
echo "  memory per incident with its escalation: $per_with bytes; without: $per_without bytes; the escalation's share: $per_escalation bytes"
echo "  after a restart (read back from the audit branch): RSS $((with_restarted / 1024)) MiB with the escalations pending," \
    "$((without_restarted / 1024)) MiB without: $at_rest bytes per pending escalation at rest"
echo "  CPU of the idle server with $pending escalations pending, over ${idle} s: ${idle_cpu}%"
