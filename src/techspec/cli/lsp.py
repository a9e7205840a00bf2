"""``techspec lsp``: the language server on standard input and output.

Only click is imported at module level; pygls loads when the command runs.
"""

from __future__ import annotations

import click

DEFAULT_DEBOUNCE_MS = 150


def register(group: click.Group) -> None:
    """Add ``lsp`` to the ``techspec`` command group."""
    group.add_command(lsp)


@click.command()
@click.option(
    "--debounce",
    "debounce_ms",
    type=click.IntRange(min=0),
    default=DEFAULT_DEBOUNCE_MS,
    show_default=True,
    help="Milliseconds of quiet, while typing, before diagnostics are recomputed.",
)
@click.option(
    "--threads-db",
    metavar="URL",
    envvar="TECHSPEC_LSP_THREADS_DB",
    help="Show the open review threads of this database's specs as Information "
    "diagnostics (a file is the spec named by its stem). Off by default.",
)
@click.option(
    "--public-url",
    metavar="URL",
    envvar="TECHSPEC_PUBLIC_URL",
    help="The web UI's address, for each thread diagnostic's link.",
)
def lsp(debounce_ms: int, threads_db: str | None, public_url: str | None) -> None:
    """Run the language server over stdio (for VS Code, Neovim, Helix, Emacs...):
    diagnostics as you type, outline, quick fixes, hover and completion."""
    from techspec.lsp.server import serve
    from techspec.lsp.threads import ThreadSource

    threads = ThreadSource(threads_db, public_url) if threads_db else None
    serve(debounce_ms / 1000, threads)
