"""OpenID Connect sign-in, built on Authlib: the authorization code flow with PKCE,
discovery from the issuer, ID-token validation, nonce and state, and RP-initiated
logout.

:class:`SingleSignOn` lives on ``app.state.sso`` (None when no provider is configured).
The flow's secrets (``state``, ``nonce``, the PKCE ``code_verifier`` and where to go
afterwards) travel in a short-lived cookie of their own, signed like the session cookie
but with another salt, ``HttpOnly``, ``SameSite=Lax`` (the provider's redirect back is a
top-level GET, which Lax lets through) and limited to ``/login/oidc``.  It is cleared by
the callback, so a callback URL works once.

Authlib is imported only when a provider is configured (a server without one, and the CPU
pool's workers, do not load it). Authlib does the protocol: discovery (cached after the
first success, retried after a failure), the authorization URL with its PKCE challenge and
nonce, the code exchange, and the ID token's checks (signature against the provider's
JWKS, ``iss``, ``aud``, ``exp``/``iat`` with two minutes' leeway, ``nonce``). techspec
adds what Authlib leaves to the application: comparing the returned ``state`` with the
cookie's, checking that the discovery document names the configured issuer, and turning
every failure into a :class:`SignInFailed` with a clear message and status (and one log
line) instead of a 500.
"""

from __future__ import annotations

import contextlib
import hmac
import importlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode, urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from techspec.api.settings import Settings
from techspec.errors import TechspecError
from techspec.service.identity import Directory, parse_role_map

log = logging.getLogger("techspec.web.oidc")
FLOW_COOKIE = "techspec_oidc"
FLOW_PATH = "/login/oidc"
FLOW_SECONDS = 600
"""How long a person may spend at the provider before the sign-in must start again."""
CALLBACK = "/login/oidc/callback"


class SignInFailed(TechspecError):
    """A single sign-on that did not complete; the message says why and what to do."""

    def __init__(self, message: str, status: int = 400) -> None:
        self.http_status = status
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Flow:
    state: str
    nonce: str
    verifier: str
    next: str


