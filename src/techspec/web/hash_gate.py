"""A bound on password checks running at once, so sign-ins cannot exhaust the server.

One argon2id verification holds 64 MiB and a core for a fraction of a second; a hundred
at once would take gigabytes and starve every other request.  :class:`HashGate` lets
``concurrency`` checks run and up to ``queue`` more wait for a turn without holding a
thread.  Beyond that, or after waiting ``wait_seconds``, a sign-in is answered at once
with :class:`ServerBusy` (503) and a Retry-After estimated from how long checks take.
Memory for password checks is then at most ``concurrency`` times 64 MiB per server
process.

The checks run in threads of their own, not in the pool that serves ordinary requests,
and on Linux at a lower CPU priority (nice +10, which argon2's own lane threads inherit):
a flood of sign-ins then cannot keep ``/healthz`` or page views waiting for a thread or
for a core.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio

from techspec.errors import TechspecError

T = TypeVar("T")
NICER = 10
"""How much lower the checking threads' CPU priority is than the server's."""


class ServerBusy(TechspecError):
    """Too many sign-ins are waiting for a password check."""

    http_status = 503

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class HashGate:
    def __init__(self, concurrency: int, queue: int, wait_seconds: float = 10.0) -> None:
        self.concurrency = max(1, concurrency)
        self.queue = max(0, queue)
        self.wait_seconds = wait_seconds
        self._turns = anyio.CapacityLimiter(self.concurrency)
        self._threads = ThreadPoolExecutor(
            self.concurrency, thread_name_prefix="techspec-password", initializer=lower_priority
        )
        self._inside = 0
        """Checks running or waiting (only the event loop's thread changes it)."""
        self._seconds = 0.5
        """A running average of how long one check takes."""

    @property
    def inside(self) -> int:
        return self._inside

    async def run(self, check: Callable[[], T]) -> T:
        """``check()`` in a worker thread once a turn is free, or :class:`ServerBusy`."""
        if self._inside >= self.concurrency + self.queue:
            raise self._busy()
        self._inside += 1
        try:
            turn = False
            with anyio.move_on_after(self.wait_seconds):
                await self._turns.acquire()
                turn = True
            if not turn:
                raise self._busy()
            try:
                return await self._timed(check)
            finally:
                self._turns.release()
        finally:
            self._inside -= 1

    async def _timed(self, check: Callable[[], T]) -> T:
        started = time.monotonic()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._threads, check)
        finally:
            self._seconds = 0.8 * self._seconds + 0.2 * (time.monotonic() - started)

    def _busy(self) -> ServerBusy:
        wait = max(1, math.ceil(self._inside * self._seconds / self.concurrency))
        return ServerBusy(
            f"the server is checking many sign-ins at once: try again in {wait} s",
            retry_after=wait,
        )


def lower_priority() -> None:
    """Lower the calling thread's CPU priority by :data:`NICER` (Linux keeps a nice value
    per thread; elsewhere it would apply to the whole process, so nothing is done)."""
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + NICER))
    except OSError:  # not permitted here: run at the usual priority
        pass
