"""``monitor run``: scan every due target once, store it, diff it, alert, summarise.

One path for every executor: :func:`process_target` scans one target, writes its
report, compares it with the target's previous successful run, stores the result and
sends alerts. The local executor calls it from a thread pool; the Celery executor calls
it from a worker task (celery_app.py). Both store through :class:`~privacygap.monitor.store.Store`,
so a result is saved exactly once per (run, target) however it was produced.

Resuming: a run that died part-way stays ``running`` in the store. The next
``monitor run`` on the same targets file (once it holds the lock, so the old process is
gone) continues that run id: finished targets are kept as they are, the rest are scanned.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from privacygap.errors import PrivacyGapError, UsageError
from privacygap.monitor import diff
from privacygap.monitor.alerts import send_alerts
from privacygap.monitor.store import ResultRecord, Store
from privacygap.monitor.targets import FAIL_ON, SmtpSettings, Target, TargetsFile, load_targets

SUMMARY_SCHEMA_VERSION = 1
ScanFn = Callable[..., Any]
Progress = Callable[[str, str], None]


# ---------------------------------------------------------------------------- time


def iso(when: datetime) -> str:
    """``2026-11-29T06:00:00Z`` (UTC, seconds)."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str | None) -> datetime | None:
    """The inverse of :func:`iso` (None stays None)."""
    if not text:
        return None
    return datetime.strptime(text[:20], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def file_stamp(run_id: str) -> str:
    """A run id made safe for file names: ``2026-11-29T06-00-00Z``."""
    return run_id.replace(":", "-")


# ---------------------------------------------------------------------------- requests


def build_request(target: Target, *, fail_on: str | None = None) -> Any:
    """The :class:`privacygap.scan.ScanRequest` for a target."""
    from privacygap.crawl.fetch import monitor_fetch_delay
    from privacygap.scan import ScanRequest

    values = {
        "url": target.url, "policy_url": target.policy_url, "policy_file": target.policy_file,
        "crm": list(target.crm), "crm_format": target.crm_format, "notes": target.notes,
        "guideline": target.guideline, "records": target.records,
        "browser": target.browser and bool(target.url),
        "allow_private": target.allow_private, "lang": target.lang,
        # The scan's own fail_on only sets its exit code; the monitor applies fail_on to *new*
        # findings itself. "never" is passed through so a scan never reports 1 for it.
        "fail_on": fail_on or target.fail_on, "facts": dict(target.facts),
        # Many targets may share a host: the monitor spaces their requests to it (profile [monitor]).
        "shared_host_delay": monitor_fetch_delay(),
    }
    known = {f.name for f in dataclasses.fields(ScanRequest)}
    return ScanRequest(**{k: v for k, v in values.items() if k in known})


def default_scan() -> ScanFn:
    """The real scan entry point, :func:`privacygap.scan.run_scan`."""
    from privacygap.scan import run_scan

    return run_scan


def scan_reference(scan: ScanFn) -> str:
    """``module:qualname`` of an importable scan function (for Celery workers)."""
    module, name = getattr(scan, "__module__", None), getattr(scan, "__qualname__", None)
    if not module or not name or "<" in name or module == "__main__":
        raise UsageError("the Celery executor needs an importable module-level scan function",
                         hint="define it at module level in an importable module")
    return f"{module}:{name}"


def resolve_scan(reference: str) -> ScanFn:
    """Import a scan function from ``module:qualname``."""
    import importlib

    module_name, _, name = reference.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _render_html(run: dict[str, Any], lang: str) -> str | None:
    """The management report via the lead's renderer, or None when it is not available."""
    try:
        from privacygap.output.html import render_html
    except ImportError:
        return None
    return render_html(run, lang)


# ---------------------------------------------------------------------------- one target


@dataclasses.dataclass
class RunContext:
    """What every target of one monitor run shares."""

    run_id: str
    store: Store
    base_dir: Path
    smtp: SmtpSettings = dataclasses.field(default_factory=SmtpSettings)
    fail_on: str | None = None  # overrides each target's fail_on when given
    render_html: bool = True


def _write_atomic(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}-{threading.get_ident()}")
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)  # readers never see half a report


def _display_path(path: str | None, base_dir: Path) -> str | None:
    if not path:
        return None
    try:
        return Path(path).relative_to(base_dir).as_posix()
    except ValueError:
        return path


