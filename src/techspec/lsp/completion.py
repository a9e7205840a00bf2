"""Completion: the enumeration a field or a table column takes (Status, High/Medium/Low),
and, on a line being written as a heading, the sections the spec still lacks."""

from __future__ import annotations

from lsprotocol import types

from techspec.lint.template import ValueRule
from techspec.lsp.diagnostics import Analysis
from techspec.lsp.expectations import cell_at, field_at

TRIGGERS = ("#", ":", "|", " ")


def completions(analysis: Analysis, position: types.Position) -> types.CompletionList:
    line, column = analysis.positions.from_lsp(position)
    content = analysis.positions.lines.content(line)
    if content[: column - 1].lstrip().startswith("#"):
        return types.CompletionList(False, _headings(analysis, line, len(content) + 1))
    spot = field_at(analysis, line)
    if spot is not None and column >= spot.value[0]:
        return types.CompletionList(False, _values(analysis, spot.rule.rule, line, spot.value))
    cell = cell_at(analysis, line, column)
    if cell is not None and cell.rule is not None and not cell.header:
        return types.CompletionList(False, _values(analysis, cell.rule, line, cell.text))
    return types.CompletionList(False, [])


def _values(
    analysis: Analysis, rule: ValueRule, line: int, columns: tuple[int, int]
) -> list[types.CompletionItem]:
    if rule.kind != "enum":
        return []
    where = analysis.positions.range(line, columns[0], line, columns[1])
    return [
        types.CompletionItem(
            label=value,
            kind=types.CompletionItemKind.EnumMember,
            text_edit=types.TextEdit(where, value),
            sort_text=f"{index:03d}",
        )
        for index, value in enumerate(rule.values)
    ]


def _headings(analysis: Analysis, line: int, end: int) -> list[types.CompletionItem]:
    """Missing sections, the one that belongs nearest this line first."""
    context = analysis.context
    if not context.is_spec:
        return []
    where = analysis.positions.range(line, 1, line, end)
    ranked = sorted(context.missing, key=lambda missing: abs(missing.line - line))
    items = []
    for rank, missing in enumerate(ranked):
        heading = "#" * missing.rule.level + " " + missing.rule.title
        place = f"missing in '{missing.parent}'" if missing.parent else "missing section"
        items.append(
            types.CompletionItem(
                label=heading,
                kind=types.CompletionItemKind.Module,
                detail=f"{place}, expected near line {missing.line}",
                text_edit=types.TextEdit(where, heading),
                filter_text=heading,
                sort_text=f"{rank:03d}",
            )
        )
    return items
