"""The Celery application of the monitor: broker and task settings, no tasks.

Kept apart from :mod:`privacygap.monitor.celery_app` (which defines the task and imports the
runner) so that the runner can queue tasks by name without an import circle.
"""

from __future__ import annotations

import os

from celery import Celery

BROKER_ENV = "PRIVACYGAP_CELERY_BROKER"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
SCAN_TASK = "privacygap.monitor.scan_target"

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


__all__ = ["BROKER_ENV", "DEFAULT_BROKER", "SCAN_TASK", "app"]
