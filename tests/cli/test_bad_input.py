"""Bad input: one clear line on stderr naming the file and the problem, exit status 2,
no traceback, and every other file of the same run still linted and reported."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest_cli import (
    finding_lines,
    rules_in,
    run_cli,
    run_process,
    spec_without_scope,
    stderr_lines,
)

MiB = 1024 * 1024


@dataclass(frozen=True)
class Bad:
    """A bad input: how to make it (returns the path to give), and words the error has."""

    make: Callable[[Path], Path]
    words: str


def _missing(tmp: Path) -> Path:
    return tmp / "does-not-exist.md"


def _empty_directory(tmp: Path) -> Path:
    path = tmp / "empty-dir"
    path.mkdir()
    (path / "notes.txt").write_text("not markdown\n", encoding="utf-8")
    return path


def _directory_without_specs(tmp: Path) -> Path:
    path = tmp / "no-specs"
    path.mkdir(parents=True)
    (path / "README.md").write_text("# Read me\n\nNothing to see.\n", encoding="utf-8")
    (path / "CHANGELOG.md").write_text("# Changelog\n\n## 1.0\n\n- First.\n", encoding="utf-8")
    return path


def _latin1(tmp: Path) -> Path:
    path = tmp / "latin1.md"
    path.write_bytes("# Technical Specification: Café\n\n**Author**: Zoë\n".encode("latin-1"))
    return path


def _binary(tmp: Path) -> Path:
    path = tmp / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return path


def _empty_file(tmp: Path) -> Path:
    path = tmp / "empty.md"
    path.write_bytes(b"")
    return path


def _blank_file(tmp: Path) -> Path:
    path = tmp / "blank.md"
    path.write_bytes(b"\xef\xbb\xbf \n\r\n\t\n")
    return path


def _huge_sparse(tmp: Path) -> Path:
    path = tmp / "huge.md"
    with path.open("wb") as handle:
        handle.write(b"# Technical Specification: Huge\n")
        handle.truncate(50 * 1024 * 1024)
    return path


def _huge_written(tmp: Path) -> Path:
    path = tmp / "written.md"
    line = b"- a line of a very long list in a far too large spec\n"
    with path.open("wb") as handle:
        handle.write(b"# Technical Specification: Huge\n\n## Scope\n\n")
        handle.write(line * (11 * MiB // len(line)))
    return path


def _broken_symlink(tmp: Path) -> Path:
    path = tmp / "dangling.md"
    path.symlink_to(tmp / "gone.md")
    return path


def _bad_file_in_directory(tmp: Path) -> Path:
    """A directory whose one spec-named file is latin-1: the error names that file."""
    directory = tmp / "dir-with-bad-file"
    directory.mkdir()
    (directory / "spec.md").write_bytes(b"# Technical Specification: Caf\xe9\n")
    return directory / "spec.md"


BAD: dict[str, Bad] = {
    "missing path": Bad(_missing, "no such file or directory"),
    "directory without Markdown": Bad(_empty_directory, "no Markdown files"),
    "directory without specs": Bad(_directory_without_specs, "no specs found"),
    "latin-1 file": Bad(_latin1, "not UTF-8"),
    "binary file": Bad(_binary, "binary file"),
    "empty file": Bad(_empty_file, "empty file"),
    "blank file": Bad(_blank_file, "empty file"),
    "50 MB sparse file": Bad(_huge_sparse, "10 MiB limit"),
    "11 MiB written file": Bad(_huge_written, "10 MiB limit"),
    "dangling symlink": Bad(_broken_symlink, "no such file or directory"),
}


@pytest.fixture
def other(tmp_path: Path) -> tuple[Path, int]:
    """A good spec with one error (no ``## Scope``), given in the same run as the bad input."""
    return spec_without_scope(tmp_path, "other.md")


def _assert_one_clear_line(stderr: str, path: Path, words: str) -> None:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"techspec: {path}: "), lines[0]
    assert words in lines[0]


