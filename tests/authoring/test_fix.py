"""``techspec.authoring.fix``: repairs read off the template, made only by inserting text."""

from __future__ import annotations

import random
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

from corpus import generate_corpus
from fix_bench import damage
from techspec.authoring.fix import SourceLines, apply_edits, find_repairs, fix_text, render_edits
from techspec.document.parser import parse, parsed_lines
from techspec.lint.linter import LintContext, lint, lint_text
from techspec.lint.selection import Selection
from techspec.lint.template import builtin_template

CLEAN = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")
DAY = date(2026, 4, 1)
REPAIRED = {"TS101", "TS201", "TS301", "TS302", "TS304", "TS501"}


def fixed(text: str, **options: object) -> str:
    return fix_text(text, today=DAY, **options).text  # type: ignore[arg-type]


def without(text: str, pattern: str) -> str:
    damaged = re.sub(pattern, "", text, count=1, flags=re.MULTILINE)
    assert damaged != text, pattern
    return damaged


def is_subsequence(original: str, result: str) -> bool:
    """Every character of ``original`` is in ``result``, in order: only insertions happened."""
    rest = iter(result)
    return all(char in rest for char in original)


def rules(text: str) -> set[str]:
    return {finding.rule for finding in lint_text(text)}


def test_a_clean_spec_is_left_exactly_as_it_was() -> None:
    result = fix_text(CLEAN, today=DAY)
    assert result.text == CLEAN
    assert result.fixed == []
    assert result.remaining == []


def test_a_missing_section_gets_the_template_heading_and_body_where_the_template_orders_it() -> (
    None
):
    damaged = without(CLEAN, r"^### Out of Scope\n\n(- .*\n)+\n")
    text = fixed(damaged)
    assert "### In Scope" in text
    assert text.index("### In Scope") < text.index("### Out of Scope")
    assert text.index("### Out of Scope") < text.index("### Success Criteria")
    expected = (
        "### Out of Scope\n\n- [Features explicitly not included in this implementation]\n"
        "- [Future enhancements that are planned but not part of this work]\n"
        "- [Systems that will not be changed]\n\n### Success Criteria"
    )
    assert expected in text
    assert rules(text) & REPAIRED == set()


def test_a_missing_parent_section_is_inserted_with_its_children() -> None:
    damaged = without(CLEAN, r"^## Testing Strategy\n[\s\S]*?(?=^## Monitoring)")
    text = fixed(damaged)
    section = text[text.index("## Testing Strategy") : text.index("## Monitoring")]
    for child in ("Unit", "Integration", "Performance", "Security"):
        assert f"### {child} Testing" in section
    assert "- [Coverage requirements]" in section


def test_a_missing_last_section_goes_before_the_rule_and_the_document_history() -> None:
    damaged = without(CLEAN, r"^### D\. Security Analysis\n\n.*\n\n")
    text = fixed(damaged)
    assert text.index("### D. Security Analysis") < text.index("**Document History**")
    between = text[text.index("### D. Security Analysis") : text.index("**Document History**")]
    assert (
        between
        == "### D. Security Analysis\n\n[Detailed security assessment and threat model]\n\n---\n\n"
    )


def test_a_missing_last_section_keeps_the_history_label_on_its_table_without_a_rule() -> None:
    damaged = without(CLEAN, r"^### D\. Security Analysis\n\n.*\n\n---\n\n")
    text = fixed(damaged)
    assert "threat model]\n\n**Document History**\n\n| Version" in text
    assert rules(text) & REPAIRED == set()


def test_a_missing_top_level_section_before_a_rule_goes_above_the_rule() -> None:
    damaged = without(CLEAN, r"^## Review & Approval\n[\s\S]*?(?=^---)")
    text = fixed(damaged)
    assert text.index("### Sign-off") < text.index("---\n\n## Appendices")
    assert rules(text) & REPAIRED == set()


def test_missing_metadata_fields_keep_the_hard_break_backslashes_consistent() -> None:
    damaged = CLEAN.replace("**Status**: Approved\\\n", "").replace(
        "\\\n**Reviewers**: Grace Hopper, Alan Turing", ""
    )
    text = fixed(damaged)
    assert (
        "**Date**: 2026-03-02\\\n**Status**: Draft | Review | Approved | Implemented\\\n"
        "**Reviewers**: [List of reviewers]\n\n## Executive Summary"
    ) in text


def test_a_missing_first_metadata_field_goes_above_the_others() -> None:
    damaged = CLEAN.replace("**Document Version**: 1.0\\\n", "")
    text = fixed(damaged)
    assert "Ledger\n\n**Document Version**: 1.0\\\n**Author**: Ada Lovelace\\\n" in text


