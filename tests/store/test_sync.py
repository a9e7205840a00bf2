"""``techspec sync DIR``: a directory of specs kept in git, in step with the store.

Each test drives real ``git`` repositories and the command line on both engines: edits
in the repository become revisions, workflow steps in the store come back to the files,
edits on both sides merge section by section, and what needs a person is reported
without writing anything.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from git_history import commit, git
from store_specs import draft, edited

from techspec.cli import cli

LEDGER = "0001-ledger"


def run(db_url: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--db", db_url], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"techspec {args} crashed: {result.exception!r}\n{result.output}")
    return result


def users(db_url: str) -> None:
    """Ada writes the specs (their Author field names her); the others review."""
    for name, roles in [
        ("ada", ["author"]),
        ("tom", ["Technical Lead"]),
        ("pat", ["Product Owner"]),
        ("sue", ["Security Lead"]),
    ]:
        options = [option for role in roles for option in ("--role", role)]
        assert run(db_url, "user", "add", name, *options).exit_code == 0


def new_repo(tmp_path: Path, name: str = "repo") -> Path:
    repo = tmp_path / name
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    text = draft("Payments Ledger", words="Settlement runs nightly.")
    commit(
        repo, "Add the ledger", "Ada Lovelace", "2024-01-01T10:00:00Z", {f"specs/{LEDGER}.md": text}
    )
    return repo


def sync(db_url: str, repo: Path, *more: str) -> Result:
    return run(db_url, "sync", str(repo / "specs"), "--as", "ada", *more)


def stored(db_url: str, slug: str = LEDGER) -> str:
    return run(db_url, "cat", slug).stdout


def spec_file(repo: Path) -> Path:
    return repo / "specs" / f"{LEDGER}.md"


def git_status(repo: Path) -> str:
    return git(repo, "status", "--porcelain")


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def approve_all(db_url: str) -> None:
    assert run(db_url, "submit", LEDGER, "--as", "ada").exit_code == 0
    for reviewer in ("tom", "pat", "sue"):
        decided = run(db_url, "approve", LEDGER, "--as", reviewer)
        assert decided.exit_code == 0, decided.output


def test_the_whole_loop_edit_in_git_review_in_the_store_sync_commit_edit_again(
    db_url: str, tmp_path: Path
) -> None:
    users(db_url)
    repo = new_repo(tmp_path)

    first = sync(db_url, repo)
    assert first.exit_code == 0, first.output
    assert f"created   {spec_file(repo)} {LEDGER} r1" in first.stdout
    record = repo / "specs" / ".techspec-sync" / f"{LEDGER}.md.json"
    assert json.loads(record.read_text())["revision"] == 1
    commit_all(repo, "Sync record")

    # An edit in the repository becomes a revision; the file is left as it is.
    spec_file(repo).write_text(edited(spec_file(repo).read_text(), "Ledger rows are immutable."))
    commit_all(repo, "Immutable rows")
    before = spec_file(repo).read_bytes()
    second = sync(db_url, repo)
    assert second.exit_code == 0, second.output
    assert f"imported  {spec_file(repo)} {LEDGER} r2" in second.stdout
    assert spec_file(repo).read_bytes() == before
    assert stored(db_url) == before.decode()

    # Submit and approve in the store: the workflow's write-back comes back to the file.
    approve_all(db_url)
    third = sync(db_url, repo)
    assert third.exit_code == 0, third.output
    assert "written" in third.stdout
    text = spec_file(repo).read_text()
    assert "**Status**: Approved" in text
    assert text == stored(db_url)
    assert text.count("approved sha256:") == 3
    commit_all(repo, "Approved")

    # Nothing new on either side: the file is not touched, git sees nothing.
    stamp = spec_file(repo).stat().st_mtime_ns
    fourth = sync(db_url, repo)
    assert fourth.exit_code == 0, fourth.output
    assert fourth.stdout.strip() == "1 unchanged"
    assert spec_file(repo).stat().st_mtime_ns == stamp
    assert git_status(repo) == ""

    # Edit again: a content change sends the approved spec back to Review, and the
    # store's write-back (sign-offs cleared) lands in the file in the same sync.
    spec_file(repo).write_text(edited(text, "Rows are kept for seven years."))
    fifth = sync(db_url, repo)
    assert fifth.exit_code == 0, fifth.output
    assert "imported" in fifth.stdout
    again = spec_file(repo).read_text()
    assert again == stored(db_url)
    assert "Rows are kept for seven years." in again
    assert "approved sha256:" not in again
    assert "**Status**: Review" in again
    commit_all(repo, "Retention")
    assert sync(db_url, repo).stdout.strip() == "1 unchanged"


def test_a_plain_import_after_a_workflow_step_was_refused_sync_is_the_way_out(
    db_url: str, tmp_path: Path
) -> None:
    """Re-importing the unchanged file after ``submit`` would claim Draft again; sync
    sees the file did not move and writes the store's Review into it instead."""
    users(db_url)
    repo = new_repo(tmp_path)
    assert sync(db_url, repo).exit_code == 0
    assert run(db_url, "submit", LEDGER, "--as", "ada").exit_code == 0
    result = sync(db_url, repo)
    assert result.exit_code == 0, result.output
    assert "**Status**: Review" in spec_file(repo).read_text()
    history = json.loads(run(db_url, "history", LEDGER, "--format", "json").stdout)
    assert [h["status"] for h in history] == ["Draft", "Review"]


