"""Hover: what the template expects of a metadata key, a table column or a section."""

from __future__ import annotations

from lsprotocol import types

from techspec.lint.template import SectionRule
from techspec.lsp.diagnostics import Analysis
from techspec.lsp.expectations import cell_at, describe, field_at

_BLOCKS = {"checklist": "a checklist", "list": "a list", "table": "a table", "code": "a code block"}


def hover(analysis: Analysis, position: types.Position) -> types.Hover | None:
    line, column = analysis.positions.from_lsp(position)
    spot = field_at(analysis, line)
    if spot is not None and spot.key[0] <= column < spot.value[0]:
        text = f"**{spot.rule.key}** (a field of the template)\n\n{describe(spot.rule.rule)}"
        return _hover(analysis, text, line, spot.key)
    cell = cell_at(analysis, line, column)
    if cell is not None and cell.rule is not None:
        text = f"Column **{cell.name}** of the template's table\n\n{describe(cell.rule)}"
        fixed = [row.key for row in cell.pair.rule.fixed_rows]
        if fixed:
            text += "\n\nRows every spec keeps: " + ", ".join(fixed) + "."
        if cell.pair.rule.fill_columns:
            filled = ", ".join(cell.pair.rule.fill_columns)
            text += f" Filled in at sign-off: {filled}."
        return _hover(analysis, text, line, cell.text)
    for match in analysis.context.matches:
        if match.section.line == line:
            end = len(analysis.positions.lines.content(line)) + 1
            return _hover(analysis, _section(match.rule), line, (1, end))
    return None


def _hover(analysis: Analysis, text: str, line: int, columns: tuple[int, int]) -> types.Hover:
    where = analysis.positions.range(line, columns[0], line, columns[1])
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), where)


def _section(rule: SectionRule) -> str:
    heading = "#" * rule.level + " " + rule.title
    parts = [f"`{heading}` (a section of the template)"]
    if rule.expects:
        holds = " and ".join(_BLOCKS[kind] for kind in sorted(rule.expects))
        parts.append(f"Holds {holds}.")
    if rule.fields:
        parts.append("Fields: " + ", ".join(f"**{field.key}**" for field in rule.fields) + ".")
    if rule.fixed_items:
        parts.append(
            "Checklist items every spec keeps:\n" + "\n".join(f"- {i}" for i in rule.fixed_items)
        )
    if rule.children:
        parts.append("Subsections: " + ", ".join(child.title for child in rule.children) + ".")
    if rule.repeatable:
        parts.append(
            "Repeatable" + (", numbered 1, 2, 3 ... with no gap." if rule.numbered else ".")
        )
    return "\n\n".join(parts)
