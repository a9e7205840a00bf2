"""``techspec lint``, ``show``, ``rules`` and ``--version`` through the real command line."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import techspec
from conftest_cli import (
    ANSI,
    FINDING_LINE,
    TECHSPEC,
    clean_spec,
    fill,
    finding_lines,
    new_draft,
    rules_in,
    run_cli,
    run_process,
    stderr_lines,
    without_section,
)
from techspec.rules import all_rules

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """A Draft straight from ``techspec new``: placeholders everywhere, warnings only."""
    return new_draft(tmp_path / "specs")


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return clean_spec(tmp_path / "clean")


@pytest.fixture
def no_scope(tmp_path: Path) -> tuple[Path, int]:
    """A clean spec with ``## Scope`` and its subsections deleted, and the line it was on."""
    text, line = without_section(clean_spec(tmp_path / "scratch").read_text("utf-8"), "## Scope")
    path = tmp_path / "no-scope.md"
    path.write_text(text, encoding="utf-8")
    return path, line


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from ``tmp_path`` so that reported paths are short and relative."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- exit status -------------------------------------------------------------------------


def test_a_draft_with_only_warnings_exits_0(draft: Path) -> None:
    result = run_cli(["lint", str(draft)])
    found = finding_lines(result.stdout)
    assert found, result.stdout
    assert {m["severity"] for m in found} == {"warning"}
    assert "TS205" in rules_in(result.stdout)
    assert result.exit_code == 0


def test_a_spec_with_an_error_exits_1(no_scope: tuple[Path, int]) -> None:
    path, _ = no_scope
    result = run_cli(["lint", str(path)])
    assert result.exit_code == 1
    assert "TS101" in rules_in(result.stdout)


def test_a_clean_spec_exits_0_and_says_it_is_clean(clean: Path) -> None:
    result = run_cli(["lint", str(clean)])
    assert result.exit_code == 0
    assert finding_lines(result.stdout) == []
    assert "1 file clean." in result.stdout
    assert result.stderr == ""


def test_strict_exits_1_on_a_draft_with_only_warnings(draft: Path) -> None:
    assert run_cli(["lint", "--strict", str(draft)]).exit_code == 1


def test_strict_still_exits_0_on_a_clean_spec(clean: Path) -> None:
    assert run_cli(["lint", "--strict", str(clean)]).exit_code == 0


def test_exit_zero_exits_0_despite_errors_and_still_prints_them(
    no_scope: tuple[Path, int],
) -> None:
    path, _ = no_scope
    result = run_cli(["lint", "--exit-zero", str(path)])
    assert result.exit_code == 0
    assert "TS101" in rules_in(result.stdout)


def test_exit_zero_with_strict_exits_0_on_warnings(draft: Path) -> None:
    assert run_cli(["lint", "--strict", "--exit-zero", str(draft)]).exit_code == 0


def test_exit_zero_does_not_hide_an_input_error(tmp_path: Path, clean: Path) -> None:
    result = run_cli(["lint", "--exit-zero", str(tmp_path / "missing.md"), str(clean)])
    assert result.exit_code == 2


def test_the_real_executable_exits_1_on_errors_and_0_on_warnings(
    draft: Path, no_scope: tuple[Path, int]
) -> None:
    assert run_process(["lint", str(draft)]).exit_code == 0
    failing = run_process(["lint", str(no_scope[0])])
    assert failing.exit_code == 1
    assert "TS101/missing-section error" in failing.stdout
    assert "Traceback" not in failing.stderr


def test_python_dash_m_techspec_lints_like_the_script(draft: Path) -> None:
    by_module = run_process(["lint", "--strict", str(draft)], module=True)
    by_script = run_process(["lint", "--strict", str(draft)])
    assert by_module.exit_code == by_script.exit_code == 1
    assert by_module.stdout == by_script.stdout


# -- standard input ------------------------------------------------------------------


def test_dash_reads_the_spec_from_standard_input(draft: Path) -> None:
    result = run_cli(["lint", "-"], stdin=draft.read_bytes())
    found = finding_lines(result.stdout)
    assert found
    assert {m["path"] for m in found} == {"-"}
    assert result.exit_code == 0


def test_dash_with_a_broken_spec_on_stdin_exits_1(no_scope: tuple[Path, int]) -> None:
    path, line = no_scope
    result = run_process(["lint", "-"], stdin=path.read_bytes())
    assert result.exit_code == 1
    assert f"-:{line}:1: TS101/missing-section error" in result.stdout


def test_dash_and_a_file_are_linted_together(draft: Path, clean: Path) -> None:
    result = run_cli(["lint", "-", str(clean), "--format", "json"], stdin=draft.read_bytes())
    paths = [entry["path"] for entry in json.loads(result.stdout)["files"]]
    assert sorted(paths) == sorted(["-", str(clean)])


# -- directory search ------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """docs/ with a clean spec, a nested Draft, a README, a text file and a hidden copy."""
    docs = tmp_path / "docs"
    clean_spec(docs, "ledger.md")
    new_draft(docs / "nested", "Nested Thing")
    (docs / "README.md").write_text("# Our docs\n\nSee the specs.\n", encoding="utf-8")
    (docs / "notes.txt").write_text("# Technical Specification: Not Markdown\n", encoding="utf-8")
    (docs / ".hidden").mkdir()
    new_draft(docs / ".hidden", "Hidden Thing")
    return docs


