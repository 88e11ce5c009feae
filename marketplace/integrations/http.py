"""Outgoing HTTP of the integrations: one shared httpx.AsyncClient per process (per event
loop: the dramatiq AsyncIO middleware runs one loop per worker process), explicit timeouts,
no redirects, and an address guard against server-side request forgery.

The guard resolves the host, refuses the call when ANY resolved address is private,
loopback, link-local, multicast, reserved or unspecified (unless the endpoint's
`allow_private` flag was set by a platform operator, or the address is in the operator's
`integrations_private_networks`), and then connects to the checked address itself (Host
header and TLS SNI keep the name), so a second DNS answer cannot swap in an internal
address between check and connect. Webhook registration runs the same check
(`resolve_checked`), so what would be refused at send time is refused when it is entered.

Hosts are read strictly before any resolver sees them: IPv4 written in the legacy forms
that resolvers still accept (`2130706433`, `0x7f.1`, `127.1`, `0177.0.0.1`) is refused
outright, `localhost` names are loopback whatever the resolver says, and a trailing dot
is dropped.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import weakref
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from capool.config import get_settings

TIMEOUT = httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=3.0)
LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=10)
USER_AGENT = "capool-integrations/1"

# Keyed by the loop object itself (weakly): an id() could be reused by a later loop.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = weakref.WeakKeyDictionary()


MAX_RESPONSE_BYTES = 5 * 1024 * 1024  # partner answers are read into memory: cap them


class ResponseTooLarge(Exception):
    """The partner's answer is larger than MAX_RESPONSE_BYTES."""


class AddressRefused(Exception):
    """The URL resolves to an address that this endpoint may not reach."""


class UnresolvedHost(AddressRefused):
    """The host has no address (now): nothing to connect to, nothing known to be internal."""


def shared_client() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS, follow_redirects=False, headers={"User-Agent": USER_AGENT}, trust_env=False)
        _clients[loop] = client
    return client


async def close_shared_client() -> None:
    client = _clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
                or ip in ipaddress.ip_network("100.64.0.0/10"))


# Dotted forms of 1 to 4 parts, each decimal, octal or hex: what inet_aton (and so most
# resolvers) reads as an IPv4 address. Only the canonical four-decimal form is accepted.
_LEGACY_IPV4 = re.compile(r"(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}", re.IGNORECASE)
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*", re.IGNORECASE)
_LOOPBACK = ["127.0.0.1", "::1"]
# Shown instead of the refused address: which internal address a name points at is itself
# something a tenant should not learn.
NOT_ALLOWED = "address not allowed"


def check_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise AddressRefused(f"not a valid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise AddressRefused(f"only http(s) URLs with a host are allowed: {url!r}")
    if parsed.userinfo:
        raise AddressRefused("credentials in the URL are not allowed")
    return parsed


def _ip_literal(host: str) -> str | None:
    """The address when `host` is an IP literal; refuses IPv4 in non-canonical forms."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(host):
        raise AddressRefused(f"{NOT_ALLOWED}: write an IPv4 address as four decimal numbers, not {host!r}")
    return None


async def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the one resolver of the guard; tests replace it)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnresolvedHost(f"cannot resolve {host}") from exc
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


def _operator_allows(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in get_settings().integrations_private_networks)


async def resolve_checked(url: str, allow_private: bool) -> tuple[httpx.URL, str]:
    """The URL and the one address to connect to; AddressRefused when not allowed."""
    parsed = check_url(url)
    # The ASCII (IDNA) form is what resolvers see; a final dot names the same host
    # ("localhost." is localhost).
    host = parsed.raw_host.decode("ascii").lower().removesuffix(".")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    literal = _ip_literal(host)
    if literal is not None:
        addresses = [literal]
    elif not _HOST_NAME.fullmatch(host):
        raise AddressRefused(f"not a valid host name: {parsed.host!r}")
    elif host == "localhost" or host.endswith(".localhost"):
        addresses = _LOOPBACK  # RFC 6761: always loopback, whatever a resolver answers
    else:
        addresses = await resolve(host, port)
    if not addresses:
        raise UnresolvedHost(f"{host} has no address")
    if not allow_private and any(not is_public(a) and not _operator_allows(a) for a in addresses):
        raise AddressRefused(f"{NOT_ALLOWED}: {host} is or resolves to a private, loopback or link-local address")
    return parsed, addresses[0]


async def guarded_request(method: str, url: str, *, allow_private: bool, headers: dict[str, str] | None = None,
                          content: bytes | None = None, json: Any = None) -> httpx.Response:
    parsed, address = await resolve_checked(url, allow_private)
    host_header = parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
    ip_host = f"[{address}]" if ":" in address else address
    netloc = ip_host if parsed.port is None else f"{ip_host}:{parsed.port}"
    split = urlsplit(str(parsed))
    pinned = urlunsplit((split.scheme, netloc, split.path, split.query, ""))
    request_headers = {"Host": host_header, **(headers or {})}
    extensions = {"sni_hostname": parsed.host} if parsed.scheme == "https" else {}
    client = shared_client()
    request = client.build_request(method, pinned, headers=request_headers, content=content, json=json, extensions=extensions)
    response = await client.send(request, stream=True)
    try:
        body = bytearray()
        async for chunk in response.aiter_bytes():  # decoded: the cap holds after decompression
            body += chunk
            if len(body) > MAX_RESPONSE_BYTES:
                raise ResponseTooLarge(f"the answer from {parsed.host} exceeds {MAX_RESPONSE_BYTES} bytes")
    finally:
        await response.aclose()
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
    return httpx.Response(response.status_code, headers=headers, content=bytes(body), request=request)
