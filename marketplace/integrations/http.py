"""Outgoing HTTP of the integrations: one shared httpx.AsyncClient per process (per event
loop: the dramatiq AsyncIO middleware runs one loop per worker process), explicit timeouts,
no redirects, and an address guard against server-side request forgery.

The guard resolves the host, refuses the call when ANY resolved address is private,
loopback, link-local, multicast, reserved or unspecified (unless the endpoint's
`allow_private` flag was set by a platform operator), and then connects to the checked
address itself (Host header and TLS SNI keep the name), so a second DNS answer cannot
swap in an internal address between check and connect.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import weakref
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

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


def check_url(url: str) -> httpx.URL:
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise AddressRefused(f"only http(s) URLs with a host are allowed: {url!r}")
    if parsed.userinfo:
        raise AddressRefused("credentials in the URL are not allowed")
    return parsed


async def resolve_checked(url: str, allow_private: bool) -> tuple[httpx.URL, str]:
    """The URL and the one address to connect to; AddressRefused when not allowed."""
    parsed = check_url(url)
    host = parsed.host
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise AddressRefused(f"cannot resolve {host}: {exc}") from exc
    addresses = sorted({str(info[4][0]).split("%", 1)[0] for info in infos})
    if not addresses:
        raise AddressRefused(f"{host} has no address")
    if not allow_private:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise AddressRefused(f"{host} resolves to a private, loopback or link-local address ({', '.join(refused)})")
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
