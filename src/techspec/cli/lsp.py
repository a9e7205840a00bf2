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
def lsp(debounce_ms: int) -> None:
    """Run the language server over stdio (for VS Code, Neovim, Helix, Emacs...):
    diagnostics as you type, outline, quick fixes, hover and completion."""
    from techspec.lsp.server import serve

    serve(debounce_ms / 1000)
