#!/usr/bin/env python3
"""Load generator for bench/telemetry-ingest.sh: InfluxDB line protocol over HTTP/1.1 keep-alive.

  generate DIR --series N --rounds R --groups G --step S
      Writes DIR/group-K.lp (K < G): the series i with i % G == K, round after round, one sample per
      series and round at t0 + round * S seconds (t0 = now - 60 s - R * S, so every sample is recent and each
      series' timestamps strictly increase). One float field per line, so lines == samples == series
      points. Values are smooth (a slow sine per series plus bounded noise of 0.1% of the amplitude), so
      the detector has nothing to page on. Also writes DIR/series-0.csv (timestamp,value of series 0)
      for `runbook detect --measure`.

  post URL --batch B --clients C DIR [--token T]
      Cuts every group file into requests of B lines, gives group K to client K % C (a client with
      several groups alternates their requests; each series belongs to one client, so its samples
      arrive in order), builds every request's bytes before the clock starts, then runs C clients on
      C keep-alive connections, one request in flight each, and requires every response to be 2xx.
      Prints `samples N requests N seconds S samples_per_second R client_cpu_seconds C`.

  get URL --requests N --clients C
      The generator's ceiling: N GETs of URL (e.g. /healthz) over C keep-alive connections.
      Prints `requests N seconds S requests_per_second R client_cpu_seconds C`.

Standard library only; one asyncio loop on one core, raw sockets, no HTTP library in the way.
"""
import argparse
import asyncio
import glob
import math
import os
import random
import sys
import time
from urllib.parse import urlsplit

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"]


def generate(args):
    os.makedirs(args.dir, exist_ok=True)
    # The last round a minute ago: recent, and older than VictoriaMetrics' default -search.latencyOffset (30 s), so a
    # query right after the run sees every sample.
    t0 = int(time.time()) - 60 - args.rounds * args.step
    rng = random.Random(42)
    # Per series: level, amplitude, phase and period (30-120 minutes), all fixed by the seed.
    shapes = []
    for i in range(args.series):
        amplitude = rng.uniform(5, 20)
        shapes.append((rng.uniform(30, 70), amplitude, rng.uniform(0, 2 * math.pi),
                       rng.uniform(1800, 7200), 0.001 * amplitude))
    files = [open(os.path.join(args.dir, "group-%d.lp" % k), "w") for k in range(args.groups)]
    csv = open(os.path.join(args.dir, "series-0.csv"), "w")
    csv.write("timestamp,value\n")
    prefixes = ["cpu,host=host-%05d,region=%s,service=api usage_idle=" % (i, REGIONS[i % 4]) for i in range(args.series)]
    for r in range(args.rounds):
        t = t0 + r * args.step
        for i in range(args.series):
            level, amplitude, phase, period, noise = shapes[i]
            value = level + amplitude * math.sin(2 * math.pi * t / period + phase) + rng.uniform(-noise, noise)
            files[i % args.groups].write("%s%.4f %d\n" % (prefixes[i], value, t))
            if i == 0:
                csv.write("%s,%.4f\n" % (time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)), value))
    for f in files:
        f.close()
    csv.close()
    print("series %d rounds %d samples %d first %d last %d" % (args.series, args.rounds, args.series * args.rounds,
                                                              t0, t0 + (args.rounds - 1) * args.step))


async def read_response(reader):
    """Reads one response; returns (status, body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if status in (204, 304) or (100 <= status < 200):
        return status, b""
    if not chunked:
        return status, (await reader.readexactly(length) if length else b"")
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        body += await reader.readexactly(size + 2)
        if size == 0:
            return status, body


async def client(host, port, requests, failures):
    reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    for request in requests:
        writer.write(request)
        await writer.drain()
        status, body = await read_response(reader)
        if not 200 <= status < 300:
            failures.append((status, body[:300]))
            break
    writer.close()


async def run(host, port, per_client):
    failures = []
    start = time.perf_counter()
    await asyncio.gather(*(client(host, port, requests, failures) for requests in per_client))
    return time.perf_counter() - start, failures


def cpu():
    t = os.times()
    return t.user + t.system


def post(args):
    url = urlsplit(args.url)
    target = url.path + ("?" + url.query if url.query else "")
    auth = ("Authorization: Bearer %s\r\n" % args.token) if args.token else ""
    files = sorted(glob.glob(os.path.join(args.dir, "group-*.lp")), key=lambda p: int(p.rsplit("-", 1)[1][:-3]))
    if not 0 < args.clients <= len(files):
        sys.exit("need between 1 and %d clients (one group file or more each), not %d" % (len(files), args.clients))
    groups = [[] for _ in range(args.clients)]
    samples = 0
    for k, path in enumerate(files):
        with open(path, "rb") as f:
            lines = f.read().splitlines(keepends=True)
        samples += len(lines)
        requests = []
        for start in range(0, len(lines), args.batch):
            body = b"".join(lines[start:start + args.batch])
            head = ("POST %s HTTP/1.1\r\nHost: %s\r\n%sContent-Type: text/plain; charset=utf-8\r\n"
                    "Content-Length: %d\r\n\r\n" % (target, url.netloc, auth, len(body))).encode()
            requests.append(head + body)
        groups[k % args.clients].append(requests)
    per_client = []
    for mine in groups:  # alternate the requests of a client's groups
        ordered = []
        for i in range(max(len(g) for g in mine)):
            ordered += [g[i] for g in mine if i < len(g)]
        per_client.append(ordered)
    count = sum(len(c) for c in per_client)
    before = cpu()
    elapsed, failures = asyncio.run(run(url.hostname, url.port, per_client))
    used = cpu() - before
    if failures:
        print("FAILED: %d client(s) got an error, first: %s %r" % (len(failures), failures[0][0], failures[0][1]), file=sys.stderr)
        sys.exit(1)
    print("samples %d requests %d seconds %.3f samples_per_second %.0f client_cpu_seconds %.2f"
          % (samples, count, elapsed, samples / elapsed, used))


def get(args):
    url = urlsplit(args.url)
    target = url.path + ("?" + url.query if url.query else "")
    request = ("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (target, url.netloc)).encode()
    per_client = [[request] * (args.requests // args.clients) for _ in range(args.clients)]
    count = sum(len(c) for c in per_client)
    before = cpu()
    elapsed, failures = asyncio.run(run(url.hostname, url.port, per_client))
    used = cpu() - before
    if failures:
        print("FAILED: %s %r" % failures[0], file=sys.stderr)
        sys.exit(1)
    print("requests %d seconds %.3f requests_per_second %.0f client_cpu_seconds %.2f" % (count, elapsed, count / elapsed, used))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    g = commands.add_parser("generate")
    g.add_argument("dir")
    g.add_argument("--series", type=int, default=10000)
    g.add_argument("--rounds", type=int, default=300)
    g.add_argument("--groups", type=int, default=4)
    g.add_argument("--step", type=int, default=10)
    p = commands.add_parser("post")
    p.add_argument("url")
    p.add_argument("dir")
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--clients", type=int, required=True)
    p.add_argument("--token")
    q = commands.add_parser("get")
    q.add_argument("url")
    q.add_argument("--requests", type=int, default=20000)
    q.add_argument("--clients", type=int, default=2)
    args = parser.parse_args()
    {"generate": generate, "post": post, "get": get}[args.command](args)


if __name__ == "__main__":
    main()
