"""The outline, quick fixes, suppressions, hover and completion of the language server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsp_harness import CLEAN, Session, SharedServer, apply, line_of, shared_server
from lsprotocol import types

from techspec.authoring.fix import fix_text
from techspec.lint.linter import lint_text

NO_OUT_OF_SCOPE = re.sub(r"^### Out of Scope\n\n(- .*\n)+\n", "", CLEAN, count=1, flags=re.M)
NO_TESTING = re.sub(r"^## Testing Strategy\n[\s\S]*?(?=^## Monitoring)", "", CLEAN, flags=re.M)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedServer]:
    """One real server process for this module's tests."""
    yield from shared_server(tmp_path_factory)


def _find(symbols: list[types.DocumentSymbol], name: str) -> types.DocumentSymbol:
    for symbol in symbols:
        if symbol.name == name:
            return symbol
        try:
            return _find(list(symbol.children or []), name)
        except LookupError:
            continue
    raise LookupError(name)


def test_the_outline_mirrors_the_template_and_shows_missing_sections(
    server: SharedServer, tmp_path: Path
) -> None:
    text = NO_OUT_OF_SCOPE.replace("**Status**: Approved\\\n", "")

    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", text)
        symbols = await live.symbols(uri)
        assert [s.name for s in symbols][:3] == [
            "Metadata",
            "Executive Summary",
            "Background & Context",
        ]
        scope = _find(symbols, "Scope")
        assert [(c.name, c.detail) for c in scope.children or []] == [
            ("In Scope", None),
            ("Out of Scope", "(missing)"),
            ("Success Criteria", "0/3 done" if "- [ ]" in text else "3/3 done"),
        ]
        missing = _find(symbols, "Out of Scope")
        assert missing.range.start.line == line_of(text, "### Success Criteria")
        status = _find(symbols, "Status")
        assert status.detail == "(missing)"
        assert _find(symbols, "Author").detail == "Ada Lovelace"

    server.run(scenario)


def test_the_quick_fix_for_a_finding_inserts_what_techspec_fix_inserts(
    server: SharedServer, tmp_path: Path
) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", NO_OUT_OF_SCOPE)
        (diagnostic,) = await live.diagnostics(uri)
        actions = await live.actions(uri, diagnostic.range.start.line, [diagnostic])
        fix = next(a for a in actions if a.is_preferred)
        assert fix.title == "Fix TS101: Insert section '### Out of Scope'"
        assert fix.kind == types.CodeActionKind.QuickFix
        assert list(fix.diagnostics or []) == [diagnostic]
        assert apply(NO_OUT_OF_SCOPE, fix.edit, uri) == fix_text(NO_OUT_OF_SCOPE).text

    server.run(scenario)


def test_insert_all_missing_sections_adds_every_missing_section(
    server: SharedServer, tmp_path: Path
) -> None:
    text = re.sub(r"^### Out of Scope\n\n(- .*\n)+\n", "", NO_TESTING, count=1, flags=re.M)

    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", text)
        published = await live.diagnostics(uri)
        assert sorted(str(d.code) for d in published) == ["TS101", "TS101"]
        actions = await live.actions(uri, published[0].range.start.line, published)
        (insert_all,) = [a for a in actions if a.title == "Insert all 2 missing sections"]
        fixed = apply(text, insert_all.edit, uri)
        assert "### Out of Scope" in fixed and "## Testing Strategy" in fixed
        assert "TS101" not in {f.rule for f in lint_text(fixed)}

    server.run(scenario)


def test_fix_all_is_a_source_action_giving_the_text_techspec_fix_gives(
    server: SharedServer, tmp_path: Path
) -> None:
    text = NO_OUT_OF_SCOPE.replace("- [x] Security review completed\n", "").replace(
        "| Product Owner  | Grace Hopper | 2026-03-01 | approved |\n", ""
    )

    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", text)
        await live.diagnostics(uri)
        (action,) = await live.actions(uri, 0, only=["source.fixAll"])
        assert action.kind == "source.fixAll.techspec"
        assert apply(text, action.edit, uri) == fix_text(text).text

    server.run(scenario)


def test_actions_for_the_whole_document_are_offered_only_near_a_finding_or_when_asked(
    server: SharedServer, tmp_path: Path
) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", NO_TESTING)
        await live.diagnostics(uri)
        assert await live.actions(uri, 0) == []
        titles = [a.title for a in await live.actions(uri, 0, only=["source"])]
        assert titles == ["Fix all 1 fixable techspec problems"]

    server.run(scenario)


def test_suppressing_a_rule_for_a_line_silences_only_that_finding(
    server: SharedServer, tmp_path: Path
) -> None:
    text = CLEAN.replace("Ada Lovelace\\", "[Author Name]\\").replace(
        "2-3 sentence summary", "[2-3 sentence summary]"
    )

    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", text)
        published = await live.diagnostics(uri)
        summary = next(d for d in published if "[2-3" in d.message)
        actions = await live.actions(uri, summary.range.start.line, [summary])
        (suppress,) = [a for a in actions if a.title == "Suppress TS205 for this line"]
        silenced = apply(text, suppress.edit, uri)
        assert "<!-- techspec-disable-next-line TS205 -->\n[2-3 sentence summary]" in silenced
        remaining = [(f.rule, f.message) for f in lint_text(silenced)]
        assert remaining == [("TS205", "placeholder '[Author Name]' left in")]

    server.run(scenario)


