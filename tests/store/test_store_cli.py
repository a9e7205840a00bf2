"""The store commands end to end, on both engines, plus bad input: one clear line and
exit 2, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from store_specs import draft, edited, raw_draft

from techspec.cli import cli
from techspec.store import migrations

TECHSPEC = Path(sys.executable).parent / "techspec"


def run(db_url: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--db", db_url], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"techspec {args} crashed: {result.exception!r}\n{result.output}")
    return result


def _files(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    ledger = directory / "0001-ledger.md"
    ledger.write_text(draft("Payments Ledger", words="Settlement ledger."), encoding="utf-8")
    crlf = directory / "0002-crlf.md"
    crlf.write_bytes(("\ufeff" + draft("Billing")).replace("\n", "\r\n").encode("utf-8"))
    return {"ledger": ledger, "crlf": crlf}


def _users(db_url: str) -> None:
    """Ada writes the specs (their Author field names her) and is a Technical Lead too;
    the others review."""
    for name, roles in [
        ("ada", ["author", "Technical Lead"]),
        ("tom", ["Technical Lead"]),
        ("pat", ["Product Owner"]),
        ("sue", ["Security Lead"]),
    ]:
        options = [option for role in roles for option in ("--role", role)]
        assert run(db_url, "user", "add", name, *options).exit_code == 0


def test_import_then_export_round_trips_byte_for_byte(db_url: str, tmp_path: Path) -> None:
    files = _files(tmp_path / "in")
    imported = run(db_url, "import", str(tmp_path / "in"))
    assert imported.exit_code == 0, imported.output
    assert "2 created" in imported.stdout
    exported = run(db_url, "export", str(tmp_path / "out"))
    assert exported.exit_code == 0
    for path in files.values():
        assert (tmp_path / "out" / path.name).read_bytes() == path.read_bytes()


def test_importing_the_same_bytes_again_adds_no_revision(db_url: str, tmp_path: Path) -> None:
    files = _files(tmp_path)
    run(db_url, "import", str(files["ledger"]))
    again = run(db_url, "import", str(files["ledger"]))
    assert again.exit_code == 0
    assert "unchanged 0001-ledger r1" in again.stdout


def test_reimporting_an_edited_file_adds_a_revision_to_the_same_spec(
    db_url: str, tmp_path: Path
) -> None:
    files = _files(tmp_path)
    run(db_url, "import", str(files["ledger"]))
    files["ledger"].write_text(edited(files["ledger"].read_text("utf-8"), "Edited."), "utf-8")
    again = run(db_url, "import", str(files["ledger"]))
    assert "revised   0001-ledger r2" in again.stdout
    history = json.loads(run(db_url, "history", "0001-ledger", "--format", "json").stdout)
    assert [h["revision"] for h in history] == [1, 2]


def test_reimporting_an_edited_approved_spec_says_the_store_sent_it_back_to_review(
    db_url: str, tmp_path: Path
) -> None:
    approved = Path(__file__).parents[2] / "examples" / "0001-payments-ledger.md"
    spec = tmp_path / "ledger.md"
    spec.write_text(approved.read_text("utf-8"), encoding="utf-8")
    assert run(db_url, "import", str(spec)).exit_code == 0
    spec.write_text(edited(spec.read_text("utf-8"), "Settlement is nightly."), encoding="utf-8")
    again = run(db_url, "import", str(spec))
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == (
        "revised   ledger r3 (content changed after approval: approvals are stale, back to Review)"
    )


def test_two_files_with_the_same_title_stay_two_specs(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(draft("Same"), "utf-8")
    (tmp_path / "b.md").write_text(draft("Same"), "utf-8")
    assert run(db_url, "import", str(tmp_path)).exit_code == 0
    listed = json.loads(run(db_url, "list", "--format", "json").stdout)
    assert sorted(item["slug"] for item in listed) == ["a", "b"]


def test_files_in_a_directory_that_are_not_specs_are_ignored_and_unreadable_ones_skipped(
    db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "notes.md").write_text("# Groceries\n\n- eggs\n", "utf-8")
    (tmp_path / "bin.md").write_bytes(b"\x00\x01binary")
    _files(tmp_path)
    result = run(db_url, "import", str(tmp_path))
    assert result.exit_code == 1  # the binary file could not be read
    assert f"techspec: ignored {tmp_path / 'notes.md'}: not a spec" in result.stderr
    assert f"techspec: skipped {tmp_path / 'bin.md'}: binary file" in result.stderr
    assert (
        result.stdout.splitlines()[-1] == "2 created, 0 revised, 0 unchanged, 1 skipped, 1 ignored"
    )
    listed = json.loads(run(db_url, "list", "--format", "json").stdout)
    assert sorted(item["slug"] for item in listed) == ["0001-ledger", "0002-crlf"]


def test_a_directory_whose_only_other_file_is_a_readme_imports_with_exit_0(
    db_url: str, tmp_path: Path
) -> None:
    """As ``techspec lint`` passes over Markdown that is no spec, so does import."""
    (tmp_path / "README.md").write_text("# Team specs\n\nThey live here.\n", "utf-8")
    _files(tmp_path)
    result = run(db_url, "import", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"techspec: ignored {tmp_path / 'README.md'}: not a spec")


def test_a_named_file_that_is_not_a_spec_is_skipped_with_exit_1(
    db_url: str, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Groceries\n\n- eggs\n", "utf-8")
    result = run(db_url, "import", str(notes))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"techspec: skipped {notes}: not a spec")
    assert json.loads(run(db_url, "list", "--format", "json").stdout) == []


def test_list_filters_by_status_and_prints_json(db_url: str, tmp_path: Path) -> None:
    _files(tmp_path)
    run(db_url, "import", str(tmp_path))
    _users(db_url)
    submitted = run(db_url, "submit", "0001-ledger", "--as", "ada")
    assert submitted.exit_code == 0, submitted.output
    listed = json.loads(run(db_url, "list", "--status", "Review", "--format", "json").stdout)
    assert [item["slug"] for item in listed] == ["0001-ledger"]
    text = run(db_url, "list").stdout
    assert "0001-ledger" in text and "0002-crlf" in text


def test_search_ranks_matches_and_shows_a_snippet(db_url: str, tmp_path: Path) -> None:
    _files(tmp_path)
    run(db_url, "import", str(tmp_path))
    found = json.loads(run(db_url, "search", "settlement", "--format", "json").stdout)
    assert [item["slug"] for item in found] == ["0001-ledger"]
    assert "ettlement" in found[0]["snippet"]
    assert "[" in run(db_url, "search", "settlement").stdout


def test_the_workflow_commands_take_a_spec_to_approved(db_url: str, tmp_path: Path) -> None:
    files = _files(tmp_path)
    _users(db_url)
    run(db_url, "import", str(files["ledger"]), "--as", "ada")
    assert run(db_url, "submit", "0001-ledger", "--as", "ada").exit_code == 0
    selfish = run(db_url, "approve", "0001-ledger", "--as", "ada", "--role", "Technical Lead")
    assert selfish.exit_code == 4
    assert "may not approve" in selfish.stderr
    assert run(db_url, "approve", "0001-ledger", "--as", "tom").exit_code == 0
    assert run(db_url, "approve", "0001-ledger", "--as", "pat").exit_code == 0
    last = run(db_url, "approve", "0001-ledger", "--as", "sue", "--role", "Security Lead")
    assert "0001-ledger: Approved" in last.stdout
    approvals = json.loads(run(db_url, "approvals", "0001-ledger", "--format", "json").stdout)
    assert [a["current"] for a in approvals] == [True, True, True]
    refused = run(db_url, "implement", "0001-ledger", "--as", "ada")
    assert refused.exit_code == 1
    assert "cannot move to Implemented" in refused.stderr
    assert "must be checked when Status is Implemented" in refused.stderr


def test_request_changes_sends_a_spec_back_to_draft(db_url: str, tmp_path: Path) -> None:
    files = _files(tmp_path)
    _users(db_url)
    run(db_url, "import", str(files["ledger"]), "--as", "ada")
    run(db_url, "submit", "0001-ledger", "--as", "ada")
    result = run(db_url, "request-changes", "0001-ledger", "--as", "sue", "--comment", "more")
    assert result.exit_code == 0
    assert "0001-ledger: Draft" in result.stdout


def test_a_refused_submit_lists_every_gate_with_its_line(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "raw.md").write_text(raw_draft(), "utf-8")
    _users(db_url)
    run(db_url, "import", str(tmp_path / "raw.md"))
    result = run(db_url, "submit", "raw", "--as", "ada")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("techspec: raw: cannot move to Review:")
    assert all(line.startswith("  line ") for line in lines[1:])
    assert len(lines) > 10


def test_diff_between_revisions_and_since_my_approval(db_url: str, tmp_path: Path) -> None:
    files = _files(tmp_path)
    _users(db_url)
    run(db_url, "import", str(files["ledger"]), "--as", "ada")
    run(db_url, "submit", "0001-ledger", "--as", "ada")
    run(db_url, "approve", "0001-ledger", "--as", "sue")
    current = run(db_url, "cat", "0001-ledger").stdout
    path = tmp_path / "edit" / "0001-ledger.md"
    path.parent.mkdir()
    path.write_text(edited(current, "Rotating keys weekly."), "utf-8")
    run(db_url, "import", str(path), "--as", "ada")
    mine = run(db_url, "diff", "0001-ledger", "--since-my-approval", "--as", "sue")
    assert mine.exit_code == 0, mine.output
    assert "changed section Executive Summary" in mine.stdout
    assert "+Rotating keys weekly." in mine.stdout
    between = json.loads(run(db_url, "diff", "0001-ledger", "1", "2", "--format", "json").stdout)
    assert (between["old"], between["new"]) == (1, 2)
    assert any(m["key"] == "Status" for m in between["metadata"])


def test_audit_verify_and_log(db_url: str, tmp_path: Path) -> None:
    _files(tmp_path)
    run(db_url, "import", str(tmp_path))
    verified = run(db_url, "audit", "verify")
    assert verified.exit_code == 0
    assert verified.stdout.startswith(
        "OK: 4 leaves (2 events, 2 revision texts re-hashed), 0 recorded checkpoints"
    )
    log = json.loads(run(db_url, "audit", "log", "--format", "json").stdout)
    assert [e["action"] for e in log] == ["spec.created", "spec.created"]


def test_user_commands_add_list_and_make_tokens(db_url: str) -> None:
    added = run(db_url, "user", "add", "grace", "--role", "Security Lead", "--role", "Admin")
    assert added.stdout.strip() == "added user grace (Admin, Security Lead)"
    assert "grace" in run(db_url, "user", "list").stdout
    token = run(db_url, "user", "token", "grace").stdout.strip()
    assert token.startswith("tsk_")
    again = run(db_url, "user", "add", "grace")
    assert again.exit_code == 3


def test_delete_hides_a_spec(db_url: str, tmp_path: Path) -> None:
    _files(tmp_path)
    _users(db_url)
    run(db_url, "import", str(tmp_path))
    assert run(db_url, "delete", "0002-crlf", "--as", "ada").exit_code == 0
    listed = json.loads(run(db_url, "list", "--format", "json").stdout)
    assert [item["slug"] for item in listed] == ["0001-ledger"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["history", "nope"], "unknown spec 'nope'"),
        (["submit", "nope", "--as", "ada"], "unknown spec 'nope'"),
        (["diff", "nope", "1", "2"], "unknown spec 'nope'"),
    ],
)
def test_an_unknown_spec_is_one_clear_line_and_exit_2(
    db_url: str, args: list[str], message: str
) -> None:
    run(db_url, "user", "add", "ada", "--role", "author")
    result = run(db_url, *args)
    assert result.exit_code == 2
    hint = f"(see: techspec list --db {db_url})"  # pasted as is, it lists this store's specs
    assert result.stderr.strip().splitlines() == [f"techspec: {message} {hint}"]


def test_an_unknown_user_is_one_clear_line_and_exit_2(db_url: str, tmp_path: Path) -> None:
    _files(tmp_path)
    run(db_url, "import", str(tmp_path))
    result = run(db_url, "submit", "0001-ledger", "--as", "zed")
    assert result.exit_code == 2
    hint = f"add one with: techspec user add zed --role ROLE --db {db_url}"
    assert result.stderr.strip().splitlines() == [f"techspec: unknown user 'zed' ({hint})"]


def _process(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TECHSPEC_DATABASE_URL"}
    return subprocess.run(
        [str(TECHSPEC), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "invalid database URL"),
        ("mysql://u@localhost/db", "only sqlite and postgresql are supported"),
        ("sqlite://", "SQLite needs a file"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "cannot reach the database"),
        ("sqlite:////nonexistent-dir/x/techspec.db", "cannot reach the database"),
    ],
)
def test_a_bad_or_unreachable_database_is_one_clear_line_and_exit_2(url: str, message: str) -> None:
    result = _process("list", "--db", url)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("techspec: ") and message in lines[0]


def test_the_database_url_comes_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    env = {**os.environ, "TECHSPEC_DATABASE_URL": url}
    added = subprocess.run(
        [str(TECHSPEC), "user", "add", "ada"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "env.db").exists()


def test_db_upgrade_creates_and_then_keeps_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    first = _process("db", "upgrade", "--db", url)
    assert first.returncode == 0, first.stderr
    assert f"upgraded from empty to schema {migrations.HEAD}" in first.stdout
    again = _process("db", "upgrade", "--db", url).stdout
    assert f"already at schema {migrations.HEAD}" in again


def test_loading_the_command_line_does_not_load_the_store() -> None:
    script = (
        "import sys\nimport techspec.cli.main\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg', 'techspec.store')"
        " if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_backup_then_restore_then_audit_verify_passes(db_url: str, tmp_path: Path) -> None:
    files = _files(tmp_path / "in")
    run(db_url, "import", str(files["ledger"]))
    backed = run(db_url, "backup", str(tmp_path / "store.backup"))
    assert backed.exit_code == 0, backed.output
    run(db_url, "import", str(files["crlf"]))
    restored = run(db_url, "restore", str(tmp_path / "store.backup"))
    assert restored.exit_code == 0, restored.output
    listed = json.loads(run(db_url, "list", "--format", "json").stdout)
    assert [item["slug"] for item in listed] == ["0001-ledger"]
    verified = run(db_url, "audit", "verify")
    assert verified.exit_code == 0
    # The import's event and revision, then the restore's event: 3 leaves.
    assert verified.stdout.startswith("OK: 3 leaves (2 events, 1 revision texts re-hashed)")


def test_as_acts_with_that_users_permissions_only(db_url: str, tmp_path: Path) -> None:
    """The CLI used to move anyone's spec; now it refuses as the API and the web do."""
    files = _files(tmp_path)
    _users(db_url)
    run(db_url, "import", str(files["ledger"]), "--as", "ada")
    refused = run(db_url, "submit", "0001-ledger", "--as", "tom")
    assert refused.exit_code == 4
    assert refused.stderr == (
        "techspec: only an author or an admin may submit; you (tom) hold the role "
        "'Technical Lead'\n"
    )
    assert json.loads(run(db_url, "list", "--status", "Review", "--format", "json").stdout) == []


