"""The start-up check of the single sign-on settings, so that a mistake stops the server
with one clear line instead of failing at someone's first sign-in.

An issuer must be ``https://``: the ID token's keys, the token exchange and the client
secret travel over it.  ``http://`` is accepted only for a loopback address (a provider
started by the tests or on the same machine), where nothing crosses a network.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from techspec.errors import ConfigError
from techspec.service.identity import parse_role_map

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``."""
    name = host.strip("[]").casefold()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_oidc(issuer: str, client_id: str, role_map: str, password_login: bool) -> None:
    """Raise :class:`ConfigError` naming the setting that is wrong."""
    if not issuer:
        if not password_login:
            raise ConfigError(
                "TECHSPEC_PASSWORD_LOGIN=off needs TECHSPEC_OIDC_ISSUER: otherwise nobody "
                "could sign in to the web UI"
            )
        return
    parts = urlsplit(issuer)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(
            f"TECHSPEC_OIDC_ISSUER: {issuer!r} is not a URL like https://id.example.com/realms/x"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"TECHSPEC_OIDC_ISSUER: {issuer!r} may not have a query or fragment")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(
            f"TECHSPEC_OIDC_ISSUER: {issuer!r} must use https:// (http:// is accepted only "
            "for a provider on this machine's loopback address)"
        )
    if not client_id:
        raise ConfigError("TECHSPEC_OIDC_ISSUER is set but TECHSPEC_OIDC_CLIENT_ID is empty")
    parse_role_map(role_map)
