"""Fetching one web page or document by URL: http(s) only, bounded in time, size and redirects, no JavaScript."""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from indexer.errors import SourceError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0
MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


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


def check_url(url: str) -> None:
    """Only http and https addresses with a host are fetched."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SourceError(
            f"Cannot fetch {url!r}: only http:// and https:// addresses are supported. "
            "For a file on this computer, give its path instead."
        )


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # urllib's signature
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass(frozen=True)
class UrlFetcher:
    """The real fetcher (urllib). Tests pass their own callable with the same signature."""

    timeout: float = TIMEOUT_SECONDS
    max_bytes: int = MAX_BYTES

    def __call__(self, url: str) -> Fetched:
        check_url(url)
        opener = urllib.request.build_opener(_Redirects())
        request = urllib.request.Request(url, headers={"User-Agent": _user_agent(), "Accept": _ACCEPT})
        deadline = time.monotonic() + self.timeout
        try:
            with opener.open(request, timeout=self.timeout) as response:
                headers: Message = response.headers
                declared = int(headers.get("Content-Length") or 0)
                if declared > self.max_bytes:
                    raise _too_large(url, self.max_bytes)
                body = self._read(response, url, deadline)
                return Fetched(
                    url=url,
                    final_url=response.geturl(),
                    media_type=headers.get_content_type(),
                    charset=headers.get_content_charset() or "",
                    body=body,
                )
        except SourceError:
            raise
        except urllib.error.HTTPError as e:
            target = urljoin(url, e.headers.get("Location", "")) if e.headers else ""
            if 300 <= e.code < 400 and target and urlsplit(target).scheme not in ("http", "https"):
                raise SourceError(
                    f"Fetching {url} failed: it redirects to {target}, which is not an http:// or https:// address. "
                    "Download the document in a browser and add the file."
                ) from e
            if 300 <= e.code < 400:
                raise SourceError(
                    f"Fetching {url} failed: a redirect (HTTP {e.code}) could not be followed; at most "
                    f"{MAX_REDIRECTS} are. Open the address in a browser and give the one it ends at."
                ) from e
            hint = "Check the address" if 400 <= e.code < 500 else "Try again later"
            raise SourceError(
                f"Fetching {url} failed: the server answered HTTP {e.code} {e.reason}. {hint}, or save the page "
                "from your browser and add the file."
            ) from e
        except urllib.error.URLError as e:
            raise SourceError(f"Fetching {url} failed: {_reason(e.reason)}. {_ADVICE}") from e
        except TimeoutError as e:
            raise SourceError(f"Fetching {url} failed: no answer within {self.timeout:g} s. {_ADVICE}") from e
        except (OSError, ValueError, http.client.HTTPException) as e:  # a reset connection, a malformed answer
            raise SourceError(f"Fetching {url} failed: {_reason(e)}. {_ADVICE}") from e

    def _read(self, response, url: str, deadline: float) -> bytes:
        chunks, size = [], 0
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise _too_large(url, self.max_bytes)
            if time.monotonic() > deadline:
                raise TimeoutError
            chunks.append(chunk)
        return b"".join(chunks)


_ACCEPT = (
    "text/html, application/xhtml+xml, application/pdf, "
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document, text/plain, text/markdown;q=0.9, "
    "*/*;q=0.1"
)
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
