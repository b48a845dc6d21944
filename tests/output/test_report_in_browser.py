"""The HTML report opened in Chromium: renders, runs nothing, requests nothing from outside."""

from __future__ import annotations

import shutil

import pytest

from privacygap.output.html import render_html

from .sample_run import sample_run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None and shutil.which("playwright") is None, reason="no Chromium")]


def open_report(path, screenshot=None):
    """Open a report file in Chromium; return (console messages, requests, dialogs, page errors)."""
    from playwright.sync_api import sync_playwright

    console, requests, dialogs, errors = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-background-networking"])
        page = browser.new_page()
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_timeout(300)
        title = page.title()
        executed = page.evaluate("() => window.__pwned === true")
        if screenshot:
            page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return console, requests, dialogs, errors, title, executed


def test_report_with_injected_markup_is_inert(tmp_path):
    run = sample_run()
    run["findings"][0]["message"] += "<script>window.__pwned = true; alert('x')</script>"
    run["policy"]["url"] = "javascript:window.__pwned=true"
    run["consent"]["buttons"].append({"text": "<img src=https://evil.example/x.png onerror=alert(1)>", "role": "other"})
    report = tmp_path / "report.html"
    report.write_text(render_html(run, "de"), encoding="utf-8")
    console, requests, dialogs, errors, title, executed = open_report(report, tmp_path / "shot.png")
    assert dialogs == [] and errors == [] and executed is False
    assert [m for m in console if m[0] == "error"] == []
    # Only the file itself (and the embedded data: screenshot) is loaded.
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    assert title.startswith("Datenschutz-Abgleich")
    assert (tmp_path / "shot.png").stat().st_size > 10_000
