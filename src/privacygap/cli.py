"""The command line: parses arguments, calls the pipeline, writes outputs. No logic of its own.

Exit codes (cli-and-json.md): 0 clean, 1 findings at or above ``--fail-on``, 2 usage or
unreadable input, 3 a requested stage could not complete. Errors outrank findings.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from privacygap import __version__
from privacygap.errors import ExitCode, PrivacyGapError, UsageError

FORMAT_SUFFIX = {"text": "txt", "json": "json", "html": "html", "markdown": "md", "sarif": "sarif"}


# ---------------------------------------------------------------------------- helpers


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _progress_printer(quiet: bool):
    """The scan's progress on stderr: live lines on a terminal, plain lines otherwise (a context manager)."""
    from privacygap.progress import ProgressReporter

    return ProgressReporter(sys.stderr, quiet=quiet)


def write_outputs(run: dict[str, Any], formats: list[str], output: str | None, *, lang: str | None,
                  base_dir: Path | None = None, verbose: bool = False) -> list[Path]:
    """Render ``run`` in every format; to stdout (one format, no ``output``) or to files.

    With several formats, ``output`` is a folder (created) or a base path whose suffix is
    replaced per format. Returns the files written.
    """
    from privacygap.output import render

    formats = formats or ["text"]
    if output is None:
        if len(formats) > 1:
            raise UsageError("several --format values need --output (a folder or a base file name)")
        sys.stdout.write(render(run, formats[0], lang=lang, color=sys.stdout.isatty(), verbose=verbose))
        return []
    target = Path(output)
    written: list[Path] = []
    for fmt in formats:
        if len(formats) == 1 and not target.is_dir():
            path = target
        elif target.is_dir() or not target.suffix:
            path = target / f"report.{FORMAT_SUFFIX[fmt]}"
        else:
            path = target.with_suffix("." + FORMAT_SUFFIX[fmt])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(run, fmt, lang=lang, base_dir=base_dir, verbose=verbose), encoding="utf-8")
        written.append(path)
    return written


def _run_lang(run: dict[str, Any]) -> str:
    return run.get("target", {}).get("lang") or (run.get("policy") or {}).get("language") or "de"


