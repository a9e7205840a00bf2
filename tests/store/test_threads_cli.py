"""The thread commands end to end on both engines: ``comment``, ``reply``, ``threads``,
``resolve``, ``reopen`` and ``apply``, with the exit codes of bad input (2), a refusal
(4) and a stale suggestion (3)."""

from __future__ import annotations

import json

import pytest
from store_specs import draft
from test_store_cli import run

LIMIT = "The API allows **100 requests** per second per client."


@pytest.fixture
def ledger(db_url: str, tmp_path: object) -> str:
    for name, role in [("ada", "author"), ("tom", "Technical Lead"), ("vic", "viewer")]:
        assert run(db_url, "user", "add", name, "--role", role).exit_code == 0
    from pathlib import Path

    path = Path(str(tmp_path)) / "ledger.md"
    path.write_text(draft(author="ada", words=LIMIT), encoding="utf-8")
    assert run(db_url, "import", str(path), "--as", "ada").exit_code == 0
    return "ledger"


def test_a_review_conversation_at_the_command_line(db_url: str, ledger: str) -> None:
    opened = run(
        db_url,
        *("comment", ledger, "Raise it, @ada? @ghost", "--section", "Executive Summary"),
        *("--quote", "100 requests", "--kind", "suggestion", "--suggestion", "1000 requests"),
        *("--as", "tom", "--format", "json"),
    )
    assert opened.exit_code == 0, opened.output
    thread = json.loads(opened.stdout)
    assert (thread["kind"], thread["mentions"], thread["unknown_mentions"]) == (
        "suggestion",
        ["ada"],
        ["ghost"],
    )
    assert "no user is called ghost" in opened.stderr
    number = str(thread["id"])
    assert run(db_url, "reply", number, "Sure", "--as", "ada").exit_code == 0
    listed = run(db_url, "threads", ledger)
    assert f"#{number} suggestion on 'Executive Summary' (r1, open)" in listed.stdout
    assert "  > 100 requests\n  suggests: 1000 requests\n  tom: Raise it" in listed.stdout
    assert "  ada: Sure" in listed.stdout
    applied = run(db_url, "apply", number, "--as", "ada", "--revision", "1")
    assert applied.exit_code == 0, applied.output
    assert f"{ledger}: suggestion #{number} applied as r2" in applied.stdout
    assert (
        run(db_url, "threads", ledger, "--status", "open").stdout == f"{ledger}: no open threads\n"
    )
    reopened = run(db_url, "reopen", number, "--as", "tom", "--format", "json")
    assert json.loads(reopened.stdout)["status"] == "open"
    stale = run(db_url, "apply", number, "--as", "ada")
    assert stale.exit_code == 3 and "is stale" in stale.stderr
    assert run(db_url, "resolve", number, "--as", "tom").exit_code == 0


def test_refusals_and_bad_input_exit_with_their_codes(db_url: str, ledger: str) -> None:
    bad = run(db_url, "comment", ledger, "hi", "--section", "Nowhere", "--as", "tom")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("techspec: invalid field 'section': spec 'ledger' has no section")
    viewer = run(db_url, "comment", ledger, "hi", "--section", "Executive Summary", "--as", "vic")
    assert viewer.exit_code == 4
    assert "a viewer may read threads but not open a thread" in viewer.stderr
    assert run(db_url, "resolve", "99", "--as", "tom").exit_code == 2
    assert run(db_url, "threads", ledger, "--as", "vic").exit_code == 0


def test_a_decision_comment_at_the_command_line_becomes_a_thread(db_url: str, ledger: str) -> None:
    assert run(db_url, "submit", ledger, "--as", "ada").exit_code == 0
    decided = run(db_url, "request-changes", ledger, "--as", "tom", "--comment", "Too low")
    assert decided.exit_code == 0, decided.output
    listed = json.loads(run(db_url, "threads", ledger, "--format", "json").stdout)
    assert [(t["kind"], t["author"]) for t in listed] == [("blocking", "tom")]
    assert listed[0]["comments"][0]["body"] == "Changes requested as Technical Lead: Too low"
