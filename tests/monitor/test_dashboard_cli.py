"""The dashboard (self-contained, no script, lights, trend, links), history and the CLI functions."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

from privacygap.monitor.cli_commands import cmd_history, cmd_report, cmd_run, cmd_serve
from privacygap.monitor.dashboard import history_text, traffic_light, trend_svg
from privacygap.monitor.serve import serve
from privacygap.monitor.store import Store, mask_url
from tests.monitor.fakescan import fake_scan

DAY1 = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)


def _setup(tmp_path: Path, make_site):
    red = make_site("red")
    red.write({"Kontakt": "E-Mail <script>alert(1)</script>"},
              cookies=[{"name": "_hjid", "domain": "127.0.0.1", "vendor": "Hotjar <b>x</b>"}])
    green = make_site("green")
    green.write({"Kontakt": "E-Mail", "Speicherdauer": "sechs Monate"})
    targets = tmp_path / "targets.toml"
    targets.write_text(f"""
[defaults]
allow_private = true
lang = "de"
[[target]]
name = "red"
url = "{red.url}"
[[target]]
name = "green"
url = "{green.url}"
browser = false
""", encoding="utf-8")
    return targets, red, green


def test_dashboard_is_self_contained_with_lights_trend_and_links(tmp_path, make_site):
    targets, red, _green = _setup(tmp_path, make_site)
    db = tmp_path / "m.sqlite"
    monitor = {"db": db, "scan": fake_scan}
    from privacygap.monitor.runner import monitor_run

    monitor_run(targets, now=DAY1, **monitor)
    red.write({"Kontakt": "E-Mail"}, cookies=[{"name": "_hjid", "domain": "127.0.0.1", "vendor": "Hotjar <b>x</b>"},
                                              {"name": "_fbp<img>", "domain": "127.0.0.1", "vendor": "Meta <b>x</b>"}])
    monitor_run(targets, now=DAY1 + timedelta(days=1), **monitor)

    out = io.StringIO()
    assert cmd_report(SimpleNamespace(targets=str(targets), db=str(db), output=None), out=out) == 0
    path = Path(out.getvalue().strip())
    assert path == tmp_path / "reports" / "index.html"
    html = path.read_text(encoding="utf-8")
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">") in html
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing loaded from elsewhere
    # hostile cookie and vendor names from the site are escaped, never markup
    assert "<img" not in html and "<b>" not in html
    assert "Meta &lt;b&gt;x&lt;/b&gt; sets _fbp&lt;img&gt; before consent." in html
    assert '<html lang="de">' in html and "Datenschutz-Monitoring: Übersicht" in html
    # red has a critical finding (light red), green none (light green)
    assert '<span class="light red">Rot</span>' in html and '<span class="light green">Grün</span>' in html
    assert html.count("<polyline") == 4  # two lines per target
    assert '<a href="red/2026-11-30T06-00-00Z.json">JSON</a>' in html
    assert '<a href="red/2026-11-29T06-00-00Z.json">JSON</a>' in html
    # what changed, in the dashboard's language (German here)
    assert ("<li>+1 neue(r) Befund(e)</li><li>Datenschutzerklärung geändert (Kontakt)</li>"
            "<li>+Cookie _fbp&lt;img&gt;</li>") in html
    assert "-Kontakt" not in html and "-E-Mail alert(1)" in html  # the statement diff, tags stripped by the scan


def test_traffic_light_and_trend_svg():
    assert traffic_light("ok", {"critical": 1, "high": 0}) == "red"
    assert traffic_light("ok", {"critical": 0, "high": 2}) == "amber"
    assert traffic_light("ok", {"critical": 0, "high": 0, "medium": 5}) == "green"
    assert traffic_light("error", {"critical": 0}) == "grey" and traffic_light(None, None) == "grey"
    svg = str(trend_svg([("r1", 4, 1), ("r2", 2, 0)], width=100, height=40))
    assert 'points="4.0,4.0 96.0,20.0"' in svg and 'points="4.0,28.0 96.0,36.0"' in svg
    assert "<title>r1: 4 / 1</title>" in svg and 'aria-label="2 (4 → 2)"' in svg


def test_cmd_run_json_and_text_history(tmp_path, make_site):
    targets, _red, _green = _setup(tmp_path, make_site)
    db = tmp_path / "m.sqlite"
    out, err = io.StringIO(), io.StringIO()
    args = SimpleNamespace(targets=str(targets), db=str(db), format="json", fail_on=None, executor="local",
                           concurrency=2, target=None, output=None)
    code = cmd_run(args, out=out, err=err, scan=fake_scan, now=DAY1)
    summary = json.loads(out.getvalue())
    assert code == 1 == summary["exit_code"]
    assert [t["name"] for t in summary["targets"]] == ["red", "green"]
    assert set(summary) >= {"schema_version", "run_id", "targets"}
    assert set(summary["targets"][0]) >= {"name", "status", "report", "changes", "error"}

    out = io.StringIO()
    assert cmd_history(SimpleNamespace(targets=str(targets), db=str(db), format="text", target="red"), out=out) == 0
    assert out.getvalue() == "2026-11-29T06:00:00Z  red  ok     1C 0H 1M 0L      first run: 2 findings\n"
    out = io.StringIO()
    assert cmd_history(SimpleNamespace(targets=None, db=str(db), format="json", target=None), out=out) == 0
    history = json.loads(out.getvalue())["history"]
    assert [(h["target"], h["status"]) for h in history] == [("green", "ok"), ("red", "ok")]
    with Store.open(db) as store:
        assert history_text(store, target="nobody") == "no runs stored for 'nobody'\n"

    # text output and --target
    out, err = io.StringIO(), io.StringIO()
    args.format, args.target = "text", "green"
    code = cmd_run(args, out=out, err=err, scan=fake_scan, now=DAY1 + timedelta(days=1))
    assert code == 0
    assert out.getvalue() == ("monitor run 2026-11-30T06:00:00Z\n"
                              "  green  ok       no changes  [reports/green/2026-11-30T06-00-00Z.json]\n"
                              "exit code 0\n")
    assert "[green] scanning" in err.getvalue()


def test_cli_errors_are_one_line_with_exit_code_and_masked_passwords(tmp_path):
    err = io.StringIO()
    code = cmd_run(SimpleNamespace(targets=str(tmp_path / "none.toml"), db=None), err=err)
    assert code == 2 and err.getvalue().startswith("privacygap: error: ") and "none.toml" in err.getvalue()
    err = io.StringIO()
    url = "postgresql://watch:S3cretPW@127.0.0.1:1/nodb"
    code = cmd_history(SimpleNamespace(targets=None, db=url, format="text"), err=err)
    assert code == 2
    assert "S3cretPW" not in err.getvalue() and "postgresql+psycopg://watch:***@127.0.0.1:1/nodb" in err.getvalue()
    assert mask_url(url) == "postgresql://watch:***@127.0.0.1:1/nodb"
    assert mask_url("/var/lib/m.sqlite") == "/var/lib/m.sqlite"
    err = io.StringIO()
    assert cmd_history(SimpleNamespace(db=str(tmp_path / "typo.sqlite")), err=err) == 2
    assert err.getvalue() == (f"privacygap: error: no monitor store at {tmp_path}/typo.sqlite "
                              "(run `privacygap monitor run TARGETS` first or pass --db)\n")
    assert not (tmp_path / "typo.sqlite").exists()


def test_serve_runs_due_targets_on_schedule(tmp_path, make_site):
    targets, _red, _green = _setup(tmp_path, make_site)
    text = targets.read_text().replace('lang = "de"', 'lang = "de"\nschedule = "hourly"')
    targets.write_text(text)
    times = iter([DAY1, DAY1, DAY1 + timedelta(minutes=30), DAY1 + timedelta(minutes=30),
                  DAY1 + timedelta(hours=1), DAY1 + timedelta(hours=1)])
    slept: list[float] = []
    summaries = serve(targets, db=str(tmp_path / "m.sqlite"), max_iterations=3, clock=lambda: next(times),
                      sleep=slept.append, scan=fake_scan)
    # turn 1 runs both (never ran), turn 2 nothing is due (nothing stored), turn 3 the next hour
    assert [s["run_id"] for s in summaries] == ["2026-11-29T06:00:00Z", "2026-11-29T07:00:00Z"]
    assert slept == [300.0, 300.0]  # capped by max_sleep (the next hour is 3600 s away)
    with Store.open(tmp_path / "m.sqlite") as store:
        assert [r["run_id"] for r in store.runs()] == ["2026-11-29T07:00:00Z", "2026-11-29T06:00:00Z"]

    out = io.StringIO()
    code = cmd_serve(SimpleNamespace(targets=str(targets), db=str(tmp_path / "m.sqlite"), format="json",
                                     max_iterations=1), out=out, scan=fake_scan)
    assert code == 0
