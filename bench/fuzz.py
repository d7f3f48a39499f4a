#!/usr/bin/env python3
"""Malformed requests against every endpoint of a running `runbook serve`: none may get a 5xx.

    bench/fuzz.py --url http://127.0.0.1:8080 --token rbk_... [--count 10000] [--seed 1] [--pid PID]

Requests are built from the API's own shapes and then broken: fields of the wrong type, removed or added,
NUL, U+2028 and lone surrogates in texts, numbers that do not fit, deep nesting, invalid UTF-8, truncated or
empty bodies, bodies over the limit, wrong methods and paths, bad or missing tokens, and HTTP framing that
is wrong (bad chunk sizes, a missing last chunk, a Content-Length longer than the body). With --pid, the
server's resident memory and open descriptors are read before, at the end, and after a pause, and must
come back near where they were. Exits 1 on any 5xx, a dead server, or memory that stays up; prints a summary.
Only the standard library: it runs wherever python3 does.
"""

import argparse
import json
import os
import random
import socket
import sys
import time
from urllib.parse import urlparse

ALERTMANAGER = {
    "version": "4", "status": "firing", "receiver": "runbook", "groupKey": "{}", "externalURL": "http://am",
    "alerts": [{"status": "firing", "labels": {"alertname": "FuzzAlert", "severity": "warning"},
                "annotations": {"summary": "fuzz"}, "fingerprint": "f00", "startsAt": "2026-01-01T00:00:00Z"}],
}
PAGERDUTY = {"routing_key": "TOKEN", "event_action": "trigger", "dedup_key": "k",
             "payload": {"summary": "fuzz", "source": "fuzz", "severity": "error", "custom_details": {"a": "b"}}}
INCIDENT = {"short_description": "fuzz", "description": "d", "severity": "warning", "labels": {"a": "b"}, "dedup_key": "k",
            "impact": 2, "urgency": 2, "service": "s", "category": "c"}
TRANSITION = {"state": "resolved", "close_code": "Solution provided", "close_notes": "n", "hold_reason": "awaiting-vendor"}
NOTE = {"text": "note"}
REASON = {"reason": "why"}
OTLP = {"resourceMetrics": [{"resource": {"attributes": [{"key": "host", "value": {"stringValue": "h"}}]},
                             "scopeMetrics": [{"metrics": [{"name": "m", "gauge": {"dataPoints": [{"asDouble": 1.5, "timeUnixNano": "1"}]}}]}]}]}

WEIRD_STRINGS = ["", " ", "\n", "\u2028", "\u0000", "a\u0000b", "\ud800", "\\", "\"", "<script>alert(1)</script>",
                 "[x](javascript:alert(1))", "INC0000001", "INC0000001-1", "-", "9" * 400, "x" * 100_000, "ðŸ”¥", "\u202e", "%00",
                 "../../etc/passwd", "open", "resolved", "new,in-progress", "1,2,9"]
WEIRD_NUMBERS = [0, -1, 1.5, 1e309, -0.0, 2**63, -(2**63) - 1, 10**30, 3, 4]


def weird_value(rng):
    return rng.choice([
        lambda: rng.choice(WEIRD_STRINGS), lambda: rng.choice(WEIRD_NUMBERS), lambda: None, lambda: True,
        lambda: [], lambda: {}, lambda: [rng.choice(WEIRD_STRINGS)], lambda: {"k": rng.choice(WEIRD_STRINGS)},
        lambda: nested(rng.randint(50, 3000)),
    ])()


def nested(depth):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


