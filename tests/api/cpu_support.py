"""Jobs for the CPU pool's tests (imported explicitly; not a conftest).  Each is a module
function, so a worker process imports it by name, as it does techspec's own jobs."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from techspec.errors import UsageError

HOLD_SECONDS = 4.0
"""How long :func:`hold_the_gil` keeps its interpreter to itself."""


def hold_the_gil(_text: str, path: str, *_rest: object) -> object:
    """Stands in for the lint route's job: writes ``PATH.started``, waits for ``PATH.go``,
    then keeps the GIL for :data:`HOLD_SECONDS`, as a parser's long call into native code
    does (no other thread of its process runs meanwhile), and fails as bad input does."""
    Path(f"{path}.started").touch()
    wait_for(f"{path}.go")
    interval = sys.getswitchinterval()
    sys.setswitchinterval(3600)  # no other thread gets the GIL back until we block
    try:
        deadline = time.monotonic() + HOLD_SECONDS
        while time.monotonic() < deadline:
            pass
    finally:
        sys.setswitchinterval(interval)
    raise UsageError("held the GIL")


def wait_for(path: str, timeout: float = 60.0) -> str:
    """Block until ``path`` exists (a job that keeps its worker busy until the test says)."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.01)
    return path


def stop_the_process() -> None:
    """A worker that dies mid-job (killed for its memory, say)."""
    os._exit(3)


def divide_by_zero() -> float:
    return 1 / 0