def _assert_other_linted(stdout: str, other: tuple[Path, int]) -> None:
    path, line = other
    assert f"{path}:{line}:1: TS101/missing-section error" in stdout


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_one_line_exit_2_and_the_other_file_is_still_linted(
    case: str, tmp_path: Path, other: tuple[Path, int]
) -> None:
    bad = BAD[case]
    path = bad.make(tmp_path)
    for order in ([str(path), str(other[0])], [str(other[0]), str(path)]):
        result = run_cli(["lint", *order])
        assert result.exit_code == 2
        _assert_one_clear_line(result.stderr, path, bad.words)
        _assert_other_linted(result.stdout, other)


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_through_the_real_executable_has_no_traceback(
    case: str, tmp_path: Path, other: tuple[Path, int]
) -> None:
    bad = BAD[case]
    path = bad.make(tmp_path)
    result = run_process(["lint", str(path), str(other[0])])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, path, bad.words)
    _assert_other_linted(result.stdout, other)


def test_a_bad_file_found_in_a_directory_is_named(tmp_path: Path, other: tuple[Path, int]) -> None:
    bad = _bad_file_in_directory(tmp_path)
    result = run_cli(["lint", str(bad.parent), str(other[0])])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, bad, "not UTF-8")
    _assert_other_linted(result.stdout, other)


def test_the_not_utf8_error_gives_the_line_and_column_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "late.md"
    path.write_bytes(b"# Technical Specification: X\n\n**Author**: Zo\xeb\n")
    result = run_cli(["lint", str(path)])
    assert stderr_lines(result) == [
        f"techspec: {path}: not UTF-8 text: invalid byte 0xeb at line 3, column 15"
    ]


def test_a_directory_of_specs_is_still_linted_next_to_a_directory_without_specs(
    tmp_path: Path,
) -> None:
    empty = _directory_without_specs(tmp_path)
    specs = tmp_path / "specs"
    _, line = spec_without_scope(specs, "ledger.md")
    result = run_cli(["lint", str(specs), str(empty)])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, empty, "no specs found")
    assert f"{specs / 'ledger.md'}:{line}:1: TS101" in result.stdout


def test_each_directory_without_specs_gets_its_own_line(tmp_path: Path) -> None:
    first = _directory_without_specs(tmp_path / "a")
    second = _directory_without_specs(tmp_path / "b")
    result = run_cli(["lint", str(first), str(second)])
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"techspec: {first}: no specs found (no file's title matches the template; "
        "2 Markdown files skipped: --verbose names them, --all-files lints them)",
        f"techspec: {second}: no specs found (no file's title matches the template; "
        "2 Markdown files skipped: --verbose names them, --all-files lints them)",
    ]


def test_a_device_that_never_ends_is_refused_by_size_not_read_forever(
    other: tuple[Path, int],
) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    result = run_process(["lint", "/dev/zero", str(other[0])])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, Path("/dev/zero"), "10 MiB limit")
    _assert_other_linted(result.stdout, other)


def test_empty_standard_input_is_one_clear_error(other: tuple[Path, int]) -> None:
    result = run_cli(["lint", "-", str(other[0])], stdin=b"")
    assert result.exit_code == 2
    assert stderr_lines(result) == ["techspec: -: empty file: nothing to lint"]
    _assert_other_linted(result.stdout, other)


def test_binary_standard_input_is_one_clear_error() -> None:
    result = run_process(["lint", "-"], stdin=b"\x00\x01\x02binary")
    assert result.exit_code == 2
    assert stderr_lines(result) == ["techspec: -: binary file (contains NUL bytes), not Markdown"]


def test_the_json_report_still_lists_the_good_files_when_one_is_bad(
    tmp_path: Path, other: tuple[Path, int]
) -> None:
    bad = _latin1(tmp_path)
    result = run_cli(["lint", "--format", "json", str(bad), str(other[0])])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert [entry["path"] for entry in document["files"]] == [str(other[0])]
    assert document["summary"]["errors"] == 1


# -- templates -------------------------------------------------------------------------


