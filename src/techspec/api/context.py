"""What every request handler shares: settings, the store, caches, limits and metrics.

One :class:`ApiContext` lives on ``app.state.api``; handlers reach it through the
:func:`api_context` dependency.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from techspec.api.settings import Settings
from techspec.store.engine import Store

P = ParamSpec("P")
R = TypeVar("R")

if TYPE_CHECKING:
    from techspec.api.answers import ReadCache
    from techspec.api.limits import RateLimiter
    from techspec.api.metrics import Metrics
    from techspec.api.representations import AnalysisCache
    from techspec.api.tokens import TokenCache


@dataclass
class ApiContext:
    settings: Settings
    store: Store
    tokens: TokenCache
    limiter: RateLimiter
    metrics: Metrics
    analyses: AnalysisCache
    responses: ReadCache
    wake: threading.Event = field(default_factory=threading.Event)
    """Set after a write, so the webhook worker looks for new events at once."""

    async def read(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a short read of the store.  On SQLite it runs right here on the event loop:
        an indexed read of a local file takes well under a millisecond, less than handing
        it to a worker thread and back.  On PostgreSQL it goes to the thread pool, since a
        network round trip must never stop the event loop."""
        if self.store.dialect == "sqlite":
            return function(*args, **kwargs)
        return await run_in_threadpool(function, *args, **kwargs)


async def api_context(request: Request) -> ApiContext:
    found: ApiContext = request.app.state.api
    return found