def _screenshot(run: dict[str, Any]) -> tuple[bytes | None, dict[str, Any]]:
    """Pull an embedded banner screenshot out of the run for the store's binary column.

    Returns the bytes and a copy of the run whose ``consent.screenshot`` only says where
    the bytes went, so the store does not hold the image twice.
    """
    consent = run.get("consent") or {}
    shot = consent.get("screenshot")
    if not isinstance(shot, str):
        return None, run
    data: bytes | None = None
    if shot.startswith("data:") and ";base64," in shot:
        try:
            data = base64.b64decode(shot.split(";base64,", 1)[1], validate=False)
        except ValueError:
            data = None
    elif Path(shot).is_file():
        data = Path(shot).read_bytes()
    if data is None:
        return None, run
    slim = {**run, "consent": {**consent, "screenshot": "stored:screenshot"}}
    return data, slim


def _error_text(run: dict[str, Any] | None, exit_code: int | None) -> str:
    messages = [f"{e.get('stage', 'scan')}: {e.get('message', '')}" for e in (run or {}).get("errors") or []]
    return "; ".join(messages) if messages else f"the scan ended with exit code {exit_code}"


def entry_from_row(row: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """A summary entry (contract shape) from a stored result row."""
    entry: dict[str, Any] = {
        "name": row["target"],
        "status": row["status"],
        "report": _display_path(row.get("report_path"), base_dir),
        "changes": row.get("changes"),
        "error": row.get("error"),
    }
    if row.get("html_path"):
        entry["html_report"] = _display_path(row["html_path"], base_dir)
    fail_on = row.get("fail_on") or "high"
    entry["fail_on"] = fail_on
    entry["failing"] = row["status"] == "ok" and bool(diff.new_at_or_above(row.get("changes"), fail_on))
    return entry


def process_target(target: Target, ctx: RunContext, *, scan: ScanFn, browser: Any = None,
                   progress: Progress | None = None) -> dict[str, Any]:
    """Scan one target, write its report, diff, store and alert; return its summary entry.

    Idempotent per (run, target): when the store already holds this pair (a resumed run,
    a redelivered Celery task) the stored entry is returned and nothing is scanned.
    Never raises for a scan failure: it becomes ``status: error``.
    """
    stored = ctx.store.result(ctx.run_id, target.name)
    if stored is not None:
        return entry_from_row(stored, ctx.base_dir)
    say = progress or (lambda _name, _msg: None)
    fail_on = ctx.fail_on or target.fail_on
    started = iso(_utcnow())
    record = ResultRecord(run_id=ctx.run_id, target=target.name, status="error", started_at=started,
                          fail_on=fail_on)
    run: dict[str, Any] | None = None
    missing = target.missing_files()
    if missing:
        record.error = "; ".join(missing)
    else:
        say(target.name, "scanning")
        try:
            request = build_request(target, fail_on=fail_on if fail_on in FAIL_ON else None)
            result = scan(request, browser=browser) if browser is not None else scan(request)
            run, record.exit_code = result.run, int(result.exit_code)
        except PrivacyGapError as exc:
            record.error, record.exit_code = str(exc), int(exc.exit_code)
        except Exception as exc:  # noqa: BLE001 - one broken target must not stop the others
            record.error, record.exit_code = f"{type(exc).__name__}: {exc}", 3

    if run is not None:
        stamp = file_stamp(ctx.run_id)
        folder = ctx.base_dir / "reports" / target.name
        json_path = folder / f"{stamp}.json"
        _write_atomic(json_path, json.dumps(run, ensure_ascii=False, indent=2))
        record.report_path = str(json_path)
        if ctx.render_html:
            try:
                html = _render_html(run, target.lang or (run.get("target") or {}).get("lang") or "de")
            except Exception as exc:  # noqa: BLE001 - the JSON report stands without the HTML
                html = None
                say(target.name, f"HTML report not written: {type(exc).__name__}: {exc}")
            if html is not None:
                html_path = folder / f"{stamp}.html"
                _write_atomic(html_path, html)
                record.html_path = str(html_path)
        record.screenshot, slim = _screenshot(run)
        record.run_json = slim
        record.statement_text = diff.statement_text(run)
        record.statement_sha256 = (run.get("policy") or {}).get("sha256")
        record.findings = diff.finding_rows(run)
        record.cookies = diff.cookie_rows(run) or []
        record.fields = diff.field_rows(run) or []
        record.counts = diff.severity_counts(run)
        if record.exit_code is not None and record.exit_code >= 2:
            # A scan that failed part-way is kept for inspection but neither diffed nor
            # used as a baseline: its missing parts would read as "everything resolved".
            record.error = _error_text(run, record.exit_code)
        else:
            record.status = "ok"
            previous = ctx.store.previous_ok(target.name, before_run=ctx.run_id)
            record.changes = diff.compute_changes(previous["run"] if previous else None, run)
    record.finished_at = iso(_utcnow())

    if not ctx.store.save_result(record):
        # Someone else stored this pair while we scanned (a duplicate Celery delivery).
        row = ctx.store.result(ctx.run_id, target.name)
        return entry_from_row(row, ctx.base_dir) if row else entry_from_row(dataclasses.asdict(record) | {
            "changes": record.changes}, ctx.base_dir)

    if record.status == "ok" and record.id is not None:
        for attempt in send_alerts(target, record.changes, run_id=ctx.run_id,
                                   report=_display_path(record.report_path, ctx.base_dir), smtp=ctx.smtp):
            ctx.store.record_alert(record.id, channel=attempt.channel, destination=attempt.destination,
                                   ok=attempt.ok, error=attempt.error)
            if not attempt.ok:
                say(target.name, f"{attempt.channel} alert failed: {attempt.error}")
    say(target.name, record.status if not record.error else f"{record.status}: {record.error}")
    row = ctx.store.result(ctx.run_id, target.name)
    return entry_from_row(row, ctx.base_dir)


def _skipped(target: Target, ctx: RunContext) -> dict[str, Any]:
    record = ResultRecord(run_id=ctx.run_id, target=target.name, status="skipped",
                          started_at=iso(_utcnow()), finished_at=iso(_utcnow()),
                          fail_on=ctx.fail_on or target.fail_on)
    ctx.store.save_result(record)
    row = ctx.store.result(ctx.run_id, target.name)
    return entry_from_row(row, ctx.base_dir)


# ---------------------------------------------------------------------------- executors


def default_browser_factory() -> Callable[[], Any] | None:
    """``privacygap.crawl.browser.open_browser`` when the browser stage is installed, else None."""
    try:
        from privacygap.crawl.browser import open_browser
    except ImportError:
        return None
    return open_browser


def _open_shared_browser(stack: contextlib.ExitStack, factory: Callable[[], Any],
                         progress: Progress | None) -> Any:
    """Start the shared browser (a context manager or an object with ``close()``), or None."""
    try:
        made = factory()
        if hasattr(made, "__enter__") and hasattr(made, "__exit__"):
            return stack.enter_context(made)
        if callable(getattr(made, "close", None)):
            stack.callback(_quiet_close, made)
        return made
    except Exception as exc:  # noqa: BLE001 - each scan then starts (and reports) its own browser
        if progress:
            progress("monitor", f"shared browser not started ({type(exc).__name__}: {exc}); each scan starts its own")
        return None


def _quiet_close(browser: Any) -> None:
    try:
        browser.close()
    except Exception:  # noqa: BLE001 - closing a dead browser must not lose stored results
        pass


def _guarded(target: Target, ctx: RunContext, **kwargs: Any) -> dict[str, Any]:
    """:func:`process_target`, but a failure of the monitor itself (disk full, store gone)
    becomes this target's error instead of aborting the other targets.

    Nothing is stored for such a target, so the run stays resumable for it.
    """
    try:
        return process_target(target, ctx, **kwargs)
    except Exception as exc:  # noqa: BLE001 - reported in the summary, the run goes on
        return {"name": target.name, "status": "error", "report": None, "changes": None,
                "error": f"monitor: {type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}",
                "fail_on": ctx.fail_on or target.fail_on, "failing": False, "pending": True}


def _run_local(targets: list[Target], ctx: RunContext, *, scan: ScanFn, concurrency: int,
               browser_factory: Callable[[], Any] | None, progress: Progress | None) -> dict[str, dict[str, Any]]:
    """Run targets on a bounded thread pool, browser targets sharing one browser.

    The shared browser is opened only when a browser target is due and closed when the
    pool is done. privacygap's browser handle drives Playwright on its own event-loop
    thread, so scans on several pool threads may use it at once (a context per site).
    """
    entries: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        browser = None
        if browser_factory is not None and any(t.browser and t.url for t in targets):
            browser = _open_shared_browser(stack, browser_factory, progress)
        with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="privacygap-monitor") as pool:
            futures = {t.name: pool.submit(_guarded, t, ctx, scan=scan,
                                           browser=browser if t.browser and t.url else None, progress=progress)
                       for t in targets}
            for name, future in futures.items():
                entries[name] = future.result()
    return entries


