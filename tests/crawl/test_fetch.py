"""Fetcher behaviour with well-behaved servers: pages, redirects, robots, charsets, limits."""

from __future__ import annotations

import threading
import time

import pytest

from privacygap.crawl.fetch import Fetcher, FetchOptions, Page
from privacygap.errors import FetchError

from .conftest import LocalServer, Route, local_options

GERMAN = "<html><head><title>Datenschutz</title></head><body><p>Größe, Straße, Übermittlung – „Beispiel“ für 5 €</p></body></html>"


def test_default_options_come_from_the_profile() -> None:
    options = FetchOptions()
    assert options.allow_private is False and options.respect_robots is True
    assert options.deadline == 30.0 and options.max_bytes == 10 * 1024 * 1024
    assert options.max_redirects == 10 and options.delay == 0.0 and options.max_concurrent_per_host == 4
    assert options.user_agent.startswith("privacygap/") and "+https://" in options.user_agent
    assert FetchOptions(delay=0.0).delay == 0.0


def test_page_fields_and_identifying_headers(server: LocalServer, fetcher: Fetcher) -> None:
    server.html("/", GERMAN)
    page = fetcher.get(server.url("/"))
    assert page == Page(
        url=server.url("/"), final_url=server.url("/"), status=200, content_type="text/html",
        encoding="utf-8", text=GERMAN, bytes_read=len(GERMAN.encode()), redirects=[],
    )
    headers = server.requests[0][1]
    assert headers["User-Agent"] == fetcher.options.user_agent
    assert headers["Host"] == f"127.0.0.1:{server.port}"
    assert headers["Accept-Language"].startswith("de")


def test_redirect_chain_is_recorded(server: LocalServer, fetcher: Fetcher) -> None:
    server.redirect("/a", "/b", 301)
    server.redirect("/b", server.url("/c"), 307)
    server.html("/c", GERMAN)
    page = fetcher.get(server.url("/a"))
    assert page.final_url == server.url("/c")
    assert page.redirects == [server.url("/a"), server.url("/b")]


def test_redirect_loop(server: LocalServer, fetcher: Fetcher) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    with pytest.raises(FetchError, match=r"redirect loop: .*/a → .*/b → .*/a"):
        fetcher.get(server.url("/a"))
    assert server.paths() == ["/a", "/b"]


def test_too_many_redirects(server: LocalServer) -> None:
    for i in range(6):
        server.redirect(f"/r{i}", f"/r{i + 1}")
    server.html("/r6", GERMAN)
    with Fetcher(local_options(max_redirects=3)) as fetcher:
        with pytest.raises(FetchError, match="more than 3 redirects"):
            fetcher.get(server.url("/r0"))
    assert server.paths() == ["/r0", "/r1", "/r2", "/r3"]


def test_redirect_to_another_scheme_is_refused(server: LocalServer, fetcher: Fetcher) -> None:
    server.redirect("/", "ftp://127.0.0.1/file")
    with pytest.raises(FetchError, match="scheme 'ftp' is not fetched"):
        fetcher.get(server.url("/"))


