"""Code actions: the fix for a finding (the repair ``techspec fix`` makes), all missing
sections at once, every fix at once, and a suppression comment for a finding.

A repair is offered only for a finding that lint reports, so suppressions and the
configuration's rule selection hold in the editor as on the command line.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from techspec.authoring.fix import Edit, Repair, SourceLines, find_repairs, render_edits
from techspec.document.model import Block, Table
from techspec.lint.findings import Finding
from techspec.lsp.diagnostics import Analysis

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.techspec"
KINDS = (types.CodeActionKind.QuickFix.value, types.CodeActionKind.Source.value, FIX_ALL)


def code_actions(analysis: Analysis, params: types.CodeActionParams) -> list[types.CodeAction]:
    if analysis.problem is not None or not analysis.findings:
        return []
    uri = params.text_document.uri
    repairs = find_repairs(analysis.context)
    wanted = [f for f in analysis.findings if f.fixable]
    chosen = [repair for repair in repairs if any(map(repair.answers, wanted))]
    found: list[types.CodeAction] = []
    nearby = _in_range(analysis, params.range)
    for finding in nearby:
        attached = _client_diagnostics(analysis, finding, params.context.diagnostics)
        repair = next((r for r in chosen if r.answers(finding)), None)
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
        found.append(_suppress(analysis, uri, finding, attached))
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


def _client_diagnostics(
    analysis: Analysis, finding: Finding, sent: Sequence[types.Diagnostic]
) -> list[types.Diagnostic]:
    start = analysis.positions.to_lsp(finding.line, finding.column)
    return [d for d in sent if d.code == finding.rule and d.range.start == start]


def _workspace_edit(analysis: Analysis, uri: str, repairs: list[Repair]) -> types.WorkspaceEdit:
    edits = sorted(render_edits(analysis.context, repairs), key=lambda edit: edit.start)
    changes = [analysis.positions.text_edit(edit) for edit in edits]
    return types.WorkspaceEdit(changes={uri: changes})


def _suppress(
    analysis: Analysis, uri: str, finding: Finding, attached: list[types.Diagnostic]
) -> types.CodeAction:
    """``techspec-disable-next-line`` above the line; around the whole block when the line
    is inside a table, list or paragraph, where a comment line would split it."""
    lines = SourceLines(analysis.text)
    eol, code = lines.eol, finding.rule
    block, label_line = _block_at(analysis, finding.line)
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


def _block_at(analysis: Analysis, line: int) -> tuple[Block | None, int | None]:
    """The top-level block holding ``line``, and the line of its label (a labelled table's
    bold label must stay right above it)."""
    groups = [analysis.spec.preamble] + [section.blocks for section in analysis.spec.walk()]
    for blocks in groups:
        for index, block in enumerate(blocks):
            if block.line <= line <= block.end_line:
                labelled = isinstance(block.node, Table) and block.node.label is not None
                label = blocks[index - 1].line if labelled and index > 0 else None
                return block, label
    return None, None
