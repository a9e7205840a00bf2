"""The standalone HTML page: header, status badge, metadata, outline, progress, lint, body.

Everything techspec writes itself is escaped here; everything that comes from Markdown
goes through :func:`~techspec.authoring.render.sanitize.sanitize`.  The page carries its CSS inline,
has no script and forbids scripts again with a Content-Security-Policy, so the one file can
be mailed, archived or printed as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources

from techspec import __version__
from techspec.authoring.render.body import heading_ids, render_body, render_inline
from techspec.document.model import Section, Spec
from techspec.document.parser import parse
from techspec.lint.findings import Finding
from techspec.lint.linter import count_by_severity, lint
from techspec.lint.selection import Selection
from techspec.lint.template import Template, builtin_template

STATUS_CLASSES = {
    "draft": "status-draft",
    "review": "status-review",
    "approved": "status-approved",
    "implemented": "status-implemented",
}
"""Badge colours by status (Draft grey, Review amber, Approved green, Implemented blue)."""

UNTITLED = "Untitled specification"
"""What the ``<title>`` and the heading both say when the spec has no title."""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; form-action 'none'"


@dataclass(frozen=True, slots=True)
class Progress:
    """Checked and total task boxes of one section."""

    section: Section
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def render_html(
    text: str,
    path: str | None = None,
    template: Template | None = None,
    *,
    selection: Selection | None = None,
) -> str:
    """Parse and lint ``text``, and return the standalone HTML page for it."""
    spec = parse(text, path)
    return page(spec, lint(spec, template, selection=selection), template)


def page(spec: Spec, findings: list[Finding], template: Template | None = None) -> str:
    """The page for a spec that is already parsed and linted (the store's entry point)."""
    ids = heading_ids(spec)
    title = spec.title or UNTITLED
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="techspec {__version__}">',
        *_author_meta(spec),
        f"<title>{escape(title)}</title>",
        f"<style>\n{stylesheet()}</style>",
        "</head>",
        "<body>",
        '<div class="page">',
        _header(spec, template or builtin_template()),
        '<div class="summary">',
        _progress(spec, ids),
        _lint_summary(findings, ids, spec),
        "</div>",
        _outline(spec, ids),
        f'<article class="spec-body">\n{render_body(spec, ids)}\n</article>',
        _footer(spec),
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


@cache
def stylesheet() -> str:
    """The page's CSS, shipped as package data (``render/style.css``)."""
    return (
        resources.files("techspec.authoring.render")
        .joinpath("style.css")
        .read_text(encoding="utf-8")
    )


def status_class(status: str | None) -> str:
    if status is None or not status.strip():
        return "status-none"
    return STATUS_CLASSES.get(status.strip().casefold(), "status-other")


def section_progress(spec: Spec) -> list[Progress]:
    """Each section with task boxes of its own, in document order."""
    found = []
    for section in spec.walk():
        items = section.checklist
        if items:
            found.append(Progress(section, sum(1 for i in items if i.checked), len(items)))
    return found


# -- page parts -------------------------------------------------------------------------


def _author_meta(spec: Spec) -> list[str]:
    author = spec.field("Author")
    return [f'<meta name="author" content="{escape(author.value)}">'] if author else []


def _header(spec: Spec, template: Template) -> str:
    kicker, name = split_title(spec.title, template)
    status = spec.status
    badge = escape(status) if status else "No status"
    rows = "".join(
        f"<dt>{escape(field.key)}</dt><dd>{render_inline(field.value)}</dd>"
        for field in spec.metadata
    )
    return "\n".join(
        [
            '<header class="spec-header">',
            f'<p class="kicker">{escape(kicker)}</p>' if kicker else "",
            f'<h1 class="spec-title">{escape(name)}</h1>',
            f'<p class="status"><span class="badge {status_class(status)}">{badge}</span></p>',
            # what the page was made from (``slug rN``): the footer says it on screen, and
            # a PDF repeats it at the foot of every page (the footer is not printed)
            f'<p class="spec-source">{escape(spec.path)}</p>' if spec.path else "",
            f'<dl class="metadata">{rows}</dl>' if rows else "",
            "</header>",
        ]
    )


def split_title(title: str | None, template: Template) -> tuple[str, str]:
    """``Technical Specification: Payments`` -> (``Technical Specification``, ``Payments``)."""
    if not title:
        return "", UNTITLED
    prefix = template.title.partition(":")[0].strip()
    head, colon, rest = title.partition(":")
    if colon and prefix and head.strip().casefold() == prefix.casefold() and rest.strip():
        return head.strip(), rest.strip()
    return "", title


def _outline(spec: Spec, ids: dict[int, str]) -> str:
    items = _outline_items(spec.sections, ids)
    if not items:
        return ""
    return f'<nav class="outline" aria-label="Outline">\n<h2>Contents</h2>\n{items}\n</nav>'


def _outline_items(sections: Iterable[Section], ids: dict[int, str]) -> str:
    entries = []
    for section in sections:
        link = (
            f'<a href="#{ids[section.line]}" data-path="{escape(section.path)}">'
            f"{escape(section.title)}</a>"
        )
        children = _outline_items(section.children, ids)
        entries.append(f'<li class="level-{section.level}">{link}{children}</li>')
    return f"<ol>{''.join(entries)}</ol>" if entries else ""


def _progress(spec: Spec, ids: dict[int, str]) -> str:
    found = section_progress(spec)
    if not found:
        return ""
    done, total = sum(p.done for p in found), sum(p.total for p in found)
    rows = "".join(_progress_row(p, ids) for p in found)
    return "\n".join(
        [
            '<section class="progress" aria-label="Checklist progress">',
            f'<h2>Checklists <span class="total">{done}/{total}</span></h2>',
            f'<table class="progress-table"><tbody>{rows}</tbody></table>',
            "</section>",
        ]
    )


def _progress_row(progress: Progress, ids: dict[int, str]) -> str:
    section = progress.section
    state = "complete" if progress.done == progress.total else "open"
    return (
        f'<tr class="{state}" data-path="{escape(section.path)}">'
        f'<td class="name"><a href="#{ids[section.line]}">{escape(section.title)}</a></td>'
        '<td class="bar"><span class="track">'
        f'<span class="fill" style="width: {progress.percent}%"></span></span></td>'
        f'<td class="count">{progress.done}/{progress.total}</td></tr>'
    )


def _lint_summary(findings: list[Finding], ids: dict[int, str], spec: Spec) -> str:
    counts = count_by_severity(findings)
    words = [
        f'<span class="count-{kind}{"" if counts[kind] else " zero"}">'
        f"{counts[kind]} {_plural(counts[kind], kind)}</span>"
        for kind in ("error", "warning", "info")
    ]
    state = "failing" if counts["error"] else "warned" if counts["warning"] else "passing"
    parts = [
        f'<section class="lint {state}" aria-label="Lint summary">',
        f'<h2>Lint</h2>\n<p class="counts">{", ".join(words)}</p>',
    ]
    if findings:
        anchors = {section.path: ids[section.line] for section in spec.walk()}
        rows = "".join(_finding_row(f, anchors) for f in findings)
        parts.append(
            '<table class="findings"><thead><tr><th>Line</th><th>Rule</th>'
            f"<th>Message</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    else:
        parts.append('<p class="clean">No findings: the spec matches its template.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _finding_row(finding: Finding, anchors: dict[str, str]) -> str:
    anchor = anchors.get(finding.section or "")
    line = str(finding.line)
    cell = f'<a href="#{anchor}">{line}</a>' if anchor else line
    return (
        f'<tr class="severity-{finding.severity}"><td class="line">{cell}</td>'
        f'<td class="rule"><span class="sev">{finding.severity}</span> '
        f"<code>{escape(finding.code)}</code></td>"
        f'<td class="message">{escape(finding.message)}</td></tr>'
    )


def _plural(count: int, kind: str) -> str:
    return kind if count == 1 or kind == "info" else f"{kind}s"


def _footer(spec: Spec) -> str:
    source = f" from {escape(spec.path)}" if spec.path else ""
    return f'<footer class="page-footer">Rendered by techspec {__version__}{source}.</footer>'
