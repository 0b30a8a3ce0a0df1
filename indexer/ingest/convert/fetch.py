"""Fetching one web page or document by URL: public http(s) addresses only, bounded in time, size and redirects,
no JavaScript.

Which addresses may be reached is `addresses.py`: the host is looked up once, and every address it gives is checked
(`is_public_address`) before any connection is made; the connection goes to exactly the address checked
(`pinned.py`). Redirects are followed here, at most `MAX_REDIRECTS`, each new address checked the same way.
`UrlFetcher(allow_private_addresses=True)` (the command line's `add --allow-private-addresses`, for an intranet or
a test's local server) is the only way to fetch a private or loopback address.

`timeout` is a deadline for the whole fetch (connecting, every redirect, reading): every socket operation waits
at most for the time that is left (`pinned.py`), so a server that sends a byte every few seconds is cut off at the
deadline. (Looking a name up is bounded by the system's resolver, and checked against the deadline once it is
done.) Proxy settings (`http_proxy`) are not used: a proxy would look the name up itself, after the check.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol
from urllib.parse import quote, urljoin, urlsplit

from indexer.errors import SourceError
from indexer.ingest.convert.addresses import (
    Address,
    NotPublicAddress,
    check_url,
    checked_addresses,
    is_public_address,
)
from indexer.ingest.convert.pinned import (
    Deadline,
    PinnedHTTPConnection,
    PinnedHTTPSConnection,
    open_connection,
)

__all__ = [
    "CHUNK", "MAX_BYTES", "MAX_REDIRECTS", "TIMEOUT_SECONDS", "Address", "Deadline", "Fetched", "Fetcher",
    "NotPublicAddress", "UrlFetcher", "check_url", "is_public_address", "open_connection",
]

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30.0  # the whole fetch: connecting, every redirect and reading
MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


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
        kind = PinnedHTTPSConnection if https else PinnedHTTPConnection
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
        return checked_addresses(url, host, port, allow_private_addresses=self.allow_private_addresses)

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
