"""``techspec lint --format``: text, concise, JSON, GitHub, JUnit and SARIF output."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest_cli import finding_lines, run_cli, run_process, stderr_lines

SARIF_SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


def test_json_output_has_exactly_the_documented_shape(no_scope: tuple[Path, int]) -> None:
    path, line = no_scope
    result = run_cli(["lint", "--format", "json", str(path)])
    document = json.loads(result.stdout)
    assert set(document) == {"version", "files", "summary"}
    assert document["version"] == 1
    assert set(document["summary"]) == {"files", "errors", "warnings"}
    assert document["summary"] == {"files": 1, "errors": 1, "warnings": 0}
    [entry] = document["files"]
    assert set(entry) == {"path", "status", "findings"}
    assert entry["path"] == str(path)
    assert entry["status"] == "Draft"
    [finding] = entry["findings"]
    assert set(finding) == {
        "rule",
        "severity",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "section",
    }
    assert finding["rule"].startswith("TS101")
    assert finding["severity"] == "error"
    assert (finding["line"], finding["column"]) == (line, 1)
    assert isinstance(finding["end_line"], int)
    assert isinstance(finding["end_column"], int)
    assert "Scope" in finding["message"]
    assert result.exit_code == 1


def test_json_counts_warnings_of_every_file(draft: Path, clean: Path) -> None:
    result = run_cli(["lint", "--format", "json", str(draft), str(clean)])
    document = json.loads(result.stdout)
    text = run_cli(["lint", str(draft)]).stdout
    assert document["summary"] == {
        "files": 2,
        "errors": 0,
        "warnings": len(finding_lines(text)),
    }
    by_path = {entry["path"]: entry for entry in document["files"]}
    assert by_path[str(clean)]["findings"] == []
    assert all(f["severity"] == "warning" for f in by_path[str(draft)]["findings"])


def test_sarif_output_is_valid_sarif_2_1_0(no_scope: tuple[Path, int]) -> None:
    path, line = no_scope
    result = run_cli(["lint", "--format", "sarif", str(path)])
    document: dict[str, Any] = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    jsonschema.validate(document, schema)
    assert document["version"] == "2.1.0"
    [run] = document["runs"]
    assert run["tool"]["driver"]["name"] == "techspec"
    [found] = run["results"]
    assert found["ruleId"] == "TS101"
    assert found["level"] == "error"
    region = found["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == line
    assert result.exit_code == 1


def test_github_output_is_one_workflow_command_per_finding(no_scope: tuple[Path, int]) -> None:
    path, line = no_scope
    result = run_cli(["lint", "--format", "github", str(path)])
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"::error file={path},line={line},col=1,")
    assert "title=TS101/missing-section::" in lines[0]
    assert lines[0].endswith("Scope'")


def test_junit_output_is_xml_with_a_failure_per_finding(
    no_scope: tuple[Path, int], clean: Path
) -> None:
    path, _ = no_scope
    result = run_cli(["lint", "--format", "junit", str(path), str(clean)])
    assert result.stdout.startswith("<?xml")
    root = ET.fromstring(result.stdout.split("\n", 1)[1])
    assert root.tag == "testsuites"
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(cases) == {str(path), str(clean)}
    failures = cases[str(path)].findall("failure")
    assert [f.get("type") for f in failures] == ["TS101/missing-section"]
    assert cases[str(clean)].findall("failure") == []


@pytest.mark.parametrize(("strict", "exit_code"), [(False, 0), (True, 1)])
def test_junit_fails_warnings_exactly_when_the_exit_status_does(
    draft: Path, strict: bool, exit_code: int
) -> None:
    """A Draft's placeholders are warnings: exit 0, and CI shows them in the test's
    output without a failure; with --strict they fail the run and the testcase."""
    result = run_cli(["lint", "--format", "junit", str(draft), *(["--strict"] if strict else [])])
    assert result.exit_code == exit_code
    case = ET.fromstring(result.stdout.split("\n", 1)[1]).find("testsuite/testcase")
    assert case is not None
    failures = case.findall("failure")
    assert bool(failures) is strict
    if not strict:
        assert "TS205/placeholder warning" in (case.findtext("system-out") or "")


def test_concise_output_is_path_line_col_code_message(no_scope: tuple[Path, int]) -> None:
    path, line = no_scope
    result = run_cli(["lint", "--format", "concise", str(path)])
    assert result.stdout == f"{path}:{line}:1: TS101 missing section '## Scope'\n"


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github", "junit"])
def test_every_format_runs_through_the_real_executable(
    fmt: str, no_scope: tuple[Path, int]
) -> None:
    result = run_process(["lint", "--format", fmt, str(no_scope[0])])
    assert result.exit_code == 1
    assert result.stderr == ""
    assert "TS101" in result.stdout


def test_output_file_receives_the_report_instead_of_stdout(
    tmp_path: Path, no_scope: tuple[Path, int]
) -> None:
    path, _ = no_scope
    report = tmp_path / "report.json"
    result = run_cli(["lint", "--format", "json", "-o", str(report), str(path)])
    assert result.exit_code == 1
    assert "TS101" not in result.stdout
    document = json.loads(report.read_text("utf-8"))
    assert document["files"][0]["findings"][0]["rule"].startswith("TS101")


def test_output_file_in_a_missing_directory_is_one_clear_error(tmp_path: Path, clean: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "report.txt"
    result = run_cli(["lint", "--output-file", str(target), str(clean)])
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert str(target) in line


def test_statistics_counts_findings_per_rule_instead_of_listing_them(draft: Path) -> None:
    listing = run_cli(["lint", str(draft)])
    counts: dict[str, int] = {}
    for match in finding_lines(listing.stdout):
        code = f"{match['rule']}/{match['name']}"
        counts[code] = counts.get(code, 0) + 1
    result = run_cli(["lint", "--statistics", str(draft)])
    assert finding_lines(result.stdout) == []
    rows = {
        parts[1]: int(parts[0])
        for parts in (line.split() for line in result.stdout.splitlines())
        if len(parts) == 2 and parts[0].isdigit()
    }
    assert rows == counts
    assert result.exit_code == 0
