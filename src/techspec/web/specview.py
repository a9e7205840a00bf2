"""What the spec page shows of a document: its rendered body, outline, metadata,
checklist progress per section and the lint findings, each finding tied to its line
and to the section that holds it.

Everything is built from the revision's Markdown with the core (parse, lint) and the
renderer (:mod:`techspec.authoring.render.body`, sanitized by nh3).  A revision never changes, so
a view is computed once per revision and template and kept (a small LRU).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from markupsafe import Markup

from techspec.authoring.render.body import heading_ids, render_body, render_inline
from techspec.authoring.render.html import section_progress, split_title
from techspec.document.model import Section, Spec
from techspec.document.parser import parse
from techspec.lint.findings import Finding
from techspec.lint.linter import count_by_severity, lint
from techspec.lint.template import Template

CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    title: str
    anchor: str
    level: int
    path: str


@dataclass(frozen=True, slots=True)
class ProgressRow:
    title: str
    anchor: str
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done == self.total


@dataclass(frozen=True, slots=True)
class FindingRow:
    line: int
    column: int
    severity: str
    rule: str
    code: str
    message: str
    anchor: str | None
    section: str | None


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A rendered revision: everything the page shows that depends only on its text."""

    kicker: str
    name: str
    metadata: list[tuple[str, Markup]]
    outline: list[OutlineEntry]
    body: Markup
    progress: list[ProgressRow]
    findings: list[FindingRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def state(self) -> str:
        """``failing``, ``warned`` or ``passing`` (for the lint summary's colour)."""
        if self.counts.get("error"):
            return "failing"
        return "warned" if self.counts.get("warning") else "passing"


def document_view(text: str, template: Template) -> DocumentView:
    """Parse, lint and render ``text`` against ``template``."""
    spec = parse(text)
    findings = lint(spec, template)
    ids = heading_ids(spec)
    kicker, name = split_title(spec.title, template)
    return DocumentView(
        kicker=kicker,
        name=name,
        metadata=[(f.key, Markup(render_inline(f.value))) for f in spec.metadata],
        outline=[OutlineEntry(s.title, ids[s.line], s.level, s.path) for s in spec.walk()],
        body=Markup(render_body(spec, ids)),  # sanitized by nh3
        progress=[
            ProgressRow(p.section.title, ids[p.section.line], p.done, p.total)
            for p in section_progress(spec)
        ],
        findings=finding_rows(findings, spec, ids),
        counts=count_by_severity(findings),
    )


def finding_rows(findings: list[Finding], spec: Spec, ids: dict[int, str]) -> list[FindingRow]:
    """Findings with the anchor of the section each is in (by path, else by line)."""
    anchors = {section.path: ids[section.line] for section in spec.walk()}
    return [
        FindingRow(
            f.line,
            f.column,
            f.severity,
            f.rule,
            f.code,
            f.message,
            anchors.get(f.section or "") or _anchor_by_line(spec, ids, f.line),
            f.section,
        )
        for f in findings
    ]


def _anchor_by_line(spec: Spec, ids: dict[int, str], line: int) -> str | None:
    holder: Section | None = None
    for section in spec.walk():
        if section.line <= line:
            holder = section
    return ids[holder.line] if holder is not None else None


class ViewCache:
    """``(revision sha256, template sha256)`` -> :class:`DocumentView`."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str], DocumentView] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha256: str, text: str, template: Template) -> DocumentView:
        key = (sha256, template.sha256)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = document_view(text, template)
        with self._lock:
            self._items[key] = found
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found
