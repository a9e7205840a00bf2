"""``techspec template explain``: what the compiler read off a template, printed before
anything is linted (text for people, JSON for tools), for a file or a built-in name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest_cli import run_cli, stderr_lines
from team_templates import CONVENTIONS, TEAM_TEMPLATE
from techspec.lint.builtins import builtin_named
from techspec.lint.explain import explain


@pytest.fixture
def team_template(tmp_path: Path) -> Path:
    path = tmp_path / "incident.md"
    path.write_text(TEAM_TEMPLATE, encoding="utf-8")
    return path


def test_text_names_each_kind_of_rule_the_template_holds(team_template: Path) -> None:
    result = run_cli(["template", "explain", str(team_template)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Title: # Incident Review: [Incident Name]" in out
    assert "## Timeline  [required; holds a table]  line 6" in out
    assert "  ### Cause 1: [Short Name]  [repeatable, numbered 1, 2, 3]  line 14" in out
    assert "Severity (metadata, line 3): one of SEV1, SEV2, SEV3" in out
    assert "Date (metadata, line 4): an ISO date (YYYY-MM-DD)" in out
    assert "field Severity: SEV1 | SEV2 | SEV3" in out
    assert "sign-off in 'Approval':" in out
    assert "fixed row: Incident Commander (fill in: Name, Date)" in out
    assert "fixed item: Postmortem shared with the team" in out
    assert "Sign-off roles: Incident Commander" in out
    assert "written [...], such as [Incident Name], [YYYY-MM-DD], [HH:MM]" in out


def test_json_is_the_same_explanation_as_the_library_gives(team_template: Path) -> None:
    from techspec.lint.batch import load_template

    result = run_cli(["template", "explain", str(team_template), "--format", "json"])
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(explain(load_template(team_template)).to_dict()))
    [causes] = [s for s in data["sections"] if s["title"] == "Causes"]
    [pattern] = causes["children"]
    assert (pattern["repeatable"], pattern["numbered"], pattern["required"]) == (True, True, False)
    assert [t["kind"] for t in data["tables"]] == ["table", "sign-off"]
    assert data["checklists"] == [
        {
            "where": "Actions",
            "fixed_items": ["Postmortem shared with the team"],
            "work_items": True,
            "choices": [],
        }
    ]


@pytest.mark.parametrize("name", ["technical-spec", "adr", "rfc"])
def test_a_built_in_template_is_explained_by_name(name: str) -> None:
    result = run_cli(["template", "explain", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    template = builtin_named(name)
    assert template is not None
    data = json.loads(result.stdout)
    assert data["name"] == name
    assert data["statuses"] == list(template.statuses)
    assert [s["title"] for s in data["sections"]] == [r.title for r in template.sections]


def test_the_built_in_templates_phases_are_a_numbered_pattern_and_its_sign_off_rows_fixed() -> None:
    out = run_cli(["template", "explain", "technical-spec"]).stdout
    assert "### Phase 1: [Phase Name]  [repeatable, numbered 1, 2, 3; holds a checklist]" in out
    assert "fixed row: Security Lead (fill in: Name, Date, Signature)" in out
    assert "history 'Document History' in 'end of document':" in out
    assert "in code blocks, where a spec may keep them:" in out and "[endpoint]" in out


def test_a_missing_template_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli(["template", "explain", str(tmp_path / "nope.md")])
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"techspec: {tmp_path / 'nope.md'}: template no such file or directory "
        "(built-in templates: technical-spec, adr, rfc)"
    ]


def test_a_file_that_is_not_a_template_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("Just some notes.\n", encoding="utf-8")
    result = run_cli(["template", "explain", str(path)])
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert line.startswith(f"techspec: {path}: not a template")


def test_standard_input_is_explained_too() -> None:
    result = run_cli(["template", "explain", "-"], stdin=TEAM_TEMPLATE)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Template ")
    assert "Sign-off roles: Incident Commander" in result.stdout


def test_empty_standard_input_is_one_line_and_exit_2() -> None:
    result = run_cli(["template", "explain", "-"], stdin="")
    assert result.exit_code == 2
    assert stderr_lines(result) == ["techspec: -: empty file: nothing to lint"]


def test_the_conventions_a_team_template_uses_are_each_named(tmp_path: Path) -> None:
    path = tmp_path / "proposal.md"
    path.write_text(CONVENTIONS, encoding="utf-8")
    out = run_cli(["template", "explain", str(path)]).stdout
    assert "Title: (none)" in out
    assert "# User Stories (Optional)  [optional]" in out
    assert "## Story 1  [repeatable, numbered 1, 2, 3, optional]" in out
    assert "Proposal Name (metadata, line 1, written as a list item): any text" in out
    assert "Reviewer (metadata, line 3, written as a list item, optional)" in out
    assert "Start Date (metadata, line 2, written as a list item): an ISO date" in out
    assert "example rows: 1 (the spec writes its own)" in out
    assert "in 'Monitoring': pick any (none required)" in out
    assert "    choice: Other (describe below)" in out
    assert "written {...}, such as {short name of the proposal}" in out
    assert "written <...>, such as <Role-1>, <Contact-1>" in out


def test_json_names_the_placeholder_styles_and_the_title_kind(tmp_path: Path) -> None:
    path = tmp_path / "proposal.md"
    path.write_text(CONVENTIONS, encoding="utf-8")
    data = json.loads(run_cli(["template", "explain", str(path), "--format", "json"]).stdout)
    assert data["title_kind"] == "none"
    assert data["placeholder_styles"] == ["{...}", "<...>"]
    [stories] = [s for s in data["sections"] if s["title"] == "User Stories (Optional)"]
    assert (stories["optional"], stories["required"]) == (True, False)
    assert [f["written_as"] for f in data["fields"]] == ["list", "list", "list"]


@pytest.mark.parametrize("name", ["technical-spec", "adr", "rfc"])
def test_the_sign_off_roles_are_the_ones_the_workflow_asks_for(name: str) -> None:
    from techspec.authoring.writeback import signoff_roles

    template = builtin_named(name)
    assert template is not None
    assert list(explain(template).signoff_roles) == signoff_roles(template)
