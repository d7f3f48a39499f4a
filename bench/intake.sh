#!/usr/bin/env bash
# Benchmark: alert intake throughput (alerts/s) and per-request latency (p50/p99) of the server's Alertmanager
# endpoint, POST /api/v1/alerts/alertmanager (each firing alert opens an incident, committed durably to git before
# the 200, in the intake journal, and on the audit branch within a commit cycle), against Prometheus Alertmanager's own POST /api/v2/alerts (alerts kept in memory) with the same alerts,
# in the same run on the same machine.
#
# COUNT distinct label sets (alertname=BenchAlert, instance=host-N, job, severity: no bundled runbook matches, so
# no runbook runs), sent once in requests of 1 and once in requests of 100 alerts (BATCHES), over CONNECTIONS
# keep-alive connections by IntakeBench (bench/IntakeBench: raw sockets, one thread per connection, every request
# encoded before the clock starts). Each batch size and each run gets fresh servers: a fresh RUNBOOK_HOME (fresh
# git repositories) and a fresh Alertmanager storage dir, so every run opens COUNT new incidents / creates COUNT new
# alerts. Checked: ours answers every alert with outcome "opened" (counted) and the audit branch holds COUNT incident
# records; Alertmanager answers 200 to every request and GET /api/v2/alerts lists COUNT alerts afterwards.
# The generator's own ceiling is measured against GET /healthz (ours) and GET /-/healthy (Alertmanager).
#
# Also in the same run: PostgreSQL 15 (fsync=on, synchronous_commit=on) inserting the same alerts through pgbench with
# the same concurrency (one transaction per request), as the durable reference; and our CPU-seconds per 1,000 alerts.
#
# Targets (issue 16): ours / Alertmanager >= 1.0 at 100 alerts per request; >= 0.5 with p99 <= 20 ms at 1 per request.
# The server's wiki pages nobody (its escalation policy removed), as Alertmanager's null receiver notifies nobody;
# PAGING=1 keeps the bundled one, which pages the example on-call person for every alert.
# Usage: bench/intake.sh     (COUNT=10000 BATCHES="1 100" CONNECTIONS=8 RUNS=1 to change the sizes;
#                             COUNT=2000 is a quick run; ALERTMANAGER=path picks the binary; TMPDIR=... picks the
#                             file system the repositories go on; PROFILE=1 records `perf record -g` of our server
#                             during its runs into $PERF_DIR (default ./perf-intake))
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
count=${COUNT:-10000}
batches=${BATCHES:-1 100}
connections=${CONNECTIONS:-8}
runs=${RUNS:-1}
alertmanager=${ALERTMANAGER:-$(command -v prometheus-alertmanager || command -v alertmanager || true)}
profile=${PROFILE:-0}
perf_dir=${PERF_DIR:-$PWD/perf-intake}
[ -x "$alertmanager" ] || { echo "no Alertmanager: install prometheus-alertmanager or set ALERTMANAGER=path" >&2; exit 1; }
command -v curl >/dev/null && command -v jq >/dev/null || { echo "needs curl and jq" >&2; exit 1; }

source bench/servers.sh

