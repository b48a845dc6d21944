"""Finding the statement and imprint on small local sites."""

from __future__ import annotations

import pytest

from privacygap.crawl.discover import discover, link_candidates, page_is, _soup
from privacygap.crawl.fetch import Fetcher
from privacygap.errors import StatementNotFoundError

from .conftest import LocalServer, local_options

STATEMENT_DE = """<!doctype html><html lang="de"><head><title>Datenschutzerklärung | Muster GmbH</title></head>
<body><h1>Datenschutzerklärung</h1><p>Verantwortlich ist die Muster GmbH.</p></body></html>"""
IMPRINT_DE = """<!doctype html><html lang="de"><head><title>Impressum</title></head>
<body><h1>Impressum</h1><p>Muster GmbH, Musterweg 1</p></body></html>"""


def home(body: str, *, lang: str = "de", title: str = "Muster GmbH – Software für Handwerker") -> str:
    return f"<!doctype html><html lang=\"{lang}\"><head><title>{title}</title></head><body>{body}</body></html>"


def test_statement_and_imprint_links_in_the_footer(server: LocalServer, fetcher: Fetcher) -> None:
    server.html(
        "/",
        home(
            '<nav><a href="/produkte">Produkte</a><a href="/kontakt">Kontakt</a></nav>'
            "<main><p>Wir nehmen den Datenschutz ernst.</p>"
            '<a href="/blog/dsgvo-tipps">Unsere DSGVO-Tipps zum Datenschutz</a></main>'
            '<footer><a href="/rechtliches/ds">Datenschutz</a> | <a href="/rechtliches/imp">Impressum</a>'
            '<a href="#" onclick="cmp.open()">Datenschutz-Einstellungen</a></footer>'
        ),
    )
    server.html("/rechtliches/ds", STATEMENT_DE)
    server.html("/rechtliches/imp", IMPRINT_DE)
    result = discover(server.url("/"), fetcher)
    assert result.policy_url == server.url("/rechtliches/ds")
    assert result.policy_page is not None and "Verantwortlich ist die Muster GmbH" in result.policy_page.text
    assert result.imprint_url == server.url("/rechtliches/imp")
    assert result.candidates_tried[0] == server.url("/rechtliches/ds")
    assert server.url("/produkte") in result.links and server.url("/blog/dsgvo-tipps") in result.links
    # The footer link won: the blog post (body link containing "Datenschutz") was never fetched.
    assert "/blog/dsgvo-tipps" not in server.paths()
    # The links each fetched page offers (POL001 without a browser); the statement and the
    # imprint pages have no footer here, and each counts as its own link.
    assert [(p.kind, p.phase, p.privacy and p.privacy.href, p.imprint and p.imprint.href)
            for p in result.legal_links] == [
        ("start", "static", server.url("/rechtliches/ds"), server.url("/rechtliches/imp")),
        ("statement", "static", server.url("/rechtliches/ds"), None),
        ("imprint", "static", None, server.url("/rechtliches/imp")),
    ]
    assert result.legal_links[0].privacy.text == "datenschutz"


def test_footer_beats_body_and_exact_beats_contains(server: LocalServer) -> None:
    server.html(
        "/",
        home(
            '<p><a href="/a">Mehr zum Datenschutz bei uns</a></p>'
            '<footer><a href="/b">Datenschutzerklärung</a></footer>'
        ),
    )
    page = Fetcher(local_options()).get(server.url("/"))
    ranked = link_candidates(_soup(page), page, "statement")
    assert [c.url for c in ranked] == [server.url("/b"), server.url("/a")]
    assert ranked[0].position == "footer" and ranked[0].strong
    assert ranked[1].position == "body" and not ranked[1].strong
    assert ranked[0].score > ranked[1].score


def test_statement_only_reachable_by_path(server: LocalServer, fetcher: Fetcher) -> None:
    server.html("/", home("<p>Willkommen</p><a href='/kontakt'>Kontakt</a>"))
    server.html("/datenschutz", STATEMENT_DE)
    result = discover(server.url("/"), fetcher)
    assert result.policy_url == server.url("/datenschutz")
    assert result.imprint_page is None
    assert result.candidates_tried == [server.url("/datenschutz")]
    # Found by path only: the start page itself offers no link to the statement.
    assert [(p.kind, p.privacy) for p in result.legal_links] == [("start", None), ("statement", result.legal_links[1].privacy)]
    assert result.legal_links[1].privacy.href == server.url("/datenschutz")


