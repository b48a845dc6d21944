"""POL001 in a real browser: links to the privacy statement and imprint, and a banner that blocks them.

``legal-overlay`` (sites/legal-overlay) lays a full-screen modal backdrop over the page and
traps the focus in its banner, which links to neither page; its about.html has no privacy
link at all. ``good`` is the compliant site of test_own_banners (bottom bar that pads the
page, footer links on every page).
"""

from __future__ import annotations

import json

import pytest

from privacygap.checks.engine import run_checks
from privacygap.checks.kinds import CheckContext
from privacygap.models import to_jsonable
from privacygap.runjson import consent_from_json

from .conftest import prefetch, web_findings

pytestmark = pytest.mark.browser

SUBPAGES = ("about.html", "contact.html")


@pytest.fixture(scope="module")
def results(visit):
    sites = ["legal-overlay", "good"]
    jobs = [(f"{s}/index.html", tuple(f"{s}/{p}" for p in SUBPAGES)) for s in sites]
    return dict(zip(sites, prefetch(visit, jobs)))


def pol001(result, lang="en"):
    """The POL001 findings of a visit, as (severity, message, evidence) with plain JSON evidence."""
    outcome = run_checks(CheckContext(site="http://127.0.0.1/", consent=result), lang=lang, selectors=["POL001"])
    assert not outcome.errors and outcome.ran == ["POL001"]
    return [(f.severity.value, f.message, [e.to_json() for e in f.evidence]) for f in outcome.findings]


def test_overlay_banner_and_subpage_without_privacy_link(results, site_server):
    result = results["legal-overlay"]
    assert all(p.error is None for p in result.phases.values()), {n: p.error for n, p in result.phases.items()}
    start, about = f"{site_server}/legal-overlay/index.html", f"{site_server}/legal-overlay/about.html"
    blocked = {"covered_by": "div#mini-backdrop", "focus_problem": "focus_moved",
               "focus_went_to": 'button "Alle akzeptieren"'}
    # Same severity and check: the engine orders by message.
    assert pol001(result) == [
        ("medium", f"1 of 3 pages visited have no link to the privacy statement ({about}).",
         [{"kind": "legal_link", "url": about, "link": "privacy", "problem": "missing"}]),
        ("medium", ("While the cookie banner is open, the link 'Datenschutz' to the privacy statement is covered by "
                   "div#mini-backdrop and not reachable by keyboard (the focus is pulled back into the banner) "
                   f"({start})."),
         [{"kind": "legal_link", "url": start, "link": "privacy", "problem": "blocked", "text": "Datenschutz",
           "href": f"{site_server}/privacy.html", **blocked}]),
        ("low", ("While the cookie banner is open, the link 'Impressum' to the imprint is covered by div#mini-backdrop "
                f"and not reachable by keyboard (the focus is pulled back into the banner) ({start})."),
         [{"kind": "legal_link", "url": start, "link": "imprint", "problem": "blocked", "text": "Impressum",
           "href": f"{site_server}/imprint.html", **blocked}]),
    ]
    # The overlay is its only violation: the banner itself is otherwise the compliant one.
    assert web_findings(result) == []


def test_overlay_site_records_every_page(results):
    links = results["legal-overlay"].legal_links
    assert [(p.phase, p.kind, p.url.rsplit("/", 1)[1], p.banner_open) for p in links] == [
        ("before_consent", "start", "index.html", True), ("after_reject", "after_click", "index.html", False),
        ("after_reject", "reload", "index.html", False), ("after_reject", "subpage", "about.html", False),
        ("after_reject", "subpage", "contact.html", False)]
    assert [p.privacy.text if p.privacy else None for p in links] == [
        "Datenschutz", "Datenschutz", "Datenschutz", None, "Datenschutzerklärung"]
    assert all(p.imprint.text == "Impressum" for p in links)
    assert links[0].banner_privacy is None and links[0].banner_imprint is None
    # After the reject nothing is measured: the banner is gone.
    assert all(p.privacy is None or p.privacy.clickable is None for p in links[1:])


def test_german_message(results, site_server):
    messages = [m for _, m, _ in pol001(results["legal-overlay"], "de")]
    assert messages[0] == f"Auf 1 von 3 besuchten Seiten fehlt ein Link zur Datenschutzerklärung " \
                          f"({site_server}/legal-overlay/about.html)."
    assert messages[1].startswith("Solange der Cookie-Banner offen ist, ist der Link „Datenschutz“ zur "
                                  "Datenschutzerklärung verdeckt von div#mini-backdrop und per Tastatur nicht "
                                  "erreichbar (der Fokus springt zurück in den Banner)")


def test_compliant_site_has_no_pol001_finding(results):
    result = results["good"]
    assert pol001(result) == []
    start = result.legal_links[0]
    assert (start.banner_open, start.privacy.clickable, start.privacy.focusable, start.privacy.covered_by) == \
        (True, True, True, None)
    assert (start.imprint.clickable, start.imprint.focusable) == (True, True)
    assert len(result.legal_links) == 5 and all(p.privacy and p.imprint for p in result.legal_links)


def test_legal_links_survive_the_run_json(results):
    data = json.loads(json.dumps(to_jsonable(results["legal-overlay"])))
    assert data["legal_links"][0]["privacy"]["covered_by"] == "div#mini-backdrop"
    assert pol001(consent_from_json(data)) == pol001(results["legal-overlay"])