def _parse_facts(values: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for item in values:
        if "=" not in item:
            raise UsageError(f"--fact {item!r} must look like name=value (e.g. dpo_appointed=true)")
        name, value = item.split("=", 1)
        try:
            facts[name.strip()] = json.loads(value)
        except json.JSONDecodeError:
            facts[name.strip()] = value
    return facts


# ---------------------------------------------------------------------------- commands


def cmd_scan(args: argparse.Namespace) -> int:
    """``privacygap scan``: one site (or saved statement) against CRM exports."""
    if args.url and "://" not in args.url:
        args.url = "https://" + args.url  # "example.com" means the site, as in a browser's address bar
    if args.url and args.policy:
        raise UsageError("give either a URL or --policy FILE, not both (use --policy-url to point at the statement)")
    if not (args.url and not args.no_browser):
        return _scan(args, None)
    # Chromium starts now, before the rest of the pipeline is even imported (~0.7 s overlapped).
    from privacygap.crawl.browser import BackgroundBrowser, BrowserOptions

    early = BackgroundBrowser(BrowserOptions(allow_private=args.allow_private))
    try:
        return _scan(args, early)
    finally:
        early.close()


def _scan(args: argparse.Namespace, early_browser: Any) -> int:
    from privacygap.scan import ScanRequest, run_scan

    request = ScanRequest(
        url=args.url, policy_url=args.policy_url, policy_file=args.policy, crm=args.crm or [],
        crm_format=args.crm_format, notes=args.notes, guideline=args.guideline, records=args.records,
        browser=not args.no_browser and bool(args.url), allow_private=args.allow_private, lang=args.lang,
        fail_on=args.fail_on, facts=_parse_facts(args.fact or []), respect_robots=not args.ignore_robots,
        select=args.select or [], ignore=args.ignore or [],
    )
    formats = args.format or ["text"]
    partial = _partial_path(args.output)
    last: dict[str, Any] = {}

    def checkpoint(run: dict[str, Any]) -> None:
        # Keep what has been collected on disk, so even a killed scan leaves a report.
        last["run"] = run
        if partial is not None:
            partial.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")

    console = _stderr_console()
    with _terminate_as_interrupt():
        try:
            with _progress_printer(args.quiet) as progress:
                result = run_scan(request, browser=early_browser, progress=progress, checkpoint=checkpoint)
        except ScanInterrupted as interrupt:
            if "run" not in last:
                raise KeyboardInterrupt from interrupt
            console.print("privacygap: interrupted; writing what was collected", markup=False, style="yellow")
            write_outputs(last["run"], formats, args.output, lang=args.lang, verbose=args.verbose)
            return ExitCode.STAGE_FAILED
    written = write_outputs(result.run, formats, args.output, lang=args.lang, verbose=args.verbose)
    if partial is not None and partial.exists():
        partial.unlink()
    for path in written:
        console.print(f"wrote {path}", markup=False)
    for error in result.run["errors"]:
        console.print(f"error ({error['stage']}): {error['message']}", markup=False, style="yellow")
    return result.exit_code


def _partial_path(output: str | None) -> Path | None:
    """Where a scan keeps its partial run while it works (beside the requested output)."""
    if not output:
        return None
    target = Path(output)
    if target.is_dir() or not target.suffix:
        return target / "report.partial.json"
    return target.with_name(target.stem + ".partial.json")


class ScanInterrupted(BaseException):
    """SIGTERM or Ctrl-C arrived during a scan; the partial report is to be written."""


@contextlib.contextmanager
def _terminate_as_interrupt():
    """Turn SIGTERM and Ctrl-C during a scan into :class:`ScanInterrupted`, so the partial report is written.

    Why not simply ``KeyboardInterrupt``: CPython remembers a KeyboardInterrupt that passes through
    code it runs via ``PyRun_*`` (some lazily imported extension modules do) and then ends the process
    by SIGINT even after we caught it and returned exit code 3. A class of our own cannot trip that.
    """

    def handler(signum, frame):
        raise ScanInterrupted(signal.Signals(signum).name)

    try:
        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    except ValueError:  # not in the main thread (e.g. called from a test runner thread)
        yield
        return
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def cmd_inventory(args: argparse.Namespace) -> int:
    """``privacygap inventory``: classify a CRM export alone."""
    from privacygap.inventory.load import load_inventory
    from privacygap.inventory.report import inventory_to_json
    from privacygap.output.inventory import render_inventory_text

    inventory = load_inventory(args.files, crm_format=args.crm_format, notes=args.notes)
    if args.format == "json":
        text = json.dumps({"schema_version": 1, "inventory": inventory_to_json(inventory)}, ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_inventory_text(inventory_to_json(inventory))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return ExitCode.OK


def cmd_render(args: argparse.Namespace) -> int:
    """``privacygap render RUN.json``: re-render a saved run."""
    path = Path(args.run)
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the run ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from exc
    if not isinstance(run, dict) or run.get("schema_version") != 1:
        raise UsageError(f"{path}: not a privacygap run (schema_version 1 expected)")
    write_outputs(run, args.format or ["html"], args.output, lang=args.lang, base_dir=path.parent,
                  verbose=args.verbose)
    return ExitCode.OK


def cmd_checks(args: argparse.Namespace) -> int:
    """``privacygap checks list|show ID``: the catalog."""
    from privacygap.checks.catalog import load_catalog

    catalog = load_catalog()
    lang = args.lang or "en"
    if args.action == "list":
        for spec in catalog.values():
            sys.stdout.write(f"{spec.id}  {spec.severity.value:<8} {spec.slug:<40} {spec.title[lang]}\n")
        return ExitCode.OK
    if not args.id or args.id.upper() not in catalog:
        raise UsageError(f"unknown check {args.id!r}", hint="see `privacygap checks list`")
    spec = catalog[args.id.upper()]
    lines = [f"{spec.id} {spec.slug} ({spec.severity.value}, {spec.status})", spec.title[lang], "",
             f"{'Was' if lang == 'de' else 'What'}: {spec.docs['what'][lang]}",
             f"{'Warum' if lang == 'de' else 'Why'}: {spec.docs['why'][lang]}",
             f"{'Abhilfe' if lang == 'de' else 'Fix'}: {spec.docs['fix'][lang]}",
             f"{'Normen' if lang == 'de' else 'References'}: {'; '.join(spec.references)}",
             f"Input: {', '.join(spec.inputs)} · kind: {spec.kind}"]
    sys.stdout.write("\n".join(lines) + "\n")
    return ExitCode.OK


def cmd_demo(args: argparse.Namespace) -> int:
    """``privacygap demo``: serve the bundled example company on loopback, scan it, write reports."""
    from privacygap.demo.server import demo_paths, serve_demo_site
    from privacygap.scan import ScanRequest, run_scan

    paths = demo_paths()
    out = Path(args.output or "reports/demo")
    out.mkdir(parents=True, exist_ok=True)
    with serve_demo_site() as base_url:
        request = ScanRequest(url=base_url, crm=[str(p) for p in paths["crm"]], notes=str(paths["notes"]),
                              guideline=str(paths["guideline"]), records=str(paths["records"]),
                              browser=not args.no_browser,
                              allow_private=True, lang=args.lang, fail_on="never", respect_robots=True)
        with _progress_printer(args.quiet) as progress:
            result = run_scan(request, progress=progress)
    written = write_outputs(result.run, ["json", "html", "markdown"], str(out), lang=args.lang)
    sys.stdout.write(_demo_summary(result.run, written, args.lang, verbose=args.verbose))
    return result.exit_code


def _demo_summary(run: dict[str, Any], written: list[Path], lang: str | None, *, verbose: bool = False) -> str:
    from privacygap.output.text import render_text

    text = render_text(run, lang or _run_lang(run), color=sys.stdout.isatty(), verbose=verbose)
    return text + "\n" + "\n".join(f"wrote {p}" for p in written) + "\n"


def cmd_doctor(args: argparse.Namespace) -> int:
    """``privacygap doctor``: versions, browser, catalogs, data files."""
    from privacygap.checks.catalog import load_catalog
    from privacygap.doctor import diagnose

    report = diagnose()
    report["checks"] = len(load_catalog())
    width = max(len(k) for k in report)
    for key, value in report.items():
        sys.stdout.write(f"{key:<{width}}  {value}\n")
    return ExitCode.OK if report.get("browser_ok", True) else ExitCode.STAGE_FAILED


def cmd_eval(args: argparse.Namespace) -> int:
    """``privacygap eval statements|inventory``: measure against a labelled corpus."""
    if args.what == "statements":
        from privacygap.extract.evaluate import evaluate_statements as evaluate
        from privacygap.extract.evaluate import format_evaluation as describe

        default_gold = "gold-dev.json"
    else:
        from privacygap.inventory.evaluate import evaluate_inventories as evaluate
        from privacygap.inventory.evaluate import format_inventory_evaluation as describe

        default_gold = "fields-gold-dev.tsv"
    corpus = Path(args.corpus)
    gold = Path(args.gold) if args.gold else corpus / default_gold
    if not corpus.is_dir() or not gold.is_file():
        raise UsageError(f"{corpus}: corpus folder or gold file {gold} not found")
    sys.stdout.write(describe(evaluate(corpus, gold)) + "\n")
    return ExitCode.OK


def cmd_data(args: argparse.Namespace) -> int:
    """``privacygap data update``: download the Open Cookie Database explicitly."""
    from privacygap.crawl.trackers import update_cookie_database

    path = update_cookie_database(Path(args.dest) if args.dest else None, url=args.url)
    sys.stdout.write(f"wrote {path}\n")
    return ExitCode.OK


def cmd_monitor(args: argparse.Namespace) -> int:
    """``privacygap monitor run|history|report|serve``."""
    from privacygap.monitor import cli_commands

    handler = {"run": cli_commands.cmd_run, "history": cli_commands.cmd_history,
               "report": cli_commands.cmd_report, "serve": cli_commands.cmd_serve}[args.monitor_action]
    return handler(args)


# ---------------------------------------------------------------------------- parser


SCAN_EXAMPLES = """examples:
  privacygap scan https://www.example-firma.de --crm hubspot-contacts.json --crm calls.json \\
                  --format html -o reports/firma.html
  privacygap scan --policy datenschutz.md --crm salesforce-contact-describe.json --format json
  privacygap scan https://www.example-firma.de --no-browser --fail-on critical
  privacygap scan https://www.example-firma.de --format json --format html -o reports/firma/

exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
            2 usage error or unreadable input, 3 a requested stage could not complete
"""

MONITOR_EXAMPLES = """examples:
  privacygap monitor run targets.toml --db monitor.sqlite
  privacygap monitor run targets.toml --db monitor.sqlite --force --target muster
  privacygap monitor history --db monitor.sqlite --target muster
  privacygap monitor report targets.toml --db monitor.sqlite -o reports/dashboard.html
  privacygap monitor serve targets.toml --db monitor.sqlite
"""

TOP_EXAMPLES = """examples:
  privacygap demo                                   # the bundled example company, end to end
  privacygap scan https://www.example-firma.de --crm export.csv --format html -o report.html
  privacygap inventory export.csv                   # classify a CRM export alone
  privacygap render run.json --format html -o report.html --lang en
  privacygap checks list
  privacygap monitor run targets.toml --db monitor.sqlite
  privacygap doctor

run 'privacygap COMMAND --help' for the options of a command.
"""

FAIL_ON_CHOICES = ["low", "medium", "high", "critical", "never"]


def _subparser(sub: Any, name: str, *, help: str, description: str | None = None, epilog: str | None = None):
    """A sub-command parser that shows defaults and keeps the epilog's line breaks."""
    return sub.add_parser(name, help=help, description=description or help[:1].upper() + help[1:] + ".",
                          epilog=epilog, formatter_class=_HelpFormatter)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keeps examples as written and appends "(default: …)" to options that have a real default."""

    def _get_help_string(self, action: argparse.Action) -> str:
        help_text = action.help or ""
        if action.default in (None, False, [], argparse.SUPPRESS) or "%(default)" in help_text:
            return help_text
        return help_text + " (default: %(default)s)"


def _add_scan_arguments(scan: argparse.ArgumentParser) -> None:
    inputs = scan.add_argument_group("inputs")
    inputs.add_argument("url", nargs="?", help="the company's start URL (https:// is added when missing)")
    inputs.add_argument("--policy", metavar="FILE", help="a saved statement (.html, .md, .txt) instead of a URL")
    inputs.add_argument("--policy-url", metavar="URL", help="the statement's address, when discovery cannot find it")
    inputs.add_argument("--crm", metavar="FILE", action="append",
                        help="CRM export or database URL such as sqlite:///crm.db (repeatable: contacts, companies, calls)")
    inputs.add_argument("--crm-format", metavar="NAME", help="export format of --crm (detected from the file when absent)")
    inputs.add_argument("--notes", metavar="FILE", help="export of CRM notes (CSV/JSON); only redacted snippets are kept")
    inputs.add_argument("--guideline", metavar="FILE", help="your internal CRM guideline (TOML/YAML, docs/crm-guideline.md)")
    inputs.add_argument("--records", metavar="FILE",
                        help="the DPO's records: vendor list, VVT, dialer settings, call script (TOML/YAML, docs/records.md)")
    inputs.add_argument("--fact", action="append", metavar="NAME=VALUE",
                        help="a fact the checks cannot see from outside, e.g. dpo_appointed=true (repeatable)")
    outputs = scan.add_argument_group("outputs")
    outputs.add_argument("--format", action="append", choices=list(FORMAT_SUFFIX),
                         help="output format, repeatable; several formats need -o DIR (default: text)")
    outputs.add_argument("-o", "--output", metavar="PATH", help="output file, or a folder for several formats (default: stdout)")
    outputs.add_argument("--lang", choices=["de", "en"], help="report language (default: the statement's)")
    outputs.add_argument("-v", "--verbose", action="store_true", help="text format: every finding with its evidence")
    outputs.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    browser = scan.add_argument_group("browser")
    browser.add_argument("--no-browser", action="store_true",
                         help="skip the browser visit (cookie banner, consent phases): WEB checks are then skipped")
    policy = scan.add_argument_group("policy of the run")
    policy.add_argument("--fail-on", default="high", choices=FAIL_ON_CHOICES,
                        help="exit 1 when a finding is at or above this severity")
    policy.add_argument("--allow-private", action="store_true",
                        help="permit loopback and private addresses (off, so a scan cannot be steered into an internal network)")
    policy.add_argument("--ignore-robots", action="store_true", help="do not honour robots.txt")
    policy.add_argument("--select", action="append", metavar="PREFIX", help="run only checks whose id starts with PREFIX (repeatable)")
    policy.add_argument("--ignore", action="append", metavar="PREFIX", help="skip checks whose id starts with PREFIX (repeatable)")


def _add_monitor_arguments(msub: Any) -> None:
    texts = {"run": "scan every due target once, store the results and alert on new findings",
             "history": "past runs of the targets and what changed between them",
             "report": "write the HTML dashboard of all targets",
             "serve": "run the targets on their schedules until stopped"}
    for name, text in texts.items():
        p = _subparser(msub, name, help=text, epilog=MONITOR_EXAMPLES)
        if name in ("run", "serve", "report"):
            p.add_argument("targets", metavar="TARGETS.toml", nargs="?" if name == "report" else None,
                           help="the targets file (docs/monitoring.md)" + (", for the targets' names and languages" if name == "report" else ""))
        store = p.add_argument_group("store and outputs")
        store.add_argument("--db", metavar="PATH_OR_URL", default=None,
                           help="the monitor store: a SQLite path or a postgresql:// URL "
                                "(default: $PRIVACYGAP_MONITOR_DB, else ./privacygap-monitor.sqlite)")
        store.add_argument("--format", default="text", choices=["text", "json"], help="the summary on stdout")
        store.add_argument("-o", "--output", metavar="PATH", default=None,
                           help="where the dashboard (report) or the summary is written (default: stdout / beside the store)")
        run = p.add_argument_group("policy of the run")
        run.add_argument("--fail-on", default=None, choices=FAIL_ON_CHOICES,
                         help="exit 1 on a new finding at or above this severity (default: each target's fail_on, else high)")
        run.add_argument("--target", default=None, metavar="NAME", help="only the target of this name")
        run.add_argument("--force", action="store_true", help="scan every target, due or not")
        run.add_argument("--allow-private", action="store_true", help="permit loopback and private addresses")
        execution = p.add_argument_group("execution")
        execution.add_argument("--executor", default="local", choices=["local", "celery"],
                               help="local threads, or Celery workers (PRIVACYGAP_CELERY_BROKER, docs/monitoring.md)")
        execution.add_argument("--concurrency", type=int, default=4, metavar="N", help="targets scanned at once (local executor)")
        execution.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
        if name == "history":
            store.add_argument("--limit", type=int, default=None, metavar="N", help="at most N runs (default: 50 in text)")
        if name == "report":
            store.add_argument("--lang", choices=["de", "en"], help="dashboard language (default: the targets' language, else de)")
        p.add_argument("--max-iterations", type=int, default=None, help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog="privacygap", description=(
        "Finds what a company's CRM stores and its website does but its privacy statement does not say."),
        epilog=TOP_EXAMPLES, formatter_class=_HelpFormatter)
    parser.add_argument("--version", action="version", version=f"privacygap {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scan = _subparser(sub, "scan", help="scan a site (or a saved statement) against CRM exports", epilog=SCAN_EXAMPLES)
    _add_scan_arguments(scan)
    scan.set_defaults(handler=cmd_scan)

    inventory = _subparser(sub, "inventory", help="classify a CRM export alone (field metadata only)",
                           epilog="examples:\n  privacygap inventory hubspot-contacts.json\n"
                                  "  privacygap inventory export.csv --notes calls.csv --format json -o inventory.json\n")
    inventory.add_argument("files", nargs="+", metavar="FILE", help="CRM exports of one CRM, or a database URL")
    inventory.add_argument("--crm-format", metavar="NAME", help="export format (detected from the file when absent)")
    inventory.add_argument("--notes", metavar="FILE", help="export of CRM notes to scan (only redacted snippets are kept)")
    inventory.add_argument("--format", default="text", choices=["text", "json"], help="output format")
    inventory.add_argument("-o", "--output", metavar="PATH", help="output file (default: stdout)")
    inventory.set_defaults(handler=cmd_inventory)

    render = _subparser(sub, "render", help="render a saved run JSON in another format or language",
                        epilog="examples:\n  privacygap render reports/demo/report.json --format html -o report.html --lang en\n")
    render.add_argument("run", metavar="RUN.json", help="a run written by scan --format json")
    render.add_argument("--format", action="append", choices=list(FORMAT_SUFFIX), help="output format, repeatable (default: html)")
    render.add_argument("-o", "--output", metavar="PATH", help="output file, or a folder for several formats (default: stdout)")
    render.add_argument("--lang", choices=["de", "en"], help="report language (default: the run's)")
    render.add_argument("-v", "--verbose", action="store_true", help="text format: every finding with its evidence")
    render.set_defaults(handler=cmd_render)

    checks = _subparser(sub, "checks", help="the check catalog",
                        epilog="examples:\n  privacygap checks list\n  privacygap checks show CRM001 --lang de\n")
    checks.add_argument("action", choices=["list", "show"], help="list all checks, or show one")
    checks.add_argument("id", nargs="?", help="the check id for show, e.g. CRM001")
    checks.add_argument("--lang", choices=["de", "en"], help="language of titles and docs (default: en)")
    checks.set_defaults(handler=cmd_checks)

    demo = _subparser(sub, "demo", help="scan the bundled example company end to end",
                      epilog="examples:\n  privacygap demo\n  privacygap demo --lang en -o /tmp/demo\n")
    demo.add_argument("-o", "--output", metavar="DIR", help="report folder (default: reports/demo)")
    demo.add_argument("--lang", choices=["de", "en"], help="report language (default: the statement's, German)")
    demo.add_argument("--no-browser", action="store_true", help="skip the browser visit")
    demo.add_argument("-v", "--verbose", action="store_true", help="every finding with its evidence on the terminal")
    demo.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    demo.set_defaults(handler=cmd_demo)

    doctor = _subparser(sub, "doctor", help="browser, versions and data files")
    doctor.set_defaults(handler=cmd_doctor)

    evaluate = _subparser(sub, "eval", help="measure accuracy on a labelled corpus",
                          epilog="examples:\n  privacygap eval statements --corpus ../shared/corpus/policies\n"
                                 "  privacygap eval inventory --corpus ../shared/corpus/crm-inventories\n")
    evaluate.add_argument("what", choices=["statements", "inventory"], help="which reader to measure")
    evaluate.add_argument("--corpus", required=True, metavar="DIR", help="the corpus folder")
    evaluate.add_argument("--gold", metavar="FILE",
                          help="the labels (default: gold-dev.json or fields-gold-dev.tsv in the corpus folder)")
    evaluate.set_defaults(handler=cmd_eval)

    data = _subparser(sub, "data", help="optional data files")
    data.add_argument("action", choices=["update"], help="download the Open Cookie Database")
    data.add_argument("--dest", metavar="PATH", help="where to write it (default: the user data folder)")
    data.add_argument("--url", default=None, metavar="URL", help="download from this URL instead of the default")
    data.set_defaults(handler=cmd_data)

    monitor = _subparser(sub, "monitor", help="periodic scans of many targets", epilog=MONITOR_EXAMPLES)
    msub = monitor.add_subparsers(dest="monitor_action", required=True, metavar="ACTION")
    _add_monitor_arguments(msub)
    monitor.set_defaults(handler=cmd_monitor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``privacygap`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except PrivacyGapError as exc:
        # Plain write: a path in the message must never be wrapped across lines.
        from privacygap.output.sanitize import printable

        sys.stderr.write(f"privacygap: error: {printable(str(exc))}\n")
        return int(exc.exit_code)
    except (KeyboardInterrupt, ScanInterrupted):
        _stderr_console().print("privacygap: interrupted", markup=False)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
