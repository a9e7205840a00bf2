"""``techspec lint`` through the real command line (``show``, ``rules`` and ``--version``
are in ``test_cli_show_rules``)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path

import pytest

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


def test_skipped_files_are_counted_but_not_named_without_verbose(tree: Path) -> None:
    result = run_cli(["lint", str(tree)])
    assert "README.md" not in result.stdout + result.stderr
    assert stderr_lines(result) == [
        "techspec: skipped 1 Markdown file whose title is not the template's "
        "(--verbose names them, --all-files lints them)",
        "techspec: skipped 1 hidden directory (--verbose names them)",
    ]


def test_verbose_names_each_skipped_file_on_stderr_only(tree: Path) -> None:
    result = run_cli(["lint", "-v", str(tree)])
    skipped = [line for line in stderr_lines(result) if "skipped" in line]
    assert len(skipped) == 2
    assert str(tree / "README.md") in skipped[0]
    assert "Technical Specification" in skipped[0]
    assert (
        skipped[1] == f"techspec: skipped directory {tree / '.hidden'}: hidden (name it to lint it)"
    )
    assert "README.md" not in result.stdout


def test_a_hidden_directory_named_on_the_command_line_is_linted(tree: Path) -> None:
    result = run_cli(["lint", str(tree / ".hidden"), "--format", "json"])
    [entry] = json.loads(result.stdout)["files"]
    assert Path(entry["path"]).name == "0001-hidden-thing.md"
    assert result.stderr == ""


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
