"""With ``--threads-db`` the language server shows a spec's open review threads at their
anchor, as Information diagnostics with the thread's text and a link to it; without it,
none (the default)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lsp_harness import CLEAN, Session, run, session
from lsprotocol import types

from techspec.service import specs, threads
from techspec.store.engine import open_store
from techspec.store.users import add_user

QUOTE = "why it matters"
PUBLIC = "https://techspec.example.com"


def _store_with_threads(path: Path) -> str:
    """A database holding CLEAN as spec ``ledger`` with an open and a resolved thread."""
    url = f"sqlite:///{path}"
    store = open_store(url)
    ada = add_user(store, "ada", ["admin"])
    tom = add_user(store, "tom", ["Technical Lead"])
    specs.create(store, ada, CLEAN, slug="ledger")
    section = "Executive Summary"
    first = threads.open_thread(
        store, tom, "ledger", section=section, quote=QUOTE, body="Does it?"
    ).thread
    threads.comment(store, ada, first.id, "Audits need it.")
    done = threads.open_thread(store, tom, "ledger", section="Scope", body="Settled").thread
    threads.resolve(store, tom, done.id)
    store.close()
    return url


def _run_apart(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run the scenario's event loop in a thread of its own: a worker that ran the
    browser tests keeps Playwright's loop in its main thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(run, scenario).result()


def _threads_in(published: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in published if d.source == "techspec review"]


def test_open_threads_appear_at_their_quote_with_their_text_and_link(tmp_path: Path) -> None:
    assert QUOTE in CLEAN
    url = _store_with_threads(tmp_path / "techspec.db")

    async def scenario() -> None:
        options = ["--threads-db", url, "--public-url", PUBLIC]
        async with session(options=options) as live:
            await _check(live, tmp_path)

    _run_apart(scenario)


async def _check(live: Session, folder: Path) -> None:
    uri = live.open(folder / "ledger.md", CLEAN)
    [shown] = _threads_in(await live.diagnostics(uri))
    assert shown.severity == types.DiagnosticSeverity.Information
    assert shown.message == "Comment #1 by tom: Does it?\nada: Audits need it."
    assert shown.code == "thread-1"
    assert shown.code_description is not None
    assert shown.code_description.href == f"{PUBLIC}/specs/ledger#thread-1"
    line = next(n for n, text in enumerate(CLEAN.splitlines()) if QUOTE in text)
    column = CLEAN.splitlines()[line].index(QUOTE)
    assert (shown.range.start.line, shown.range.start.character) == (line, column)
    assert shown.range.end.character == column + len(QUOTE)
    # Edited away in the editor: the thread moves to its section's heading.
    version = live.change(uri, CLEAN.replace(QUOTE, "why"))
    [moved] = _threads_in(await live.diagnostics(uri, version))
    heading = CLEAN.splitlines().index("## Executive Summary")
    assert moved.range.start == types.Position(heading, 0)
    other = live.open(folder / "unknown-spec.md", CLEAN)
    assert _threads_in(await live.diagnostics(other)) == []


def test_without_the_setting_no_thread_is_shown(tmp_path: Path) -> None:
    _store_with_threads(tmp_path / "techspec.db")

    async def scenario() -> None:
        async with session() as live:
            uri = live.open(tmp_path / "ledger.md", CLEAN)
            assert _threads_in(await live.diagnostics(uri)) == []

    _run_apart(scenario)
