"""Our own banner pages, one per WEB check's failure, plus a compliant one (tests/browser/sites/*).

Each site's banner comes from sites/lib/mini-cmp.js with one option switched to a
violation; third parties ("js.hs-scripts.com", "www.googletagmanager.com" …) are served
from loopback through Chromium's host resolver rules, so they are real third-party requests.
"""

from __future__ import annotations

import pytest

from privacygap.models import Statement

from .conftest import prefetch, web_findings

pytestmark = pytest.mark.browser

SUBPAGES = ("about.html", "contact.html")
EXPECTED = {
    "good": set(),
    "accept-only": {"WEB002"},
    "grey-link": {"WEB003"},
    "preticked": {"WEB004"},
    "leaky": {"WEB001", "WEB011"},
    "subpage-leak": {"WEB011"},
    "close-grants": {"WEB005"},
    "li-toggles": {"WEB006"},
    "essential-tracker": {"WEB007"},
    "no-withdraw": {"WEB008"},
    "vague": {"WEB009"},
    "hubspot-form": {"WEB012"},
}
HUBSPOT_COOKIES = {"hubspotutk", "__hstc", "__hssc", "__hssrc"}


def _job(site):
    return (f"{site}/index.html", tuple(f"{site}/{p}" for p in SUBPAGES))


@pytest.fixture(scope="module")
def results(visit):
    sites = list(EXPECTED)
    return dict(zip(sites, prefetch(visit, [_job(s) for s in sites])))


@pytest.mark.parametrize("site", list(EXPECTED))
def test_exact_findings_per_site(results, site):
    result = results[site]
    assert all(p.error is None for p in result.phases.values()), {n: p.error for n, p in result.phases.items()}
    found = web_findings(result)
    assert {f.check_id for f in found} == EXPECTED[site], [(f.check_id, f.message) for f in found]


def test_compliant_site_phases(results):
    result = results["good"]
    assert result.banner_found and result.cmp is None and result.reject_on_first_layer is True
    assert [(b.text, b.role, b.element) for b in result.buttons if b.layer == 1] == [
        ("Alle akzeptieren", "accept", "button"), ("Alle ablehnen", "reject", "button"),
        ("Einstellungen", "settings", "button")]
    accept = result.buttons[0]
    assert (accept.color, accept.background, accept.contrast) == ("rgb(255, 255, 255)", "rgb(11, 94, 215)", 5.84)
    before, reject, after = (result.phases[k] for k in ("before_consent", "after_reject", "after_accept"))
    assert before.cookies == () and before.third_party_hosts == () and before.storage == ()
    assert [c.name for c in reject.cookies] == ["mini_consent"] and reject.third_party_hosts == ()
    assert {c.name for c in after.cookies} == HUBSPOT_COOKIES | {"_ga", "_gid", "mini_consent"}
    assert set(after.third_party_hosts) == {"js.hs-scripts.com", "track.hubspot.com", "www.googletagmanager.com",
                                            "www.google-analytics.com"}
    hubspotutk = next(c for c in after.cookies if c.name == "hubspotutk")
    assert (hubspotutk.vendor, hubspotutk.purpose, hubspotutk.third_party, hubspotutk.domain) == \
        ("HubSpot", "crm", False, "127.0.0.1")
    assert hubspotutk.expires is not None
    hosts = result.signals["hosts"]
    assert hosts["js.hs-scripts.com"] == {"vendor": "HubSpot", "purpose": "crm", "third_party": True}
    assert hosts["www.googletagmanager.com"]["vendor"] == "Google Tag Manager"
    assert [p["kind"] for p in result.signals["after_reject_pages"]] == ["after_click", "reload", "subpage", "subpage"]
    assert all(p["withdrawal_control"] == "Cookie-Einstellungen" for p in result.signals["after_reject_pages"])
    assert result.screenshot.startswith("data:image/png;base64,iVBOR")
    assert result.browser["name"] == "chromium" and result.browser["version"]
    assert [(t["label"], t["checked"], t["essential"]) for t in result.signals["toggles"]] == [
        ("Notwendig", True, True), ("Statistik", False, False), ("Marketing", False, False)]
    assert result.signals["forms"][0]["notice"] is True and result.signals["forms"][0]["prechecked"] == []


def test_tracker_before_consent(results):
    result = results["leaky"]
    before = result.phases["before_consent"]
    assert {c.name for c in before.cookies} == {"_ga", "_gid", "_hjSessionUser_4711"}
    assert [s.key for s in before.storage] == ["_hjSessionStorageTest"]
    assert set(before.third_party_hosts) == {"www.googletagmanager.com", "fonts.googleapis.com", "static.hotjar.com",
                                             "www.google-analytics.com"}
    web001 = {f.message for f in web_findings(result) if f.check_id == "WEB001"}
    assert any("Google Fonts" in m for m in web001) and any("Hotjar" in m for m in web001)


