"""Project configuration through the command line: ``[tool.techspec]`` in pyproject.toml
and ``techspec.toml`` (the nearest wins), rule selection, per-file ignores, a custom
template, per-directory templates, and bad configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest_cli import (
    ADR_CLEAN,
    ADR_TEMPLATE,
    clean_spec,
    draft_text,
    finding_lines,
    rules_in,
    run_cli,
    run_process,
    stderr_lines,
    without_section,
)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _broken_draft(directory: Path, name: str = "spec.md") -> Path:
    """A Draft with placeholders (TS205 warnings) and no ``## Scope`` (a TS101 error)."""
    text, _ = without_section(draft_text(), "## Scope")
    return _write(directory / name, text)


def _lint(*paths: Path | str) -> set[str]:
    return rules_in(run_cli(["lint", *map(str, paths)]).stdout)


# -- where configuration comes from ----------------------------------------------------


def test_without_configuration_both_rules_fire(tmp_path: Path) -> None:
    """The control for the tests below."""
    assert _lint(_broken_draft(tmp_path)) == {"TS101", "TS205"}


def test_tool_techspec_in_pyproject_toml_is_read(tmp_path: Path) -> None:
    _write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.techspec]\nignore = ["TS205"]\n',
    )
    assert _lint(_broken_draft(tmp_path)) == {"TS101"}


def test_techspec_toml_is_read(tmp_path: Path) -> None:
    _write(tmp_path / "techspec.toml", 'select = ["TS205"]\n')
    assert _lint(_broken_draft(tmp_path)) == {"TS205"}


def test_configuration_in_a_parent_directory_applies_to_specs_below_it(tmp_path: Path) -> None:
    _write(tmp_path / "techspec.toml", 'ignore = ["TS205"]\n')
    assert _lint(_broken_draft(tmp_path / "docs" / "specs")) == {"TS101"}


def test_a_techspec_toml_in_a_subdirectory_beats_the_parents_pyproject(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.techspec]\nselect = ["TS205"]\n')
    _write(tmp_path / "sub" / "techspec.toml", 'select = ["TS101"]\n')
    top = _broken_draft(tmp_path, "top.md")
    below = _broken_draft(tmp_path / "sub", "below.md")
    deeper = _broken_draft(tmp_path / "sub" / "deeper", "deeper.md")
    result = run_cli(["lint", str(top), str(below), str(deeper)])
    by_path: dict[str, set[str]] = {}
    for match in finding_lines(result.stdout):
        by_path.setdefault(match["path"], set()).add(match["rule"])
    assert by_path == {str(top): {"TS205"}, str(below): {"TS101"}, str(deeper): {"TS101"}}


def test_techspec_toml_beats_pyproject_toml_in_the_same_directory(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.techspec]\nselect = ["TS205"]\n')
    _write(tmp_path / "techspec.toml", 'select = ["TS101"]\n')
    assert _lint(_broken_draft(tmp_path)) == {"TS101"}


def test_a_pyproject_without_tool_techspec_is_passed_over(tmp_path: Path) -> None:
    _write(tmp_path / "techspec.toml", 'select = ["TS101"]\n')
    _write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n')
    assert _lint(_broken_draft(tmp_path / "pkg")) == {"TS101"}


def test_configuration_is_found_for_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "techspec.toml", 'ignore = ["TS205"]\n')
    spec = _broken_draft(tmp_path / "docs")
    monkeypatch.chdir(tmp_path / "docs")
    result = run_cli(["lint", spec.name])
    assert rules_in(result.stdout) == {"TS101"}
    assert all(m["path"] == spec.name for m in finding_lines(result.stdout))


def test_standard_input_uses_the_configuration_of_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _broken_draft(tmp_path / "elsewhere")
    _write(tmp_path / "project" / "techspec.toml", 'ignore = ["TS205"]\n')
    monkeypatch.chdir(tmp_path / "project")
    result = run_cli(["lint", "-"], stdin=spec.read_bytes())
    assert rules_in(result.stdout) == {"TS101"}


