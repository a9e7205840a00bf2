"""``techspec new``: NNNN-slug.md from the template with today's date, Status Draft, the
author and the first Document History row filled in; never overwriting anything."""

from __future__ import annotations

import os
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest

from conftest_cli import (
    ADR_TEMPLATE,
    VENV_BIN,
    finding_lines,
    run_cli,
    run_process,
    stderr_lines,
    today,
)
from techspec.authoring import scaffold
from techspec.errors import InputError
from techspec.lint.template import builtin_template

TEMPLATE_TEXT = files("techspec").joinpath("templates/technical-spec.md").read_text("utf-8")


def _new(directory: Path, title: str = "Payments Ledger", *extra: str) -> Path:
    result = run_cli(["new", title, "--author", "Ada", "--dir", str(directory), *extra])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path.is_file()
    return path


def _history_rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    start = lines.index("**Document History**")
    rows = [line for line in lines[start:] if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def _field(text: str, key: str) -> str:
    prefix = f"**{key}**: "
    [line] = [line for line in text.splitlines() if line.startswith(prefix)]
    return line[len(prefix) :].removesuffix("\\")


# -- the file name ---------------------------------------------------------------------


def test_new_writes_0001_slug_md_in_the_directory_and_prints_its_path(tmp_path: Path) -> None:
    result = run_cli(["new", "Payments Ledger", "--author", "Ada", "--dir", str(tmp_path)])
    assert result.exit_code == 0
    assert result.stdout == f"{tmp_path / '0001-payments-ledger.md'}\n"
    assert (tmp_path / "0001-payments-ledger.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0001-payments-ledger.md"]


def test_the_next_call_writes_0002(tmp_path: Path) -> None:
    first = _new(tmp_path)
    second = _new(tmp_path)
    third = _new(tmp_path, "Refund Flow")
    assert [first.name, second.name, third.name] == [
        "0001-payments-ledger.md",
        "0002-payments-ledger.md",
        "0003-refund-flow.md",
    ]


def test_the_number_follows_the_highest_existing_one_not_the_count(tmp_path: Path) -> None:
    (tmp_path / "0007-old-thing.md").write_text("old\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Specs\n", encoding="utf-8")
    (tmp_path / "12-not-four-digits.md").write_text("x\n", encoding="utf-8")
    assert _new(tmp_path).name == "0008-payments-ledger.md"


def test_a_missing_directory_is_created(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "specs" / "2026"
    assert _new(target) == target / "0001-payments-ledger.md"


def test_the_default_directory_is_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(["new", "Payments Ledger", "--author", "Ada"])
    assert result.exit_code == 0
    assert (tmp_path / "0001-payments-ledger.md").is_file()


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Payments Ledger", "payments-ledger"),
        ("  Payments   Ledger  ", "payments-ledger"),
        ("Payments Ledger: v2 (Draft!)", "payments-ledger-v2-draft"),
        ("API/Gateway & Auth", "api-gateway-auth"),
        ("!!!", "spec"),
    ],
)
def test_the_slug_is_lowercase_words_joined_by_hyphens(
    tmp_path: Path, title: str, slug: str
) -> None:
    assert _new(tmp_path, title).name == f"0001-{slug}.md"


def test_a_very_long_title_gets_a_slug_of_at_most_60_characters(tmp_path: Path) -> None:
    title = "A Very Long Title " * 10
    path = _new(tmp_path, title)
    slug = path.stem.removeprefix("0001-")
    assert 0 < len(slug) <= 60
    assert not slug.endswith("-")
    assert path.read_text("utf-8").startswith(f"# Technical Specification: {title.strip()}\n")


def test_an_empty_title_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    result = run_cli(["new", "   ", "--author", "Ada", "--dir", str(tmp_path / "d")])
    assert result.exit_code == 2
    assert stderr_lines(result) == ["techspec: the title must not be empty"]
    assert not (tmp_path / "d").exists()


# -- the content -----------------------------------------------------------------------


def test_the_title_date_status_and_author_are_filled_in(tmp_path: Path) -> None:
    text = _new(tmp_path).read_text("utf-8")
    assert text.splitlines()[0] == "# Technical Specification: Payments Ledger"
    assert _field(text, "Author") == "Ada"
    assert _field(text, "Date") == date.today().isoformat()
    assert _field(text, "Status") == "Draft"
    assert _field(text, "Document Version") == "1.0"


def test_the_first_document_history_row_has_today_and_the_author(tmp_path: Path) -> None:
    text = _new(tmp_path).read_text("utf-8")
    assert _history_rows(text)[0] == ["1.0", today(), "Ada", "Initial version"]


def test_everything_else_is_the_templates_text_unchanged(tmp_path: Path) -> None:
    written = _new(tmp_path).read_text("utf-8").splitlines()
    template = TEMPLATE_TEXT.splitlines()
    assert len(written) == len(template)
    changed = [(t, w) for t, w in zip(template, written, strict=True) if t != w]
    assert [t for t, _ in changed] == [
        "# Technical Specification: [Feature/System Name]",
        "**Author**: [Author Name]\\",
        "**Date**: [YYYY-MM-DD]\\",
        "**Status**: Draft | Review | Approved | Implemented\\",
        "| 1.0     | [Date] | [Author] | Initial version |",
    ]
    # The sign-off table's [Date] cells are left for approval.
    assert sum("[Date]" in line for line in written) == 3


