"""Real consent managers from the npm registry, each configured once correctly and once with a violation.

The packages are installed at test time into tests/.cache/npm (git-ignored) and served
from loopback; the test skips with the reason when npm or the registry is unavailable.
"""

from __future__ import annotations

import pytest

from .conftest import prefetch, web_findings

pytestmark = [pytest.mark.browser, pytest.mark.npm]

# page → (autoconsent's CMP name, reject on first layer, WEB findings)
EXPECTED = {
    "klaro-good": ("Klaro", True, set()),
    "klaro-bad": ("Klaro", True, {"WEB004"}),  # services switched on by default
    "vcc-good": ("cookieconsent3", True, set()),
    "vcc-bad": ("cookieconsent3", False, {"WEB002", "WEB003"}),  # reject only in the settings layer, smaller
    "tac-good": ("tarteaucitron deny", True, set()),
    "tac-bad": ("tarteaucitron deny", True, {"WEB005"}),  # highPrivacy off: scrolling accepts
    "osano-good": ("Complianz optin", True, set()),  # autoconsent knows the library via Complianz
    "osano-bad": (None, False, {"WEB002", "WEB008"}),  # type "info": only "got it", no revoke tab
}
HUBSPOT = {"hubspotutk", "__hstc", "__hssc", "__hssrc"}


@pytest.fixture(scope="module")
def results(visit, npm_packages):
    jobs = [(f"cmp/{name}.html", (f"cmp/{name}.html?p=2", f"cmp/{name}.html?p=3")) for name in EXPECTED]
    return dict(zip(EXPECTED, prefetch(visit, jobs)))


@pytest.mark.parametrize("name", list(EXPECTED))
def test_cmp_detected_and_findings(results, name):
    cmp, reject_first, findings = EXPECTED[name]
    result = results[name]
    assert all(p.error is None for p in result.phases.values()), {n: p.error for n, p in result.phases.items()}
    assert result.banner_found is True
    assert result.cmp == cmp
    assert result.reject_on_first_layer is reject_first
    found = web_findings(result)
    assert {f.check_id for f in found} == findings, [(f.check_id, f.message) for f in found]


@pytest.mark.parametrize("name", ["klaro-good", "vcc-good", "tac-good", "osano-good"])
def test_opt_out_and_opt_in_by_autoconsent(results, name):
    result = results[name]
    assert result.signals["reject_method"] == "autoconsent" and result.signals["accept_method"] == "autoconsent"
    before, reject, accept = (result.phases[k] for k in ("before_consent", "after_reject", "after_accept"))
    assert before.third_party_hosts == () and reject.third_party_hosts == ()
    assert not HUBSPOT & {c.name for c in before.cookies + reject.cookies}
    assert HUBSPOT <= {c.name for c in accept.cookies}
    assert {"js.hs-scripts.com", "track.hubspot.com"} <= set(accept.third_party_hosts)


def test_consent_manager_cookies_are_essential(results):
    own = {"klaro-good": "klaro", "vcc-good": "cc_cookie", "tac-good": "tarteaucitron", "osano-good": "cookieconsent_status"}
    for name, cookie in own.items():
        stored = {c.name: c for c in results[name].phases["after_reject"].cookies}
        assert stored[cookie].purpose == "essential", name


def test_first_layer_buttons(results):
    layer1 = lambda name: [(b.text, b.role) for b in results[name].buttons if b.layer == 1]
    assert layer1("klaro-good") == [("Lassen Sie mich wählen", "settings"), ("Ich lehne ab", "reject"),
                                     ("Das ist ok", "accept")]
    assert layer1("vcc-bad") == [("Alle akzeptieren", "accept"), ("Einstellungen", "settings")]
    assert layer1("osano-bad") == [("Datenschutz", "other"), ("Verstanden", "accept")]
    assert ("Verbiete alle Cookies", "reject") in layer1("tac-good")


def test_preticked_klaro_services(results):
    ticked = {t["label"] for t in results["klaro-bad"].signals["toggles"] if t["checked"]}
    assert {"HubSpot", "Google Analytics"} <= ticked
    assert not [t for t in results["klaro-good"].signals["toggles"] if t["checked"]]


def test_tarteaucitron_scroll_grants(results):
    scroll = next(p for p in results["tac-bad"].signals["implicit_consent"] if p["action"] == "scroll")
    assert scroll["granted"] is True and "js.hs-scripts.com" in scroll["new_hosts"]