@pytest.mark.parametrize(("status", "words"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error"), (403, "HTTP 403 Forbidden")])
def test_http_errors(server: LocalServer, fetcher: Fetcher, status: int, words: str) -> None:
    server.html("/x", "<html>error</html>", status=status)
    with pytest.raises(FetchError) as caught:
        fetcher.get(server.url("/x"))
    assert caught.value.url == server.url("/x")
    assert caught.value.problem == words
    assert caught.value.hint


@pytest.mark.parametrize(("content_type", "body"), [("application/pdf", b"%PDF-1.7\n..."), ("image/png", b"\x89PNG\r\n\x1a\n")])
def test_non_html_is_refused_without_reading_it(server: LocalServer, fetcher: Fetcher, content_type: str, body: bytes) -> None:
    server.routes["/file"] = Route(body, 200, {"Content-Type": content_type})
    with pytest.raises(FetchError, match=f"not an HTML page \\({content_type}\\)") as caught:
        fetcher.get(server.url("/file"))
    assert "--policy" in (caught.value.hint or "")


def test_missing_content_type_is_sniffed(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/html"] = Route(b"<!DOCTYPE html><html><body>ok</body></html>", 200, {})
    server.routes["/pdf"] = Route(b"%PDF-1.4 binary", 200, {})
    assert fetcher.get(server.url("/html")).text.endswith("ok</body></html>")
    with pytest.raises(FetchError, match="does not look like HTML"):
        fetcher.get(server.url("/pdf"))


def test_unreachable_port() -> None:
    with Fetcher(local_options()) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get("http://127.0.0.1:9/")
    assert caught.value.problem.startswith("cannot connect: [Errno 111]")
    assert caught.value.url == "http://127.0.0.1:9/"


def test_page_budget_per_site(server: LocalServer) -> None:
    server.html("/", GERMAN)
    with Fetcher(local_options(max_pages_per_site=2)) as fetcher:
        fetcher.get(server.url("/"))
        fetcher.get(server.url("/"))
        with pytest.raises(FetchError, match="page budget of 2 pages"):
            fetcher.get(server.url("/"))
    assert len(server.requests) == 2


# ---------------------------------------------------------------------------- charset


def test_latin1_without_header_charset(server: LocalServer, fetcher: Fetcher) -> None:
    body = "<html><head><title>Datenschutz</title></head><body>Schöne Grüße aus Köln, Straße 5</body></html>"
    server.routes["/"] = Route(body.encode("latin-1"), 200, {"Content-Type": "text/html"})
    page = fetcher.get(server.url("/"))
    assert "Schöne Grüße aus Köln, Straße 5" in page.text
    assert page.encoding == "cp1252"


def test_windows_1252_meta(server: LocalServer, fetcher: Fetcher) -> None:
    body = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body>„Zitat“ – 5 €</body></html>'
    server.routes["/"] = Route(body.encode("cp1252"), 200, {"Content-Type": "text/html"})
    page = fetcher.get(server.url("/"))
    assert "„Zitat“ – 5 €" in page.text and page.encoding == "cp1252"


def test_meta_charset_short_form(server: LocalServer, fetcher: Fetcher) -> None:
    body = '<html><head><meta charset="iso-8859-15"></head><body>Preis 5 € Öl</body></html>'
    server.routes["/"] = Route(body.encode("iso-8859-15"), 200, {"Content-Type": "text/html"})
    page = fetcher.get(server.url("/"))
    assert page.encoding == "iso8859-15" and "5 € Öl" in page.text


def test_utf8_bom_wins_and_is_dropped(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/"] = Route(b"\xef\xbb\xbf" + GERMAN.encode(), 200, {"Content-Type": "text/html; charset=iso-8859-1"})
    page = fetcher.get(server.url("/"))
    assert page.text == GERMAN and page.encoding == "utf-8"


def test_header_charset_wins_over_meta(server: LocalServer, fetcher: Fetcher) -> None:
    body = '<html><head><meta charset="utf-8"></head><body>Grüße</body></html>'
    server.routes["/"] = Route(body.encode("cp1252"), 200, {"Content-Type": "text/html; charset=windows-1252"})
    assert "Grüße" in fetcher.get(server.url("/")).text


# ---------------------------------------------------------------------------- robots


def test_robots_disallow(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /intern/\n\nUser-agent: privacygap\nDisallow: /geheim\n", 200, {"Content-Type": "text/plain"})
    server.html("/", GERMAN)
    server.html("/geheim", GERMAN)
    with Fetcher(local_options(respect_robots=True)) as fetcher:
        fetcher.get(server.url("/"))
        with pytest.raises(FetchError, match="robots.txt disallows it for 'privacygap'"):
            fetcher.get(server.url("/geheim"))
    assert server.paths() == ["/robots.txt", "/"]  # robots.txt read once, /geheim never asked


def test_robots_ignored_when_switched_off(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /\n", 200, {})
    server.html("/", GERMAN)
    assert fetcher.get(server.url("/")).status == 200
    assert "/robots.txt" not in server.paths()


def test_robots_missing_allows_and_server_error_disallows(server: LocalServer) -> None:
    server.html("/", GERMAN)
    with Fetcher(local_options(respect_robots=True)) as fetcher:
        assert fetcher.get(server.url("/")).status == 200  # /robots.txt is 404: allowed
    server.routes["/robots.txt"] = Route(b"", 500, {})
    with Fetcher(local_options(respect_robots=True)) as fetcher:
        with pytest.raises(FetchError, match=r"robots.txt is unreachable \(HTTP 500\)"):
            fetcher.get(server.url("/"))


def test_robots_crawl_delay_spaces_requests(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 1\n", 200, {})
    server.html("/", GERMAN)
    with Fetcher(local_options(respect_robots=True)) as fetcher:
        fetcher.get(server.url("/"))
        started = time.monotonic()
        fetcher.get(server.url("/"))
        assert time.monotonic() - started >= 0.9


# ---------------------------------------------------------------------------- politeness


def test_retry_after_is_honoured(server: LocalServer, fetcher: Fetcher) -> None:
    answers = iter([Route(b"", 429, {"Retry-After": "1"}), Route(GERMAN.encode(), 200, {"Content-Type": "text/html"})])
    times: list[float] = []

    def limited(handler) -> None:
        times.append(time.monotonic())
        route = next(answers)
        handler.send_response(route.status)
        for key, value in {**route.headers, "Content-Length": str(len(route.body))}.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(route.body)

    server.routes["/"] = limited
    page = fetcher.get(server.url("/"))
    assert page.status == 200 and len(times) == 2
    assert times[1] - times[0] >= 0.95


def test_retry_after_too_long_is_an_error(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/"] = Route(b"", 429, {"Retry-After": "3600"})
    with pytest.raises(FetchError, match=r"HTTP 429 Too Many Requests \(Retry-After: 3600\)"):
        fetcher.get(server.url("/"))
    assert len(server.requests) == 1  # no waiting an hour, no hammering either


def test_one_request_at_a_time_per_host_with_delay(server: LocalServer) -> None:
    active = 0
    overlap = []
    starts: list[float] = []
    lock = threading.Lock()

    def slow(handler) -> None:
        nonlocal active
        with lock:
            active += 1
            overlap.append(active)
            starts.append(time.monotonic())
        time.sleep(0.2)
        body = GERMAN.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        with lock:
            active -= 1

    server.routes["/"] = slow
    with Fetcher(local_options(delay=0.3)) as fetcher:
        threads = [threading.Thread(target=fetcher.get, args=(server.url("/"),)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert max(overlap) == 1 and len(starts) == 3
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert all(gap >= 0.45 for gap in gaps), gaps  # 0.2 s answer + 0.3 s delay


def test_options_from_another_profile(tmp_path) -> None:
    profile = tmp_path / "slow.toml"
    profile.write_text("[fetch]\ndelay = 5.0\nmax_pages_per_site = 3\n")
    options = FetchOptions.from_profile(profile, allow_private=True)
    assert (options.delay, options.max_pages_per_site, options.allow_private) == (5.0, 3, True)
    assert options.deadline == FetchOptions().deadline
    profile.write_text("[fetch]\nverify = false\n")
    with pytest.raises(ValueError, match=r"unknown \[fetch\] keys \['verify'\]"):
        FetchOptions.from_profile(profile)


def test_fetcher_is_shared_safely_between_threads(server: LocalServer) -> None:
    for i in range(12):
        server.html(f"/p{i}", f"<html><body>page {i}</body></html>")
    results: dict[int, str] = {}

    def work(i: int) -> None:
        results[i] = fetcher.get(server.url(f"/p{i}")).text

    with Fetcher(local_options()) as fetcher:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert results == {i: f"<html><body>page {i}</body></html>" for i in range(12)}


def test_unreachable_host_with_robots_on_reports_the_host_not_robots() -> None:
    with Fetcher(local_options(respect_robots=True)) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get("http://127.0.0.1:9/datenschutz")
    assert caught.value.url == "http://127.0.0.1:9/datenschutz"
    assert caught.value.problem.startswith("cannot connect: [Errno 111]")


def test_robots_drip_is_reported_as_robots(server: LocalServer) -> None:
    def drip(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        while not server.stop.wait(0.5):
            handler.wfile.write(b"#")
            handler.wfile.flush()

    server.routes["/robots.txt"] = drip
    server.html("/", GERMAN)
    with Fetcher(local_options(respect_robots=True, deadline=1.5)) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(server.url("/"))
    assert caught.value.problem == "robots.txt could not be read: no complete answer within the deadline of 1.5 s"
    assert "/" not in server.paths()


def _overlap_route(server: LocalServer, pause: float = 0.3):
    """A route that records how many requests were in flight at once."""
    state = {"active": 0, "max": 0, "count": 0}
    lock = threading.Lock()

    def slow(handler) -> None:
        with lock:
            state["active"] += 1
            state["count"] += 1
            state["max"] = max(state["max"], state["active"])
        time.sleep(pause)
        body = GERMAN.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        with lock:
            state["active"] -= 1

    return slow, state


def test_without_a_delay_requests_to_one_host_run_side_by_side_up_to_the_cap(server: LocalServer) -> None:
    slow, state = _overlap_route(server)
    server.routes["/"] = slow
    with Fetcher(local_options(delay=0.0, max_concurrent_per_host=3)) as fetcher:
        threads = [threading.Thread(target=fetcher.get, args=(server.url("/"),)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert state["count"] == 8
    assert state["max"] == 3  # never more than the cap, and the cap is used


def test_crawl_delay_makes_requests_to_the_host_serial(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 1\n", 200, {})
    slow, state = _overlap_route(server, pause=0.05)
    server.routes["/"] = slow
    with Fetcher(local_options(respect_robots=True, max_concurrent_per_host=4)) as fetcher:
        fetcher.get(server.url("/"))  # reads robots.txt first
        threads = [threading.Thread(target=fetcher.get, args=(server.url("/"),)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert state["count"] == 4 and state["max"] == 1


def test_503_without_retry_after_is_retried_after_a_back_off(server: LocalServer) -> None:
    answers = iter([Route(b"", 503, {}), Route(GERMAN.encode(), 200, {"Content-Type": "text/html"})])
    seen: list[int] = []

    def flaky(handler) -> None:
        route = next(answers)
        seen.append(route.status)
        handler.send_response(route.status)
        for key, value in {**route.headers, "Content-Length": str(len(route.body))}.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(route.body)

    server.routes["/"] = flaky
    with Fetcher(local_options(retry_backoff=0.1)) as fetcher:
        page = fetcher.get(server.url("/"))
    assert page.status == 200 and seen == [503, 200]


def test_429_that_stays_429_is_an_error_after_the_allowed_retries(server: LocalServer) -> None:
    server.routes["/"] = Route(b"", 429, {})
    with Fetcher(local_options(retry_backoff=0.05, max_retries=2)) as fetcher, \
            pytest.raises(FetchError, match=r"HTTP 429 Too Many Requests"):
        fetcher.get(server.url("/"))
    assert len(server.requests) == 3  # the first try and two retries, then it gives up


def test_monitor_scans_space_requests_to_one_host():
    from privacygap.crawl.fetch import monitor_fetch_delay
    from privacygap.monitor.runner import build_request
    from privacygap.monitor.targets import Target

    assert monitor_fetch_delay() == 1.0  # crawlers/profiles/default.toml [monitor]
    assert FetchOptions().delay == 0.0  # one company scan: no fixed pause
    request = build_request(Target(name="muster", url="https://muster.example/"))
    assert request.shared_host_delay == 1.0


def test_shared_host_delay_spaces_two_scans_on_one_host_but_not_one_scan_itself(server: LocalServer) -> None:
    slow, state = _overlap_route(server, pause=0.02)
    server.routes["/"] = slow
    options = local_options(shared_host_delay=5.0)
    # One scan's own requests follow each other without the pause (5 s would show at once) ...
    with Fetcher(options) as fetcher:
        fetcher.get(server.url("/"))  # may wait for another test's fetcher that just used this host
        started = time.monotonic()
        for _ in range(2):
            fetcher.get(server.url("/"))
        assert time.monotonic() - started < 5.0
    # ... while two scans of one host never overlap (they go one at a time).
    short = local_options(shared_host_delay=0.2)
    with Fetcher(short) as first, Fetcher(short) as second:
        threads = [threading.Thread(target=f.get, args=(server.url("/"),)) for f in (first, second, first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert state["count"] == 7 and state["max"] == 1
