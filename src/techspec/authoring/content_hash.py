"""A fingerprint of what reviewers approved, blind to what approving writes back.

Approvals are recorded in the Markdown itself (status, review checkboxes, sign-off
rows, a history row).  The store keeps the hash a reviewer signed against and marks the
approval stale when the hash moves, so the hash must ignore exactly those write-backs
and nothing else.

Definition of :func:`content_hash` (``sha256`` hex of the UTF-8 encoding, lone
surrogates passed through, of the normalized text):

1. A leading BOM is dropped and every line ending (CRLF or a lone CR) becomes LF.
2. The text is parsed and matched to the template, as the linter does.  These parts,
   found from the template rather than by heading names, are WORKFLOW-MANAGED:

   * the value of the metadata field the template makes the Status enumeration
     (``**Status**: Approved``): the value characters, not the key or the line;
   * every line after the heading of each top-level section whose template subtree
     holds fixed checklist items or a sign-off table (``## Review & Approval``), up to
     the section's last block (its heading line is kept);
   * every line of the tables answering the template's history table (a Version and
     a Date column: ``**Document History**``, whose bold label is kept) and sign-off
     tables, wherever they stand.

   * the checked state of work checklists (the template's checklists of placeholder
     items: Success Criteria, phase tasks, documentation): ``[x]`` reads as ``[ ]``,
     since ticking off work as it is done is progress, not a change to what was
     approved, and must not send an Approved spec back to Review.

   Each managed part is replaced by :data:`MANAGED` (a run of managed lines by one
   line), so moving or deleting a managed part still changes the hash.
3. Trailing whitespace at the end of the text is removed.

Everything else, including blank lines, trailing spaces inside the text and the
headings of the managed sections, is hashed as written.
"""

from __future__ import annotations

import hashlib
import re

from techspec.document.model import Spec
from techspec.document.parser import parse
from techspec.lint.linter import LintContext
from techspec.lint.template import SectionRule, Template, builtin_template

MANAGED = "\x00techspec:managed\x00"
"""Stands in for a workflow-managed part; NUL never appears in a real spec."""

_LINE_END = re.compile(r"\r\n?")


def revision_sha256(text: str) -> str:
    """The sha256 hex of the exact UTF-8 bytes of ``text``: identifies one revision."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def normalize(
    text: str, template: Template | None = None, *, parsed: LintContext | None = None
) -> str:
    """The text that :func:`content_hash` hashes (see the module docstring).

    ``parsed`` is ``text`` already parsed and matched to ``template``, when the caller has
    it (a save parses once); it is used only when ``text`` needs no line-ending or BOM
    normalization, since the hash reads the normalized text.
    """
    body = _LINE_END.sub("\n", text.removeprefix("\ufeff"))
    if parsed is not None and body == text:
        context = parsed
    else:
        context = LintContext(parse(body), template or builtin_template())
    spec = context.spec
    lines = body.split("\n")
    managed: set[int] = set()  # 0-based line indexes replaced by MANAGED
    status = _status_line(spec, context.template)
    if status is not None:
        index, start, end = status
        line = lines[index]
        lines[index] = line[:start] + MANAGED + line[end:]
    for line_index, box in _ticked_work_boxes(spec, context):
        line = lines[line_index]
        lines[line_index] = line[:box] + "[ ]" + line[box + 3 :]
    for first, last in managed_spans(context):
        managed.update(range(first - 1, last))
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index not in managed:
            kept.append(line)
        elif index - 1 not in managed:
            kept.append(MANAGED)
    return "\n".join(kept).rstrip()


def content_hash(
    text: str, template: Template | None = None, *, parsed: LintContext | None = None
) -> str:
    """The sha256 hex of ``text`` with the workflow-managed parts normalized out."""
    return revision_sha256(normalize(text, template, parsed=parsed))


def managed_rules(template: Template) -> list[SectionRule]:
    """Top-level section rules whose subtree records approval (fixed items, sign-off)."""
    return [
        top
        for top in template.sections
        if any(
            rule.fixed_items or any(table.is_signoff for table in rule.tables)
            for rule in top.walk()
        )
    ]


def managed_spans(context: LintContext) -> list[tuple[int, int]]:
    """1-based inclusive line ranges of the managed sections' bodies and tables."""
    spans: list[tuple[int, int]] = []
    tops = managed_rules(context.template)
    for match in context.matches:
        if any(match.rule is top for top in tops) and match.section.end_line > match.section.line:
            spans.append((match.section.line + 1, match.section.end_line))
    for pair in context.table_pairs():
        if pair.table is not None and (pair.rule.is_history or pair.rule.is_signoff):
            spans.append((pair.table.line, pair.table.end_line))
    return spans


def _ticked_work_boxes(spec: Spec, context: LintContext) -> list[tuple[int, int]]:
    """``(line index, column index)`` of each ``[x]`` box of a work checklist item."""
    boxes: list[tuple[int, int]] = []
    lines = spec.text.removeprefix("\ufeff").split("\n")
    for match in context.matches:
        if not match.rule.work_items:
            continue
        for item in match.section.checklist:
            if not item.checked or item.line > len(lines):
                continue
            head = lines[item.line - 1][: max(0, item.column - 1)]
            box = max(head.rfind("[x]"), head.rfind("[X]"))
            if box >= 0:
                boxes.append((item.line - 1, box))
    return boxes


def _status_line(spec: Spec, template: Template) -> tuple[int, int, int] | None:
    """``(line index, start, end)`` of the Status value's characters, if present."""
    rule = template.status_field
    found = spec.field(rule.key) if rule is not None else None
    if found is None:
        return None
    line = spec.text.removeprefix("\ufeff").split("\n")[found.line - 1]
    start, end = value_span(line, found.value_column)
    return found.line - 1, start, end


def value_span(line: str, value_column: int) -> tuple[int, int]:
    """``[start, end)`` of a field's value in its line: the parser's ``value_column`` up
    to the trailing blanks and hard-break backslash, which are not part of the value."""
    start = min(max(0, value_column - 1), len(line))
    return start, max(start, _value_end(line))


def _value_end(line: str) -> int:
    """Where the end of a field line begins: blanks, a hard-break backslash, blanks and a
    CR, before a final LF.  Stripped from the right, in one pass: the pattern that said
    so, searched from each position, was cubic on a line of blanks."""
    body = line.removesuffix("\n").removesuffix("\r").rstrip(" \t")
    if body.endswith("\\"):
        body = body[:-1].rstrip(" \t")
    return len(body)
