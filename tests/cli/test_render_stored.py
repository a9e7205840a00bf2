"""``techspec render SPEC``: a stored spec's revision as a page, from a real SQLite store.

Specs get into the store the way users put them there, with ``techspec import``; the
page is then rendered from the store, not from the file (which some tests delete).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest_cli import ADR_CLEAN, ADR_TEMPLATE, run_cli, stderr_lines
from html_dom import LEDGER, REINDEX, Element, dom

ADDED = "A sentence added in the second revision."


def db_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'techspec.db'}"


def store_ledger(directory: Path, *, revisions: int = 1) -> str:
    """Import the ledger example as spec ``ledger`` (r2 adds a sentence, and r3 is the
    workflow's: the approvals went stale), then delete the file: whatever renders
    afterwards came from the store."""
    url = db_url(directory)
    spec = directory / "ledger.md"
    spec.write_text(LEDGER.read_text("utf-8"), encoding="utf-8")
    assert run_cli(["import", str(spec), "--db", url]).exit_code == 0
    if revisions == 2:
        edited = spec.read_text("utf-8").replace(
            "## Executive Summary\n\n", f"## Executive Summary\n\n{ADDED}\n\n", 1
        )
        spec.write_text(edited, encoding="utf-8")
        assert "revised   ledger r3" in run_cli(["import", str(spec), "--db", url]).stdout
    spec.unlink()
    return url


def render_stored(url: str, out: Path, *args: str) -> Element:
    result = run_cli(["render", *args, "-o", str(out), "--db", url])
    assert result.exit_code == 0, result.output
    return dom(out.read_text("utf-8"))


# -- the page --------------------------------------------------------------------------


def test_a_stored_spec_renders_its_title_status_and_name(tmp_path: Path) -> None:
    url = store_ledger(tmp_path)
    page = render_stored(url, tmp_path / "out.html", "ledger")
    assert page.find("title").text == "Technical Specification: Payments Ledger Service"
    assert page.find("h1", "spec-title").text == "Payments Ledger Service"
    assert page.find("span", "badge").text == "Approved"
    assert page.find("footer").text.endswith(" from ledger r1.")


def test_a_stored_spec_renders_its_current_revision_by_default(tmp_path: Path) -> None:
    url = store_ledger(tmp_path, revisions=2)
    page = render_stored(url, tmp_path / "out.html", "ledger")
    assert ADDED in page.find("article", "spec-body").text
    assert page.find("span", "badge").text == "Review"  # the store sent the edit back
    assert page.find("footer").text.endswith(" from ledger r3.")


def test_revision_renders_an_older_revision_of_a_stored_spec(tmp_path: Path) -> None:
    url = store_ledger(tmp_path, revisions=2)
    page = render_stored(url, tmp_path / "out.html", "ledger", "--revision", "1")
    assert ADDED not in page.find("article", "spec-body").text
    assert page.find("span", "badge").text == "Approved"
    assert page.find("footer").text.endswith(" from ledger r1.")


def test_a_stored_spec_can_be_named_by_its_id(tmp_path: Path) -> None:
    url = store_ledger(tmp_path)
    page = render_stored(url, tmp_path / "out.html", "#1")
    assert page.find("footer").text.endswith(" from ledger r1.")


def test_a_stored_spec_is_linted_against_the_template_stored_with_it(tmp_path: Path) -> None:
    url, template = db_url(tmp_path), tmp_path / "adr-template.md"
    template.write_text(ADR_TEMPLATE, encoding="utf-8")
    (tmp_path / "adr.md").write_text(ADR_CLEAN, encoding="utf-8")
    imported = run_cli(
        ["import", str(tmp_path / "adr.md"), "--template", str(template), "--db", url]
    )
    assert imported.exit_code == 0, imported.output
    stored = render_stored(url, tmp_path / "stored.html", "adr")
    assert stored.find("p", "kicker").text == "ADR"
    assert stored.find("p", "clean").text.startswith("No findings")
    as_file = dom(run_cli(["render", str(tmp_path / "adr.md")]).stdout)
    assert as_file.find("span", "count-error").text != "0 errors"


def test_the_database_comes_from_the_environment_like_other_store_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TECHSPEC_DATABASE_URL", store_ledger(tmp_path))
    result = run_cli(["render", "ledger"])
    assert result.exit_code == 0, result.output
    assert dom(result.stdout).find("footer").text.endswith(" from ledger r1.")


def test_an_existing_file_wins_over_a_stored_spec_of_the_same_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = store_ledger(tmp_path)
    monkeypatch.chdir(tmp_path)
    Path("ledger").write_text(REINDEX.read_text("utf-8"), encoding="utf-8")
    page = render_stored(url, tmp_path / "out.html", "ledger")
    assert page.find("h1", "spec-title").text == "Search Reindexing Job"
    assert page.find("footer").text.endswith(" from ledger.")


# -- errors ----------------------------------------------------------------------------


def test_a_name_that_is_neither_a_file_nor_a_stored_spec_exits_2_with_one_line(
    tmp_path: Path,
) -> None:
    url = store_ledger(tmp_path)
    result = run_cli(["render", "nope", "-o", str(tmp_path / "out.html"), "--db", url])
    assert result.exit_code == 2
    assert stderr_lines(result) == ["techspec: no file or stored spec named 'nope'"]
    assert not (tmp_path / "out.html").exists()


def test_a_missing_sqlite_database_is_reported_and_not_created(tmp_path: Path) -> None:
    url = db_url(tmp_path)
    result = run_cli(["render", "nope", "--db", url])
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"techspec: no file or stored spec named 'nope' (no database at {url})"
    ]
    assert not (tmp_path / "techspec.db").exists()


def test_a_path_with_a_slash_is_always_a_file(tmp_path: Path) -> None:
    url = store_ledger(tmp_path)
    missing = tmp_path / "ledger"
    result = run_cli(["render", str(missing), "--db", url])
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"techspec: {missing}: no such file or directory"]


def test_a_revision_the_spec_does_not_have_exits_2_with_one_line(tmp_path: Path) -> None:
    url = store_ledger(tmp_path, revisions=2)
    result = run_cli(["render", "ledger", "--revision", "9", "--db", url])
    assert result.exit_code == 2
    assert stderr_lines(result) == ["techspec: spec 'ledger' has no revision 9 (it has 1 to 3)"]


def test_revision_with_a_file_is_a_usage_error() -> None:
    result = run_cli(["render", str(LEDGER), "--revision", "1"])
    assert result.exit_code == 2
    assert stderr_lines(result) == ["techspec: --revision is for a stored spec, not a file"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://host/db", "invalid database URL 'mysql://host/db'"),
        ("NOT-A-DATABASE", "database error: file is not a database"),
    ],
    ids=["unsupported-url", "not-a-database"],
)
def test_a_database_that_cannot_be_opened_exits_2_with_one_line(
    tmp_path: Path, url: str, message: str
) -> None:
    if url == "NOT-A-DATABASE":
        (tmp_path / "techspec.db").write_bytes(b"this is not SQLite, " * 20)
        url = db_url(tmp_path)
    result = run_cli(["render", "ledger", "--db", url])
    assert result.exit_code == 2
    lines = stderr_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"techspec: {message}"), lines


# -- PDF -------------------------------------------------------------------------------


def test_a_stored_spec_renders_as_a_pdf_with_its_title(tmp_path: Path) -> None:
    url, out = store_ledger(tmp_path), tmp_path / "ledger.pdf"
    result = run_cli(["render", "ledger", "--format", "pdf", "-o", str(out), "--db", url])
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert "Payments Ledger Service" in reader.pages[0].extract_text()
    assert reader.metadata is not None
    assert reader.metadata.title == "Technical Specification: Payments Ledger Service"
