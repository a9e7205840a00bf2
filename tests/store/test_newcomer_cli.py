"""The command line as a newcomer meets it: no stray database from a mistyped name,
search snippets that read as text, the same review diff as the web, and clear refusals
of a status or role that does not exist.  On both engines where a store is involved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result
from store_specs import draft, edited

from techspec.cli import cli

TECHSPEC = Path(sys.executable).parent / "techspec"


def run(db_url: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--db", db_url], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"techspec {args} crashed: {result.exception!r}\n{result.output}")
    return result


def ledger(db_url: str, tmp_path: Path) -> Path:
    for name, role in [("ada", "author"), ("tom", "Technical Lead"), ("pat", "Product Owner")]:
        assert run(db_url, "user", "add", name, "--role", role).exit_code == 0
    path = tmp_path / "ledger.md"
    path.write_text(draft("Payments Ledger", author="ada"), encoding="utf-8")
    assert run(db_url, "import", str(path), "--as", "ada").exit_code == 0
    return path


def test_a_command_that_fails_on_an_unknown_user_leaves_no_database(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TECHSPEC_")}
    done = subprocess.run(
        [str(TECHSPEC), "token", "create", "admin"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "unknown user 'admin'" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_database_that_was_written_is_kept_when_a_later_step_fails(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert run(url, "user", "add", "ada", "--role", "author").exit_code == 0
    assert run(url, "token", "create", "nobody").exit_code == 2
    assert (tmp_path / "new.db").exists()


def test_search_prints_snippets_as_text_and_says_when_nothing_matches(
    db_url: str, tmp_path: Path
) -> None:
    ledger(db_url, tmp_path)
    found = run(db_url, "search", "Medium")
    assert found.exit_code == 0, found.output
    snippet = found.stdout.splitlines()[1]
    assert "|" not in snippet and "·" in snippet
    nothing = run(db_url, "search", "zebra")
    assert nothing.exit_code == 0
    assert nothing.stdout == ""
    assert nothing.stderr == "no spec matches 'zebra'\n"


def test_diff_since_my_approval_shows_what_the_web_shows_without_workflow_noise(
    db_url: str, tmp_path: Path
) -> None:
    path = ledger(db_url, tmp_path)
    slug = "ledger"
    assert run(db_url, "submit", slug, "--as", "ada").exit_code == 0
    assert run(db_url, "approve", slug, "--as", "tom").exit_code == 0
    assert run(db_url, "approve", slug, "--as", "pat").exit_code == 0
    current = run(db_url, "cat", slug).stdout
    path.write_text(edited(current, "Settlement moves to hourly."), encoding="utf-8")
    assert run(db_url, "import", str(path), "--as", "ada").exit_code == 0

    result = run(db_url, "diff", slug, "--since-my-approval", "--as", "tom")
    assert result.exit_code == 0, result.output
    assert "+Settlement moves to hourly." in result.stdout
    for noise in ("Status", "approved sha256:", "Approved as", "Submitted for review", "[x]"):
        assert noise not in result.stdout, noise
    everything = run(db_url, "diff", slug, "3")
    assert "Approved as" in everything.stdout  # the plain diff still shows all of it


def test_a_status_that_no_template_has_is_refused_by_list_and_search(
    db_url: str, tmp_path: Path
) -> None:
    ledger(db_url, tmp_path)
    for command in (["list"], ["search", "ledger"]):
        refused = run(db_url, *command, "--status", "Bogus")
        assert refused.exit_code == 2
        assert "'Bogus' is not a Status (one of: Draft, Review, Approved" in refused.stderr
    assert run(db_url, "list", "--status", "draft").exit_code == 0


def test_approving_for_a_role_that_is_no_sign_off_role_says_so(db_url: str, tmp_path: Path) -> None:
    ledger(db_url, tmp_path)
    run(db_url, "submit", "ledger", "--as", "ada")
    refused = run(db_url, "approve", "ledger", "--as", "tom", "--role", "CEO")
    assert refused.exit_code == 2
    assert "'CEO' is not a sign-off role of this spec" in refused.stderr