def _run_celery(targets: list[Target], ctx: RunContext, *, targets_file: Path, db: str | None, scan_ref: str,
                timeout: float, poll: float = 0.5) -> dict[str, dict[str, Any]]:
    """Queue one Celery task per target and wait until the store holds every result."""
    import time

    from privacygap.monitor.celery_conf import BROKER_ENV, SCAN_TASK, app

    if os.environ.get(BROKER_ENV):
        # The app may have been imported before the variable was set (tests, notebooks).
        app.conf.broker_url = os.environ[BROKER_ENV]
    for target in targets:
        app.send_task(SCAN_TASK, kwargs={
            "targets_file": str(targets_file), "target": target.name, "run_id": ctx.run_id, "db": db,
            "base_dir": str(ctx.base_dir), "fail_on": ctx.fail_on, "scan_ref": scan_ref,
        })
    deadline = time.monotonic() + timeout
    entries: dict[str, dict[str, Any]] = {}
    waiting = {t.name for t in targets}
    while waiting:
        for name in sorted(waiting):
            row = ctx.store.result(ctx.run_id, name)
            if row is not None:
                entries[name] = entry_from_row(row, ctx.base_dir)
                waiting.discard(name)
        if not waiting:
            break
        if time.monotonic() > deadline:
            for name in waiting:
                # Not stored: the run stays resumable and a late worker's result is kept.
                entries[name] = {"name": name, "status": "error", "report": None, "changes": None,
                                 "error": f"no Celery worker finished this target within {timeout:.0f} s",
                                 "fail_on": ctx.fail_on or "high", "failing": False, "pending": True}
            break
        time.sleep(poll)
    return entries


