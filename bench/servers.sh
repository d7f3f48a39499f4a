# Sourced by the benchmarks that start servers: a scratch folder, the servers' pids, and stopping them on exit.
# SIGTERM, then SIGKILL after 5 s: everything a benchmark checks is durable before the responses, so a kill loses
# nothing it measures.
work=$(mktemp -d)
pids=()
stop_servers() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}
trap 'stop_servers; rm -rf "$work"' EXIT
# quiet_wiki RUNBOOK HOME: the embedded wiki of HOME created from the bundled one, without its escalation policy, so
# alerts page nobody (as Alertmanager's null receiver notifies nobody); with PAGING=1, left as bundled (every alert
# pages the example on-call person by voice and webhook).
quiet_wiki() {
    [ "${PAGING:-0}" = 1 ] && return 0
    RUNBOOK_HOME="$2" "$1" init "$2/wiki" > /dev/null
    git -C "$2/wiki" rm -q oncall/policies/default.yaml
    git -C "$2/wiki" -c user.name=bench -c user.email=bench@localhost commit -qm "Bench: page nobody"
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
