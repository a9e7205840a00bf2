"""The section-aware diff reports each change against the section that holds it."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techspec.authoring.diff import (
    MetadataChange,
    ProgressChange,
    SectionChange,
    SpecDiff,
    diff_specs,
    diff_to_dict,
    format_diff,
)

APPROVED = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")


def swap(text: str, first: str, second: str, end: str) -> str:
    """Swap the adjacent sections starting at ``first`` and ``second`` (``end`` follows)."""
    a, b, c = text.index(first), text.index(second), text.index(end)
    return text[:a] + text[b:c] + text[a:b] + text[c:]


def kinds(diff: SpecDiff) -> dict[str, str]:
    return {change.path: change.kind for change in diff.sections}


def test_a_revision_compared_with_itself_is_empty() -> None:
    diff = diff_specs(APPROVED, APPROVED)
    assert diff.is_empty()
    assert format_diff(diff) == "No changes between old and new.\n"


def test_line_endings_and_a_bom_are_not_changes() -> None:
    assert diff_specs(APPROVED, "\ufeff" + APPROVED.replace("\n", "\r\n")).is_empty()


def test_a_status_change_is_a_metadata_change() -> None:
    new = APPROVED.replace("**Status**: Approved", "**Status**: Implemented")
    diff = diff_specs(APPROVED, new)
    assert diff.metadata == [MetadataChange("Status", "Approved", "Implemented")]
    assert diff.sections == []
    assert "Metadata: Status: Approved -> Implemented" in format_diff(diff)


def test_added_and_removed_metadata_fields_have_none_on_the_missing_side() -> None:
    new = APPROVED.replace("**Reviewers**: Grace Hopper, Alan Turing", "**Owner**: Payments")
    diff = diff_specs(APPROVED, new)
    assert diff.metadata == [
        MetadataChange("Owner", None, "Payments"),
        MetadataChange("Reviewers", "Grace Hopper, Alan Turing", None),
    ]
    assert "Metadata: Owner: (none) -> Payments" in format_diff(diff)


def test_a_title_change_is_reported_as_the_title_key() -> None:
    new = APPROVED.replace("Payments Ledger", "Ledger")
    diff = diff_specs(APPROVED, new)
    assert [change.key for change in diff.metadata] == ["Title"]
    assert diff.sections == []


def test_other_preamble_text_is_the_preamble_pseudo_section() -> None:
    new = APPROVED.replace(
        "**Reviewers**: Grace Hopper, Alan Turing\n", "**Reviewers**: G\n\nNote.\n"
    )
    assert kinds(diff_specs(APPROVED, new)) == {"(preamble)": "changed"}


def test_a_checked_item_is_a_progress_change_and_a_changed_section() -> None:
    new = APPROVED.replace("- [ ] Measurable criterion", "- [x] Measurable criterion")
    diff = diff_specs(APPROVED, new)
    assert diff.progress == [ProgressChange("Scope/Success Criteria", (0, 3), (1, 3))]
    assert kinds(diff) == {"Scope/Success Criteria": "changed"}
    assert "Progress: Scope/Success Criteria: 0/3 -> 1/3" in format_diff(diff)


def test_progress_counts_nested_items() -> None:
    new = APPROVED.replace(
        "- [ ] Task 1\n", "- [ ] Task 1\n  - [x] Subtask a\n  - [ ] Subtask b\n", 1
    )
    diff = diff_specs(APPROVED, new)
    assert diff.progress == [
        ProgressChange("Implementation Plan/Phase 1: Foundations", (0, 3), (1, 5))
    ]


def test_an_edit_is_reported_on_the_innermost_section_with_a_unified_diff() -> None:
    new = APPROVED.replace("client -> api -> ledger -> postgres", "client -> ledger")
    diff = diff_specs(APPROVED, new)
    assert kinds(diff) == {"System Architecture/High-Level Architecture": "changed"}
    text = diff.sections[0].diff
    assert text.startswith(
        "--- a/System Architecture/High-Level Architecture\n"
        "+++ b/System Architecture/High-Level Architecture\n"
    )
    assert "-client -> api -> ledger -> postgres\n+client -> ledger\n" in text


def test_hunk_headers_carry_the_file_line_numbers() -> None:
    line = APPROVED.splitlines().index("client -> api -> ledger -> postgres") + 1
    new = APPROVED.replace("client -> api -> ledger -> postgres", "client -> ledger")
    text = diff_specs(APPROVED, new).sections[0].diff
    assert f"@@ -{line - 3},5 +{line - 3},5 @@\n ### High-Level Architecture\n" in text


def test_a_parent_is_not_changed_by_an_edit_in_its_child() -> None:
    new = APPROVED.replace("Key assumption 2", "Key assumption two")
    assert kinds(diff_specs(APPROVED, new)) == {"Dependencies & Risks/Assumptions": "changed"}


def test_text_between_a_parent_heading_and_its_first_child_belongs_to_the_parent() -> None:
    new = APPROVED.replace("## Scope\n", "## Scope\n\nWhat is in and out.\n")
    assert kinds(diff_specs(APPROVED, new)) == {"Scope": "changed"}


def test_added_and_removed_sections() -> None:
    new = APPROVED.replace("## Appendices", "## Glossary\n\nWords.\n\n## Appendices")
    new = new.replace(
        "### B. Database Schema Details\n\nDetailed schema diagrams and field descriptions\n\n", ""
    )
    diff = diff_specs(APPROVED, new)
    assert kinds(diff) == {"Glossary": "added", "Appendices/B. Database Schema Details": "removed"}
    text = format_diff(diff)
    assert "+ added section Glossary" in text
    assert "- removed section Appendices/B. Database Schema Details" in text


def test_a_removed_section_is_listed_where_it_stood() -> None:
    new = APPROVED.replace(
        "### Current State\n\nDescribe the existing system or approach if applicable\n\n", ""
    )
    new = new.replace("Link to OpenAPI", "Link to the OpenAPI")
    paths = [change.path for change in diff_specs(APPROVED, new).sections]
    assert paths == [
        "Background & Context/Current State",
        "Appendices/A. Detailed API Specification",
    ]


def test_swapped_sections_are_moved_without_later_siblings() -> None:
    new = swap(APPROVED, "### Unit Testing", "### Integration Testing", "### Performance Testing")
    diff = diff_specs(APPROVED, new)
    assert len(diff.sections) == 1
    change = diff.sections[0]
    assert change.kind == "moved"
    assert {change.path} <= {
        "Testing Strategy/Unit Testing",
        "Testing Strategy/Integration Testing",
    }
    assert {change.old_index, change.new_index} == {0, 1}
    assert f"~ moved section {change.path} (position" in format_diff(diff)


def test_adding_a_section_does_not_move_its_later_siblings() -> None:
    new = APPROVED.replace("### Unit Testing", "### Smoke Testing\n\n- Boot it\n\n### Unit Testing")
    assert kinds(diff_specs(APPROVED, new)) == {"Testing Strategy/Smoke Testing": "added"}


def test_a_section_that_moved_and_changed_is_changed() -> None:
    new = swap(APPROVED, "### Unit Testing", "### Integration Testing", "### Performance Testing")
    new = new.replace("- Mocking strategy", "- Mocking strategy (fakes)").replace(
        "- API endpoint testing", "- API endpoint tests"
    )
    diff = diff_specs(APPROVED, new)
    assert kinds(diff) == {
        "Testing Strategy/Integration Testing": "changed",
        "Testing Strategy/Unit Testing": "changed",
    }
    assert any(change.old_index is not None for change in diff.sections)


def test_sections_with_the_same_path_are_matched_in_order() -> None:
    old = "# T\n\n## Notes\n\none\n\n## Notes\n\ntwo\n"
    new = "# T\n\n## Notes\n\none\n\n## Notes\n\nthree\n"
    assert kinds(diff_specs(old, new)) == {"Notes #2": "changed"}


def test_format_diff_names_the_revisions() -> None:
    new = APPROVED.replace("**Status**: Approved", "**Status**: Review")
    assert format_diff(diff_specs(APPROVED, new), old_label="r1", new_label="r2").startswith(
        "Changes from r1 to r2:\n"
    )


def test_diff_to_dict_is_json_ready() -> None:
    new = APPROVED.replace("- [ ] Measurable criterion", "- [x] Measurable criterion")
    new = new.replace("**Status**: Approved", "**Status**: Implemented")
    data = json.loads(json.dumps(diff_to_dict(diff_specs(APPROVED, new))))
    assert data["empty"] is False
    assert data["metadata"] == [{"key": "Status", "old": "Approved", "new": "Implemented"}]
    assert data["progress"] == [{"path": "Scope/Success Criteria", "old": [0, 3], "new": [1, 3]}]
    assert data["sections"][0]["kind"] == "changed"
    assert set(data["sections"][0]) == {"path", "kind", "diff", "old_index", "new_index"}


def test_an_empty_diff_round_trips_to_an_empty_dict() -> None:
    empty = SpecDiff()
    assert empty.is_empty()
    assert diff_to_dict(empty) == {"empty": True, "sections": [], "metadata": [], "progress": []}
    assert not SpecDiff(sections=[SectionChange("X", "added")]).is_empty()


LINES = APPROVED.splitlines(keepends=True)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(LINES) - 1), word=st.from_regex(r"\A[a-z]{3,8}\Z"))
def test_any_edit_to_a_non_blank_line_is_reported(index: int, word: str) -> None:
    if not LINES[index].strip():
        return
    new = "".join(LINES[:index]) + word + " " + "".join(LINES[index:])
    assert not diff_specs(APPROVED, new).is_empty()
