"""The Celery executor: one task scans one target through the same code path as ``local``.

Broker: Redis (``PRIVACYGAP_CELERY_BROKER``, default ``redis://127.0.0.1:6379/0``).
Results: not Celery's result backend but the monitor store (PostgreSQL in production):
the task calls :func:`privacygap.monitor.runner.process_target`, which stores the
result idempotently per (run, target); ``monitor run --executor celery`` waits on the
store. So a task delivered twice (``acks_late`` after a worker died) stores once.

Start workers (see docs/monitoring.md)::

    PRIVACYGAP_CELERY_BROKER=redis://127.0.0.1:6379/0 \\
    PRIVACYGAP_MONITOR_DB=postgresql://user:secret@db/privacygap \\
    celery -A privacygap.monitor.celery_app worker --concurrency 4 --loglevel INFO

Workers must see the targets file and the CRM exports at the same paths as the
process that runs ``monitor run``, and write reports to the same folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# The app lives in celery_conf so that the runner can queue tasks without importing this
# module (which imports the runner): every layer imports only downward.
from privacygap.monitor.celery_conf import BROKER_ENV, DEFAULT_BROKER, SCAN_TASK, app
from privacygap.monitor.runner import RunContext, process_target, resolve_scan
from privacygap.monitor.store import Store
from privacygap.monitor.targets import load_targets


@app.task(name=SCAN_TASK)
def scan_target(*, targets_file: str, target: str, run_id: str, db: str | None, base_dir: str,
                fail_on: str | None = None, scan_ref: str = "privacygap.scan:run_scan") -> dict[str, Any]:
    """Scan one target of ``targets_file`` for ``run_id`` and store it; return its summary entry.

    ``db`` None means the store URL is taken from ``PRIVACYGAP_MONITOR_DB`` (used when the
    URL carries a password, which should not travel through the broker).
    """
    parsed = load_targets(targets_file)
    store = Store.open(db or os.environ.get("PRIVACYGAP_MONITOR_DB"))
    try:
        ctx = RunContext(run_id=run_id, store=store, base_dir=Path(base_dir), smtp=parsed.smtp, fail_on=fail_on)
        return process_target(parsed.get(target), ctx, scan=resolve_scan(scan_ref))
    finally:
        store.close()


__all__ = ["BROKER_ENV", "DEFAULT_BROKER", "app", "scan_target"]
