#!/usr/bin/env python3
"""Time from an alert's POST to its first notification at a webhook receiver, for one server.

Usage: paging.py TARGET URL COUNT RATE [TOKEN]
  TARGET  runbook | alertmanager: how to post (our Alertmanager-webhook intake, or Alertmanager's /api/v2/alerts)
  URL     the server's base URL
  COUNT   alerts, each with its own `id` label (a new incident / a new alert group)
  RATE    alerts per second, sent one per request at a steady pace so that neither side queues them
The receiver listens on the port in $RECEIVER_PORT (both servers' webhooks point at it). Prints one line (answer_*: the POST's own round trip, i.e. until the server acknowledged the alert):
  count=N delivered=N p50_ms=.. p99_ms=.. max_ms=.. answer_p50_ms=.. answer_p99_ms=..
"""
import json
import os
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

target, base, count, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
token = sys.argv[5] if len(sys.argv) > 5 else None
run = os.environ.get("RUN_ID", str(int(time.time())))
sent = {}
arrived = {}
answered = []
lock = threading.Lock()
done = threading.Event()


def ids_in(body):
    """The alert ids a webhook body is about: our JSON has labels.id, Alertmanager's alerts[].labels.id."""
    data = json.loads(body)
    if "alerts" in data:
        return [a["labels"].get("id") for a in data["alerts"]]
    return [data.get("labels", {}).get("id")]


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        now = time.monotonic()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        with lock:
            for alert in ids_in(body):
                if alert in sent and alert not in arrived:
                    arrived[alert] = now
            if len(arrived) >= count:
                done.set()


server = ThreadingHTTPServer(("127.0.0.1", int(os.environ["RECEIVER_PORT"])), Receiver)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()


def post(alert_id):
    labels = {"alertname": "PagingBench", "id": alert_id, "run": run, "severity": "critical"}
    if target == "runbook":
        url = base + "/api/v1/alerts/alertmanager"
        body = {"version": "4", "status": "firing", "receiver": "runbook", "groupKey": alert_id, "groupLabels": {},
                "commonLabels": labels, "commonAnnotations": {}, "externalURL": "http://bench",
                "alerts": [{"status": "firing", "labels": labels, "annotations": {"summary": "bench " + alert_id},
                            "startsAt": "2026-12-03T00:00:00Z", "fingerprint": alert_id}]}
    else:
        url = base + "/api/v2/alerts"
        body = [{"labels": labels, "annotations": {"summary": "bench " + alert_id}}]
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=10) as reply:
        reply.read()


start = time.monotonic()
for index in range(count):
    alert_id = f"{run}-{index}"
    due = start + index / rate
    pause = due - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    with lock:
        sent[alert_id] = time.monotonic()
    post(alert_id)
    answered.append((time.monotonic() - sent[alert_id]) * 1000)
done.wait(timeout=60)
latencies = sorted((arrived[a] - sent[a]) * 1000 for a in arrived)
answered.sort()


def percentile(values, p):
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


print(f"count={count} delivered={len(latencies)} p50_ms={percentile(latencies, 0.50):.2f} p99_ms={percentile(latencies, 0.99):.2f} "
      f"max_ms={latencies[-1] if latencies else float('nan'):.2f} "
      f"answer_p50_ms={percentile(answered, 0.50):.2f} answer_p99_ms={percentile(answered, 0.99):.2f}")
server.shutdown()
