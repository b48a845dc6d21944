"""One scan, end to end: acquire → understand → compare, returning the run JSON.

This is the one path through the house: the CLI, the demo and the monitor all call
:func:`run_scan`. Each stage records its failure in the run's ``errors`` and the scan
carries on with what it has, so a run that fails part-way still yields a report.

Order matters for the user's time: local inputs (CRM exports, notes, guideline, records) are
read first, so a bad file fails in a second with exit 2 instead of after a crawl.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from privacygap import __version__, taxonomy
from privacygap.completeness import completeness, traffic_light
from privacygap.checks.engine import run_checks
from privacygap.checks.kinds import CheckContext
from privacygap.models import Guideline
from privacygap.errors import ExitCode, InputFileError, NotAStatementError, PrivacyGapError, StageError, UsageError
from privacygap.models import ConsentResult, Finding, Inventory, PageLinks, RunError, Severity, Statement, to_jsonable
from privacygap.records.model import Records

Progress = Callable[[str, str], None]
SEVERITIES = ("low", "medium", "high", "critical")


@dataclass
class ScanRequest:
    """What to scan. ``url`` or ``policy_file`` (or only ``crm``) must be given."""

    url: str | None = None
    policy_url: str | None = None
    policy_file: str | None = None
    crm: list[str] = field(default_factory=list)
    crm_format: str | None = None
    notes: str | None = None
    guideline: str | None = None
    records: str | None = None  # the DPO's records file (docs/records.md)
    browser: bool = True
    allow_private: bool = False
    lang: str | None = None
    fail_on: str = "high"
    facts: dict[str, Any] = field(default_factory=dict)
    respect_robots: bool = True
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    # Pause between this scan's requests and another scan's to the same host (the monitor's
    # targets sharing a hoster); one scan's own requests are not spaced by it.
    shared_host_delay: float = 0.0


@dataclass
class ScanResult:
    """The run JSON plus the exit code it implies."""

    run: dict[str, Any]
    exit_code: int
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Collected:
    statement: Statement | None = None
    inventory: Inventory | None = None
    consent: ConsentResult | None = None
    guideline: Guideline | None = None
    records: Records | None = None
    final_policy_url: str | None = None
    legal_links: tuple[PageLinks, ...] = ()  # links of the statically fetched pages (POL001 without a browser)
    errors: list[RunError] = field(default_factory=list)
    worst_exit: int = ExitCode.OK

    def fail(self, stage: str, error: PrivacyGapError | str, exit_code: int = ExitCode.STAGE_FAILED) -> None:
        self.errors.append(RunError(stage, str(error)))
        code = getattr(error, "exit_code", exit_code)
        # Usage/input errors (2) and stage errors (3) both outrank findings; keep the first seen.
        if self.worst_exit == ExitCode.OK:
            self.worst_exit = int(code)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _quiet(stage: str, message: str) -> None:
    """Default progress callback: says nothing."""


# ---------------------------------------------------------------------------- stages


def _read_local_inputs(request: ScanRequest, got: _Collected, progress: Progress) -> None:
    if request.crm or request.notes:
        from privacygap.inventory.load import load_inventory

        progress("inventory", f"reading {len(request.crm)} CRM export(s)")
        try:
            got.inventory = load_inventory(list(request.crm), crm_format=request.crm_format, notes=request.notes)
        except PrivacyGapError as exc:
            got.fail("inventory", exc, ExitCode.USAGE)
    if request.guideline:
        from privacygap.inventory.guideline import load_guideline

        try:
            got.guideline = load_guideline(request.guideline)
        except PrivacyGapError as exc:
            got.fail("guideline", exc, ExitCode.USAGE)
    if request.records:
        from privacygap.records.load import load_records

        # Like a bad guideline: recorded in errors (exit 2), and the other stages still run,
        # so the checks that do not need the records still report.
        progress("records", f"reading {request.records}")
        try:
            got.records = load_records(request.records)
        except PrivacyGapError as exc:
            got.fail("records", exc, ExitCode.USAGE)


def _statement_from_file(request: ScanRequest, got: _Collected, progress: Progress) -> None:
    from privacygap.extract.statement import analyse_statement, detect_format

    path = Path(request.policy_file or "")
    progress("statement", f"reading {path}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        got.fail("statement", InputFileError(str(path), f"cannot read the statement: {exc.strerror or exc}",
                                             hint="check the path given to --policy"))
        return
    try:
        got.statement = analyse_statement(raw, fmt=detect_format(path.name, raw), url=request.policy_url,
                                          language=None, require_statement=True)
    except NotAStatementError as exc:
        got.fail("statement", InputFileError(str(path), exc.message,
                                             hint="give --policy the saved privacy statement (.html, .md, .txt)"))
    except PrivacyGapError as exc:
        got.fail("statement", exc)


def _crawl(request: ScanRequest, got: _Collected, progress: Progress) -> list[str]:
    """Fetch the site and its statement; return same-site links for the browser's sub-pages."""
    from privacygap.crawl.discover import discover
    from privacygap.crawl.fetch import Fetcher, FetchOptions
    from privacygap.extract.statement import analyse_statement

    assert request.url
    progress("crawl", f"fetching {request.url}")
    options = FetchOptions(allow_private=request.allow_private, respect_robots=request.respect_robots,
                           shared_host_delay=request.shared_host_delay)
    try:
        with Fetcher(options) as fetcher:
            found = discover(request.url, fetcher, policy_url=request.policy_url)
    except PrivacyGapError as exc:
        got.fail("crawl", exc)
        return []
    got.legal_links = tuple(found.legal_links)
    if found.policy_page is None:
        return list(found.links)
    got.final_policy_url = found.policy_page.final_url
    progress("statement", f"reading {found.policy_page.final_url}")
    try:
        statement = analyse_statement(found.policy_page.text, fmt="html", url=found.policy_page.final_url,
                                      language=None, require_statement=True)
        if found.imprint_url and not statement.imprint_url:
            from dataclasses import replace

            statement = replace(statement, imprint_url=found.imprint_url)
        got.statement = statement
    except NotAStatementError as exc:
        # A soft 404, a login wall or the home page behind a "Datenschutz" link: say so, do not analyse.
        got.fail("statement", StageError(f"{found.policy_page.final_url}: {exc.message}",
                                         hint="give the statement's address with --policy-url or a saved copy with --policy"))
    except PrivacyGapError as exc:
        got.fail("statement", exc)
    return list(found.links)