def test_tracker_after_reject_on_subpage(results):
    result = results["subpage-leak"]
    leak = [p for p in result.signals["after_reject_pages"] if p["third_party_hosts"]]
    assert [p["url"].rsplit("/", 1)[1] for p in leak] == ["about.html"]
    assert set(leak[0]["third_party_hosts"]) == {"js.hs-analytics.net", "track.hubspot.com"}
    assert {c["name"] for c in leak[0]["cookies_written"]} == {"__hstc", "hubspotutk"}
    (finding,) = web_findings(result)
    assert "HubSpot" in finding.message and "about.html (subpage)" in finding.message


def test_roles_and_contrast_of_grey_link(results):
    reject = next(b for b in results["grey-link"].buttons if b.role == "reject")
    assert (reject.text, reject.element, reject.font_size, reject.contrast) == ("ablehnen", "link", 11, 1.67)


def test_close_x_grants(results):
    probes = {p["action"]: p for p in results["close-grants"].signals["implicit_consent"]}
    assert probes["escape"]["granted"] is False and probes["scroll"]["granted"] is False
    assert probes["close"]["control"] == "×" and probes["close"]["granted"] is True
    assert HUBSPOT_COOKIES <= set(probes["close"]["new_cookies"])


def test_preticked_and_li_toggles(results):
    ticked = [t["label"] for t in results["preticked"].signals["toggles"] if t["checked"] and not t["essential"]]
    assert ticked == ["Statistik", "Marketing"]
    li = [t["label"] for t in results["li-toggles"].signals["toggles"] if t["legitimate_interest"]]
    assert li == ["Marketing (berechtigtes Interesse)"]


def test_essential_category_names_trackers(results):
    essential = next(t for t in results["essential-tracker"].signals["toggles"] if t["essential"])
    assert {n["vendor"] for n in essential["named_trackers"]} == {"Google Analytics", "HubSpot"}


def test_hubspot_form(results):
    (form,) = results["hubspot-form"].signals["forms"]
    assert (form["vendor"], form["notice"], form["prechecked"]) == \
        ("HubSpot", False, ["Ja, ich möchte Marketing-E-Mails erhalten."])


def test_observed_vendors_against_statement(results):
    result = results["good"]
    silent = Statement(url=None, language="de", sha256="", vendors=("Matomo",), text="Wir nutzen Matomo.")
    assert {f.check_id for f in web_findings(result, silent)} == {"WEB010"}
    unnamed = sorted(f.message.split(",")[0] for f in web_findings(result, silent))
    assert unnamed == ["The site uses Google Analytics", "The site uses Google Tag Manager", "The site uses HubSpot"]
    named = Statement(url=None, language="de", sha256="", vendors=("HubSpot", "Google Analytics"),
                      text="Wir nutzen HubSpot, Google Analytics und den Google Tag Manager.")
    assert web_findings(result, named) == []
    # A cookie table with a wrong lifetime: hubspotutk is set for about 13 months, not 30 days.
    table = Statement(url=None, language="de", sha256="", vendors=("HubSpot", "Google Analytics", "Google Tag Manager"),
                      text="Cookies: hubspotutk (30 Tage); __hstc (13 Monate); __hssc (30 Minuten); __hssrc (Sitzung); "
                           "_ga (2 Jahre); _gid (1 Tag).")
    (lifetime,) = web_findings(result, table)
    assert lifetime.severity.value == "low" and "hubspotutk: declared 30 days, set for 395 days" in lifetime.message


def test_consent_survives_the_run_json(results):
    """The consent object goes into the report and comes back (render, monitor) unchanged in meaning."""
    import json

    from privacygap.models import to_jsonable
    from privacygap.runjson import consent_from_json

    for site in ("leaky", "hubspot-form", "close-grants"):
        data = json.loads(json.dumps(to_jsonable(results[site])))
        assert set(data) >= {"banner_found", "cmp", "reject_on_first_layer", "buttons", "phases", "screenshot"}
        assert set(data["phases"]) == {"before_consent", "after_reject", "after_accept"}
        assert set(data["phases"]["before_consent"]) >= {"cookies", "storage", "third_party_hosts"}
        again = consent_from_json(data)
        assert [f.fingerprint for f in web_findings(again)] == [f.fingerprint for f in web_findings(results[site])]
