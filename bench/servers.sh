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
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
