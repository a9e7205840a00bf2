"""``techspec fix``: writes repaired files, or prints a diff, with ruff-like exit codes."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from conftest_cli import draft_text, finding_lines, run_cli, run_process, stderr_lines

CLEAN = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")
OUT_OF_SCOPE = re.compile(r"^### Out of Scope\n\n(- .*\n)+\n", re.MULTILINE)


def _write(directory: Path, text: str, name: str = "spec.md") -> Path:
    path = directory / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _draft_without_out_of_scope() -> str:
    return OUT_OF_SCOPE.sub("", draft_text(), count=1)


def test_fix_writes_the_repaired_file_and_exits_0_when_no_errors_remain(tmp_path: Path) -> None:
    path = _write(tmp_path, _draft_without_out_of_scope())
    result = run_cli(["fix", str(path)])
    assert result.exit_code == 0, result.output
    assert "### Out of Scope" in path.read_text("utf-8")
    assert "Fixed 1 problem in 1 file." in result.stdout
    assert "TS101" not in {m["rule"] for m in finding_lines(result.stdout)}


def test_fix_exits_1_when_errors_remain_after_fixing(tmp_path: Path) -> None:
    path = _write(tmp_path, OUT_OF_SCOPE.sub("", CLEAN, count=1))
    result = run_cli(["fix", str(path)])
    assert result.exit_code == 1
    assert "### Out of Scope" in path.read_text("utf-8")
    assert {m["rule"] for m in finding_lines(result.stdout)} == {"TS205"}


def test_fix_on_a_clean_file_changes_nothing_and_exits_0(tmp_path: Path) -> None:
    path = _write(tmp_path, CLEAN)
    before = path.stat().st_mtime_ns
    result = run_cli(["fix", str(path)])
    assert result.exit_code == 0
    assert path.stat().st_mtime_ns == before
    assert "Fixed" not in result.stdout


def test_fix_with_diff_prints_a_unified_diff_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    text = _draft_without_out_of_scope()
    path = _write(tmp_path, text)
    result = run_cli(["fix", "--diff", str(path)])
    assert result.exit_code == 1
    assert path.read_text("utf-8") == text
    assert result.stdout.startswith(f"--- a/{path}\n+++ b/{path}\n@@ ")
    assert "+### Out of Scope\n" in result.stdout
    assert "Would fix 1 problem in 1 file." in result.stderr


def test_fix_with_diff_exits_0_when_there_is_nothing_to_fix(tmp_path: Path) -> None:
    result = run_cli(["fix", "--diff", str(_write(tmp_path, CLEAN))])
    assert result.exit_code == 0
    assert result.stdout == ""


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_diff_applies_with_git_apply_to_the_same_result_as_fixing(tmp_path: Path) -> None:
    text = OUT_OF_SCOPE.sub("", CLEAN, count=1).replace("**Status**: Approved\\\n", "")
    relative = Path("spec.md")
    _write(tmp_path, text)
    diff = run_process(["fix", "--diff", str(relative)], cwd=tmp_path).stdout
    (tmp_path / "change.diff").write_text(diff, encoding="utf-8")
    subprocess.run(["git", "apply", "change.diff"], cwd=tmp_path, check=True, timeout=30)
    patched = (tmp_path / "spec.md").read_text("utf-8")
    _write(tmp_path, text)
    run_cli(["fix", str(tmp_path / "spec.md")])
    assert patched == (tmp_path / "spec.md").read_text("utf-8")


def test_fix_reads_standard_input_and_prints_the_fixed_text(tmp_path: Path) -> None:
    result = run_cli(["fix", "-"], stdin=_draft_without_out_of_scope())
    assert result.exit_code == 0
    assert result.stdout.startswith("# Technical Specification: Payments Ledger")
    assert "### Out of Scope" in result.stdout
    assert "Fixed 1 problem in 1 file." in result.stderr


def test_fix_keeps_crlf_line_endings_a_bom_and_the_file_mode(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeff" + _draft_without_out_of_scope().replace("\n", "\r\n"))
    path.chmod(0o640)
    assert run_cli(["fix", str(path)]).exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# Technical")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r\n### Out of Scope\r\n" in data
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["spec.md"]


def test_a_scratch_file_left_by_an_earlier_run_neither_blocks_the_write_nor_is_removed(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, _draft_without_out_of_scope())
    stale = _write(tmp_path, "left over", f".spec.md.{os.getpid()}.techspec")
    assert run_cli(["fix", str(path)]).exit_code == 0
    assert "### Out of Scope" in path.read_text("utf-8")
    assert stale.read_text("utf-8") == "left over"
    assert sorted(p.name for p in tmp_path.iterdir()) == [stale.name, "spec.md"]


def test_a_write_that_fails_names_the_file_exits_2_and_leaves_no_scratch_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _draft_without_out_of_scope()
    path = _write(tmp_path, text)

    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("os.replace", refuse)
    result = run_cli(["fix", str(path)])
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"techspec: {path}: cannot write: Permission denied"]
    assert path.read_text("utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["spec.md"]


def test_fix_skips_markdown_in_a_directory_that_is_not_a_spec(tmp_path: Path) -> None:
    notes = _write(tmp_path, "# Notes\n\nNot a spec.\n", "README.md")
    spec = _write(tmp_path, _draft_without_out_of_scope())
    result = run_cli(["fix", str(tmp_path)])
    assert result.exit_code == 0
    assert notes.read_text("utf-8") == "# Notes\n\nNot a spec.\n"
    assert "### Out of Scope" in spec.read_text("utf-8")


def test_fix_reports_a_missing_file_and_exits_2(tmp_path: Path) -> None:
    result = run_cli(["fix", str(tmp_path / "nope.md")])
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"techspec: {tmp_path / 'nope.md'}: no such file or directory"]


def test_fix_leaves_a_rule_ignored_by_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "techspec.toml").write_text('ignore = ["TS101"]\n', encoding="utf-8")
    text = _draft_without_out_of_scope()
    path = _write(tmp_path, text)
    assert run_cli(["fix", str(path)]).exit_code == 0
    assert path.read_text("utf-8") == text


def test_fix_renumbers_phases_only_with_unsafe(tmp_path: Path) -> None:
    path = _write(tmp_path, draft_text().replace("### Phase 2:", "### Phase 3:"))
    run_cli(["fix", str(path)])
    assert "### Phase 3:" in path.read_text("utf-8")
    assert run_cli(["fix", "--unsafe", str(path)]).exit_code == 0
    assert "### Phase 2:" in path.read_text("utf-8")


def test_fix_over_many_files_in_worker_processes_fixes_every_one(tmp_path: Path) -> None:
    text = _draft_without_out_of_scope()
    paths = [_write(tmp_path, text, f"{n:04d}-spec.md") for n in range(30)]
    result = run_process(["fix", "--jobs", "2", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert all("### Out of Scope" in p.read_text("utf-8") for p in paths)
    assert "Fixed 30 problems in 30 files." in result.stdout


def test_rules_lists_exactly_the_rules_fix_repairs_as_fixable() -> None:
    result = run_cli(["rules"])
    fixable = {line.split("/")[0] for line in result.stdout.splitlines() if "[fixable]" in line}
    assert fixable == {"TS101", "TS201", "TS301", "TS302", "TS304", "TS501"}


def test_lint_marks_fixable_findings(tmp_path: Path) -> None:
    result = run_cli(["lint", str(_write(tmp_path, _draft_without_out_of_scope()))])
    marked = [line for line in result.stdout.splitlines() if line.endswith("[*]")]
    assert len(marked) == 1 and "TS101" in marked[0]
    assert "1 fixable with 'techspec fix'." in result.stdout
