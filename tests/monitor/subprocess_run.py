"""``python -m tests.monitor.subprocess_run TARGETS DB NOW``: a monitor run with the fake scan
in a separate process, so tests can kill it or run it beside another."""

from __future__ import annotations

import json
import sys
from datetime import datetime

from privacygap.errors import PrivacyGapError
from privacygap.monitor.runner import monitor_run
from tests.monitor.fakescan import fake_scan

if __name__ == "__main__":
    targets, db, now = sys.argv[1:4]
    try:
        summary = monitor_run(targets, db=db, scan=fake_scan, now=datetime.fromisoformat(now.replace("Z", "+00:00")),
                              concurrency=1)
    except PrivacyGapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(int(exc.exit_code))
    print(json.dumps(summary))
    sys.exit(summary["exit_code"])
