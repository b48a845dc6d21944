"""WEB012's chat evidence (kind ``chat_widget``) and ``consent.chat_widgets`` in the JSON report and every renderer."""

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
CHATS = [
    {"vendor": "HubSpot", "product": "HubSpot Conversations", "page": f"{SITE}/", "phases": ["after_accept"],
     "before_consent": False, "matched": ["script:js.usemessages.com", "frame:app.hubspot.com"], "notice": "no",
     "notice_text": None, "read": "pre_chat_form", "fields": ["firstname", "email"],
     "frame": "https://app.hubspot.com/conversations-visitor/4711/widget"},
    {"vendor": "Userlike", "product": "Userlike", "page": f"{SITE}/kontakt", "phases": ["before_consent"],
     "before_consent": True, "matched": ["marker:#userlike-tab"], "notice": "unknown"},
]


def _run(lang: str) -> dict:
    run = sample_run()
    run["consent"]["chat_widgets"] = copy.deepcopy(CHATS)
    outcome = run_checks(CheckContext(site=SITE, consent=consent_from_json(run["consent"])), lang=lang,
                         selectors=["WEB012"])
    run["findings"] = [to_jsonable(f) for f in outcome.findings]
    return run


def test_chat_widgets_and_findings_are_valid_report_json():
    run = _run("en")
    assert validate_report(run) == []
    assert sorted((f["message"], f["needs_human_review"]) for f in run["findings"]) == [
        ("Chat widget HubSpot Conversations on /: no privacy notice in the chat's pre-chat form.", False),
        (("Chat widget Userlike on /kontakt: chat widget without notice: the chat window could not be read, and the "
          "privacy statement mentions neither a chat nor the vendor."), True),
    ]
    broken = _run("en")
    broken["consent"]["chat_widgets"][0]["notice"] = "maybe"
    problems = validate_report(broken)
    assert len(problems) == 1 and problems[0].startswith("consent: ") and "maybe" in problems[0]


def _lines(html: str, selector: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    lines = [" ".join(el.get_text(" ").split()) for el in soup.select(selector)]
    return sorted(line for line in lines if line.startswith(("Chat-Widget ", "Chat widget ")))


def test_html_shows_chat_evidence_in_german():
    html = render_html(_run("de"), "de")
    expected = [
        ("Chat-Widget HubSpot Conversations auf https://firma.example/: Vorab-Formular des Chats (Felder: firstname, "
         "email) – kein Datenschutzhinweis [erkannt an: script:js.usemessages.com, frame:app.hubspot.com]"),
        ("Chat-Widget Userlike auf https://firma.example/kontakt: Chatfenster nicht lesbar – Hinweis unbekannt – "
         "schon vor der Einwilligung geladen [erkannt an: marker:#userlike-tab]"),
    ]
    assert _lines(html, "article.card ul.ev > li") == expected
    # The website section lists every chat widget the visit saw, findings or not.
    assert _lines(html, "#h-banner ~ ul li") == expected


def test_html_shows_chat_evidence_in_english():
    assert _lines(render_html(_run("en"), "en"), "article.card ul.ev > li")[0] == (
        "Chat widget HubSpot Conversations on https://firma.example/: pre-chat form (fields: firstname, email) – "
        "no privacy notice [recognised by: script:js.usemessages.com, frame:app.hubspot.com]")


def test_text_and_markdown_use_the_same_line():
    run = _run("en")
    line = ("Chat widget Userlike on https://firma.example/kontakt: chat window not readable – notice unknown – "
            "loaded before consent [recognised by: marker:#userlike-tab]")
    assert line in render_text(run, "en", width=300, verbose=True)
    assert "  - chat_widget: " + line.replace("#", "\\#").replace("[", "\\[").replace("]", "\\]") in \
        render_markdown(run, "en")
