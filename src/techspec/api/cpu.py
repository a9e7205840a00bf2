"""CPU-heavy work on request text (parse, lint, render, the save path) in a few worker
processes, so that no request stalls the event loop and a burst costs bounded memory.

Why processes and not threads: a 1 MiB spec takes seconds to parse, lint and render, and
the Markdown tokenizer (Rust) holds the GIL for up to a second of that in one call.  Run in
a thread, such a job stops the event loop (``/healthz`` included) for as long; the rest is
pure Python, whose 5 ms GIL slices still share one core with the loop.  A worker process has
a GIL of its own.  The workers are forked from a fork server that has already imported
techspec (the ``preload`` modules), so one starts in milliseconds, and they run at a lower
CPU priority than the server (``nice`` +10): on a busy shared core the event loop wins.

At most ``workers`` jobs run at once and ``queue`` more may wait for a worker; a job beyond
that is refused at once with :class:`Busy` (503 and ``Retry-After``) rather than held in a
queue that grows without bound.  ``workers=0`` runs jobs in one thread of the server
instead (for platforms without ``fork``; it keeps the bound, not the event loop's pace).

A job is a module-level function with picklable arguments.  Whatever it raises comes back
as the same exception (a :class:`~techspec.errors.TechspecError` keeps its status and
fields), and a worker that dies mid-job is replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from typing import Any, ParamSpec, TypeVar, cast

from starlette.concurrency import run_in_threadpool

from techspec.api.errors import TooManyRequests
from techspec.errors import TechspecError

P = ParamSpec("P")
R = TypeVar("R")

NICENESS = 10
"""Added to a worker's niceness: heavy jobs yield a shared core to the event loop."""
RETRY_AFTER = 2
"""Seconds a client refused with 503 is asked to wait."""


class Busy(TooManyRequests):
    """Every worker is busy and the queue is full: try again shortly (503)."""

    http_status = 503


class WorkerError(RuntimeError):
    """A bug in a job: the worker's traceback is in the message (logged, never shown)."""