class SingleSignOn:
    """One configured provider (``TECHSPEC_OIDC_*``)."""

    def __init__(self, settings: Settings, key: str) -> None:
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.client_id = settings.oidc_client_id
        self.scopes = " ".join(settings.oidc_scopes.split()) or "openid"
        role_map = parse_role_map(settings.oidc_role_map)
        self.directory = Directory(
            self.issuer, settings.oidc_roles_claim or "groups", role_map or None
        )
        self.name = settings.oidc_provider_name.strip() or (
            urlsplit(self.issuer).hostname or "your identity provider"
        )
        self.public_url = settings.public_url.rstrip("/")
        from authlib.integrations.starlette_client import OAuth  # only when configured

        oauth = OAuth()
        self.client: Any = oauth.register(
            name="techspec",
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret or None,
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": self.scopes, "code_challenge_method": "S256", "timeout": 10},
        )
        self._flows = URLSafeTimedSerializer(key, salt="techspec.web.oidc-flow")

    # ------------------------------------------------------------------ the flow cookie

    def remember(self, response: Response, flow: Flow, *, secure: bool) -> None:
        value = self._flows.dumps([flow.state, flow.nonce, flow.verifier, flow.next])
        response.set_cookie(
            FLOW_COOKIE,
            value,
            max_age=FLOW_SECONDS,
            path=FLOW_PATH,
            httponly=True,
            samesite="lax",
            secure=secure,
        )

    def forget(self, response: Response, *, secure: bool) -> None:
        response.delete_cookie(
            FLOW_COOKIE, path=FLOW_PATH, httponly=True, samesite="lax", secure=secure
        )

    def recall(self, request: Request) -> Flow:
        raw = request.cookies.get(FLOW_COOKIE)
        if not raw:
            raise _refused(
                "no sign-in is in progress in this browser (the link was used already, "
                "or more than 10 minutes passed): start again from the sign-in page",
                400,
            )
        try:
            data = self._flows.loads(raw, max_age=FLOW_SECONDS)
        except BadSignature:
            raise _refused(
                "the sign-in took too long or its cookie was altered: start again", 400
            ) from None
        if not (
            isinstance(data, list) and len(data) == 4 and all(isinstance(v, str) for v in data)
        ):
            raise _refused("the sign-in cookie is malformed: start again", 400)
        return Flow(*data)

    # ------------------------------------------------------------------ the protocol

    def redirect_uri(self, request: Request) -> str:
        base = self.public_url or str(request.base_url).rstrip("/")
        return base + CALLBACK

    async def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (Authlib caches it after one success)."""
        try:
            found: dict[str, Any] = await self.client.load_server_metadata()
        except status_errors() as error:
            raise _refused(
                f"the identity provider's discovery document at {self.issuer}/.well-known/"
                f"openid-configuration answered {_status_of(error)}: check "
                "TECHSPEC_OIDC_ISSUER",
                502,
            ) from None
        except http_errors() as error:
            raise _refused(
                f"cannot reach the identity provider at {self.issuer} "
                f"({type(error).__name__}): try again later, or ask an admin to check it",
                502,
            ) from None
        except ValueError:
            raise _refused(
                f"the identity provider at {self.issuer} sent a discovery document that is "
                "not JSON: check TECHSPEC_OIDC_ISSUER",
                502,
            ) from None
        named = str(found.get("issuer", "")).rstrip("/")
        if named != self.issuer:
            self.client.server_metadata.clear()
            raise _refused(
                f"the provider's discovery document names the issuer {named!r}, not "
                f"{self.issuer!r}: set TECHSPEC_OIDC_ISSUER to the provider's exact issuer",
                502,
            )
        return found

    async def start(self, request: Request, next_url: str) -> tuple[str, Flow]:
        """The provider's authorization URL and the flow to remember."""
        await self.metadata()
        made = await self.client.create_authorization_url(self.redirect_uri(request))
        flow = Flow(made["state"], made["nonce"], made["code_verifier"], next_url)
        return str(made["url"]), flow

    async def finish(self, request: Request, flow: Flow) -> dict[str, Any]:
        """The validated claims of the callback's ID token (and userinfo)."""
        from authlib.common.errors import AuthlibBaseError
        from joserfc.errors import ExpiredTokenError, JoseError

        query = request.query_params
        error = query.get("error")
        if error:
            described = query.get("error_description") or ""
            raise _refused(
                f"the identity provider refused the sign-in: {error}"
                + (f" ({described[:300]})" if described else ""),
                403 if error == "access_denied" else 502,
            )
        state = query.get("state") or ""
        if not hmac.compare_digest(state.encode("utf-8"), flow.state.encode("utf-8")):
            raise _refused(
                "the sign-in's state does not match the one this browser started with "
                "(a forged or replayed link): start again from the sign-in page",
                400,
            )
        code = query.get("code")
        if not code:
            raise _refused("the identity provider sent no authorization code", 400)
        metadata = await self.metadata()
        try:
            token = await self.client.fetch_access_token(
                redirect_uri=self.redirect_uri(request), code=code, code_verifier=flow.verifier
            )
        except AuthlibBaseError as failure:
            hint = (
                ": check TECHSPEC_OIDC_CLIENT_ID and TECHSPEC_OIDC_CLIENT_SECRET"
                if failure.error in ("invalid_client", "unauthorized_client")
                else ""
            )
            raise _refused(
                f"the identity provider refused the code exchange: {failure.error}"
                + (f" ({failure.description})" if failure.description else "")
                + hint,
                502,
            ) from None
        except http_errors() as failure:
            raise _refused(
                f"cannot reach the identity provider's token endpoint ({type(failure).__name__})",
                502,
            ) from None
        if "id_token" not in token:
            raise _refused(
                "the identity provider sent no ID token: is 'openid' in TECHSPEC_OIDC_SCOPES?",
                502,
            )
        try:
            claims = dict(await self.client.parse_id_token(token, nonce=flow.nonce))
        except ExpiredTokenError:
            raise _refused("the identity provider's ID token has expired", 401) from None
        except (JoseError, AuthlibBaseError) as failure:
            raise _refused(
                f"the identity provider's ID token was refused: {_jose_reason(failure)}", 401
            ) from None
        except http_errors() as failure:
            raise _refused(
                f"cannot fetch the identity provider's signing keys ({type(failure).__name__})",
                502,
            ) from None
        roles_claim = self.directory.roles_claim
        if roles_claim not in claims and metadata.get("userinfo_endpoint"):
            claims = await self._with_userinfo(claims, token)
        return claims

    async def _with_userinfo(self, claims: dict[str, Any], token: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims plus the userinfo endpoint's (many providers send groups
        only there); a userinfo answer for another subject is ignored."""
        from authlib.common.errors import AuthlibBaseError

        try:
            extra = dict(await self.client.userinfo(token=token))
        except (*http_errors(), AuthlibBaseError, ValueError) as failure:
            log.warning("oidc userinfo not read: %s", type(failure).__name__)
            return claims
        if extra.get("sub") != claims.get("sub"):
            log.warning("oidc userinfo names another subject: ignored")
            return claims
        return {**extra, **claims}

    async def logout_url(self, request: Request) -> str | None:
        """Where to send a browser to end its session at the provider too (RP-initiated
        logout), or None when the provider has no ``end_session_endpoint`` or cannot be
        reached (techspec's own session is ended either way)."""
        try:
            metadata = await self.metadata()
        except SignInFailed:
            return None
        endpoint = metadata.get("end_session_endpoint")
        if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
            return None
        base = self.public_url or str(request.base_url).rstrip("/")
        query = urlencode(
            {"client_id": self.client_id, "post_logout_redirect_uri": base + "/login"}
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


@lru_cache(maxsize=4)
def _client_errors(name: str) -> tuple[type[Exception], ...]:
    """``httpx.<name>``, and ``httpx2.<name>`` too: Authlib uses httpx2 when it is
    installed and httpx otherwise, and either may raise (imported on first use)."""
    import httpx

    found: list[type[Exception]] = [getattr(httpx, name)]
    with contextlib.suppress(ImportError, AttributeError):
        found.append(getattr(importlib.import_module("httpx2"), name))
    return tuple(found)


def _status_of(error: Exception) -> str:
    response = getattr(error, "response", None)
    return str(getattr(response, "status_code", "an error"))


def http_errors() -> tuple[type[Exception], ...]:
    return _client_errors("HTTPError")


def status_errors() -> tuple[type[Exception], ...]:
    return _client_errors("HTTPStatusError")


def _refused(message: str, status: int) -> SignInFailed:
    log.warning("oidc sign-in refused (%s): %s", status, message)
    return SignInFailed(message, status)


def _jose_reason(failure: Exception) -> str:
    """What was wrong with the token, in the library's words (no token content)."""
    error = getattr(failure, "error", "") or type(failure).__name__
    description = getattr(failure, "description", "") or ""
    return f"{error}" + (f" ({description})" if description else "")


def single_sign_on(settings: Settings, key: str) -> SingleSignOn | None:
    return SingleSignOn(settings, key) if settings.oidc_issuer else None
