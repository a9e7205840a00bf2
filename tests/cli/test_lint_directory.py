"""``techspec lint DIR``: a file passed by is never passed by silently.

Directory search lints the Markdown files whose title matches their template and skips
the rest (a README, notes).  The run always says how many it skipped; ``--verbose``
names each with the reason; ``--all-files`` lints every one of them against the
template, whatever its title.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest_cli import clean_spec, rules_in, run_cli, stderr_lines


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A clean spec, a README, a spec with a renamed title and a file with no heading."""
    docs = tmp_path / "docs"
    clean_spec(docs, "ledger.md")
    (docs / "README.md").write_text("# Our docs\n\nSee the specs.\n", encoding="utf-8")
    renamed = clean_spec(docs, "renamed.md").read_text("utf-8")
    renamed = renamed.replace("# Technical Specification: ", "# Design: ", 1)
    (docs / "renamed.md").write_text(renamed, encoding="utf-8")
    (docs / "untitled.md").write_text("Just a paragraph.\n", encoding="utf-8")
    return docs


def test_the_run_counts_the_skipped_files_and_says_how_to_see_them(mixed: Path) -> None:
    result = run_cli(["lint", str(mixed)])
    assert result.exit_code == 0
    assert stderr_lines(result) == [
        "techspec: skipped 3 Markdown files whose title is not the template's "
        "(--verbose names them, --all-files lints them)"
    ]
    assert "1 file clean." in result.stdout


def test_verbose_names_each_skipped_file_with_its_reason(mixed: Path) -> None:
    result = run_cli(["lint", "--verbose", str(mixed)])
    template = "'# Technical Specification: [Feature/System Name]'"
    assert stderr_lines(result) == [
        f"techspec: skipped {mixed / 'README.md'}: its title 'Our docs' does not match {template}",
        f"techspec: skipped {mixed / 'renamed.md'}: its title 'Design: Payments Ledger' "
        f"does not match {template}",
        f"techspec: skipped {mixed / 'untitled.md'}: it has no title heading "
        f"(the template's is {template})",
    ]


def test_all_files_lints_every_markdown_file_whatever_its_title(mixed: Path) -> None:
    result = run_cli(["lint", "--all-files", "--format", "json", str(mixed)])
    files = {Path(entry["path"]).name: entry for entry in json.loads(result.stdout)["files"]}
    assert sorted(files) == ["README.md", "ledger.md", "renamed.md", "untitled.md"]
    assert files["ledger.md"]["findings"] == []
    assert {f["rule"] for f in files["README.md"]["findings"]} == {"TS001/not-a-spec"}
    assert result.stderr == ""
    assert result.exit_code == 1


def test_all_files_reports_a_renamed_title_as_a_title_finding(mixed: Path) -> None:
    """The spec is still judged by the template: its sections pass, its title does not."""
    result = run_cli(["lint", "--all-files", str(mixed / ".." / "docs")])
    renamed = [line for line in result.stdout.splitlines() if "renamed.md" in line]
    assert renamed, result.stdout
    assert rules_in("\n".join(renamed)) == {"TS100"}


def test_all_files_and_only_specs_together_are_a_usage_error(mixed: Path) -> None:
    result = run_cli(["lint", "--all-files", "--only-specs", str(mixed)])
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        "techspec: --only-specs and --all-files contradict each other: choose one"
    ]


def test_a_long_title_is_shortened_in_the_reason(tmp_path: Path) -> None:
    clean_spec(tmp_path, "spec.md")
    (tmp_path / "long.md").write_text("# " + "x" * 5000 + "\n", encoding="utf-8")
    [line] = stderr_lines(run_cli(["lint", "-v", str(tmp_path)]))
    assert len(line) < 300
    assert "x" * 59 + "…" in line


def test_tool_directories_are_passed_by_without_a_word(mixed: Path) -> None:
    for tool in (".git", "node_modules", ".venv"):
        (mixed / tool).mkdir()
        (mixed / tool / "notes.md").write_text("# Notes\n", encoding="utf-8")
    result = run_cli(["lint", "-v", str(mixed)])
    assert not [line for line in stderr_lines(result) if "directory" in line]


MADR_STYLE = """\
---
status: {proposed | accepted}
date: {YYYY-MM-DD}
---

# {short title of the problem and the solution}

## Context and Problem Statement

{Describe the context and the problem}

## Considered Options

- {title of option 1}
- {title of option 2}

## Decision Outcome

{Chosen option, because justification}
"""

DECISION = """\
---
status: accepted
date: 2026-05-04
---

# Queue the webhooks

## Context and Problem Statement

Slow receivers hold the API's workers.

## Considered Options

- A queue table
- A broker

## Decision Outcome

A queue table, because it needs no new system.
"""


def test_a_template_whose_title_is_only_a_placeholder_finds_specs_by_their_shape(
    tmp_path: Path,
) -> None:
    """Any title matches '{short title}': a README must still not be taken for a
    decision, nor linted as one; decisions are found by their fields and sections."""
    template = tmp_path / "madr.md"
    template.write_text(MADR_STYLE, encoding="utf-8")
    decisions = tmp_path / "decisions"
    decisions.mkdir()
    (decisions / "0001-queue.md").write_text(DECISION, encoding="utf-8")
    (decisions / "README.md").write_text("# Decisions\n\nOne file per decision.\n", "utf-8")
    result = run_cli(
        ["lint", "-v", "--template", str(template), "--format", "json", str(decisions)]
    )
    files = [Path(entry["path"]).name for entry in json.loads(result.stdout)["files"]]
    assert files == ["0001-queue.md"]
    assert stderr_lines(result) == [
        f"techspec: skipped {decisions / 'README.md'}: it has neither the metadata nor the "
        "sections of the template"
    ]
    fixed = run_cli(["fix", "--template", str(template), str(decisions)])
    assert (decisions / "README.md").read_text("utf-8") == "# Decisions\n\nOne file per decision.\n"
    assert fixed.exit_code == 0, fixed.output