def test_the_real_executable_reads_configuration_from_its_working_directory(
    tmp_path: Path,
) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.techspec]\nignore = ["TS101"]\n')
    _broken_draft(tmp_path / "docs")
    result = run_process(["lint", "docs"], cwd=tmp_path)
    assert rules_in(result.stdout) == {"TS205"}
    assert result.exit_code == 0


# -- select and ignore -----------------------------------------------------------------


def test_select_by_prefix_and_name_in_configuration(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "techspec.toml", 'select = ["TS1"]\n')
    _write(tmp_path / "b" / "techspec.toml", 'select = ["placeholder"]\n')
    assert _lint(_broken_draft(tmp_path / "a")) == {"TS101"}
    assert _lint(_broken_draft(tmp_path / "b")) == {"TS205"}


def test_a_single_string_is_accepted_for_select(tmp_path: Path) -> None:
    _write(tmp_path / "techspec.toml", 'select = "TS101"\n')
    assert _lint(_broken_draft(tmp_path)) == {"TS101"}


def test_command_line_select_replaces_the_configured_select(tmp_path: Path) -> None:
    _write(tmp_path / "techspec.toml", 'select = ["TS101"]\n')
    spec = _broken_draft(tmp_path)
    result = run_cli(["lint", "--select", "TS205", str(spec)])
    assert rules_in(result.stdout) == {"TS205"}


def test_command_line_ignore_adds_to_the_configured_ignore(tmp_path: Path) -> None:
    _write(tmp_path / "techspec.toml", 'ignore = ["TS205"]\n')
    spec = _broken_draft(tmp_path)
    result = run_cli(["lint", "--ignore", "TS101", str(spec)])
    assert finding_lines(result.stdout) == []
    assert result.exit_code == 0


def test_configured_ignore_changes_the_exit_status(tmp_path: Path) -> None:
    _write(tmp_path / "techspec.toml", 'ignore = ["TS101"]\n')
    spec = _broken_draft(tmp_path)
    assert run_cli(["lint", "--strict", "--ignore", "TS205", str(spec)]).exit_code == 0
    assert run_cli(["lint", "--strict", str(spec)]).exit_code == 1


# -- per-file-ignores ------------------------------------------------------------------


def test_per_file_ignores_apply_to_files_matching_the_glob_only(tmp_path: Path) -> None:
    _write(
        tmp_path / "techspec.toml",
        '[per-file-ignores]\n"legacy/*.md" = ["TS205"]\n"**/draft-*.md" = ["TS101"]\n',
    )
    legacy = _broken_draft(tmp_path / "legacy", "old.md")
    current = _broken_draft(tmp_path / "current", "new.md")
    drafted = _broken_draft(tmp_path / "current" / "deep", "draft-idea.md")
    result = run_cli(["lint", str(legacy), str(current), str(drafted)])
    by_path: dict[str, set[str]] = {}
    for match in finding_lines(result.stdout):
        by_path.setdefault(match["path"], set()).add(match["rule"])
    assert by_path == {
        str(legacy): {"TS101"},
        str(current): {"TS101", "TS205"},
        str(drafted): {"TS205"},
    }


def test_per_file_ignores_are_relative_to_the_configuration_file(tmp_path: Path) -> None:
    _write(
        tmp_path / "project" / "pyproject.toml",
        '[tool.techspec.per-file-ignores]\n"specs/*" = ["TS205"]\n',
    )
    inside = _broken_draft(tmp_path / "project" / "specs")
    outside = _broken_draft(tmp_path / "specs")
    assert _lint(inside) == {"TS101"}
    assert _lint(outside) == {"TS101", "TS205"}


# -- a custom template -----------------------------------------------------------------


@pytest.fixture
def adr_project(tmp_path: Path) -> Path:
    """``template = "templates/adr.md"``: every spec in the project is an ADR."""
    _write(tmp_path / "templates" / "adr.md", ADR_TEMPLATE)
    _write(tmp_path / "pyproject.toml", '[tool.techspec]\ntemplate = "templates/adr.md"\n')
    return tmp_path


