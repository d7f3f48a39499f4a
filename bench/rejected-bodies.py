#!/usr/bin/env python3
"""Bodies over the limit against a running `runbook serve`: each must get a 413, and the server's memory and
open descriptors must come back near where they were.

    bench/rejected-bodies.py --url http://127.0.0.1:8080 --token rbk_... --pid PID [--count 1504] [--size-kb 1100]

COUNT POSTs of a 1.1 MB body to POST /api/v1/incidents from 8 threads, half with Content-Length and half chunked
(no length up front). Prints the statuses, the server's resident memory and descriptors before, at the peak, right
after and 5 s later. Only the standard library.
"""

import argparse
import os
import socket
import threading
import time
from urllib.parse import urlparse


def rss(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def post(host, port, token, body, chunked):
    """One POST of `body`; the status of the answer, or 'none'."""
    with socket.create_connection((host, port), timeout=10) as sock:
        head = f"POST /api/v1/incidents HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {len(body)}\r\n\r\n"
        try:
            sock.sendall(head.encode())
            sock.sendall((b"%x\r\n" % len(body)) + body + b"\r\n0\r\n\r\n" if chunked else body)
        except OSError:
            pass  # the server closed the connection after its 413, before the whole body was sent
        data = b""
        try:
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
    return data[9:12].decode() if data.startswith(b"HTTP/") else "none"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--count", type=int, default=1504)
    parser.add_argument("--size-kb", type=int, default=1100)
    options = parser.parse_args()
    url = urlparse(options.url)
    body = b"{" + b"x" * (options.size_kb * 1024) + b"}"
    statuses, lock = {}, threading.Lock()

    def worker(count, chunked):
        for _ in range(count):
            status = post(url.hostname, url.port, options.token, body, chunked)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    print(f"before: {rss(options.pid)} MB, {descriptors(options.pid)} descriptors")
    started = time.time()
    threads = [threading.Thread(target=worker, args=(options.count // 8, index % 2 == 1)) for index in range(8)]
    for thread in threads:
        thread.start()
    peak = 0
    while any(thread.is_alive() for thread in threads):
        peak = max(peak, rss(options.pid))
        time.sleep(0.1)
    print(f"{sum(statuses.values())} requests in {time.time() - started:.1f} s: {statuses}; peak {peak} MB")
    print(f"right after: {rss(options.pid)} MB, {descriptors(options.pid)} descriptors")
    time.sleep(5)
    print(f"5 s later: {rss(options.pid)} MB, {descriptors(options.pid)} descriptors")


if __name__ == "__main__":
    main()
