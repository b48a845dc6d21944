"""Hostile and broken servers: huge pages, bombs, drips, loops and forbidden addresses.

Decision on pages above ``max_bytes``: the fetch fails with a FetchError ("page larger
than the cap"); a truncated page is never returned, because a cut-off statement would
read as a statement that lacks its last sections.
"""

from __future__ import annotations

import importlib.util
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler

import pytest

from privacygap.crawl import netsafety
from privacygap.crawl.fetch import Fetcher
from privacygap.errors import FetchError

from .conftest import LocalServer, Route, local_options

MB = 1024 * 1024


def _headers(handler: BaseHTTPRequestHandler, status: int = 200, **headers: str) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key.replace("_", "-"), value)
    handler.end_headers()


def test_sixty_megabyte_page_hits_the_cap_with_bounded_memory(server: LocalServer) -> None:
    sent = 0
    line = b"<p>" + b"x" * 1020 + b"</p>\n"  # 1 KiB of HTML

    def huge(handler: BaseHTTPRequestHandler) -> None:
        nonlocal sent
        # No Content-Length: the size is only known by reading, as with a hostile server.
        _headers(handler, Content_Type="text/html; charset=utf-8", Connection="close")
        handler.wfile.write(b"<html><body>")
        block = line * 256
        while sent < 60 * MB and not server.stop.is_set():
            handler.wfile.write(block)
            sent += len(block)

    server.routes["/"] = huge
    with Fetcher(local_options(max_bytes=10 * MB)) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError) as caught:
                fetcher.get(server.url("/"))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert caught.value.problem == f"page larger than the cap of {10 * MB} bytes (more than that after decompression)"
    assert peak < 25 * MB, f"peak {peak / MB:.1f} MiB"
    time.sleep(0.2)
    assert sent < 40 * MB  # we hung up; the server did not get to send all 60 MB


def test_declared_content_length_above_the_cap_is_refused_before_reading(server: LocalServer) -> None:
    sent = 0

    def declared(handler: BaseHTTPRequestHandler) -> None:
        nonlocal sent
        _headers(handler, Content_Type="text/html", Content_Length=str(60 * MB))
        while sent < 60 * MB and not server.stop.is_set():
            handler.wfile.write(b"x" * 65536)
            sent += 65536

    server.routes["/"] = declared
    with Fetcher(local_options(max_bytes=1 * MB)) as fetcher, pytest.raises(FetchError, match=f"{60 * MB} bytes declared"):
        fetcher.get(server.url("/"))