echo "== building (release)" >&2
swift build -c release --product runbook >&2
swift build -c release --product IntakeBench >&2
bin="$(swift build -c release --show-bin-path)"
runbook="$bin/runbook"
bench="$bin/IntakeBench"

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { awk -v name="$1" '{ for (i = 1; i < NF; i++) if ($i == name) print $(i + 1) }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
wait_for() { # URL: up to 60 s
    for _ in $(seq 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "$1 did not answer" >&2; exit 1
}

cat > "$work/alertmanager.yml" <<'EOF'
route:
  receiver: "null"
  group_by: ["alertname"]
receivers:
  - name: "null"
EOF

start_ours() { # NAME: starts the server on a fresh RUNBOOK_HOME; sets ours_port, ours_pid, token, home
    home="$work/$1/home"
    mkdir -p "$home"
    quiet_wiki "$runbook" "$home"
    token=$(RUNBOOK_HOME="$home" "$runbook" tokens add bench --role responder --token-file "$home/tokens")
    RUNBOOK_HOME="$home" RUNBOOK_PORT=0 RUNBOOK_TOKEN_FILE="$home/tokens" "$runbook" serve > "$work/$1/ours.out" 2> "$work/$1/ours.err" &
    ours_pid=$!
    pids+=("$ours_pid")
    for _ in $(seq 1200); do
        ours_port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/$1/ours.out")
        [ -n "$ours_port" ] && break
        kill -0 "$ours_pid" 2>/dev/null || { cat "$work/$1/ours.err" >&2; echo "the server exited" >&2; exit 1; }
        sleep 0.1
    done
    [ -n "$ours_port" ] || { echo "the server did not start" >&2; exit 1; }
    wait_for "http://127.0.0.1:$ours_port/healthz"
}

start_alertmanager() { # NAME: sets am_port, am_pid
    am_port=$(free_port)
    mkdir -p "$work/$1/am-data"
    "$alertmanager" --config.file="$work/alertmanager.yml" --storage.path="$work/$1/am-data" \
        --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= --log.level=warn \
        --web.get-concurrency="$((connections > 8 ? connections : 8))" \
        > "$work/$1/am.out" 2> "$work/$1/am.err" &
    am_pid=$!
    pids+=("$am_pid")
    wait_for "http://127.0.0.1:$am_port/-/ready"
}

echo "== load before: $(uptime)" >&2
load_before=$(uptime | sed 's/.*load average: //')

# The generator's ceiling: the same threads and connections against each server's trivial endpoint.
mkdir -p "$work/ceiling"
start_ours ceiling
start_alertmanager ceiling
"$bench" get --port "$ours_port" --path /healthz --count 100000 --connections "$connections" | tee "$work/ceiling-ours.log" >&2
"$bench" get --port "$am_port" --path /-/healthy --count 100000 --connections "$connections" | tee "$work/ceiling-am.log" >&2
stop_servers
ceiling_ours=$(field requests_per_second < "$work/ceiling-ours.log")
ceiling_am=$(field requests_per_second < "$work/ceiling-am.log")

for batch in $batches; do
    for run in $(seq "$runs"); do
        name="b$batch-r$run"
        mkdir -p "$work/$name"
        start_ours "$name"
        start_alertmanager "$name"
        echo "== $count alerts, $batch per request, $connections connections, run $run: ours on :$ours_port, Alertmanager on :$am_port" >&2
        drive_ours() {
            if [ "$profile" = 1 ] && command -v perf >/dev/null; then
                mkdir -p "$perf_dir"
                perf record -g -F 499 -p "$ours_pid" -o "$perf_dir/ours-b$batch-r$run.data" 2> "$work/$name/perf.err" &
                local perf_pid=$!
                sleep 0.5
            fi
            local cpu_before cpu_after
            cpu_before=$(awk '{ print $14 + $15 }' "/proc/$ours_pid/stat")
            "$bench" webhook --port "$ours_port" --token "$token" --count "$count" --batch "$batch" --connections "$connections" \
                | sed 's/^/ours /' | tee -a "$work/ours-$batch.log" >&2
            # The last alert was acknowledged once journaled: wait for the commit cycles to put everything on the
            # branch (the journal's folder empties), and count their CPU too.
            local journal drained_ms started
            journal="$(git -C "$home/wiki" rev-parse --absolute-git-dir)/runbook-audit.journal"
            started=$(date +%s%N)
            while compgen -G "$journal/[0-9]*" > /dev/null; do sleep 0.005; done
            drained_ms=$(( ($(date +%s%N) - started) / 1000000 ))
            echo "ours: journal drained ${drained_ms} ms after the last acknowledgement" >&2
            echo "$drained_ms" >> "$work/drain-$batch.log"
            cpu_after=$(awk '{ print $14 + $15 }' "/proc/$ours_pid/stat")
            calc '%.3f\n' "($cpu_after - $cpu_before) / $(getconf CLK_TCK) * 1000 / $count" >> "$work/cpu-$batch.log"
            if [ -n "${perf_pid:-}" ]; then
                # A perf that stopped early says why; the run's numbers stand either way.
                kill -INT "$perf_pid" 2>/dev/null || { echo "perf record ended early:" >&2; cat "$work/$name/perf.err" >&2; }
                wait "$perf_pid" || true
            fi
        }
        drive_am() {
            "$bench" alertmanager --port "$am_port" --count "$count" --batch "$batch" --connections "$connections" \
                | sed 's/^/alertmanager /' | tee -a "$work/am-$batch.log" >&2
        }
        # Alternate who goes first from run to run.
        if [ $((run % 2)) -eq 1 ]; then drive_am; drive_ours; else drive_ours; drive_am; fi

        # Proof the work was done.
        opened=$(tail -n 1 "$work/ours-$batch.log" | field opened)
        [ "$opened" -eq "$count" ] || { echo "ours: $opened of $count alerts opened an incident" >&2; exit 1; }
        listed=$(curl -fsS "http://127.0.0.1:$am_port/api/v2/alerts?silenced=false&inhibited=false" | jq length)
        [ "$listed" -eq "$count" ] || { echo "Alertmanager lists $listed of $count alerts" >&2; exit 1; }
        curl -fsS "http://127.0.0.1:$ours_port/metrics" > "$work/$name/metrics"
        commit_sum=$(awk '$1 == "runbook_audit_commit_seconds_sum" { print $2 }' "$work/$name/metrics")
        commit_count=$(awk '$1 == "runbook_audit_commit_seconds_count" { print $2 }' "$work/$name/metrics")
        stop_servers
        # The incident records on the audit branch of the embedded wiki (each 200 came after its journal sync).
        records=$(git -C "$home/wiki" ls-tree -r --name-only audit | grep -c '/record\.md$' || true)
        commits=$(git -C "$home/wiki" rev-list --count audit)
        [ "$records" -eq "$count" ] || { echo "ours: $records incident records on the audit branch, not $count" >&2; exit 1; }
        echo "verified: ours $opened opened, $records incident records in git ($commits commits on that branch, mean $(calc '%.2f' "$commit_sum * 1000 / $commit_count") ms from admit to durable per alert over $commit_count); Alertmanager lists $listed alerts" >&2
        echo "$records $commits $commit_sum $commit_count" >> "$work/verify-$batch.log"
    done
done

# The durable reference: PostgreSQL 15 (fsync=on, synchronous_commit=on) inserting the same alerts through pgbench
# with the same concurrency: one transaction per request, each durable (one WAL append + fdatasync shared by the
# transactions waiting then) before the client hears of it. As the postgres user: initdb refuses root.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -x "$pg_bin/initdb" ] && command -v pgbench >/dev/null && id postgres >/dev/null 2>&1; then
    pg_dir="$work/pg"
    mkdir -p "$pg_dir" && chown postgres "$pg_dir" && chmod 755 "$work"
    pg_port=$(free_port)
    runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres > "$work/pg-init.log" 2>&1
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
        -o "-p $pg_port -k $pg_dir -c fsync=on -c synchronous_commit=on -c wal_sync_method=fdatasync -c max_connections=$((connections + 10))" \
        start > /dev/null
    psql_pg() { runuser -u postgres -- psql -h "$pg_dir" -p "$pg_port" -U postgres -q "$@"; }
    psql_pg -c "create table alerts (id bigserial primary key, fingerprint text not null, labels jsonb not null,
                annotations jsonb, starts_at timestamptz, received_at timestamptz default now());"
    cat > "$pg_dir/b1.sql" <<'EOF2'
\set n random(1, 1000000000)
INSERT INTO alerts(fingerprint, labels, annotations, starts_at) VALUES (:n::text,
  jsonb_build_object('alertname','BenchAlert','instance','host-'||:n,'job','node','severity','warning'), '{"summary":"bench alert"}', now());
EOF2
    cat > "$pg_dir/b100.sql" <<'EOF2'
\set n random(1, 1000000000)
INSERT INTO alerts(fingerprint, labels, annotations, starts_at) SELECT (:n + g)::text, jsonb_build_object('alertname',
  'BenchAlert','instance','host-'||(:n + g),'job','node','severity','warning'), '{"summary":"bench alert"}', now()
  FROM generate_series(1,100) g;
EOF2
    chmod 644 "$pg_dir"/*.sql
    for batch in $batches; do
        script="$pg_dir/b$batch.sql"
        [ -f "$script" ] || continue
        transactions=$(( (count / batch + connections - 1) / connections ))
        runuser -u postgres -- pgbench -n -h "$pg_dir" -p "$pg_port" -U postgres -c "$connections" -j 2 -t "$transactions" -f "$script" postgres \
            > "$work/pg-$batch.log" 2>&1 || { cat "$work/pg-$batch.log" >&2; }
        tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pg-$batch.log" | head -n 1)
        latency=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$work/pg-$batch.log")
        echo "postgres batch $batch: tps $tps, latency average $latency ms" >&2
        echo "$tps $latency" > "$work/pg-result-$batch"
    done
    rows=$(psql_pg -At -c "select count(*) from alerts")
    echo "verified: PostgreSQL holds $rows alerts" >&2
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop > /dev/null
fi

echo "== load after: $(uptime)" >&2
load_after=$(uptime | sed 's/.*load average: //')

printf '\n%d distinct alerts per run, %d connections, %d cores, median of %d run(s); load before %s, after %s\n' \
    "$count" "$connections" "$(nproc)" "$runs" "$load_before" "$load_after"
printf 'generator ceiling: %s req/s against GET /healthz (ours), %s req/s against GET /-/healthy (Alertmanager)\n\n' \
    "$ceiling_ours" "$ceiling_am"
printf '%-8s %-44s %12s %10s %10s %10s\n' batch peer alerts/s req/s p50_ms p99_ms
for batch in $batches; do
    am=$(field alerts_per_second < "$work/am-$batch.log" | median)
    ours=$(field alerts_per_second < "$work/ours-$batch.log" | median)
    printf '%-8s %-44s %12.1f %10.1f %10s %10s\n' "$batch" "Alertmanager POST /api/v2/alerts (memory)" "$am" \
        "$(field requests_per_second < "$work/am-$batch.log" | median)" \
        "$(field p50_ms < "$work/am-$batch.log" | median)" "$(field p99_ms < "$work/am-$batch.log" | median)"
    printf '%-8s %-44s %12.1f %10.1f %10s %10s\n' "$batch" "ours POST /api/v1/alerts/alertmanager (git)" "$ours" \
        "$(field requests_per_second < "$work/ours-$batch.log" | median)" \
        "$(field p50_ms < "$work/ours-$batch.log" | median)" "$(field p99_ms < "$work/ours-$batch.log" | median)"
    if [ -f "$work/pg-result-$batch" ]; then
        read -r tps latency < "$work/pg-result-$batch"
        printf '%-8s %-44s %12.1f %10.1f %10s %10s\n' "$batch" "PostgreSQL INSERT via pgbench (durable)" \
            "$(calc '%.1f' "$tps * $batch")" "$tps" "$latency(avg)" "-"
    fi
    printf '%-8s %-44s %12s\n' "$batch" "ours: CPU-seconds per 1,000 alerts" "$(median < "$work/cpu-$batch.log")"
    printf '%-8s %-44s %12s\n' "$batch" "ours: ms from last 2xx to all on the branch" "$(median < "$work/drain-$batch.log")"
    read -r records commits sum n < <(tail -n 1 "$work/verify-$batch.log")
    target=$([ "$batch" = 1 ] && echo ">= 0.5 with p99 <= 20 ms" || echo ">= 1.0")
    printf '%-8s %-44s %12sx   (target %s; %s incidents in git, %s commits, %s ms mean admit-to-durable)\n' "$batch" \
        "ratio ours / Alertmanager (throughput)" "$(calc '%.3f' "$ours / $am")" "$target" "$records" "$commits" "$(calc '%.2f' "$sum * 1000 / $n")"
done
