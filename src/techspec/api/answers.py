"""The answers the read cache keeps: each one encoded, with its route and the store's
data version it was read at.

The API context holds one :class:`ReadCache`; :mod:`techspec.api.read_cache` fills it
after a route answers and serves from it before the router runs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RouteName:
    """What the access log and metrics read of ``scope["route"]``: its path template."""

    path: str


RawHeaders = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class Entry:
    """One answer: the body and headers of its 200, the headers of its 304 (a spec has an
    ETag; a listing has none, so it is never 304)."""

    version: int
    route: RouteName
    sha256: str | None
    body: bytes
    headers: RawHeaders
    not_modified: RawHeaders


class ReadCache:
    """A request's key (:func:`techspec.api.read_cache.cache_key`) -> :class:`Entry`,
    least recently used dropped."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, ref: str, version: int) -> Entry | None:
        """The entry for ``ref`` when it was stored at ``version``; None otherwise."""
        with self._lock:
            found = self._items.get(ref)
            if found is None or found.version != version:
                return None
            self._items.move_to_end(ref)
            return found

    def put(self, ref: str, entry: Entry) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[ref] = entry
            self._items.move_to_end(ref)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