def mutate(value, rng, depth=0):
    """A copy of `value` with a few things broken."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            roll = rng.random()
            if roll < 0.1:
                continue  # a field left out
            if roll < 0.25:
                result[key] = weird_value(rng)
            else:
                result[key] = mutate(item, rng, depth + 1)
        if rng.random() < 0.15:
            result[rng.choice(["impcat", "zzz", "", "\u0000", "labels"])] = weird_value(rng)
        return result
    if isinstance(value, list):
        items = [mutate(item, rng, depth + 1) for item in value]
        if rng.random() < 0.2:
            items = items * rng.randint(0, 50)
        if rng.random() < 0.1:
            items.append(weird_value(rng))
        return items
    if rng.random() < 0.2:
        return weird_value(rng)
    return value


def encode(value, rng):
    """JSON text, sometimes broken at the byte level."""
    text = json.dumps(value, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    roll = rng.random()
    if roll < 0.05:
        return text[: rng.randint(0, len(text))]  # truncated
    if roll < 0.08:
        return b"\xff\xfe" + text  # not UTF-8
    if roll < 0.10:
        return b""
    if roll < 0.12:
        return b"[" * 100_000
    return text


def request(rng, token):
    """(method, path, headers, body) of one malformed request."""
    number = rng.choice(["INC0000001", "INC0000002", "INC9999999", "42", "INC", "INC0000001%00", "%2e%2e"])
    run = rng.choice(["INC0000099-1", "INC0000001-0", "x-1", "INC0000001-", "INC0000001-99999999999999999999"])
    shapes = [
        ("POST", "/api/v1/alerts/alertmanager", ALERTMANAGER), ("POST", "/api/v1/alerts/grafana", ALERTMANAGER),
        ("POST", "/v2/enqueue", dict(PAGERDUTY, routing_key=token)), ("POST", "/api/v1/incidents", INCIDENT),
        ("POST", f"/api/v1/incidents/{number}/transition", TRANSITION), ("POST", f"/api/v1/incidents/{number}/notes", NOTE),
        ("POST", f"/api/v1/incidents/{number}/acknowledge", None), ("POST", f"/api/v1/runs/{run}/approve", REASON),
        ("POST", f"/api/v1/runs/{run}/deny", REASON), ("POST", f"/api/v1/runs/{run}/cancel", REASON),
        ("POST", "/v1/metrics", OTLP),
    ]
    reads = [
        f"/api/v1/incidents?state={rng.choice(WEIRD_STRINGS)}&priority={rng.choice(WEIRD_STRINGS)}&limit={rng.choice(WEIRD_NUMBERS)}",
        f"/api/v1/incidents?offset={rng.choice(WEIRD_NUMBERS)}&q={rng.choice(WEIRD_STRINGS)[:50]}", f"/api/v1/incidents/{number}",
        f"/api/v1/runs?state={rng.choice(WEIRD_STRINGS)[:50]}&incident={number}", f"/api/v1/runs/{run}",
        f"/api/v1/runs/{run}/steps/{rng.choice(WEIRD_STRINGS)[:30]}/log", f"/api/v1/runs/{run}/events",
        f"/api/v1/events?incident={rng.choice(WEIRD_STRINGS)[:30]}&output={rng.choice(['maybe', '2', ''])}",
        f"/api/v1/runbooks/{rng.choice(WEIRD_STRINGS)[:40]}", f"/api/v1/runbooks/{rng.choice(WEIRD_STRINGS)[:40]}/html",
        "/metrics", "/healthz", "/readyz", f"/{rng.choice(WEIRD_STRINGS)[:40]}", "/api/v1/nothing",
    ]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    roll = rng.random()
    if roll < 0.05:
        headers.pop("Authorization")
    elif roll < 0.10:
        headers["Authorization"] = rng.choice(["Bearer nope", "Basic abc", "Bearer", "bearer " + token + "x", token])
    if rng.random() < 0.05:
        headers["Content-Encoding"] = "gzip"
    if rng.random() < 0.05:
        headers["Last-Event-ID"] = rng.choice(WEIRD_STRINGS)[:200].replace("\n", "").replace("\r", "")
    kind = rng.random()
    if kind < 0.55:
        method, path, shape = rng.choice(shapes)
        body = b"" if shape is None and rng.random() < 0.5 else encode(mutate(shape or {}, rng), rng)
    elif kind < 0.7:
        method, path = rng.choice(["POST", "POST", "PUT"]), rng.choice(["/write", "/api/v2/write?precision=" + rng.choice(["s", "xs", ""]),
                                                                      "/api/v1/import/prometheus"])
        lines = [b"cpu,host=a value=1", b"m{a=\"b\"} 1", b"\x00\xff", b"x" * 5000, b"cpu value=\"4\n2\"", b"# HELP", b"{\"name.1\"} 1",
                 b"cpu,host=two\\\\ words value=42", b"m 1 99999999999999999999"]
        body = b"\n".join(rng.choice(lines) for _ in range(rng.randint(0, 20)))
    elif kind < 0.9:
        method, path, body = "GET", rng.choice(reads), b""
    else:
        method = rng.choice(["PUT", "DELETE", "PATCH", "OPTIONS", "GET", "POST"])
        path, body = rng.choice([s[1] for s in shapes] + reads), encode(weird_value(rng), rng)
    return method, path, headers, body


def framing(rng, token):
    """Raw bytes of a request whose HTTP framing is wrong (or over the body limit)."""
    head = f"POST /api/v1/incidents HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    return rng.choice([
        head.encode() + b"Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n",
        head.encode() + b"Transfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n",
        head.encode() + b"Content-Length: 100\r\n\r\n{\"short_description\": 1}",
        head.encode() + b"Content-Length: 2000000\r\n\r\n" + b"x" * 50_000,
        head.encode() + b"Transfer-Encoding: chunked\r\n\r\n100000\r\n" + b"x" * 0x100000 + b"\r\n100000\r\n" + b"x" * 100,
        b"GARBAGE\r\n\r\n", head.encode() + b"Content-Length: -1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 200_000 + b"\r\n\r\n",
        head.encode() + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}",
    ])


def exchange(host, port, raw, timeout, streams, half_close=False):
    """Sends `raw` (then, with `half_close`, says it sends nothing more, as a client whose body fell short
    would by closing); returns the status of the first response line ('none' when the server closed without one)."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        try:
            sock.sendall(raw)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            if streams and data.startswith(b"HTTP/1.1 200"):
                return "200"  # an event stream: it would go on; the status is what counts
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
                if len(data) > 4 << 20:
                    break
        except (socket.timeout, OSError):
            pass
    return data[9:12].decode("latin-1") if data.startswith(b"HTTP/") else "none"


