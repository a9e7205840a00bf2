"""Matching a spec's headings to the template's (issue 14: a spec of 58,000 phases linted
in under a second).  The literal headings of a rules list are looked up in a dict, the
number a numbered heading's matcher found is kept for the numbering check, and a heading's
key skips the (Optional) test when it cannot end in one.  Each must answer what the plain
search answered: these tests hold them to it, written out here as the reference, on every
template's headings varied as documents vary them."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techspec.document.parser import parse
from techspec.lint.linter import LintContext, lint
from techspec.lint.rules.context import _known
from techspec.lint.template import SectionRule, Template, builtin_template
from techspec.lint.template.headings import heading_key, stem_key, strip_optional
from techspec.lint.template.styles import squash

STYLES = Path(__file__).parents[1] / "fixtures" / "templates"
REPEATED = "# Spec: [Name]\n\n## Goals\n\nText.\n\n## Goals\n\n- [ ] item\n\n## 2. Goals: Why\n"
"""A template whose siblings share a key: the first of them is the one answered."""
TEMPLATES = [builtin_template(), Template.from_markdown(REPEATED, "repeated")] + [
    Template.from_markdown(path.read_text("utf-8"), path.parent.name)
    for path in sorted(STYLES.glob("*/template.md"))
]


def rule_lists(rules: list[SectionRule]) -> list[list[SectionRule]]:
    found = [rules]
    for rule in rules:
        found += rule_lists(rule.children)
    return found


RULE_LISTS = [rules for template in TEMPLATES for rules in rule_lists(template.sections)]
TITLES = sorted({rule.title for rules in RULE_LISTS for rule in rules})

varied_title = st.tuples(
    st.sampled_from(["", "1. ", "2.3 ", "A. ", "IV. ", "  "]),
    st.sampled_from(TITLES),
    st.sampled_from(["", "x", "Phase 12: Launch", "Story 3", "  ", "\t", "é", "7", "[n]"]),
    st.sampled_from(["", " (Optional)", " [OPTIONAL]", " (optional) ", ")", "]", ": why"]),
).map(lambda parts: f"{parts[0]}{parts[1].replace('1', parts[2] or '1')}{parts[3]}")
titles = st.one_of(varied_title, st.text(max_size=30))
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_rule(rules: list[SectionRule], title: str) -> int | None:
    """The plain search: each literal rule's key, then each pattern, then the stem's key."""
    key = squash(strip_optional(_without_numbering(title))[0])
    for index, rule in enumerate(rules):
        if rule.pattern is None and rule.key == key:
            return index
    for index, rule in enumerate(rules):
        if rule.pattern is not None and rule.matches(title):
            return index
    stem = stem_key(title)
    if stem is not None:
        for index, rule in enumerate(rules):
            if rule.pattern is None and rule.key == stem:
                return index
    return None


def _without_numbering(title: str) -> str:
    import re

    text = title.strip()
    numbered = re.match(r"(?:\d+(?:\.\d+)*\.?|[A-Za-z](?:\.\d+)*\.|[IVXivx]+\.)[ \t]+(?=\S)", text)
    return text[numbered.end() :] if numbered else text


@SETTINGS
@given(titles)
def test_a_heading_key_is_the_words_without_numbering_or_an_optional_mark(title: str) -> None:
    assert heading_key(title) == squash(strip_optional(_without_numbering(title))[0])


@SETTINGS
@given(st.sampled_from(RULE_LISTS), titles)
def test_the_rule_a_heading_answers_is_the_one_the_plain_search_finds(
    rules: list[SectionRule], title: str
) -> None:
    index, heading = _known(rules).find(title)
    assert index == reference_rule(rules, title)
    if heading is not None:  # a matcher found it: the number is the rule's reading of it
        assert index is not None
        rule = rules[index]
        assert rule.pattern is not None and rule.matcher is not None
        if rule.numbered:
            assert heading.number == rule.number(title)


def test_the_numbers_kept_from_matching_are_the_rules_reading_of_each_title() -> None:
    phases = "".join(f"### Phase {n}: Step\n\nWork.\n\n" for n in (1, 2, 4, 4, 7, 10, 3))
    text = (
        "# Technical Specification: Ledger\n\n**Status**: Draft\n\n"
        "## Implementation Plan\n\n" + phases
    )
    context = LintContext(parse(text), builtin_template())
    numbered = [(rule, group) for rule, group in context.repeats if rule.numbered]
    assert numbered and len(numbered[0][1]) == 7
    for rule, group in numbered:
        for section in group:
            assert context.number(rule, section) == rule.number(section.title)
    gaps = [f.message for f in lint(parse(text)) if f.rule == "TS104"]
    assert gaps == [
        "'Phase 4: Step' should be number 3",
        "'Phase 4: Step' should be number 5",
        "'Phase 7: Step' should be number 5",
        "'Phase 10: Step' should be number 8",
        "'Phase 3: Step' should be number 11",
    ]


def test_every_template_heading_answers_the_rule_the_plain_search_finds_in_every_list() -> None:
    for rules in RULE_LISTS:
        known = _known(rules)
        for title in TITLES:
            assert known.find(title)[0] == reference_rule(rules, title), (title, rules)
