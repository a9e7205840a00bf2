"""What every request handler shares: settings, the store, caches, limits and metrics.

One :class:`ApiContext` lives on ``app.state.api``; handlers reach it through the
:func:`api_context` dependency.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import Request

from techspec.api.settings import Settings
from techspec.store.engine import Store

if TYPE_CHECKING:
    from techspec.api.auth import TokenCache
    from techspec.api.limits import RateLimiter
    from techspec.api.metrics import Metrics
    from techspec.api.representations import AnalysisCache


@dataclass
class ApiContext:
    settings: Settings
    store: Store
    tokens: TokenCache
    limiter: RateLimiter
    metrics: Metrics
    analyses: AnalysisCache
    wake: threading.Event = field(default_factory=threading.Event)
    """Set after a write, so the webhook worker looks for new events at once."""


def api_context(request: Request) -> ApiContext:
    found: ApiContext = request.app.state.api
    return found