def test_a_configured_template_accepts_a_good_adr(adr_project: Path) -> None:
    adr = _write(adr_project / "decisions" / "0001-postgres.md", ADR_CLEAN)
    result = run_cli(["lint", "--strict", str(adr)])
    assert result.stdout.strip() == "1 file clean."
    assert result.exit_code == 0


def test_the_same_adr_without_configuration_is_not_a_spec(tmp_path: Path) -> None:
    """The control: without the configured template, the ADR is TS001."""
    adr = _write(tmp_path / "decisions" / "0001-postgres.md", ADR_CLEAN)
    assert _lint(adr) == {"TS001"}


def test_a_configured_template_requires_its_own_sections(adr_project: Path) -> None:
    text = ADR_CLEAN.split("## Consequences")[0]
    adr = _write(adr_project / "decisions" / "0002-short.md", text)
    [match] = finding_lines(run_cli(["lint", str(adr)]).stdout)
    assert match["rule"] == "TS101"
    assert "Consequences" in match["message"]


def test_a_configured_template_checks_its_own_status_values(adr_project: Path) -> None:
    adr = _write(
        adr_project / "0003.md", ADR_CLEAN.replace("**Status**: Accepted", "**Status**: Approved")
    )
    result = run_cli(["lint", str(adr)])
    assert rules_in(result.stdout) == {"TS202"}
    assert "Proposed" in result.stdout


def test_a_directory_search_uses_the_configured_templates_title(adr_project: Path) -> None:
    decisions = adr_project / "decisions"
    _write(decisions / "0001-postgres.md", ADR_CLEAN)
    clean_spec(decisions, "not-an-adr.md")
    result = run_cli(["lint", "-v", str(decisions), "--format", "json"])
    paths = [Path(entry["path"]).name for entry in json.loads(result.stdout)["files"]]
    assert paths == ["0001-postgres.md"]
    [skipped] = stderr_lines(result)
    assert "not-an-adr.md" in skipped
    assert "ADR: [Title]" in skipped


def test_the_command_line_template_overrides_the_configured_one(adr_project: Path) -> None:
    spec = clean_spec(adr_project / "specs")
    assert {"TS100", "TS101"} <= _lint(spec)  # judged by the configured ADR template
    builtin = _write(adr_project / "templates" / "spec.md", _builtin_template_text())
    result = run_cli(["lint", "--template", str(builtin), str(spec)])
    assert finding_lines(result.stdout) == []
    assert result.exit_code == 0


def _builtin_template_text() -> str:
    from importlib.resources import files

    return files("techspec").joinpath("templates/technical-spec.md").read_text("utf-8")


# -- per-directory templates -----------------------------------------------------------


@pytest.fixture
def mapped_project(tmp_path: Path) -> Path:
    """``[templates] "docs/adr/" = "templates/adr.md"``; the rest of docs/ is built-in."""
    _write(tmp_path / "templates" / "adr.md", ADR_TEMPLATE)
    _write(
        tmp_path / "pyproject.toml",
        '[tool.techspec]\n\n[tool.techspec.templates]\n"docs/adr/" = "templates/adr.md"\n',
    )
    _write(tmp_path / "docs" / "adr" / "0001-postgres.md", ADR_CLEAN)
    _write(
        tmp_path / "docs" / "adr" / "old" / "0000-mysql.md", ADR_CLEAN.replace("Postgres", "MySQL")
    )
    clean_spec(tmp_path / "docs" / "specs", "ledger.md")
    return tmp_path


def test_files_under_a_mapped_directory_use_its_template(mapped_project: Path) -> None:
    docs = mapped_project / "docs"
    result = run_cli(["lint", "--strict", str(docs), "--format", "json"])
    document = json.loads(result.stdout)
    paths = sorted(Path(e["path"]).relative_to(docs).as_posix() for e in document["files"])
    assert paths == ["adr/0001-postgres.md", "adr/old/0000-mysql.md", "specs/ledger.md"]
    assert all(entry["findings"] == [] for entry in document["files"]), document
    assert result.exit_code == 0


