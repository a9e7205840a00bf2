"""``techspec import --git`` on the command line: what it prints, and its exit status.

The repository is :mod:`git_history`'s (the ``history`` fixture), on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from git_history import LEDGER_3, LIMIT, History, commit_bad_blobs
from store_specs import edited

from techspec.cli import cli


def run(db_url: str, *args: str, user: str | None = None) -> Result:
    """``techspec ARGS --db DB_URL``, with ``TECHSPEC_USER`` set to ``user`` (unset by default)."""
    runner = CliRunner(env={"TECHSPEC_USER": user})
    result = runner.invoke(cli, [*args, "--db", db_url], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"techspec {args} crashed: {result.exception!r}\n{result.output}")
    return result


def test_import_git_prints_each_revision_and_notes_files_that_are_not_specs_with_exit_0(
    db_url: str, history: History
) -> None:
    result = run(db_url, "import", "--git", str(history.repo))
    assert result.exit_code == 0, result.output
    assert f"created   ledger r1 {history.shas['add'][:12]}" in result.stdout
    assert f"revised   billing r2 {history.shas['merge'][:12]}" in result.stdout
    assert (
        result.stdout.splitlines()[-1] == "2 created, 3 revised, 1 unchanged, 0 skipped, 1 ignored"
    )
    assert result.stderr.startswith("techspec: ignored README.md: not a spec")


def test_import_git_run_again_prints_no_revisions_and_exits_0(
    db_url: str, history: History
) -> None:
    run(db_url, "import", "--git", str(history.repo))
    again = run(db_url, "import", "--git", str(history.repo))
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == ["0 created, 0 revised, 0 unchanged, 0 skipped, 1 ignored"]


def test_import_git_exits_1_when_a_spec_was_skipped(
    db_url: str, history: History, tmp_path: Path
) -> None:
    run(db_url, "import", "--git", str(history.repo))
    (tmp_path / "ledger.md").write_text(edited(LEDGER_3, "Edited by hand."), encoding="utf-8")
    assert run(db_url, "import", str(tmp_path / "ledger.md")).exit_code == 0
    result = run(db_url, "import", "--git", str(history.repo))
    assert result.exit_code == 1, result.output
    assert "techspec: skipped specs/payments-ledger.md: spec 'ledger' changed" in result.stderr


def test_import_git_with_a_path_glob_imports_only_the_files_it_matches(
    db_url: str, history: History
) -> None:
    result = run(db_url, "import", "--git", str(history.repo), "--path", "specs/billing.*")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "1 created, 1 revised, 0 unchanged, 0 skipped, 0 ignored"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--git", "{tmp}"], "techspec: {tmp}: not a git repository"),
        (
            ["--path", "*.md"],
            "techspec: give --git REPO [--path GLOB], without PATH... or --message",
        ),
        (
            ["--git", "{tmp}", "x.md"],
            "techspec: give --git REPO [--path GLOB], without PATH... or --message",
        ),
        ([], "techspec: give PATH... or --git REPO"),
    ],
)
def test_import_git_usage_and_repository_errors_are_one_line_and_exit_2(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = run(db_url, "import", *[arg.format(tmp=tmp_path) for arg in args])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message.format(tmp=tmp_path)]


def test_import_git_refuses_as_because_authors_come_from_the_commits(
    db_url: str, history: History
) -> None:
    result = run(db_url, "import", "--git", str(history.repo), "--as", "Ada")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "techspec: --as does not apply to --git: each revision's author is its commit's"
    ]


def test_import_git_leaves_a_techspec_user_from_the_environment_unused(
    db_url: str, history: History
) -> None:
    """``TECHSPEC_USER`` is a default that many shells export for every command: the
    import goes on, and the authors still come from the commits."""
    result = run(db_url, "import", "--git", str(history.repo), user="Ada")
    assert result.exit_code == 0, result.output
    assert "created   ledger r1" in result.stdout
    assert "Ada" not in result.stderr


def test_import_git_skips_a_blob_too_large_or_not_utf8_by_name_imports_the_rest_and_exits_1(
    db_url: str, own_history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("techspec.document.files.MAX_BYTES", LIMIT)
    commit_bad_blobs(own_history.repo)
    result = run(db_url, "import", "--git", str(own_history.repo))
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[1:] == [
        "techspec: skipped specs/api.md: file is over the 1 MiB limit for a spec",
        "techspec: skipped specs/latin.md: not UTF-8 text: invalid byte 0xeb at line 1, column 30",
    ]
    assert result.stdout.splitlines()[-1] == (
        "2 created, 3 revised, 1 unchanged, 2 skipped, 1 ignored"
    )


def test_import_git_without_git_on_path_is_one_error_line_and_exits_2(
    db_url: str, history: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run(db_url, "import", "--git", str(history.repo))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"techspec: {history.repo}: git is not installed (not found on PATH)"
    ]
    assert result.stdout == ""
