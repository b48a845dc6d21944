"""POL001's evidence (kind ``legal_link``) in the JSON report and in every renderer, German and English."""

from __future__ import annotations

import copy

from bs4 import BeautifulSoup

from privacygap.checks.engine import run_checks
from privacygap.checks.kinds import CheckContext
from privacygap.models import to_jsonable
from privacygap.output.html import render_html
from privacygap.output.json import validate_report
from privacygap.output.markdown import render_markdown
from privacygap.output.text import render_text
from privacygap.runjson import consent_from_json

from .sample_run import sample_run

SITE = "https://firma.example"
LEGAL_LINKS = [
    {"url": f"{SITE}/", "phase": "before_consent", "kind": "start", "banner_open": True,
     "privacy": {"text": "Datenschutz", "href": f"{SITE}/datenschutz", "in_banner": False, "clickable": False,
                 "covered_by": "div#cmp-backdrop", "focusable": False, "focus_problem": "focus_moved",
                 "focus_went_to": "button#cmp-accept"},
     "imprint": {"text": "Impressum", "href": f"{SITE}/impressum", "clickable": True, "focusable": True},
     "banner_privacy": None, "banner_imprint": None, "error": None},
    {"url": f"{SITE}/leistungen", "phase": "after_reject", "kind": "subpage", "banner_open": False,
     "privacy": None, "imprint": {"text": "Impressum", "href": f"{SITE}/impressum"}},
]


def _run(lang: str) -> dict:
    run = sample_run()
    run["consent"]["legal_links"] = copy.deepcopy(LEGAL_LINKS)
    outcome = run_checks(CheckContext(site=SITE, consent=consent_from_json(run["consent"])), lang=lang,
                         selectors=["POL001"])
    run["findings"] = [to_jsonable(f) for f in outcome.findings]
    return run


def test_legal_links_and_pol001_findings_are_valid_report_json():
    run = _run("en")
    assert validate_report(run) == []
    # Same severity: the engine orders them by fingerprint, which is stable across runs.
    assert [(f["severity"], f["message"]) for f in run["findings"]] == [
        ("medium", "1 of 2 pages visited have no link to the privacy statement (https://firma.example/leistungen)."),
        ("medium", ("While the cookie banner is open, the link 'Datenschutz' to the privacy statement is covered by "
                   "div#cmp-backdrop and not reachable by keyboard (the focus is pulled back into the banner) "
                   "(https://firma.example/).")),
    ]
    broken = _run("en")
    broken["consent"]["legal_links"][0]["phase"] = "somewhere"
    problems = validate_report(broken)
    assert len(problems) == 1 and problems[0].startswith("consent: ") and "'phase': 'somewhere'" in problems[0]


def _evidence_lines(html: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    lines = [" ".join(dd.get_text(" ").split()) for dd in soup.select("article.card ul.ev > li")]
    return [line for line in lines if line.startswith(("Seite ", "Page "))]


def test_html_shows_legal_link_evidence_in_german():
    assert _evidence_lines(render_html(_run("de"), "de")) == [
        "Seite https://firma.example/leistungen: kein Link zur Datenschutzerklärung",
        ("Seite https://firma.example/: Link „Datenschutz“ zur Datenschutzerklärung: bei offenem Cookie-Banner "
        "verdeckt von div#cmp-backdrop; per Tastatur nicht erreichbar (der Banner holt den Fokus zurück, "
        "Fokus landet auf button#cmp-accept)"),
    ]


def test_html_shows_legal_link_evidence_in_english():
    assert _evidence_lines(render_html(_run("en"), "en")) == [
        "Page https://firma.example/leistungen: no link to the privacy statement",
        ("Page https://firma.example/: link 'Datenschutz' to the privacy statement: covered by div#cmp-backdrop "
        "while the cookie banner is open; not reachable by keyboard (the banner pulls the focus back, focus lands "
        "on button#cmp-accept)"),
    ]


def test_text_and_markdown_use_the_same_line():
    run = _run("en")
    assert "Page https://firma.example/leistungen: no link to the privacy statement" in render_text(run, "en", width=200, verbose=True)
    assert "  - legal_link: Page https://firma.example/leistungen: no link to the privacy statement" in \
        render_markdown(run, "en")
