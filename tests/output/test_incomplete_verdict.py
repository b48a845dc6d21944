"""A run whose requested stage failed never shows a traffic light, in any format.

Each format states "incomplete – not checked: …" with the reason, and the verdict covers only
what was checked. The CLI cases run real scans that fail (unreachable site, missing export).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys

from privacygap.completeness import completeness, run_completeness, traffic_light
from privacygap.output import render
from privacygap.output.json import validate_report
from privacygap.output.view import build_view

from .sample_run import sample_run

def failed_browser_run() -> dict:
    """The sample run (findings: one high CRM001, …) whose browser stage failed."""
    run = copy.deepcopy(sample_run())
    run["consent"] = None
    run["errors"] = [{"stage": "browser", "message": "the browser could not start (/usr/bin/chromium): crashed"}]
    run["summary"].update(completeness(run["errors"], ["inventory", "crawl", "statement", "browser", "checks"]))
    run["summary"]["verdict"] = "incomplete"
    return run


def test_completeness_names_failed_and_unreached_stages():
    state = completeness([{"stage": "crawl", "message": "cannot connect"}],
                         ["crawl", "statement", "browser", "checks"], produced={"browser", "checks"})
    assert state == {"status": "incomplete", "checked": ["browser", "checks"],
                     "not_checked": [{"stage": "crawl", "reason": "cannot connect"},
                                     {"stage": "statement", "reason": "not reached: an earlier stage failed"}]}
    assert traffic_light({"critical": 1}, "incomplete") == "incomplete"
    assert traffic_light({"critical": 0, "high": 2}, "complete") == "amber"
    assert completeness([], ["statement", "checks"]) == {"status": "complete", "checked": ["statement", "checks"],
                                                         "not_checked": []}


def test_a_saved_run_with_errors_is_incomplete_even_if_its_summary_says_complete():
    run = failed_browser_run()
    run["summary"]["status"] = "complete"
    assert run_completeness(run)["status"] == "incomplete"


def test_view_has_no_traffic_light_and_names_what_was_not_checked():
    view_de = build_view(failed_browser_run(), "de")
    assert view_de.light == "incomplete" and view_de.incomplete
    assert view_de.verdict.startswith("Nicht geprüft: Cookie-Banner im Browser. Das Ergebnis gilt nur für: "
                                      "CRM-Export, Website-Abruf, Datenschutzerklärung; dort ")
    view_en = build_view(failed_browser_run(), "en")
    assert view_en.verdict.startswith("Not checked: cookie banner in the browser. The result covers only: "
                                      "CRM export, website fetch, privacy statement; there ")
    assert view_en.not_checked == [{"stage": "browser", "name": "cookie banner in the browser",
                                    "reason": "the browser could not start (/usr/bin/chromium): crashed"}]


def test_text_format():
    text = render(failed_browser_run(), "text", lang="en")
    assert " Incomplete " in text and "Not checked: cookie banner in the browser." in text
    assert "! not checked: cookie banner in the browser – the browser could not start" in text
    assert "Green" not in text and "Red " not in text and "Amber" not in text


def test_html_format():
    html = render(failed_browser_run(), "html", lang="de")
    assert '<div class="light light-incomplete" role="img" aria-label="Unvollständig">Unvollständig</div>' in html
    assert "Nicht geprüft: Cookie-Banner im Browser." in html
    assert "light-green\"" not in html and "light-red\"" not in html and "light-amber\"" not in html


def test_markdown_format():
    markdown = render(failed_browser_run(), "markdown", lang="en")
    assert "**Incomplete** – Not checked: cookie banner in the browser." in markdown
    assert "**Green**" not in markdown


def test_json_summary_and_schema():
    run = failed_browser_run()
    data = json.loads(render(run, "json"))
    assert validate_report(data) == []
    assert data["summary"]["status"] == "incomplete" and data["summary"]["verdict"] == "incomplete"
    assert data["summary"]["not_checked"] == [{"stage": "browser",
                                               "reason": "the browser could not start (/usr/bin/chromium): crashed"}]


def test_sarif_notifications():
    sarif = json.loads(render(failed_browser_run(), "sarif"))
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["properties"]["verdict"] == "incomplete"
    assert invocation["toolExecutionNotifications"] == [{
        "level": "error", "descriptor": {"id": "stage/browser"},
        "message": {"text": "not checked: browser: the browser could not start (/usr/bin/chromium): crashed"}}]


def test_a_complete_run_keeps_its_light_in_every_format():
    run = copy.deepcopy(sample_run())
    run["errors"] = []
    assert build_view(run, "en").light in ("red", "amber", "green")
    assert json.loads(render(run, "sarif"))["runs"][0]["invocations"][0]["executionSuccessful"] is True


def _cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "privacygap", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_cli_unreachable_site_is_incomplete_in_text_and_html(tmp_path):
    # Port 9 (discard) on loopback: nothing listens; no browser, so only the fetch fails.
    result = _cli("scan", "http://127.0.0.1:9/", "--allow-private", "--no-browser", "-q", "--lang", "en", cwd=tmp_path)
    assert result.returncode == 3
    assert "Incomplete" in result.stdout and "Green" not in result.stdout
    assert "Not checked: website fetch, privacy statement." in result.stdout
    assert "! not checked: website fetch – http://127.0.0.1:9/: cannot connect" in result.stdout
    html_run = _cli("scan", "http://127.0.0.1:9/", "--allow-private", "--no-browser", "-q", "--format", "html",
                    "--format", "json", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert html_run.returncode == 3
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "light-incomplete" in html and "Grün" not in html
    summary = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["summary"]
    assert summary["verdict"] == "incomplete" and [e["stage"] for e in summary["not_checked"]] == ["crawl", "statement"]


def test_cli_missing_crm_export_is_incomplete(tmp_path):
    result = _cli("scan", "--crm", "missing.csv", "-q", "--lang", "de", cwd=tmp_path)
    assert result.returncode == 2
    assert "Unvollständig" in result.stdout and "Grün" not in result.stdout
    assert "Nicht geprüft: CRM-Export. Es wurde nichts geprüft, das ein Ergebnis trägt." in result.stdout
    assert "missing.csv: file not found" in result.stdout
