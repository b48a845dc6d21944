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

from celery import Celery

BROKER_ENV = "PRIVACYGAP_CELERY_BROKER"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"

app = Celery("privacygap.monitor", broker=os.environ.get(BROKER_ENV, DEFAULT_BROKER))
app.conf.update(
    task_ignore_result=True,  # results live in the monitor store
    task_acks_late=True,  # a worker killed mid-scan leaves the task for another worker
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,  # scans are long; do not hoard them on one worker
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
)


@app.task(name="privacygap.monitor.scan_target")
def scan_target(*, targets_file: str, target: str, run_id: str, db: str | None, base_dir: str,
                fail_on: str | None = None, scan_ref: str = "privacygap.scan:run_scan") -> dict[str, Any]:
    """Scan one target of ``targets_file`` for ``run_id`` and store it; return its summary entry.

    ``db`` None means the store URL is taken from ``PRIVACYGAP_MONITOR_DB`` (used when the
    URL carries a password, which should not travel through the broker).
    """
    from privacygap.monitor.runner import RunContext, process_target, resolve_scan
    from privacygap.monitor.store import Store
    from privacygap.monitor.targets import load_targets

    parsed = load_targets(targets_file)
    store = Store.open(db or os.environ.get("PRIVACYGAP_MONITOR_DB"))
    try:
        ctx = RunContext(run_id=run_id, store=store, base_dir=Path(base_dir), smtp=parsed.smtp, fail_on=fail_on)
        return process_target(parsed.get(target), ctx, scan=resolve_scan(scan_ref))
    finally:
        store.close()
