"""A worker thread beside the server: what the webhook and mail workers share.

It runs :meth:`Background.round` again and again, waiting between rounds until it is
woken (a write in this process sets the event) or ``poll_seconds`` pass, so that work
reaches it at once in the process that caused it and within a poll in any other.  A
round that raises is logged and the next one retries; :meth:`stop` ends the loop after
the round in progress.
"""

from __future__ import annotations

import logging
import threading


class Background:
    def __init__(self, name: str, *, poll_seconds: float, wake: threading.Event) -> None:
        self.poll_seconds = poll_seconds
        self.wake = wake
        self.log = logging.getLogger(f"techspec.{name}")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"techspec-{name}", daemon=True)

    def round(self) -> int:
        """One round of work; returns how much was started."""
        raise NotImplementedError

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.round()
            except Exception as error:  # keep the worker alive; the next round retries
                self.log.error("round failed: %s", type(error).__name__, exc_info=error)
            self.wake.wait(self.poll_seconds)
            self.wake.clear()
