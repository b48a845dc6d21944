"""The phases run side by side by default; run one after the other they must report the same.

What each phase notes is merged in the fixed phase order, so the result (findings, legal
links, forms) must not depend on which phase finished first.
"""

from __future__ import annotations

import pytest

from .conftest import web_findings

pytestmark = pytest.mark.browser

SITES = ("leaky", "close-grants", "hubspot-form")


@pytest.mark.parametrize("site", SITES)
def test_concurrent_and_sequential_phases_agree(visit, site):
    subpages = (f"{site}/about.html", f"{site}/contact.html")
    together = visit(f"{site}/index.html", subpages)
    apart = visit(f"{site}/index.html", subpages, concurrent_phases=False)
    for result in (together, apart):
        assert all(p.error is None for p in result.phases.values()), {n: p.error for n, p in result.phases.items()}
    assert sorted(f.fingerprint for f in web_findings(together)) == sorted(f.fingerprint for f in web_findings(apart))
    assert [(p.phase, p.kind, p.url) for p in together.legal_links] == [(p.phase, p.kind, p.url) for p in apart.legal_links]
    assert together.signals["forms"] == apart.signals["forms"]
    assert list(together.signals.get("autoconsent", {})) == list(apart.signals.get("autoconsent", {}))
    for name in ("before_consent", "after_reject", "after_accept"):
        assert sorted(c.name for c in together.phases[name].cookies) == sorted(c.name for c in apart.phases[name].cookies)
        assert sorted(together.phases[name].third_party_hosts) == sorted(apart.phases[name].third_party_hosts)
