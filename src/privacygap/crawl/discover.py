"""Find a site's privacy statement and imprint from its start page.

The order, cheapest and surest first:

1. ``policy_url`` when the caller knows it;
2. links on the start page, scored by text and place (``crawlers/keywords/links.yaml``):
   a *strong* link (exact link text, or a matching text and path) is taken as it is; a
   page reached by a weaker link is taken only if its title or first heading says it is a
   statement;
3. the start page itself, when its title or first heading says it is the statement;
4. a weak link's page after all (it is still the best evidence we have);
5. common paths (``/datenschutz``, ``/privacy`` …), accepted only if the page's title or
   heading says so — a soft 404 or a single-page app answering every path with the home
   page must not pass.

Only same-site links and same-site redirects are followed (an explicit ``policy_url`` may
be anywhere). When nothing is found, :class:`StatementNotFoundError` lists every URL tried.
The imprint is searched the same way but is optional.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from privacygap import resources
from privacygap.crawl.fetch import Fetcher, Page
from privacygap.crawl.urls import normalise_url, same_site
from privacygap.errors import FetchError, StatementNotFoundError
from privacygap.models import LegalLink, PageLinks

_MAX_LINK_CANDIDATES = 6  # more links than this to one kind of page are noise, not options


@dataclass(frozen=True)
class Discovery:
    """What :func:`discover` found. ``links`` are the start page's same-site links."""

    start_page: Page
    policy_page: Page | None
    policy_url: str | None
    imprint_page: Page | None
    imprint_url: str | None
    candidates_tried: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    # "url: problem" for every candidate that could not be fetched (statement and imprint).
    failures: list[str] = field(default_factory=list)
    # The legal links of the pages fetched (start, statement, imprint): POL001 without a browser.
    legal_links: list[PageLinks] = field(default_factory=list)


@dataclass(frozen=True)
class LinkCandidate:
    """A link that may lead to a statement or imprint, with its score."""

    url: str
    text: str
    score: int
    strong: bool
    position: str  # footer | nav | body


# ---------------------------------------------------------------------------- keywords


@functools.cache
def link_keywords() -> dict[str, Any]:
    """The link catalog ``crawlers/keywords/links.yaml`` (cached)."""
    return resources.catalog_yaml("crawlers", "keywords/links.yaml")


_SPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t\n›»«‹>|·•–—-:/()[]*"
_TITLE_SEPARATORS = re.compile(r"\s[|–—:·\-]\s|\s*[|–—·]\s*|:\s")


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero-width


def normalise_text(text: str) -> str:
    """Lower case, whitespace collapsed, invisible characters (soft hyphens in long German
    words) dropped, decorative punctuation at the edges removed."""
    return _SPACE.sub(" ", text.translate(_INVISIBLE)).strip().lower().strip(_EDGE_PUNCTUATION).strip()


# ---------------------------------------------------------------------------- reading a page


def _soup(page: Page) -> BeautifulSoup:
    return BeautifulSoup(page.text, "lxml")


def _base_url(soup: BeautifulSoup, page: Page) -> str:
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        candidate = urljoin(page.final_url, str(base["href"]))
        if urlsplit(candidate).scheme in ("http", "https"):
            return candidate
    return page.final_url


def _has_class_or_id(tag: Tag, word: str) -> bool:
    classes = tag.get("class") or []
    values = [*classes, str(tag.get("id") or "")] if isinstance(classes, list) else [str(classes), str(tag.get("id") or "")]
    return any(word in value.lower() for value in values)


def _position(link: Tag) -> str:
    """``footer`` if any ancestor is a footer; else ``nav`` if any is a navigation; else ``body``."""
    position = "body"
    for parent in link.parents:
        if not isinstance(parent, Tag) or parent.name in ("html", "[document]"):
            continue
        role = str(parent.get("role") or "").lower()
        if parent.name == "footer" or role == "contentinfo" or _has_class_or_id(parent, "footer"):
            return "footer"
        if parent.name in ("nav", "header") or role == "navigation" or _has_class_or_id(parent, "nav") or _has_class_or_id(parent, "menu"):
            position = "nav"
    return position


def _link_text(link: Tag) -> str:
    text = normalise_text(link.get_text(" "))
    if not text:
        text = normalise_text(str(link.get("aria-label") or link.get("title") or ""))
    return text