def test_a_missing_metadata_block_is_written_below_the_title() -> None:
    damaged = without(CLEAN, r"^\*\*Document Version[\s\S]*?Turing\n\n")
    text = fixed(damaged)
    assert text.startswith(
        "# Technical Specification: Payments Ledger\n\n**Document Version**: 1.0\\\n"
    )
    assert "**Reviewers**: [List of reviewers]\n\n## Executive Summary" in text


def test_a_missing_phase_field_is_inserted_in_the_phase() -> None:
    damaged = without(CLEAN, r"^\*\*Duration\*\*: .*\n")
    text = fixed(damaged)
    assert "### Phase 1: Foundations\n\n**Duration**: [Estimated time]\\\n**Dependencies**" in text


RISKS = (
    "| Risk               | Probability     | Impact          | Mitigation             |\n"
    "| ------------------ | --------------- | --------------- | ---------------------- |\n"
    "| Risk description | Medium | Medium | How we'll address it |\n"
)


def test_a_missing_column_gets_a_header_cell_a_delimiter_cell_and_an_empty_cell_per_row() -> None:
    assert RISKS in CLEAN
    damaged = CLEAN.replace(
        RISKS,
        "| Risk               | Impact          | Mitigation             |\n"
        "| ------------------ | --------------- | ---------------------- |\n"
        "| Risk description | Medium | How we'll address it |\n",
    )
    text = fixed(damaged)
    assert (
        "| Risk               | Probability | Impact          | Mitigation             |\n"
        "| ------------------ | ----------- | --------------- | ---------------------- |\n"
        "| Risk description |             | Medium | How we'll address it |\n"
    ) in text
    assert rules(text) & REPAIRED == set()


def test_a_table_without_outer_pipes_gets_its_column_at_the_end() -> None:
    damaged = CLEAN.replace(
        RISKS,
        "Risk | Probability | Impact\n--- | --- | ---\nRisk description | Medium | Medium\n",
    )
    text = fixed(damaged)
    assert (
        "Risk | Probability | Impact | Mitigation\n--- | --- | --- | ----------\n"
        "Risk description | Medium | Medium |           \n"
    ) in text


def test_a_missing_fixed_row_is_appended_with_the_template_cells() -> None:
    damaged = without(CLEAN, r"^\| Product Owner .*\n")
    text = fixed(damaged)
    assert "| Security Lead  | Radia Perlman | 2026-03-01 | approved |\n| Product Owner" in text
    assert "| Product Owner  | [Name] | [Date] | [Approval] |" in text
    assert "TS302" not in rules(text)
    assert "TS402" in rules(text)  # the new row still has to be signed


def test_a_missing_checklist_item_is_appended_to_the_checklist() -> None:
    damaged = without(CLEAN, r"^- \[x\] Security review completed\n")
    text = fixed(damaged)
    assert "- [x] Performance review completed\n- [ ] Security review completed\n" in text


def test_a_missing_item_of_a_numbered_checklist_continues_its_numbering() -> None:
    damaged = CLEAN.replace(
        "- [x] Architecture review completed\n", "1. [x] Architecture review completed\n"
    )
    damaged = damaged.replace("- [x] Security review completed\n", "")
    damaged = damaged.replace(
        "- [x] Performance review completed\n", "2. [x] Performance review completed\n"
    )
    text = fixed(damaged)
    assert "2. [x] Performance review completed\n3. [ ] Security review completed\n" in text


def test_a_missing_history_row_gets_the_version_and_the_day_of_the_fix() -> None:
    damaged = CLEAN.replace("**Document Version**: 1.0", "**Document Version**: 1.1")
    text = fixed(damaged)
    assert text.endswith(
        "| Initial version |\n| 1.1     | 2026-04-01 |          |                 |\n"
    )
    assert "TS501" not in rules(text)


def test_a_new_version_column_lets_the_history_row_follow_in_the_same_run() -> None:
    damaged = CLEAN.replace("**Document Version**: 1.0", "**Document Version**: 1.1")
    damaged = damaged.replace("| Version | Date   |", "| Date   |").replace(
        "| ------- | ------ |", "| ------ |"
    )
    damaged = damaged.replace("| 1.0     | 2026-03-02 |", "| 2026-03-02 |")
    text = fixed(damaged)
    assert "TS301" not in rules(text) and "TS501" not in rules(text)
    assert fixed(text) == text


def test_crlf_line_endings_and_a_bom_are_kept() -> None:
    damaged = "\ufeff" + without(CLEAN, r"^### Out of Scope\n\n(- .*\n)+\n").replace("\n", "\r\n")
    text = fixed(damaged)
    assert text.startswith("\ufeff# Technical")
    assert "\n" not in text.replace("\r\n", "")
    assert "\r\n### Out of Scope\r\n\r\n- [Features" in text