def test_edits_of_different_sections_on_both_sides_merge(db_url: str, tmp_path: Path) -> None:
    users(db_url)
    repo = new_repo(tmp_path)
    sync(db_url, repo)
    elsewhere = tmp_path / "web" / f"{LEDGER}.md"
    elsewhere.parent.mkdir()
    text = spec_file(repo).read_text()
    elsewhere.write_text(
        text.replace("## Problem Statement\n\n", "## Problem Statement\n\nFrom the web.\n\n", 1)
    )
    assert run(db_url, "import", str(elsewhere), "--as", "ada").exit_code == 0  # r2 in the store
    spec_file(repo).write_text(edited(text, "From the repository."))

    result = sync(db_url, repo)
    assert result.exit_code == 0, result.output
    assert f"merged    {spec_file(repo)} {LEDGER} r3" in result.stdout
    merged = spec_file(repo).read_text()
    assert "From the web." in merged and "From the repository." in merged
    assert merged == stored(db_url)


def test_the_same_section_changed_on_both_sides_is_reported_and_nothing_is_written(
    db_url: str, tmp_path: Path
) -> None:
    users(db_url)
    repo = new_repo(tmp_path)
    sync(db_url, repo)
    record = repo / "specs" / ".techspec-sync" / f"{LEDGER}.md.json"
    recorded = record.read_bytes()
    base = spec_file(repo).read_text()
    elsewhere = tmp_path / "web" / f"{LEDGER}.md"
    elsewhere.parent.mkdir()
    elsewhere.write_text(edited(base, "The store's sentence."))
    run(db_url, "import", str(elsewhere), "--as", "ada")
    mine = edited(base, "The repository's sentence.")
    spec_file(repo).write_text(mine)

    result = sync(db_url, repo)
    assert result.exit_code == 3, result.output
    assert f"conflict  {spec_file(repo)} {LEDGER} r2" in result.stdout
    assert "  CONFLICT Executive Summary: changed on both sides" in result.stdout
    hint = f"then run: techspec sync {repo / 'specs'} --resolved FILE --db {db_url}"
    assert hint in result.stderr
    assert "<<<<<<<" not in spec_file(repo).read_text()
    assert spec_file(repo).read_text() == mine
    assert record.read_bytes() == recorded
    assert "The repository's sentence." not in stored(db_url)

    # Running it again reports the same: nothing moved on its own.
    assert sync(db_url, repo).exit_code == 3

    # A person merges by hand and says so.
    both = edited(base, "The store's sentence.\n\nThe repository's sentence.")
    spec_file(repo).write_text(both)
    settled = sync(db_url, repo, "--resolved", str(spec_file(repo)))
    assert settled.exit_code == 0, settled.output
    assert f"imported  {spec_file(repo)} {LEDGER} r3" in settled.stdout
    assert stored(db_url) == both
    assert sync(db_url, repo).stdout.strip() == "1 unchanged"


