"""Hostile and unusual pages end with a result (or a per-phase error); failures are named."""

from __future__ import annotations

import time

import pytest

from privacygap.crawl.browser import BrowserOptions, open_browser
from privacygap.crawl.visit import visit_site
from privacygap.errors import BrowserError

pytestmark = pytest.mark.browser

FAST = {"phase_timeout": 6.0, "nav_timeout": 5.0, "implicit_probe": False, "subpages": 0, "consent_wait": 2.0}


def test_endless_loop_ends_with_phase_errors(visit):
    started = time.monotonic()
    result = visit("hostile/loop.html", **FAST)
    assert time.monotonic() - started < 60
    assert set(result.phases) == {"before_consent", "after_reject", "after_accept"}
    assert all(p.error and "did not finish" in p.error for p in result.phases.values())
    # The browser side still answers while the page hangs: the cookie set before the loop is there.
    assert [c.name for c in result.phases["before_consent"].cookies] == ["before_loop"]


def test_alerts_popups_and_downloads_do_not_stall(visit):
    for page in ("hostile/alerts.html", "hostile/popups.html"):
        started = time.monotonic()
        result = visit(page, **FAST)
        assert time.monotonic() - started < 30, page
        assert all(p.error is None for p in result.phases.values()), (page, result.phases)
        assert result.phases["after_reject"].pages[0].endswith(page.split("/")[-1])


def test_200k_node_dom_still_finds_the_banner(visit):
    result = visit("hostile/bignodes.html", **{**FAST, "phase_timeout": 20.0})
    assert result.phases["before_consent"].error is None
    assert [(b.text, b.role) for b in result.buttons] == [("Alle akzeptieren", "accept"), ("Alle ablehnen", "reject")]


def test_banner_in_open_shadow_root(visit):
    result = visit("special/shadow.html", **FAST)
    assert result.signals["banner_how"] == "heuristic"
    assert [(b.text, b.role) for b in result.buttons] == [("Akzeptieren", "accept"), ("Ablehnen", "reject")]
    assert result.signals["reject_method"] == "banner"


def test_banner_in_iframe(visit):
    result = visit("special/iframe.html", **FAST)
    assert result.banner_found and result.signals["banner_how"] == "iframe"
    assert [(b.text, b.role) for b in result.buttons] == [("Zustimmen", "accept"), ("Einstellungen", "settings")]
    assert result.reject_on_first_layer is False


def test_no_banner_but_crm_tracking(visit):
    from .conftest import web_findings

    result = visit("special/no-banner.html", **FAST)
    assert result.banner_found is False and result.reject_on_first_layer is None and result.buttons == ()
    before = result.phases["before_consent"]
    assert {c.name for c in before.cookies} == {"hubspotutk", "__hstc", "__hssc", "__hssrc"}
    assert before.third_party_hosts == ("js.hs-scripts.com", "track.hubspot.com")
    assert {f.check_id for f in web_findings(result)} == {"WEB001"}


def test_private_address_refused_without_allow_private(site_server):
    with pytest.raises(BrowserError, match="loopback address"):
        visit_site(f"{site_server}/good/index.html", options=BrowserOptions(allow_private=False))


def test_browser_that_cannot_start_names_the_fix(tmp_path):
    missing = tmp_path / "no-chromium"
    with pytest.raises(BrowserError) as info:
        with open_browser(BrowserOptions(executable_path=str(missing))):
            pass
    assert "could not start" in info.value.message and "PRIVACYGAP_CHROMIUM" in (info.value.hint or "")


def test_request_guard_refuses_metadata_even_with_allow_private():
    import asyncio

    from privacygap.crawl.browser import RequestGuard

    lenient, strict = RequestGuard(allow_private=True), RequestGuard(allow_private=False)
    check = lambda guard, url: asyncio.run(guard.allowed(url))
    assert check(lenient, "http://169.254.169.254/latest/meta-data/") is False
    assert check(lenient, "http://10.1.2.3/x.js") is True
    assert check(strict, "http://10.1.2.3/x.js") is False
    assert check(strict, "http://[::1]:8080/") is False
    assert check(strict, "data:text/plain,hello") is True


def test_screenshot_written_as_png_file(visit, tmp_path_factory):
    folder = tmp_path_factory.mktemp("shots")
    result = visit("special/shadow.html", **{**FAST, "screenshot_dir": str(folder)})
    assert result.screenshot and result.screenshot.startswith(str(folder)) and result.screenshot.endswith(".png")
    with open(result.screenshot, "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
