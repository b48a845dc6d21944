"""`privacygap demo` end to end: the bundled company's real findings, and its report in Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from privacygap.output.json import validate_report

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium")

MUST_UNDISCLOSED = {"user.demographic.family", "user.demographic.interests", "user.demographic.marital_status",
                    "user.demographic.date_of_birth", "user.health_and_medical", "user.demographic.religious_belief",
                    "user.behavior.scoring", "user.behavior.communication_history", "user.content.notes",
                    "user.content.call_recording"}
MUST_NOT_UNDISCLOSED = {"user.name", "user.contact.email", "user.contact.phone_number", "user.content.communications"}
MUST_CHECKS = {"POL005", "POL006", "POL007", "POL009", "POL010", "POL011", "POL012",
               "CRM001", "CRM002", "CRM003", "CRM004", "CRM005", "CRM007", "CRM008", "CRM009", "CRM010", "CRM012",
               "CRM013", "CRM015", "CRM019", "CRM021",
               "WEB001", "WEB002", "WEB003", "WEB004", "WEB008", "WEB009", "WEB010", "WEB011", "WEB012"}
MUST_NOT_CHECKS = {"POL001", "POL002", "POL008", "CRM011", "CRM014", "CRM016", "CRM018", "WEB005", "WEB006"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    done = subprocess.run([sys.executable, "-m", "privacygap", "demo", "-o", str(out), "-q"],
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    return done, out, json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.mark.skipif(CHROMIUM is None, reason="the demo's browser visit needs Chromium")
def test_demo_reveals_the_gap(demo):
    done, out, run = demo
    assert done.returncode == 0, (done.stderr, run["errors"])
    assert run["errors"] == []
    assert validate_report(run) == []
    undisclosed = set(run["summary"]["undisclosed_categories"])
    assert MUST_UNDISCLOSED <= undisclosed
    assert not (MUST_NOT_UNDISCLOSED & undisclosed)
    assert "user.health_and_medical" in {c["category"] for c in run["policy"]["negated"]}
    assert {"CleverReach", "Matomo", "Zoom"} <= set(run["policy"]["vendors"])
    assert "HubSpot" not in run["policy"]["vendors"]
    elements = run["policy"]["elements"]
    assert elements["controller_identity"] and not elements["dpo_contact"] and not elements["crm_or_sales_section"]
    checks = {f["check_id"] for f in run["findings"]}
    assert MUST_CHECKS <= checks, sorted(MUST_CHECKS - checks)
    assert not (MUST_NOT_CHECKS & checks)
    # B2B calls without a recorded reason (medium); no do-not-call field, while hs_email_optout covers e-mail.
    assert [(f["severity"], f["category"]) for f in run["findings"] if f["check_id"] in ("CRM010", "CRM012")] == [
        ("high", "user.contact.phone_number"), ("medium", None)]
    # The father note, redacted: category and a hashed id, never the text.
    family_notes = [n for n in run["inventory"]["notes"] if "user.demographic.family" in n["categories"]]
    assert family_notes and all(n["record"].startswith("sha256:") for n in family_notes)
    raw = (out / "report.json").read_text(encoding="utf-8")
    assert "Geburtstermin im März" not in raw and "Claudia" not in raw
    # Banner: accept and settings on the first layer, no reject; a CRM cookie before consent.
    consent = run["consent"]
    assert consent["banner_found"] and consent["reject_on_first_layer"] is False
    assert {b["role"] for b in consent["buttons"]} >= {"accept", "settings"}
    before = {c["name"] for c in consent["phases"]["before_consent"]["cookies"]}
    assert {"hubspotutk", "__hstc"} <= before


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium")
def test_demo_report_opens_clean_in_chromium(demo):
    from playwright.sync_api import sync_playwright

    _, out, _ = demo
    report = out / "report.html"
    console, requests, errors = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        page.screenshot(path=str(out / "report.png"))  # the first screen; a full page may exceed the GPU limit
        headings = page.locator("h2").all_inner_texts()
        light = page.locator(".light").inner_text()
        banner_images = page.locator("img.banner-shot").count()
        browser.close()
    assert errors == [] and [m for m in console if m[0] in ("error", "warning")] == []
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    assert headings == ["Ergebnis", "Die drei wichtigsten Schritte", "Die Lücke auf einen Blick", "Cookie-Banner",
                        "Was zu tun ist – nach Zuständigkeit", "Methode und Grenzen", "Anhang: technische Einzelheiten"]
    assert light == "Rot"
    assert banner_images == 1
    assert (out / "report.png").stat().st_size > 50_000


@pytest.mark.skipif(CHROMIUM is None, reason="the demo's browser visit needs Chromium")
def test_demo_terminal_output_is_a_summary_not_a_flood(demo):
    done, out, run = demo
    lines = (done.stdout + done.stderr).splitlines()
    assert len(lines) < 120, f"{len(lines)} lines"
    assert "data:" not in done.stdout and "base64" not in done.stdout
    # The verdict first, each check once with its count, where the reports went last.
    assert lines[1].startswith(" Rot  Ihr CRM speichert 17 Arten personenbezogener Daten")
    assert sum(1 for line in lines if line.startswith("  CRM001 (17) ")) == 1
    assert lines[-3:] == [f"wrote {out / name}" for name in ("report.json", "report.html", "report.md")]
    assert "--verbose" in done.stdout


def test_verbose_text_shows_every_finding_with_evidence(tmp_path):
    from privacygap.output.text import render_text
    from tests.output.sample_run import sample_run

    run = sample_run()
    run["consent"]["screenshot"] = "data:image/png;base64,iVBORw0KGgo="
    quiet = render_text(run, "en", width=200)
    loud = render_text(run, "en", width=200, verbose=True)
    field = "CRM field: Hobbys <img src=x onerror=alert(2)> (contact.hobbys)"
    assert field not in quiet and field in loud
    assert "Banner screenshot: in the HTML report" in loud
    assert "base64" not in loud and "data:" not in loud


def _pdf_pages(data: bytes) -> int:
    """Pages of a PDF Chromium printed (its page objects are plain dictionaries)."""
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", data))


@pytest.mark.skipif(CHROMIUM is None, reason="rendering the report needs Chromium")
def test_demo_report_layout_on_desktop_phone_and_paper(demo, tmp_path):
    from playwright.sync_api import sync_playwright

    _, out, run = demo
    report = (out / "report.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-background-networking"])
        try:
            facts = {}
            for width, height in ((1280, 800), (390, 844)):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(report)
                facts[width] = page.evaluate("""() => ({
                    scrollWidth: document.documentElement.scrollWidth,
                    verdictBottom: document.querySelector('.verdict').getBoundingClientRect().bottom,
                    lightText: document.querySelector('.light').textContent,
                    management: document.querySelector('#appendix').getBoundingClientRect().top + scrollY,
                    cards: document.querySelectorAll('article.card').length,
                    openDetails: document.querySelectorAll('article.card details[open]').length,
                    rawKeysInCards: [...document.querySelectorAll('main > section:not(.appendix)')]
                        .filter(s => /user\\.[a-z_]+\\.[a-z_]+/.test(s.textContent)).length})""")
                page.screenshot(path=str(tmp_path / f"report-{width}.png"))
                page.close()
            print_page = browser.new_page()
            print_page.goto(report)
            full = print_page.pdf(format="A4")
            print_page.evaluate("() => document.querySelector('#appendix').remove()")
            summary = print_page.pdf(format="A4")
        finally:
            browser.close()
    checks_fired = len({f["check_id"] for f in run["findings"]})
    for width, fact in facts.items():
        assert fact["scrollWidth"] <= width, f"horizontal overflow at {width} px"
        assert fact["verdictBottom"] <= {1280: 800, 390: 844}[width], f"verdict not in the first viewport at {width} px"
        assert fact["lightText"] == "Rot"
        # One card per check that fired, evidence folded, no raw taxonomy keys outside the appendix.
        assert fact["cards"] == checks_fired and fact["openDetails"] == 0 and fact["rawKeysInCards"] == 0
    # The management part (above the appendix) is a fraction of the old 22,000 px page.
    assert facts[1280]["management"] < 9000
    assert 2 <= _pdf_pages(summary) <= 4, f"{_pdf_pages(summary)} pages of management summary"
    assert _pdf_pages(full) > _pdf_pages(summary)
    assert (tmp_path / "report-1280.png").stat().st_size > 20_000 and (tmp_path / "report-390.png").exists()


@pytest.mark.skipif(CHROMIUM is None, reason="the demo's browser visit needs Chromium")
def test_demo_reports_progress_per_browser_phase(tmp_path):
    done = subprocess.run([sys.executable, "-m", "privacygap", "demo", "-o", str(tmp_path)], capture_output=True,
                          text=True, timeout=600)
    lines = done.stderr.splitlines()
    for phase in ("before_consent", "after_reject", "after_accept"):
        assert f"· browser {phase}: done" in lines
    assert lines[-1] == "· checks comparing statement, CRM and website"
