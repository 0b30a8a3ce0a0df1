"""Which addresses a fetch may reach: http(s) URLs with a host (`check_url`), and of a host looked up once, only
public addresses (`checked_addresses`, `is_public_address`).

A URL typed by someone else must not reach this computer or its network (server-side request forgery), however
it spells the address (`2130706433`, `0x7f000001`, `127.1`, `[::ffff:127.0.0.1]`, `localhost`, a public-looking
name that resolves to a private address). So the host is looked up once (`socket.getaddrinfo`), and every address
it gives is checked (`is_public_address`) before any connection is made; the connection then goes to exactly the
addresses checked (`pinned.py`).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from indexer.errors import SourceError

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

Address = tuple[int, tuple]  # (socket family, socket address) as getaddrinfo gives them


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


def checked_addresses(url: str, host: str, port: int, *, allow_private_addresses: bool = False) -> list[Address]:
    """The host's addresses, looked up once; NotPublicAddress when any of them is not a public one (unless
    private addresses are allowed)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses = list(dict.fromkeys((family, sockaddr) for family, _, _, _, sockaddr in found))
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, "no address")
    if not allow_private_addresses and not all(_public(sockaddr) for _, sockaddr in addresses):
        raise NotPublicAddress(_not_public(url))
    return addresses


def _public(sockaddr: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
    except ValueError:
        return False
    return is_public_address(ip)


def _not_public(url: str) -> str:
    return f"{url[:200]} is not a public web address; only public http(s) pages can be added."
