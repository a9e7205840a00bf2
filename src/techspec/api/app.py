"""The application factory: ``create_app(settings)`` builds one FastAPI app over one store.

Middleware, outermost first: the observer (request id, access log, metrics, last-resort
500), then the body limit.  Errors of every kind become problem+json in
:mod:`techspec.api.errors`.  The webhook worker runs beside the app for its lifetime.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from techspec import __version__
from techspec.api import errors
from techspec.api.auth import TokenCache
from techspec.api.context import ApiContext
from techspec.api.limits import BodyLimit, RateLimiter
from techspec.api.metrics import Metrics
from techspec.api.middleware import Observer
from techspec.api.representations import AnalysisCache
from techspec.api.routes import routers
from techspec.api.settings import Settings
from techspec.store.engine import Store, open_store
from techspec.web import mount as mount_web

DESCRIPTION = """Specs, their revisions, workflow, approvals, lint and audit over HTTP.

Authenticate with `Authorization: Bearer TOKEN` (`techspec token create USER`).
Every error is `application/problem+json` (RFC 9457).  Writes to a spec need
`If-Match` with the ETag you read."""


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """A ready app.  The store is opened from ``settings.database_url`` unless given."""
    settings = settings or Settings.from_env()
    opened = store or open_store(settings.database_url)
    metrics = Metrics(opened)
    api = ApiContext(
        settings=settings,
        store=opened,
        tokens=TokenCache(settings.auth_cache_seconds),
        limiter=RateLimiter(settings.rate_per_second, settings.rate_burst),
        metrics=metrics,
        analyses=AnalysisCache(on_findings=metrics.count_findings),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from techspec.api.webhooks import Worker

        worker = Worker(api) if settings.webhooks else None
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            if store is None:
                opened.close()

    app = FastAPI(
        title="techspec",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.api = api
    errors.install(app)
    for router in routers():
        app.include_router(router)
    mount_web(app, settings)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(Observer, metrics=metrics)
    return app


def app_from_env() -> FastAPI:
    """The factory uvicorn's workers call (``techspec serve`` puts settings in the env)."""
    from techspec.api import logging as api_logging

    settings = Settings.from_env()
    api_logging.configure(settings.log_level)
    return create_app(settings)
