"""The spec's Markdown body as sanitized HTML, with ids on the headings the outline links to.

techspec parses with pyromark; the page is rendered with markdown-it-py, which keeps each
block's source lines (``token.map``).  Headings are matched to parsed sections by line, so
the outline's links and the body's ids come from one table (:func:`heading_ids`).  The
title and the metadata paragraph are left out: the page header shows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from techspec.authoring.render.sanitize import sanitize
from techspec.authoring.render.wrapping import wrap_tokens
from techspec.document.model import Spec

_NOT_WORD = re.compile(r"[^\w]+")


def _markdown() -> MarkdownIt:
    """CommonMark with tables, strikethrough, task lists and bare links: a URL written
    out (``https://...``, ``www....``) or an e-mail address becomes a link, as readers
    of GitHub expect.  Names that merely look like hosts (``README.md``, ``config.py``:
    ``.md`` and ``.py`` are country domains) stay text: only links with a scheme or
    ``www.`` are made (``fuzzy_link`` off).  The sanitizer still decides which links
    may stay (http, https, mailto)."""
    md = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
    md.use(front_matter_plugin).use(tasklists_plugin)
    assert md.linkify is not None
    md.linkify.set({"fuzzy_link": False})
    md.core.ruler.push("wrap_tokens", wrap_tokens)
    return md


_MD = _markdown()


def slug(text: str, used: set[str], counters: dict[str, int] | None = None) -> str:
    """``sec-`` plus a lowercase dash-separated form of ``text``, unique within ``used``
    (``-2``, ``-3``... added).  ``counters`` keeps, for each form, the last number given
    out, where the next search starts: with many sections of one path, trying every number
    from 2 for each was quadratic.  Numbers below it are all in ``used``, which only grows."""
    base = "sec-" + (_NOT_WORD.sub("-", text.casefold()).strip("-_") or "section")
    number = counters.get(base, 1) if counters is not None else 1
    candidate = base if number == 1 else f"{base}-{number}"
    while candidate in used:
        number += 1
        candidate = f"{base}-{number}"
    used.add(candidate)
    if counters is not None:
        counters[base] = number
    return candidate


def heading_ids(spec: Spec) -> dict[int, str]:
    """An anchor id for each section, keyed by its heading's line, built from its path."""
    used: set[str] = set()
    counters: dict[str, int] = {}
    return {section.line: slug(section.path, used, counters) for section in spec.walk()}


def render_body(spec: Spec, ids: dict[int, str]) -> str:
    """The body of ``spec`` (without title and metadata) as sanitized HTML."""
    env: dict[str, Any] = {}
    source = spec.text.removeprefix("\ufeff")
    field_lines = {field.line for field in spec.metadata}
    tokens = [
        token
        for block in _blocks(_MD.parse(source, env))
        if not _is_header(block[0], spec, field_lines)
        for token in block
    ]
    _set_heading_ids(tokens, ids)
    return sanitize(_MD.renderer.render(tokens, _MD.options, env))


@lru_cache(maxsize=4096)
def render_fragment(markdown: str) -> str:
    """A piece of Markdown written by a person (a review comment) as sanitized HTML.
    Kept per text: a comment never changes, and a page may show hundreds."""
    return sanitize(_MD.render(markdown))


def render_inline(markdown: str) -> str:
    """One line of Markdown (a metadata value) as sanitized inline HTML."""
    return sanitize(_MD.renderInline(markdown))


def _blocks(tokens: list[Token]) -> Iterator[list[Token]]:
    """Tokens grouped by top-level block (an opening or self-contained level-0 token)."""
    block: list[Token] = []
    for token in tokens:
        if token.level == 0 and token.nesting >= 0 and block:
            yield block
            block = []
        block.append(token)
    if block:
        yield block


def _is_header(first: Token, spec: Spec, field_lines: set[int]) -> bool:
    """The title heading, or a paragraph made only of metadata field lines (the lines of
    ``spec.metadata``, gathered once for all blocks)."""
    if first.map is None:
        return False
    start, end = first.map[0] + 1, first.map[1]
    if first.type == "heading_open":
        return first.tag == "h1" and spec.title is not None and start == spec.title_line
    if first.type != "paragraph_open" or not spec.metadata:
        return False
    return all(line in field_lines for line in range(start, end + 1))


def _set_heading_ids(tokens: list[Token], ids: dict[int, str]) -> None:
    used = set(ids.values())
    counters: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        line = token.map[0] + 1 if token.map else 0
        anchor = ids.get(line)
        if anchor is None:  # a heading the spec parser did not make a section (in a quote)
            text = tokens[index + 1].content if index + 1 < len(tokens) else ""
            anchor = slug(text, used, counters)
        token.attrSet("id", anchor)
