"""Write-backs edit only the span they must, keep the file's line endings, and take a
spec in Review to a spec that lints clean as Approved."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techspec.authoring.content_hash import content_hash
from techspec.authoring.writeback import (
    WritebackError,
    add_history_row,
    check_review_items,
    set_status,
    sign,
    signoff_roles,
    unsign,
)
from techspec.document.parser import parse
from techspec.errors import TechspecError
from techspec.lint.linter import lint_text
from techspec.lint.template import Template

APPROVED = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")
DAY = date(2026, 3, 5)
ROLES = ["Technical Lead", "Product Owner", "Security Lead"]


def in_review(text: str = APPROVED) -> str:
    """The fixture before approval: status Review, sign-off blank, review unchecked."""
    text = text.replace("**Status**: Approved", "**Status**: Review")
    text = text.replace("- [x] ", "- [ ] ")
    for name in ("Alan Turing", "Grace Hopper", "Radia Perlman"):
        text = text.replace(f"| {name} | 2026-03-01 | approved |", "|  |  |  |")
    return text


def changed_lines(old: str, new: str) -> list[str]:
    """The removed and added lines of a line diff (without the diff headers)."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("---", "+++")]


def row(text: str, role: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {role} "))


def test_writeback_error_is_a_techspec_conflict() -> None:
    assert issubclass(WritebackError, TechspecError)
    assert (WritebackError.exit_code, WritebackError.http_status) == (2, 409)


def test_signoff_roles_are_the_fixed_rows_of_the_signoff_table() -> None:
    assert signoff_roles() == ROLES


def test_set_status_replaces_only_the_value() -> None:
    result = set_status(APPROVED, "Implemented")
    assert changed_lines(APPROVED, result) == [
        "-**Status**: Approved\\",
        "+**Status**: Implemented\\",
    ]


def test_set_status_writes_the_template_spelling() -> None:
    assert "**Status**: Review\\\n" in set_status(APPROVED, "  review ")


def test_set_status_refuses_a_status_outside_the_lifecycle() -> None:
    with pytest.raises(WritebackError, match="'Done' is not a Status"):
        set_status(APPROVED, "Done")


def test_set_status_refuses_a_document_without_a_status_field() -> None:
    with pytest.raises(WritebackError, match="no '\\*\\*Status\\*\\*:' metadata field"):
        set_status(APPROVED.replace("**Status**: Approved\\\n", ""), "Review")


def test_set_status_fills_an_empty_value() -> None:
    text = APPROVED.replace("**Status**: Approved\\", "**Status**:\\")
    assert "**Status**:Draft\\\n" in set_status(text, "Draft")


def test_sign_fills_name_date_and_signature_of_the_role_row() -> None:
    result = sign(in_review(), "product owner", "Grace Hopper", DAY, "lgtm")
    assert row(result, "Product Owner") == "| Product Owner  | Grace Hopper | 2026-03-05 | lgtm |"
    assert len(changed_lines(in_review(), result)) == 2


def test_sign_escapes_pipes_so_the_table_stays_a_table() -> None:
    result = sign(in_review(), "Security Lead", "A | B", DAY, "ok")
    assert row(result, "Security Lead") == "| Security Lead  | A \\| B | 2026-03-05 | ok |"
    table = parse(result).tables[-2]
    assert [cell.text for cell in table.rows[2]] == ["Security Lead", "A | B", "2026-03-05", "ok"]


def test_sign_refuses_an_unknown_role() -> None:
    with pytest.raises(WritebackError, match="no sign-off row for role 'QA Lead'"):
        sign(APPROVED, "QA Lead", "Ada", DAY, "ok")


def test_sign_refuses_a_name_spanning_lines() -> None:
    with pytest.raises(WritebackError, match="single line"):
        sign(APPROVED, "Security Lead", "Ada\nLovelace", DAY, "ok")


def test_sign_refuses_an_empty_signature() -> None:
    with pytest.raises(WritebackError, match="signature must not be empty"):
        sign(APPROVED, "Security Lead", "Ada", DAY, "  ")


def test_sign_refuses_a_document_without_a_signoff_table() -> None:
    start = APPROVED.index("### Sign-off")
    text = APPROVED[:start] + APPROVED[APPROVED.index("---", start) :]
    with pytest.raises(WritebackError, match="no sign-off table"):
        sign(text, "Security Lead", "Ada", DAY, "ok")


def test_sign_adds_missing_cells_to_a_short_row() -> None:
    text = APPROVED.replace(
        "| Security Lead  | Radia Perlman | 2026-03-01 | approved |", "| Security Lead |"
    )
    result = sign(text, "Security Lead", "Radia", DAY, "ok")
    assert row(result, "Security Lead") == "| Security Lead | Radia | 2026-03-05 | ok |"


def test_sign_handles_rows_without_outer_pipes() -> None:
    text = APPROVED.replace(
        "| Security Lead  | Radia Perlman | 2026-03-01 | approved |",
        "Security Lead | x | 2026-03-01 | y",
    )
    result = sign(text, "Security Lead", "Radia", DAY, "ok")
    assert "\nSecurity Lead | Radia | 2026-03-05 | ok\n" in result


def test_unsign_blanks_the_cells_again() -> None:
    result = unsign(APPROVED, "Technical Lead")
    assert row(result, "Technical Lead") == "| Technical Lead | | | |"
    assert len(changed_lines(APPROVED, result)) == 2


def test_check_review_items_checks_only_the_review_checklists() -> None:
    result = check_review_items(in_review())
    assert result.count("- [x] ") == 6
    assert "- [ ] Measurable criterion for success" in result
    assert "- [ ] API documentation" in result


def test_check_review_items_can_uncheck_and_leaves_unchanged_boxes_alone() -> None:
    text = APPROVED.replace("- [x] Security review completed", "- [X] Security review completed")
    assert check_review_items(text) == text
    unchecked = text.replace("- [x] ", "- [ ] ").replace("- [X] ", "- [ ] ")
    assert check_review_items(text, checked=False) == unchecked


def test_check_review_items_checks_nested_items() -> None:
    text = in_review().replace(
        "- [ ] Security review completed\n",
        "- [ ] Security review completed\n  - [ ] Threat model reviewed\n",
    )
    assert "  - [x] Threat model reviewed\n" in check_review_items(text)


def test_check_review_items_finds_the_box_of_an_item_whose_text_wraps_below() -> None:
    text = in_review().replace(
        "- [ ] Security review completed\n", "- [ ]\n  Security review completed\n"
    )
    assert "- [x]\n  Security review completed\n" in check_review_items(text)


def test_sign_then_unsign_restores_blank_cells() -> None:
    signed = sign(in_review(), "Technical Lead", "Alan", DAY, "ok")
    assert row(unsign(signed, "Technical Lead"), "Technical Lead") == "| Technical Lead | | | |"


def test_check_review_items_refuses_a_document_without_a_review_checklist() -> None:
    text = APPROVED.replace("- [x] ", "- ")
    with pytest.raises(WritebackError, match="no review checklist"):
        check_review_items(text)


def test_add_history_row_appends_a_row() -> None:
    result = add_history_row(APPROVED, "1.1", DAY, "Ada Lovelace", "Approved")
    assert changed_lines(APPROVED, result) == ["+| 1.1 | 2026-03-05 | Ada Lovelace | Approved |"]
    assert result.endswith("| Initial version |\n| 1.1 | 2026-03-05 | Ada Lovelace | Approved |\n")


def test_add_history_row_updates_the_row_of_an_existing_version() -> None:
    result = add_history_row(APPROVED, "1.0", DAY, "Grace", "Approved")
    assert result.endswith("| 1.0     | 2026-03-05 | Grace | Approved |\n")
    assert add_history_row(result, "1.0", DAY, "Grace", "Approved") == result


def test_add_history_row_keeps_a_missing_final_newline_missing() -> None:
    result = add_history_row(APPROVED.rstrip("\n"), "1.1", DAY, "Ada", "More")
    assert result.endswith("| Initial version |\n| 1.1 | 2026-03-05 | Ada | More |")


def test_a_workflow_history_row_keeps_the_content_hash_of_a_history_table_in_a_section() -> None:
    template = Template.from_markdown(
        "# Spec: [Name]\n\n## Body\n\n[Text]\n\n## History\n\n"
        "| Version | Date | Who |\n| --- | --- | --- |\n| 1.0 | [Date] | [Author] |\n"
    )
    text = "# Spec: X\n\n## Body\n\nHi\n\n## History\n\n| Version | Date | Who |\n"
    text += "| --- | --- | --- |\n| 1.0 | 2026-01-01 | Ada |\n"
    changes = "Approved as Lead by Grace"
    result = add_history_row(text, "1.0", DAY, "Grace", changes, template=template, update=False)
    assert result == text + f"| 1.0 | 2026-03-05 | {changes} |\n"
    assert content_hash(result, template) == content_hash(text, template)


def test_add_history_row_refuses_a_document_without_history() -> None:
    text = APPROVED[: APPROVED.index("**Document History**")]
    with pytest.raises(WritebackError, match="no Document History table"):
        add_history_row(text, "1.1", DAY, "Ada", "More")


def test_write_backs_keep_crlf_line_endings_and_a_bom() -> None:
    text = "\ufeff" + in_review().replace("\n", "\r\n")
    result = set_status(text, "Approved")
    result = check_review_items(result)
    result = sign(result, "Security Lead", "Radia", DAY, "ok")
    result = add_history_row(result, "1.1", DAY, "Ada", "Approved")
    assert result.startswith("\ufeff")
    assert "\n" not in result.replace("\r\n", "")
    assert result.endswith("| 1.1 | 2026-03-05 | Ada | Approved |\r\n")


def test_all_approval_write_backs_make_a_review_spec_lint_clean_as_approved() -> None:
    text = in_review()
    assert lint_text(text, "spec.md") == []
    text = set_status(text, "Approved")
    assert {f.rule for f in lint_text(text, "spec.md")} == {"TS401", "TS402"}
    text = check_review_items(text)
    for role in signoff_roles():
        text = sign(text, role, f"{role} Person", DAY, "approved")
    text = add_history_row(text, "1.0", DAY, "Ada Lovelace", "Approved")
    assert lint_text(text, "spec.md") == []


def test_write_backs_follow_a_custom_template() -> None:
    template = Template.from_markdown(
        "# Spec: [Name]\n\n**Status**: Open | Closed\n\n## Approval\n\n"
        "| Who | Signed by | When |\n| --- | --- | --- |\n| Owner | [Name] | [YYYY-MM-DD] |\n"
    )
    text = "# Spec: X\n\n**Status**: Open\n\n## Approval\n\n| Who | Signed by | When |\n"
    text += "| --- | --- | --- |\n| Owner | | |\n"
    assert signoff_roles(template) == ["Owner"]
    result = sign(
        set_status(text, "closed", template=template), "Owner", "Ada", DAY, "x", template=template
    )
    assert result.endswith(
        "**Status**: Closed\n\n## Approval\n\n| Who | Signed by | When |\n"
        "| --- | --- | --- |\n| Owner | Ada | 2026-03-05 |\n"
    )


cell_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=25
).filter(lambda value: value.strip() != "")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=cell_text, signature=cell_text)
def test_sign_either_writes_the_exact_values_or_refuses(name: str, signature: str) -> None:
    try:
        result = sign(in_review(), "Technical Lead", name, DAY, signature)
    except WritebackError:
        assert "|" in name + signature  # only an escaped pipe can read back differently
        return
    table = parse(result).tables[-2]
    assert [cell.text for cell in table.rows[0][1:]] == [
        name.strip(),
        "2026-03-05",
        signature.strip(),
    ]
    assert len(changed_lines(in_review(), result)) == 2
