"""The base URL of an alternate host named by a CIC server (``alternateHostList``).

A server that cannot take the connection request answers 503 with ``alternateHostList`` (seed
reference 1.1), and a connection response lists the pair's other server the same way. The entries are
host names (the official switchover-status page calls ``primaryHost`` "the host name of the current
primary server"); how a client should turn one into a URL is not on any official page read, so an
entry is taken as it is written:

- ``https://cic2:8019`` (a URL) is used as it is;
- ``cic2:8020`` (a host and port) keeps the scheme and any path prefix of the base URL;
- ``cic2`` (a host name) keeps the scheme, port and any path prefix of the base URL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = ["alternate_url", "next_alternate"]


def alternate_url(base_url: str, host: str) -> str | None:
    """The base URL that reaches ``host`` as ``base_url`` reaches its server; None for an empty entry."""
    host = host.strip().rstrip("/")
    if not host:
        return None
    if "://" in host:
        return host
    base = urlsplit(base_url)
    if host.count(":") > 1 and not host.startswith("["):
        host = f"[{host}]"  # a bare IPv6 address
    bracket_end = host.rfind("]")
    has_port = ":" in host[bracket_end + 1 :]
    netloc = host if has_port or base.port is None else f"{host}:{base.port}"
    return urlunsplit((base.scheme, netloc, base.path, "", "")).rstrip("/")


def next_alternate(base_url: str, hosts: Iterable[str], tried: Collection[str]) -> str | None:
    """The first of ``hosts`` (as a base URL like ``base_url``) not in ``tried``; None when none is left."""
    for host in hosts:
        url = alternate_url(base_url, host)
        if url is not None and url not in tried:
            return url
    return None
