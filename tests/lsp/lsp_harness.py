"""A client session with the real language server process, ``python -m techspec lsp``,
spoken to over stdio by pygls' own client; and helpers to apply the edits it returns.

Not a ``conftest.py``: the LSP tests import what they need from here explicitly.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from threading import Thread
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.client import LanguageClient

TIMEOUT = 20.0
"""Seconds any one exchange with the server may take before the test fails."""
FIXTURES = Path(__file__).parent.parent / "fixtures"
CLEAN = (FIXTURES / "approved.md").read_text("utf-8")


T = TypeVar("T")


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run an async test body, bounded in time."""

    async def bounded() -> None:
        await asyncio.wait_for(scenario(), 60)

    asyncio.run(bounded())


class Session:
    """One initialized server; diagnostics it publishes are collected per document."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.published: list[types.PublishDiagnosticsParams] = []
        self.arrived = asyncio.Condition()
        self.versions: dict[str, int] = {}

    async def receive(self, params: types.PublishDiagnosticsParams) -> None:
        async with self.arrived:
            self.published.append(params)
            self.arrived.notify_all()

    def open(self, path: Path, text: str) -> str:
        uri = path.resolve().as_uri()
        self.versions[uri] = 1
        item = types.TextDocumentItem(uri, "markdown", 1, text)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(item))
        return uri

    def change(self, uri: str, text: str, where: types.Range | None = None) -> int:
        """Replace the whole text, or only ``where`` (an incremental change)."""
        self.versions[uri] += 1
        change: types.TextDocumentContentChangeEvent = (
            types.TextDocumentContentChangeWholeDocument(text)
            if where is None
            else types.TextDocumentContentChangePartial(where, text)
        )
        document = types.VersionedTextDocumentIdentifier(version=self.versions[uri], uri=uri)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(document, [change]))
        return self.versions[uri]

    def close(self, uri: str) -> None:
        identifier = types.TextDocumentIdentifier(uri)
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(identifier))

    async def diagnostics(
        self, uri: str, version: int | None = None, after: int = 0
    ) -> list[types.Diagnostic]:
        """The first diagnostics published for ``uri`` at ``version`` (or any) or later,
        among those published after the first ``after``."""

        def ready() -> types.PublishDiagnosticsParams | None:
            for params in self.published[after:]:
                if params.uri == uri and (version is None or (params.version or 0) >= version):
                    return params
            return None

        async with self.arrived:
            found = await asyncio.wait_for(self.arrived.wait_for(ready), TIMEOUT)
        assert found is not None
        return list(found.diagnostics)

    async def symbols(self, uri: str) -> list[types.DocumentSymbol]:
        params = types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
        result = await asyncio.wait_for(
            self.client.text_document_document_symbol_async(params), TIMEOUT
        )
        return [symbol for symbol in result or [] if isinstance(symbol, types.DocumentSymbol)]

    async def actions(
        self,
        uri: str,
        line: int,
        diagnostics: Sequence[types.Diagnostic] = (),
        only: Sequence[str] | None = None,
    ) -> list[types.CodeAction]:
        """Code actions for the 0-based ``line``."""
        where = types.Range(types.Position(line, 0), types.Position(line, 0))
        context = types.CodeActionContext(list(diagnostics), only=list(only) if only else None)
        params = types.CodeActionParams(types.TextDocumentIdentifier(uri), where, context)
        result = await asyncio.wait_for(
            self.client.text_document_code_action_async(params), TIMEOUT
        )
        return [action for action in result or [] if isinstance(action, types.CodeAction)]

    async def hover(self, uri: str, line: int, character: int) -> types.Hover | None:
        params = types.HoverParams(
            types.TextDocumentIdentifier(uri), types.Position(line, character)
        )
        return await asyncio.wait_for(self.client.text_document_hover_async(params), TIMEOUT)

    async def completion(self, uri: str, line: int, character: int) -> list[types.CompletionItem]:
        identifier = types.TextDocumentIdentifier(uri)
        params = types.CompletionParams(identifier, types.Position(line, character))
        result = await asyncio.wait_for(self.client.text_document_completion_async(params), TIMEOUT)
        if isinstance(result, types.CompletionList):
            return list(result.items)
        return list(result or [])


@asynccontextmanager
async def session(
    *,
    debounce_ms: int = 150,
    cache: Path | None = None,
    encodings: Sequence[str] | None = None,
    options: Sequence[str] = (),
) -> AsyncIterator[Session]:
    """Start ``python -m techspec lsp`` (with more ``options``), initialize it, and shut
    it down afterwards."""
    client = LanguageClient("techspec-tests", "1")
    live = Session(client)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
    async def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        await live.receive(params)

    env = dict(os.environ)
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    command = ["-m", "techspec", "lsp", "--debounce", str(debounce_ms), *options]
    await client.start_io(sys.executable, *command, env=env)
    general = types.GeneralClientCapabilities(position_encodings=list(encodings or ["utf-16"]))
    capabilities = types.ClientCapabilities(general=general)
    try:
        await asyncio.wait_for(
            client.initialize_async(types.InitializeParams(capabilities=capabilities)), TIMEOUT
        )
        client.initialized(types.InitializedParams())
        yield live
        await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
        client.exit(None)
        await asyncio.wait_for(client.stop(), TIMEOUT)  # type: ignore[no-untyped-call]
    finally:
        process: Any = client._server
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()


class SharedServer:
    """One server process for a module's tests, driven from an event loop in a thread, so
    each test pays for a document, not for starting Python and pygls."""

    def __init__(self, cache: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.context = session(cache=cache)
        self.session = self._call(self.context.__aenter__())

    def _call(self, awaitable: Awaitable[T]) -> T:
        async def bounded() -> T:
            return await asyncio.wait_for(awaitable, 60)

        return asyncio.run_coroutine_threadsafe(bounded(), self.loop).result(70)

    def run(self, scenario: Callable[[Session], Awaitable[T]]) -> T:
        """Run a test body against the shared session."""
        return self._call(scenario(self.session))

    def close(self) -> None:
        try:
            self._call(self.context.__aexit__(None, None, None))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()


def shared_server(factory: Any) -> Iterator[SharedServer]:
    """Body of a module-scoped ``server`` fixture (``factory``: pytest's tmp_path_factory)."""
    shared = SharedServer(factory.mktemp("cache"))
    yield shared
    shared.close()


# -- applying what the server sends -------------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _offset(text: str, position: types.Position) -> int:
    starts = [match.start() for match in _LINE.finditer(text)]
    start = (
        starts[min(position.line, len(starts) - 1)] if position.line < len(starts) else len(text)
    )
    if position.line >= len(starts):
        return len(text)
    units = 0
    index = start
    while units < position.character and index < len(text) and text[index] not in "\r\n":
        units += 2 if ord(text[index]) > 0xFFFF else 1
        index += 1
    return index


def apply(text: str, edit: types.WorkspaceEdit | None, uri: str) -> str:
    """``text`` with a workspace edit's text edits for ``uri`` applied (UTF-16 positions)."""
    assert edit is not None and edit.changes is not None
    spans = [
        (_offset(text, change.range.start), _offset(text, change.range.end), change.new_text)
        for change in edit.changes[uri]
    ]
    for start, end, new in sorted(spans, key=lambda span: span[0], reverse=True):
        text = text[:start] + new + text[end:]
    return text


def line_of(text: str, needle: str) -> int:
    """The 0-based line that holds ``needle``."""
    return text[: text.index(needle)].count("\n")
