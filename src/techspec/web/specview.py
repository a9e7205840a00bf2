"""What the spec page shows of a document: its rendered body, outline, metadata,
checklist progress per section and the lint findings, each finding tied to its line
and to the section that holds it.

Everything is built from the revision's Markdown with the core (parse, lint) and the
renderer (:mod:`techspec.authoring.render.body`, sanitized by nh3), in a worker process of
the server's CPU pool (:mod:`techspec.api.cpu`): a 1 MiB spec takes seconds.  A revision
never changes, so its view is computed once per revision and template and kept in the
server's :class:`~techspec.api.analyses.Analyses`; the editor's unsaved text is computed
afresh on each check.

A view lists the first :data:`MAX_FINDINGS` findings (its counts cover them all): a page
of 100,000 findings helps nobody, and a short list crosses from the worker in a moment.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field

from markupsafe import Markup

from techspec.api.analyses import Analyses, Key
from techspec.api.cpu import CpuPool
from techspec.api.jobs import TemplateSource, compiled, source
from techspec.authoring.render.body import heading_ids, render_body, render_inline
from techspec.authoring.render.html import section_progress, split_title
from techspec.document.model import Section, Spec
from techspec.document.parser import parse
from techspec.lint.findings import Finding
from techspec.lint.linter import count_by_severity, lint
from techspec.lint.template import Template

VIEW = "view"
"""The :class:`~techspec.api.analyses.Key` kind of a revision's :class:`DocumentView`."""
MAX_FINDINGS = 500
"""Findings a view lists; the rest are counted."""


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
    unlisted: int = 0
    """Findings counted but not in :attr:`findings` (beyond :data:`MAX_FINDINGS`)."""

    @property
    def state(self) -> str:
        """``failing``, ``warned`` or ``passing`` (for the lint summary's colour)."""
        if self.counts.get("error"):
            return "failing"
        return "warned" if self.counts.get("warning") else "passing"

    @property
    def weight(self) -> int:
        """About the bytes it holds (for the cache's budget)."""
        texts = len(self.body) + sum(len(key) + len(value) for key, value in self.metadata)
        rows = len(self.outline) + len(self.progress) + len(self.findings)
        return texts + 200 * rows


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
        findings=finding_rows(findings[:MAX_FINDINGS], spec, ids),
        counts=count_by_severity(findings),
        unlisted=max(0, len(findings) - MAX_FINDINGS),
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


def view_of(text: str, template: TemplateSource) -> DocumentView:
    """:func:`document_view` as a job for a worker process."""
    return document_view(text, compiled(template))


def revision_view(analyses: Analyses, sha256: str, text: str, template: Template) -> DocumentView:
    """The view of the stored revision whose hash is ``sha256`` (and whose text is
    ``text``), computed once in the CPU pool.  It waits for the pool: call it from a
    thread of the server, not the event loop."""
    return start_revision_view(analyses, sha256, text, template).result()


def start_revision_view(
    analyses: Analyses, sha256: str, text: str, template: Template, *, room: int = 0
) -> Future[DocumentView]:
    """:func:`revision_view` as a future, so that a page can compute something else (its
    panel's gates, on another worker) meanwhile; ``room`` as in
    :meth:`~techspec.api.analyses.Analyses.start`."""
    key = Key(VIEW, sha256, template.sha256)
    return analyses.start(key, _weight, view_of, text, source(template), room=room)


def unsaved_view(cpu: CpuPool, text: str, template: Template) -> DocumentView:
    """The view of text nobody saved (the editor's live check), computed in the CPU pool
    each time.  It waits for the pool, as :func:`revision_view` does."""
    return cpu.call(view_of, text, source(template))


def _weight(view: DocumentView) -> int:
    return view.weight