def test_a_file_without_a_final_newline_gets_the_inserted_lines_on_lines_of_their_own() -> None:
    damaged = CLEAN.replace("**Document Version**: 1.0", "**Document Version**: 1.1").rstrip("\n")
    text = fixed(damaged)
    assert text.endswith(
        "| Initial version |\n| 1.1     | 2026-04-01 |          |                 |\n"
    )


def test_text_the_parser_misreads_is_left_as_it_was_rather_than_repaired_again_and_again() -> None:
    old_mac = CLEAN.replace("\n", "\r")  # CR line endings: the Markdown parser misses sections
    assert "TS101" in rules(old_mac)
    assert fixed(old_mac) == old_mac


def test_a_suppressed_finding_is_left_alone() -> None:
    damaged = without(CLEAN, r"^### Out of Scope\n\n(- .*\n)+\n")
    damaged = damaged.replace(
        "### Success Criteria", "<!-- techspec-disable-next-line TS101 -->\n### Success Criteria"
    )
    assert fixed(damaged) == damaged


def test_a_rule_that_is_not_selected_is_left_alone() -> None:
    damaged = without(CLEAN, r"^### Out of Scope\n\n(- .*\n)+\n")
    assert fixed(damaged, selection=Selection(ignore=("TS101",))) == damaged


def test_a_numbering_gap_is_renumbered_only_when_unsafe_fixes_are_asked_for() -> None:
    damaged = CLEAN.replace("### Phase 2:", "### Phase 4:")
    assert fixed(damaged) == damaged
    text = fixed(damaged, unsafe=True)
    assert "### Phase 2:" in text and "### Phase 4:" not in text
    assert "TS104" not in rules(text)


def test_a_file_that_is_not_a_spec_is_not_touched() -> None:
    readme = "# Notes\n\nNothing here is a spec.\n"
    result = fix_text(readme, today=DAY)
    assert result.text == readme
    assert [finding.rule for finding in result.remaining] == ["TS001"]


def test_each_repair_answers_only_its_own_finding() -> None:
    damaged = CLEAN.replace("**Status**: Approved\\\n", "").replace(
        "**Author**: Ada Lovelace\\\n", ""
    )
    context = LintContext(parse(damaged), builtin_template())
    findings = [f for f in lint_text(damaged) if f.rule == "TS201"]
    repairs = [r for r in find_repairs(context) if r.rule == "TS201"]
    assert len(findings) == len(repairs) == 2
    for finding in findings:
        assert sum(repair.answers(finding) for repair in repairs) == 1


def test_one_repair_alone_changes_only_its_own_place() -> None:
    damaged = without(CLEAN, r"^### Out of Scope\n\n(- .*\n)+\n")
    damaged = without(damaged, r"^- \[x\] Security review completed\n")
    context = LintContext(parse(damaged), builtin_template())
    item = next(r for r in find_repairs(context) if r.rule == "TS304")
    text = apply_edits(damaged, render_edits(context, [item], today=DAY))
    assert "Security review completed" in text
    assert "### Out of Scope" not in text


# -- the property: only insertions, nothing fixable left, a second run changes nothing -------

LINES = CLEAN.splitlines(keepends=True)
_HEADING = re.compile(r"(#{2,6}) ")
_UNIT_LINE = re.compile(
    r"---$|\*\*[A-Z][^*]+\*\*: |\| (?!-)(?!Role|Version|Risk |Dependency )|- \[[x ]\] "
)


def _units() -> list[range]:
    """Line ranges a damage may delete: each section with its subsections, each metadata
    field, table row and checklist item of the clean spec."""
    headings = [(i, len(m[1])) for i, line in enumerate(LINES) if (m := _HEADING.match(line))]
    units = []
    for index, (start, level) in enumerate(headings):
        end = next((i for i, deeper in headings[index + 1 :] if deeper <= level), len(LINES))
        units.append(range(start, end))
    units += [range(i, i + 1) for i, line in enumerate(LINES) if _UNIT_LINE.match(line)]
    return units


def _tables() -> list[range]:
    starts = [
        i
        for i, line in enumerate(LINES)
        if line.startswith("|") and not LINES[i - 1].startswith("|")
    ]
    return [
        range(
            i,
            next(
                j
                for j in range(i, len(LINES) + 1)
                if j == len(LINES) or not LINES[j].startswith("|")
            ),
        )
        for i in starts
    ]


UNITS = _units()
TABLES = _tables()


def _damage(
    deleted: set[int], column: tuple[int, int] | None, eol: str, bom: bool, final: bool
) -> str:
    lines = list(LINES)
    if column is not None:
        table, index = TABLES[column[0]], column[1]
        for i in table:
            cells = lines[i].rstrip("\n").split("|")
            lines[i] = "|".join(cells[: index + 1] + cells[index + 2 :]) + "\n"
    gone = {i for unit in deleted for i in UNITS[unit]}
    text = "".join(line for i, line in enumerate(lines) if i not in gone).replace("\n", eol)
    return ("\ufeff" if bom else "") + (text if final else text.rstrip("\r\n"))