class _BrowserLaunch:
    """Starts the scan's own Chromium in the background while local inputs and the static crawl run.

    The launch (~0.7 s) then costs no time of its own. ``shared`` is a browser the caller holds:
    an open :class:`~privacygap.crawl.browser.BrowserHandle` (the monitor's, visited with the
    phases one after another) or a :class:`~privacygap.crawl.browser.BackgroundBrowser` the CLI
    started even earlier (this scan's own; the caller closes it). Otherwise, when the request has
    a browser stage, the launch starts here and the browser is closed when the scan ends.
    """

    def __init__(self, request: ScanRequest, shared: Any) -> None:
        from privacygap.crawl.browser import BackgroundBrowser

        self.request = request
        self.background: BackgroundBrowser | None = shared if isinstance(shared, BackgroundBrowser) else None
        self.shared = None if self.background is not None else shared
        self._own = self.background is None and self.shared is None and bool(request.url and request.browser)

    @property
    def own_browser(self) -> bool:
        """Whether the browser serves this scan alone (then its phases run side by side)."""
        return self.shared is None

    def __enter__(self) -> _BrowserLaunch:
        if self._own:
            from privacygap.crawl.browser import BackgroundBrowser, BrowserOptions

            self.background = BackgroundBrowser(BrowserOptions(allow_private=self.request.allow_private))
        return self

    def handle(self) -> Any:
        """The browser to visit with: the shared one, or ours once it has started.

        Raises:
            BrowserError: our browser could not start.
        """
        return self.shared if self.background is None else self.background.handle()

    def __exit__(self, *exc: Any) -> None:
        if self._own and self.background is not None:
            self.background.close()


class _BrowserVisit:
    """The browser stage in a thread of its own, so that it overlaps the static crawl.

    Its errors and result are kept apart and merged into the run by :meth:`join`, so the run's
    ``errors`` come in the same order however the two overlapped.
    """

    def __init__(self, request: ScanRequest, launch: _BrowserLaunch, progress: Progress) -> None:
        from concurrent.futures import Future

        self.subpages: Future = Future()
        self._got = _Collected()
        self._thread = threading.Thread(target=self._run, args=(request, launch, progress),
                                        name="privacygap-visit", daemon=True)
        self._thread.start()

    def _run(self, request: ScanRequest, launch: _BrowserLaunch, progress: Progress) -> None:
        try:
            handle = launch.handle()
        except PrivacyGapError as exc:
            self._got.fail("browser", exc)
            return
        except Exception as exc:  # noqa: BLE001 - reported as the stage's error, never lost in a thread
            self._got.fail("browser", f"the browser could not start: {type(exc).__name__}: {exc}")
            return
        try:
            _visit(request, self._got, self.subpages, handle, progress, own_browser=launch.own_browser)
        except Exception as exc:  # noqa: BLE001
            self._got.fail("browser", f"the browser visit failed: {type(exc).__name__}: {exc}")

    def join(self, got: _Collected) -> None:
        """Wait for the visit and merge its result and errors into ``got``."""
        while self._thread.is_alive():
            self._thread.join(0.2)  # in slices, so Ctrl-C and SIGTERM still reach the main thread
        got.consent = self._got.consent
        for error in self._got.errors:
            got.errors.append(error)
            if got.worst_exit == ExitCode.OK:
                got.worst_exit = self._got.worst_exit


