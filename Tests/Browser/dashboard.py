#!/usr/bin/python3
"""The dashboard end to end, in a real headless Chromium, against a live `runbook serve` fed by a real Alertmanager.

What a responder does: log in; see an alert appear on the incidents page without reloading it; open the incident;
approve the step that waits and watch its output arrive line by line; acknowledge; resolve with a close code and
notes. What a viewer does not get: the buttons, and the server refuses the actions anyway when they are posted by
hand. What an attacker who can send alerts or write step output tries: `<script>`, `"><img onerror=...>`,
`javascript:` links, a megabyte-long value and bytes that are not UTF-8, on every page that shows them; the test
asserts that nothing ran (no `window.__xss`, no changed title, no alert dialog, no Content-Security-Policy report
in the console) and that each value is shown as text.

Run with Debian's /usr/bin/python3 (python3-selenium):

    /usr/bin/python3 Tests/Browser/dashboard.py --runbook .build/debug/runbook --screenshots docs/screenshots

`DashboardBrowserTests` (Tests/CLITests) runs it with the built binary. Prints each step; exits 0 when all
held, 1 with what failed (and the end of the daemons' logs, kept in the scratch directory), 2 when a tool is
missing. Everything it starts is stopped however it ends.
"""

import argparse
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from selenium import webdriver
    from selenium.common.exceptions import (ElementNotInteractableException, NoAlertPresentException,
                                            StaleElementReferenceException, TimeoutException, UnexpectedAlertPresentException,
                                            WebDriverException)
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError as error:
    print(f"dashboard.py: selenium is missing ({error}); install python3-selenium and run with /usr/bin/python3",
          file=sys.stderr)
    sys.exit(2)

STARTED = time.monotonic()


def say(text):
    print(f"[{time.monotonic() - STARTED:5.1f}s] {text}", flush=True)


class Failure(Exception):
    """What the dashboard did wrong, said so that the reader knows which page and what was expected."""


# MARK: - Hostile values

# Each payload, if it ever ran, leaves a trace the test looks for: a global, a changed title, an alert dialog.
PAYLOAD = "window.__xss=1;document.title='pwned';alert('xss')"
SCRIPT_TAG = f"<script>{PAYLOAD}</script>"
ATTRIBUTE_BREAK = f"\"><img src=x onerror=\"{PAYLOAD}\">"
JAVASCRIPT_LINK = f"javascript:{PAYLOAD}"
# The most a label may hold (TextLimits.label); the page shows 1000 characters of it.
LONG_LABEL = "L" * 4096
MEGABYTE = "M" * 1_000_000


# MARK: - The data directory

MAIN_RUNBOOK = """\
---
title: Disk filling up
owner: team-storage
service: web
category: Storage
assignment_group: Storage On-Call
description: A disk will be full within hours; find what grows and clear old logs.
match:
  - alertname="DiskFilling"
impact: 2
params:
  HOST:  { from: labels.instance, required: true, pattern: '^[a-z0-9.-]+(:[0-9]+)?$', description: "The machine" }
  MOUNT: { from: labels.mountpoint, default: "/", pattern: '^/[A-Za-z0-9/._-]*$', description: "The file system" }
timeout: 5m
resolve: never
---

# Disk filling up

**What it means.** The file system `$MOUNT` on `$HOST` fills faster than it empties and will be full within
hours. **Impact**: writes fail once it is full. **Escalate** to the storage team when clearing logs does not help.

## Look at the usage

```sh {id=usage timeout=10s}
echo "usage of $MOUNT on $HOST: 91%, growing 2 GB an hour"
```

## Clear old logs

Removes compressed logs older than a week (in this test it only says so, one line a second).

```sh {id=clear-logs timeout=30s approve=true}
for i in 1 2 3; do echo "line $i: would remove /var/log/app.$i.gz"; sleep 1; done
```

## Report what the disk says

Tools print what they print; bytes that are not UTF-8 must not break the page.

```sh {id=raw-bytes timeout=10s}
printf 'raw bytes: \\377\\376 end\\n'
```
"""

# JSON strings are YAML's double-quoted strings.
HOSTILE_RUNBOOK = f"""\
---
title: {json.dumps("Hostile " + SCRIPT_TAG)}
owner: {json.dumps(ATTRIBUTE_BREAK)}
service: {json.dumps(SCRIPT_TAG)}
match:
  - alertname="HostileInput"
resolve: never
---

# Hostile input {SCRIPT_TAG}

A [link]({JAVASCRIPT_LINK}), an autolink <{JAVASCRIPT_LINK}>, raw HTML {ATTRIBUTE_BREAK} and {SCRIPT_TAG}.

<div onmouseover="{PAYLOAD}">a raw block</div>

## Print what an attacker wants {ATTRIBUTE_BREAK}

```sh {{id=print-hostile timeout=10s approve=true}}
cat <<'END'
{SCRIPT_TAG}
{ATTRIBUTE_BREAK}
END
printf 'not utf-8: \\377\\376\\300\\257 end\\n'
```
"""