# ---------------------------------------------------------------------------- the run


def due_targets(targets: Iterable[Target], store: Store, now: datetime, *, force: bool = False) -> list[Target]:
    """The targets whose schedule has an instant after their last successful run."""
    return [t for t in targets if force or t.schedule.is_due(parse_iso(store.last_success(t.name)), now)]


def _new_run_id(store: Store, now: datetime) -> str:
    # Run ids are timestamps to the second; two runs in one second take the next free one.
    when = now
    while store.run_exists(iso(when)):
        when += timedelta(seconds=1)
    return iso(when)


def exit_code_of(entries: list[dict[str, Any]]) -> int:
    """3 when a target failed (errors outrank findings), 1 when one has a new finding at or
    above its fail_on, else 0."""
    if any(e["status"] == "error" for e in entries):
        return 3
    return 1 if any(e.get("failing") for e in entries) else 0


def monitor_run(targets_file: str | Path, *, db: str | Store | None = None, executor: str = "local",
                concurrency: int = 4, fail_on: str | None = None, scan: ScanFn | None = None,
                now: datetime | None = None, output_dir: str | Path | None = None,
                browser_factory: Callable[[], Any] | None = None, force: bool = False,
                only: list[str] | None = None, lock_timeout: float = 0.0, celery_timeout: float = 3600.0,
                render_html: bool = True, allow_private: bool = False,
                progress: Progress | None = None) -> dict[str, Any]:
    """Run every due target of a targets file once and return the run summary.

    Args:
        targets_file: the ``targets.toml``.
        db: a SQLite path, a database URL, an open :class:`Store`, or None for
            ``$PRIVACYGAP_MONITOR_DB`` or ``./privacygap-monitor.sqlite`` (the current
            folder, where ``monitor history`` looks too).
        executor: ``local`` (thread pool) or ``celery`` (one task per target).
        concurrency: parallel scans of the local executor.
        fail_on: overrides every target's ``fail_on``.
        scan: the scan function (default :func:`privacygap.scan.run_scan`).
        now: the run's time (decides due-ness and the run id); default: the clock.
        output_dir: where ``reports/<target>/`` goes (default: beside the targets file).
        browser_factory: makes one browser shared by the browser targets (a context
            manager or an object with ``close()``); default with the real scan:
            :func:`privacygap.crawl.browser.open_browser`.
        force: run every target regardless of its schedule.
        only: run only these target names.
        lock_timeout: seconds to wait for another monitor run to release the store.
        allow_private: permit loopback and private addresses for every target
            (``--allow-private``), as ``allow_private = true`` in the file does.

    Returns:
        The contract's summary (schema_version, run_id, targets[name, status, report,
        changes, error]) plus ``exit_code``, ``resumed``, ``started_at`` and ``finished_at``.

    Raises:
        UsageError: a bad targets file, an unknown target or executor, or the store is
            locked by another run (:class:`~privacygap.monitor.store.MonitorLockedError`).
    """
    if executor not in ("local", "celery"):
        raise UsageError(f"--executor {executor!r} is not one of local, celery")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise UsageError(f"--fail-on {fail_on!r} is not one of {', '.join(FAIL_ON)}")
    parsed: TargetsFile = load_targets(targets_file)
    targets = list(parsed.targets)
    if only:
        targets = [parsed.get(name) for name in only]
    if allow_private:
        targets = [dataclasses.replace(t, allow_private=True) for t in targets]
    base_dir = Path(output_dir).absolute() if output_dir else parsed.base_dir
    store = db if isinstance(db, Store) else Store.open(db)
    try:
        with store.acquire_lock(timeout=lock_timeout) as lock:
            unfinished = store.unfinished_run(str(parsed.path))
            if unfinished is not None:
                run_id, started_at, resumed = unfinished["run_id"], unfinished["started_at"], True
                run_now = parse_iso(started_at) or _utcnow()
            else:
                run_now = (now or _utcnow()).astimezone(timezone.utc).replace(microsecond=0)
                run_id, resumed = _new_run_id(store, run_now), False
                started_at = iso(run_now)
                store.create_run(run_id, targets_file=str(parsed.path), started_at=started_at, executor=executor)
            ctx = RunContext(run_id=run_id, store=store, base_dir=base_dir, smtp=parsed.smtp, fail_on=fail_on,
                             render_html=render_html)
            entries: dict[str, dict[str, Any]] = {}
            pending: list[Target] = []
            due = {t.name for t in due_targets(targets, store, run_now, force=force)}
            for target in targets:
                row = store.result(run_id, target.name)
                if row is not None:
                    entries[target.name] = entry_from_row(row, base_dir)
                elif target.name in due:
                    pending.append(target)
                else:
                    entries[target.name] = _skipped(target, ctx)
            scan_fn = scan or default_scan()
            if pending and executor == "local":
                factory = browser_factory if browser_factory is not None else (
                    default_browser_factory() if scan is None else None)
                entries.update(_run_local(pending, ctx, scan=scan_fn, concurrency=concurrency,
                                          browser_factory=factory, progress=progress))
            elif pending:
                db_arg = None if isinstance(db, Store) else db
                entries.update(_run_celery(pending, ctx, targets_file=parsed.path,
                                           db=_celery_db_arg(store, db_arg), scan_ref=scan_reference(scan_fn),
                                           timeout=celery_timeout))
            ordered = [entries[t.name] for t in targets]
            if not any(e.get("pending") for e in ordered):
                store.finish_run(run_id)
            if lock.lost and progress:
                progress("monitor", "the store lock was taken over by another process during this run")
    finally:
        if not isinstance(db, Store):
            store.close()
    return {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "run_id": run_id,
        "started_at": started_at,
        "finished_at": iso(_utcnow()),
        "resumed": resumed,
        "exit_code": exit_code_of(ordered),
        "targets": ordered,
    }


def _celery_db_arg(store: Store, db: str | None) -> str | None:
    """The store URL to hand to workers, unless it carries a password.

    Task arguments travel through the broker and may show in worker logs; a URL with a
    password is left out and the worker reads ``PRIVACYGAP_MONITOR_DB`` instead.
    """
    from sqlalchemy.engine import make_url

    if store.url.startswith("sqlite"):
        return store.url
    return None if make_url(store.url).password else store.url