def test_a_spec_outside_the_mapped_directory_does_not_get_the_adr_template(
    mapped_project: Path,
) -> None:
    stray = _write(mapped_project / "docs" / "specs" / "stray-adr.md", ADR_CLEAN)
    assert _lint(stray) == {"TS001"}


def test_a_spec_inside_the_mapped_directory_is_judged_by_the_adr_template(
    mapped_project: Path,
) -> None:
    misplaced = clean_spec(mapped_project / "docs" / "adr", "ledger.md")
    found = _lint(misplaced)
    assert "TS100" in found  # its title is not "ADR: ..."
    assert "TS101" in found  # and Context, Decision, Consequences are missing


def test_a_mapping_without_a_trailing_slash_works_the_same(tmp_path: Path) -> None:
    _write(tmp_path / "templates" / "adr.md", ADR_TEMPLATE)
    _write(tmp_path / "techspec.toml", '[templates]\n"docs/adr" = "templates/adr.md"\n')
    adr = _write(tmp_path / "docs" / "adr" / "1.md", ADR_CLEAN)
    sibling = _write(tmp_path / "docs" / "adrs" / "1.md", ADR_CLEAN)
    assert _lint(adr) == set()
    assert _lint(sibling) == {"TS001"}


def test_the_longest_mapped_prefix_wins(tmp_path: Path) -> None:
    _write(tmp_path / "templates" / "adr.md", ADR_TEMPLATE)
    _write(tmp_path / "templates" / "rfc.md", ADR_TEMPLATE.replace("# ADR:", "# RFC:"))
    _write(
        tmp_path / "techspec.toml",
        '[templates]\n"docs/" = "templates/rfc.md"\n"docs/adr/" = "templates/adr.md"\n',
    )
    adr = _write(tmp_path / "docs" / "adr" / "1.md", ADR_CLEAN)
    rfc = _write(tmp_path / "docs" / "rfc" / "1.md", ADR_CLEAN.replace("# ADR:", "# RFC:"))
    assert _lint(adr, rfc) == set()


def test_new_in_a_mapped_directory_scaffolds_from_its_template(mapped_project: Path) -> None:
    adr_dir = mapped_project / "docs" / "adr"
    result = run_cli(["new", "Event Sourcing", "--author", "Bob", "--dir", str(adr_dir)])
    assert result.exit_code == 0
    path = Path(result.stdout.strip())
    assert path == adr_dir / "0002-event-sourcing.md"
    text = path.read_text("utf-8")
    assert text.startswith("# ADR: Event Sourcing\n")
    assert "**Status**: Proposed\n" in text
    assert run_cli(["lint", str(path)]).exit_code == 0


# -- bad configuration -----------------------------------------------------------------


BAD_CONFIGS: dict[str, tuple[str, str, str]] = {
    # case: (file name, content, words in the error)
    "unknown key": ("techspec.toml", 'selekt = ["TS101"]\n', "selekt"),
    "unknown key in pyproject": (
        "pyproject.toml",
        '[tool.techspec]\nignroe = ["TS205"]\n',
        "ignroe",
    ),
    "select is a number": ("techspec.toml", "select = 1\n", "'select'"),
    "ignore has a number": ("techspec.toml", 'ignore = ["TS101", 2]\n', "'ignore'"),
    "template is a list": ("techspec.toml", 'template = ["a.md"]\n', "'template'"),
    "template is empty": ("techspec.toml", 'template = ""\n', "'template'"),
    "templates is a string": ("techspec.toml", 'templates = "adr.md"\n', "'templates'"),
    "per-file-ignores is a list": (
        "techspec.toml",
        'per-file-ignores = ["legacy/*"]\n',
        "'per-file-ignores'",
    ),
    "per-file-ignores value is a number": (
        "techspec.toml",
        '[per-file-ignores]\n"legacy/*" = 5\n',
        "per-file-ignores",
    ),
    "unknown rule in select": ("techspec.toml", 'select = ["TS10l"]\n', "'TS10l'"),
    "unknown rule in per-file-ignores": (
        "techspec.toml",
        '[per-file-ignores]\n"legacy/*" = ["placeholdr"]\n',
        "'placeholdr'",
    ),
    "tool.techspec is not a table": ("pyproject.toml", "[tool]\ntechspec = 1\n", "table"),
    "tool is not a table": ("pyproject.toml", 'tool = "x"\n', "table"),
    "invalid TOML": ("techspec.toml", 'select = ["TS101"\n', "cannot read configuration"),
    "invalid TOML in pyproject": ("pyproject.toml", "[tool.techspec\n", "cannot read"),
    "not UTF-8": ("techspec.toml", "", "cannot read configuration"),
}


