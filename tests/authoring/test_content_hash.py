"""The content hash moves with every edit a reviewer would need to see again, and with
nothing that the approval workflow writes back into the document."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from techspec.authoring.content_hash import MANAGED, content_hash, normalize, revision_sha256
from techspec.authoring.writeback import (
    add_history_row,
    check_review_items,
    set_status,
    sign,
    unsign,
)
from techspec.lint.rules.managed import WORKFLOW_CHANGES
from techspec.lint.template import Template, builtin_template

APPROVED = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")


def test_revision_sha256_is_the_sha256_of_the_exact_utf8_bytes() -> None:
    text = "# Zoë\r\n"
    assert revision_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_revision_sha256_accepts_lone_surrogates() -> None:
    assert len(revision_sha256("a\udc80b")) == 64


def test_content_hash_is_a_sha256_hex_digest_of_the_normalized_text() -> None:
    expected = hashlib.sha256(normalize(APPROVED).encode("utf-8")).hexdigest()
    assert content_hash(APPROVED) == expected


def test_the_status_value_is_normalized_out() -> None:
    assert content_hash(APPROVED.replace("**Status**: Approved", "**Status**: Draft")) == (
        content_hash(APPROVED)
    )


def test_the_status_key_is_kept() -> None:
    renamed = APPROVED.replace("**Status**: Approved", "**State**: Approved")
    assert content_hash(renamed) != content_hash(APPROVED)


def test_only_the_managed_bytes_of_the_review_section_are_normalized_out() -> None:
    normalized = normalize(APPROVED)
    assert "- [ ] Architecture review completed\n" in normalized
    assert f"|Technical Lead|{MANAGED}|{MANAGED}|{MANAGED}|\n" in normalized
    assert "| Role           | Name   | Date   | Signature  |\n" in normalized
    assert "Radia Perlman" not in normalized
    assert "2026-03-01" not in normalized


def test_author_rows_of_the_history_are_content_and_workflow_rows_are_left_out() -> None:
    row = "| 1.0     | 2026-03-02 | Ada Lovelace | Initial version |"
    workflow = "| 1.0 | 2026-03-04 | Grace | Approved as Security Lead by Grace |"
    assert normalize(APPROVED).endswith(row)
    assert normalize(APPROVED.replace(row, row + "\n" + workflow)) == normalize(APPROVED)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("### Sign-off\n", "The security review is waived.\n\n### Sign-off\n"),
        ("- [x] Security review completed", "- [x] Security review waived"),
        ("- [x] Security review completed\n", "- [x] Security review completed\n- [ ] Legal\n"),
        ("| Security Lead  |", "| Security Chief |"),
        ("| Role           | Name   |", "| Role           | Signer |"),
        ("| Ada Lovelace | Initial version |", "| Ada Lovelace | First version |"),
        ("| 1.0     | 2026-03-02 |", "| 1.0     | 2026-03-03 |"),
    ],
)
def test_an_edit_inside_the_review_section_or_history_outside_managed_bytes_is_content(
    old: str, new: str
) -> None:
    assert old in APPROVED
    assert content_hash(APPROVED.replace(old, new, 1)) != content_hash(APPROVED)


def test_ticking_off_work_items_is_progress_not_a_content_change() -> None:
    edited = APPROVED.replace("- [ ] Measurable criterion", "- [x] Measurable criterion")
    assert content_hash(edited) == content_hash(APPROVED)


def test_the_text_of_a_work_item_is_still_content() -> None:
    edited = APPROVED.replace("- [ ] Measurable criterion", "- [ ] Unmeasurable criterion")
    assert content_hash(edited) != content_hash(APPROVED)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("client -> api -> ledger -> postgres", "client -> api -> ledger -> mysql"),
        ("Systems that will be modified", "Systems that will be rewritten"),
        ("**Document Version**: 1.0", "**Document Version**: 1.1"),
        ("**Author**: Ada Lovelace", "**Author**: Ada King"),
        ("# Technical Specification: Payments Ledger", "# Technical Specification: Ledger"),
        ("## Appendices", "## Annexes"),
        ("Detailed security assessment", "Detailed security review"),
        ("**Document History**", "**History**"),
        ("## Review & Approval", "## Review and Approval"),
    ],
)
def test_an_edit_outside_the_managed_parts_changes_the_hash(old: str, new: str) -> None:
    assert old in APPROVED
    assert content_hash(APPROVED.replace(old, new, 1)) != content_hash(APPROVED)


def test_moving_the_history_table_changes_the_hash() -> None:
    history = APPROVED[APPROVED.index("**Document History**") :]
    moved = history + "\n" + APPROVED[: APPROVED.index("**Document History**")]
    assert content_hash(moved) != content_hash(APPROVED)


def test_a_line_ending_change_does_not_change_the_hash() -> None:
    assert content_hash(APPROVED.replace("\n", "\r\n")) == content_hash(APPROVED)
    assert content_hash(APPROVED.replace("\n", "\r")) == content_hash(APPROVED)


def test_a_bom_and_trailing_whitespace_at_the_end_do_not_change_the_hash() -> None:
    assert content_hash("\ufeff" + APPROVED + "\n\n  \n") == content_hash(APPROVED)


def test_trailing_spaces_inside_the_text_are_kept() -> None:
    edited = APPROVED.replace("Key assumption 1\n", "Key assumption 1  \n")
    assert content_hash(edited) != content_hash(APPROVED)


def test_every_write_back_keeps_the_hash() -> None:
    text = set_status(APPROVED, "Review")
    text = check_review_items(text, checked=False)
    for role in ("Technical Lead", "Product Owner", "Security Lead"):
        text = unsign(text, role)
    text = add_history_row(
        text, "1.0", date(2026, 4, 1), "Ada", "Submitted for review by Ada", update=False
    )
    text = sign(text, "Security Lead", "Grace", date(2026, 4, 2), "ok")
    assert content_hash(text) == content_hash(APPROVED)


def test_managed_sections_come_from_the_template_not_from_heading_names() -> None:
    template = Template.from_markdown(
        "# Spec: [Name]\n\n**Status**: Open | Closed\n\n## Body\n\n[Text]\n\n"
        "## Checks\n\n- [ ] Reviewed\n\n## Notes\n\n[Notes]\n"
    )
    text = "# Spec: X\n\n**Status**: Open\n\n## Body\n\nHello\n\n## Checks\n\n- [ ] Reviewed\n"
    checked = text.replace("- [ ] Reviewed", "- [x] Reviewed")
    closed = text.replace("Open", "Closed")
    assert content_hash(checked, template) == content_hash(text, template)
    assert content_hash(closed, template) == content_hash(text, template)
    assert content_hash(text.replace("Hello", "Bye"), template) != content_hash(text, template)
    assert content_hash(checked) != content_hash(text)  # the built-in template has no "Checks"
    noted = text.replace("- [ ] Reviewed", "- [ ] Reviewed\n\nWaived.")
    assert content_hash(noted, template) != content_hash(text, template)


def test_a_document_without_managed_parts_hashes_its_normalized_text() -> None:
    text = "just some notes\r\n"
    assert content_hash(text) == revision_sha256("just some notes")


def test_the_default_template_is_the_builtin_one() -> None:
    assert content_hash(APPROVED) == content_hash(APPROVED, builtin_template())


names = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="|"),
    min_size=1,
    max_size=30,
).filter(lambda value: value.strip() != "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names, signature=names, role=st.sampled_from(["Technical Lead", "Security Lead"]))
def test_signing_with_any_name_keeps_the_hash(name: str, signature: str, role: str) -> None:
    signed = sign(APPROVED, role, name, date(2026, 5, 1), signature)
    assert content_hash(signed) == content_hash(APPROVED)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    version=st.from_regex(r"\A[1-9]\.[0-9]{1,2}\Z"),
    author=names,
    phrase=st.sampled_from(WORKFLOW_CHANGES),
    changes=names,
    status=st.sampled_from(["Draft", "Review", "Approved", "Implemented"]),
)
def test_any_workflow_history_row_and_status_keep_the_hash(
    version: str, author: str, phrase: str, changes: str, status: str
) -> None:
    row = phrase + changes.strip()
    text = add_history_row(APPROVED, version, date(2026, 5, 1), author, row, update=False)
    assert content_hash(set_status(text, status)) == content_hash(APPROVED)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(version=st.from_regex(r"\A[1-9]\.[0-9]{1,2}\Z"), author=names, changes=names)
def test_any_history_row_the_author_writes_changes_the_hash(
    version: str, author: str, changes: str
) -> None:
    assume(not changes.strip().startswith(WORKFLOW_CHANGES))
    text = add_history_row(APPROVED, version, date(2026, 5, 1), author, changes, update=False)
    assert content_hash(text) != content_hash(APPROVED)


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_save_that_passes_its_parse_gets_the_same_hash(ending: str) -> None:
    """A save parses once and hands that parse over; with CRLF lines the hash must read the
    normalized text, so the given parse is not used and the answer is still the same."""
    from techspec.document.parser import parse
    from techspec.lint.linter import LintContext

    text = APPROVED.replace("\n", ending)
    parsed = LintContext(parse(text), builtin_template())
    assert content_hash(text, builtin_template(), parsed=parsed) == content_hash(text)
    edited = text.replace("## Executive Summary", "## Executive Summary" + ending + "New.", 1)
    assert content_hash(edited, parsed=LintContext(parse(edited), builtin_template())) != (
        content_hash(text)
    )
