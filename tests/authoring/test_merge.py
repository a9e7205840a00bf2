"""The three-way merge combines edits of different sections and asks about the rest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techspec.authoring.merge import HEAD, Pick, SectionConflict, merge

APPROVED = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")
HEADER = "# Technical Specification: Merging\n\n**Status**: Draft\n\n"


def add(text: str, heading: str, line: str) -> str:
    """``text`` with ``line`` as the first paragraph under ``heading``."""
    return text.replace(f"{heading}\n", f"{heading}\n\n{line}\n", 1)


def test_edits_of_different_sections_are_combined_and_named_by_side() -> None:
    mine = add(APPROVED, "## Scope", "Mine.")
    theirs = add(APPROVED, "## Background & Context", "Theirs.")
    merged = merge(APPROVED, mine, theirs)
    assert merged.clean and merged.conflicts == []
    assert merged.text == add(mine, "## Background & Context", "Theirs.")
    assert (merged.mine, merged.theirs) == (["Scope"], ["Background & Context"])


def test_different_edits_of_one_section_are_a_conflict_with_the_three_texts() -> None:
    mine = add(APPROVED, "### In Scope", "Mine.")
    theirs = add(APPROVED, "### In Scope", "Theirs.")
    merged = merge(APPROVED, mine, theirs)
    assert merged.text is None
    [conflict] = merged.conflicts
    assert conflict.path == "Scope/In Scope"
    assert conflict.reason == "changed on both sides"
    assert conflict.base is not None and conflict.base.startswith("### In Scope\n\n- ")
    assert conflict.mine == "### In Scope\n\nMine.\n" + conflict.base.split("\n", 1)[1]
    assert conflict.theirs is not None and "Theirs." in conflict.theirs


def test_the_same_edit_on_both_sides_is_no_conflict() -> None:
    mine = add(APPROVED, "### In Scope", "Both.")
    assert merge(APPROVED, mine, mine).text == mine


def test_a_pick_resolves_a_conflict_with_one_side_or_text_of_ones_own() -> None:
    mine = add(APPROVED, "### In Scope", "Mine.")
    theirs = add(add(APPROVED, "### In Scope", "Theirs."), "## Scope", "Also theirs.")
    kept = merge(APPROVED, mine, theirs, {"Scope/In Scope": Pick("mine")})
    assert kept.text == add(mine, "## Scope", "Also theirs.")
    dropped = merge(APPROVED, mine, theirs, {"Scope/In Scope": Pick("theirs")})
    assert dropped.text == theirs
    own = merge(APPROVED, mine, theirs, {"Scope/In Scope": Pick("mine", "### In Scope\n\nUs.")})
    assert own.text is not None
    assert "### In Scope\n\nUs.\n\n### Out of Scope" in own.text
    assert "Mine." not in own.text and "Theirs." not in own.text


def test_a_section_removed_on_one_side_and_changed_on_the_other_is_a_conflict() -> None:
    start = APPROVED.index("### Current State")
    end = APPROVED.index("### Requirements Source")
    mine = APPROVED[:start] + APPROVED[end:]
    theirs = add(APPROVED, "### Current State", "Changed meanwhile.")
    [conflict] = merge(APPROVED, mine, theirs).conflicts
    assert (conflict.path, conflict.mine) == ("Background & Context/Current State", None)
    assert conflict.reason == "you removed it; it was changed meanwhile"
    assert merge(APPROVED, theirs, mine).conflicts[0].reason.startswith("you changed it")
    assert merge(APPROVED, mine, theirs, {conflict.path: Pick("mine")}).text == mine


def test_a_section_removed_on_one_side_and_untouched_on_the_other_is_removed() -> None:
    start = APPROVED.index("### Current State")
    end = APPROVED.index("### Requirements Source")
    mine = APPROVED[:start] + APPROVED[end:]
    theirs = add(APPROVED, "## Scope", "Theirs.")
    assert merge(APPROVED, mine, theirs).text == add(mine, "## Scope", "Theirs.")


def test_sections_added_on_both_sides_at_one_place_are_kept_theirs_first() -> None:
    mine = APPROVED.replace("## Background", "### Mine\n\nm\n\n## Background", 1)
    theirs = APPROVED.replace("## Background", "### Theirs\n\nt\n\n## Background", 1)
    merged = merge(APPROVED, mine, theirs)
    assert merged.text is not None
    assert "### Theirs\n\nt\n\n### Mine\n\nm\n\n## Background" in merged.text


def test_one_heading_added_on_both_sides_with_different_text_is_a_conflict() -> None:
    mine = APPROVED.replace("## Background", "### Notes\n\nm\n\n## Background", 1)
    theirs = APPROVED.replace("## Background", "### Notes\n\nt\n\n## Background", 1)
    [conflict] = merge(APPROVED, mine, theirs).conflicts
    assert (conflict.path, conflict.base) == ("Executive Summary/Notes", None)
    assert conflict.reason == "added on both sides with different text"


def test_the_title_and_metadata_are_one_section() -> None:
    mine = APPROVED.replace("**Document Version**: 1.0", "**Document Version**: 1.1")
    theirs = APPROVED.replace("**Status**: Approved", "**Status**: Review")
    [conflict] = merge(APPROVED, mine, theirs).conflicts
    assert conflict.path == HEAD
    assert conflict.mine is not None and conflict.mine.startswith("# Technical Specification")
    body = add(APPROVED, "## Scope", "Mine.")
    assert merge(APPROVED, body, theirs).text == add(theirs, "## Scope", "Mine.")


def test_a_section_moved_on_one_side_and_changed_on_the_other_is_moved_and_changed() -> None:
    first = APPROVED.index("### Problem Statement")
    second = APPROVED.index("### Current State")
    third = APPROVED.index("### Requirements Source")
    swapped = APPROVED[:first] + APPROVED[second:third] + APPROVED[first:second] + APPROVED[third:]
    theirs = add(APPROVED, "### Problem Statement", "Theirs.")
    merged = merge(APPROVED, swapped, theirs)
    assert merged.text == add(swapped, "### Problem Statement", "Theirs.")
    assert "Background & Context/Problem Statement" in merged.theirs
    assert merged.mine == ["Background & Context/Problem Statement"]


def test_a_section_moved_to_different_places_on_both_sides_is_a_conflict() -> None:
    cut = APPROVED.index("### Problem Statement"), APPROVED.index("### Current State")
    section = APPROVED[cut[0] : cut[1]]
    without = APPROVED[: cut[0]] + APPROVED[cut[1] :]
    mine = without.replace("### Requirements Source", section + "### Requirements Source", 1)
    end = without.index("## Scope")
    theirs = without[:end] + section + without[end:]
    [conflict] = merge(APPROVED, mine, theirs).conflicts
    assert conflict.reason == "moved to different places on both sides"
    path = "Background & Context/Problem Statement"
    assert merge(APPROVED, mine, theirs, {path: Pick("mine")}).text == mine
    assert merge(APPROVED, mine, theirs, {path: Pick("theirs")}).text == theirs


def test_line_endings_and_trailing_blank_lines_are_no_changes() -> None:
    theirs = add(APPROVED, "## Scope", "Theirs.")
    mine = APPROVED.replace("\n## Scope", "\n\n\n## Scope", 1)
    assert merge(APPROVED, mine, theirs).text == add(mine, "## Scope", "Theirs.")
    assert merge(APPROVED, APPROVED.replace("\n## Scope", "\n\n\n## Scope", 1), APPROVED).clean
    crlf = APPROVED.replace("\n", "\r\n")
    assert merge(crlf, add(crlf, "## Scope", "Mine.").replace("\n", "\r\n"), crlf).clean


def test_a_last_section_without_a_line_end_is_separated_from_what_follows_it() -> None:
    base = HEADER + "## A\n\na"
    mine = HEADER + "## A\n\na\n\n## B\n\nb\n"
    theirs = HEADER + "## A\n\nchanged"
    assert merge(base, mine, theirs).text == HEADER + "## A\n\nchanged\n\n## B\n\nb\n"


def test_text_without_a_section_is_all_title_and_metadata() -> None:
    assert merge("a\n", "b\n", "a\n").text == "b\n"
    assert merge("", "", "c").text == "c"
    assert merge("a", "b", "c").conflicts == [
        SectionConflict(HEAD, "changed on both sides", "a", "b", "c")
    ]


# -- properties ----------------------------------------------------------------------------

markdownish = st.text(
    alphabet=st.sampled_from(list("#-=*`[]|> \n\r\tabcx1.:")) | st.characters(), max_size=400
)
word = st.text(alphabet="abcdefgh ", min_size=1, max_size=12).map(lambda w: "w" + w.strip())
body = st.lists(word, max_size=3).map(lambda lines: "".join(line + "\n" for line in lines))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish, markdownish)
def test_with_no_change_meanwhile_the_merge_is_mine(base: str, mine: str) -> None:
    assert merge(base, mine, base).text == mine


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish, markdownish)
def test_with_no_change_of_mine_the_merge_is_theirs(base: str, theirs: str) -> None:
    assert merge(base, base, theirs).text == theirs


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish, markdownish)
def test_the_same_text_on_both_sides_merges_to_that_text(base: str, both: str) -> None:
    assert merge(base, both, both).text == both


@dataclass(frozen=True)
class Edit:
    """One side's change at one place: ``slot`` is -2 for the title and metadata, -1
    for the start, else a section's index."""

    slot: int
    kind: str
    text: str