@pytest.mark.parametrize("case", list(BAD_CONFIGS), ids=list(BAD_CONFIGS))
def test_bad_configuration_exits_2_naming_the_configuration_file(case: str, tmp_path: Path) -> None:
    name, content, words = BAD_CONFIGS[case]
    config = tmp_path / "project" / name
    config.parent.mkdir(parents=True)
    if case == "not UTF-8":
        config.write_bytes(b'select = ["TS10\xe9"]\n')
    else:
        config.write_text(content, encoding="utf-8")
    spec = clean_spec(tmp_path / "project" / "docs")
    elsewhere = _broken_draft(tmp_path / "elsewhere")
    result = run_cli(["lint", str(spec), str(elsewhere)])
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert line.startswith(f"techspec: {config.resolve()}: ") or line.startswith(
        f"techspec: {config}: "
    ), line
    assert words in line
    # Files outside the bad configuration's reach are still linted.
    assert rules_in(result.stdout) == {"TS101", "TS205"}


def test_bad_configuration_is_reported_once_however_many_specs_it_governs(
    tmp_path: Path,
) -> None:
    _write(tmp_path / "project" / "techspec.toml", "selekt = []\n")
    for name in ("a.md", "b.md", "c.md"):
        clean_spec(tmp_path / "project" / "docs", name)
    result = run_cli(["lint", str(tmp_path / "project" / "docs")])
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert "selekt" in line


def test_a_missing_configured_template_is_reported_once(tmp_path: Path) -> None:
    _write(tmp_path / "techspec.toml", 'template = "templates/gone.md"\n')
    first = clean_spec(tmp_path / "docs", "a.md")
    second = clean_spec(tmp_path / "docs", "b.md")
    result = run_cli(["lint", str(first), str(second)])
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert "gone.md" in line


def test_bad_configuration_through_the_real_executable_has_no_traceback(tmp_path: Path) -> None:
    _write(tmp_path / "techspec.toml", "select = [\n")
    spec = clean_spec(tmp_path / "docs")
    result = run_process(["lint", str(spec)])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    [line] = stderr_lines(result)
    assert "techspec.toml" in line


def test_bad_configuration_also_stops_new(tmp_path: Path) -> None:
    _write(tmp_path / "techspec.toml", "colour = 'blue'\n")
    result = run_cli(["new", "X", "--author", "A", "--dir", str(tmp_path / "specs")])
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert "techspec.toml" in line
    assert "colour" in line


def test_a_configured_template_that_does_not_exist_names_the_template(tmp_path: Path) -> None:
    _write(tmp_path / "project" / "techspec.toml", 'template = "templates/missing.md"\n')
    spec = clean_spec(tmp_path / "project")
    elsewhere = _broken_draft(tmp_path / "elsewhere")
    result = run_cli(["lint", str(spec), str(elsewhere)])
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert str(tmp_path / "project" / "templates" / "missing.md") in line
    assert rules_in(result.stdout) == {"TS101", "TS205"}


def test_a_configured_template_that_is_not_a_template_names_the_template(tmp_path: Path) -> None:
    _write(tmp_path / "templates" / "adr.md", "Just words, no headings.\n")
    _write(tmp_path / "techspec.toml", 'template = "templates/adr.md"\n')
    spec = clean_spec(tmp_path / "docs")
    result = run_cli(["lint", str(spec)])
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert "adr.md" in line
    assert "not a template" in line