def test_override_is_explicit_and_audited(db_url: str, tmp_path: Path) -> None:
    files = _files(tmp_path)
    _users(db_url)
    run(db_url, "user", "add", "bea", "--role", "author")
    run(db_url, "import", str(files["ledger"]), "--as", "ada")
    assert run(db_url, "submit", "0001-ledger", "--as", "bea").exit_code == 4
    forced = run(db_url, "submit", "0001-ledger", "--as", "bea", "--override")
    assert forced.exit_code == 0, forced.output
    log = json.loads(run(db_url, "audit", "log", "--format", "json").stdout)
    override = [event for event in log if event["action"] == "override"]
    assert len(override) == 1
    assert override[0]["actor"] == "bea"
    assert override[0]["details"] == {"doing": "submit", "by": "console --override"}


def test_override_does_not_lend_a_sign_off_role(db_url: str, tmp_path: Path) -> None:
    """Only a holder of the role may approve for it: there is no override to forge one."""
    files = _files(tmp_path)
    _users(db_url)
    run(db_url, "import", str(files["ledger"]), "--as", "ada")
    run(db_url, "submit", "0001-ledger", "--as", "ada")
    forged = run(
        db_url, "approve", "0001-ledger", "--as", "pat", "--role", "Technical Lead", "--override"
    )
    assert forged.exit_code == 2
    assert "No such option '--override'" in forged.stderr


def test_a_workflow_step_from_the_console_names_a_person(db_url: str, tmp_path: Path) -> None:
    files = _files(tmp_path)
    run(db_url, "import", str(files["ledger"]))
    result = run(db_url, "submit", "0001-ledger")
    assert result.exit_code == 2
    assert "Missing option '--as'" in result.stderr