def document(head: str, sections: list[tuple[str, str]]) -> str:
    return head + "".join(f"## {name}\n\n{text}\n" for name, text in sections)


def apply(head: str, sections: list[tuple[str, str]], edits: list[Edit]) -> str:
    by_slot = {edit.slot: edit for edit in edits}
    if -2 in by_slot:
        head = HEADER + f"**Owner**: {by_slot[-2].text or 'none'}\n"
    out: list[tuple[str, str]] = []
    if -1 in by_slot:
        out.append(("New start", by_slot[-1].text))
    for index, (name, text) in enumerate(sections):
        edit = by_slot.get(index)
        if edit is None:
            out.append((name, text))
        elif edit.kind == "change":
            out.append((name, edit.text))
        elif edit.kind == "insert":
            out += [(name, text), (f"New {index}", edit.text)]
    return document(head, out)


@st.composite
def disjoint_edits(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """A base, two texts that edit different sections of it, and both edits applied."""
    names = draw(st.lists(word, min_size=1, max_size=8, unique=True))
    sections = [(f"S {name}", draw(body)) for name in names]
    owners = draw(st.lists(st.sampled_from([None, "mine", "theirs"]), min_size=len(names) + 2))
    mine: list[Edit] = []
    theirs: list[Edit] = []
    for slot, owner in zip(range(-2, len(names)), owners, strict=False):
        if owner is None:
            continue
        kinds = (
            ["change"]
            if slot == -2
            else ["insert"]
            if slot == -1
            else ["change", "remove", "insert"]
        )
        edit = Edit(slot, draw(st.sampled_from(kinds)), draw(body))
        (mine if owner == "mine" else theirs).append(edit)
    return (
        document(HEADER, sections),
        apply(HEADER, sections, mine),
        apply(HEADER, sections, theirs),
        apply(HEADER, sections, mine + theirs),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(disjoint_edits())
def test_edits_of_different_sections_commute_and_both_are_kept(
    case: tuple[str, str, str, str],
) -> None:
    base, mine, theirs, both = case
    assert merge(base, mine, theirs).text == both
    assert merge(base, theirs, mine).text == both


def test_a_byte_order_mark_and_front_matter_belong_to_the_title_and_metadata() -> None:
    base = "\ufeff---\nx: 1\n---\n# T: X\n\n**Status**: Draft\n\n## A\n\na\n\n## B\n\nb\n"
    mine = base.replace("\na\n", "\nA!\n")
    theirs = base.replace("\nb\n", "\nB!\n").replace("x: 1", "x: 2")
    merged = merge(base, mine, theirs)
    assert merged.text == mine.replace("\nb\n", "\nB!\n").replace("x: 1", "x: 2")
    assert (merged.mine, merged.theirs) == (["A"], [HEAD, "B"])
