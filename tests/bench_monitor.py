"""Benchmark of the monitor: 100 local targets, static only (no browser).

    python tests/bench_monitor.py [--targets 100] [--mode real|http|crawl] [--concurrency 1,8] [--json]

Modes:
  crawl the real static scan per target against its own local site (start page, statement,
        imprint) on its own loopback address (127.0.0.N), so the monitor's per-host spacing
        applies as between real companies: crawl, statement, CRM export, checks, store, diff.
  real  the real pipeline (privacygap.scan.run_scan) per target, with a saved statement
        (``policy``) and a HubSpot export: extraction, classification, checks, store, diff.
        No network: the crawler's per-host politeness (one request at a time, 1 s apart)
        would otherwise measure the delay, since every loopback site has the same host.
  http  the tests' fake scan, fetching each target's statement over loopback HTTP from
        100 sites that answer after ``--latency`` seconds (a stand-in for real network
        time): the monitor's own overhead (threads, store, reports, diff) plus waiting.

Prints targets/min at concurrency 1 and 8, the store's growth per run, and the time to
render the dashboard over all runs.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from privacygap.monitor.dashboard import render_dashboard  # noqa: E402
from privacygap.monitor.runner import monitor_run  # noqa: E402
from privacygap.monitor.store import Store  # noqa: E402

STATEMENT = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Datenschutz</title></head><body>
<h1>Datenschutzerklärung</h1>
<h2>Verantwortlicher</h2><p>Verantwortlich ist die Firma {n} GmbH, Hauptstraße {n}, 12345 Beispielstadt.</p>
<h2>Kontaktformular</h2><p>Wenn Sie uns schreiben, verarbeiten wir Ihren Namen und Ihre E-Mail-Adresse,
um Ihre Anfrage zu beantworten. Rechtsgrundlage ist Art. 6 Abs. 1 lit. b DSGVO.</p>
<h2>Speicherdauer</h2><p>Anfragen löschen wir {n} Monate nach dem letzten Kontakt.</p>
<h2>Ihre Rechte</h2><p>Sie haben das Recht auf Auskunft, Berichtigung und Löschung sowie das Recht auf
Beschwerde bei einer Aufsichtsbehörde.</p></body></html>"""

START_PAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Firma {n}</title></head><body>
<h1>Firma {n} GmbH</h1><p>Wir beraten Unternehmen in der Region.</p>
<footer><a href="/datenschutz.html">Datenschutz</a> · <a href="/impressum.html">Impressum</a></footer></body></html>"""
IMPRINT = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Impressum</title></head><body>
<h1>Impressum</h1><p>Firma {n} GmbH, Hauptstraße {n}, 12345 Beispielstadt. Geschäftsführer: Max Muster.</p>
<footer><a href="/datenschutz.html">Datenschutz</a></footer></body></html>"""

FIELDS = [("firstname", "First Name"), ("email", "Email"), ("phone", "Phone Number"), ("hobbys", "Hobbys"),
          ("birthday", "Geburtstag"), ("religion", "Konfession")]


class _Quiet(SimpleHTTPRequestHandler):
    latency = 0.0  # seconds added to every answer, standing in for a real site's network time

    def do_GET(self):  # noqa: N802 - http.server's naming
        if self.latency:
            time.sleep(self.latency)
        super().do_GET()

    def log_message(self, *args):  # noqa: D401 - silence
        pass