def test_suppressing_inside_a_table_wraps_the_table_and_keeps_it_whole(
    server: SharedServer, tmp_path: Path
) -> None:
    text = CLEAN.replace("| 1.0     | 2026-03-02 | Ada Lovelace |", "| 1.0     | 2026-03-02 |  |")

    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", text)
        (empty,) = await live.diagnostics(uri)
        assert empty.code == "TS303"
        actions = await live.actions(uri, empty.range.start.line, [empty])
        (suppress,) = [a for a in actions if a.title.startswith("Suppress")]
        assert suppress.title == "Suppress TS303 for this table"
        silenced = apply(text, suppress.edit, uri)
        assert "<!-- techspec-disable TS303 -->\n**Document History**" in silenced
        assert silenced.endswith("Initial version |\n<!-- techspec-enable TS303 -->\n")
        assert lint_text(silenced) == []

    server.run(scenario)


def test_hover_on_the_status_key_lists_the_lifecycle(server: SharedServer, tmp_path: Path) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", CLEAN)
        hover = await live.hover(uri, line_of(CLEAN, "**Status**"), 3)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert "One of `Draft`, `Review`, `Approved`, `Implemented`." in hover.contents.value
        date = await live.hover(uri, line_of(CLEAN, "**Date**"), 2)
        assert date is not None and isinstance(date.contents, types.MarkupContent)
        assert "`YYYY-MM-DD`" in date.contents.value

    server.run(scenario)


def test_hover_on_a_table_column_says_what_the_template_expects(
    server: SharedServer, tmp_path: Path
) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", CLEAN)
        row = line_of(CLEAN, "| Risk description |")
        hover = await live.hover(uri, row, len("| Risk description | Me"))
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value.startswith("Column **Probability**")
        assert "One of `High`, `Medium`, `Low`." in hover.contents.value
        signoff = await live.hover(uri, line_of(CLEAN, "| Role "), 3)
        assert signoff is not None and isinstance(signoff.contents, types.MarkupContent)
        assert "Technical Lead, Product Owner, Security Lead" in signoff.contents.value

    server.run(scenario)


def test_completion_of_the_status_value_offers_the_lifecycle(
    server: SharedServer, tmp_path: Path
) -> None:
    text = CLEAN.replace("**Status**: Approved", "**Status**: Re")

    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", text)
        line = line_of(text, "**Status**")
        items = await live.completion(uri, line, len("**Status**: Re"))
        assert [item.label for item in items] == ["Draft", "Review", "Approved", "Implemented"]
        edit = items[1].text_edit
        assert isinstance(edit, types.TextEdit)
        assert (edit.range.start.character, edit.range.end.character) == (12, 14)

    server.run(scenario)


def test_completion_in_an_enumerated_cell_offers_high_medium_low(
    server: SharedServer, tmp_path: Path
) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", CLEAN)
        row = line_of(CLEAN, "| Risk description |")
        items = await live.completion(uri, row, len("| Risk description | Me"))
        assert [item.label for item in items] == ["High", "Medium", "Low"]
        mitigation = await live.completion(uri, row, len(CLEAN.splitlines()[row]) - 3)
        assert mitigation == []

    server.run(scenario)


def test_completion_on_a_heading_line_offers_missing_sections_nearest_first(
    server: SharedServer, tmp_path: Path
) -> None:
    text = NO_OUT_OF_SCOPE.replace("## Testing Strategy\n", "## Testing Strategy\n\n### \n", 1)
    text = re.sub(r"^### Unit Testing\n\n(- .*\n)+\n", "", text, count=1, flags=re.M)
    text = re.sub(r"^### Integration Testing\n\n(- .*\n)+\n", "", text, count=1, flags=re.M)

    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", text)
        line = line_of(text, "### \n")
        items = await live.completion(uri, line, 4)
        labels = [item.label for item in items]
        assert set(labels) == {"### Out of Scope", "### Unit Testing", "### Integration Testing"}
        assert labels[-1] == "### Out of Scope"

    server.run(scenario)


def test_hover_on_a_heading_says_what_the_template_section_holds(
    server: SharedServer, tmp_path: Path
) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", CLEAN)
        hover = await live.hover(uri, line_of(CLEAN, "### Technical Review"), 5)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        text = hover.contents.value
        assert text.startswith("`### Technical Review` (a section of the template)")
        assert "Holds a checklist." in text
        assert "- Architecture review completed" in text
        phase = await live.hover(uri, line_of(CLEAN, "### Phase 1"), 5)
        assert phase is not None and isinstance(phase.contents, types.MarkupContent)
        assert "numbered 1, 2, 3" in phase.contents.value

    server.run(scenario)
