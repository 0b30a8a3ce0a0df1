"""Fetching is for public web pages only: every spelling of this computer's or a private network's address is
refused before a connection is made, redirects are checked the same way, the connection goes to the address
that was checked, and the whole fetch has a deadline."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from indexer.errors import SourceError
from indexer.ingest.convert import UrlFetcher, convert_input, convert_public_url, pinned
from indexer.ingest.convert.fetch import is_public_address
from tests.conftest import Route

PUBLIC_IP = "93.184.215.14"  # a globally routable address; nothing connects to it (open_connection is redirected)
NOT_PUBLIC = r"is not a public web address; only public http\(s\) pages can be added\."

SPELLINGS = [
    "http://127.0.0.1:{port}/article",
    "http://2130706433:{port}/article",  # decimal
    "http://0x7f000001:{port}/article",  # hexadecimal
    "http://0177.0.0.1:{port}/article",  # octal
    "http://127.1:{port}/article",  # short
    "http://0.0.0.0:{port}/article",
    "http://0:{port}/article",
    "http://[::1]:{port}/article",
    "http://[::]:{port}/article",
    "http://[::ffff:127.0.0.1]:{port}/article",
    "http://[::ffff:7f00:1]:{port}/article",
    "http://localhost:{port}/article",
    "http://LocalHost:{port}/article",
    "https://127.0.0.1:{port}/article",
]


def port_of(site) -> int:
    return int(site.base.rsplit(":", 1)[1])


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("entry", ["fetcher", "convert_input", "convert_public_url"])
def test_every_spelling_of_this_computer_is_refused_without_a_connection(site, spelling, entry):
    url = spelling.format(port=port_of(site))
    call = {"fetcher": UrlFetcher(), "convert_input": convert_input, "convert_public_url": convert_public_url}[entry]
    with pytest.raises(SourceError, match=NOT_PUBLIC) as error:
        call(url)
    assert "\n" not in str(error.value)
    assert site.requests == []


def test_the_refusal_does_not_say_whether_anything_listens(site):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    messages = []
    for port in (port_of(site), closed):
        with pytest.raises(SourceError) as error:
            convert_public_url(f"http://127.0.0.1:{port}/admin")
        messages.append(str(error.value).replace(str(port), "PORT"))
    assert messages[0] == messages[1]
    assert "refused" not in messages[0] and "answer" not in messages[0]


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.1", "198.18.0.1", "::1", "::",
     "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "2002:7f00:1::1",
     "2002:a00:1::1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2001:db8::1", "2001::1"],
)
def test_addresses_that_are_not_public(address):
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8",
                                     "2002:808:808::1", "64:ff9b::808:808"])
def test_public_addresses(address):
    assert is_public_address(ipaddress.ip_address(address))


# -- names: a public-looking name stands in for a web site; connections go to the local test server -----------


@pytest.fixture
def names(monkeypatch) -> dict[str, list[str]]:
    """Host names resolved as the test says (every other name as usual)."""
    table: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
                     (ip, port) if ":" not in ip else (ip, port, 0, 0)) for ip in table[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


@pytest.fixture
def connections(monkeypatch, site) -> list[list]:
    """Every connection is made to the local test server instead; the addresses asked for are recorded."""
    asked: list[list] = []
    real = pinned.open_connection

    def to_site(addresses, deadline):
        asked.append(list(addresses))
        return real([(socket.AF_INET, ("127.0.0.1", port_of(site)))], deadline)

    monkeypatch.setattr(pinned, "open_connection", to_site)
    return asked


def test_a_public_name_is_fetched_from_the_address_that_was_checked(site, names, connections):
    names["public.example"] = [PUBLIC_IP]
    fetched = UrlFetcher()("http://public.example/article")
    assert fetched.body == site.routes["/article"].body
    assert connections == [[(socket.AF_INET, (PUBLIC_IP, 80))]]
    assert site.requests[-1]["Host"] == "public.example"


def test_a_name_that_resolves_to_a_private_address_is_refused(site, names, connections):
    names["intranet.example"] = ["10.0.0.5"]
    names["mixed.example"] = [PUBLIC_IP, "127.0.0.1"]
    for url in ("http://intranet.example/article", "https://mixed.example/article"):
        with pytest.raises(SourceError, match=NOT_PUBLIC):
            convert_public_url(url)
    assert connections == [] and site.requests == []


@pytest.mark.parametrize("target", ["{base}/article", "http://intranet.example/article", "http://[::1]/article",
                                    "http://2130706433:{port}/article"])
def test_a_redirect_to_a_private_address_is_refused(site, names, connections, target):
    names["public.example"] = [PUBLIC_IP]
    names["intranet.example"] = ["192.168.0.10"]
    site.routes["/to-private"] = Route(status=302, location=target.format(base=site.base, port=port_of(site)))
    with pytest.raises(SourceError, match=r"it redirects to .*, which is not a public web address") as error:
        convert_public_url("http://public.example/to-private")
    assert "\n" not in str(error.value)
    assert len(site.requests) == 1 and len(connections) == 1


def test_a_redirect_to_another_public_name_is_followed(site, names, connections):
    names["public.example"] = [PUBLIC_IP]
    names["www.public.example"] = ["2606:4700::1111"]
    site.routes["/moved"] = Route(status=301, location="http://www.public.example/article")
    fetched = UrlFetcher()("http://public.example/moved")
    assert fetched.final_url == "http://www.public.example/article"
    assert connections[1] == [(socket.AF_INET6, ("2606:4700::1111", 80, 0, 0))]
    assert site.requests[-1]["Host"] == "www.public.example"


def test_private_addresses_are_fetched_only_when_allowed(site):
    assert UrlFetcher(allow_private_addresses=True)(site.url("/article")).body == site.routes["/article"].body
    with pytest.raises(SourceError, match=NOT_PUBLIC):
        UrlFetcher()(site.url("/article"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.pdf", "gopher://127.0.0.1:70/",
                                 "http://", "http://[::1/"])
def test_only_http_addresses_with_a_host(url):
    with pytest.raises(SourceError, match=r"only http:// and https://|not a valid web address"):
        UrlFetcher()(url)


# -- https: the certificate is checked against the name in the URL, on the pinned connection ---------------------


@pytest.fixture
def tls_site(tmp_path: Path, monkeypatch) -> Iterator[int]:
    """An https server on 127.0.0.1 with a certificate for public.example, trusted by the fetcher."""
    pytest.importorskip("cryptography")
    cert, key = _self_signed("public.example")
    (tmp_path / "cert.pem").write_bytes(cert)
    (tmp_path / "key.pem").write_bytes(key)
    real = pinned._tls_context

    def trusting() -> ssl.SSLContext:
        context = real()
        context.load_verify_locations(cadata=cert.decode("ascii"))
        return context

    monkeypatch.setattr(pinned, "_tls_context", trusting)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = b"secure text"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_https_is_verified_against_the_name_on_the_pinned_address(tls_site, names, monkeypatch):
    names["public.example"] = names["other.example"] = [PUBLIC_IP]
    real = pinned.open_connection
    monkeypatch.setattr(pinned, "open_connection",
                        lambda addresses, deadline: real([(socket.AF_INET, ("127.0.0.1", tls_site))], deadline))
    assert UrlFetcher()("https://public.example/notes").body == b"secure text"
    with pytest.raises(SourceError, match=r"a secure connection could not be made"):
        UrlFetcher()("https://other.example/notes")


def _self_signed(host: str) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


# -- the deadline: a server that sends a byte now and then is cut off when the time is up ------------------------


@pytest.fixture
def drip() -> Iterator[str]:
    """A server on 127.0.0.1 that sends one byte every 0.1 s: of its headers (/slow-headers) or of its body."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)

    def handle(connection: socket.socket) -> None:
        with connection:
            request = connection.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
            slow = head if b" /slow-headers " in request else b""
            try:
                connection.sendall(head[len(slow):] if not slow else b"")
                for byte in slow + b"x" * 100000:
                    if stop.wait(0.1):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                return

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=handle, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.mark.parametrize("path", ["/slow-body", "/slow-headers"])
def test_a_slow_drip_is_cut_off_at_the_deadline(drip, path):
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"no answer within 1 s \(the whole download") as error:
        UrlFetcher(timeout=1.0, allow_private_addresses=True)(drip + path)
    assert 0.9 < time.monotonic() - started < 2.0
    assert "\n" not in str(error.value)
