"""``techspec inbox``, ``techspec reviews``, ``techspec user add/set --email`` and
``techspec submit --due`` on both engines: the same verdicts as the API, one clear line
and exit 2 for bad input."""

from __future__ import annotations

import json
from pathlib import Path

from store_specs import draft
from test_store_cli import run


def _setup(db_url: str, tmp_path: Path) -> Path:
    assert (
        run(db_url, "user", "add", "ada", "--role", "author", "--email", "ada@x.test").exit_code
        == 0
    )
    assert run(db_url, "user", "add", "tom", "--role", "Technical Lead").exit_code == 0
    assert run(db_url, "user", "add", "pat", "--role", "Product Owner").exit_code == 0
    assert run(db_url, "user", "add", "sue", "--role", "Security Lead").exit_code == 0
    spec = tmp_path / "0001-ledger.md"
    text = draft("Payments Ledger", "ada").replace(
        "**Reviewers**: List of reviewers", "**Reviewers**: Tom Smith, Nobody Here"
    )
    spec.write_text(text, encoding="utf-8")
    assert run(db_url, "import", str(spec), "--as", "ada").exit_code == 0
    return spec


def test_submit_reports_unknown_reviewers_and_the_inbox_shows_and_clears_requests(
    db_url: str, tmp_path: Path
) -> None:
    _setup(db_url, tmp_path)
    assert run(db_url, "user", "set", "tom", "--display-name", "Tom Smith").exit_code == 0
    submitted = run(db_url, "submit", "0001-ledger", "--as", "ada", "--due", "2031-05-06")
    assert submitted.exit_code == 0, submitted.output
    assert (
        "Review requested from tom, pat (Product Owner), sue (Security Lead)." in submitted.output
    )
    assert "no user is called 'Nobody Here'" in submitted.output
    shown = run(db_url, "inbox", "--as", "tom")
    assert "review" in shown.output and "due 2031-05-06" in shown.output
    assert shown.output.strip().endswith("1 unread")
    listed = json.loads(run(db_url, "reviews", "--format", "json").output)
    assert listed["total"] == 3 and {r["reviewer"] for r in listed["items"]} == {
        "tom",
        "pat",
        "sue",
    }
    cleared = run(db_url, "inbox", "--as", "tom", "--mark-read")
    assert cleared.output.strip().endswith("0 unread (those shown are now read)")
    assert "nothing in the inbox unread" in run(db_url, "inbox", "--as", "tom", "--unread").output
    data = json.loads(run(db_url, "inbox", "--as", "pat", "--format", "json").output)
    assert data["unread"] == 1 and data["items"][0]["link"] == "/specs/0001-ledger"


def test_bad_addresses_dates_and_users_are_one_line_and_exit_2(db_url: str, tmp_path: Path) -> None:
    _setup(db_url, tmp_path)
    bad = run(db_url, "user", "set", "tom", "--email", "tom@x.test\nBcc: eve@evil.test")
    assert bad.exit_code == 2 and "email" in bad.output and "Traceback" not in bad.output
    assert run(db_url, "user", "set", "tom", "--mail", "hourly").exit_code == 2
    assert run(db_url, "submit", "0001-ledger", "--as", "ada", "--due", "soon").exit_code == 2
    assert run(db_url, "inbox").exit_code == 2  # whose inbox?
    unknown = run(db_url, "inbox", "--as", "ghost")
    assert unknown.exit_code != 0 and "ghost" in unknown.output
