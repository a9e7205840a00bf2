"""``techspec render FILE``: where the page goes, standard input, errors and exit codes,
and what the command does not load."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest_cli import ADR_CLEAN, ADR_TEMPLATE, modules_loaded_by, run_cli, stderr_lines
from html_dom import LEDGER, REINDEX, dom
from techspec.document.parser import parse
from techspec.lint.template import Template


def test_render_writes_a_standalone_html_file(tmp_path: Path) -> None:
    out = tmp_path / "ledger.html"
    result = run_cli(["render", str(LEDGER), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert dom(page).find("title").text == parse(LEDGER.read_text("utf-8")).title


def test_render_writes_html_to_standard_output_by_default() -> None:
    result = run_cli(["render", str(REINDEX)])
    assert result.exit_code == 0
    assert dom(result.stdout).find("span", "badge").text == "Draft"


def test_render_writes_a_pdf_file(tmp_path: Path) -> None:
    out = tmp_path / "reindex.pdf"
    result = run_cli(["render", str(REINDEX), "--format", "pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Search Reindexing Job" in PdfReader(out).pages[0].extract_text()


def test_render_reads_standard_input_for_a_dash() -> None:
    result = run_cli(["render", "-"], stdin=REINDEX.read_bytes())
    assert result.exit_code == 0, result.output
    page = dom(result.stdout)
    assert page.find("h1", "spec-title").text == "Search Reindexing Job"
    assert "from" not in page.find("footer").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"# Technical Specification: X\n\xff\xfe\n", "not UTF-8 text: invalid byte 0xff"),
        (b" \n\n", "empty file: nothing to lint"),
        (b"# T\n\0\0", "binary file (contains NUL bytes), not Markdown"),
    ],
    ids=["invalid-utf8", "empty", "binary"],
)
def test_render_checks_standard_input_like_a_file(data: bytes, message: str) -> None:
    result = run_cli(["render", "-"], stdin=data)
    assert result.exit_code == 2
    lines = stderr_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"techspec: -: {message}"), lines
    assert result.stdout == ""


def test_render_help_names_both_kinds_of_argument_and_the_dash() -> None:
    result = run_cli(["render", "--help"])
    assert result.exit_code == 0
    assert "render [OPTIONS] SPEC|FILE\n" in result.stdout
    assert "- for standard input" in result.stdout
    assert "--revision" in result.stdout and "--db" in result.stdout


def test_render_of_a_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    result = run_cli(["render", str(missing), "-o", str(tmp_path / "out.html")])
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"techspec: {missing}: no such file or directory"]
    assert not (tmp_path / "out.html").exists()


def test_render_rejects_an_unknown_format_as_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["render", str(LEDGER), "--format", "docx", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr
    assert not (tmp_path / "x").exists()


def test_render_reports_an_output_it_cannot_write(tmp_path: Path) -> None:
    out = tmp_path / "no-such-dir" / "out.html"
    result = run_cli(["render", str(LEDGER), "-o", str(out)])
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"techspec: {out}: cannot write the HTML: No such file or directory"
    ]


def test_render_lints_against_the_template_option(tmp_path: Path) -> None:
    template, spec = tmp_path / "adr-template.md", tmp_path / "adr.md"
    template.write_text(ADR_TEMPLATE, encoding="utf-8")
    spec.write_text(ADR_CLEAN, encoding="utf-8")
    with_adr = run_cli(["render", str(spec), "--template", str(template)])
    builtin = run_cli(["render", str(spec)])
    assert with_adr.exit_code == builtin.exit_code == 0
    assert dom(with_adr.stdout).find("p", "clean").text.startswith("No findings")
    assert dom(builtin.stdout).find("span", "count-error").text != "0 errors"
    kicker = dom(with_adr.stdout).find("p", "kicker").text
    assert kicker == Template.from_markdown(ADR_TEMPLATE).title.partition(":")[0]


def test_the_version_flag_does_not_load_the_renderer() -> None:
    assert modules_loaded_by(["--version"], ["markdown_it", "nh3", "weasyprint"]) == []


def test_rendering_a_file_does_not_load_the_store(tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    args = ["render", str(LEDGER), "-o", str(out)]
    assert modules_loaded_by(args, ["sqlalchemy", "techspec.store"]) == []
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