def _visit(request: ScanRequest, got: _Collected, links: Any, browser: Any, progress: Progress,
           *, own_browser: bool = True) -> None:
    from privacygap.crawl.browser import BrowserOptions
    from privacygap.crawl.visit import visit_site

    assert request.url
    progress("browser", "visiting the site in Chromium (before consent, after reject, after accept)")
    try:
        # A shared browser (the monitor) already runs several sites at once: their phases go one
        # after the other there, so memory grows with the targets, not with targets × phases.
        options = BrowserOptions(allow_private=request.allow_private, concurrent_phases=own_browser,
                                 progress=progress)
        consent = visit_site(request.url, options=options, browser=browser,
                             subpages=links if not isinstance(links, list) else links[:2] or None)
    except PrivacyGapError as exc:
        got.fail("browser", exc)
        return
    failed = [(name, phase.error) for name, phase in consent.phases.items() if phase.error]
    if failed and len(failed) == len(consent.phases):
        # Not one phase loaded the site: an empty observation would read as "no cookies, no banner".
        got.fail("browser", f"{request.url}: the site could not be loaded in the browser ({failed[0][1]})")
        return
    for name, error in failed:
        # A phase that did not finish leaves its part of the banner checks unseen: the run is incomplete.
        got.fail("browser", f"{name}: {error}")
    got.consent = consent


# ---------------------------------------------------------------------------- assembly


def _policy_json(statement: Statement | None, final_url: str | None) -> dict[str, Any] | None:
    if statement is None:
        return None
    data = to_jsonable(statement)
    data["url"] = statement.url or final_url
    # The statement text is public, but the sections carry it already; keep the run lean.
    data.pop("text", None)
    data["sections"] = [{"heading_path": list(s.heading_path), "text": s.text} for s in statement.sections]
    return data


def _inventory_json(inventory: Inventory | None) -> dict[str, Any] | None:
    if inventory is None:
        return None
    try:
        from privacygap.inventory.report import inventory_to_json

        return inventory_to_json(inventory)
    except ImportError:  # pragma: no cover - the inventory package always ships report.py
        return to_jsonable(inventory)


def _summary(statement: Statement | None, inventory: Inventory | None, findings: list[Finding]) -> dict[str, Any]:
    declared = sorted(statement.declared_keys()) if statement else []
    stored = sorted(inventory.stored_categories()) if inventory else []
    counts = {s: 0 for s in reversed(SEVERITIES)}
    for finding in findings:
        counts[finding.severity.value] += 1
    return {
        "declared_categories": declared,
        "stored_categories": stored,
        "undisclosed_categories": taxonomy.undisclosed(stored, declared) if statement and inventory else [],
        "findings_by_severity": counts,
    }


def _produced(got: _Collected, errors: list[dict[str, Any]], pending: list[str]) -> set[str]:
    """The stages that yielded their result (what the verdict may speak for)."""
    failed = {e["stage"] for e in errors}
    made = {stage for stage, value in (("inventory", got.inventory), ("guideline", got.guideline),
                                       ("records", got.records), ("statement", got.statement),
                                       ("browser", got.consent)) if value is not None}
    made |= {stage for stage in ("crawl", "checks") if stage not in failed and stage not in pending}
    return made - failed


def _exit_code(got: _Collected, findings: list[Finding], fail_on: str) -> int:
    if got.worst_exit != ExitCode.OK:
        return got.worst_exit  # errors outrank findings
    if fail_on == "never":
        return ExitCode.OK
    threshold = Severity(fail_on).rank
    return ExitCode.FINDINGS if any(f.severity.rank >= threshold for f in findings) else ExitCode.OK


def validate_request(request: ScanRequest) -> None:
    """Reject requests that name nothing to scan or use unknown option values.

    Raises:
        UsageError: with what to do instead.
    """
    if not (request.url or request.policy_file or request.crm or request.notes):
        raise UsageError("nothing to scan", hint="give a URL, --policy FILE or --crm FILE")
    if request.fail_on not in (*SEVERITIES, "never"):
        raise UsageError(f"--fail-on {request.fail_on!r} is not one of low, medium, high, critical, never")
    if request.lang not in (None, "de", "en"):
        raise UsageError(f"--lang {request.lang!r} is not supported (de, en)")