def test_a_directory_is_searched_for_specs_and_other_markdown_is_skipped(tree: Path) -> None:
    result = run_cli(["lint", str(tree), "--format", "json"])
    paths = sorted(Path(entry["path"]).name for entry in json.loads(result.stdout)["files"])
    assert paths == ["0001-nested-thing.md", "ledger.md"]
    assert result.exit_code == 0


def test_skipped_files_are_not_mentioned_without_verbose(tree: Path) -> None:
    result = run_cli(["lint", str(tree)])
    assert "README.md" not in result.stdout + result.stderr
    assert result.stderr == ""


def test_verbose_names_each_skipped_file_on_stderr_only(tree: Path) -> None:
    result = run_cli(["lint", "-v", str(tree)])
    skipped = [line for line in stderr_lines(result) if "skipped" in line]
    assert len(skipped) == 1
    assert str(tree / "README.md") in skipped[0]
    assert "Technical Specification" in skipped[0]
    assert "README.md" not in result.stdout


def test_an_explicit_markdown_file_that_is_not_a_spec_is_a_ts001_finding(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Our docs\n\nSee the specs.\n", encoding="utf-8")
    result = run_cli(["lint", str(readme)])
    assert rules_in(result.stdout) == {"TS001"}
    assert result.exit_code == 1


def test_many_files_in_parallel_give_the_same_report_as_one_process(tmp_path: Path) -> None:
    specs = tmp_path / "many"
    template = clean_spec(tmp_path / "one").read_text("utf-8")
    broken, _ = without_section(template, "## Scope")
    for index in range(30):
        text = broken if index % 3 == 0 else template
        (specs / f"spec-{index:02d}.md").parent.mkdir(exist_ok=True)
        (specs / f"spec-{index:02d}.md").write_text(text, encoding="utf-8")
    (specs / "latin.md").write_bytes(b"# Technical Specification: Caf\xe9\n")
    serial = run_cli(["lint", str(specs), "-j", "1"])
    parallel = run_cli(["lint", str(specs), "-j", "2"])
    assert parallel.stdout == serial.stdout
    assert parallel.stderr == serial.stderr
    assert "latin.md: not UTF-8" in parallel.stderr
    assert len(finding_lines(parallel.stdout)) == 10
    assert parallel.exit_code == serial.exit_code == 2


# -- output formats ----------------------------------------------------------------------


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


# -- rule selection --------------------------------------------------------------------


@pytest.fixture
def draft_without_scope(draft: Path) -> Path:
    text, _ = without_section(draft.read_text("utf-8"), "## Scope")
    draft.write_text(text, encoding="utf-8")
    return draft


def test_both_rules_fire_without_selection(draft_without_scope: Path) -> None:
    found = rules_in(run_cli(["lint", str(draft_without_scope)]).stdout)
    assert {"TS101", "TS205"} <= found


@pytest.mark.parametrize("selector", ["TS101", "ts101", "TS10", "missing-section"])
def test_select_keeps_only_the_selected_rules(draft_without_scope: Path, selector: str) -> None:
    result = run_cli(["lint", "--select", selector, str(draft_without_scope)])
    assert rules_in(result.stdout) == {"TS101"}
    assert result.exit_code == 1


@pytest.mark.parametrize("selector", ["TS205", "placeholder", "TS2"])
def test_ignore_drops_the_ignored_rules(draft_without_scope: Path, selector: str) -> None:
    result = run_cli(["lint", "--ignore", selector, str(draft_without_scope)])
    assert rules_in(result.stdout) == {"TS101"}


def test_select_can_be_given_more_than_once(draft_without_scope: Path) -> None:
    args = ["lint", "--select", "TS101", "--select", "TS205", str(draft_without_scope)]
    assert rules_in(run_cli(args).stdout) == {"TS101", "TS205"}


@pytest.mark.parametrize("option", ["--select", "--ignore"])
@pytest.mark.parametrize("selector", ["NOPE", "TS10l", "TS999", "missing-sections"])
def test_an_unknown_rule_selector_is_a_usage_error_not_a_silent_pass(
    draft_without_scope: Path, option: str, selector: str
) -> None:
    """A typo in --select would otherwise select no rule and exit 0 on a broken spec."""
    result = run_cli(["lint", option, selector, str(draft_without_scope)])
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"techspec: {option}: unknown rule selector '{selector}' (see 'techspec rules')"
    ]
    assert result.stdout == ""


@pytest.mark.parametrize("selector", ["all", "ALL", "*", "TS", "ts1", "placeholder"])
def test_every_documented_kind_of_selector_is_accepted(
    draft_without_scope: Path, selector: str
) -> None:
    result = run_cli(["lint", "--select", selector, str(draft_without_scope)])
    assert result.exit_code in (0, 1)
    assert result.stderr == ""


