"""The webhook delivery worker: a thread beside the server that never delays a request.

Each round it copies new audit events into the outbox, leases the rows that are due and
POSTs each one's JSON with ``X-Techspec-Signature: sha256=<HMAC-SHA256 of the body>``
(keyed by the receiver's secret), ``X-Techspec-Event`` and ``X-Techspec-Delivery`` (the
outbox id, for deduplication).  A 2xx answer delivers; anything else is retried with
exponential backoff until ``webhook_max_attempts``.  A write in this process wakes the
worker at once; otherwise it polls every ``webhook_poll_seconds``.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx

from techspec import __version__
from techspec.api.context import ApiContext
from techspec.store import webhooks
from techspec.store.webhooks import Pending

log = logging.getLogger("techspec.webhooks")


class Worker:
    def __init__(self, api: ApiContext) -> None:
        self.api = api
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="techspec-webhooks", daemon=True)
        settings = api.settings
        self._client = httpx.Client(
            timeout=settings.webhook_timeout_seconds,
            follow_redirects=False,
            headers={"User-Agent": f"techspec-webhooks/{__version__}"},
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.api.wake.set()
        self._thread.join(timeout)
        self._client.close()

    def _run(self) -> None:
        settings = self.api.settings
        while not self._stop.is_set():
            try:
                self.round()
            except Exception as error:  # keep the worker alive; the next round retries
                log.error("webhook round failed: %s", type(error).__name__, exc_info=error)
            self.api.wake.wait(settings.webhook_poll_seconds)
            self.api.wake.clear()

    def round(self) -> int:
        """Fan out new events and attempt every due delivery; returns attempts made."""
        settings = self.api.settings
        store = self.api.store
        webhooks.fan_out(store, settings.base_url)
        lease = settings.webhook_timeout_seconds * 2 + 5
        attempts = 0
        while not self._stop.is_set():
            due = webhooks.claim(store, lease_seconds=lease)
            if not due:
                break
            for item in due:
                self.deliver(item)
                attempts += 1
        return attempts

    def deliver(self, item: Pending) -> None:
        settings = self.api.settings
        body = item.payload.encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "X-Techspec-Event": item.event,
            "X-Techspec-Delivery": str(item.id),
            "X-Techspec-Signature": webhooks.signature(item.secret, body),
        }
        started = time.perf_counter()
        status: int | None = None
        error = ""
        try:
            status = self._client.post(item.url, content=body, headers=headers).status_code
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"
        duration = int((time.perf_counter() - started) * 1000)
        if status is not None and not 200 <= status < 300:
            error = f"HTTP {status}"
        outcome = webhooks.record(
            self.api.store,
            item,
            status_code=status,
            error=error,
            duration_ms=duration,
            max_attempts=settings.webhook_max_attempts,
            backoff_seconds=settings.webhook_backoff_seconds,
        )
        self.api.metrics.webhook_deliveries.labels(outcome).inc()
        log.info(
            "webhook %s %s to webhook %s: %s",
            item.event,
            item.id,
            item.webhook_id,
            outcome if not error else f"{outcome} ({error})",
        )
