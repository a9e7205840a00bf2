"""The built-in ``adr`` (MADR style) and ``rfc`` (Rust RFC style) templates: chosen by
name on the command line or per directory in the configuration, scaffolded by ``techspec
new``, and clean when filled in (the filled documents are fixtures beside this test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest_cli import clean_spec, finding_lines, rules_in, run_cli, stderr_lines
from techspec.lint.builtins import builtin_named, builtin_templates
from techspec.lint.template import builtin_template

FIXTURES = Path(__file__).parents[1] / "fixtures" / "builtin-templates"
ADR = FIXTURES / "adr-0007-ledger-database.md"
RFC = FIXTURES / "rfc-0012-async-handlers.md"


def test_the_built_in_templates_are_the_default_then_adr_and_rfc() -> None:
    names = [template.name for template in builtin_templates()]
    assert names == ["technical-spec", "adr", "rfc"]
    assert builtin_named("technical-spec") is builtin_template()
    assert builtin_named("kep") is None


@pytest.mark.parametrize(
    ("name", "statuses"),
    [
        ("adr", ("Proposed", "Review", "Accepted", "Implemented")),
        ("rfc", ("Draft", "Review", "Accepted", "Implemented")),
    ],
)
def test_each_has_a_four_state_lifecycle_the_workflow_can_follow(
    name: str, statuses: tuple[str, ...]
) -> None:
    """Draft, Review, Approved and Implemented by position; sign-off roles to approve."""
    from techspec.authoring.writeback import signoff_roles

    template = builtin_named(name)
    assert template is not None
    assert template.statuses == statuses
    assert signoff_roles(template)


@pytest.mark.parametrize(
    ("name", "sections"),
    [
        (
            "adr",
            [
                "Context and Problem Statement",
                "Decision Drivers",
                "Considered Options",
                "Decision Outcome",
                "Consequences",
                "Pros and Cons of the Options",
            ],
        ),
        (
            "rfc",
            [
                "Summary",
                "Motivation",
                "Guide-level Explanation",
                "Reference-level Explanation",
                "Drawbacks",
                "Alternatives",
                "Unresolved Questions",
            ],
        ),
    ],
)
def test_each_has_the_sections_of_its_style(name: str, sections: list[str]) -> None:
    template = builtin_named(name)
    assert template is not None
    titles = [rule.title for rule in template.sections]
    assert titles[: len(sections)] == sections


@pytest.mark.parametrize(("name", "filled"), [("adr", ADR), ("rfc", RFC)])
def test_a_filled_in_document_lints_clean_against_its_template(name: str, filled: Path) -> None:
    result = run_cli(["lint", "--template", name, "--strict", str(filled)])
    assert result.exit_code == 0, result.output
    assert "1 file clean." in result.stdout


def test_an_adr_is_not_clean_against_the_rfc_template() -> None:
    result = run_cli(["lint", "--template", "rfc", str(ADR)])
    assert result.exit_code == 1
    assert {"TS100", "TS101"} <= rules_in(result.stdout)


@pytest.mark.parametrize(
    ("name", "title", "status"),
    [
        ("adr", "ADR: Use Postgres for the ledger", "Proposed"),
        ("rfc", "RFC: Async handlers", "Draft"),
    ],
)
def test_new_scaffolds_a_document_from_a_built_in_template(
    tmp_path: Path, name: str, title: str, status: str
) -> None:
    result = run_cli(["new", title.split(": ")[1], "--template", name, "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = Path(result.stdout.strip()).read_text("utf-8")
    assert text.startswith(f"# {title}\n")
    assert f"**Status**: {status}\\" in text or f"**Status**: {status}\n" in text
    linted = run_cli(["lint", "--template", name, "--format", "json", result.stdout.strip()])
    findings = json.loads(linted.stdout)["files"][0]["findings"]
    assert findings and {f["severity"] for f in findings} == {"warning"}  # placeholders, in Draft
    assert linted.exit_code == 0


def test_a_file_of_the_same_name_wins_over_the_built_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("adr").write_text("# Note: [Title]\n\n## Body\n\n[Text]\n", encoding="utf-8")
    clean_spec(tmp_path, "spec.md")
    result = run_cli(["new", "Thing", "--template", "adr", "--dir", "out"])
    assert Path(result.stdout.strip()).read_text("utf-8").startswith("# Note: Thing\n")


def test_an_unknown_template_name_lists_the_built_in_ones(tmp_path: Path) -> None:
    result = run_cli(["lint", "--template", "kep", str(ADR)])
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        "techspec: kep: template no such file or directory "
        "(built-in templates: technical-spec, adr, rfc)"
    ]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """decisions/ uses the ADR template and rfcs/ the RFC one, by name, per directory."""
    (tmp_path / "techspec.toml").write_text(
        '[templates]\n"decisions/" = "adr"\n"rfcs/" = "rfc"\n', encoding="utf-8"
    )
    (tmp_path / "decisions").mkdir()
    (tmp_path / "rfcs").mkdir()
    (tmp_path / "decisions" / ADR.name).write_bytes(ADR.read_bytes())
    (tmp_path / "rfcs" / RFC.name).write_bytes(RFC.read_bytes())
    clean_spec(tmp_path / "specs", "ledger.md")
    return tmp_path


def test_per_directory_configuration_names_built_in_templates(project: Path) -> None:
    result = run_cli(["lint", "--strict", "--format", "json", str(project)])
    files = {
        Path(entry["path"]).name: entry["findings"] for entry in json.loads(result.stdout)["files"]
    }
    assert files == {ADR.name: [], RFC.name: [], "ledger.md": []}
    assert result.exit_code == 0
    assert result.stderr == ""


def test_a_configured_directory_judges_by_its_template(project: Path) -> None:
    """An RFC put among the decisions is no ADR: directory search skips it, by name."""
    (project / "decisions" / "stray.md").write_bytes(RFC.read_bytes())
    result = run_cli(["lint", "-v", str(project / "decisions")])
    [skipped] = stderr_lines(result)
    assert "stray.md" in skipped and "'# ADR: [Short Title" in skipped
    assert not finding_lines(result.stdout)


def test_new_in_a_configured_directory_uses_its_template(project: Path) -> None:
    result = run_cli(["new", "Queue for webhooks", "--dir", str(project / "rfcs")])
    text = Path(result.stdout.strip()).read_text("utf-8")
    assert text.startswith("# RFC: Queue for webhooks\n")