@settings(max_examples=80, deadline=None)
@given(
    deleted=st.sets(st.integers(0, len(UNITS) - 1), max_size=4),
    column=st.none() | st.tuples(st.integers(0, len(TABLES) - 1), st.integers(0, 2)),
    eol=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    final=st.booleans(),
)
def test_fix_only_inserts_leaves_nothing_to_repair_and_changes_nothing_the_second_time(
    deleted: set[int], column: tuple[int, int] | None, eol: str, bom: bool, final: bool
) -> None:
    damaged = _damage(deleted, column, eol, bom, final)
    result = fix_text(damaged, today=DAY)
    assert is_subsequence(damaged, result.text)
    left = {f.rule for f in result.remaining if f.severity == "error"} & REPAIRED
    assert left == set(), result.text
    assert fix_text(result.text, today=DAY).text == result.text
    assert result.text.startswith("\ufeff") == bom
    if eol == "\r\n":
        assert "\n" not in result.text.replace("\r\n", "")


# -- what fix reports is what lint says of the final text ---------------------------------


@pytest.fixture(scope="module")
def damaged_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Benchmark specs with a section or two deleted from each, as ``fix_bench`` does."""
    rng = random.Random(1234)
    texts = []
    for path in generate_corpus(tmp_path_factory.mktemp("corpus"), count=40, seed=5):
        damage(path, rng)
        texts.append(path.read_text("utf-8"))
    return texts


def test_the_findings_left_are_exactly_those_lint_reports_for_the_fixed_text(
    damaged_corpus: list[str],
) -> None:
    changed = 0
    for damaged in damaged_corpus:
        result = fix_text(damaged, today=DAY, path="spec.md")
        changed += result.text != damaged
        assert result.remaining == lint(parse(result.text, "spec.md"))
        assert result.status == parse(result.text).status
        assert fix_text(result.text, today=DAY).text == result.text
    assert changed > len(damaged_corpus) * 0.9  # a deleted repeatable section is not missing


def test_the_findings_left_are_lint_s_when_nothing_could_be_fixed() -> None:
    damaged = without(CLEAN, r"^### Out of Scope\n\n(- .*\n)+\n")
    ignoring = Selection(ignore=("TS101",))
    result = fix_text(damaged, today=DAY, selection=ignoring)
    assert result.text == damaged and result.fixed == []
    assert result.remaining == lint(parse(damaged), selection=ignoring)
    old_mac = CLEAN.replace("\n", "\r")
    assert fix_text(old_mac, today=DAY).remaining == lint_text(old_mac)


def test_the_findings_left_keep_a_selection_and_suppressions_of_other_rules() -> None:
    damaged = without(CLEAN, r"^### Out of Scope\n\n(- .*\n)+\n")
    damaged = damaged.replace("**Author**: Ada Lovelace", "**Author**: [Author]")
    damaged = damaged.replace(
        "**Author**", "<!-- techspec-disable-next-line TS205 -->\n**Author**", 1
    )
    selection = Selection(ignore=("TS502",))
    result = fix_text(damaged, today=DAY, selection=selection)
    assert "### Out of Scope" in result.text
    assert result.remaining == lint(parse(result.text), selection=selection)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["\n", "a", " ", "é", "→", "𝄞", "# h\n", "\ufeff"]), max_size=40))
def test_the_parser_s_line_starts_give_the_same_source_lines(parts: list[str]) -> None:
    text = "".join(parts)
    lazy, split = SourceLines(text, parsed_lines(parse(text))), SourceLines(text)
    lines = range(-1, split.count + 3)
    assert [lazy.start(n) for n in lines] == [split.start(n) for n in lines]
    assert [lazy.content(n) for n in lines] == [split.content(n) for n in lines]
    assert lazy.after(split.count, ["x"]) == split.after(split.count, ["x"])
    assert vars_of(lazy) == vars_of(split)


def vars_of(lines: SourceLines) -> tuple[object, ...]:
    return lines.starts, lines.stops, lines.count, lines.eol, lines.origin


def test_a_dropped_round_reports_the_text_from_before_it_as_lint_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The round's re-parse takes the parsed text's nodes over; dropping the round must
    still report exactly what lint says of the text kept."""
    damaged = without(CLEAN, r"^### Out of Scope\n\n(- .*\n)+\n")
    monkeypatch.setattr("techspec.authoring.fix._took", lambda *args: False)
    result = fix_text(damaged, today=DAY, parsed=parse(damaged))
    assert result.text == damaged and result.fixed == []
    assert result.remaining == lint(parse(damaged))
    assert result.status == parse(damaged).status