def _resolve_href(href: str, base: str, soup: BeautifulSoup) -> str | None:
    """Absolute URL of a link, or ``None`` for links that lead to no page of their own."""
    href = href.strip()
    if not href or href == "#" or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    if href.startswith("#"):
        # An in-page anchor counts only if it exists (a one-page site's statement section);
        # "#" links that open a consent dialog do not.
        return base if soup.find(id=href[1:]) is not None else None
    absolute = urljoin(base, href)
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    return normalise_url(absolute)


def site_links(soup: BeautifulSoup, page: Page) -> list[str]:
    """Same-site http(s) links of a page, absolute, without fragments, in page order, no repeats."""
    base = _base_url(soup, page)
    seen: dict[str, None] = {}
    for link in soup.find_all("a", href=True):
        url = _resolve_href(str(link["href"]), base, soup)
        if url and same_site(url, page.final_url) and url != page.final_url:
            seen.setdefault(url, None)
    return list(seen)


def link_candidates(soup: BeautifulSoup, page: Page, kind: str, *, any_site: bool = False) -> list[LinkCandidate]:
    """Links of ``page`` that may lead to the ``kind`` ("statement" or "imprint"), best first.

    Only same-site links unless ``any_site`` (a group's central statement on another domain
    still is a link to the statement, but discovery does not follow it).
    """
    catalog = link_keywords()
    spec, scores = catalog[kind], catalog["scores"]
    texts = set(spec["texts"])
    excluded = catalog.get("exclude_texts", [])
    tokens = spec.get("path_tokens", [])
    base = _base_url(soup, page)
    best: dict[str, LinkCandidate] = {}
    for link in soup.find_all("a", href=True):
        url = _resolve_href(str(link["href"]), base, soup)
        if url is None or not (any_site or same_site(url, page.final_url)):
            continue
        text = _link_text(link)
        if any(word in text for word in excluded):
            continue
        exact = text in texts
        contains = not exact and any(word in text for word in texts)
        path = unquote(urlsplit(url).path).lower()
        in_path = any(token in path for token in tokens)
        if not (exact or contains or in_path):
            continue
        position = _position(link)
        score = (
            (scores["exact_text"] if exact else scores["contains_text"] if contains else 0)
            + (scores["path_token"] if in_path else 0)
            + scores[position]
        )
        candidate = LinkCandidate(url, text, score, strong=exact or (contains and in_path), position=position)
        # One entry per URL with its best link; the dict keeps first-seen page order,
        # which the stable sort below uses to break ties.
        previous = best.get(url)
        if previous is None or candidate.score > previous.score:
            best[url] = candidate
    ranked = sorted(best.values(), key=lambda c: -c.score)  # stable: page order among equals
    return ranked[:_MAX_LINK_CANDIDATES]


def page_is(kind: str, soup: BeautifulSoup) -> bool:
    """Whether a page's ``<title>`` or first ``<h1>`` says it is the ``kind`` of page."""
    spec = link_keywords()[kind]
    headings = []
    if soup.title is not None:
        headings.append(normalise_text(soup.title.get_text(" ")))
    h1 = soup.find("h1")
    if isinstance(h1, Tag):
        headings.append(normalise_text(h1.get_text(" ")))
    texts = set(spec["texts"])
    for heading in headings:
        if any(phrase in heading for phrase in spec["titles"]):
            return True
        if heading in texts or any(normalise_text(part) in texts for part in _TITLE_SEPARATORS.split(heading)):
            return True
    return False


def _language(soup: BeautifulSoup) -> str:
    html = soup.find("html")
    lang = str(html.get("lang") or "").lower() if isinstance(html, Tag) else ""
    if lang.startswith("en"):
        return "en"
    if lang.startswith("de"):
        return "de"
    return str(link_keywords().get("language_first", {}).get("default", "de"))


def _probe_paths(kind: str, language: str) -> list[str]:
    paths: dict[str, list[str]] = link_keywords()[kind]["paths"]
    ordered = [*paths.get(language, []), *(p for lang, group in paths.items() if lang != language for p in group)]
    return list(dict.fromkeys(ordered))


# ---------------------------------------------------------------------------- the search