def test_selecting_a_rule_by_the_label_the_output_prints_selects_it(
    draft_without_scope: Path,
) -> None:
    result = run_cli(["lint", "--select", "TS101/missing-section", str(draft_without_scope)])
    assert rules_in(result.stdout) == {"TS101"}
    assert result.exit_code == 1


def test_ignoring_the_only_error_makes_the_exit_status_0(draft_without_scope: Path) -> None:
    result = run_cli(["lint", "--ignore", "TS101", str(draft_without_scope)])
    assert result.exit_code == 0


# -- text output -----------------------------------------------------------------------


def test_text_lines_are_path_line_col_code_severity_message(in_tmp: Path) -> None:
    draft = new_draft(Path("specs"))
    text = draft.read_text("utf-8").splitlines()
    number = next(i for i, line in enumerate(text, 1) if "[List of reviewers]" in line)
    column = text[number - 1].index("[List of reviewers]") + 1
    result = run_cli(["lint", str(draft)])
    expected = (
        f"{draft}:{number}:{column}: TS205/placeholder warning "
        "placeholder '[List of reviewers]' left in"
    )
    assert expected in result.stdout.splitlines()


def test_every_text_line_is_a_finding_then_a_blank_line_and_the_summary(draft: Path) -> None:
    lines = run_cli(["lint", str(draft)]).stdout.splitlines()
    blank = lines.index("")
    assert all(FINDING_LINE.match(line) for line in lines[:blank])
    assert lines[blank + 1 :] == [f"Found 0 errors and {blank} warnings in 1 file."]


def test_text_output_has_no_ansi_escapes_when_not_a_tty(draft: Path) -> None:
    assert not ANSI.search(run_cli(["lint", str(draft)]).output)
    result = run_process(["lint", str(draft)])
    assert not ANSI.search(result.stdout + result.stderr)


def test_text_output_is_coloured_on_a_terminal(draft: Path) -> None:
    """The control for the test above: the same run on a pseudo-terminal has colour."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [str(TECHSPEC), "lint", str(draft)],
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")},
        )
        os.close(follower)
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0
    finally:
        os.close(leader)
    output = b"".join(chunks).decode("utf-8")
    assert ANSI.search(output)
    assert "TS205/placeholder" in ANSI.sub("", output)


def test_a_missing_section_is_reported_where_it_should_have_been(
    no_scope: tuple[Path, int],
) -> None:
    path, line = no_scope
    result = run_cli(["lint", str(path)])
    [match] = finding_lines(result.stdout)
    assert (match["rule"], match["name"], match["severity"]) == (
        "TS101",
        "missing-section",
        "error",
    )
    assert int(match["line"]) == line
    assert path.read_text("utf-8").splitlines()[line - 1] == "## System Architecture"
    assert "Scope" in match["message"]


def test_a_missing_subsection_is_reported_where_it_should_have_been(tmp_path: Path) -> None:
    text = clean_spec(tmp_path / "scratch").read_text("utf-8")
    lines = text.splitlines(keepends=True)
    start = lines.index("### Out of Scope\n")
    end = lines.index("### Success Criteria\n")
    path = tmp_path / "no-out-of-scope.md"
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    [match] = finding_lines(run_cli(["lint", str(path)]).stdout)
    assert match["rule"] == "TS101"
    assert int(match["line"]) == start + 1
    assert "Out of Scope" in match["message"]


def test_an_approved_spec_without_its_document_history_table_fails(tmp_path: Path) -> None:
    approved = fill(new_draft(tmp_path / "scratch").read_text("utf-8"), status="Approved")
    path = tmp_path / "no-history.md"
    path.write_text(approved[: approved.index("**Document History**")], encoding="utf-8")
    result = run_cli(["lint", str(path)])
    assert any("Document History" in m["message"] for m in finding_lines(result.stdout))
    assert result.exit_code == 1


def test_an_approved_spec_without_its_sign_off_table_fails(tmp_path: Path) -> None:
    """The control for the test above: a section's table that is deleted is reported."""
    approved = fill(new_draft(tmp_path / "scratch").read_text("utf-8"), status="Approved")
    start = approved.index("| Role ")
    end = approved.index("---\n\n## Appendices")
    path = tmp_path / "no-signoff.md"
    path.write_text(approved[:start] + approved[end:], encoding="utf-8")
    result = run_cli(["lint", str(path)])
    assert "Sign-off" in result.stdout
    assert result.exit_code == 1


def test_an_approved_spec_with_unchecked_review_items_fails(tmp_path: Path) -> None:
    draft = new_draft(tmp_path / "scratch")
    approved = fill(draft.read_text("utf-8"), status="Approved")
    good = tmp_path / "approved.md"
    good.write_text(approved, encoding="utf-8")
    assert run_cli(["lint", "--strict", str(good)]).exit_code == 0
    bad = tmp_path / "unreviewed.md"
    bad.write_text(
        approved.replace("- [x] Security review completed", "- [ ] Security review completed"),
        encoding="utf-8",
    )
    result = run_cli(["lint", str(bad)])
    assert rules_in(result.stdout) == {"TS401"}
    assert result.exit_code == 1


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
