"""Templates in the styles teams publish, with documents written from them.

Each directory under ``tests/fixtures/templates/`` holds a ``template.md`` in one style
(a KEP-like proposal, a Rust-RFC-like one with no title and a list of fields, a MADR-like
decision record with front matter and curly placeholders, an arc42-like architecture
document with an empty title and escaped angle placeholders, a design note with a setext
title and bold fields), and documents written from it, each with the findings it must
get beside it in ``techspec lint --format concise`` form (``NAME.expected.txt``; empty:
clean).  Every template's own unfilled copy (``unfilled.md``) must never be clean.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest_cli import run_cli

FIXTURES = Path(__file__).parents[1] / "fixtures" / "templates"
DOCUMENTS = sorted(path for path in FIXTURES.glob("*/*.md") if path.name != "template.md")


def _lint(document: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(document.parent)  # the findings name the document as it is given
    template = str(
        document.parent / "template.md"
    )  # absolute: compiled templates are cached by path
    result = run_cli(["lint", "--template", template, "--format", "concise", document.name])
    return result.exit_code, result.stdout


@pytest.mark.parametrize(
    "document", DOCUMENTS, ids=[f"{p.parent.name}/{p.stem}" for p in DOCUMENTS]
)
def test_a_document_gets_exactly_the_findings_beside_it(
    document: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = document.with_name(document.stem + ".expected.txt").read_text("utf-8")
    code, output = _lint(document, monkeypatch)
    assert output == expected
    errors = any(line.split(" ")[1] in _ERROR_RULES for line in expected.splitlines())
    assert code == (1 if errors else 0)


_ERROR_RULES = {"TS001", "TS100", "TS101", "TS201", "TS202", "TS203", "TS204", "TS304"}


def test_every_style_has_a_filled_document_that_is_clean_and_an_unfilled_one_that_is_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    styles = sorted(path for path in FIXTURES.iterdir() if path.is_dir())
    assert len(styles) >= 5
    for style in styles:
        assert _lint(style / "filled.md", monkeypatch) == (0, "")
        _, output = _lint(style / "unfilled.md", monkeypatch)
        assert (style / "unfilled.md").read_text("utf-8") == (style / "template.md").read_text(
            "utf-8"
        )
        assert output.count("\n") >= 2, f"{style.name}: an unfilled copy came out clean"


def test_a_directory_of_documents_from_a_template_with_a_free_title_skips_the_readme(
    tmp_path: Path,
) -> None:
    """With ``{short title}`` any title would do: files are recognised by their sections and
    metadata, so the decision records are linted and the README beside them is not."""
    style = FIXTURES / "madr"
    (tmp_path / "0001-audit.md").write_text((style / "filled.md").read_text("utf-8"), "utf-8")
    (tmp_path / "0002-keys.md").write_text((style / "half-done.md").read_text("utf-8"), "utf-8")
    (tmp_path / "README.md").write_text("# Decisions\n\nOne file per decision.\n", "utf-8")
    result = run_cli(
        ["lint", "--template", str(style / "template.md"), "--format", "concise", str(tmp_path)]
    )
    linted = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert linted == {str(tmp_path / "0002-keys.md")}
    assert "README.md" not in result.stdout
    assert result.exit_code == 1