def _assemble(request: ScanRequest, got: _Collected, started: str, lang: str, findings: list[Finding],
              checks: dict[str, Any], pending: list[str]) -> dict[str, Any]:
    """The run JSON of what has been collected so far; ``pending`` stages are marked in ``errors``."""
    errors = [to_jsonable(e) for e in got.errors]
    errors += [{"stage": stage, "message": "not completed: the scan stopped before this stage finished"}
               for stage in pending]
    summary = _summary(got.statement, got.inventory, findings)
    # Which requested stages were checked: the verdict of every format covers only these.
    summary.update(completeness(errors, requested_stages(request), _produced(got, errors, pending)))
    summary["verdict"] = traffic_light(summary["findings_by_severity"], summary["status"])
    return {
        "schema_version": 1,
        "tool": {"name": "privacygap", "version": __version__},
        "target": {"url": request.url or request.policy_url, "policy_file": request.policy_file,
                   "started_at": started, "finished_at": _now(), "lang": lang},
        "policy": _policy_json(got.statement, got.final_policy_url),
        "inventory": _inventory_json(got.inventory),
        "consent": to_jsonable(got.consent) if got.consent is not None else None,
        "findings": [to_jsonable(f) for f in findings],
        "summary": summary,
        "checks": checks,
        "errors": errors,
    }


def requested_stages(request: ScanRequest) -> list[str]:
    """The stages a request asks for, in the order they run."""
    stages = []
    if request.crm or request.notes:
        stages.append("inventory")
    if request.guideline:
        stages.append("guideline")
    if request.records:
        stages.append("records")
    if request.policy_file:
        stages.append("statement")
    elif request.url:
        stages += ["crawl", "statement"]
    if request.url and request.browser:
        stages.append("browser")
    return stages + ["checks"]


def run_scan(request: ScanRequest, *, browser: Any = None, progress: Progress | None = None,
             checkpoint: Callable[[dict[str, Any]], None] | None = None) -> ScanResult:
    """Run one scan and return the run JSON and exit code.

    Args:
        request: what to scan.
        browser: an open Playwright browser to reuse (the monitor shares one); a new one
            is started when needed and None is given.
        progress: called with (stage, message) on long steps.
        checkpoint: called with the partial run JSON after every stage, so a scan that
            is killed part-way still leaves a report that marks what is missing.

    Raises:
        UsageError: when the request itself is invalid (nothing else escapes: stage
            failures are recorded in the run's ``errors``).
    """
    validate_request(request)
    progress = progress or _quiet
    started = _now()
    got = _Collected()
    pending = requested_stages(request)

    def done(*stages: str) -> None:
        for stage in stages:
            if stage in pending:
                pending.remove(stage)
        if checkpoint is not None:
            lang_now = request.lang or (got.statement.language if got.statement else "de")
            checkpoint(_assemble(request, got, started, lang_now, [], {"ran": [], "skipped": {}}, pending))

    with _BrowserLaunch(request, browser) as launch:
        _read_local_inputs(request, got, progress)
        done("inventory", "guideline", "records")
        # The browser visit runs beside the static crawl and the statement's reading; the crawl
        # hands it the sub-pages to visit (a Future) once it has them.
        visit = _BrowserVisit(request, launch, progress) if request.url and request.browser else None
        links: list[str] = []
        try:
            if request.policy_file:
                _statement_from_file(request, got, progress)
            elif request.url:
                links = _crawl(request, got, progress)
        finally:
            if visit is not None:
                visit.subpages.set_result(links[:2] or None)
        done("crawl", "statement")
        if visit is not None:
            visit.join(got)
            done("browser")

    lang = request.lang or (got.statement.language if got.statement else "de")
    progress("checks", "comparing statement, CRM and website")
    ctx = CheckContext(site=request.url or request.policy_url or request.policy_file or "",
                       statement=got.statement, inventory=got.inventory, consent=got.consent,
                       guideline=got.guideline, records=got.records, pages=got.legal_links, facts=request.facts)
    outcome = run_checks(ctx, lang=lang, selectors=request.select or None, ignore=request.ignore or None)
    got.errors.extend(outcome.errors)
    pending.remove("checks")
    run = _assemble(request, got, started, lang, outcome.findings,
                    {"ran": outcome.ran, "skipped": outcome.skipped}, pending)
    return ScanResult(run=run, exit_code=_exit_code(got, outcome.findings, request.fail_on), findings=outcome.findings)


__all__ = ["ScanRequest", "ScanResult", "requested_stages", "run_scan", "validate_request"]
