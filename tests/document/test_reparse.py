"""``techspec.document.reparse``: reading again only what insertions touched gives exactly the Spec
a full parse of the new text gives, pieces and all."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

from corpus import generate_corpus
from fix_bench import damage
from techspec.authoring.fix import find_repairs, render_edits
from techspec.document.model import Spec
from techspec.document.parser import parse
from techspec.document.reparse import Insertion, reparse
from techspec.lint.linter import LintContext, lint
from techspec.lint.template import builtin_template

TEMPLATE = (Path(__file__).parents[2] / "src/techspec/templates/technical-spec.md").read_text()
CLEAN = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")
FRAGMENTS = [line + "\n" for line in TEMPLATE.splitlines()[:80]] + [
    "# Title\n",
    "## Section\n",
    "### Sub\n\nbody [placeholder]\n\n",
    "#\n",
    "  ## indented\n",
    "#nospace\n",
    "Setext\n===\n",
    "Setext\n---\n",
    "---\n",
    "---\ntext\n",
    "...\n",
    "***\n",
    "[a]: http://x\n",
    "[a]\n",
    "[^1]: note\n",
    "[^1]\n",
    "```\n",
    "~~~\n",
    "    indented code\n",
    "> quote\n",
    "- item\n",
    "  continued\n",
    "1. one\n",
    "- [ ] task\n",
    "- [x] done\n",
    "| a | b |\n",
    "|---|---|\n",
    "| 1 | 2 |\n",
    "**Label**\n",
    "**Status**: Approved\\\n",
    "**Key**: value\n",
    "<!-- techspec-disable TS101 -->\n",
    "<!--\n",
    "-->\n",
    "<div>\n",
    "</div>\n",
    "<script>\n",
    "[Link](http://x) and ![img](y.png)\n",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\ufeff",
    "\t",
    "Zoë ☃ 𝄞\n",
    "\x00",
    "\udc80",
]

markdownish = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40
).map("".join)
insertion_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=10)), min_size=1, max_size=4
).map("".join)


def inserted(text: str, insertions: list[Insertion]) -> str:
    """The text with the insertions made, the plain way (stable: one offset keeps order)."""
    last_first = sorted(enumerate(insertions), key=lambda e: (e[1][0], e[0]), reverse=True)
    for _, (offset, new) in last_first:
        text = text[:offset] + new + text[offset:]
    return text


def same_as_full_parse(result: Spec, text: str) -> bool:
    """Equal to ``parse(text)``: the model, and the pieces a further re-parse would reuse."""
    full = parse(text, result.path)
    assert result._reading is not None and full._reading is not None
    return (
        result.text == text
        and result == full
        and result._reading.pieces == full._reading.pieces
        and result._reading.data == full._reading.data
    )


def check(text: str, insertions: list[Insertion]) -> None:
    """Two rounds, copying and reusing nodes: the re-parse of a re-parse is still a full
    parse's equal, and copying leaves the previous Spec as it was."""
    previous = parse(text, "spec.md")
    result = reparse(previous, insertions)
    assert same_as_full_parse(result, inserted(text, insertions))
    assert same_as_full_parse(previous, text)
    middle = [(len(result.text) // 2, "## Again\n")]
    again = reparse(result, middle)
    assert same_as_full_parse(again, inserted(result.text, middle))
    reused = reparse(reparse(parse(text, "spec.md"), insertions, reuse=True), middle, reuse=True)
    assert same_as_full_parse(reused, again.text)


def line_starts(text: str) -> list[int]:
    return [0] + [i + 1 for i, char in enumerate(text) if char in "\r\n"]


@st.composite
def texts_and_insertions(draw: st.DrawFn) -> tuple[str, list[Insertion]]:
    text = draw(markdownish)
    where = st.one_of(
        st.integers(0, len(text)), st.sampled_from([s for s in line_starts(text) if s <= len(text)])
    )
    insertions = draw(st.lists(st.tuples(where, insertion_text), min_size=1, max_size=4))
    return text, insertions


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_and_insertions())
def test_a_reparse_equals_a_full_parse_of_the_new_text(case: tuple[str, list[Insertion]]) -> None:
    check(*case)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_insertions_into_a_spec_reparse_as_a_full_parse_does(data: st.DataObject) -> None:
    starts = line_starts(CLEAN)
    where = st.one_of(st.sampled_from(starts), st.integers(0, len(CLEAN)))
    insertions = data.draw(st.lists(st.tuples(where, insertion_text), min_size=1, max_size=5))
    check(CLEAN, insertions)


# -- the whole benchmark corpus, damaged, with fix's own insertions ---------------------


@pytest.fixture(scope="module")
def damaged_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    rng = random.Random(1234)
    texts = []
    for path in generate_corpus(tmp_path_factory.mktemp("corpus"), count=60, seed=99):
        damage(path, rng)
        texts.append(path.read_text("utf-8"))
    return texts


def fix_insertions(spec: Spec) -> list[Insertion]:
    context = LintContext(spec, builtin_template())
    wanted = [f for f in lint(spec, context=context) if f.fixable]
    repairs = [r for r in find_repairs(context) if any(map(r.answers, wanted))]
    return [(edit.start, edit.new) for edit in render_edits(context, repairs)]


def test_the_damaged_corpus_reparses_as_a_full_parse_after_fix_and_random_insertions(
    damaged_corpus: list[str],
) -> None:
    rng = random.Random(7)
    for text in damaged_corpus:
        spec = parse(text, "spec.md")
        fixes = fix_insertions(spec)
        assert same_as_full_parse(reparse(spec, fixes), inserted(text, fixes))
        reused = reparse(parse(text, "spec.md"), fixes, reuse=True)
        assert same_as_full_parse(reused, inserted(text, fixes))
        starts = line_starts(text)
        for _ in range(5):
            insertions = [
                (rng.choice(starts) if rng.random() < 0.8 else rng.randrange(len(text) + 1), new)
                for new in rng.choices(FRAGMENTS, k=rng.randint(1, 3))
            ]
            assert same_as_full_parse(reparse(spec, insertions), inserted(text, insertions))
            reused = reparse(parse(text, "spec.md"), insertions, reuse=True)
            assert same_as_full_parse(reused, inserted(text, insertions))


def test_fix_insertions_never_need_a_full_parse(
    damaged_corpus: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path covers what ``techspec fix`` inserts (the benchmark depends on it)."""

    def full_parse(text: str, path: str | None = None) -> Spec:
        raise AssertionError("fell back to a full parse")

    monkeypatch.setattr("techspec.document.reparse.parse", full_parse)
    for text in damaged_corpus:
        spec = parse(text, "spec.md")
        assert reparse(spec, fix_insertions(spec)).text.startswith("# Technical")


# -- what is parsed in full, and why ----------------------------------------------------


def falls_back(monkeypatch: pytest.MonkeyPatch) -> Callable[[], bool]:
    calls: list[str] = []

    def full_parse(text: str, path: str | None = None) -> Spec:
        calls.append(text)
        return parse(text, path)

    monkeypatch.setattr("techspec.document.reparse.parse", full_parse)
    return lambda: bool(calls)


SPEC = "# Title\n\n## One\n\nSee [a].\n\n---\n\n## Two\n\nText.\n\n## Three\n\nEnd.\n"


def test_a_link_definition_anywhere_makes_references_links_so_the_text_is_parsed_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full = falls_back(monkeypatch)
    result = reparse(parse(SPEC), [(SPEC.index("## Three"), "[a]: http://x\n\n")])
    assert [link.target for link in result.links] == ["http://x"]
    assert full()


def test_a_rule_followed_by_text_may_open_a_metadata_block_so_the_text_is_parsed_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full = falls_back(monkeypatch)
    text = SPEC + "\n---\n"
    at = text.index("---\n") + 4  # right below the first rule
    result = reparse(parse(text), [(at, "text\n")])
    assert same_as_full_parse(result, inserted(text, [(at, "text\n")]))
    assert [block.kind for block in result.sections[0].blocks] == ["paragraph", "quote"]
    assert full()


def test_an_unclosed_fence_that_swallows_the_next_heading_is_caught_and_parsed_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full = falls_back(monkeypatch)
    result = reparse(parse(SPEC), [(SPEC.index("Text."), "```\n")])
    assert [section.title for section in result.sections] == ["One", "Two"]
    assert full()


def test_a_missing_section_is_read_on_its_own_and_the_rest_moves_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full = falls_back(monkeypatch)
    spec = parse(SPEC)
    result = reparse(spec, [(SPEC.index("## Three"), "## Two and a half\n\nMore.\n\n")])
    assert [s.title for s in result.sections] == ["One", "Two", "Two and a half", "Three"]
    assert result.sections[-1].line == spec.sections[-1].line + 4
    assert result.sections[0] is spec.sections[0]  # closed before the insertion: shared
    assert not full()


def test_a_bom_stays_first_and_an_insertion_before_it_is_parsed_in_full() -> None:
    text = "\ufeff" + SPEC
    assert same_as_full_parse(reparse(parse(text), [(1, "## Zero\n")]), "\ufeff## Zero\n" + SPEC)
    assert same_as_full_parse(reparse(parse(text), [(0, "x")]), "x" + text)


def test_insertions_at_one_offset_go_in_in_the_order_given() -> None:
    at = SPEC.index("## Two")
    result = reparse(parse(SPEC), [(at, "## A\n\n"), (at, "## B\n\n")])
    assert [s.title for s in result.sections] == ["One", "A", "B", "Two", "Three"]


def test_crlf_and_non_ascii_text_keep_lines_and_columns() -> None:
    text = SPEC.replace("Text.", "Zoë ☃ [𝄞 here]").replace("\n", "\r\n")
    at = text.index("## Three")
    result = reparse(parse(text), [(at, "## Née ☃\r\n\r\n[x] ☃\r\n\r\n")])
    assert same_as_full_parse(result, inserted(text, [(at, "## Née ☃\r\n\r\n[x] ☃\r\n\r\n")]))


def test_an_insertion_outside_the_text_is_an_error() -> None:
    with pytest.raises(ValueError, match="outside"):
        reparse(parse(SPEC), [(len(SPEC) + 1, "x")])


NESTED = "# Title\n\n## One\n\n### A\n\nText.\n\n### B\n\n| x |\n|---|\n| 1 |\n\n## Two\n\nEnd.\n"


def test_reusing_takes_the_sections_below_over_at_any_depth() -> None:
    previous = parse(NESTED)
    b, two = previous.sections[0].children[1], previous.sections[1]
    at = NESTED.index("### B")
    result = reparse(previous, [(at, "### A2\n\nMore.\n\n")], reuse=True)
    assert same_as_full_parse(result, inserted(NESTED, [(at, "### A2\n\nMore.\n\n")]))
    assert [s.title for s in result.sections[0].children] == ["A", "A2", "B"]
    assert result.sections[0].children[-1] is b and result.sections[-1] is two
    assert b.line == NESTED[:at].count("\n") + 1 + 4


def test_a_section_whose_parent_changes_is_not_taken_over() -> None:
    at = NESTED.index("### B")
    result = reparse(parse(NESTED), [(at, "## Between\n\n")], reuse=True)
    assert same_as_full_parse(result, inserted(NESTED, [(at, "## Between\n\n")]))
    assert result.sections[1].path == "Between" and result.sections[1].children[0].path == (
        "Between/B"
    )


def test_a_section_under_a_parent_of_another_level_is_not_taken_over() -> None:
    """Same path, other level: a later ``##`` would nest under the new ``#``."""
    text = "### X\n  ## indented\n### Y\n  ## indented\n### Z\n  ## indented\n"
    at = text.index("## indented\n### Z") + 1
    result = reparse(parse(text), [(at, "## Again\n")], reuse=True)
    assert same_as_full_parse(result, inserted(text, [(at, "## Again\n")]))
