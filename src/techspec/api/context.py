"""What every request handler shares: settings, the store, caches, limits, metrics and the
CPU pool that parses, lints and renders text off the event loop.

One :class:`ApiContext` lives on ``app.state.api``; handlers reach it through the
:func:`api_context` dependency.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from techspec.api import jobs
from techspec.api.settings import Settings
from techspec.store.engine import Store

P = ParamSpec("P")
R = TypeVar("R")

if TYPE_CHECKING:
    from techspec.api.analyses import Analyses
    from techspec.api.answers import ReadCache
    from techspec.api.cpu import CpuPool
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
    cpu: CpuPool
    computed: Analyses
    """What was computed from revisions (the API's and the web's), each once."""
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

    async def write(
        self, operation: Callable[Concatenate[Store, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Run a service operation that parses what it stores (create, save) in the CPU
        pool, on the worker's own connection to the same database: a 1 MiB spec takes
        seconds to parse, lint and hash, and the event loop must not wait for that."""
        job: Callable[[], R] = partial(jobs.on_store, self.store.url, operation, *args, **kwargs)
        return await self.cpu.run(job)


async def api_context(request: Request) -> ApiContext:
    found: ApiContext = request.app.state.api
    return found
