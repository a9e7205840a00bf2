"""``techspec show``, ``rules`` and ``--version`` through the real command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import techspec
from conftest_cli import TECHSPEC, run_cli, run_process, stderr_lines
from techspec.lint.rules import all_rules

# -- show ------------------------------------------------------------------------------


def _walk(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for section in sections:
        found.append(section)
        found.extend(_walk(section["children"]))
    return found


def test_show_json_prints_title_metadata_and_sections_with_paths_and_lines(draft: Path) -> None:
    result = run_cli(["show", str(draft), "--format", "json"])
    assert result.exit_code == 0
    model = json.loads(result.stdout)
    assert model["title"] == "Technical Specification: Payments Ledger"
    assert model["status"] == "Draft"
    metadata = {item["key"]: item["value"] for item in model["metadata"]}
    assert metadata["Author"] == "Ada"
    assert metadata["Status"] == "Draft"
    lines = draft.read_text("utf-8").splitlines()
    sections = _walk(model["sections"])
    by_title = {section["title"]: section for section in sections}
    assert {"Executive Summary", "Scope", "In Scope", "Sign-off"} <= set(by_title)
    for section in sections:
        heading = "#" * section["level"] + " " + section["title"]
        assert lines[section["line"] - 1] == heading
        assert section["line"] <= section["end_line"]
    assert by_title["Scope"]["path"] == "Scope"
    assert by_title["In Scope"]["path"].startswith("Scope")
    assert by_title["In Scope"]["path"].endswith("In Scope")
    assert by_title["In Scope"]["path"] != "In Scope"


def test_show_text_prints_the_title_status_and_indented_sections(draft: Path) -> None:
    result = run_process(["show", str(draft)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Technical Specification: Payments Ledger  [Draft]"
    assert "  Author: Ada" in lines
    assert any(line.startswith("    In Scope  (lines ") for line in lines)


def test_show_reads_standard_input(draft: Path) -> None:
    result = run_cli(["show", "-", "--format", "json"], stdin=draft.read_text("utf-8"))
    assert json.loads(result.stdout)["title"] == "Technical Specification: Payments Ledger"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"# Title\n\xff\xfe broken\n", "not UTF-8 text: invalid byte 0xff at line 2, column 1"),
        (b"", "empty file: nothing to lint"),
    ],
)
def test_show_checks_standard_input_like_a_file(data: bytes, problem: str) -> None:
    result = run_cli(["show", "-"], stdin=data)
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"techspec: -: {problem}"]


def test_show_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.md"
    result = run_process(["show", str(missing)])
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"techspec: {missing}: no such file or directory"]


# -- rules -----------------------------------------------------------------------------


def test_rules_lists_every_rule_once() -> None:
    result = run_cli(["rules"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == [rule.label for rule in all_rules()]
    assert {"TS001/not-a-spec", "TS101/missing-section", "TS205/placeholder"} <= set(listed)


def test_rules_json_lists_every_rule_with_its_documentation() -> None:
    entries = json.loads(run_cli(["rules", "--format", "json"]).stdout)
    assert [entry["code"] for entry in entries] == [rule.code for rule in all_rules()]
    for entry in entries:
        assert entry["summary"]
        assert entry["failing"]
        assert entry["passing"]


@pytest.mark.parametrize("name", ["TS101", "ts101", "missing-section", "TS101/missing-section"])
def test_rules_code_explains_one_rule_with_failing_and_passing_examples(name: str) -> None:
    [rule] = [r for r in all_rules() if r.code == "TS101"]
    result = run_cli(["rules", name])
    assert result.exit_code == 0
    output = result.stdout
    assert output.startswith("TS101/missing-section (error)")
    assert rule.summary in output
    assert "Fails:" in output
    assert "Passes:" in output
    fails, passes = output.split("Fails:")[1].split("Passes:")
    assert "### Out of Scope" not in fails
    assert "### Out of Scope" in passes
    assert "TS205" not in output


def test_rules_explains_a_status_rule_severity_in_words() -> None:
    result = run_cli(["rules", "TS205"])
    assert result.stdout.splitlines()[0].startswith("TS205/placeholder (warning in Draft")


def test_rules_with_an_unknown_code_exits_2_with_one_line() -> None:
    result = run_process(["rules", "NOPE"])
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = stderr_lines(result)
    assert "NOPE" in line
    assert "unknown rule" in line
    assert "Traceback" not in result.stderr


# -- version ---------------------------------------------------------------------------


def test_version_prints_the_package_version() -> None:
    result = run_cli(["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"techspec, version {techspec.__version__}"


def test_version_through_the_real_executable_and_python_dash_m() -> None:
    for module in (False, True):
        result = run_process(["--version"], module=module)
        assert result.exit_code == 0
        assert result.stdout.strip() == f"techspec, version {techspec.__version__}"


def test_help_lists_the_commands() -> None:
    result = run_process(["--help"])
    assert result.exit_code == 0
    for command in ("lint", "show", "rules", "new"):
        assert f"  {command}" in result.stdout


def test_the_interpreter_running_the_tests_has_the_console_script() -> None:
    assert TECHSPEC.exists(), f"{TECHSPEC} (from {sys.executable})"
