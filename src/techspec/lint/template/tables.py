"""A template's tables: required columns, their values, fixed rows and example rows."""

from __future__ import annotations

from techspec.document.model import Table
from techspec.lint.template.rules import FixedRow, TableRule, ValueRule
from techspec.lint.template.styles import has_any_placeholder
from techspec.lint.template.values import value_rule


def table_rule(table: Table, index: int) -> TableRule:
    column_rules = []
    for position, header in enumerate(table.header):
        samples = [row[position].text for row in table.rows if position < len(row)]
        rule = ValueRule()
        for sample in samples or [""]:
            rule = value_rule(header.text, sample, field=False)
            if rule.kind != "text":
                break
        column_rules.append(rule)
    fixed: list[FixedRow] = []
    examples = 0
    first = column_rules[0] if column_rules else ValueRule()
    for row in table.rows:
        if not row:
            continue
        key = row[0].text
        if key and has_any_placeholder(key):
            examples += 1
            continue
        if not key or first.kind != "text":
            continue
        fill = tuple(i for i, cell in enumerate(row) if has_any_placeholder(cell.text))
        fixed.append(FixedRow(key, fill))
    return TableRule(
        columns=tuple(table.columns),
        column_rules=tuple(column_rules),
        fixed_rows=tuple(fixed),
        label=table.label,
        index=index,
        example_rows=examples,
    )
