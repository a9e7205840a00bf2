"""Identity providers for the single sign-on tests.

* :func:`real_provider`: ``oidc-provider-mock`` (PyPI), a maintained OpenID provider built
  on Authlib, on loopback, with client registration required (so a wrong client secret
  is refused as a real provider refuses it) and nonces required.  People's claims are
  set with ``PUT /users/{sub}``; its sign-in page asks only for the ``sub``.
* :class:`Attacker`: a tiny provider of our own that serves discovery, JWKS and a token
  endpoint whose ID tokens are wrong on purpose (signed with another key, expired,
  for another nonce or audience, without groups).  It is the attacker, so it is allowed
  to be hand-written; its keys are made with joserfc.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import uvicorn
import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import RSAKey
from oidc_provider_mock import app as oidc_app
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

ROLE_MAP = "eng-leads=Technical Lead,techspec-admins=admin,techspec-authors=author"


@dataclass
class Provider:
    issuer: str
    client_id: str
    client_secret: str

    def set_person(self, sub: str, **claims: object) -> None:
        answer = httpx.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5)
        assert answer.status_code == 204, answer.text

    def settings(self, **extra: str) -> dict[str, str]:
        return {
            "TECHSPEC_OIDC_ISSUER": self.issuer,
            "TECHSPEC_OIDC_CLIENT_ID": self.client_id,
            "TECHSPEC_OIDC_CLIENT_SECRET": self.client_secret,
            "TECHSPEC_OIDC_ROLE_MAP": ROLE_MAP,
            "TECHSPEC_OIDC_PROVIDER_NAME": "Example ID",
            **extra,
        }


@contextmanager
def real_provider(redirect_uri: str) -> Iterator[Provider]:
    """The mock provider on a free loopback port, with techspec registered as a client."""
    app = oidc_app(require_client_registration=True, require_nonce=True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        issuer = f"http://127.0.0.1:{server.server_port}"
        answer = httpx.post(
            f"{issuer}/oauth2/clients",
            json={
                "redirect_uris": [redirect_uri],
                "token_endpoint_auth_method": "client_secret_basic",
            },
            timeout=5,
        )
        assert answer.status_code == 201, answer.text
        client = answer.json()
        yield Provider(issuer, client["client_id"], client["client_secret"])
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


# -- the attacker ------------------------------------------------------------------------


@dataclass
class Attacker:
    """A provider whose ID token is spoiled as :attr:`mode` says."""

    port: int
    mode: str = "good"
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    other: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    nonces: dict[str, str] = field(default_factory=dict)
    client_id: str = "techspec"
    client_secret: str = "s3cret"

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, **extra: Any) -> dict[str, Any]:
        return {
            "oidc_issuer": self.issuer,
            "oidc_client_id": self.client_id,
            "oidc_client_secret": self.client_secret,
            "oidc_role_map": ROLE_MAP,
            **extra,
        }

    def app(self) -> Starlette:
        async def discovery(_: Request) -> Response:
            base = self.issuer
            return JSONResponse(
                {
                    "issuer": base,
                    "authorization_endpoint": f"{base}/authorize",
                    "token_endpoint": f"{base}/token",
                    "jwks_uri": f"{base}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                }
            )

        async def jwks(_: Request) -> Response:
            return JSONResponse({"keys": [self.key.as_dict(private=False)]})

        async def authorize(request: Request) -> Response:
            code = secrets.token_urlsafe(16)
            self.nonces[code] = request.query_params.get("nonce", "")
            query = urlencode({"code": code, "state": request.query_params.get("state", "")})
            return RedirectResponse(f"{request.query_params['redirect_uri']}?{query}", 302)

        async def token(request: Request) -> Response:
            form = await request.form()
            if self.mode == "bad-secret":
                return JSONResponse(
                    {
                        "error": "invalid_client",
                        "error_description": "client authentication failed",
                    },
                    401,
                )
            nonce = self.nonces.pop(str(form.get("code")), "")
            return JSONResponse(
                {"access_token": "at", "token_type": "Bearer", "id_token": self.id_token(nonce)}
            )

        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", discovery),
                Route("/jwks", jwks),
                Route("/authorize", authorize),
                Route("/token", token, methods=["POST"]),
            ]
        )

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": "mallory-sub",
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "preferred_username": "mallory",
            "groups": ["techspec-admins"],
        }
        key = self.key
        if self.mode == "wrong-key":
            key = self.other
        elif self.mode == "expired":
            claims.update(iat=now - 7200, exp=now - 3600)
        elif self.mode == "wrong-nonce":
            claims["nonce"] = "not-the-one-we-sent"
        elif self.mode == "wrong-audience":
            claims["aud"] = "another-app"
        elif self.mode == "no-groups":
            del claims["groups"]
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


@contextmanager
def attacker_running(port: int) -> Iterator[Attacker]:
    attacker = Attacker(port)
    config = uvicorn.Config(attacker.app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the attacker's provider did not start"
        time.sleep(0.02)
    try:
        yield attacker
    finally:
        server.should_exit = True
        thread.join(5)


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
