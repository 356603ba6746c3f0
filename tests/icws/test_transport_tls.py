"""TLS on both transports: a private CA given as ca_bundle is trusted, an unknown one is refused."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from botagent.icws import GeventTransport, HttpxTransport, Transport
from botagent.wire import IcwsTransportError


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
    signer: ec.EllipticCurvePrivateKey,
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
    )
    if issuer is None:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False
        )
    return builder.sign(signer, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("botagent test CA", ca_key, None, ca_key)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _certificate("127.0.0.1", server_key, ca, ca_key)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_ca = _certificate("some other CA", other_key, None, other_key)
    paths = {name: directory / f"{name}.pem" for name in ("ca", "other_ca", "chain", "key")}
    paths["ca"].write_bytes(_pem(ca))
    paths["other_ca"].write_bytes(_pem(other_ca))
    paths["chain"].write_bytes(_pem(server) + _pem(ca))
    paths["key"].write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")


@pytest.fixture(scope="module")
def tls_url(pki: dict[str, Path]) -> Iterator[str]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki["chain"], pki["key"])
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def _transport(kind: str, **options: object) -> Transport:
    return HttpxTransport(**options) if kind == "httpx" else GeventTransport(**options)  # type: ignore[arg-type]


KINDS = ["httpx", "gevent"]


@pytest.mark.parametrize("kind", KINDS)
def test_tls_when_ca_bundle_holds_the_server_ca_succeeds(
    kind: str, tls_url: str, pki: dict[str, Path]
) -> None:
    transport = _transport(kind, ca_bundle=pki["ca"])
    try:
        assert transport.request("GET", f"{tls_url}/x", {}, None, 5.0).body == b"hello"
    finally:
        transport.close()


@pytest.mark.parametrize("kind", KINDS)
def test_tls_when_ca_is_unknown_raises_transport_error(kind: str, tls_url: str, pki: dict[str, Path]) -> None:
    transport = _transport(kind, ca_bundle=pki["other_ca"])
    try:
        with pytest.raises(IcwsTransportError, match="(?i)certificate"):
            transport.request("GET", f"{tls_url}/x", {}, None, 5.0)
    finally:
        transport.close()


@pytest.mark.parametrize("kind", KINDS)
def test_tls_when_verify_is_off_accepts_unknown_ca(kind: str, tls_url: str) -> None:
    transport = _transport(kind, verify=False)
    try:
        assert transport.request("GET", f"{tls_url}/x", {}, None, 5.0).status == 200
    finally:
        transport.close()
