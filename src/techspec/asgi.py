"""The application factory: ``create_app(settings)`` builds one FastAPI app over one store.

Layers, outermost first: the forwarded headers of a trusted proxy, the observer
(request id, access log, metrics, last-resort 500), OPTIONS and HEAD for every route,
the body limit and the read cache, then FastAPI's own stack.  Errors of every kind
become problem+json in :mod:`techspec.api.errors`.  The webhook and mail workers run
beside the app for its lifetime, and so do the CPU pool's worker processes
(:mod:`techspec.api.cpu`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from starlette.types import ASGIApp

from techspec import __version__
from techspec.api import errors
from techspec.api.analyses import Analyses
from techspec.api.auth import TokenCache
from techspec.api.context import ApiContext
from techspec.api.cpu import CpuPool
from techspec.api.limits import BodyLimit, RateLimiter
from techspec.api.methods import Methods
from techspec.api.metrics import Metrics
from techspec.api.middleware import Observer
from techspec.api.proxies import ForwardedHeaders, TrustedProxies
from techspec.api.read_cache import CachedReads, ReadCache
from techspec.api.representations import AnalysisCache
from techspec.api.routes import routers
from techspec.api.settings import MIB, Settings
from techspec.api.tokens import how
from techspec.store.engine import Store, open_store
from techspec.web import mount as mount_web

DESCRIPTION = """Specs, their revisions, workflow, approvals, lint and audit over HTTP.

Authenticate with `Authorization: Bearer TOKEN` (`techspec token create USER`).
Every error is `application/problem+json` (RFC 9457).  Writes to a spec need
`If-Match` with the ETag you read."""


PRELOAD = (
    "techspec.api.jobs",
    "techspec.api.representations",
    "techspec.web.specview",
    "techspec.web.checks",
)
"""What the CPU pool's workers run, imported once by the fork server that starts them."""


class Application(FastAPI):
    """FastAPI with techspec's own layers around its whole stack.

    Starlette puts added middleware inside its error and exception layers; these go
    outside them, so the observer logs and counts every request, whichever layer answered
    it, and a cached spec read is answered before seven layers of framework run.
    """

    layers: tuple[Callable[[ASGIApp], ASGIApp], ...] = ()
    """Outermost first."""

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for layer in reversed(self.layers):
            app = layer(app)
        return app


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """A ready app.  The store is opened from ``settings.database_url`` unless given."""
    settings = settings or Settings.from_env()
    opened = store or open_store(settings.database_url)
    metrics = Metrics(opened)
    cpu = CpuPool(settings.cpu_workers, settings.cpu_queue, preload=PRELOAD)
    computed = Analyses(cpu, settings.analysis_cache_mib * MIB)
    api = ApiContext(
        settings=settings,
        store=opened,
        tokens=TokenCache(settings.auth_cache_seconds, hint=how(settings.database_url)),
        limiter=RateLimiter(settings.rate_per_second, settings.rate_burst),
        metrics=metrics,
        analyses=AnalysisCache(computed, on_findings=metrics.count_findings),
        responses=ReadCache(settings.read_cache_size),
        cpu=cpu,
        computed=computed,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from techspec.api.mail_worker import MailWorker
        from techspec.api.webhooks import Worker

        worker = Worker(api) if settings.webhooks else None
        mailer = MailWorker(api) if settings.mail else None
        for started in (worker, mailer):
            if started is not None:
                started.start()
        try:
            yield
        finally:
            for running in (mailer, worker):
                if running is not None:
                    running.stop()
            cpu.close()
            if store is None:
                opened.close()

    app = Application(
        title="techspec",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # our own /api/v1/docs (api.routes.docs): no CDN, a strict CSP
        redoc_url=None,
        lifespan=lifespan,
        # Observability is Prometheus and JSON logs (api.metrics, api.logging); FastAPI's
        # own OpenTelemetry bridge would only add a check of the global providers to
        # every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.api = api
    errors.install(app)
    for router in routers():
        app.include_router(router)
    mount_web(app, settings)
    app.layers = (
        partial(ForwardedHeaders, proxies=TrustedProxies.parse(settings.trusted_proxies)),
        partial(Observer, metrics=metrics),
        partial(Methods, routes=app.router.routes),
        partial(BodyLimit, limit=settings.max_body_bytes),
        partial(CachedReads, api=api),
    )
    return app


def app_from_env() -> FastAPI:
    """The factory uvicorn's workers call (``techspec serve`` puts settings in the env)."""
    from techspec.api import logging as api_logging

    settings = Settings.from_env()
    api_logging.configure(settings.log_level)
    return create_app(settings)
