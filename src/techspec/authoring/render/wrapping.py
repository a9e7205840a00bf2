"""Where a rendered spec's lines may break: long tokens anywhere, dates nowhere.

A sha256 signature, a URL or a long identifier has no space to wrap at, so it pushes
its table cell (the Sign-off table), or the page, past the edge of a phone or an A4
sheet.  Giving such a run a ``<wbr>`` every :data:`CHUNK` characters lets it wrap while
a copy of the text stays the same characters (no zero-width spaces in a copied hash).
Short words keep wrapping at spaces only; an ISO date (``2026-03-16``) is kept whole in
a ``<span class="date">`` that does not wrap, since browsers may break after its
hyphens when a column is squeezed.

A markdown-it core rule over inline text and code, linear in the text (two
alternatives without nesting, each match consumed once).
"""

from __future__ import annotations

import re

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

LONG_WORD = 24
"""A run of this many characters without a space gets break opportunities."""
CHUNK = 8
"""Characters between two break opportunities: short enough that a four-column table
with a signature fits a 390 px phone."""
_FOUND = re.compile(rf"(?P<long>\S{{{LONG_WORD},}})|(?P<date>\b\d{{4}}-\d{{2}}-\d{{2}}\b)")


def wrap_tokens(state: StateCore) -> None:
    """Rewrite the inline text and code of every block (see the module's doc)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        if not any(_wants(child) for child in block.children):
            continue
        children: list[Token] = []
        for child in block.children:
            children.extend(_pieces(child) if _wants(child) else [child])
        block.children = children


def _wants(token: Token) -> bool:
    return token.type in ("text", "code_inline") and _FOUND.search(token.content) is not None


def _pieces(token: Token) -> list[Token]:
    """``token`` as text pieces with ``<wbr>`` in long runs and dates wrapped whole
    (inline code keeps its ``<code>`` element around them)."""
    text = token.content
    pieces: list[Token] = []
    last = 0
    for match in _FOUND.finditer(text):
        start, end = match.span()
        if match.group("date") is not None:
            pieces += [_text(text[last:start]), _html('<span class="date">')]
            pieces += [_text(match.group()), _html("</span>")]
            last = end
            continue
        for cut in range(start + CHUNK, end, CHUNK):
            pieces += [_text(text[last:cut]), _html("<wbr>")]
            last = cut
    pieces.append(_text(text[last:]))
    kept = [piece for piece in pieces if piece.type != "text" or piece.content]
    if token.type == "code_inline":
        return [_html("<code>"), *kept, _html("</code>")]
    return kept


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _html(content: str) -> Token:
    return Token("html_inline", "", 0, content=content)
