"""The pygls server: documents in, diagnostics out, and the editor features wired to the
modules that compute them.

Diagnostics are debounced per document: an edit after a quiet spell is linted at once, so
a single change shows its result without waiting, while the edits of a burst of typing
(each within ``debounce`` seconds of the last) are linted once, when the typing pauses.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from techspec import __version__
from techspec.lsp.diagnostics import Analysis, analyze, diagnostics
from techspec.lsp.threads import ThreadSource, thread_diagnostics

_SYNC = types.TextDocumentSyncKind.Incremental


class TechspecServer(LanguageServer):
    def __init__(self, debounce: float, threads: ThreadSource | None = None) -> None:
        super().__init__("techspec", __version__, text_document_sync_kind=_SYNC)
        self.debounce = debounce
        self.threads = threads
        """Where open review threads come from (off unless ``--threads-db`` is given)."""
        self.analyses: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.changed_at: dict[str, float] = {}

    def analysis(self, uri: str) -> Analysis:
        """The lint of the document as it is now (reused while the text is unchanged)."""
        document = self.workspace.get_text_document(uri)
        text = document.source
        cached = self.analyses.get(uri)
        if cached is not None and cached.text == text:
            return cached
        path = document.path if uri.startswith("file:") else None
        encoding = str(self.workspace.position_encoding or "utf-16")
        fresh = analyze(text, path, document.version, encoding)
        self.analyses[uri] = fresh
        return fresh

    def changed(self, uri: str) -> None:
        """Lint now after a quiet spell; otherwise once the burst of edits pauses."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        last = self.changed_at.get(uri)
        self.changed_at[uri] = now
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        if waiting is None and (last is None or now - last >= self.debounce):
            self.publish(uri)
        else:
            self.pending[uri] = loop.call_later(self.debounce, self.publish, uri)

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        document = self.workspace.get_text_document(uri)
        analysis = self.analysis(uri)
        found = diagnostics(analysis)
        if self.threads is not None and uri.startswith("file:"):
            found += thread_diagnostics(analysis, document.path, self.threads)
        params = types.PublishDiagnosticsParams(uri, found, version=document.version)
        self.text_document_publish_diagnostics(params)

    def closed(self, uri: str) -> None:
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.analyses.pop(uri, None)
        self.changed_at.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))


def create_server(debounce: float = 0.15, threads: ThreadSource | None = None) -> TechspecServer:
    """A server with every feature registered (not yet started)."""
    from techspec.lsp import actions, completion, hover, symbols

    server = TechspecServer(debounce, threads)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TechspecServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TechspecServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TechspecServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TechspecServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: TechspecServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        return symbols.document_symbols(ls.analysis(params.text_document.uri))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=list(actions.KINDS)),
    )
    def code_action(ls: TechspecServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return actions.code_actions(ls.analysis(params.text_document.uri), params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: TechspecServer, params: types.HoverParams) -> types.Hover | None:
        return hover.hover(ls.analysis(params.text_document.uri), params.position)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=list(completion.TRIGGERS)),
    )
    def complete(ls: TechspecServer, params: types.CompletionParams) -> types.CompletionList:
        return completion.completions(ls.analysis(params.text_document.uri), params.position)

    return server


def serve(debounce: float = 0.15, threads: ThreadSource | None = None) -> None:
    """Run the server on standard input and output until the client exits.

    The linter is warmed up and every object alive by then (pygls, lsprotocol, the rules,
    the compiled template) is frozen out of garbage collection: a full collection would
    otherwise walk them all, and stall an edit's diagnostics by tens of milliseconds.
    """
    import gc

    from techspec.lint.linter import lint_text

    server = create_server(debounce, threads)
    lint_text("# Technical Specification: warm-up\n")
    gc.collect()
    gc.freeze()
    server.start_io()
