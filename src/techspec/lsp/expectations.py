"""What the template expects at a place in the document: the field whose key a line
holds, or the table column a cell is in, with the rule its value follows.  Hover shows it;
completion offers its enumeration."""

from __future__ import annotations

import re
from dataclasses import dataclass

from techspec.lint.linter import TablePair
from techspec.lint.template import FieldRule, ValueRule
from techspec.lsp.diagnostics import Analysis

# The value runs possessively to the line end, and its end is found by stripping the
# blanks and hard-break backslash from the right: a lazy value before two blank runs was
# cubic on a line of blanks.
_FIELD = re.compile(
    r"^(?P<lead>[ \t]*(?:[-*+][ \t]+)?)\*\*(?P<key>[^*]+?)(?P<inner>:)?\*\*(?(inner)|[ \t]*:)"
    r"[ \t]*+(?P<value>.*+)$"
)
_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


@dataclass(frozen=True, slots=True)
class FieldSpot:
    rule: FieldRule
    key: tuple[int, int]
    """1-based columns ``[first, end)`` of ``**Key**:``."""
    value: tuple[int, int]
    """1-based columns ``[first, end)`` of the value (empty: where it goes)."""


@dataclass(frozen=True, slots=True)
class CellSpot:
    pair: TablePair
    name: str
    rule: ValueRule | None
    """None for a column the template does not have."""
    text: tuple[int, int]
    """1-based columns ``[first, end)`` of the cell's trimmed text."""
    header: bool


def field_at(analysis: Analysis, line: int) -> FieldSpot | None:
    """The template field written on ``line`` (metadata first, then section fields)."""
    match = _FIELD.match(analysis.positions.lines.content(line))
    if match is None:
        return None
    rules = [*analysis.template.fields]
    for section in analysis.template.all_sections():
        rules += section.fields
    wanted = match["key"].strip().casefold()
    rule = next((r for r in rules if r.key.casefold() == wanted), None)
    if rule is None:
        return None
    start = match.start("value")
    value = (start + 1, start + len(_without_break(match["value"])) + 1)
    return FieldSpot(rule, (match.start("key") - 1, match.start("value") + 1), value)


def _without_break(value: str) -> str:
    """A field's value without the blanks and the hard-break backslash that end its line."""
    value = value.rstrip(" \t")
    return value[:-1].rstrip(" \t") if value.endswith("\\") else value


def cell_at(analysis: Analysis, line: int, column: int) -> CellSpot | None:
    """The table cell at ``column`` of ``line``, in a table the template has."""
    for pair in analysis.context.table_pairs():
        table = pair.table
        if table is None or not table.line <= line <= table.end_line or line == table.line + 1:
            continue
        content = analysis.positions.lines.content(line)
        pipes = [match.end() - 1 for match in _PIPE.finditer(content)]
        lead = bool(pipes) and pipes[0] == len(content) - len(content.lstrip())
        bounds = ([] if lead else [-1]) + pipes + [len(content)]
        before = sum(1 for pipe in bounds[1:-1] if pipe < column - 1)
        index = max(0, min(before, len(table.header) - 1, len(bounds) - 2))
        start, end = _cell_bounds(content, bounds[index], bounds[index + 1])
        name = table.header[index].text if index < len(table.header) else ""
        rule = next(
            (
                r
                for r, n in zip(pair.rule.column_rules, pair.rule.columns, strict=True)
                if n.casefold() == name.casefold()
            ),
            None,
        )
        return CellSpot(pair, name, rule, (start, end), line == table.line)
    return None


def _cell_bounds(content: str, pipe: int, next_pipe: int) -> tuple[int, int]:
    """The trimmed text between two pipes, as 1-based columns ``[first, end)``."""
    left, right = pipe + 1, next_pipe
    inner = content[left:right]
    start = left + len(inner) - len(inner.lstrip())
    end = max(start, left + len(inner.rstrip()))
    return start + 1, end + 1


def describe(rule: ValueRule) -> str:
    """What a value must be, in a sentence of Markdown."""
    if rule.kind == "enum":
        return "One of " + ", ".join(f"`{value}`" for value in rule.values) + "."
    if rule.kind == "date":
        return "An ISO calendar date: `YYYY-MM-DD`, such as `2026-03-02`."
    if rule.kind == "version":
        return "A dotted version number, such as `1.0` or `2.3.1`."
    if rule.template_text:
        return f"Text. The template writes `{rule.template_text}`."
    return "Text."
