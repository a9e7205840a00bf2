"""Code actions: the fix for a finding (the repair ``techspec fix`` makes), all missing
sections at once, every fix at once, and a suppression comment for a finding.

A repair is offered only for a finding that lint reports, so suppressions and the
configuration's rule selection hold in the editor as on the command line.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate

from lsprotocol import types

from techspec.authoring.fix import (
    Edit,
    Repair,
    RepairIndex,
    SourceLines,
    find_repairs,
    render_edits,
)
from techspec.document.model import Block, Spec, Table
from techspec.lint.findings import Finding
from techspec.lsp.diagnostics import Analysis

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.techspec"
KINDS = (types.CodeActionKind.QuickFix.value, types.CodeActionKind.Source.value, FIX_ALL)


def code_actions(analysis: Analysis, params: types.CodeActionParams) -> list[types.CodeAction]:
    if analysis.problem is not None or not analysis.findings:
        return []
    uri = params.text_document.uri
    repairs = RepairIndex(find_repairs(analysis.context))
    wanted = [f for f in analysis.findings if f.fixable]
    chosen = repairs.chosen(wanted)
    chosen_ids = {id(repair) for repair in chosen}
    found: list[types.CodeAction] = []
    nearby = _in_range(analysis, params.range)
    sent = _by_start(params.context.diagnostics)
    blocks = _Blocks(analysis.spec)
    for finding in nearby:
        start = analysis.positions.to_lsp(finding.line, finding.column)
        attached = list(sent.get((finding.rule, start.line, start.character), []))
        repair = next((r for r in repairs.answering(finding) if id(r) in chosen_ids), None)
        if repair is not None:
            edit = _workspace_edit(analysis, uri, [repair])
            found.append(
                types.CodeAction(
                    f"Fix {finding.rule}: {repair.title}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=attached,
                    edit=edit,
                    is_preferred=True,
                )
            )
        found.append(_suppress(analysis, uri, finding, attached, blocks.at(finding.line)))
    sections = [repair for repair in chosen if repair.rule == "TS101"]
    if len(sections) > 1 and any(finding.rule == "TS101" for finding in nearby):
        edit = _workspace_edit(analysis, uri, sections)
        title = f"Insert all {len(sections)} missing sections"
        found.append(types.CodeAction(title, kind=types.CodeActionKind.QuickFix, edit=edit))
    asked = bool(params.context.only) or any(finding.fixable for finding in nearby)
    if chosen and asked:
        edit = _workspace_edit(analysis, uri, chosen)
        title = f"Fix all {len(chosen)} fixable techspec problems"
        found.append(types.CodeAction(title, kind=FIX_ALL, edit=edit))
    return [action for action in found if _requested(action, params.context.only)]


def _requested(action: types.CodeAction, only: Sequence[types.CodeActionKind | str] | None) -> bool:
    kind = _kind(action.kind)
    wanted = [_kind(want) for want in only or []]
    return not wanted or any(kind == want or kind.startswith(f"{want}.") for want in wanted)


def _kind(kind: types.CodeActionKind | str | None) -> str:
    return kind.value if isinstance(kind, types.CodeActionKind) else str(kind or "")


def _in_range(analysis: Analysis, where: types.Range) -> list[Finding]:
    first, last = where.start.line + 1, where.end.line + 1
    return [f for f in analysis.findings if f.line <= last and f.end_line >= first]


_Sent = dict[tuple[object, int, int], list[types.Diagnostic]]
"""The client's diagnostics by code, line and character of their start."""


def _by_start(sent: Sequence[types.Diagnostic]) -> _Sent:
    """The client's diagnostics by code and start: a finding's are those at its start."""
    found: _Sent = {}
    for diagnostic in sent:
        start = diagnostic.range.start
        found.setdefault((diagnostic.code, start.line, start.character), []).append(diagnostic)
    return found


def _workspace_edit(analysis: Analysis, uri: str, repairs: list[Repair]) -> types.WorkspaceEdit:
    edits = sorted(render_edits(analysis.context, repairs), key=lambda edit: edit.start)
    changes = [analysis.positions.text_edit(edit) for edit in edits]
    return types.WorkspaceEdit(changes={uri: changes})


def _suppress(
    analysis: Analysis,
    uri: str,
    finding: Finding,
    attached: list[types.Diagnostic],
    holder: tuple[Block | None, int | None],
) -> types.CodeAction:
    """``techspec-disable-next-line`` above the line; around the whole block when the line
    is inside a table, list or paragraph, where a comment line would split it.  ``holder``
    is the block holding the line, with the line of its label."""
    lines: SourceLines = analysis.positions.lines
    eol, code = lines.eol, finding.rule
    block, label_line = holder
    if block is None or (block.line == finding.line and label_line is None):
        at = lines.start(finding.line)
        edits = [Edit(at, at, f"<!-- techspec-disable-next-line {code} -->{eol}")]
        title = f"Suppress {code} for this line"
    else:
        first = label_line or block.line
        at = lines.start(first)
        closing = lines.after(block.end_line, [f"<!-- techspec-enable {code} -->"])
        edits = [Edit(at, at, f"<!-- techspec-disable {code} -->{eol}"), closing]
        title = f"Suppress {code} for this {'table' if block.kind == 'table' else block.kind}"
    changes = [analysis.positions.text_edit(edit) for edit in edits]
    edit = types.WorkspaceEdit(changes={uri: changes})
    return types.CodeAction(
        title, kind=types.CodeActionKind.QuickFix, diagnostics=attached, edit=edit
    )


class _Blocks:
    """The spec's top-level blocks in document order, each with the line of its label (a
    labelled table's bold label must stay right above it), found by bisection: a request
    over many findings asked a walk of every block for each."""

    def __init__(self, spec: Spec) -> None:
        self.entries: list[tuple[Block, int | None]] = []
        for blocks in [spec.preamble] + [section.blocks for section in spec.walk()]:
            for index, block in enumerate(blocks):
                labelled = isinstance(block.node, Table) and block.node.label is not None
                label = blocks[index - 1].line if labelled and index > 0 else None
                self.entries.append((block, label))
        self.starts = [block.line for block, _ in self.entries]
        self.reach = list(accumulate((block.end_line for block, _ in self.entries), max))

    def at(self, line: int) -> tuple[Block | None, int | None]:
        """The first block that holds ``line`` (with its label's line), or ``(None, None)``."""
        begun = bisect_right(self.starts, line)  # the blocks that begin by ``line``
        first = bisect_left(self.reach, line)  # the first that ends at or after it
        return self.entries[first] if first < begun else (None, None)
