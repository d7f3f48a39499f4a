#!/usr/bin/env python3
"""The driver of bench/live-state.sh: measures a running `runbook serve` over HTTP, one figure per mode.

    live-state.py runs-list  --url URL --token T [--count N]         GET /api/v1/runs?limit=50 against GET /healthz
    live-state.py approvals  --url URL --token T --pid PID [--runs N] [--subscribers S] [--idle SECONDS]
        N alerts open N runs that wait for approval; the server's CPU while they wait and nothing happens; one
        event (a work note) fanned out to S subscribers of GET /api/v1/events; then each run approved in turn,
        timed from the approval's request to its next step's start (the run's live event stream).

Prints `key value` pairs on the last line, for the shell script to read. Only the standard library.
"""

import argparse
import http.client
import json
import socket
import statistics
import threading
import time
from urllib.parse import urlparse


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class API:
    """One keep-alive connection with the token."""

    def __init__(self, url, token):
        parsed = urlparse(url)
        self.host, self.port, self.token = parsed.hostname, parsed.port, token
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def call(self, method, path, body=None):
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        self.connection.request(method, path, body=body, headers=headers)
        reply = self.connection.getresponse()
        data = reply.read()
        if reply.status >= 300:
            raise RuntimeError(f"{method} {path}: {reply.status} {data[:300]!r}")
        return json.loads(data) if data and reply.getheader("Content-Type", "").startswith("application/json") else data


class EventStream:
    """A Server-Sent Events connection read on a thread of its own; `on_event(name, data, at)` for each event."""

    def __init__(self, host, port, token, path, on_event):
        self.sock = socket.create_connection((host, port))
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
        self.sock.sendall(request.encode())
        self.on_event = on_event
        self.opened = threading.Event()
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()
        if not self.opened.wait(30):
            raise RuntimeError(f"{path}: no answer")

    def read(self):
        buffer = b""
        headers_done = False
        name, data = "message", []
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                at = time.perf_counter()
                buffer += chunk
                if not headers_done:
                    if b"\r\n\r\n" not in buffer:
                        continue
                    head, buffer = buffer.split(b"\r\n\r\n", 1)
                    if not head.startswith(b"HTTP/1.1 200"):
                        raise RuntimeError(head.decode())
                    headers_done = True
                    self.opened.set()
                # The body is chunked: chunk-size lines interleave with the event lines; they never start with
                # "event:" or "data:", so they are skipped like comments.
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    line = line.rstrip(b"\r").decode("utf-8", "replace")
                    if line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("data: "):
                        data.append(line[6:])
                    elif line == "" and data:
                        self.on_event(name, "\n".join(data), at)
                        name, data = "message", []
        except OSError:
            return

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / 100.0


def runs_list(options):
    api = API(options.url, options.token)
    page = api.call("GET", "/api/v1/runs?limit=1")
    total = page["total"]
    ours, health = [], []
    for _ in range(options.count):
        started = time.perf_counter()
        reply = api.call("GET", "/api/v1/runs?limit=50")
        ours.append(time.perf_counter() - started)
        assert len(reply["runs"]) == min(50, total)
        started = time.perf_counter()
        api.call("GET", "/healthz")
        health.append(time.perf_counter() - started)
    ms = lambda value: f"{value * 1000:.3f}"
    print(f"runs {total} requests {options.count} list_p50_ms {ms(percentile(ours, 0.5))} list_p99_ms {ms(percentile(ours, 0.99))}"
          f" healthz_p50_ms {ms(percentile(health, 0.5))} healthz_p99_ms {ms(percentile(health, 0.99))}")


def approvals(options):
    api = API(options.url, options.token)
    host, port = api.host, api.port
    # N runs, each waiting for approval after its first step.
    for index in range(options.runs):
        api.call("POST", "/api/v1/alerts/alertmanager", {"version": "4", "status": "firing", "alerts": [
            {"status": "firing", "labels": {"alertname": "LiveStateBench", "instance": f"host-{index}"}, "fingerprint": f"bench{index}"}]})
    deadline = time.time() + 300
    while api.call("GET", "/api/v1/runs?state=awaiting-approval&limit=1")["total"] < options.runs:
        if time.time() > deadline:
            raise RuntimeError("the runs never all waited for approval")
        time.sleep(0.2)
    time.sleep(2)  # let the last commits settle

    # Nothing happens: the server's CPU while the runs wait.
    before, started = cpu_seconds(options.pid), time.perf_counter()
    time.sleep(options.idle)
    idle_share = (cpu_seconds(options.pid) - before) / (time.perf_counter() - started)

    # One event, many subscribers: a work note, timed from its request to each subscriber's receipt.
    lock = threading.Lock()
    received = {}

    def on_event(name, data, at):
        if name == "note-added":
            with lock:
                received.setdefault(json.loads(data)["id"], []).append(at)

    streams = [EventStream(host, port, options.token, "/api/v1/events?output=false", on_event) for _ in range(options.subscribers)]
    deliveries, spreads = [], []
    for index in range(options.notes):
        with lock:
            before_ids = set(received)
        started = time.perf_counter()
        api.call("POST", "/api/v1/incidents/INC0000001/notes", {"text": f"fan-out {index}"})
        deadline = time.time() + 10
        while time.time() < deadline:
            with lock:
                new = [ids for ids in received if ids not in before_ids and len(received[ids]) >= options.subscribers]
            if new:
                break
            time.sleep(0.001)
        with lock:
            for event_id in new:
                deliveries += [at - started for at in received[event_id]]
                spreads.append(max(received[event_id]) - min(received[event_id]))
        time.sleep(0.05)
    for stream in streams:
        stream.close()

    # Approval to the next step's start, one run at a time, on the run's own live stream.
    latencies = []
    for index in range(1, options.runs + 1):
        run = f"INC{index:07d}-1"
        started_event = threading.Event()
        state = {"approved": None, "started": None}

        def on_run_event(name, data, at, state=state, started_event=started_event):
            if name == "step-started" and state["approved"] is not None and state["started"] is None:
                state["started"] = at
                started_event.set()

        stream = EventStream(host, port, options.token, f"/api/v1/runs/{run}/events", on_run_event)
        state["approved"] = time.perf_counter()
        api.call("POST", f"/api/v1/runs/{run}/approve")
        if not started_event.wait(30):
            raise RuntimeError(f"{run}: no step started after the approval")
        latencies.append(state["started"] - state["approved"])
        stream.close()
    ms = lambda value: f"{value * 1000:.2f}"
    print(f"runs {options.runs} idle_seconds {options.idle} idle_cpu_percent {idle_share * 100:.3f}"
          f" subscribers {options.subscribers} notes {options.notes} deliveries {len(deliveries)}"
          f" fanout_p50_ms {ms(percentile(deliveries, 0.5))} fanout_p99_ms {ms(percentile(deliveries, 0.99))}"
          f" spread_p50_ms {ms(percentile(spreads, 0.5))} spread_p99_ms {ms(percentile(spreads, 0.99))}"
          f" approval_p50_ms {ms(percentile(latencies, 0.5))} approval_p99_ms {ms(percentile(latencies, 0.99))}"
          f" approval_max_ms {ms(max(latencies))}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["runs-list", "approvals"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--pid", type=int)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--notes", type=int, default=50)
    parser.add_argument("--idle", type=float, default=10)
    options = parser.parse_args()
    runs_list(options) if options.mode == "runs-list" else approvals(options)


if __name__ == "__main__":
    main()
