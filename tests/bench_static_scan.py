"""Benchmark of the static crawl against bare requests + BeautifulSoup (run by hand).

    python tests/bench_static_scan.py [--rounds 5] [--pages 30]

Serves a local multi-page site on 127.0.0.1 and, in the same run, fetches the same pages
twice: through privacygap's ``Fetcher`` + ``discover`` (address vetting, pinning,
deadline watchdog, charset detection, link scoring) and through bare ``requests.get`` +
``BeautifulSoup(..., "lxml")``. Both parse every page with lxml, so the difference is the
crawl machinery. Prints the median times, their ratio and tracemalloc peaks, then the
peak memory of fetching a 60 MB page through ``Fetcher`` (cap hit) and with bare requests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402

from privacygap.crawl.discover import discover  # noqa: E402
from privacygap.crawl.fetch import Fetcher  # noqa: E402
from privacygap.errors import FetchError  # noqa: E402
from tests.crawl.conftest import LocalServer, local_options  # noqa: E402

MB = 1024 * 1024


def build_site(server: LocalServer, pages: int) -> list[str]:
    """A home page linking ``pages`` sub-pages of ~40 kB, a statement and an imprint."""
    filler = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 12 + "</p>\n"
    nav = "".join(f'<li><a href="/seite/{i}">Seite {i}</a></li>' for i in range(pages))
    footer = '<footer><a href="/datenschutz">Datenschutz</a> <a href="/impressum">Impressum</a></footer>'
    head = '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{}</title></head><body>'
    server.html("/", head.format("Muster GmbH") + f"<nav><ul>{nav}</ul></nav><main>{filler * 40}</main>{footer}</body></html>")
    for i in range(pages):
        server.html(f"/seite/{i}", head.format(f"Seite {i}") + f"<main><h1>Seite {i}</h1>{filler * 60}</main>{footer}</body></html>")
    server.html("/datenschutz", head.format("Datenschutzerklärung") + f"<h1>Datenschutzerklärung</h1>{filler * 80}</body></html>")
    server.html("/impressum", head.format("Impressum") + "<h1>Impressum</h1><p>Muster GmbH</p></body></html>")
    return [server.url("/"), server.url("/datenschutz"), server.url("/impressum")] + [server.url(f"/seite/{i}") for i in range(pages)]


def run_privacygap(start: str, pages: int) -> int:
    with Fetcher(local_options(max_pages_per_site=pages + 10)) as fetcher:
        result = discover(start, fetcher)
        count = 3
        for url in result.links:
            if url in (result.policy_url, result.imprint_url):
                continue
            BeautifulSoup(fetcher.get(url).text, "lxml")
            count += 1
        return count


def run_bare(urls: list[str]) -> int:
    for url in urls:
        response = requests.get(url, timeout=10)
        BeautifulSoup(response.text, "lxml")
    return len(urls)


def run_bare_session(urls: list[str]) -> int:
    with requests.Session() as session:  # keep-alive, as the Fetcher has: isolates the crawl overhead
        for url in urls:
            BeautifulSoup(session.get(url, timeout=10).text, "lxml")
    return len(urls)


def measure(function, *args) -> tuple[float, int, int]:
    tracemalloc.start()
    started = time.perf_counter()
    count = function(*args)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, count


def huge_page_peaks(server: LocalServer) -> tuple[int, int, str]:
    line = b"<p>" + b"x" * 1020 + b"</p>\n"

    def huge(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        sent = 0
        try:
            while sent < 60 * MB:
                handler.wfile.write(line * 256)
                sent += 256 * len(line)
        except OSError:
            pass

    server.routes["/huge"] = huge
    tracemalloc.start()
    outcome = "returned a page"
    try:
        with Fetcher(local_options()) as fetcher:
            fetcher.get(server.url("/huge"))
    except FetchError as exc:
        outcome = exc.problem
    ours = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    tracemalloc.start()
    requests.get(server.url("/huge"), timeout=30).text  # noqa: B018 (the point is the memory)
    bare = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return ours, bare, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", type=int, default=30)
    args = parser.parse_args()
    server = LocalServer()
    server.thread.start()
    try:
        urls = build_site(server, args.pages)
        ours, bare, bare_session = [], [], []
        peaks_ours, peaks_bare = [], []
        for _ in range(args.rounds):
            elapsed, peak, count_ours = measure(run_privacygap, server.url("/"), args.pages)
            ours.append(elapsed)
            peaks_ours.append(peak)
            elapsed, peak, count_bare = measure(run_bare, urls)
            bare.append(elapsed)
            peaks_bare.append(peak)
            bare_session.append(measure(run_bare_session, urls)[0])
        ours_median, bare_median = statistics.median(ours), statistics.median(bare)
        print(f"site: {count_ours} pages via Fetcher+discover, {count_bare} via requests+bs4, {args.rounds} rounds")
        print(f"privacygap Fetcher+discover: median {ours_median * 1000:.0f} ms, peak {max(peaks_ours) / MB:.1f} MiB")
        print(f"bare requests.get + bs4:     median {bare_median * 1000:.0f} ms, peak {max(peaks_bare) / MB:.1f} MiB")
        session_median = statistics.median(bare_session)
        print(f"bare requests.Session + bs4: median {session_median * 1000:.0f} ms")
        print(f"ratio (privacygap / bare requests.get):     {ours_median / bare_median:.2f}")
        print(f"ratio (privacygap / bare requests.Session): {ours_median / session_median:.2f}")
        ours_huge, bare_huge, outcome = huge_page_peaks(server)
        print(f"60 MB page via Fetcher (default cap): peak {ours_huge / MB:.1f} MiB ({outcome})")
        print(f"60 MB page via bare requests.get:     peak {bare_huge / MB:.1f} MiB")
    finally:
        server.stop.set()
        server.httpd.shutdown()
        server.httpd.server_close()


if __name__ == "__main__":
    main()
