"""``X-Forwarded-Proto``, ``-Host`` and ``-For``, believed only from a trusted proxy.

A reverse proxy tells the server what the browser asked for: the scheme (``https``), the
host name and the client's address.  Anyone else could send the same headers, to pass
the CSRF origin check with a host of their choosing or to log someone else's address.
:class:`ForwardedHeaders` is the one place that reads them: from a peer in
``TECHSPEC_TRUSTED_PROXIES`` it applies them to the request (scheme, ``Host`` header,
client address), so every later reader (``request.url``, ``request.client``, the CSRF
check, the access log) sees what the browser used; from any other peer it removes them,
so nothing later can read them by mistake.  uvicorn's own handling of these headers is
off (``techspec serve`` runs it with ``proxy_headers=False``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from techspec.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host")
SCHEMES = {"http": ("http", "ws"), "https": ("https", "wss")}
"""A forwarded scheme -> the scope's scheme for HTTP and for a websocket."""


class TrustedProxies:
    """The addresses and networks of ``TECHSPEC_TRUSTED_PROXIES``."""

    def __init__(self, networks: Iterable[Network] = ()) -> None:
        self.networks = tuple(networks)

    @classmethod
    def parse(cls, text: str) -> TrustedProxies:
        """``"10.0.0.5, 10.1.0.0/16, ::1"``; a ConfigError names a part that is neither."""
        found = []
        for part in (piece.strip() for piece in text.split(",")):
            if not part:
                continue
            try:
                found.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ConfigError(
                    f"TECHSPEC_TRUSTED_PROXIES: {part!r} is not an IP address or network"
                ) from None
        return cls(found)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, host: str | None) -> bool:
        if not self.networks or not host:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)


class ForwardedHeaders:
    """Apply the forwarded headers of a trusted proxy; drop everyone else's."""

    def __init__(self, app: ASGIApp, proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
            if any(name in FORWARDED for name, _ in headers):
                scope = self.applied(scope)
        await self.app(scope, receive, send)

    def applied(self, scope: Scope) -> Scope:
        """``scope`` as the proxy says the browser sent it, without the headers."""
        forwarded: dict[bytes, str] = {}
        kept = []
        for name, value in scope.get("headers", []):
            if name in FORWARDED:
                forwarded.setdefault(name, value.decode("latin-1"))
            else:
                kept.append((name, value))
        scope = {**scope, "headers": kept}
        client = scope.get("client")
        if not self.proxies.trusts(client[0] if client else None):
            return scope
        scheme = forwarded.get(b"x-forwarded-proto", "").split(",")[0].strip().casefold()
        if scheme in SCHEMES:
            scope["scheme"] = SCHEMES[scheme][scope["type"] == "websocket"]
        host = forwarded.get(b"x-forwarded-host", "").split(",")[0].strip()
        if _is_host(host):
            scope["headers"] = [(n, v) for n, v in kept if n != b"host"]
            scope["headers"].append((b"host", host.encode("latin-1")))
        address = self._client(forwarded.get(b"x-forwarded-for", ""))
        if address:
            scope["client"] = (address, 0)
        return scope

    def _client(self, header: str) -> str | None:
        """The nearest address that is not one of our proxies (the rightmost untrusted
        one: whatever is left of it the client itself may have written)."""
        hops = [hop.strip() for hop in header.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.proxies.trusts(hop):
                return hop if _is_address(hop) else None
        return hops[0] if hops and _is_address(hops[0]) else None


def _is_host(value: str) -> bool:
    """A host name or address with an optional port: printable ASCII, no spaces or
    slashes, at most 255 characters."""
    return (
        0 < len(value) <= 255
        and value.isascii()
        and value.isprintable()
        and not any(c in value for c in " /\\@")
    )


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
