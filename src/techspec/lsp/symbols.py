"""The outline: the spec's sections as document symbols, nested as in the template, with
each missing section shown where it belongs (detail ``(missing)``) and the metadata
fields first."""

from __future__ import annotations

from lsprotocol import types

from techspec.document.model import Section
from techspec.lint.linter import MissingSection
from techspec.lsp.diagnostics import Analysis

MISSING = "(missing)"
_SECTION = types.SymbolKind.Namespace
_FIELD = types.SymbolKind.Field


def document_symbols(analysis: Analysis) -> list[types.DocumentSymbol]:
    spec, context = analysis.spec, analysis.context
    missing: dict[str | None, list[MissingSection]] = {}
    for item in context.missing if context.is_spec else []:
        missing.setdefault(item.parent, []).append(item)
    outline = _Outline(analysis, missing, {id(section) for section in context.extra})
    symbols = [outline.section(section) for section in spec.sections]
    symbols += [outline.missing(item) for item in missing.get(None, [])]
    symbols.sort(key=_place)
    metadata = outline.metadata() if context.is_spec else None
    return ([metadata] if metadata else []) + symbols


def _place(symbol: types.DocumentSymbol) -> tuple[int, int, bool]:
    """Document order; a missing section comes before the section it is missing above."""
    start = symbol.range.start
    return start.line, start.character, symbol.detail != MISSING


class _Outline:
    def __init__(
        self, analysis: Analysis, missing: dict[str | None, list[MissingSection]], extra: set[int]
    ) -> None:
        self.analysis = analysis
        self.positions = analysis.positions
        self.missing_by_parent = missing
        self.extra = extra

    def section(self, section: Section) -> types.DocumentSymbol:
        children = [self.section(child) for child in section.children]
        children += [self.missing(item) for item in self.missing_by_parent.get(section.path, [])]
        children.sort(key=_place)
        heading = types.Range(
            self.positions.to_lsp(section.line, section.column),
            self.positions.end_of_line(section.line),
        )
        whole = types.Range(
            self.positions.to_lsp(section.line, 1), self.positions.end_of_line(section.end_line)
        )
        return types.DocumentSymbol(
            name=section.title or "(untitled)",
            kind=_SECTION,
            range=whole,
            selection_range=heading,
            detail=self.detail(section),
            children=children,
        )

    def detail(self, section: Section) -> str | None:
        if id(section) in self.extra:
            return "not in the template"
        tasks = section.checklist
        if tasks:
            return f"{sum(1 for item in tasks if item.checked)}/{len(tasks)} done"
        return None

    def missing(self, item: MissingSection) -> types.DocumentSymbol:
        line = min(item.line, max(1, self.analysis.spec.line_count))
        point = self.positions.to_lsp(line, 1)
        return types.DocumentSymbol(
            name=item.rule.title,
            kind=_SECTION,
            range=types.Range(point, point),
            selection_range=types.Range(point, point),
            detail=MISSING,
        )

    def metadata(self) -> types.DocumentSymbol | None:
        spec, rules = self.analysis.spec, self.analysis.template.fields
        if not rules:
            return None
        fields = []
        for rule in rules:
            found = spec.field(rule.key)
            if found is None:
                line = spec.metadata[-1].line + 1 if spec.metadata else spec.title_line + 1
                point = self.positions.to_lsp(min(line, max(1, spec.line_count)), 1)
                where = types.Range(point, point)
                detail = MISSING
            else:
                where = types.Range(
                    self.positions.to_lsp(found.line, found.column),
                    self.positions.end_of_line(found.line),
                )
                detail = found.value
            fields.append(types.DocumentSymbol(rule.key, _FIELD, where, where, detail=detail))
        start = min((f.range.start for f in fields), key=lambda p: (p.line, p.character))
        end = max((f.range.end for f in fields), key=lambda p: (p.line, p.character))
        return types.DocumentSymbol(
            "Metadata",
            types.SymbolKind.Module,
            types.Range(start, end),
            types.Range(start, start),
            children=fields,
        )
