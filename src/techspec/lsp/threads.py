"""Open review threads as Information diagnostics at their anchor, so that an author sees
reviewers' comments while writing.

Off by default: the language server works on files and knows no store.  ``techspec lsp
--threads-db URL`` (or ``TECHSPEC_LSP_THREADS_DB``) names the database to read threads
from; a file is the spec whose slug is its name's stem (as ``techspec import`` names
it).  ``--public-url`` (``TECHSPEC_PUBLIC_URL``) makes each diagnostic link to its
thread on the web UI.  The threads are read as the database's holder (the console
reads everything), at most once per :attr:`ThreadSource.ttl` seconds per spec, and
placed in the text being edited: on the quote when the editor's text still holds it,
else on the section's heading, else on the first line.
"""

from __future__ import annotations

import logging
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from lsprotocol import types

from techspec.authoring import anchors
from techspec.lsp.diagnostics import Analysis
from techspec.lsp.positions import Positions
from techspec.service.permissions import CONSOLE
from techspec.store.engine import Store
from techspec.store.threads import Thread

SOURCE = "techspec review"
KINDS = {"comment": "Comment", "suggestion": "Suggestion", "blocking": "Blocking concern"}
log = logging.getLogger(__name__)


@dataclass
class ThreadSource:
    """Where open threads come from: a database URL, opened on first use."""

    url: str
    public_url: str | None = None
    ttl: float = 5.0
    _store: Store | None = field(default=None, repr=False)
    _cache: dict[str, tuple[float, list[Thread]]] = field(default_factory=dict, repr=False)
    _failed: bool = field(default=False, repr=False)

    def open_threads(self, slug: str) -> list[Thread]:
        """The spec's open threads (none for an unknown spec or an unreachable store)."""
        now = time.monotonic()
        cached = self._cache.get(slug)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        found = self._read(slug)
        self._cache[slug] = (now, found)
        return found

    def _read(self, slug: str) -> list[Thread]:
        from techspec.errors import TechspecError
        from techspec.service.threads import threads_of
        from techspec.store.engine import open_store

        try:
            if self._store is None:
                self._store = open_store(self.url, upgrade=False)
            return threads_of(self._store, CONSOLE, slug, "open")
        except TechspecError as error:
            if not self._failed and "unknown spec" not in str(error):
                log.warning("review threads unavailable: %s", error)
                self._failed = True
            return []

    def link(self, slug: str, thread: Thread) -> str | None:
        if not self.public_url:
            return None
        return f"{self.public_url.rstrip('/')}/specs/{quote(slug, safe='')}#thread-{thread.id}"

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def slug_of(path: str | None) -> str | None:
    return Path(path).stem if path else None


def thread_diagnostics(
    analysis: Analysis, path: str | None, source: ThreadSource
) -> list[types.Diagnostic]:
    """One Information diagnostic per open thread of the file's spec."""
    slug = slug_of(path)
    if slug is None or not analysis.is_spec:
        return []
    found = source.open_threads(slug)
    if not found:
        return []
    text = analysis.text
    regions = anchors.regions(text, analysis.spec)
    starts = _line_starts(text)
    return [_diagnostic(analysis, regions, starts, t, source.link(slug, t)) for t in found]


def _diagnostic(
    analysis: Analysis,
    regions: dict[str, anchors.Region],
    starts: list[int],
    thread: Thread,
    link: str | None,
) -> types.Diagnostic:
    text, positions = analysis.text, analysis.positions
    region = regions.get(thread.section)
    start = end = 0
    if region is not None:
        start = end = region.start
        end = text.find("\n", start)
        end = len(text) if end < 0 or end > region.end else end
        hit = text.find(thread.quote, region.start, region.end) if thread.quote else -1
        if hit >= 0 and thread.quote:
            start, end = hit, hit + len(thread.quote)
    where = types.Range(
        _position(text, starts, positions, start), _position(text, starts, positions, end)
    )
    replies = [f"{c.author}: {c.body}" for c in thread.comments[1:]]
    outdated = " (outdated: its quote changed)" if thread.outdated else ""
    message = "\n".join(
        [f"{KINDS[thread.kind]} #{thread.id} by {thread.author}{outdated}: {thread.body}"]
        + replies
        + ([f"Suggests: {thread.suggestion}"] if thread.suggestion is not None else [])
    )
    return types.Diagnostic(
        range=where,
        message=message,
        severity=types.DiagnosticSeverity.Information,
        code=f"thread-{thread.id}",
        code_description=types.CodeDescription(link) if link else None,
        source=SOURCE,
    )


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _position(text: str, starts: list[int], positions: Positions, offset: int) -> types.Position:
    """The protocol position of character ``offset`` of ``text`` (``starts``: its line
    starts), counted as techspec counts: 1-based, the BOM before column 1."""
    line = bisect_right(starts, offset)
    column = offset - starts[line - 1] + 1
    if line == 1 and text.startswith("\ufeff"):
        column -= 1
    return positions.to_lsp(line, max(column, 1))