def test_soft_404_paths_are_not_taken(server: LocalServer, fetcher: Fetcher) -> None:
    # A single-page app answers every path with its shell; only the real statement counts.
    shell = home("<div id='app'>Loading…</div>", title="Muster App")
    server.html("/", shell)
    for path in ("/datenschutz", "/datenschutzerklaerung", "/privacy"):
        server.html(path, shell)
    server.html("/privacy-policy", "<html lang=en><head><title>Privacy Policy</title></head><body><h1>Privacy Policy</h1></body></html>")
    result = discover(server.url("/"), fetcher)
    assert result.policy_url == server.url("/privacy-policy")
    assert server.url("/datenschutz") in result.candidates_tried


def test_english_site(server: LocalServer, fetcher: Fetcher) -> None:
    server.html(
        "/",
        home(
            '<footer class="site-footer"><ul><li><a href="/legal/privacy-notice">Privacy Notice</a></li>'
            '<li><a href="/legal/imprint">Legal notice</a></li><li><a href="#" >Privacy settings</a></li></ul></footer>',
            lang="en",
            title="Example Ltd",
        ),
    )
    server.html("/legal/privacy-notice", "<html lang=en><head><title>Privacy notice</title></head><body><h1>Privacy notice</h1></body></html>")
    server.html("/legal/imprint", "<html lang=en><head><title>Legal notice</title></head><body>Example Ltd</body></html>")
    result = discover(server.url("/"), fetcher)
    assert result.policy_url == server.url("/legal/privacy-notice")
    assert result.imprint_url == server.url("/legal/imprint")


def test_statement_behind_a_same_site_redirect(server: LocalServer, fetcher: Fetcher) -> None:
    server.html("/", home('<footer><a href="/datenschutz">Datenschutz</a></footer>'))
    server.redirect("/datenschutz", "/de/rechtliches/datenschutz/", 301)
    server.html("/de/rechtliches/datenschutz/", STATEMENT_DE)
    result = discover(server.url("/"), fetcher)
    assert result.policy_page is not None
    assert result.policy_page.url == server.url("/datenschutz")
    assert result.policy_url == server.url("/de/rechtliches/datenschutz/")
    assert result.policy_page.redirects == [server.url("/datenschutz")]


def test_cross_site_redirect_is_not_followed(server: LocalServer, fetcher: Fetcher) -> None:
    # "localhost" and "127.0.0.1" are different sites; the statement link leaves the site.
    other = server.url("/fremd", host="localhost")
    server.html("/", home('<footer><a href="/datenschutz">Datenschutz</a></footer>'))
    server.redirect("/datenschutz", other, 302)
    server.html("/fremd", STATEMENT_DE)
    with pytest.raises(StatementNotFoundError) as caught:
        discover(server.url("/"), fetcher)
    assert "/fremd" not in server.paths()
    assert caught.value.candidates[0] == server.url("/datenschutz")


def test_no_statement_lists_the_candidates(server: LocalServer, fetcher: Fetcher) -> None:
    server.html("/", home("<p>Nur eine Seite.</p>"))
    with pytest.raises(StatementNotFoundError) as caught:
        discover(server.url("/"), fetcher)
    error = caught.value
    assert error.candidates[:3] == [server.url(p) for p in ("/datenschutz", "/datenschutzerklaerung", "/datenschutzerkl%C3%A4rung")]
    assert server.url("/privacy-policy") in error.candidates
    assert str(error).startswith(server.url("/") + ": no privacy statement found (tried: ")
    assert error.exit_code == 3


def test_start_page_that_is_the_statement(server: LocalServer, fetcher: Fetcher) -> None:
    server.html("/legal", STATEMENT_DE)
    result = discover(server.url("/legal"), fetcher)
    assert result.policy_page is result.start_page
    assert result.candidates_tried == []
    # No statement path was probed (the imprint, not linked here, still is).
    assert not [p for p in server.paths() if "datenschutz" in p or "privacy" in p]
    assert "/impressum" in server.paths()


