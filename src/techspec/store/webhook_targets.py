"""Where a webhook may point: an http(s) URL whose host is a public address.

A webhook makes the server send requests on an admin's behalf.  Pointed at loopback, a
private network or a cloud metadata address, it would reach services that trust the
server's network position, and its delivery log would tell which ports answer.  So such
targets are refused unless the admin allows them (``TECHSPEC_WEBHOOK_ALLOW_PRIVATE=1``).

Two checks share :func:`refusal`: :func:`check_target` looks at the URL alone (no DNS), so
the application layer can refuse a literal private address when a webhook is added; the
delivery worker checks every address a host name resolves to, at delivery time, and
connects only to an address it checked, so a name that later resolves elsewhere (DNS
rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, unquote, urlsplit

from techspec.errors import UsageError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
ALLOW_SETTING = "TECHSPEC_WEBHOOK_ALLOW_PRIVATE=1"
PATH_SAFE = "/%:@!$&'()*+,;=-._~"
"""Characters a request target keeps as they are; anything else is percent-encoded."""


class TargetRefused(UsageError):
    """A webhook URL that is not http(s), or whose host is not a public address.

    ``reason`` is the short wording the delivery log uses (``refused: loopback address``).
    """

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Target:
    """The parts of a webhook URL a request needs."""

    scheme: str
    host: str
    """The host name (IDNA-encoded) or IP address, without brackets."""
    port: int
    path: str
    """Path and query, as sent on the request line."""
    username: str | None
    password: str | None

    @property
    def authority(self) -> str:
        """The ``Host`` header: brackets around IPv6, the port unless it is the default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def parse_target(url: str) -> Target:
    """Split an http(s) URL into a :class:`Target`, or raise :class:`TargetRefused`."""
    invalid = TargetRefused(
        f"invalid webhook URL {url!r}: expected http:// or https:// and a host", "invalid URL"
    )
    if any(c.isspace() or not c.isprintable() for c in url):
        raise invalid
    try:
        parts = urlsplit(url)
        port = parts.port
        host = (parts.hostname or "").rstrip(".")
        encoded = host if literal_address(host) else host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise invalid from None
    if parts.scheme.casefold() not in ("http", "https") or not encoded:
        raise invalid
    scheme = parts.scheme.casefold()
    return Target(
        scheme,
        encoded,
        port or (443 if scheme == "https" else 80),
        _request_path(parts),
        None if parts.username is None else unquote(parts.username),
        None if parts.password is None else unquote(parts.password),
    )


def check_target(url: str, *, allow_private: bool) -> None:
    """Refuse ``url`` unless it is http(s) and its host, if written as an address, is a
    public one (any address when ``allow_private``).

    Pure: no DNS.  A host *name* passes here and is checked when each delivery resolves
    it.  Raises :class:`TargetRefused` (a :class:`~techspec.errors.UsageError`: exit 2,
    HTTP 400) with the admin's own URL in the message.
    """
    target = parse_target(url)
    address = literal_address(target.host)
    kind = None if address is None or allow_private else refusal(address)
    if kind is not None:
        raise TargetRefused(
            f"webhook URL {url!r} refused: {kind} address ({ALLOW_SETTING} allows it)",
            f"refused: {kind} address",
        )


def literal_address(host: str) -> Address | None:
    """The address a host written as one stands for, in any spelling the resolver
    accepts (``127.1``, ``2130706433`` and ``0x7f.0.0.1`` are all 127.0.0.1)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def refusal(address: Address) -> str | None:
    """Why ``address`` is no public target (``loopback``, ``private``...), or None.

    An IPv6 address that carries an IPv4 one (IPv4-mapped, 6to4, NAT64) is judged by
    the IPv4 address it leads to.
    """
    inner = _embedded_ipv4(address)
    if inner is not None:
        return refusal(inner)
    for kind, applies in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if applies:
            return kind
    return None if address.is_global else "private"


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _request_path(parts: SplitResult) -> str:
    path = quote(parts.path or "/", safe=PATH_SAFE)
    query = quote(parts.query, safe=PATH_SAFE + "?")
    return f"{path}?{query}" if query else path