def test_the_new_spec_lints_with_warnings_but_no_errors(tmp_path: Path) -> None:
    path = _new(tmp_path)
    result = run_process(["lint", str(path)])
    found = finding_lines(result.stdout)
    assert found
    assert {m["severity"] for m in found} == {"warning"}
    assert result.exit_code == 0
    assert run_process(["lint", "--strict", str(path)]).exit_code == 1


def test_nothing_is_reported_on_the_lines_new_filled_in(tmp_path: Path) -> None:
    path = _new(tmp_path)
    lines = path.read_text("utf-8").splitlines()
    filled = {
        number
        for number, line in enumerate(lines, 1)
        if line.startswith(("# ", "**Author**", "**Date**", "**Status**", "| 1.0 "))
    }
    assert len(filled) == 5
    reported = {int(m["line"]) for m in finding_lines(run_cli(["lint", str(path)]).stdout)}
    assert reported
    assert not reported & filled


def test_a_title_with_unicode_is_kept_as_written(tmp_path: Path) -> None:
    path = _new(tmp_path, "Café Ledger — Zoë's Edition")
    assert path.read_text("utf-8").splitlines()[0] == (
        "# Technical Specification: Café Ledger — Zoë's Edition"
    )
    assert run_cli(["lint", str(path)]).exit_code == 0


def test_new_with_a_template_option_uses_that_template(tmp_path: Path) -> None:
    template = tmp_path / "adr.md"
    template.write_text(ADR_TEMPLATE, encoding="utf-8")
    path = _new(tmp_path / "adr", "Use Postgres", "--template", str(template))
    text = path.read_text("utf-8")
    assert text.startswith("# ADR: Use Postgres\n")
    assert _field(text, "Status") == "Proposed"
    result = run_cli(["lint", "--template", str(template), str(path)])
    assert {m["severity"] for m in finding_lines(result.stdout)} == {"warning"}
    assert result.exit_code == 0


# -- never overwriting -----------------------------------------------------------------


def test_an_existing_file_with_the_next_name_is_never_overwritten(tmp_path: Path) -> None:
    existing = tmp_path / "0001-payments-ledger.md"
    existing.write_text("my precious notes\n", encoding="utf-8")
    path = _new(tmp_path)
    assert path.name == "0002-payments-ledger.md"
    assert existing.read_text("utf-8") == "my precious notes\n"


def test_write_new_refuses_when_the_chosen_name_already_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If another process takes the name between choosing and writing, nothing is lost."""
    taken = tmp_path / "0001-payments-ledger.md"
    taken.write_text("written a moment ago by someone else\n", encoding="utf-8")
    monkeypatch.setattr(scaffold, "next_path", lambda directory, title: taken)
    with pytest.raises(InputError, match="already exists"):
        scaffold.write_new(tmp_path, builtin_template(), "Payments Ledger", "Ada", date(2026, 1, 2))
    assert taken.read_text("utf-8") == "written a moment ago by someone else\n"


def test_the_cli_reports_a_taken_name_as_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = tmp_path / "0001-payments-ledger.md"
    taken.write_text("theirs\n", encoding="utf-8")
    monkeypatch.setattr(scaffold, "next_path", lambda directory, title: taken)
    result = run_cli(["new", "Payments Ledger", "--author", "Ada", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"techspec: {taken}: already exists; not overwriting"]
    assert taken.read_text("utf-8") == "theirs\n"


# -- the default author ----------------------------------------------------------------


def _env(home: Path, path: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CEILING_DIRECTORIES=str(home.parent),
    )
    if path is not None:
        env["PATH"] = path
    return env


def test_the_author_defaults_to_git_config_user_name(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Grace Hopper\n", encoding="utf-8")
    result = run_process(["new", "Payments Ledger", "--dir", "specs"], cwd=home, env=_env(home))
    assert result.exit_code == 0, result.stderr
    text = (home / "specs" / "0001-payments-ledger.md").read_text("utf-8")
    assert _field(text, "Author") == "Grace Hopper"
    assert _history_rows(text)[0] == ["1.0", today(), "Grace Hopper", "Initial version"]


def test_an_explicit_author_beats_git_config(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Grace Hopper\n", encoding="utf-8")
    result = run_process(
        ["new", "Payments Ledger", "--author", "Ada", "--dir", "specs"], cwd=home, env=_env(home)
    )
    assert result.exit_code == 0, result.stderr
    text = (home / "specs" / "0001-payments-ledger.md").read_text("utf-8")
    assert _field(text, "Author") == "Ada"


@pytest.mark.parametrize("git_on_path", [True, False], ids=["no user.name", "no git at all"])
def test_without_a_git_user_the_author_is_unknown(tmp_path: Path, git_on_path: bool) -> None:
    home = tmp_path / "home"
    home.mkdir()
    path = None if git_on_path else str(VENV_BIN)
    result = run_process(
        ["new", "Payments Ledger", "--dir", "specs"], cwd=home, env=_env(home, path)
    )
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    text = (home / "specs" / "0001-payments-ledger.md").read_text("utf-8")
    assert _field(text, "Author") == "Unknown"


def test_reviewers_are_written_into_the_metadata_when_given() -> None:
    text = scaffold.scaffold(
        builtin_template(), "Rate Limiter", "Ada", date(2026, 1, 2), reviewers="Tom, Pat"
    )
    assert "**Reviewers**: Tom, Pat" in text
    without = scaffold.scaffold(builtin_template(), "Rate Limiter", "Ada", date(2026, 1, 2))
    assert "**Reviewers**: Tom, Pat" not in without
