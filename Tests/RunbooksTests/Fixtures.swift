import Foundation
import Runbooks

/// The example from docs/runbook-format.md, byte for byte (line numbers below depend on it).
let exampleRunbook = """
---
title: Disk almost full
owner: team-storage
service: storage-cluster          # configuration item / business service on the incident
match:                            # Alertmanager matcher syntax; all must hold (AND)
  - alertname="DiskAlmostFull"
  - severity=~"critical|warning"
  - env!="dev"
impact: 2                         # 1 high .. 3 low; urgency comes from the alert unless set here
params:
  HOST:  { from: labels.instance, required: true, pattern: '^[a-z0-9.-]+(:[0-9]+)?$' }
  MOUNT: { from: labels.mountpoint, default: "/" }
timeout: 15m                      # whole run
concurrency: 1                    # runs of this runbook at once (per distinct params)
---

# Disk almost full

Why this fires and what the steps do, for the human reading it at 3 am.

## Check usage

```sh {id=check-usage timeout=30s}
df -h "$MOUNT"
```

## Remove rotated logs

Deletes data, so a person approves it first.

```sh {id=clean-logs approve=true retries=2 retry-delay=5s on-failure=continue}
find /var/log -name '*.gz' -mtime +7 -print -delete
```

```text
Plain fences like this one are documentation, never run.
```

"""

/// Parses `text` as `runbooks/test.md`.
func parse(_ text: String, path: String = "runbooks/test.md") -> ParsedRunbook {
    RunbookParser.parse(Data(text.utf8), path: path)
}

/// The errors as `line: message` strings, for compact expectations.
func errors(_ text: String) -> [String] {
    parse(text).errors.map { "\($0.line): \($0.message)" }
}

/// A runbook with the given front-matter lines (file lines 2...) and one step.
func withFrontMatter(_ lines: String) -> String {
    "---\n\(lines)\n---\n# T\n\n```sh\ntrue\n```\n"
}

/// A runbook with one step whose info string is `info` (the fence is on line 3).
func withFence(_ info: String) -> String {
    "# T\n\n```\(info)\ntrue\n```\n"
}