def build(method, path, headers, body, host):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogatepass") + body


def memory(pid):
    """Resident MB and open sockets (not every descriptor: the audit log's new packs are open files too)."""
    with open(f"/proc/{pid}/status") as status:
        rss = next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))
    sockets = 0
    for name in os.listdir(f"/proc/{pid}/fd"):
        try:
            sockets += os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:")
        except OSError:
            pass
    return rss, sockets


def main():
    sys.setrecursionlimit(50_000)  # the deeply nested bodies are encoded by json, recursively
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pid", type=int)
    parser.add_argument("--timeout", type=float, default=10)
    options = parser.parse_args()
    url = urlparse(options.url)
    host, port = url.hostname, url.port or 80
    rng = random.Random(options.seed)
    before = memory(options.pid) if options.pid else None
    statuses, failures, started, slowest = {}, [], time.time(), []
    for index in range(options.count):
        if rng.random() < 0.05:
            raw, what = framing(rng, options.token), "framing"
        else:
            method, path, headers, body = request(rng, options.token)
            raw, what = build(method, path, headers, body, host), f"{method} {path[:120]}"
        begun = time.time()
        try:
            status = exchange(host, port, raw, options.timeout, streams="events" in what, half_close=what == "framing")
        except OSError as error:
            status = f"error {error}"
        slowest.append((time.time() - begun, what, status))
        slowest = sorted(slowest, reverse=True)[:10]
        statuses[status] = statuses.get(status, 0) + 1
        if not status[:1].isdigit() and status != "none" or status.startswith("5"):
            failures.append((index, what, status, raw[:300]))
        if (index + 1) % 1000 == 0:
            print(f"fuzz: {index + 1}/{options.count} requests, {time.time() - started:.0f} s", file=sys.stderr, flush=True)
    alive = exchange(host, port, build("GET", "/healthz", {}, b"", host), options.timeout, False) == "200"
    print(f"fuzz: {options.count} requests in {time.time() - started:.1f} s; statuses {dict(sorted(statuses.items()))}")
    print("fuzz: slowest: " + "; ".join(f"{what} {status} {seconds:.2f}s" for seconds, what, status in slowest))
    for index, what, status, raw in failures[:20]:
        print(f"fuzz: FAILED #{index} {what}: {status}\n  {raw!r}")
    ok = not failures and alive
    if not alive:
        print("fuzz: FAILED the server no longer answers /healthz")
    if before:
        end = memory(options.pid)
        # Event streams the fuzz let go of are noticed when a write to them fails: the kernel may still take the
        # first after the client closed, so it can take two heartbeats (15 s apart).
        waited = time.time()
        after = end
        while time.time() - waited < 40 and after[1] > before[1] + 2:
            time.sleep(0.5)
            after = memory(options.pid)
        print(f"fuzz: server memory {before[0]} MB, {before[1]} sockets before; {end[0]} MB, {end[1]} at the end; "
              f"{after[0]} MB, {after[1]} sockets {time.time() - waited:.0f} s later")
        if after[0] > before[0] * 1.5 + 30 or after[1] > before[1] + 2:
            print("fuzz: FAILED memory or sockets stayed up")
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
