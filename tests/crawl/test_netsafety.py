"""Address rules of the crawl (the SSRF guard the browser stage shares)."""

from __future__ import annotations

import pytest

from privacygap.crawl import netsafety
from privacygap.crawl.netsafety import address_problem, check_url, vet_url
from privacygap.errors import FetchError


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("192.168.0.10", "a private address"),
        ("172.16.5.4", "a private address"),
        ("fc00::1", "a private address"),
        ("169.254.10.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "an address outside the public internet"),  # carrier-grade NAT
        ("::ffff:127.0.0.1", "a loopback address"),  # IPv4-mapped
        ("64:ff9b::a00:1", "a private address"),  # NAT64 of 10.0.0.1
        ("169.254.169.254", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
    ],
)
def test_refused_addresses(address: str, problem: str) -> None:
    assert address_problem(address, allow_private=False) == problem


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "1.1.1.1"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(address, allow_private=False) is None


def test_allow_private_lifts_everything_but_metadata() -> None:
    assert address_problem("127.0.0.1", allow_private=True) is None
    assert address_problem("10.0.0.1", allow_private=True) is None
    assert address_problem("169.254.169.254", allow_private=True) == "a cloud metadata address"
    assert address_problem("::ffff:169.254.169.254", allow_private=True) == "a cloud metadata address"


@pytest.mark.parametrize("host", ["metadata.google.internal", "METADATA.google.internal.", "instance-data"])
def test_metadata_names_are_refused_without_resolving(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netsafety, "RESOLVER", lambda h, p: pytest.fail("must not resolve"))
    with pytest.raises(FetchError, match="is a cloud metadata host"):
        check_url(f"http://{host}/computeMetadata/v1/", allow_private=True)


def test_name_with_any_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netsafety, "RESOLVER", lambda h, p: ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(FetchError, match="www.example.org resolves to 10.0.0.7, a private address"):
        check_url("https://www.example.org/", allow_private=False)


def test_vet_url_returns_the_resolved_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netsafety, "RESOLVER", lambda h, p: ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
    assert vet_url("https://www.example.org:8443/x", allow_private=False) == ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]


@pytest.mark.parametrize(("url", "message"), [("file:///etc/passwd", "scheme 'file' is not fetched"), ("gopher://x/", "scheme 'gopher'"), ("http:///nohost", "the URL has no host"), ("http://[::1/", "not a valid URL")])
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        check_url(url, allow_private=True)
