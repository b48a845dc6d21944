"""TLS: certificates are always verified, and address pinning keeps SNI and Host on the name."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from privacygap.crawl import netsafety
from privacygap.crawl.fetch import Fetcher
from privacygap.errors import FetchError

from .conftest import LocalServer, local_options

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402


def _certificate(subject: str, issuer_key, issuer_name, key, *, ca: bool, names: list[str]):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          encipher_only=False, decipher_only=False), critical=True)
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    else:
        sans = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n) for n in names]
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[LocalServer, Path, list[str]]]:
    """An HTTPS LocalServer with a certificate for ``secure.test`` from a throw-away CA."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "privacygap test CA")])
    ca_cert = _certificate("privacygap test CA", ca_key, ca_name, ca_key, ca=True, names=[])
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate("secure.test", ca_key, ca_name, leaf_key, ca=False, names=["secure.test"])
    ca_file, cert_file, key_file = tmp_path / "ca.pem", tmp_path / "leaf.pem", tmp_path / "leaf.key"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

    sni_seen: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    context.sni_callback = lambda sock, name, ctx: sni_seen.append(name) and None
    server = LocalServer()
    # Handshake per connection in the handler thread, so a failing client does not stall accept().
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True, do_handshake_on_connect=False)
    server.thread.start()
    try:
        yield server, ca_file, sni_seen
    finally:
        server.stop.set()
        server.httpd.shutdown()
        server.httpd.server_close()


def _https(server: LocalServer, host: str, path: str = "/") -> str:
    return f"https://{host}:{server.port}{path}"


def test_pinned_https_keeps_sni_and_host(tls_server, monkeypatch: pytest.MonkeyPatch) -> None:
    server, ca_file, sni_seen = tls_server
    monkeypatch.setattr(netsafety, "RESOLVER", lambda host, port: ["127.0.0.1"])
    server.html("/", "<html><title>Datenschutz</title></html>")
    with Fetcher(local_options(ca_bundle=str(ca_file))) as fetcher:
        page = fetcher.get(_https(server, "secure.test"))
    assert page.status == 200 and "Datenschutz" in page.text
    assert sni_seen == ["secure.test"]
    assert server.requests[0][1]["Host"] == f"secure.test:{server.port}"


def test_untrusted_certificate_is_an_error(tls_server, monkeypatch: pytest.MonkeyPatch) -> None:
    server, _ca_file, _sni = tls_server
    monkeypatch.setattr(netsafety, "RESOLVER", lambda host, port: ["127.0.0.1"])
    server.html("/", "<html>never served</html>")
    with Fetcher(local_options()) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(_https(server, "secure.test"))
    assert caught.value.problem.startswith("TLS error: ")
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.problem or "certificate verify failed" in caught.value.problem
    assert "always verifies certificates" in (caught.value.hint or "")
    assert server.requests == []


def test_certificate_for_another_name_is_an_error(tls_server) -> None:
    server, ca_file, _sni = tls_server
    with Fetcher(local_options(ca_bundle=str(ca_file))) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(_https(server, "127.0.0.1"))
    assert caught.value.problem.startswith("TLS error: ")
    assert "127.0.0.1" in caught.value.problem or "mismatch" in caught.value.problem.lower()
    assert server.requests == []