def test_new_files_deleted_files_and_specs_deleted_in_the_store(
    db_url: str, tmp_path: Path
) -> None:
    users(db_url)
    repo = new_repo(tmp_path)
    billing = repo / "specs" / "0002-billing.md"
    billing.write_text(draft("Billing", author="ada"))
    (repo / "specs" / "README.md").write_text("# Our specs\n\nThey live here.\n")
    first = sync(db_url, repo)
    assert first.exit_code == 0, first.output
    assert "created" in first.stdout and "0002-billing r1" in first.stdout
    assert "ignored" in first.stderr and "README.md" in first.stderr
    assert first.stdout.splitlines()[-1] == "0 unchanged, 2 created"

    # A file deleted in the repository deletes its spec in the store.
    billing.unlink()
    gone = sync(db_url, repo)
    assert gone.exit_code == 0, gone.output
    assert f"deleted   {billing} 0002-billing r1" in gone.stdout
    assert run(db_url, "cat", "0002-billing").exit_code == 2
    assert not (repo / "specs" / ".techspec-sync" / "0002-billing.md.json").exists()

    # A spec deleted in the store removes its unchanged file.
    assert run(db_url, "delete", LEDGER, "--as", "ada").exit_code == 0
    removed = sync(db_url, repo)
    assert removed.exit_code == 0, removed.output
    assert f"removed   {spec_file(repo)} {LEDGER}" in removed.stdout
    assert not spec_file(repo).exists()
    assert sync(db_url, repo).stdout.strip() == "0 unchanged"


def test_a_file_deleted_here_but_changed_in_the_store_is_a_conflict(
    db_url: str, tmp_path: Path
) -> None:
    users(db_url)
    repo = new_repo(tmp_path)
    sync(db_url, repo)
    assert run(db_url, "submit", LEDGER, "--as", "ada").exit_code == 0
    spec_file(repo).unlink()
    result = sync(db_url, repo)
    assert result.exit_code == 3, result.output
    assert "deleted here, but changed in the store since r1" in result.stdout
    assert run(db_url, "cat", LEDGER).exit_code == 0


def test_sync_checks_permissions_like_every_front_door(db_url: str, tmp_path: Path) -> None:
    users(db_url)
    repo = new_repo(tmp_path)
    sync(db_url, repo)
    spec_file(repo).write_text(edited(spec_file(repo).read_text(), "Tom's edit."))
    refused = run(db_url, "sync", str(repo / "specs"), "--as", "tom")
    assert refused.exit_code == 1, refused.output
    assert "tom" in refused.stderr and "skipped" in refused.stderr
    assert "Tom's edit." not in stored(db_url)


def test_two_clones_syncing_against_one_store_never_revert_each_other(
    db_url: str, tmp_path: Path
) -> None:
    """Each clone's record is the base of its own copy: a clone that has not pulled
    takes the store's newer text instead of pushing its older file back."""
    users(db_url)
    origin = new_repo(tmp_path, "origin")
    sync(db_url, origin)
    commit_all(origin, "Sync record")
    first = tmp_path / "first"
    second = tmp_path / "second"
    git(tmp_path, "clone", "-q", str(origin), str(first))
    git(tmp_path, "clone", "-q", str(origin), str(second))

    spec_file(first).write_text(edited(spec_file(first).read_text(), "The first clone's edit."))
    assert "imported" in sync(db_url, first).stdout  # r2

    # The second clone has not pulled: its file is still r1, unchanged since its sync.
    caught_up = sync(db_url, second)
    assert caught_up.exit_code == 0, caught_up.output
    assert "written" in caught_up.stdout
    assert "The first clone's edit." in spec_file(second).read_text()
    assert "The first clone's edit." in stored(db_url)

    # With an edit of its own, the second clone merges instead of reverting.
    text = spec_file(first).read_text()
    spec_file(first).write_text(edited(text, "Another edit from the first."))
    sync(db_url, first)  # r3
    own = (
        spec_file(second)
        .read_text()
        .replace(
            "## Problem Statement\n\n", "## Problem Statement\n\nThe second clone's edit.\n\n", 1
        )
    )
    spec_file(second).write_text(own)
    merged = sync(db_url, second)
    assert merged.exit_code == 0, merged.output
    assert "merged" in merged.stdout
    final = stored(db_url)
    for words in ("The first clone's edit.", "Another edit from the first.", "second clone"):
        assert words in final
