"""The ``monitor`` sub-commands, as functions the argparse CLI calls with its namespace.

Each takes an object with (some of) these attributes and returns the exit code:
``targets`` (path), ``db`` (path or URL), ``format`` (text|json), ``fail_on``,
``executor`` (local|celery), ``concurrency``, ``target`` (a name), ``output`` (reports
folder for ``run``; the HTML file for ``report``), and optionally ``force``, ``lang``,
``lock_timeout``, ``limit``, ``max_iterations``. Missing attributes take defaults.
Errors go to stderr as one line (database passwords masked) with their exit code.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from privacygap.errors import PrivacyGapError, UsageError
from privacygap.monitor.dashboard import history_entries, history_text, write_dashboard
from privacygap.monitor.diff import describe
from privacygap.monitor.runner import monitor_run
from privacygap.monitor.serve import serve
from privacygap.monitor.store import Store, mask_url
from privacygap.monitor.targets import load_targets


def _get(args: Any, name: str, default: Any = None) -> Any:
    value = getattr(args, name, default)
    return default if value is None else value


def _fail(exc: PrivacyGapError, err: TextIO, db: str | None) -> int:
    message = str(exc)
    if db and "://" in db:
        message = message.replace(db, mask_url(db))
    print(f"privacygap: error: {message}", file=err)
    return int(exc.exit_code)


def summary_text(summary: dict[str, Any]) -> str:
    """The run summary for people: a line per target and the exit code."""
    lines = [f"monitor run {summary['run_id']}" + (" (resumed)" if summary.get("resumed") else "")]
    width = max((len(t["name"]) for t in summary["targets"]), default=0)
    for t in summary["targets"]:
        if t["status"] == "error":
            what = t.get("error") or ""
        elif t["status"] == "skipped":
            what = "not due"
        else:
            what = describe(t.get("changes"))
        report = f"  [{t['report']}]" if t.get("report") and t["status"] != "skipped" else ""
        lines.append(f"  {t['name']:<{width}}  {t['status']:<7}  {what}{report}")
    lines.append(f"exit code {summary['exit_code']}")
    return "\n".join(lines) + "\n"


def _progress(err: TextIO, *, quiet: bool = False):
    """Per-target progress: a live line per target on a terminal, ``[name] message`` lines otherwise."""
    from privacygap.progress import ProgressReporter

    reporter = ProgressReporter(err, quiet=quiet, sequential=False, live=None if err is sys.stderr else False)
    if not reporter.live:
        def say(name: str, message: str) -> None:
            if not quiet:
                print(f"[{name}] {message}", file=err, flush=True)
        return contextlib.nullcontext(say)
    return reporter


def cmd_run(args: Any, *, out: TextIO | None = None, err: TextIO | None = None, **overrides: Any) -> int:
    """``monitor run TARGETS [--db] [--executor] [--concurrency] [--fail-on] [--format] [--output]``."""
    out, err = out or sys.stdout, err or sys.stderr
    db = _get(args, "db")
    try:
        if not _get(args, "targets"):
            raise UsageError("monitor run needs a targets file", hint="privacygap monitor run targets.toml")
        only = [args.target] if _get(args, "target") else None
        quiet = bool(_get(args, "quiet", False)) or _get(args, "format", "text") != "text"
        with _progress(err, quiet=quiet) as progress:
            summary = monitor_run(
                args.targets, db=db, executor=_get(args, "executor", "local"),
                concurrency=int(_get(args, "concurrency", 4)), fail_on=_get(args, "fail_on"),
                output_dir=_get(args, "output"), force=bool(_get(args, "force", False)), only=only,
                lock_timeout=float(_get(args, "lock_timeout", 0.0)),
                allow_private=bool(_get(args, "allow_private", False)),
                progress=None if quiet else progress, **overrides)
    except PrivacyGapError as exc:
        return _fail(exc, err, db)
    if _get(args, "format", "text") == "json":
        out.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(summary_text(summary))
    return int(summary["exit_code"])


def _open_store(args: Any) -> tuple[Store, Any]:
    targets = load_targets(args.targets) if _get(args, "targets") else None
    store = Store.open(_get(args, "db"), must_exist=True)
    return store, targets


def cmd_history(args: Any, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``monitor history [--target NAME] [--db] [--format text|json]``."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        store, _targets = _open_store(args)
        try:
            limit = _get(args, "limit")
            if _get(args, "format", "text") == "json":
                entries = history_entries(store, target=_get(args, "target"), limit=limit)
                out.write(json.dumps({"schema_version": 1, "history": entries}, ensure_ascii=False, indent=2) + "\n")
            else:
                out.write(history_text(store, target=_get(args, "target"), limit=limit or 50))
        finally:
            store.close()
    except PrivacyGapError as exc:
        return _fail(exc, err, _get(args, "db"))
    return 0


def cmd_report(args: Any, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``monitor report [TARGETS] [--db] [--output FILE] [--lang]``: write the HTML overview."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        store, targets = _open_store(args)
        try:
            base = targets.base_dir if targets else Path.cwd()
            path = Path(_get(args, "output") or base / "reports" / "index.html")
            names = [t.name for t in targets.targets] if targets else None
            if names and _get(args, "target"):
                names = [targets.get(args.target).name]
            urls = {t.name: t.url for t in targets.targets} if targets else None
            lang = _get(args, "lang") or next((t.lang for t in (targets.targets if targets else ()) if t.lang), "de")
            written = write_dashboard(store, path, lang=lang, targets=names, urls=urls)
        finally:
            store.close()
    except PrivacyGapError as exc:
        return _fail(exc, err, _get(args, "db"))
    out.write(f"{written}\n")
    return 0


def cmd_serve(args: Any, *, out: TextIO | None = None, err: TextIO | None = None, **overrides: Any) -> int:
    """``monitor serve TARGETS [--db] [--executor] [--concurrency]``: run targets on their schedules."""
    out, err = out or sys.stdout, err or sys.stderr
    if not _get(args, "targets"):
        return _fail(UsageError("monitor serve needs a targets file"), err, None)
    fmt = _get(args, "format", "text")

    def on_summary(summary: dict[str, Any]) -> None:
        out.write(json.dumps(summary, ensure_ascii=False) + "\n" if fmt == "json" else summary_text(summary))
        out.flush()

    def on_error(exc: PrivacyGapError) -> None:
        _fail(exc, err, _get(args, "db"))

    try:
        serve(args.targets, db=_get(args, "db"), max_iterations=_get(args, "max_iterations"),
              on_summary=on_summary, on_error=on_error, executor=_get(args, "executor", "local"),
              concurrency=int(_get(args, "concurrency", 4)), fail_on=_get(args, "fail_on"),
              output_dir=_get(args, "output"), lock_timeout=float(_get(args, "lock_timeout", 30.0)),
              allow_private=bool(_get(args, "allow_private", False)),
              progress=_progress(err) if fmt == "text" else None, **overrides)
    except KeyboardInterrupt:
        return 0
    except PrivacyGapError as exc:
        return _fail(exc, err, _get(args, "db"))
    return 0
