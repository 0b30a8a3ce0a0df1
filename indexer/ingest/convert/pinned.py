"""Pinned connections for one fetch: made to exactly the addresses that were checked, every socket operation
bounded by the time left of the fetch's `Deadline`.

`http.client` is told the host name only for the `Host` header and the certificate check, never to look it up
again; `open_connection` is the only place a socket is opened.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass, field

from indexer.ingest.convert.addresses import Address


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


class PinnedHTTPConnection(http.client.HTTPConnection):
    """http.client's connection to `host`, made to the checked `addresses` instead of a second lookup."""

    def __init__(self, host: str, port: int, addresses: list[Address], deadline: Deadline) -> None:
        super().__init__(host, port, timeout=deadline.remaining())
        self.addresses = addresses
        self.deadline = deadline

    def connect(self) -> None:
        self.sock = open_connection(self.addresses, self.deadline)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
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
