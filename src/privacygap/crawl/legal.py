"""Links to the privacy statement and the imprint on a visited page, and whether the banner blocks them.

POL001 needs, for every page the browser visits, whether it links to the privacy statement
(and the imprint), and, on the first page while the cookie banner is still open, whether a
visitor can actually use that link: not covered by an overlay and reachable by keyboard.
The page-side work is the ``legal`` mode of ``js/page_probe.js``; the link texts and path
pieces are those of ``crawlers/keywords/links.yaml``, which the static crawl uses as well.
"""

from __future__ import annotations

import functools
from typing import Any

from privacygap.crawl.banner import probe
from privacygap.crawl.discover import link_keywords
from privacygap.models import LegalLink, PageLinks

# Measuring scrolls and focuses a few links; a page with many must still answer in time.
_MEASURE_BUDGET_MS = 2500


@functools.cache
def legal_config() -> dict[str, Any]:
    """The link keywords in the shape the probe script expects (``privacy``, ``imprint``, ``exclude``)."""
    catalog = link_keywords()

    def lower(items: list[str]) -> list[str]:
        return [str(item).lower() for item in items]

    return {"privacy": {"texts": lower(catalog["statement"]["texts"]),
                        "path_tokens": lower(catalog["statement"].get("path_tokens", []))},
            "imprint": {"texts": lower(catalog["imprint"]["texts"]),
                        "path_tokens": lower(catalog["imprint"].get("path_tokens", []))},
            "exclude": lower(catalog.get("exclude_texts", []))}


def _usable(link: dict[str, Any]) -> bool:
    return link.get("clickable") is not False and link.get("focusable") is not False


def choose(candidates: list[dict[str, Any]]) -> LegalLink | None:
    """The link that stands for a group of candidates: the first usable one, else the first.

    A page may carry the same link twice (header and footer); one a visitor can use is
    enough. When none is usable, the first is the evidence of what is blocked.
    """
    if not candidates:
        return None
    pick = next((c for c in candidates if _usable(c)), candidates[0])
    return LegalLink(text=str(pick.get("text", "")), href=str(pick.get("href", "")),
                     in_banner=bool(pick.get("in_banner")), clickable=pick.get("clickable"),
                     covered_by=pick.get("covered_by"), focusable=pick.get("focusable"),
                     focus_problem=pick.get("focus_problem"), focus_went_to=pick.get("focus_went_to"))


async def read_page_links(page: Any, *, url: str, phase: str, kind: str, banner_open: bool = False,
                          banner_frame: Any = None) -> PageLinks:
    """Read the legal links of the page the browser shows now.

    Args:
        page: the Playwright page.
        url: the page's address as the visit records it.
        phase: ``before_consent`` or ``after_reject``.
        kind: ``start``, ``after_click``, ``reload`` or ``subpage``.
        banner_open: the cookie banner is open: measure whether the links can be clicked and focused.
        banner_frame: the frame the banner lives in, when it is not the main frame (its
            links count as banner links).
    """
    args = {"legal": legal_config(), "measure": banner_open}
    result = await probe(page.main_frame, "legal", budget_ms=_MEASURE_BUDGET_MS, extra=args)
    if not result:
        return PageLinks(url=url, phase=phase, kind=kind, banner_open=banner_open,
                         error="the page did not answer the link probe")
    found = {name: list(result.get(name) or []) for name in ("privacy", "imprint")}
    if banner_frame is not None and banner_frame is not page.main_frame:
        inner = await probe(banner_frame, "legal", budget_ms=_MEASURE_BUDGET_MS, extra=args)
        for name in found:
            found[name] += [{**link, "in_banner": True} for link in inner.get(name) or []]
    own = {name: [link for link in links if not link.get("in_banner")] for name, links in found.items()}
    banner = {name: [link for link in links if link.get("in_banner")] for name, links in found.items()}
    return PageLinks(url=url, phase=phase, kind=kind, banner_open=banner_open,
                     privacy=choose(own["privacy"]), imprint=choose(own["imprint"]),
                     banner_privacy=choose(banner["privacy"]), banner_imprint=choose(banner["imprint"]))
