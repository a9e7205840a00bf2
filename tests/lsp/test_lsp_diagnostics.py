"""The language server publishes the CLI's findings as diagnostics, as you type."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
from lsp_harness import CLEAN, Session, SharedServer, run, session, shared_server
from lsprotocol import types

from techspec.lint.linter import lint_text

BROKEN = re.sub(r"^### Out of Scope\n\n(- .*\n)+\n", "", CLEAN, count=1, flags=re.M).replace(
    "**Date**: 2026-03-02", "**Date**: 2026-13-45"
)
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedServer]:
    """One real server process for this module's tests."""
    yield from shared_server(tmp_path_factory)


def test_opening_a_spec_publishes_the_cli_findings_with_their_codes_and_severities(
    server: SharedServer, tmp_path: Path
) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", BROKEN)
        published = await live.diagnostics(uri)
        expected = [
            (f.rule, SEVERITY[f.severity], f.line - 1, f.message) for f in lint_text(BROKEN)
        ]
        got = [(d.code, d.severity, d.range.start.line, d.message) for d in published]
        assert sorted(got) == sorted(expected)
        assert {code for code, *_ in got} == {"TS101", "TS203"}
        assert all(d.source == "techspec" for d in published)

    server.run(scenario)


def test_each_diagnostic_links_to_its_rule_documentation(
    server: SharedServer, tmp_path: Path
) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", BROKEN)
        published = await live.diagnostics(uri)
        for diagnostic in published:
            assert diagnostic.code_description is not None
            href = urlparse(diagnostic.code_description.href)
            assert href.scheme == "file"
            doc = Path(url2pathname(href.path)).read_text("utf-8")
            assert doc.startswith(f"# {diagnostic.code}/")
            assert "## Fails" in doc and "## Passes" in doc

    server.run(scenario)


def test_an_edit_publishes_the_diagnostics_of_the_new_version(
    server: SharedServer, tmp_path: Path
) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", CLEAN)
        assert await live.diagnostics(uri, 1) == []
        line = CLEAN[: CLEAN.index("**Date**: 2026-03-02")].count("\n")
        where = types.Range(types.Position(line, 10), types.Position(line, 20))
        version = live.change(uri, "2026-02-30", where)
        published = await live.diagnostics(uri, version)
        assert [(d.code, d.range.start.line) for d in published] == [("TS203", line)]

    server.run(scenario)


def test_a_burst_of_edits_is_linted_once_typing_pauses(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with session(debounce_ms=300, cache=tmp_path / "cache") as server:
            uri = server.open(tmp_path / "spec.md", CLEAN)
            await server.diagnostics(uri, 1)
            for letter in "abcde":
                last = server.change(uri, CLEAN.replace("Ada Lovelace", f"Ada {letter}"))
                await asyncio.sleep(0.02)
            final = server.change(uri, BROKEN)
            started = time.monotonic()
            published = await server.diagnostics(uri, final)
            waited = time.monotonic() - started
            await asyncio.sleep(0.5)
            versions = [p.version for p in server.published if p.uri == uri]
        assert last == final - 1
        assert {d.code for d in published} == {"TS101", "TS203"}
        assert waited >= 0.25  # the burst's lint waited for the pause
        assert versions[0] == 1 and versions[-1] == final
        assert len(versions) <= 3  # open, at most the burst's first edit, and the pause

    run(scenario)


def test_a_markdown_file_that_is_not_a_spec_gets_no_diagnostics(
    server: SharedServer, tmp_path: Path
) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "README.md", "# Notes\n\n[link text] and more.\n")
        assert await live.diagnostics(uri) == []

    server.run(scenario)


def test_the_configuration_beside_the_file_applies(server: SharedServer, tmp_path: Path) -> None:
    (tmp_path / "techspec.toml").write_text('ignore = ["TS203"]\n', encoding="utf-8")

    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", BROKEN)
        assert {d.code for d in await live.diagnostics(uri)} == {"TS101"}

    server.run(scenario)


def test_a_broken_configuration_is_one_diagnostic_naming_the_file(
    server: SharedServer, tmp_path: Path
) -> None:
    (tmp_path / "techspec.toml").write_text('colour = "blue"\n', encoding="utf-8")

    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", BROKEN)
        published = await live.diagnostics(uri)
        assert len(published) == 1
        assert "techspec.toml" in published[0].message and "colour" in published[0].message

    server.run(scenario)


def test_closing_a_document_clears_its_diagnostics(server: SharedServer, tmp_path: Path) -> None:
    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", BROKEN)
        assert await live.diagnostics(uri) != []
        seen = len(live.published)
        live.close(uri)
        assert await live.diagnostics(uri, after=seen) == []

    server.run(scenario)


def test_columns_are_counted_in_utf16_code_units(server: SharedServer, tmp_path: Path) -> None:
    text = CLEAN.replace("**Date**: 2026-03-02", "**Date**: 😀 2026-03-02")

    async def scenario(live: Session) -> None:
        uri = live.open(tmp_path / "spec.md", text)
        (published,) = await live.diagnostics(uri)
        assert published.code == "TS203"
        assert published.range.start.character == len("**Date**: ")
        assert published.range.end.character == len("**Date**: ") + 2 + len(" 2026-03-02")

    server.run(scenario)


def test_columns_are_counted_in_utf8_bytes_when_the_client_asks_for_utf8(tmp_path: Path) -> None:
    text = CLEAN.replace("**Date**: 2026-03-02", "**Date**: é 2026-03-02")

    async def scenario() -> None:
        async with session(encodings=["utf-8"], cache=tmp_path / "cache") as live:
            uri = live.open(tmp_path / "spec.md", text)
            (published,) = await live.diagnostics(uri)
        assert published.range.end.character == len("**Date**: ") + 2 + len(" 2026-03-02")

    run(scenario)