class _Search:
    """The fetches of one discovery: a page cache and the record of what was tried."""

    def __init__(self, fetcher: Fetcher, start: Page) -> None:
        self.fetcher = fetcher
        self.start = start
        self.pages: dict[str, Page] = {start.url: start, start.final_url: start}
        self.soups: dict[str, BeautifulSoup] = {}
        self.failures: list[str] = []
        self.failed: set[str] = set()  # not asked twice (the imprint search may meet them again)
        self.budget_left = True

    def soup(self, page: Page) -> BeautifulSoup:
        if page.final_url not in self.soups:
            self.soups[page.final_url] = _soup(page)
        return self.soups[page.final_url]

    def fetch(self, url: str) -> Page | None:
        """The page at ``url`` (same-site redirects only), or ``None`` after recording why not."""
        if url in self.pages:
            return self.pages[url]
        if url in self.failed or not self.budget_left:
            return None
        if self.fetcher.pages_fetched(url) >= self.fetcher.options.max_pages_per_site:
            self.budget_left = False
            self.failures.append(f"{url}: not tried, page budget used up")
            return None
        try:
            page = self.fetcher.get(url, same_site_as=self.start.final_url)
        except FetchError as exc:
            self.failed.add(url)
            self.failures.append(f"{url}: {exc.problem}")
            return None
        # A removed page that redirects to the home page is not the statement.
        if page.final_url == self.start.final_url:
            self.failed.add(url)
            self.failures.append(f"{url}: leads back to the start page")
            return None
        self.pages[url] = page
        return page

    def find(self, kind: str, tried: list[str]) -> Page | None:
        """Search for the ``kind`` of page in the order of the module docstring (steps 2–5)."""
        start_soup = self.soup(self.start)
        weak: list[Page] = []
        for candidate in link_candidates(start_soup, self.start, kind):
            tried.append(candidate.url)
            page = self.fetch(candidate.url)  # the start page itself comes from the cache
            if page is None:
                continue
            if candidate.strong or page_is(kind, self.soup(page)):
                return page
            weak.append(page)
        if page_is(kind, start_soup):
            return self.start
        if weak:
            return weak[0]
        root = f"{urlsplit(self.start.final_url).scheme}://{urlsplit(self.start.final_url).netloc}"
        for path in _probe_paths(kind, _language(start_soup)):
            url = normalise_url(root + path)
            if url in tried:
                continue
            tried.append(url)
            page = self.fetch(url)
            if page is not None and page_is(kind, self.soup(page)):
                return page
        return None


def page_legal_links(soup: BeautifulSoup, page: Page, kind: str, *, itself: str | None = None) -> PageLinks:
    """Which links to the statement and the imprint a statically fetched page offers.

    ``kind`` says what the page is (start, statement, imprint); ``itself`` ("privacy" or
    "imprint") marks the page as its own link target — the statement need not link to itself.
    Whether a banner covers the links only the browser can tell; this is the ``--no-browser``
    view of POL001.
    """
    found: dict[str, LegalLink | None] = {}
    for link_kind, catalog_kind in (("privacy", "statement"), ("imprint", "imprint")):
        if itself == link_kind:
            found[link_kind] = LegalLink(text="", href=page.final_url)
            continue
        candidates = link_candidates(soup, page, catalog_kind, any_site=True)
        found[link_kind] = LegalLink(text=candidates[0].text, href=candidates[0].url) if candidates else None
    return PageLinks(url=page.final_url, phase="static", kind=kind, privacy=found["privacy"], imprint=found["imprint"])


def discover(start_url: str, fetcher: Fetcher, *, policy_url: str | None = None) -> Discovery:
    """Fetch ``start_url`` and find the site's privacy statement and imprint.

    Args:
        start_url: the site's start page.
        fetcher: the :class:`Fetcher` to use (its options decide politeness and limits).
        policy_url: the statement's address, when known; fetched as given (any site).

    Raises:
        FetchError: the start page (or the given ``policy_url``) cannot be fetched.
        StatementNotFoundError: no statement found; ``candidates`` lists the URLs tried.
    """
    start = fetcher.get(start_url)
    search = _Search(fetcher, start)
    tried: list[str] = []
    if policy_url:
        policy_page: Page | None = fetcher.get(policy_url)
        tried.append(normalise_url(policy_url))
    else:
        policy_page = search.find("statement", tried)
    if policy_page is None:
        raise StatementNotFoundError(start.final_url, tried)
    imprint_page = search.find("imprint", [])
    legal = [page_legal_links(search.soup(start), start, "start")]
    for page, kind in ((policy_page, "statement"), (imprint_page, "imprint")):
        if page is not None and page.final_url != start.final_url:
            legal.append(page_legal_links(search.soup(page), page, kind,
                                          itself="privacy" if kind == "statement" else "imprint"))
    return Discovery(
        start_page=start,
        policy_page=policy_page,
        policy_url=policy_page.final_url,
        imprint_page=imprint_page,
        imprint_url=imprint_page.final_url if imprint_page else None,
        candidates_tried=tried,
        links=site_links(search.soup(start), start),
        failures=search.failures,
        legal_links=legal,
    )
