"""The webhook delivery worker: a thread beside the server that never delays a request.

Each round it copies new audit events into the outbox, leases the oldest due row of each
idle receiver and hands each to a pool of :data:`PARALLEL` threads, which POST its JSON
with ``X-Techspec-Signature: sha256=<HMAC-SHA256 of the body>`` (keyed by the
receiver's secret), ``X-Techspec-Event`` and ``X-Techspec-Delivery`` (the outbox id, for
deduplication).  A receiver gets one delivery at a time from this process, in order;
different receivers get theirs at once, so a slow one delays no other.  Each POST ends
by ``webhook_timeout_seconds`` whatever the receiver does (:mod:`techspec.api.outbound`).
A 2xx answer delivers; anything else is retried with exponential backoff until
``webhook_max_attempts``.  A write in this process, or a finished delivery, wakes the
worker at once; otherwise it polls every ``webhook_poll_seconds``.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from techspec import __version__
from techspec.api.background import Background
from techspec.api.context import ApiContext
from techspec.api.outbound import Sender, Undelivered
from techspec.proofs import ProofError
from techspec.proofs.keys import KeyRing
from techspec.service import transparency
from techspec.store import webhook_outbox
from techspec.store.clock import now
from techspec.store.webhook_outbox import Outcome, Pending
from techspec.store.webhooks import signature

log = logging.getLogger("techspec.webhooks")

PARALLEL = 8
"""Deliveries one process makes at once, each to a different receiver."""
LEASE_MARGIN_S = 30.0
"""How long a lease outlasts the delivery deadline: time to start the POST and record it.
Another process takes the row over only after the lease, so the POST is long over."""


class Worker(Background):
    def __init__(self, api: ApiContext, *, parallel: int = PARALLEL) -> None:
        super().__init__("webhooks", poll_seconds=api.settings.webhook_poll_seconds, wake=api.wake)
        self.api = api
        self.parallel = parallel
        settings = api.settings
        self.sender = Sender(
            deadline_s=settings.webhook_timeout_seconds,
            allow_private=settings.webhook_allow_private,
            user_agent=f"techspec-webhooks/{__version__}",
        )
        self.lease_seconds = settings.webhook_timeout_seconds + LEASE_MARGIN_S
        self._pool = ThreadPoolExecutor(parallel, thread_name_prefix="techspec-webhook")
        self._busy: set[int] = set()
        """Receivers with a delivery in flight from this process."""
        self._lock = threading.Lock()
        self._ring: KeyRing | None = None
        self._warned = False

    def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming; deliveries in flight finish (each by its deadline)."""
        super().stop(timeout)
        self._pool.shutdown(wait=True)

    def round(self) -> int:
        """Fan out new events and start a delivery for each idle receiver with one due,
        as far as the pool has room; returns deliveries started."""
        store = self.api.store
        self._checkpoint()
        webhook_outbox.fan_out(store, self.api.settings.base_url)
        started = 0
        while not self.stopping:
            with self._lock:
                busy = set(self._busy)
            room = self.parallel - len(busy)
            if room <= 0:
                break
            due = webhook_outbox.claim(
                store, lease_seconds=self.lease_seconds, limit=room, skip=busy
            )
            if not due:
                break
            for item in due:
                with self._lock:
                    self._busy.add(item.webhook_id)
                self._pool.submit(self._attempt, item)
            started += len(due)
        return started

    def _checkpoint(self) -> None:
        """Sign a checkpoint of the transparency log when it grew and a receiver listens
        for checkpoints: its audit event is the ``checkpoint`` webhook that lets another
        system witness the log."""
        if not webhook_outbox.subscribed(self.api.store, "checkpoint"):
            return
        if self._ring is None:
            try:
                self._ring = transparency.keyring(self.api.store)
            except ProofError as error:
                if not self._warned:
                    log.warning("no checkpoints are signed: %s", error)
                    self._warned = True
                return
        transparency.publish(self.api.store, self._ring)

    def _attempt(self, item: Pending) -> None:
        try:
            self.deliver(item)
        except Exception as error:  # the lease runs out and another round retries
            log.error("webhook delivery %s failed: %s", item.id, type(error).__name__)
        finally:
            with self._lock:
                self._busy.discard(item.webhook_id)
            self.api.wake.set()  # the receiver is free for its next delivery

    def deliver(self, item: Pending) -> Outcome | None:
        """POST one leased row and record the attempt; None if its lease was too near
        its end to start (the row is left for a later round)."""
        settings = self.api.settings
        if (item.lease_until - now()).total_seconds() < self.sender.deadline_s + 1:
            log.warning("webhook delivery %s not started: its lease is ending", item.id)
            return None
        body = item.payload.encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "X-Techspec-Event": item.event,
            "X-Techspec-Delivery": str(item.id),
            "X-Techspec-Signature": signature(item.secret, body),
        }
        started = time.perf_counter()
        status: int | None = None
        error = ""
        try:
            status = self.sender.post(item.url, body, headers).status
        except Undelivered as failure:
            error = str(failure)
        duration = int((time.perf_counter() - started) * 1000)
        if status is not None and not 200 <= status < 300:
            error = f"answered {status}"
        outcome = webhook_outbox.record(
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
        return outcome