def _bomb(encoding: str, size: int) -> bytes:
    chunk = b"\0" * MB
    if encoding == "br":
        import brotli  # type: ignore[import-not-found]

        # Chunk by chunk, like the zlib bombs: one brotli.compress() of the whole GiB held it (and
        # its copy) in the test process, whose size every later forked child then inherited.
        streaming = brotli.Compressor(quality=5)
        parts = [streaming.process(b"<html><body>")]
        for _ in range(size // MB):
            parts.append(streaming.process(chunk))
        parts.append(streaming.finish())
        return b"".join(parts)
    wbits = {"gzip": 31, "deflate": 15}[encoding]
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    parts = [compressor.compress(b"<html><body>")]
    for _ in range(size // MB):
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    return b"".join(parts)


ENCODINGS = ["gzip", "deflate"] + (["br"] if importlib.util.find_spec("brotli") else [])


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_decompression_bomb_is_cut_at_the_cap(server: LocalServer, encoding: str) -> None:
    bomb = _bomb(encoding, 1024 * MB)  # 1 GiB of zeros inflates from about 1 MB
    assert len(bomb) < 2 * MB
    server.routes["/"] = Route(bomb, 200, {"Content-Type": "text/html", "Content-Encoding": encoding})
    with Fetcher(local_options(max_bytes=5 * MB)) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match=f"larger than the cap of {5 * MB} bytes"):
                fetcher.get(server.url("/"))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 20 * MB, f"peak {peak / MB:.1f} MiB"


def test_small_gzip_page_is_decoded(server: LocalServer, fetcher: Fetcher) -> None:
    html = "<html><body>" + "Datenschutz " * 1000 + "</body></html>"
    server.routes["/"] = Route(_gzip(html.encode()), 200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})
    page = fetcher.get(server.url("/"))
    assert page.text == html and page.bytes_read == len(html)


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def test_unrequested_content_encoding_is_refused(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/"] = Route(b"\x28\xb5\x2f\xfd junk", 200, {"Content-Type": "text/html", "Content-Encoding": "compress"})
    with pytest.raises(FetchError, match="unsupported Content-Encoding compress"):
        fetcher.get(server.url("/"))


def test_drip_body_ends_at_the_deadline(server: LocalServer) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        _headers(handler, Content_Type="text/html", Connection="close")
        for _ in range(120):  # four minutes at one byte every two seconds
            if server.stop.wait(2.0):
                return
            handler.wfile.write(b"x")
            handler.wfile.flush()

    server.routes["/"] = drip
    with Fetcher(local_options(deadline=3.0, read_timeout=5.0)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="no complete answer within the deadline of 3 s"):
            fetcher.get(server.url("/"))
        assert time.monotonic() - started < 6.0


def test_drip_headers_end_at_the_deadline(server: LocalServer) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"y" * 200:
            if server.stop.wait(1.0):
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    server.routes["/"] = drip
    with Fetcher(local_options(deadline=2.5, read_timeout=5.0)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="deadline of 2.5 s"):
            fetcher.get(server.url("/"))
        assert time.monotonic() - started < 5.0


def test_read_timeout_when_the_server_goes_silent(server: LocalServer) -> None:
    def silent(handler: BaseHTTPRequestHandler) -> None:
        _headers(handler, Content_Type="text/html", Content_Length="100")
        handler.wfile.write(b"<html>")
        handler.wfile.flush()
        server.stop.wait(10)

    server.routes["/"] = silent
    with Fetcher(local_options(read_timeout=1.0, deadline=8.0)) as fetcher:
        with pytest.raises(FetchError, match=r"no data for 1 s \(read timeout\)"):
            fetcher.get(server.url("/"))


def test_redirect_to_cloud_metadata_is_refused_even_with_allow_private(server: LocalServer, fetcher: Fetcher) -> None:
    server.redirect("/go", "http://169.254.169.254/latest/meta-data/iam/security-credentials/")
    with pytest.raises(FetchError) as caught:
        fetcher.get(server.url("/go"))
    assert caught.value.problem == "refused: 169.254.169.254 is a cloud metadata address"
    assert caught.value.url == "http://169.254.169.254/latest/meta-data/iam/security-credentials/"


def test_loopback_refused_without_allow_private(server: LocalServer) -> None:
    server.html("/", "<html>secret admin page</html>")
    with Fetcher(local_options(allow_private=False)) as fetcher:
        with pytest.raises(FetchError, match=r"refused: 127\.0\.0\.1 is a loopback address"):
            fetcher.get(server.url("/"))
        with pytest.raises(FetchError, match=r"refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address"):
            fetcher.get(server.url("/", host="localhost"))
    assert server.requests == []


def test_public_looking_name_resolving_to_loopback_is_refused(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server.html("/", "<html>internal</html>")
    monkeypatch.setattr(netsafety, "RESOLVER", lambda host, port: ["127.0.0.1"])
    with Fetcher(local_options(allow_private=False)) as fetcher:
        with pytest.raises(FetchError, match="refused: www.example-shop.de resolves to 127.0.0.1, a loopback address"):
            fetcher.get(f"http://www.example-shop.de:{server.port}/")
    assert server.requests == []


def test_connection_is_pinned_to_the_vetted_address(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The first answer is vetted and used; a rebinding answer for a second lookup would be
    # 10.9.9.9 (and the OS resolver does not know the name at all): the fetch only works
    # if the connection goes to the vetted address without resolving again.
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    monkeypatch.setattr(netsafety, "RESOLVER", resolver)
    server.html("/", "<html>shop</html>")
    with Fetcher(local_options()) as fetcher:
        page = fetcher.get(f"http://shop.rebind.invalid:{server.port}/")
    assert page.text == "<html>shop</html>"
    assert calls == ["shop.rebind.invalid"]
    assert server.requests[0][1]["Host"] == f"shop.rebind.invalid:{server.port}"


def test_unresolvable_host(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(host: str, port: int) -> list[str]:
        raise OSError(-2, "Name or service not known")

    monkeypatch.setattr(netsafety, "RESOLVER", fail)
    with Fetcher(local_options()) as fetcher, pytest.raises(FetchError, match="host nowhere.invalid cannot be resolved"):
        fetcher.get("http://nowhere.invalid/")


def test_endless_redirect_chain_stops_at_the_redirect_cap(server: LocalServer) -> None:
    # Every hop is a new URL (no loop to spot), answered at once: the cap ends it, not the deadline.
    server.redirect("/", "/hop/1", status=302)
    for step in range(1, 40):
        server.redirect(f"/hop/{step}", f"/hop/{step + 1}", status=302)
    with Fetcher(local_options(max_redirects=10)) as fetcher, pytest.raises(FetchError, match=r"more than 10 redirects"):
        fetcher.get(server.url("/"))
    assert len(server.requests) == 11
