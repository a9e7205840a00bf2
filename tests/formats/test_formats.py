"""Lint report output formats: each format's exact shape, escaping and edge cases."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from techspec.errors import UsageError
from techspec.formats import FORMATS, render
from techspec.formats import sarif as sarif_module
from techspec.formats.github import escape_data, escape_property
from techspec.formats.sarif import artifact_uri, render_sarif
from techspec.lint.findings import FileReport, Finding
from techspec.lint.rules.registry import Rule, all_rules

SCHEMA_PATH = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

MISSING = Rule(
    code="TS101",
    name="missing-section",
    summary="A section the template requires is missing.",
    explanation="Readers rely on every spec having the same sections.",
    failing="# Title\n\n## Goals\n",
    passing="# Title\n\n## Goals\n\n## Non-goals\n",
    severity="error",
    fixable=True,
)
FENCED = Rule(
    code="TS202",
    name="code-language",
    summary="A code block has no language.",
    explanation="Highlighting needs a language.",
    failing="```\nx = 1\n```",
    passing="```python\nx = 1\n```",
    severity="status",
)
KNOWN_RULES = {rule.code: rule for rule in (MISSING, FENCED)}


def finding(
    rule: str = "TS101",
    severity: Any = "error",
    line: int = 1,
    column: int = 1,
    *,
    name: str = "missing-section",
    message: str = "Missing section: Goals",
    **extra: Any,
) -> Finding:
    return Finding(rule, name, severity, message, line, column, **extra)


def sample() -> list[FileReport]:
    """Three files: one with an error and a fixable warning, one with an info, one clean."""
    return [
        FileReport(
            "docs/b.md",
            "Draft",
            [
                finding(
                    "TS201",
                    "warning",
                    7,
                    3,
                    name="vague-word",
                    message="Say how fast",
                    fixable=True,
                ),
                finding("TS101", "error", 2, 1, end_column=9, section="Goals"),
            ],
        ),
        FileReport("docs/a.md", None, [finding("TS301", "info", 4, 2, name="aside")]),
        FileReport("docs/c.md", "Accepted", []),
    ]


@pytest.fixture
def known_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in for the registry, which the other half of the project is still filling."""
    monkeypatch.setattr(sarif_module, "get_rule", KNOWN_RULES.get)


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(validator: Any, document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


# --- dispatch -------------------------------------------------------------------------------


def test_formats_lists_the_six_documented_formats_in_order() -> None:
    assert FORMATS == ("text", "concise", "json", "sarif", "github", "junit")


def test_render_rejects_an_unknown_format_with_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown output format 'yaml'"):
        render(sample(), "yaml")


@pytest.mark.usefixtures("known_rules")
def test_render_passes_the_tool_version_to_sarif() -> None:
    log = json.loads(render(sample(), "sarif", tool_version="9.8.7"))
    assert log["runs"][0]["tool"]["driver"]["version"] == "9.8.7"


def test_plain_text_imports_neither_rich_nor_the_other_formats() -> None:
    code = (
        "import sys\n"
        "from techspec.lint.findings import FileReport\n"
        "from techspec.formats import render\n"
        "render([FileReport('a.md', None, [])], 'text')\n"
        "heavy = {'rich', 'xml.etree.ElementTree', 'techspec.formats.sarif'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- text -----------------------------------------------------------------------------------


def test_text_report_lists_findings_by_file_then_line_and_column_then_a_summary() -> None:
    assert render(sample(), "text") == (
        "docs/a.md:4:2: TS301/aside info Missing section: Goals\n"
        "docs/b.md:2:1: TS101/missing-section error Missing section: Goals\n"
        "docs/b.md:7:3: TS201/vague-word warning Say how fast [*]\n"
        "\n"
        "Found 1 error, 1 warning and 1 info in 2 files (1 file clean).\n"
        "1 fixable with 'techspec fix'.\n"
    )


def test_text_report_sorts_findings_on_one_line_by_column() -> None:
    report = FileReport("a.md", None, [finding(line=3, column=9), finding(line=3, column=2)])
    lines = render([report], "text").splitlines()
    assert lines[:2] == [
        "a.md:3:2: TS101/missing-section error Missing section: Goals",
        "a.md:3:9: TS101/missing-section error Missing section: Goals",
    ]


@pytest.mark.parametrize(
    ("reports", "summary"),
    [
        ([], "No files checked."),
        ([FileReport("a.md", None)], "1 file clean."),
        ([FileReport(f"{n}.md", None) for n in range(4)], "All 4 files clean."),
        (
            [
                FileReport("a.md", None, [finding(), finding(line=2), finding("TS2", "warning")]),
                FileReport("b.md", None, [finding("TS2", "warning"), finding(line=5)]),
            ],
            "Found 3 errors and 2 warnings in 2 files.",
        ),
        (
            [FileReport("a.md", None, [finding("TS2", "warning")]), FileReport("b.md", None)],
            "Found 0 errors and 1 warning in 1 file (1 file clean).",
        ),
    ],
)
def test_text_summary_counts_errors_warnings_and_clean_files(
    reports: list[FileReport], summary: str
) -> None:
    assert render(reports, "text").splitlines()[-1] == summary


def test_text_summary_mentions_techspec_fix_only_when_something_is_fixable() -> None:
    unfixable = render([FileReport("a.md", None, [finding()])], "text")
    fixable = render(
        [FileReport("a.md", None, [finding(fixable=True), finding(fixable=True)])], "text"
    )
    assert "techspec fix" not in unfixable
    assert "[*]" not in unfixable
    assert fixable.endswith("2 fixable with 'techspec fix'.\n")


def test_text_keeps_one_line_per_finding_when_a_message_spans_lines() -> None:
    report = FileReport("a.md", None, [finding(message="first\nsecond\r\nthird")])
    assert render([report], "text").splitlines()[0].endswith("error first second third")
    assert render([report], "concise") == "a.md:1:1: TS101 first second third\n"


def test_text_statistics_count_findings_per_rule_most_frequent_first() -> None:
    report = FileReport(
        "a.md",
        None,
        [finding("TS2", "warning", name="w", fixable=True), finding(), finding(line=2)],
    )
    assert render([report], "text", statistics=True) == (
        "    2  TS101/missing-section\n"
        "    1  TS2/w [*]\n"
        "\n"
        "Found 2 errors and 1 warning in 1 file.\n"
        "1 fixable with 'techspec fix'.\n"
    )


def test_plain_text_has_no_escape_codes() -> None:
    assert "\x1b" not in render(sample(), "text", color=False)


def test_coloured_text_colours_each_severity_and_bolds_the_path() -> None:
    out = render(sample(), "text", color=True)
    assert "\x1b[31merror\x1b[0m" in out
    assert "\x1b[33mwarning\x1b[0m" in out
    assert "\x1b[34minfo\x1b[0m" in out
    assert "\x1b[1mdocs/a.md\x1b[0m" in out


def test_coloured_text_says_exactly_what_plain_text_says() -> None:
    for statistics in (False, True):
        plain = render(sample(), "text", statistics=statistics)
        coloured = render(sample(), "text", color=True, statistics=statistics)
        assert coloured != plain
        assert ANSI.sub("", coloured) == plain


def test_coloured_text_does_not_wrap_or_read_markup_in_long_messages() -> None:
    message = "[bold]not markup[/bold] :smile: " + "word " * 60
    report = FileReport("a.md", None, [finding(message=message.strip())])
    coloured = render([report], "text", color=True)
    assert ANSI.sub("", coloured) == render([report], "text")


def test_coloured_text_ignores_no_color_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[31m" in render(sample(), "text", color=True)


# --- concise --------------------------------------------------------------------------------


def test_concise_report_has_path_position_code_and_message_and_no_summary() -> None:
    assert render(sample(), "concise") == (
        "docs/a.md:4:2: TS301 Missing section: Goals\n"
        "docs/b.md:2:1: TS101 Missing section: Goals\n"
        "docs/b.md:7:3: TS201 Say how fast\n"
    )


def test_concise_report_of_clean_files_is_empty() -> None:
    assert render([FileReport("a.md", None)], "concise") == ""
    assert render([], "concise") == ""


# --- json -----------------------------------------------------------------------------------


def test_json_report_has_exactly_the_documented_shape() -> None:
    assert json.loads(render(sample(), "json")) == {
        "version": 1,
        "files": [
            {
                "path": "docs/a.md",
                "status": None,
                "findings": [
                    {
                        "rule": "TS301/aside",
                        "severity": "info",
                        "line": 4,
                        "column": 2,
                        "end_line": 4,
                        "end_column": 2,
                        "message": "Missing section: Goals",
                        "section": None,
                    }
                ],
            },
            {
                "path": "docs/b.md",
                "status": "Draft",
                "findings": [
                    {
                        "rule": "TS101/missing-section",
                        "severity": "error",
                        "line": 2,
                        "column": 1,
                        "end_line": 2,
                        "end_column": 9,
                        "message": "Missing section: Goals",
                        "section": "Goals",
                    },
                    {
                        "rule": "TS201/vague-word",
                        "severity": "warning",
                        "line": 7,
                        "column": 3,
                        "end_line": 7,
                        "end_column": 3,
                        "message": "Say how fast",
                        "section": None,
                    },
                ],
            },
            {"path": "docs/c.md", "status": "Accepted", "findings": []},
        ],
        "summary": {"files": 3, "errors": 1, "warnings": 1},
    }


def test_json_report_is_indented_two_spaces_with_a_trailing_newline() -> None:
    out = render(sample(), "json")
    assert out.startswith('{\n  "version": 1,\n  "files": [\n    {\n')
    assert out.endswith("}\n")
    assert not out.endswith("\n\n")


def test_json_report_of_no_files_has_no_files_and_a_zero_summary() -> None:
    assert json.loads(render([], "json")) == {
        "version": 1,
        "files": [],
        "summary": {"files": 0, "errors": 0, "warnings": 0},
    }


# --- sarif ----------------------------------------------------------------------------------


def test_sarif_schema_file_is_the_complete_official_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert {"run", "result", "reportingDescriptor", "region", "webResponse"} <= set(
        schema["definitions"]
    )


@pytest.mark.usefixtures("known_rules")
@pytest.mark.parametrize(
    "reports",
    [sample(), [], [FileReport("a.md", None)], [FileReport("a.md", None, [finding(line=0)])]],
    ids=["findings", "no-files", "clean-file", "line-zero"],
)
def test_sarif_report_validates_against_the_official_schema(
    sarif_validator: Any, reports: list[FileReport]
) -> None:
    assert schema_errors(sarif_validator, json.loads(render(reports, "sarif"))) == []


def test_sarif_schema_check_rejects_a_result_with_a_level_sarif_does_not_know(
    sarif_validator: Any,
) -> None:
    log = json.loads(render_sarif(sample(), rule_lookup=lambda code: None))
    log["runs"][0]["results"][0]["level"] = "info"
    assert schema_errors(sarif_validator, log)


@pytest.mark.usefixtures("known_rules")
def test_sarif_run_names_the_tool_and_its_schema() -> None:
    log = json.loads(render(sample(), "sarif"))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "techspec"
    assert driver["version"] == "0.1.0"


@pytest.mark.usefixtures("known_rules")
def test_sarif_rules_describe_each_rule_that_fired_once_from_the_registry() -> None:
    reports = [FileReport("a.md", None, [finding(), finding(line=2)])]
    rules = json.loads(render(reports, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) == 1
    rule = rules[0]
    assert rule["id"] == "TS101"
    assert rule["name"] == "missing-section"
    assert rule["shortDescription"]["text"] == MISSING.summary
    assert rule["fullDescription"]["text"] == MISSING.explanation
    assert rule["defaultConfiguration"]["level"] == "error"
    for key in ("text", "markdown"):
        assert MISSING.failing.strip() in rule["help"][key]
        assert MISSING.passing.strip() in rule["help"][key]


def test_sarif_describes_every_registered_rule_validly(sarif_validator: Any) -> None:
    """Whatever rules the registry holds, their documentation must make valid SARIF."""
    rules = all_rules()
    findings = [
        finding(rule.code, "warning", n, name=rule.name, message=rule.summary)
        for n, rule in enumerate(rules, start=1)
    ]
    log = json.loads(render([FileReport("docs/spec.md", "Draft", findings)], "sarif"))
    assert schema_errors(sarif_validator, log) == []
    described = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert sorted(described) == sorted(rule.code for rule in rules)
    for rule in rules:
        assert rule.failing.strip() in described[rule.code]["help"]["markdown"]


def test_sarif_falls_back_to_the_finding_when_the_registry_does_not_know_the_rule(
    sarif_validator: Any,
) -> None:
    reports = [FileReport("a.md", None, [finding("TS999", "info", name="mystery")])]
    log = json.loads(render_sarif(reports, rule_lookup=lambda code: None))
    assert log["runs"][0]["tool"]["driver"]["rules"] == [
        {
            "id": "TS999",
            "name": "mystery",
            "shortDescription": {"text": "mystery"},
            "defaultConfiguration": {"level": "note"},
        }
    ]
    assert schema_errors(sarif_validator, log) == []


@pytest.mark.usefixtures("known_rules")
def test_sarif_results_point_at_their_rule_by_id_and_index() -> None:
    run = json.loads(render(sample(), "sarif"))["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids == ["TS101", "TS201", "TS301"]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]


@pytest.mark.usefixtures("known_rules")
def test_sarif_results_carry_level_message_uri_and_region() -> None:
    results = json.loads(render(sample(), "sarif"))["runs"][0]["results"]
    assert [r["level"] for r in results] == ["note", "error", "warning"]
    error = results[1]
    assert error["message"] == {"text": "Missing section: Goals"}
    location = error["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "docs/b.md"}
    assert location["region"] == {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 9}


@pytest.mark.usefixtures("known_rules")
def test_sarif_status_rules_default_to_warning_and_fences_survive_in_help() -> None:
    reports = [FileReport("a.md", None, [finding("TS202", "warning", name="code-language")])]
    rule = json.loads(render(reports, "sarif"))["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["defaultConfiguration"]["level"] == "warning"
    assert "````markdown\n```\nx = 1\n```\n````" in rule["help"]["markdown"]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("docs/a.md", "docs/a.md"),
        ("./docs/a.md", "docs/a.md"),
        ("docs\\specs\\a.md", "docs/specs/a.md"),
        ("docs/my spec#1.md", "docs/my%20spec%231.md"),
    ],
)
def test_sarif_uris_are_relative_with_forward_slashes(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


def test_sarif_uri_of_an_absolute_path_is_relative_to_cwd_when_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert artifact_uri(str(tmp_path / "docs" / "a.md")) == "docs/a.md"
    assert artifact_uri("/elsewhere/a.md") == "file:///elsewhere/a.md"


# --- github ---------------------------------------------------------------------------------


def test_github_report_has_one_annotation_per_finding_by_severity() -> None:
    assert render(sample(), "github") == (
        "::notice file=docs/a.md,line=4,col=2,endLine=4,endColumn=2,"
        "title=TS301/aside::Missing section: Goals\n"
        "::error file=docs/b.md,line=2,col=1,endLine=2,endColumn=9,"
        "title=TS101/missing-section::Missing section: Goals\n"
        "::warning file=docs/b.md,line=7,col=3,endLine=7,endColumn=3,"
        "title=TS201/vague-word::Say how fast\n"
    )


def test_github_escapes_percent_and_line_breaks_in_the_message() -> None:
    report = FileReport("a.md", None, [finding(message="100% done\r\nnext: a, b")])
    assert render([report], "github").endswith("::100%25 done%0D%0Anext: a, b\n")


def test_github_escapes_colons_and_commas_in_properties() -> None:
    report = FileReport("dir,x/a:b%.md", None, [finding()])
    assert render([report], "github").startswith("::error file=dir%2Cx/a%3Ab%25.md,line=1,")


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("a%b", "a%25b", "a%25b"),
        ("a\nb\r", "a%0Ab%0D", "a%0Ab%0D"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
    ],
)
def test_github_escaping_follows_the_actions_toolkit_rules(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_github_report_of_clean_files_is_empty() -> None:
    assert render([FileReport("a.md", None)], "github") == ""
    assert render([], "github") == ""


# --- junit ----------------------------------------------------------------------------------


def parse_junit(reports: list[FileReport], *, strict: bool = False) -> ET.Element:
    out = render(reports, "junit", strict=strict)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(out.encode("utf-8"))


def test_junit_report_parses_with_one_suite_and_one_testcase_per_file() -> None:
    root = parse_junit(sample())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["techspec"]
    cases = suites[0].findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("techspec", "docs/a.md"),
        ("techspec", "docs/b.md"),
        ("techspec", "docs/c.md"),
    ]
    for element in (root, suites[0]):
        assert (element.get("tests"), element.get("failures")) == ("3", "1")


def test_junit_with_strict_has_a_failure_per_error_or_warning_and_none_for_info() -> None:
    cases = {c.get("name"): c for c in parse_junit(sample(), strict=True).iter("testcase")}
    failures = cases["docs/b.md"].findall("failure")
    assert [(f.get("type"), f.get("message")) for f in failures] == [
        ("TS101/missing-section", "Missing section: Goals"),
        ("TS201/vague-word", "Say how fast"),
    ]
    assert failures[0].text == "docs/b.md:2:1: TS101/missing-section error Missing section: Goals"
    assert cases["docs/a.md"].findall("failure") == []
    assert "TS301/aside info" in (cases["docs/a.md"].findtext("system-out") or "")


def test_junit_shows_warnings_without_failing_them_as_the_exit_status_does() -> None:
    """Without --strict a warning does not fail the run (exit 0), so it is no
    <failure>: it is a line of the testcase's output, which GitLab and Jenkins show,
    and the suite's ``warnings`` property counts it."""
    root = parse_junit(sample())
    cases = {c.get("name"): c for c in root.iter("testcase")}
    failures = cases["docs/b.md"].findall("failure")
    assert [f.get("type") for f in failures] == ["TS101/missing-section"]
    out = cases["docs/b.md"].findtext("system-out") or ""
    assert "docs/b.md:7:3: TS201/vague-word warning Say how fast" in out
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props == {"warnings": "1", "warnings-fail": "false"}


def test_junit_clean_file_is_a_passing_testcase() -> None:
    root = parse_junit([FileReport("a.md", "Draft")])
    case = root.find("testsuite/testcase")
    assert case is not None
    assert list(case) == []
    assert root.get("failures") == "0"


def test_junit_report_of_no_files_has_no_tests() -> None:
    root = parse_junit([])
    assert root.get("tests") == "0"
    assert root.findall("testsuite/testcase") == []


def test_junit_stays_parseable_when_a_message_has_characters_xml_forbids() -> None:
    report = FileReport("a<&>.md", None, [finding(message='bell \x07 & "quotes" <tag>')])
    failure = parse_junit([report]).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == 'bell \ufffd & "quotes" <tag>'


# --- every format -----------------------------------------------------------------------------


@pytest.mark.usefixtures("known_rules")
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_ends_with_a_newline_or_is_empty(fmt: str) -> None:
    for reports in (sample(), [], [FileReport("a.md", None)]):
        out = render(reports, fmt)
        assert out == "" or out.endswith("\n")


@pytest.mark.usefixtures("known_rules")
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_ignores_the_order_the_files_came_in(fmt: str) -> None:
    assert render(sample(), fmt) == render(list(reversed(sample())), fmt)
