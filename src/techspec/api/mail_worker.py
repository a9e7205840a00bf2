"""The mail worker: a thread beside the server that sends the mail outbox, reminds
reviewers and queues daily digests, so that no request ever waits for a mail.

Each round it first (at most once a minute) reminds reviewers of reviews requested
``review_reminder_days`` ago and still owed, and queues the digests that are due, then
leases due mails (one sender per mail across server processes) and hands each to the
transport: an SMTP server (``TECHSPEC_SMTP_URL``) or, without one, the mail log file
(``TECHSPEC_MAIL_LOG``).  A refused mail is retried with exponential backoff until
``mail_max_attempts``.  The clock is injectable, so tests move time instead of waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from techspec.api.background import Background
from techspec.api.context import ApiContext
from techspec.api.mail import compose
from techspec.api.smtp import Transport, Unsent, transport
from techspec.store import mail_outbox, review_asks
from techspec.store.clock import now
from techspec.store.mail_outbox import Outcome, Pending

HOUSEKEEPING_EVERY = timedelta(minutes=1)
LEASE_MARGIN_S = 30.0
BATCH = 20


class MailWorker(Background):
    def __init__(
        self,
        api: ApiContext,
        *,
        via: Transport | None = None,
        clock: Callable[[], datetime] = now,
    ) -> None:
        settings = api.settings
        super().__init__("mail", poll_seconds=settings.mail_poll_seconds, wake=threading.Event())
        self.api = api
        self.transport = via or transport(
            settings.smtp_url, settings.mail_log, settings.mail_timeout_seconds
        )
        self.clock = clock
        self.lease_seconds = settings.mail_timeout_seconds * 4 + LEASE_MARGIN_S
        """An SMTP exchange is a few steps, each within the timeout."""
        self._housekept_at: datetime | None = None

    def round(self) -> int:
        """Housekeeping when due, then every due mail; returns mails attempted."""
        self.housekeeping()
        attempted = 0
        while not self.stopping:
            due = mail_outbox.claim(
                self.api.store, lease_seconds=self.lease_seconds, limit=BATCH, at=self.clock()
            )
            if not due:
                break
            for pending in due:
                self.send(pending)
                attempted += 1
        return attempted

    def housekeeping(self, *, force: bool = False) -> None:
        """Reminders and digests, at most once per :data:`HOUSEKEEPING_EVERY`."""
        at = self.clock()
        last = self._housekept_at
        if not force and last is not None and at - last < HOUSEKEEPING_EVERY:
            return
        self._housekept_at = at
        days = self.api.settings.review_reminder_days
        if days > 0:
            review_asks.remind(self.api.store, at=at, older_than=timedelta(days=days))
        mail_outbox.queue_digests(self.api.store, at=at)

    def send(self, pending: Pending) -> Outcome | None:
        """Compose and hand over one leased mail, and record the attempt; None when it
        has nobody to go to any more (dropped)."""
        settings = self.api.settings
        letter = mail_outbox.letter(self.api.store, pending)
        if letter is None or not letter.items:
            mail_outbox.drop(self.api.store, pending, "no address, no mail wanted, or no items")
            return None
        message = compose(letter, sender=settings.mail_from, base_url=settings.base_url)
        error = ""
        try:
            self.transport.send(message)
        except Unsent as failure:
            error = str(failure) or "not sent"
        outcome = mail_outbox.record(
            self.api.store,
            pending,
            error=error,
            max_attempts=settings.mail_max_attempts,
            backoff_seconds=settings.mail_backoff_seconds,
            at=self.clock(),
        )
        self.log.info(
            "mail %s (%s) to user %s: %s",
            pending.id,
            pending.kind,
            pending.user_id,
            outcome if not error else f"{outcome} ({error})",
        )
        return outcome