def build(workdir: Path, count: int, mode: str) -> tuple[Path, list[ThreadingHTTPServer]]:
    servers: list[ThreadingHTTPServer] = []
    lines = ["[defaults]", "allow_private = true", "browser = false", 'lang = "de"']
    for n in range(count):
        site = workdir / "sites" / f"t{n:03d}"
        site.mkdir(parents=True)
        (site / "datenschutz.html").write_text(STATEMENT.format(n=n), encoding="utf-8")
        (site / "cookies.json").write_text("{}", encoding="utf-8")
        crm = workdir / "crm" / f"t{n:03d}.json"
        crm.parent.mkdir(exist_ok=True)
        crm.write_text(json.dumps({"results": [
            {"name": name, "label": label, "type": "string", "fieldType": "text", "groupName": "contactinformation",
             "options": []} for name, label in FIELDS[: 2 + n % 5]],
            "fields": [{"object": "contact", "name": name, "label": label, "category": None}
                       for name, label in FIELDS[: 2 + n % 5]]}), encoding="utf-8")
        lines += ["[[target]]", f'name = "t{n:03d}"', f'crm = "{crm}"']
        if mode == "real":
            lines += [f'policy = "{site / "datenschutz.html"}"']
        elif mode == "crawl":
            (site / "index.html").write_text(START_PAGE.format(n=n), encoding="utf-8")
            (site / "impressum.html").write_text(IMPRINT.format(n=n), encoding="utf-8")
            host = f"127.0.{1 + n // 250}.{1 + n % 250}"
            server = ThreadingHTTPServer((host, 0), functools.partial(_Quiet, directory=str(site)))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            lines += [f'url = "http://{host}:{server.server_address[1]}/"']
        else:
            server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            lines += [f'url = "http://127.0.0.1:{server.server_address[1]}/"']
    targets = workdir / "targets.toml"
    targets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return targets, servers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--mode", choices=("real", "http", "crawl"), default="real")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated levels to measure (default 1,8)")
    parser.add_argument("--latency", type=float, default=0.1,
                        help="http mode: seconds each loopback answer is delayed (default 0.1)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    scan = None
    if options.mode == "http":
        from tests.monitor.fakescan import fake_scan

        scan = fake_scan
    _Quiet.latency = options.latency if options.mode == "http" else 0.0
    figures: dict[str, object] = {"targets": options.targets, "mode": options.mode, "latency": _Quiet.latency}
    with tempfile.TemporaryDirectory(prefix="privacygap-bench-") as tmp:
        workdir = Path(tmp)
        targets, servers = build(workdir, options.targets, options.mode)
        db = workdir / "monitor.sqlite"
        # Warm-up on a throw-away store: catalogs and taxonomies load once per process, and
        # that cost should not be charged to whichever concurrency is measured first.
        monitor_run(targets, db=workdir / "warmup.sqlite", scan=scan, only=["t000"], render_html=False)
        when = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
        sizes = [0]
        levels = [int(c) for c in options.concurrency.split(",")]
        for concurrency in levels:
            started = time.perf_counter()
            summary = monitor_run(targets, db=db, scan=scan, now=when, concurrency=concurrency, force=True,
                                  render_html=False)
            elapsed = time.perf_counter() - started
            bad = [t for t in summary["targets"] if t["status"] != "ok"]
            if bad:
                print(f"{len(bad)} targets failed, e.g. {bad[0]['name']}: {bad[0]['error']}", file=sys.stderr)
                return 1
            figures[f"concurrency_{concurrency}_seconds"] = round(elapsed, 2)
            figures[f"concurrency_{concurrency}_targets_per_min"] = round(options.targets / elapsed * 60, 1)
            sizes.append(db.stat().st_size + (db.with_name(db.name + "-wal").stat().st_size
                                              if db.with_name(db.name + "-wal").exists() else 0))
            when += timedelta(days=1)
        figures["store_bytes_per_run"] = [b - a for a, b in zip(sizes, sizes[1:])]
        figures["store_bytes_per_target_result"] = round((sizes[-1] - sizes[-2]) / options.targets)
        with Store.open(db) as store:
            started = time.perf_counter()
            html = render_dashboard(store, out_path=workdir / "reports" / "index.html", lang="de")
            figures["dashboard_render_seconds"] = round(time.perf_counter() - started, 3)
            figures["dashboard_bytes"] = len(html.encode())
            figures["rows"] = store.counts()
        for server in servers:
            server.shutdown()
            server.server_close()
    if options.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:36} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
