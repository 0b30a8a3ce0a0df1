"""Fetching one web page or document by URL: public http(s) addresses only, bounded in time, size and redirects,
no JavaScript.

A URL typed by someone else must not reach this computer or its network (server-side request forgery), however
it spells the address (`2130706433`, `0x7f000001`, `127.1`, `[::ffff:127.0.0.1]`, `localhost`, a public-looking
name that resolves to a private address). So the host is looked up once (`socket.getaddrinfo`), every address it
gives is checked (`is_public_address`) before any connection is made, and the connection goes to exactly the
address checked: `http.client` is told the host name only for the `Host` header and the certificate check, never
to look it up again. Redirects are followed here, at most `MAX_REDIRECTS`, each new address checked the same way.
`UrlFetcher(allow_private_addresses=True)` (the command line's `add --allow-private-addresses`, for an intranet or
a test's local server) is the only way to fetch a private or loopback address.

`timeout` is a deadline for the whole fetch (connecting, every redirect, reading): every socket operation waits
at most for the time that is left, so a server that sends a byte every few seconds is cut off at the deadline.
(Looking a name up is bounded by the system's resolver, and checked against the deadline once it is done.)
Proxy settings (`http_proxy`) are not used: a proxy would look the name up itself, after the check.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol
from urllib.parse import quote, urljoin, urlsplit

from indexer.errors import SourceError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30.0  # the whole fetch: connecting, every redirect and reading
MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

Address = tuple[int, tuple]  # (socket family, socket address) as getaddrinfo gives them


def _user_agent() -> str:
    try:
        tool_version = version("ketamine-sources")
    except PackageNotFoundError:
        tool_version = "dev"
    return f"ketamine-sources-indexer/{tool_version} (adds one source for citation; fetches no scripts)"


@dataclass(frozen=True)
class Fetched:
    """What a server sent: the address after redirects, the media type and charset it declared, the body."""

    url: str
    final_url: str
    media_type: str
    charset: str
    body: bytes


class Fetcher(Protocol):
    def __call__(self, url: str) -> Fetched: ...


class NotPublicAddress(SourceError):
    """A URL (or a redirect) leads to this computer or a private network, and private addresses are not allowed."""


def check_url(url: str) -> None:
    """Only http and https addresses with a host are fetched."""
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port
    except ValueError as e:
        raise SourceError(f"Cannot fetch {url[:200]!r}: it is not a valid web address ({e}). Check it.") from e
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise SourceError(
            f"Cannot fetch {url[:200]!r}: only http:// and https:// addresses are supported. "
            "For a file on this computer, give its path instead."
        )


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether `ip` is a globally routable unicast address. IPv4 addresses written inside IPv6 ones (mapped,
    compatible, NAT64, 6to4) are judged by the IPv4 address they lead to."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped
        if inner is None and (ip in _IPV4_COMPATIBLE or ip in _NAT64):
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return is_public_address(inner)
        if ip.sixtofour is not None and not is_public_address(ip.sixtofour):
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


@dataclass
class Deadline:
    """The time left for one fetch; `remaining()` raises TimeoutError once it is spent."""

    seconds: float
    end: float = field(init=False)

    def __post_init__(self) -> None:
        self.end = time.monotonic() + self.seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the fetch ran past its deadline")
        return left


@dataclass(frozen=True)
class UrlFetcher:
    """The real fetcher. Tests pass their own callable with the same signature, or this one with
    `allow_private_addresses=True` to fetch from a local server."""

    timeout: float = TIMEOUT_SECONDS  # for the whole fetch
    max_bytes: int = MAX_BYTES
    allow_private_addresses: bool = False

    def __call__(self, url: str) -> Fetched:
        check_url(url)
        deadline = Deadline(self.timeout)
        try:
            return self._follow(url, deadline)
        except SourceError:
            raise
        except TimeoutError as e:
            raise SourceError(
                f"Fetching {url} failed: no answer within {self.timeout:g} s (the whole download must finish in "
                f"that time). {_ADVICE}"
            ) from e
        except (OSError, ValueError, http.client.HTTPException) as e:  # a reset connection, a malformed answer
            raise SourceError(f"Fetching {url} failed: {_reason(e)}. {_ADVICE}") from e

    def _follow(self, url: str, deadline: Deadline) -> Fetched:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                connection, response = self._get(current, deadline)
            except NotPublicAddress as e:
                if current == url:
                    raise
                raise NotPublicAddress(f"Fetching {url} failed: it redirects to {current[:200]}, which is not a "
                                       "public web address; only public http(s) pages can be added.") from e
            try:
                target = _redirect_target(url, current, response)
                if target is None:
                    return self._fetched(url, current, response, deadline)
            finally:
                connection.close()
            current = target
        raise SourceError(
            f"Fetching {url} failed: a redirect (HTTP {response.status}) could not be followed; at most "
            f"{MAX_REDIRECTS} are. Open the address in a browser and give the one it ends at."
        )

    def _get(self, url: str, deadline: Deadline) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        parts = urlsplit(url)
        https = parts.scheme.lower() == "https"
        port = parts.port or (443 if https else 80)
        addresses = self.addresses(url, parts.hostname or "", port)
        kind = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
        connection = kind(parts.hostname or "", port, addresses, deadline)
        try:
            connection.request("GET", _request_target(parts.path, parts.query), headers=_HEADERS)
            return connection, connection.getresponse()
        except BaseException:
            connection.close()
            raise

    def addresses(self, url: str, host: str, port: int) -> list[Address]:
        """The host's addresses, looked up once; NotPublicAddress when any of them is not a public one (unless
        private addresses are allowed)."""
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        addresses = list(dict.fromkeys((family, sockaddr) for family, _, _, _, sockaddr in found))
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "no address")
        if not self.allow_private_addresses and not all(_public(sockaddr) for _, sockaddr in addresses):
            raise NotPublicAddress(_not_public(url))
        return addresses

    def _fetched(self, url: str, final_url: str, response: http.client.HTTPResponse, deadline: Deadline) -> Fetched:
        if not 200 <= response.status < 300:
            hint = "Check the address" if 400 <= response.status < 500 else "Try again later"
            raise SourceError(
                f"Fetching {url} failed: the server answered HTTP {response.status} {response.reason}. {hint}, or "
                "save the page from your browser and add the file."
            )
        if _declared_length(response) > self.max_bytes:
            raise _too_large(url, self.max_bytes)
        body = self._read(response, url, deadline)
        headers = response.headers
        return Fetched(url=url, final_url=final_url, media_type=headers.get_content_type(),
                       charset=headers.get_content_charset() or "", body=body)

    def _read(self, response: http.client.HTTPResponse, url: str, deadline: Deadline) -> bytes:
        chunks, size = [], 0
        while True:
            deadline.remaining()
            chunk = response.read(CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise _too_large(url, self.max_bytes)
            chunks.append(chunk)


def open_connection(addresses: list[Address], deadline: Deadline) -> socket.socket:
    """A TCP connection to the first of `addresses` (already checked) that answers, within the deadline. The only
    place a socket is opened."""
    error: OSError | None = None
    for family, sockaddr in addresses:
        sock = _DeadlineSocket(family, socket.SOCK_STREAM)
        sock.deadline = deadline
        try:
            sock.settimeout(deadline.remaining())
            sock.connect(sockaddr)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except TimeoutError:
            sock.close()
            raise
        except OSError as e:
            sock.close()
            error = e
    raise error or OSError("no address to connect to")


class _DeadlineMixin:
    """A socket whose every read and write waits at most for the time left of its fetch."""

    deadline: Deadline | None = None

    def _arm(self) -> None:
        if self.deadline is not None:
            self.settimeout(self.deadline.remaining())  # type: ignore[attr-defined]

    def recv(self, *args, **kwargs):
        self._arm()
        return super().recv(*args, **kwargs)  # type: ignore[misc]

    def recv_into(self, *args, **kwargs):
        self._arm()
        return super().recv_into(*args, **kwargs)  # type: ignore[misc]

    def send(self, *args, **kwargs):
        self._arm()
        return super().send(*args, **kwargs)  # type: ignore[misc]

    def sendall(self, *args, **kwargs):
        self._arm()
        return super().sendall(*args, **kwargs)  # type: ignore[misc]


class _DeadlineSocket(_DeadlineMixin, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineMixin, ssl.SSLSocket):
    def do_handshake(self, *args, **kwargs):
        self._arm()
        return super().do_handshake(*args, **kwargs)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """http.client's connection to `host`, made to the checked `addresses` instead of a second lookup."""

    def __init__(self, host: str, port: int, addresses: list[Address], deadline: Deadline) -> None:
        super().__init__(host, port, timeout=deadline.remaining())
        self.addresses = addresses
        self.deadline = deadline

    def connect(self) -> None:
        self.sock = open_connection(self.addresses, self.deadline)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS; the certificate is checked against the host name in the URL."""

    def __init__(self, host: str, port: int, addresses: list[Address], deadline: Deadline) -> None:
        super().__init__(host, port, timeout=deadline.remaining(), context=_tls_context())
        self.addresses = addresses
        self.deadline = deadline

    def connect(self) -> None:
        raw = open_connection(self.addresses, self.deadline)
        try:
            sock = self._context.wrap_socket(raw, server_hostname=self.host, do_handshake_on_connect=False)
        except BaseException:
            raw.close()
            raise
        sock.deadline = self.deadline
        self.sock = sock
        sock.do_handshake()


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.sslsocket_class = _DeadlineSSLSocket
    return context


def _public(sockaddr: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
    except ValueError:
        return False
    return is_public_address(ip)


def _redirect_target(url: str, current: str, response: http.client.HTTPResponse) -> str | None:
    """The address a redirect leads to (checked to be http or https), or None for an answer that is no redirect."""
    location = response.getheader("Location")
    if response.status not in _REDIRECTS or not location:
        return None
    target = urljoin(current, location.strip())
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        raise SourceError(
            f"Fetching {url} failed: it redirects to {target[:200]}, which is not an http:// or https:// address. "
            "Download the document in a browser and add the file."
        )
    try:
        check_url(target)
    except SourceError as e:
        raise SourceError(
            f"Fetching {url} failed: it redirects to {target[:200]!r}, which is not a valid web address. Open the "
            "address in a browser and give the one it ends at."
        ) from e
    return target


def _request_target(path: str, query: str) -> str:
    """The path and query to send, with anything outside ASCII percent-encoded."""
    target = quote(path or "/", safe=_PATH_SAFE)
    return target + ("?" + quote(query, safe=_PATH_SAFE + "?") if query else "")


def _declared_length(response: http.client.HTTPResponse) -> int:
    try:
        return int(response.getheader("Content-Length") or 0)
    except ValueError:
        return 0


_ACCEPT = (
    "text/html, application/xhtml+xml, application/pdf, "
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document, text/plain, text/markdown;q=0.9, "
    "*/*;q=0.1"
)
_HEADERS = {"User-Agent": _user_agent(), "Accept": _ACCEPT, "Connection": "close"}
_ADVICE = "Check the address and your connection, or save the page from your browser and add the file."


def _not_public(url: str) -> str:
    return f"{url[:200]} is not a public web address; only public http(s) pages can be added."


def _too_large(url: str, limit: int) -> SourceError:
    return SourceError(
        f"Fetching {url} stopped: it is larger than {limit // (1024 * 1024)} MB. Download it and add a smaller "
        "file or a text version."
    )


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "the host name could not be found"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, TimeoutError):
        return "no answer in time"
    if isinstance(reason, ssl.SSLError):
        return f"a secure connection could not be made ({reason.reason or reason})"
    text = getattr(reason, "strerror", None) or str(reason)
    return " ".join(str(text).split())[:120]
