"""``monitor serve``: a long-running loop that runs targets when their schedules fall due.

Each turn re-reads the targets file (edits apply without a restart), asks the store
which targets are due, runs those through :func:`~privacygap.monitor.runner.monitor_run`
and sleeps until the next scheduled instant (at most ``max_sleep`` seconds, so a
targets-file edit is noticed). Turns with nothing due store nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from privacygap.errors import PrivacyGapError
from privacygap.monitor.runner import due_targets, monitor_run
from privacygap.monitor.store import Store
from privacygap.monitor.targets import load_targets


def seconds_until_next(targets_file: str | Path, now: datetime) -> float | None:
    """Seconds from ``now`` to the earliest next scheduled instant of any target (None: never)."""
    upcoming = [t.schedule.next(now) for t in load_targets(targets_file).targets]
    upcoming = [u for u in upcoming if u is not None]
    return max(0.0, (min(upcoming) - now).total_seconds()) if upcoming else None


def serve(targets_file: str | Path, *, db: str | None = None, max_iterations: int | None = None,
          stop: Callable[[], bool] | None = None, clock: Callable[[], datetime] | None = None,
          sleep: Callable[[float], None] = time.sleep, max_sleep: float = 300.0,
          on_summary: Callable[[dict[str, Any]], None] | None = None,
          on_error: Callable[[PrivacyGapError], None] | None = None, **run_kwargs: Any) -> list[dict[str, Any]]:
    """Run due targets on their schedules until ``stop()`` is true or ``max_iterations`` turns ran.

    Args:
        targets_file: the ``targets.toml`` (re-read every turn).
        db: the store (path or URL), as for ``monitor run``.
        max_iterations: turns before returning (None: forever); a test hook.
        stop: called before each turn; True ends the loop.
        clock: returns the current time (UTC); a test hook.
        sleep: waits between turns; a test hook.
        max_sleep: longest wait between turns, in seconds.
        on_summary: called with each run summary.
        on_error: called with a configuration/lock error of a turn (the loop carries on:
            a bad edit of the targets file must not kill the service).
        run_kwargs: passed to :func:`monitor_run` (scan, concurrency, executor, …).

    Returns:
        The summaries of the turns that ran something.
    """
    clock = clock or (lambda: datetime.now(timezone.utc).replace(microsecond=0))
    summaries: list[dict[str, Any]] = []
    turns = 0
    while (max_iterations is None or turns < max_iterations) and not (stop and stop()):
        turns += 1
        now = clock()
        try:
            parsed = load_targets(targets_file)
            store = Store.open(db)
            try:
                due = due_targets(parsed.targets, store, now)
                if due:
                    summary = monitor_run(targets_file, db=store, now=now, **run_kwargs)
                    summaries.append(summary)
                    if on_summary:
                        on_summary(summary)
            finally:
                store.close()
            wait = seconds_until_next(targets_file, clock())
        except PrivacyGapError as exc:
            if on_error:
                on_error(exc)
            wait = max_sleep
        if max_iterations is not None and turns >= max_iterations:
            break
        sleep(min(max_sleep, wait if wait is not None else max_sleep) or 1.0)
    return summaries