class CpuPool:
    """Worker processes with a bound on the jobs in flight (see the module's docstring).

    ``preload`` names the modules the fork server imports once, so that each worker starts
    with them; ``workers`` jobs run at once and ``queue`` more may wait.
    """

    def __init__(self, workers: int = 2, queue: int = 64, preload: Sequence[str] = ()) -> None:
        if workers < 0 or queue < 0:
            raise ValueError("workers and queue must be 0 or more")
        self.workers = workers
        self.queue = queue
        self.preload = tuple(preload)
        self.submitted = 0
        """Jobs accepted since the pool was made (a count for tests and metrics)."""
        self._running = 0
        self._executor: Executor | None = None
        self._lock = threading.Lock()

    @property
    def limit(self) -> int:
        """The most jobs in flight (running or waiting for a worker) at once."""
        return max(1, self.workers) + self.queue

    @property
    def in_flight(self) -> int:
        return self._running

    def submit(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        """Start ``function(*args, **kwargs)`` in a worker; :class:`Busy` when ``limit`` jobs
        are in flight already."""
        return self._submit(self.limit, function, args, kwargs)

    def submit_leaving(self, room: int, function: Callable[..., R], *args: Any) -> Future[R]:
        """:meth:`submit`, refused unless ``room`` more jobs would still fit beside it (a
        request that needs a second job while this one runs keeps a place for it)."""
        return self._submit(self.limit - room, function, args, {})

    def prefetch(
        self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> Future[R] | None:
        """Start the job only when a worker is idle (work nobody waits for yet must not
        delay or crowd out work somebody does); None when none is."""
        try:
            return self._submit(max(1, self.workers), function, args, kwargs)
        except Busy:
            return None

    async def run(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Await the job's result on the event loop (which stays free meanwhile).  The job
        is handed over from a thread: starting a worker process waits for the fork server
        (a second or more when it is not yet running), which the event loop must not."""
        job: Callable[[], Future[R]] = partial(self.submit, function, *args, **kwargs)
        return await asyncio.wrap_future(await run_in_threadpool(job))

    def call(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Wait for the job's result in a thread of the server (a sync route)."""
        return self.submit(function, *args, **kwargs).result()

    def close(self) -> None:
        """Stop the workers, a job in progress too (the server is shutting down).  A later
        job starts new ones."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            _stop(executor)

    def _submit(
        self,
        ceiling: int,
        function: Callable[..., R],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Future[R]:
        with self._lock:
            if self._running >= ceiling:
                raise Busy(
                    f"the server is busy with {self._running} large documents; "
                    f"try again in {RETRY_AFTER} s",
                    retry_after=RETRY_AFTER,
                )
            executor = self._executor or self._start()
            self._running += 1
            self.submitted += 1
        outer: Future[R] = Future()
        try:
            inner = executor.submit(_invoke, function, args, kwargs)
        except (BrokenProcessPool, RuntimeError):
            self._release(executor, broken=True)
            raise Busy("a worker process stopped; try again", retry_after=1) from None
        inner.add_done_callback(partial(self._settle, executor, outer))
        outer.add_done_callback(lambda done: inner.cancel() if done.cancelled() else None)
        return outer

    def _start(self) -> Executor:
        if self.workers == 0:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="techspec-cpu")
        else:
            context = get_context("forkserver")
            context.set_forkserver_preload([__name__, *self.preload])
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_start_worker
            )
        return self._executor

    def _settle(self, executor: Executor, outer: Future[R], inner: Future[_Outcome]) -> None:
        broken = not inner.cancelled() and isinstance(inner.exception(), BrokenProcessPool)
        self._release(executor, broken=broken)
        if inner.cancelled() or not outer.set_running_or_notify_cancel():
            outer.cancel()
            return
        if broken:
            outer.set_exception(Busy("a worker process stopped; try again", retry_after=1))
            return
        error = inner.exception()
        if error is not None:
            outer.set_exception(error)
            return
        outcome = inner.result()
        if outcome.error is not None:
            outer.set_exception(outcome.error.rebuild())
        else:
            outer.set_result(cast(R, outcome.value))

    def _release(self, executor: Executor, *, broken: bool) -> None:
        with self._lock:
            self._running -= 1
            if broken and self._executor is executor:
                self._executor = None  # the next job starts a fresh pool
        if broken:
            _stop(executor)


def _stop(executor: Executor) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:  # a job may run for seconds yet: end it
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)


# -- in the worker -----------------------------------------------------------------------


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    with contextlib.suppress(OSError):
        os.nice(NICENESS)


@dataclass(frozen=True, slots=True)
class _Carried:
    """An exception as plain parts: its class, ``args`` and attributes (an exception whose
    ``__init__`` takes keywords does not survive ``pickle`` by itself)."""

    kind: type[BaseException]
    args: tuple[Any, ...]
    state: dict[str, Any]

    def rebuild(self) -> BaseException:
        error = self.kind.__new__(self.kind)
        error.args = self.args
        error.__dict__.update(self.state)
        return error


@dataclass(frozen=True, slots=True)
class _Outcome:
    value: Any = None
    error: _Carried | None = None


def _invoke(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> _Outcome:
    try:
        return _Outcome(function(*args, **kwargs))
    except Exception as error:
        return _Outcome(error=_carry(error))
    finally:
        _give_back_memory()


def _give_back_memory() -> None:
    """Return the heap a big job freed to the system (a 1 MiB spec's view peaks near
    200 MB; glibc keeps freed memory otherwise), so idle workers stay small."""
    if _trim is not None:
        _trim(0)


def _load_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


_trim = _load_trim()


def _carry(error: Exception) -> _Carried:
    if isinstance(error, TechspecError):
        carried = _Carried(type(error), error.args, dict(vars(error)))
        with contextlib.suppress(Exception):
            pickle.loads(pickle.dumps(carried))
            return carried
    text = "".join(traceback.format_exception(error))
    return _Carried(WorkerError, (f"{type(error).__name__} in a worker process:\n{text}",), {})
