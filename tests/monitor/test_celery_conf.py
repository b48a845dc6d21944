"""The Celery app lives in celery_conf; the task module registers the scan task under its name."""

from __future__ import annotations

import pytest

pytest.importorskip("celery")


def test_runner_queues_by_the_name_the_worker_registers():
    from privacygap.monitor import celery_app, celery_conf

    assert celery_conf.SCAN_TASK == "privacygap.monitor.scan_target"
    assert celery_app.app is celery_conf.app
    assert celery_conf.SCAN_TASK in celery_conf.app.tasks
    assert celery_conf.app.tasks[celery_conf.SCAN_TASK].name == celery_app.scan_target.name
    assert celery_conf.app.conf.task_acks_late is True and celery_conf.app.conf.task_ignore_result is True
