"""One spec per file lineage: a file renamed in git keeps its spec, whether the next
import is ``import --git`` or a plain ``techspec import`` (or ``techspec sync``)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from git_history import LEDGER_3, History
from store_specs import edited

from techspec.cli import cli


def run(db_url: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--db", db_url], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"techspec {args} crashed: {result.exception!r}\n{result.output}")
    return result


def slugs(db_url: str) -> list[str]:
    listed = json.loads(run(db_url, "list", "--format", "json").stdout)
    return sorted(item["slug"] for item in listed)


def test_a_plain_import_of_a_file_renamed_in_git_revises_the_spec_git_import_made(
    db_url: str, own_history: History
) -> None:
    assert run(db_url, "import", "--git", str(own_history.repo)).exit_code == 0
    assert slugs(db_url) == ["billing", "ledger"]  # the renamed file kept its first name
    renamed = own_history.repo / "specs" / "payments-ledger.md"
    renamed.write_text(edited(LEDGER_3, "Edited after the rename."), encoding="utf-8")

    result = run(db_url, "import", str(renamed))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("revised   ledger r")
    assert slugs(db_url) == ["billing", "ledger"]
    assert "Edited after the rename." in run(db_url, "cat", "ledger").stdout


def test_sync_of_a_directory_git_imported_continues_the_renamed_spec(
    db_url: str, own_history: History
) -> None:
    run(db_url, "import", "--git", str(own_history.repo))
    result = run(db_url, "sync", str(own_history.repo / "specs"))
    assert result.exit_code == 0, result.output
    assert slugs(db_url) == ["billing", "ledger"]
    assert result.stdout.splitlines()[-1] == "2 unchanged"


def test_a_slug_wins_over_another_spec_s_later_name(
    db_url: str, own_history: History, tmp_path: Path
) -> None:
    """A spec called ``payments-ledger`` made before the history was imported keeps
    its file name: the renamed git file's later name does not take it over."""
    other = tmp_path / "elsewhere" / "payments-ledger.md"
    other.parent.mkdir()
    other.write_text(edited(LEDGER_3, "Another team's ledger."), encoding="utf-8")
    assert run(db_url, "import", str(other)).exit_code == 0
    run(db_url, "import", "--git", str(own_history.repo))
    other.write_text(edited(LEDGER_3, "Another team's ledger, edited."), encoding="utf-8")
    again = run(db_url, "import", str(other))
    assert again.stdout.startswith("revised   payments-ledger r2"), again.output
    assert slugs(db_url) == ["billing", "ledger", "payments-ledger"]
