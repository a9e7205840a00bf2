"""What the server computes from a stored revision's text (the API's model and lint
summary, the web's rendered view, the workflow panel's gates): computed once, then kept.

A revision never changes and neither does a template, so a result is keyed by what was
computed, the revision's sha256, the template's sha256 and any further argument (the
status whose gates were asked for).  The first request for a result starts one job in the
CPU pool (:mod:`techspec.api.cpu`); requests for it meanwhile wait for that same job, and
later ones read it from memory, so views of a revision never parse it again.  Results are
kept within a budget of bytes (each kind says what its result weighs), least recently used
out first, in one cache the API and the web UI share.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from functools import partial
from typing import Any, NamedTuple, TypeVar, cast

from techspec.api.cpu import CpuPool

R = TypeVar("R")


class Key(NamedTuple):
    kind: str
    """What was computed: ``model``, ``view``, ``gates`` ..."""
    sha256: str
    """The revision's."""
    template_sha256: str
    extra: Hashable = ()


class Analyses:
    """Results by :class:`Key`, each computed once in ``cpu`` and kept within ``budget`` bytes."""

    def __init__(self, cpu: CpuPool, budget: int) -> None:
        self.cpu = cpu
        self.budget = budget
        self.computed: Counter[str] = Counter()
        """Jobs started, by kind (what a test counts: one per revision, however many views)."""
        self._items: OrderedDict[Key, tuple[Any, int]] = OrderedDict()
        self._pending: dict[Key, Future[Any]] = {}
        self._size = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """Bytes kept."""
        return self._size

    def peek(self, key: Key) -> Any | None:
        """The result, when it is kept; never starts a job."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def start(
        self,
        key: Key,
        weigh: Callable[[R], int],
        function: Callable[..., R],
        *args: Any,
        on_computed: Callable[[R], None] | None = None,
        room: int = 0,
    ) -> Future[R]:
        """The result for ``key`` as a future: kept, on its way, or computed now as
        ``function(*args)`` in the pool (then ``on_computed`` sees it, once).  Raises
        :class:`~techspec.api.cpu.Busy` when the pool is full, or has no ``room`` for as
        many more jobs beside this one."""
        future = self._future(key, weigh, on_computed, function, args, room=room)
        assert future is not None
        return future

    def wait(
        self,
        key: Key,
        weigh: Callable[[R], int],
        function: Callable[..., R],
        *args: Any,
        on_computed: Callable[[R], None] | None = None,
    ) -> R:
        """:meth:`start`, waited for in a thread of the server (a sync route)."""
        return self.start(key, weigh, function, *args, on_computed=on_computed).result()

    def prefetch(
        self,
        key: Key,
        weigh: Callable[[R], int],
        function: Callable[..., R],
        *args: Any,
        on_computed: Callable[[R], None] | None = None,
    ) -> None:
        """Start computing ``key`` now if a worker is idle, so that a request about to
        want it finds it on its way; nothing when the pool has other work."""
        self._future(key, weigh, on_computed, function, args, room=None)

    def _future(
        self,
        key: Key,
        weigh: Callable[[R], int],
        on_computed: Callable[[R], None] | None,
        function: Callable[..., R],
        args: tuple[Any, ...],
        *,
        room: int | None = 0,
    ) -> Future[R] | None:
        """``room=None`` prefetches: only on an idle worker, else nothing (None)."""
        with self._lock:
            kept = self._items.get(key)
            if kept is not None:
                self._items.move_to_end(key)
                done: Future[R] = Future()
                done.set_result(cast(R, kept[0]))
                return done
            pending = self._pending.get(key)
            if pending is not None:
                return cast(Future[R], pending)
            if room is None:
                future = self.cpu.prefetch(function, *args)
                if future is None:
                    return None
            else:
                future = self.cpu.submit_leaving(room, function, *args)
            self._pending[key] = future
            self.computed[key.kind] += 1
        future.add_done_callback(partial(self._keep, key, weigh, on_computed))
        return future

    def _keep(
        self,
        key: Key,
        weigh: Callable[[R], int],
        on_computed: Callable[[R], None] | None,
        future: Future[R],
    ) -> None:
        if future.cancelled() or future.exception() is not None:
            with self._lock:
                self._pending.pop(key, None)
            return
        value = future.result()
        weight = weigh(value)
        with self._lock:
            self._pending.pop(key, None)
            if weight <= self.budget:
                self._items[key] = (value, weight)
                self._size += weight
                while self._size > self.budget:
                    _key, (_value, dropped) = self._items.popitem(last=False)
                    self._size -= dropped
        if on_computed is not None:
            on_computed(value)
