"""Hostile text is read in time linear in its length (issue 14).

Each test builds one pathological input (a long run of one character, a construct opened
and never closed, many of one thing) at a size and at eight times that size (twice, for
the one whose time grew exponentially), and checks that the step takes less than thirty
times longer on the larger.  A linear step takes
about eight times longer, a quadratic one sixty-four, a cubic or exponential one far
more: the sizes are chosen so that the code before the fix took more than sixty times
longer.  Times are CPU times of this process, the best of a few runs, so another process
on the machine barely moves them; the ceiling is a backstop against super-linear growth,
not a speed target (``benchmarks/adversarial_bench.py`` measures speed).
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import pytest
from lsprotocol import types

from techspec.authoring.content_hash import value_span
from techspec.authoring.diff import diff_specs
from techspec.authoring.fix import fix_text
from techspec.authoring.render.body import heading_ids
from techspec.authoring.writeback import check_review_items
from techspec.document.model import Spec
from techspec.document.parser import parse
from techspec.document.reparse import reparse
from techspec.errors import TemplateError
from techspec.formats.junit import render_junit
from techspec.lint.findings import FileReport, Finding
from techspec.lint.linter import lint
from techspec.lint.template import SectionRule, Template, builtin_template
from techspec.lint.template.compiler import compile_text
from techspec.lsp.actions import code_actions
from techspec.lsp.diagnostics import Analysis, analyze, diagnostics
from techspec.lsp.hover import hover

T = TypeVar("T")
FACTOR = 8
CEILING = 30.0
FLOOR = 0.001
HEAD = "# Technical Specification: Ledger\n\n**Status**: Draft\n\n"


def slowdown(
    make: Callable[[int], T], step: Callable[[T], object], size: int, factor: int = FACTOR
) -> float:
    """How many times more CPU time ``step`` takes on ``make(factor * size)`` than on
    ``make(size)``: the best of five runs against the best of up to three (stopping at
    the first under the ceiling, or when the first is four times over it).  A base under
    a millisecond counts as one: a step that quick is linear, or the ratio is noise."""
    small, large = make(size), make(factor * size)
    base = max(min(_cpu(step, small) for _ in range(5)), FLOOR)
    ratio = math.inf
    for _ in range(3):
        ratio = min(ratio, _cpu(step, large) / base)
        if ratio < CEILING or ratio > 4 * CEILING:
            break
    return ratio


def _cpu(step: Callable[[T], object], value: T) -> float:
    gc.disable()
    try:
        start = time.process_time()
        step(value)
        return time.process_time() - start
    finally:
        gc.enable()


def grows_linearly(
    make: Callable[[int], T], step: Callable[[T], object], size: int, factor: int = FACTOR
) -> bool:
    return slowdown(make, step, size, factor) < CEILING


def _phase_rule(template: Template) -> SectionRule:
    return next(rule for rule in template.all_sections() if rule.repeatable)


def _analysis(text: str) -> Analysis:
    return analyze(text, None)


# -- the parser ------------------------------------------------------------------------


def test_a_field_line_with_a_long_run_of_blanks_parses_in_linear_time() -> None:
    assert grows_linearly(lambda n: HEAD + f"**Author**: a{' ' * n}x\n", parse, 150)


def test_an_unclosed_bracket_before_a_long_word_parses_in_linear_time() -> None:
    assert grows_linearly(lambda n: HEAD + "[" + "a" * n + "\n", parse, 2_000)


def test_many_unclosed_html_comments_parse_in_linear_time() -> None:
    assert grows_linearly(lambda n: HEAD + "<!--" * n, parse, 800)


def test_placeholders_on_one_long_non_ascii_line_get_their_columns_in_linear_time() -> None:
    assert grows_linearly(lambda n: HEAD + "é [todo] " * n + "\n", parse, 2_000)


def test_placeholders_among_many_links_in_one_paragraph_parse_in_linear_time() -> None:
    assert grows_linearly(lambda n: HEAD + "[a](b) [todo] " * n + "\n", parse, 600)


def test_insertions_between_setext_headings_are_reparsed_in_linear_time() -> None:
    def make(n: int) -> tuple[Spec, list[tuple[int, str]]]:
        sections = [f"Part {i}\n------\n\n" for i in range(n)]
        text = "".join(section + "Text.\n\n" for section in sections)
        starts = [0]
        for section in sections:
            starts.append(starts[-1] + len(section) + len("Text.\n\n"))
        ends = [start + len(section) for start, section in zip(starts, sections, strict=False)]
        return parse(text), [(at, "More.\n") for at in ends]  # before each "Text."

    assert grows_linearly(make, lambda made: reparse(*made), 1_000)


def test_front_matter_with_a_long_run_of_blanks_after_a_key_parses_in_linear_time() -> None:
    assert grows_linearly(lambda n: f"---\nstatus:{' ' * n}x\n---\n\n# T\n", parse, 2_000)


def test_front_matter_with_a_long_word_and_no_colon_parses_in_linear_time() -> None:
    assert grows_linearly(lambda n: "---\n" + "a" * n + "\n---\n\n# T\n", parse, 2_000)


def test_many_front_matter_fields_parse_in_linear_time() -> None:
    assert grows_linearly(lambda n: "---\n" + "key: value\n" * n + "---\n\n# T\n", parse, 500)


def test_a_list_item_of_many_words_before_a_colon_parses_in_linear_time() -> None:
    assert grows_linearly(lambda n: "- " + "word " * n + ": value\n\n# T\n", parse, 500)


def test_a_list_item_with_an_unclosed_bold_key_parses_in_linear_time() -> None:
    assert grows_linearly(lambda n: "- **" + "a" * n + "\n\n# T\n", parse, 2_000)


def test_a_long_list_of_fields_parses_in_linear_time() -> None:
    assert grows_linearly(lambda n: "- Feature Name: x\n" * n + "\n# T\n", parse, 500)


# -- the template and the linter -------------------------------------------------------


def test_a_status_enumeration_that_never_closes_compiles_in_linear_time() -> None:
    def make(n: int) -> str:
        return f"# Spec: [Name]\n\n**Status**: {'A  | ' * n}A  ]\n\n## Summary\n\n[Text]\n"

    counter = iter(range(1_000_000))  # a new text each run: compiled templates are cached

    def step(text: str) -> object:
        return Template.from_markdown(text + f"{next(counter)}\n")

    # Twice as long, not eight times: before the fix each part multiplied the time by 3 to 6.
    assert grows_linearly(make, step, 4, factor=2)


def test_a_title_ending_in_a_long_run_of_blanks_is_matched_in_linear_time() -> None:
    template = builtin_template()
    title = "Technical Specification: a{}b"
    assert grows_linearly(lambda n: title.format(" " * n), template.title_matches, 2_000)


def test_a_heading_ending_in_a_long_run_of_blanks_is_matched_in_linear_time() -> None:
    rule = _phase_rule(builtin_template())
    assert grows_linearly(lambda n: f"Phase 1: a{' ' * n}b", rule.matches, 2_000)


def test_a_long_run_of_digits_in_a_heading_is_numbered_in_linear_time() -> None:
    rule = _phase_rule(Template.from_markdown("# Spec\n\n## Phase 1 [Name] rollout\n\nText.\n"))
    assert grows_linearly(lambda n: f"Phase {'1' * n} x", rule.number, 2_000)


def test_a_title_with_two_placeholders_is_matched_in_linear_time() -> None:
    template = Template.from_markdown("# [Team] plan [Name] end\n\n## Scope\n\nText.\n")
    assert grows_linearly(lambda n: "a " + "plan " * n, template.title_matches, 300)


def _compiled(make: Callable[[int], str]) -> Callable[[int], str]:
    """Each text made new (compiled templates are cached by content)."""
    counter = iter(range(1_000_000))
    return lambda n: make(n) + f"\n<!-- {next(counter)} -->\n"


def _compile_or_refuse(text: str) -> object:
    """The compiler itself, each time: ``Template.from_markdown`` would answer the timed
    repeats of one text from its cache."""
    try:
        return compile_text(text, "template")
    except TemplateError as error:
        return error


@pytest.mark.parametrize(
    "unit",
    ["{", "\\<", "<", "[", "N", "NNN ", "1.", ": your ", "(optional) ", "- a: b\n", "* {x}\n"],
)
def test_a_template_with_a_long_run_of_one_construct_compiles_in_linear_time(unit: str) -> None:
    make = _compiled(lambda n: "# {Title} " + unit * n + "\n\n## " + unit * n + "\n\n" + unit * n)
    assert grows_linearly(make, _compile_or_refuse, 300)


def test_many_optional_and_repeated_headings_compile_in_linear_time() -> None:
    def make(n: int) -> str:
        parts = "".join(
            f"<!-- This is an optional element. -->\n## Part {i} (Optional)\n\n"
            f"### {{option {i}}}\n\n- [ ] Other\n\n"
            for i in range(n)
        )
        return "# {title}\n\n" + parts

    assert grows_linearly(_compiled(make), _compile_or_refuse, 100)


def test_a_document_full_of_curly_and_angle_text_lints_in_linear_time() -> None:
    template = Template.from_markdown("# {title}\n\n## Context\n\n{Describe it.} \\<Role-1>\n")
    line = "{Describe it.} {x} \\<Role-1> <b> "
    assert grows_linearly(
        lambda n: parse("# T\n\n## Context\n\n" + line * n + "\n"),
        lambda spec: lint(spec, template),
        300,
    )


def test_a_document_of_many_help_comments_lints_in_linear_time() -> None:
    template = Template.from_markdown(
        "# {title}\n\n## Context\n\n<!-- Explain the forces at play. -->\n"
    )
    unit = "<!-- Explain the forces at play. -->\n\n"
    assert grows_linearly(
        lambda n: parse("# T\n\n## Context\n\n" + unit * n), lambda spec: lint(spec, template), 200
    )


def test_many_suppressions_and_findings_lint_in_linear_time() -> None:
    unit = "<!-- techspec-disable-next-line TS205 -->\n[todo]\n\n"
    assert grows_linearly(lambda n: parse(HEAD + unit * n), lint, 400)


def test_enables_that_close_no_open_disable_lint_in_linear_time() -> None:
    def make(n: int) -> Spec:
        disables = "<!-- techspec-disable TS101 -->\n\n" * n
        return parse(HEAD + disables + "<!-- techspec-enable TS102 -->\n\n" * n)

    assert grows_linearly(make, lint, 500)


def test_placeholders_in_a_long_sign_off_table_lint_in_linear_time() -> None:
    def make(n: int) -> Spec:
        table = "### Sign-off\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n"
        rows = "| Technical Lead | [n] | [d] | |\n" * n
        return parse(HEAD + "## Review & Approval\n\n" + table + rows)

    assert grows_linearly(make, lint, 200)


# -- authoring -------------------------------------------------------------------------


def test_the_end_of_a_status_value_with_a_long_run_of_blanks_is_found_in_linear_time() -> None:
    line = "**Status**: a{}x"
    assert grows_linearly(lambda n: line.format(" " * n), lambda text: value_span(text, 13), 60)


def test_fix_repairs_many_sections_missing_their_fields_in_linear_time() -> None:
    def make(n: int) -> str:
        return (
            HEAD + "## Implementation Plan\n\n" + "".join(f"### Phase {i}: x\n\n" for i in range(n))
        )

    assert grows_linearly(make, lambda text: fix_text(text, today=date(2026, 1, 5)), 400)


def test_a_review_list_of_nested_tasks_is_checked_in_linear_time() -> None:
    def make(n: int) -> str:
        tasks = "- [ ] Architecture review completed\n" + "- - [ ] nested\n" * n
        return HEAD + "## Review & Approval\n\n### Technical Review\n\n" + tasks

    assert grows_linearly(make, check_review_items, 500)


def test_many_sections_of_one_name_get_anchor_ids_in_linear_time() -> None:
    assert grows_linearly(lambda n: parse(HEAD + "## Notes\n\n" * n), heading_ids, 400)


def test_sibling_sections_in_reverse_order_are_diffed_in_linear_time() -> None:
    def make(n: int) -> tuple[str, str]:
        sections = [f"## Part {i}\n\nText {i}.\n\n" for i in range(n)]
        return HEAD + "".join(sections), HEAD + "".join(reversed(sections))

    assert grows_linearly(make, lambda pair: diff_specs(*pair), 200)


def test_a_junit_report_of_many_findings_is_written_in_linear_time() -> None:
    def make(n: int) -> list[FileReport]:
        findings = [
            Finding("TS205", "placeholder", severity, f"placeholder {i}", i + 1)
            for i in range(n)
            for severity in ("warning", "info")
        ]
        return [FileReport("spec.md", "Draft", findings)]

    assert grows_linearly(make, render_junit, 300)


# -- the language server ---------------------------------------------------------------


def test_hovering_a_field_line_with_a_long_run_of_blanks_takes_linear_time() -> None:
    def make(n: int) -> Analysis:
        return _analysis(HEAD + f"```\n**Status**: a{' ' * n}x\n```\n")

    where = types.Position(5, 3)
    assert grows_linearly(make, lambda analysis: hover(analysis, where), 60)


def test_diagnostics_for_many_findings_on_one_long_line_take_linear_time() -> None:
    def step(text: str) -> object:
        return diagnostics(_analysis(text))

    assert grows_linearly(lambda n: HEAD + "[todo] " * n + "\n", step, 600)


def test_code_actions_over_many_findings_take_linear_time() -> None:
    def step(analysis: Analysis) -> object:
        everything = types.Range(types.Position(0, 0), types.Position(analysis.spec.line_count, 0))
        context = types.CodeActionContext(diagnostics=diagnostics(analysis))
        document = types.TextDocumentIdentifier("file:///spec.md")
        return code_actions(analysis, types.CodeActionParams(document, everything, context))

    assert grows_linearly(lambda n: _analysis(HEAD + "[todo]\n\n" * n), step, 300)
