"""The client half of bench/dashboard.sh: server time and size of dashboard pages, then first paint in Chromium.

Server time is measured from the client on loopback, request written to response read, over one keep-alive
connection, with GET /healthz on the same connection as the floor. First contentful paint comes from the browser's
own Paint Timing entries (performance.getEntriesByType("paint")).
"""
import argparse
import http.client
import statistics
import time
import urllib.parse


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def login(url, token):
    """A session cookie, as a browser gets one from the login form."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    connection.request("POST", "/login", body=urllib.parse.urlencode({"token": token, "next": "/incidents"}),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    if response.status != 303 or not cookie.startswith("runbook_session="):
        raise SystemExit(f"login failed: {response.status}")
    return cookie


def time_pages(url, cookie, pages, count):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    results = {}
    for page in ["/healthz"] + pages:
        times, size = [], 0
        for index in range(count + 10):
            began = time.perf_counter()
            connection.request("GET", page, headers={"Cookie": cookie})
            response = connection.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - began) * 1000
            if response.status != 200:
                raise SystemExit(f"GET {page}: {response.status} {body[:300]!r}")
            if index >= 10:  # the first requests warm caches
                times.append(elapsed)
            size = len(body)
        results[page] = (statistics.median(times), percentile(times, 0.99), size)
    return results


def first_paints(url, cookie, pages, loads):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(url + "/assets/app.css")
        name, value = cookie.split("=", 1)
        driver.add_cookie({"name": name, "value": value, "path": "/"})
        paints = {}
        for page in pages:
            values = []
            for _ in range(loads):
                driver.get(url + page)
                entry = None
                for _ in range(100):
                    entry = driver.execute_script(
                        "const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : null;")
                    if entry is not None:
                        break
                    time.sleep(0.02)
                values.append(entry)
            paints[page] = statistics.median(values)
        return paints
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--paints", type=int, default=5)
    parser.add_argument("--page", action="append", required=True)
    arguments = parser.parse_args()
    cookie = login(arguments.url, arguments.token)
    timed = time_pages(arguments.url, cookie, arguments.page, arguments.count)
    paints = first_paints(arguments.url, cookie, arguments.page, arguments.paints)
    floor = timed["/healthz"][1]
    print(f"\n{'page':<28} {'p50':>9} {'p99':>9} {'p99/healthz':>12} {'bytes':>9} {'first paint':>12}  target p99 < 20 ms")
    for page, (p50, p99, size) in timed.items():
        paint = f"{paints[page]:.0f} ms" if page in paints else ""
        print(f"{page:<28} {p50:6.2f} ms {p99:6.2f} ms {p99 / floor:11.1f}x {size:9d} {paint:>12}")


main()