def test_a_template_without_headings_is_one_clear_error(
    tmp_path: Path, other: tuple[Path, int]
) -> None:
    template = tmp_path / "not-a-template.md"
    template.write_text("Just a paragraph of text, no headings at all.\n", encoding="utf-8")
    result = run_process(["lint", "--template", str(template), str(other[0])])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, template, "not a template")


def test_a_template_with_a_title_but_no_sections_is_one_clear_error(
    tmp_path: Path, other: tuple[Path, int]
) -> None:
    template = tmp_path / "title-only.md"
    template.write_text("# Design Doc: [Name]\n\nWrite here.\n", encoding="utf-8")
    result = run_cli(["lint", "--template", str(template), str(other[0])])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, template, "not a template")


def test_a_template_path_that_does_not_exist_is_one_clear_error(
    tmp_path: Path, other: tuple[Path, int]
) -> None:
    template = tmp_path / "templates" / "missing.md"
    result = run_process(["lint", "--template", str(template), str(other[0])])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, template, "no such file")


def test_a_template_that_is_a_directory_is_one_clear_error(
    tmp_path: Path, other: tuple[Path, int]
) -> None:
    result = run_cli(["lint", "--template", str(tmp_path), str(other[0])])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, tmp_path, "directory")


def test_a_binary_template_is_one_clear_error(tmp_path: Path, other: tuple[Path, int]) -> None:
    template = tmp_path / "template.md"
    template.write_bytes(b"# T\x00\x00\x00")
    result = run_cli(["lint", "--template", str(template), str(other[0])])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, template, "binary")


# -- not a spec is a finding, not an input error ---------------------------------------


def test_a_text_file_that_is_not_a_spec_given_explicitly_is_a_ts001_finding(
    tmp_path: Path, other: tuple[Path, int]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Shopping list:\n\n- milk\n- eggs\n", encoding="utf-8")
    result = run_process(["lint", str(notes), str(other[0])])
    assert result.exit_code == 1
    assert result.stderr == ""
    [finding] = [m for m in finding_lines(result.stdout) if m["path"] == str(notes)]
    assert (finding["rule"], finding["name"], finding["severity"]) == (
        "TS001",
        "not-a-spec",
        "error",
    )
    _assert_other_linted(result.stdout, other)


def test_a_not_a_spec_finding_is_the_only_finding_for_that_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Meeting notes\n\n## Attendees\n\n- Ada\n", encoding="utf-8")
    result = run_cli(["lint", str(notes)])
    assert rules_in(result.stdout) == {"TS001"}
    assert len(finding_lines(result.stdout)) == 1
    assert result.exit_code == 1


# -- new and show ----------------------------------------------------------------------


def test_new_into_a_path_that_is_a_file_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "specs"
    blocker.write_text("a file, not a directory\n", encoding="utf-8")
    result = run_process(["new", "Payments Ledger", "--author", "Ada", "--dir", str(blocker)])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, blocker, "not a directory")
    assert blocker.read_text("utf-8") == "a file, not a directory\n"


def test_new_with_a_template_that_is_not_a_template_is_one_clear_error(tmp_path: Path) -> None:
    template = tmp_path / "plain.md"
    template.write_text("no headings\n", encoding="utf-8")
    result = run_cli(
        ["new", "X", "--author", "A", "--dir", str(tmp_path / "d"), "--template", str(template)]
    )
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, template, "not a template")
    assert not (tmp_path / "d").exists()


def test_show_a_latin1_file_is_one_clear_error(tmp_path: Path) -> None:
    path = _latin1(tmp_path)
    result = run_process(["show", str(path)])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, path, "not UTF-8")
    assert result.stdout == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_one_clear_error(tmp_path: Path, other: tuple[Path, int]) -> None:
    path = tmp_path / "secret.md"
    path.write_text("# Technical Specification: Secret\n", encoding="utf-8")
    path.chmod(0)
    result = run_cli(["lint", str(path), str(other[0])])
    assert result.exit_code == 2
    _assert_one_clear_line(result.stderr, path, "permission denied")
    _assert_other_linted(result.stdout, other)