def test_explicit_policy_url(server: LocalServer, fetcher: Fetcher) -> None:
    server.html("/", home('<footer><a href="/impressum">Impressum</a></footer>'))
    server.html("/impressum", IMPRINT_DE)
    server.html("/docs/ds-v3", STATEMENT_DE)
    result = discover(server.url("/"), fetcher, policy_url=server.url("/docs/ds-v3"))
    assert result.policy_url == server.url("/docs/ds-v3")
    assert result.imprint_url == server.url("/impressum")


def test_combined_imprint_and_statement_page_is_fetched_once(server: LocalServer, fetcher: Fetcher) -> None:
    server.html("/", home('<footer><a href="/rechtliches">Impressum &amp; Datenschutz</a></footer>'))
    server.html("/rechtliches", "<html><head><title>Impressum und Datenschutzerklärung</title></head><body></body></html>")
    result = discover(server.url("/"), fetcher)
    assert result.policy_url == result.imprint_url == server.url("/rechtliches")
    assert server.paths().count("/rechtliches") == 1


def test_page_is_needs_a_heading_not_a_mention() -> None:
    from bs4 import BeautifulSoup

    def soup(html: str) -> BeautifulSoup:
        return BeautifulSoup(html, "lxml")

    assert page_is("statement", soup("<title>Datenschutz | Muster</title>"))
    assert page_is("statement", soup("<h1>Privacy Policy of Example Ltd</h1>"))
    assert not page_is("statement", soup("<title>Datenschutz einfach gemacht – Muster</title>"))
    assert not page_is("statement", soup("<title>Start</title><p>Datenschutzerklärung</p>"))
    assert page_is("imprint", soup("<title>Muster GmbH: Impressum</title>"))


def test_link_text_variants(server: LocalServer) -> None:
    # Soft hyphen inside the long word, an icon link with only an aria-label, upper case and
    # a decorative arrow: all still recognised; mailto and javascript links are not links.
    server.html(
        "/",
        home(
            '<footer><a href="/ds">Datenschutz\u00aderklärung</a>'
            '<a href="/imp" aria-label="Impressum"><svg></svg></a>'
            '<a href="/privacy">› PRIVACY&nbsp;POLICY</a>'
            '<a href="mailto:datenschutz@muster.de">Datenschutz</a>'
            '<a href="javascript:void(0)">Datenschutz</a></footer>'
        ),
    )
    page = Fetcher(local_options()).get(server.url("/"))
    soup = _soup(page)
    statement = link_candidates(soup, page, "statement")
    # /privacy also matches by path, so it ranks above /ds.
    assert [(c.url, c.text, c.strong) for c in statement] == [
        (server.url("/privacy"), "privacy policy", True),
        (server.url("/ds"), "datenschutzerklärung", True),
    ]
    assert [c.url for c in link_candidates(soup, page, "imprint")] == [server.url("/imp")]


def test_off_site_links_are_not_candidates(server: LocalServer) -> None:
    server.html(
        "/",
        home('<footer><a href="https://policies.example-cmp.com/muster">Datenschutz</a><a href="/seite">Seite</a></footer>'),
    )
    page = Fetcher(local_options()).get(server.url("/"))
    soup = _soup(page)
    assert link_candidates(soup, page, "statement") == []
    from privacygap.crawl.discover import site_links

    assert site_links(soup, page) == [server.url("/seite")]


def test_failed_candidates_are_recorded_and_not_asked_twice(server: LocalServer, fetcher: Fetcher) -> None:
    server.html("/", home('<footer><a href="/recht">Impressum und Datenschutz</a><a href="/alt">Datenschutzerklärung</a></footer>'))
    server.html("/recht", "gone", status=410)
    server.redirect("/alt", "/")  # removed page that sends visitors home
    server.html("/datenschutz", STATEMENT_DE)
    result = discover(server.url("/"), fetcher)
    assert result.policy_url == server.url("/datenschutz")
    assert result.failures[:2] == [f"{server.url('/alt')}: leads back to the start page", f"{server.url('/recht')}: HTTP 410 Gone"]
    assert server.paths().count("/recht") == 1