def run_checked(argv, env, what):
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise Failure(f"{what} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def set_up_data_dir(binary, home, env, receiver_url):
    """The embedded wiki with the two runbooks, three tokens, and secrets that send pages to `receiver_url`."""
    wiki = os.path.join(home, "wiki")
    run_checked([binary, "init", wiki], env, "runbook init")
    for name, text in [("disk-filling", MAIN_RUNBOOK), ("hostile", HOSTILE_RUNBOOK)]:
        with open(os.path.join(wiki, "runbooks", name + ".md"), "w") as file:
            file.write(text)
    git = ["git", "-C", wiki, "-c", "user.name=Test", "-c", "user.email=test@example.com"]
    run_checked(git + ["add", "-A"], env, "git add")
    run_checked(git + ["commit", "-q", "-m", "Add the browser test's runbooks"], env, "git commit")
    lint = subprocess.run([binary, "lint"], env=env, cwd=wiki, capture_output=True, text=True, timeout=60)
    if lint.returncode != 0:
        raise Failure(f"the test's runbooks do not lint:\n{lint.stdout}{lint.stderr}")
    # Tokens made before the first start: the server then creates no admin token of its own.
    tokens = {}
    for name, role in [("ada", "approver"), ("vic", "viewer"), ("alertmanager", "responder")]:
        tokens[name] = run_checked([binary, "tokens", "add", name, "--role", role], env, f"runbook tokens add {name}").strip()
    # The bundled people's webhooks, pointed at this script's receiver, so pages are delivered.
    key = lambda: base64.b64encode(os.urandom(32)).decode()
    secrets = os.path.join(home, "secrets.yaml")
    with open(secrets, "w") as file:
        file.write(f"link_key: {key()}\nwebhook_key: {key()}\nvalues:\n"
                   f"  alice-webhook: {receiver_url}/alice\n  bob-webhook: {receiver_url}/bob\n")
    os.chmod(secrets, 0o600)
    return tokens


class PageReceiver(BaseHTTPRequestHandler):
    """Where the on-call people's webhooks go: takes every page."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


# MARK: - The daemons

class Daemons:
    """The processes the test started, stopped newest first (SIGTERM, then SIGKILL after 5 s) however it ends."""

    def __init__(self, directory):
        self.directory = directory
        self.started = []

    def start(self, name, argv, env):
        log = os.path.join(self.directory, name + ".log")
        with open(log, "wb") as out:
            process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       cwd=self.directory)
        self.started.append((name, process, log))
        return log

    def check(self):
        for name, process, _ in self.started:
            if process.poll() is not None:
                raise Failure(f"{name} exited with {process.returncode}")

    def stop_all(self):
        for name, process, _ in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    say(f"{name} ignored SIGTERM for 5 s; killing it")
                    process.kill()
                    process.wait()

    def logs(self, lines=30):
        parts = []
        for name, process, log in self.started:
            state = "running" if process.poll() is None else f"exited with {process.returncode}"
            with open(log, errors="replace") as file:
                tail = file.read().splitlines()[-lines:]
            parts.append(f"--- {name} ({state}), {log}:\n" + "\n".join(tail))
        return "\n".join(parts)


def eventually(what, probe, daemons, timeout=30):
    """Polls `probe` (a failing probe counts as not yet) until it returns something; gives up early if a daemon died."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        daemons.check()
        try:
            value = probe()
            if value:
                return value
        except (OSError, urllib.error.URLError, ValueError) as error:
            last_error = error
        time.sleep(0.1)
    raise Failure(f"waited {timeout} s for {what}" + (f"; the last attempt failed: {last_error}" if last_error else ""))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(method, url, body=None, token=None, content_type="application/json"):
    """(status, body text) of one request; an HTTP error status is an answer, not an exception."""
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def start_server(binary, env, daemons):
    log = daemons.start("runbook-serve", [binary, "serve"], env)
    marker = "listening on http://127.0.0.1:"

    def listening():
        with open(log) as file:
            for line in file:
                if line.startswith(marker):
                    return "http://127.0.0.1:" + line[len(marker):].split()[0]
        return None
    return eventually("runbook serve to listen", listening, daemons, timeout=60)


def start_alertmanager(alertmanager, scratch, server, token, daemons):
    """Alertmanager grouping by alert name, sending each group a second after it changes, to the server's webhook."""
    token_file = os.path.join(scratch, "alertmanager.token")
    with open(token_file, "w") as file:
        file.write(token)
    config = os.path.join(scratch, "alertmanager.yml")
    with open(config, "w") as file:
        file.write(f"""\
route:
  receiver: runbook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: runbook
    webhook_configs:
      - url: "{server}/api/v1/alerts/alertmanager"
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials_file: "{token_file}"
""")
    port = free_port()
    daemons.start("alertmanager", [alertmanager, "--config.file=" + config, "--storage.path=" + os.path.join(scratch, "am-data"),
                                   f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="], dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    eventually("Alertmanager to be ready", lambda: http("GET", url + "/-/ready")[0] == 200, daemons)
    return url


def send_alerts(alertmanager, alerts):
    """Fires `alerts` ({labels, annotations}) at Alertmanager, as Prometheus would."""
    now = datetime.now(timezone.utc).isoformat()
    status, text = http("POST", alertmanager + "/api/v2/alerts", [dict(alert, startsAt=now) for alert in alerts])
    if status != 200:
        raise Failure(f"Alertmanager refused the alerts: {status} {text}")


# MARK: - The browser

class Browser:
    """One headless Chromium; every call that finds an alert dialog open fails the test: only a payload opens one."""

    def __init__(self, chromium, chromedriver, server, daemons):
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                         "--disable-dev-shm-usage", "--no-first-run"]:
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(chromedriver), options=options)
        # The viewport itself 1280 x 900, whatever the window's frame takes.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        self.server = server
        self.daemons = daemons
        self.console = []

    def quit(self):
        try:
            self.driver.quit()
        except WebDriverException:
            pass

    def js(self, script, *arguments):
        try:
            return self.driver.execute_script(script, *arguments)
        except UnexpectedAlertPresentException as error:
            raise Failure(f"an alert dialog opened ({error.alert_text!r}): a hostile value ran as script") from None

    def open(self, path):
        try:
            self.driver.get(self.server + path)
        except UnexpectedAlertPresentException as error:
            raise Failure(f"an alert dialog opened on {path} ({error.alert_text!r}): a hostile value ran") from None

    def js_async(self, script, *arguments):
        """Runs `script`, which calls its last argument with the result."""
        try:
            return self.driver.execute_async_script(script, *arguments)
        except UnexpectedAlertPresentException as error:
            raise Failure(f"an alert dialog opened ({error.alert_text!r}): a hostile value ran as script") from None

    def path(self):
        return self.js("return location.pathname + location.search")

    def until(self, what, condition, timeout=20):
        """Waits for `condition(browser)` in the page, polling every 0.1 s; a dead daemon ends the wait at once."""
        def probe(_):
            self.daemons.check()
            try:
                return condition(self)
            except UnexpectedAlertPresentException as error:
                raise Failure(f"an alert dialog opened ({error.alert_text!r}) while waiting for {what}") from None
            except WebDriverException:
                # A page on its way out, an element of a part the script has just swapped: not yet.
                return False
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(probe)
        except TimeoutException:
            raise Failure(f"waited {timeout} s on {self.path()} for {what}") from None

    def leaving(self):
        """Marks the page, so that ``arrived`` can tell the next one from it."""
        self.js("window.__leaving = true")

    def arrived(self):
        """Whether the page marked by ``leaving`` has been replaced by a loaded one."""
        return self.js("return window.__leaving === undefined && document.readyState === 'complete'")

    def find(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def one(self, css, what=None):
        found = self.find(css)
        if not found:
            raise Failure(f"{self.path()} has no {what or css}")
        return found[0]

    def button(self, text):
        """The submit button that says `text` exactly, or None."""
        return self.js("""return [...document.querySelectorAll("button[type=submit]")]
            .find((button) => button.textContent.trim() === arguments[0]) || null;""", text)

    def act(self, css, action):
        """Does `action` to the element `css` selects, found again if the script swapped it out in between (Chromium
        reports a node replaced in the middle of typing as not interactable rather than stale). Live updates come a
        commit cycle after the action that caused them, so one may land in the middle of the next step."""
        for _ in range(5):
            try:
                return action(self.one(css))
            except (StaleElementReferenceException, ElementNotInteractableException):
                time.sleep(0.1)
                continue
        raise Failure(f"{css} on {self.path()} was replaced each time it was about to be used")

    def follow(self, find, what):
        """Clicks what `find()` returns and waits for the page it leads to. The script may swap the live part of the
        page between finding the element and clicking it: then it finds it again."""
        self.leaving()
        for _ in range(5):
            try:
                element = find()
                if element is None:
                    raise Failure(f"{self.path()} has no {what}")
                element.click()
                break
            except StaleElementReferenceException:
                continue
        else:
            raise Failure(f"{what} on {self.path()} was replaced each time it was about to be clicked")
        self.until(f"the page after {what}", lambda b: b.arrived())

    def attribute(self, css, name):
        """An attribute of the first element `css` selects, or None."""
        return self.js("const found = document.querySelector(arguments[0]); return found && found.getAttribute(arguments[1]);",
                       css, name)

    def submit(self, text, refused=False):
        """Clicks the button that says `text` and waits for the page its form leads to; returns the problem that page
        states, which only a form expected to be `refused` may have."""
        self.follow(lambda: self.button(text), f"the button '{text}'")
        problem = self.text("p.problem")
        if problem is not None and not refused:
            raise Failure(f"'{text}' was refused: {problem}")
        if problem is None and refused:
            raise Failure(f"'{text}' was not refused")
        return problem

    def text(self, css):
        """The text of the first element `css` selects, or None."""
        return self.js("const found = document.querySelector(arguments[0]); return found ? found.textContent : null;", css)

    def texts(self, css):
        """The texts of every element `css` selects, read in one go (the script may swap them out between two reads)."""
        return self.js("return [...document.querySelectorAll(arguments[0])].map((element) => element.textContent);", css)

    def stream_open(self):
        self.until("the event stream to open", lambda b: b.js("return document.body.dataset.stream") == "open")

    def take_console(self):
        """Keeps what the console has logged so far, for ``assert_console_clean``."""
        self.console += self.driver.get_log("browser")

    def expect_refusals(self, action):
        """Runs `action`, whose refused requests the console logs as failed loads: those are what it wants."""
        self.take_console()
        result = action()
        self.driver.get_log("browser")
        return result

    def screenshot(self, directory, name, dark=False):
        if not directory:
            return
        if dark:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                        {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        self.driver.save_screenshot(os.path.join(directory, name + ".png"))
        if dark:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


# MARK: - What must hold on every page

def assert_nothing_ran(browser, where):
    """No trace of any payload, and nothing on the page that could run one later."""
    try:
        alert = browser.driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        raise Failure(f"{where}: an alert dialog is open ({text!r}): a hostile value ran")
    except NoAlertPresentException:
        pass
    state = browser.js("""
        const onAttributes = [...document.querySelectorAll("*")].flatMap((element) =>
            element.getAttributeNames().filter((name) => name.startsWith("on")).map((name) => element.tagName + "[" + name + "]"));
        return {
            xss: typeof window.__xss,
            title: document.title,
            javascriptLinks: [...document.querySelectorAll("a[href], area[href], form[action], iframe[src]")]
                .map((element) => element.getAttribute("href") || element.getAttribute("action") || element.getAttribute("src"))
                .filter((url) => /^\\s*javascript:/i.test(url)),
            scripts: [...document.scripts].map((script) => script.getAttribute("src") || "inline: " + script.text.slice(0, 80)),
            images: document.images.length,
            onAttributes,
        };""")
    problems = []
    if state["xss"] != "undefined":
        problems.append("window.__xss is set")
    if state["title"] == "pwned":
        problems.append(f"the title was changed to {state['title']!r}")
    if state["javascriptLinks"]:
        problems.append(f"javascript: URLs in links or forms: {state['javascriptLinks']}")
    if any(script != "/assets/app.js" for script in state["scripts"]):
        problems.append(f"scripts other than /assets/app.js: {state['scripts']}")
    if state["images"]:
        problems.append(f"{state['images']} img elements (the dashboard has none of its own)")
    if state["onAttributes"]:
        problems.append(f"event handler attributes: {state['onAttributes'][:5]}")
    if problems:
        raise Failure(f"{where}: " + "; ".join(problems))


def assert_console_clean(browser):
    """Nothing for the Content-Security-Policy to block (the escaping held before it), and no script errors."""
    browser.take_console()
    bad = []
    for entry in browser.console:
        message = entry.get("message", "")
        if "Content Security Policy" in message or "Content-Security-Policy" in message:
            bad.append(message)
        elif entry.get("level") == "SEVERE" and "favicon.ico" not in message:
            bad.append(message)
    if bad:
        raise Failure("the browser console has CSP reports or errors:\n  " + "\n  ".join(bad[:10]))
    say(f"console: {len(browser.console)} entries, no CSP report, no script error")


# MARK: - The scenario

# Records, in the page, every text each `pre.output` has had (the output a person watching saw, in order) and
# every state each step was shown in.
WATCH_OUTPUT = """
    window.__outputs = [];
    const last = {};
    const note = (key, text, elements) => {
        if (text === last[key]) return;
        last[key] = text;
        window.__outputs.push({ key, text, elements });
    };
    const record = () => {
        for (const pre of document.querySelectorAll("pre.output")) {
            note(pre.dataset.run + "/" + pre.dataset.index, pre.textContent, pre.querySelectorAll("*").length);
        }
        for (const row of document.querySelectorAll("tr[data-step]")) {
            note("step " + row.dataset.step, row.querySelector("span.state").textContent, 0);
        }
    };
    new MutationObserver(record).observe(document.getElementById("live"), { subtree: true, childList: true, characterData: true });
    record();
"""


def outputs(browser, key):
    return [entry for entry in browser.js("return window.__outputs || []") if entry["key"] == key]


def incident_number(browser, text):
    """The number of the listed incident whose summary contains `text`, if it is listed (read in one go: the script
    may swap the table in between two reads)."""
    return browser.js("""
        const row = [...document.querySelectorAll("table.incidents tr[data-incident]")]
            .find((row) => row.querySelector("td.summary").textContent.includes(arguments[0]));
        return row ? row.dataset.incident : null;""", text)


def fact(browser, name):
    """The value of the Summary's `name` row on an incident page."""
    return browser.js("""
        const term = [...document.querySelectorAll("dl.facts dt")].find((dt) => dt.textContent === arguments[0]);
        return term ? term.nextElementSibling.textContent : null;""", name)


def log_in(browser, token, next_path):
    browser.open(next_path)
    if not browser.path().startswith("/login?next="):
        raise Failure(f"{next_path} without a session went to {browser.path()}, not the login page")
    browser.one("input[name=token][type=password]").send_keys(token)
    browser.submit("Log in")
    if browser.path() != next_path:
        raise Failure(f"logging in led to {browser.path()}, not back to {next_path}")


def scenario(args, browser, tokens, alertmanager):
    shots = args.screenshots
    ada, vic = tokens["ada"], tokens["vic"]

    # Logging in: a wrong token is refused on the page; the right one sets an HttpOnly, SameSite=Strict cookie.
    browser.open("/incidents")
    if not browser.path().startswith("/login?next=") or "incidents" not in browser.path():
        raise Failure(f"/incidents without a session went to {browser.path()}, not the login page")
    browser.screenshot(shots, "login")
    browser.one("input[name=token]").send_keys("rbk_not-a-token")
    problem = browser.expect_refusals(lambda: browser.submit("Log in", refused=True))
    if "not valid" not in problem:
        raise Failure(f"a wrong token got {problem!r}")
    browser.one("input[name=token]").send_keys(ada)
    browser.submit("Log in")
    if browser.path() != "/incidents":
        raise Failure(f"logging in led to {browser.path()}, not back to /incidents")
    cookie = browser.driver.get_cookie("runbook_session") or {}
    if not cookie.get("httpOnly") or cookie.get("sameSite") != "Strict":
        raise Failure(f"the session cookie is not HttpOnly and SameSite=Strict: {cookie}")
    if "runbook_session" in browser.js("return document.cookie"):
        raise Failure("the page's script can read the session cookie")
    say("logged in as ada (approver); the session cookie is HttpOnly, SameSite=Strict")

    # An alert appears without a reload: the window keeps a mark made before the alert was sent.
    browser.stream_open()
    browser.js("window.__marker = 'before the alert'")
    send_alerts(alertmanager, [
        {"labels": {"alertname": "DiskFilling", "instance": "web-3", "mountpoint": "/var", "severity": "critical"},
         "annotations": {"summary": "Disk /var on web-3 full within 4 hours"}},
        {"labels": {"alertname": "BackupOverdue", "instance": "db-1", "severity": "warning"},
         "annotations": {"summary": "Nightly backup of db-1 is 3 hours late"}},
    ])
    number = browser.until("the alert's incident on the list", lambda b: incident_number(b, "Disk /var on web-3"), timeout=30)
    browser.until("the second alert's incident", lambda b: incident_number(b, "Nightly backup"), timeout=30)
    if browser.js("return window.__marker") != "before the alert":
        raise Failure("the incidents page reloaded to show the alert; the script should have swapped the table in")
    if not browser.js("return document.body.dataset.refreshed"):
        raise Failure("the rows are there but the script never refreshed the table")
    countdown = browser.text(f"tr[data-incident='{number}'] time[data-due]")
    if not (countdown or "").startswith("in "):
        raise Failure(f"{number}'s row has no running SLA countdown")
    say(f"{number} appeared on /incidents without a reload, with SLA countdowns")
    browser.screenshot(shots, "incidents")
    browser.screenshot(shots, "incidents-dark", dark=True)

    watch_the_run(browser, number, shots)
    acknowledge_and_resolve(browser, number, ada)
    read_the_other_pages(browser, number, shots)
    hostile = hostile_values(browser, alertmanager, tokens)
    viewer_is_refused(browser, vic, ada, hostile)
    log_in(browser, ada, f"/incidents/{hostile}")
    hostile_output(browser, hostile)
    assert_console_clean(browser)


def watch_the_run(browser, number, shots):
    """Opens the incident from the list, approves the waiting step, and watches its lines arrive one by one."""
    browser.follow(lambda: browser.driver.find_element(By.LINK_TEXT, number), f"{number}'s link")
    if browser.path() != f"/incidents/{number}":
        raise Failure(f"{number}'s link on the list led to {browser.path()}")
    for section in ["facts", "act", "labels", "escalation", "runs", "timeline"]:
        browser.one(f"#{section}", f"the section #{section}")
    browser.until("the first step to succeed and the second to wait",
                  lambda b: b.texts("tr[data-step] span.state")[:2] == ["succeeded", "awaiting-approval"])
    run = browser.attribute("article.run", "id").removeprefix("run-")
    browser.until("the escalation's first page", lambda b: b.find("section[aria-labelledby=escalation] span.ok"), timeout=30)
    say(f"{number}: run {run} waits for approval at step 2; level 1 was paged")

    browser.submit("Approve")
    browser.js(WATCH_OUTPUT)
    browser.js("window.__marker = 'after approving'")
    key = f"{run}/1"
    browser.until("line 2 of the approved step", lambda b: any("line 2:" in o["text"] for o in outputs(b, key)))
    browser.js("document.getElementById('escalation').scrollIntoView()")
    browser.screenshot(shots, "incident")
    browser.js("window.scrollTo(0, 0)")
    browser.until("line 3 of the approved step", lambda b: any("line 3:" in o["text"] for o in outputs(b, key)))
    seen = [o["text"] for o in outputs(browser, key)]
    if not any("line 2:" in text and "line 3:" not in text for text in seen):
        raise Failure(f"lines 2 and 3 arrived together, not as the step printed them: {seen}")
    if not any("line 1:" in text for text in seen):
        raise Failure(f"line 1 of the approved step never showed in its output box; it showed: {seen[-1]!r}")
    states = [o["text"] for o in outputs(browser, "step clear-logs")]
    if "running" not in states:
        raise Failure(f"the approved step was never shown running, only {states}")
    if any(o["elements"] for o in outputs(browser, key)):
        raise Failure("step output was inserted as markup, not as text")
    browser.until("the run to succeed", lambda b: b.text(f"#run-{run} h3 span.state") == "succeeded", timeout=30)
    raw = [o["text"] for o in outputs(browser, f"{run}/2")]
    if not any("raw bytes: \ufffd\ufffd end" in text for text in raw):
        raise Failure(f"the bytes that are not UTF-8 did not show as U+FFFD in step 3's output: {raw}")
    if browser.js("return window.__marker") != "after approving":
        raise Failure("the incident page reloaded while the run went on; it should update in place")
    # Once the run has ended, what the steps printed stays on the page (from the committed logs), not only the link.
    browser.until("the finished steps' output to stay shown",
                  lambda b: any("line 3:" in text for text in b.texts(f"#run-{run} tr.step-output pre.log")))
    say(f"{number}: after Approve, lines 1-3 arrived live one by one, then step 3's bytes as U+FFFD; the run succeeded; "
        "the output stays shown")


def typing_survives_a_refresh(browser, number, ada):
    """Half a note is typed when the incident changes (someone adds a note through the API): the page swaps its live
    part in, and the half-written note is still there, with the caret where it was."""
    browser.act("textarea[name=text]", lambda textarea: (textarea.click(), textarea.send_keys("Checked the disk: ")))
    before = browser.js("return document.body.dataset.refreshed")
    status, text = http("POST", f"{browser.server}/api/v1/incidents/{number}/notes", {"text": "Storage team is looking"}, token=ada)
    if status != 200:
        raise Failure(f"adding a note through the API: {status} {text}")
    browser.until("the page to swap in the new note", lambda b: b.js("return document.body.dataset.refreshed") != before
                  and "Storage team is looking" in b.texts("ol.notes p.text"))
    kept = browser.js("""const note = document.querySelector("textarea[name=text]");
        return [note.value, document.activeElement === note, note.selectionStart];""")
    if kept != ["Checked the disk: ", True, 18]:
        raise Failure(f"the half-written note did not survive the swap: [value, focused, caret] = {kept}")
    browser.driver.switch_to.active_element.send_keys("61% used after clearing")
    browser.submit("Add note")
    if "Checked the disk: 61% used after clearing" not in browser.texts("ol.notes p.text"):
        raise Failure(f"the note was not added as typed: {browser.texts('ol.notes p.text')}")
    say(f"{number}: a half-written note survived a live update (value, focus, caret) and was added")


def acknowledge_and_resolve(browser, number, ada):
    browser.submit("Acknowledge")
    if not (fact(browser, "Acknowledged") or "").startswith("ada "):
        raise Failure(f"{number} shows Acknowledged: {fact(browser, 'Acknowledged')!r} after acknowledging")
    if browser.button("Withdraw acknowledgement") is None or browser.button("Acknowledge") is not None:
        raise Failure("after acknowledging, the page still offers Acknowledge instead of withdrawing it")
    say(f"{number}: acknowledged by ada")
    typing_survives_a_refresh(browser, number, ada)

    notes = "Cleared 40 GB of old logs; 61% used now & falling"
    browser.act("select[name=state]", lambda select: Select(select).select_by_value("resolved"))
    browser.act("select[name=close_code]", lambda select: Select(select).select_by_value("workaround-provided"))
    # Cleared first: a retry after a swap must not type the notes after what the first try left.
    browser.act("textarea[name=close_notes]", lambda textarea: (textarea.clear(), textarea.send_keys(notes)))
    browser.submit("Move")
    facts = {name: fact(browser, name) for name in ["State", "Close code", "Close notes"]}
    if facts != {"State": "Resolved", "Close code": "Workaround provided", "Close notes": notes}:
        raise Failure(f"{number} after resolving shows {facts}")
    if browser.button("Acknowledge") or browser.button("Snooze"):
        raise Failure("a resolved incident still offers Acknowledge or Snooze")
    say(f"{number}: resolved, close code and notes shown as typed")


def read_the_other_pages(browser, number, shots):
    """The runbook, on-call and audit pages as a responder reads them; screenshots of each."""
    browser.follow(lambda: browser.one("article.run h3 a"), "the run's runbook link")
    if browser.path() != "/runbooks/disk-filling":
        raise Failure(f"the run's runbook link led to {browser.path()}")
    if [s.text.split()[0:2] for s in browser.find("figure.step figcaption")][:1] != [["Step", "1"]]:
        raise Failure("the runbook page does not mark its steps")
    browser.screenshot(shots, "runbook")
    browser.open("/oncall")
    if "Alice Example" not in browser.one("main").text:
        raise Failure("the on-call page does not name the bundled rotation's people")
    browser.screenshot(shots, "oncall")
    browser.open("/audit")
    resolved = [row for row in browser.find("table.audit tbody tr") if number in row.text and "transitioned" in row.text]
    if not resolved:
        raise Failure(f"/audit does not list {number}'s resolution")
    browser.screenshot(shots, "audit")
    browser.follow(lambda: resolved[0].find_element(By.CSS_SELECTOR, "a code"), "the resolution's commit link")
    if not browser.find("pre.diff ins"):
        raise Failure("the resolution's commit page shows no added lines")
    browser.screenshot(shots, "audit-commit")
    say("runbook, on-call, audit and commit pages read" + (f"; screenshots in {shots}" if shots else ""))


def hostile_values(browser, alertmanager, tokens):
    """Hostile labels and annotations through Alertmanager, and a megabyte straight at the webhook; nothing runs."""
    server = browser.server
    browser.open("/incidents")
    browser.stream_open()
    send_alerts(alertmanager, [
        {"labels": {"alertname": "HostileInput", "instance": ATTRIBUTE_BREAK, "team": SCRIPT_TAG, "link": JAVASCRIPT_LINK},
         "annotations": {"summary": f"Hostile {SCRIPT_TAG} {ATTRIBUTE_BREAK}", "description": f"see {JAVASCRIPT_LINK}",
                         "runbook_url": JAVASCRIPT_LINK}},
        {"labels": {"alertname": "LongLabel", "payload": LONG_LABEL}, "annotations": {"summary": "A label of 4096 characters"}},
    ])
    # Straight at the webhook, as Alertmanager's body would be: through Alertmanager a megabyte annotation goes out
    # twice (the alert's and the group's common annotations), over the server's 1 MiB body limit.
    webhook = server + "/api/v1/alerts/alertmanager"
    body = lambda labels, annotations: {"version": "4", "status": "firing", "receiver": "runbook",
                                        "alerts": [{"status": "firing", "labels": labels, "annotations": annotations}]}
    status, text = http("POST", webhook, body({"alertname": "Megabyte", "payload": MEGABYTE}, {}), tokens["alertmanager"])
    if status != 400 or "payload" not in text:
        raise Failure(f"a 1 MB label was not refused with a 400 naming it: {status} {text[:200]}")
    status, text = http("POST", webhook, body({"alertname": "MegabyteSummary"}, {"summary": MEGABYTE}), tokens["alertmanager"])
    if status != 200:
        raise Failure(f"an alert with a 1 MB summary was not taken in: {status} {text[:200]}")
    hostile = browser.until("the hostile alert's incident", lambda b: incident_number(b, "Hostile <script>"), timeout=30)
    long = browser.until("the long label's incident", lambda b: incident_number(b, "A label of 4096"), timeout=30)
    megabyte = browser.until("the 1 MB summary's incident", lambda b: incident_number(b, "MMMM"))
    summary = browser.text(f"tr[data-incident='{megabyte}'] td.summary")
    if len(summary) > 201:
        raise Failure(f"the list shows {len(summary)} characters of the 1 MB summary, not 200")
    assert_nothing_ran(browser, "/incidents with hostile incidents")
    say(f"hostile alerts listed as text ({hostile}); a 1 MB label refused with 400; a 1 MB summary clipped to 200 characters")

    browser.open(f"/incidents/{hostile}")
    labels = browser.js("""return Object.fromEntries([...document.querySelectorAll("table.labels tr")]
        .map((row) => [row.querySelector("th").textContent, row.querySelector("td").textContent]));""")
    expected = {"alertname": "HostileInput", "instance": ATTRIBUTE_BREAK, "team": SCRIPT_TAG, "link": JAVASCRIPT_LINK}
    if labels != expected:
        raise Failure(f"{hostile}'s labels are not shown as the text they are: {labels}")
    annotations = browser.js("""return Object.fromEntries([...document.querySelectorAll("table.annotations tr")]
        .map((row) => [row.querySelector("th").textContent, row.querySelector("td").textContent]));""")
    expected = {"summary": f"Hostile {SCRIPT_TAG} {ATTRIBUTE_BREAK}", "description": f"see {JAVASCRIPT_LINK}",
                "runbook_url": JAVASCRIPT_LINK}
    if annotations != expected:
        raise Failure(f"{hostile}'s annotations are not shown as the text they are: {annotations}")
    if browser.js("return document.querySelectorAll('table.annotations a, table.labels a').length") != 0:
        raise Failure(f"{hostile}'s labels or annotations became links")
    heading = browser.one("h1").text
    if SCRIPT_TAG not in heading:
        raise Failure(f"{hostile}'s heading does not show the summary as text: {heading!r}")
    assert_nothing_ran(browser, f"/incidents/{hostile}")

    browser.open(f"/incidents/{long}")
    value = browser.text("table.labels tr:last-child td")
    if value != "L" * 1000 + "…":
        raise Failure(f"the 4096-character label is shown as {len(value)} characters, not clipped to 1000 and '…'")
    browser.open(f"/incidents/{megabyte}")
    heading = browser.one("h1").text
    description = browser.text("#live p.text")
    if len(heading) > 530 or len(description) > 4001:
        raise Failure(f"the 1 MB summary is shown with {len(heading)} characters in the heading, {len(description)} in the description")
    assert_nothing_ran(browser, f"/incidents/{megabyte}")
    say(f"{hostile}: labels and summary shown as text; a long label clipped to 1000 characters; the 1 MB summary page loads clipped")

    browser.open("/runbooks")
    assert_nothing_ran(browser, "/runbooks")
    browser.open("/runbooks/hostile")
    if browser.one("h1").text != "Hostile " + SCRIPT_TAG:
        raise Failure(f"the hostile runbook's title is not shown as text: {browser.one('h1').text!r}")
    page = browser.one("article.markdown").text
    if "a raw block" in page:
        raise Failure(f"the hostile runbook's raw HTML block came through: {page[:300]}")
    assert_nothing_ran(browser, "/runbooks/hostile")
    browser.open("/audit")
    opened = [row for row in browser.find("table.audit tbody tr") if hostile in row.text]
    if not opened:
        raise Failure(f"/audit does not list {hostile}")
    assert_nothing_ran(browser, "/audit")
    browser.follow(lambda: opened[-1].find_element(By.CSS_SELECTOR, "a code"), "the commit link of the hostile incident's opening")
    assert_nothing_ran(browser, "the hostile incident's first commit")
    say("runbook, audit and commit pages with the hostile values: nothing ran, no javascript: link anywhere")
    return hostile


def viewer_is_refused(browser, vic, ada, hostile):
    """A viewer sees no buttons; the API and the form targets refuse the actions posted by hand all the same."""
    browser.open(f"/incidents/{hostile}")
    run = browser.attribute("article.run", "id").removeprefix("run-")
    if browser.button("Approve") is None or browser.button("Acknowledge") is None:
        raise Failure(f"ada (approver) is not offered Approve and Acknowledge on {hostile}")
    browser.submit("Log out")
    # A live update under way as the session ends finds it gone and reloads the page, which leads to the login page
    # with this one as `next`: the login page either way.
    if not browser.path().startswith("/login"):
        raise Failure(f"logging out led to {browser.path()}")
    log_in(browser, vic, f"/incidents/{hostile}")
    offered = [b.text for b in browser.find("#live button, #live form[action^='/actions/']")]
    if offered:
        raise Failure(f"a viewer is offered {offered}")
    if "can only read" not in (browser.text("section[aria-labelledby=act]") or ""):
        raise Failure("the viewer's Act section does not say the role can only read")
    refused = browser.expect_refusals(lambda: browser.js_async("""
        const [incident, run, done] = arguments;
        const csrf = document.querySelector("meta[name=csrf-token]").content;
        const post = (url, options) => fetch(url, { method: "POST", credentials: "same-origin", redirect: "manual", ...options })
            .then((response) => response.status);
        const form = (url) => post(url, { headers: { "Content-Type": "application/x-www-form-urlencoded" },
                                          body: "csrf=" + encodeURIComponent(csrf) });
        Promise.all([
            post("/api/v1/incidents/" + incident + "/acknowledge", { headers: { "X-CSRF-Token": csrf } }),
            post("/api/v1/incidents/" + incident + "/acknowledge"),
            form("/actions/incidents/" + incident + "/acknowledge"),
            form("/actions/runs/" + run + "/approve"),
        ]).then(done, (error) => done(String(error)));""", hostile, run))
    if refused != [403, 401, 403, 403]:
        raise Failure("a viewer's hand-made posts were answered "
                      f"{refused}, not [403 (API with the CSRF header), 401 (API without it), 403 (acknowledge form), 403 (approve form)]")
    acknowledged = json.loads(http("GET", f"{browser.server}/api/v1/incidents/{hostile}", token=ada)[1]).get("acknowledged_by")
    state = json.loads(http("GET", f"{browser.server}/api/v1/runs/{run}", token=ada)[1]).get("state")
    if acknowledged or state != "awaiting-approval":
        raise Failure(f"after the refusals {hostile} is acknowledged by {acknowledged} and its run is {state}")
    browser.submit("Log out")
    say("vic (viewer): no buttons; the API answered 403 (401 without the CSRF header), the forms 403; nothing changed")


def hostile_output(browser, hostile):
    """The hostile runbook's step prints markup and bytes that are not UTF-8; they arrive live, as text."""
    run = browser.attribute("article.run", "id").removeprefix("run-")
    browser.submit("Approve")
    browser.js(WATCH_OUTPUT)
    key = f"{run}/0"
    browser.until("the hostile output", lambda b: any("end" in o["text"] for o in outputs(b, key)))
    seen = outputs(browser, key)
    text = seen[-1]["text"]
    if SCRIPT_TAG not in text or ATTRIBUTE_BREAK not in text or "not utf-8: \ufffd\ufffd" not in text or any(o["elements"] for o in seen):
        raise Failure(f"the hostile output was not shown as text with U+FFFD for the bad bytes: {text!r}")
    assert_nothing_ran(browser, f"/incidents/{hostile} while the hostile step printed")
    browser.until("the hostile run to end", lambda b: b.text(f"#run-{run} h3 span.state") == "succeeded")
    browser.follow(lambda: browser.one(f"#run-{run} tr[data-step='print-hostile'] a[href$='/log']"), "the step's log link")
    body = browser.js("return document.body.textContent")
    if SCRIPT_TAG not in body or browser.js("return document.contentType") != "text/plain":
        raise Failure(f"the step's log is not plain text showing the markup: {browser.js('return document.contentType')}, {body[:200]!r}")
    assert_nothing_ran(browser, "the hostile step's log")
    say(f"{hostile}: the hostile step's output arrived live as text, bad bytes as U+FFFD; its log is text/plain")


# MARK: - Main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runbook", required=True, help="the runbook binary")
    parser.add_argument("--scratch", help="a new or empty directory for the data directory and the daemons' logs, kept "
                        "(default: a temporary one, removed when all held)")
    parser.add_argument("--screenshots", help="where to save the pages' screenshots (PNG, 1280x900); none without it")
    parser.add_argument("--alertmanager", default=shutil.which("prometheus-alertmanager") or "prometheus-alertmanager")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()
    # The daemons run in the scratch directory: a path relative to here would not lead there.
    args.runbook, args.alertmanager = os.path.abspath(args.runbook), os.path.abspath(args.alertmanager)
    for tool in [args.runbook, args.alertmanager, args.chromium, args.chromedriver]:
        if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
            print(f"dashboard.py: {tool} is not an executable (scripts/setup --integration installs the tools)", file=sys.stderr)
            return 2
    if args.scratch and os.path.isdir(args.scratch) and os.listdir(args.scratch):
        print(f"dashboard.py: {args.scratch} is not empty; give a new or empty directory", file=sys.stderr)
        return 2
    scratch = args.scratch or tempfile.mkdtemp(prefix="runbook-dashboard-")
    os.makedirs(scratch, exist_ok=True)
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)

    home = os.path.join(scratch, "home")
    env = {key: value for key, value in os.environ.items() if not key.startswith("RUNBOOK_")}
    env.update(RUNBOOK_HOME=home, RUNBOOK_ADDRESS="127.0.0.1", RUNBOOK_PORT="0")
    daemons = Daemons(scratch)
    # A SIGTERM (a test runner giving up) still stops the daemons and the browser, in the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), PageReceiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    browser = None
    try:
        tokens = set_up_data_dir(args.runbook, home, env, f"http://127.0.0.1:{receiver.server_address[1]}")
        server = start_server(args.runbook, env, daemons)
        alertmanager = start_alertmanager(args.alertmanager, scratch, server, tokens["alertmanager"], daemons)
        say(f"runbook serve at {server}, Alertmanager at {alertmanager}")
        browser = Browser(args.chromium, args.chromedriver, server, daemons)
        say("Chromium started (headless)")
        scenario(args, browser, tokens, alertmanager)
    except Failure as failure:
        print(f"\nFAILED: {failure}\n\n{daemons.logs()}", flush=True)
        return 1
    except (WebDriverException, OSError) as error:
        # Not a check that failed but a step that could not be taken: where, in this script.
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == __file__]
        where = f" at dashboard.py:{frames[-1].lineno} ({frames[-1].line})" if frames else ""
        print(f"\nFAILED{where}: {str(error).splitlines()[0]}\n\n{daemons.logs()}", flush=True)
        return 1
    finally:
        if browser:
            browser.quit()
        daemons.stop_all()
        receiver.shutdown()
    say("all held")
    if not args.scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
