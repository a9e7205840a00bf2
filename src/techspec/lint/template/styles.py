"""The ways templates mark what a writer replaces: placeholder styles and instructions.

Templates in the wild mark a blank in one of a few styles, and the compiler reads whichever
a template uses off its own text (no list of known templates):

* ``[Author Name]`` (square), ``{short title}`` (curly), ``<Role-1>`` or its Markdown
  escape ``\\<Role-1>`` (angle, never an HTML tag such as ``<div>`` or an autolink);
* ``NNNN`` or ``XXXX`` tokens (``KEP-NNNN``): three or more of N or X, a word of its own;
* instruction text: words to the writer rather than about the system (``Replace this with
  your title``, ``Describe the context...``, ``Why are we doing this?``).

Everything here reads a string once, left to right: the styles are scanned with patterns
whose runs stop at their own closing bracket, and instructions are judged by their words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

PlaceholderStyle = Literal["square", "curly", "angle", "token"]
"""``[...]``, ``{...}``, ``<...>`` (or ``\\<...>``), and ``NNNN``/``XXXX`` tokens."""

# Each bracket's "some character is not blank" is a lookahead over the one run it holds.
_SQUARE = r"\[(?=[^\[\]\n]*[^\[\]\s])[^\[\]\n]*\]"
_CURLY = r"\{(?=[^{}\n]*[^{}\s])[^{}\n]*\}"
_ANGLE = r"\\?<(?=[^<>\n]*[^<>\s])[^<>\n]*>"
_TOKEN = r"(?<![A-Za-z0-9])(?:N{3,}|X{3,})(?![A-Za-z0-9])"
_STYLED = re.compile(
    rf"(?P<square>{_SQUARE})|(?P<curly>{_CURLY})|(?P<angle>{_ANGLE})|(?P<token>{_TOKEN})"
)
_STYLES: dict[str | None, PlaceholderStyle] = {
    "square": "square",
    "curly": "curly",
    "angle": "angle",
    "token": "token",
}
_BRACKETED = re.compile(rf"{_SQUARE}|{_CURLY}|{_ANGLE}")
SQUARE = re.compile(_SQUARE)
_LINE_BREAK = re.compile(r"\r\n?|\n")
_HTML_TAG = re.compile(r"/?(?P<name>[A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?")
_HTML_NAMES = frozenset(
    [
        "a",
        "abbr",
        "b",
        "big",
        "blockquote",
        "br",
        "caption",
        "center",
        "code",
        "col",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "font",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "picture",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "source",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
        "video",
    ]
)
_WORD = re.compile(r"[a-z][a-z']*")
_SENTENCE_END = re.compile(r"[.?!:;]\s+")
_IMPERATIVES = frozenset(
    [
        "add",
        "answer",
        "choose",
        "consider",
        "copy",
        "define",
        "delete",
        "describe",
        "detail",
        "discuss",
        "document",
        "enter",
        "explain",
        "fill",
        "give",
        "identify",
        "include",
        "indicate",
        "insert",
        "keep",
        "list",
        "mention",
        "outline",
        "pick",
        "provide",
        "put",
        "remove",
        "replace",
        "specify",
        "state",
        "summarise",
        "summarize",
        "tell",
        "use",
        "write",
    ]
)
_SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "you're", "you've", "you'll"})
_LABEL_WORDS = frozenset({"name", "title", "here"})


@dataclass(frozen=True, slots=True)
class StyledPlaceholder:
    """One placeholder found in text, in any style."""

    text: str
    """As written, escapes included (``\\<Role-1>``)."""
    style: PlaceholderStyle
    line: int
    column: int
    end_column: int

    @property
    def key(self) -> str:
        """What compares equal across documents: blanks folded, case ignored, the
        Markdown escape of an angle bracket dropped (``\\<Role-1>`` is ``<role-1>``)."""
        return placeholder_key(self.text)


def placeholder_key(text: str) -> str:
    text = text[1:] if text.startswith("\\<") else text
    return " ".join(text.split()).casefold()


def is_optional_label(text: str) -> bool:
    """``[Optional]`` (or ``(optional)``): a label that a part may be left out, not a blank."""
    return text.strip("[]() \t").casefold() == "optional"


def styled(
    text: str, first_line: int = 1, skip: frozenset[int] = frozenset()
) -> list[StyledPlaceholder]:
    """Every placeholder of every style in ``text``, by line and character column, except
    on the lines in ``skip`` (code and HTML blocks: their brackets are the system's)."""
    found: list[StyledPlaceholder] = []
    for offset, line_text in enumerate(_LINE_BREAK.split(text)):
        line = first_line + offset
        if line in skip or not _may_hold(line_text):
            continue
        found.extend(_on_line(line_text, line))
    return found


def _may_hold(line: str) -> bool:
    return "[" in line or "{" in line or "<" in line or "NNN" in line or "XXX" in line


def _on_line(text: str, line: int) -> Iterator[StyledPlaceholder]:
    for match in _STYLED.finditer(text):
        style = match.lastgroup
        value = match[0]
        if style == "angle" and _is_markup(value):
            continue
        if style == "square" and (is_optional_label(value) or not _square_is_blank(text, match)):
            continue
        yield StyledPlaceholder(value, _STYLES[style], line, match.start() + 1, match.end() + 1)


def _square_is_blank(text: str, match: re.Match[str]) -> bool:
    """Not a task box, a footnote, a link, a reference, or an alert's ``[!NOTE]``."""
    inner = match[0][1:-1]
    if inner.strip() in ("", "x", "X") or inner.startswith(("^", "!")):
        return False
    left, right = match.span()
    before = text[left - 1 : left] if left else ""
    return before not in ("\\", "]", "!") and text[right : right + 1] not in ("(", "[", ":")


def _is_markup(value: str) -> bool:
    """An HTML tag, a comment, or an autolink: ``<div class="x">``, ``<!-- -->``,
    ``<https://example.com>``, ``<ada@example.com>``.  An escaped ``\\<...>`` never is."""
    if value.startswith("\\"):
        return False
    inner = value[1:-1]
    if inner.startswith(("!", "?")) or "://" in inner or ("@" in inner and " " not in inner):
        return True
    tag = _HTML_TAG.fullmatch(inner)
    return tag is not None and tag["name"].casefold() in _HTML_NAMES


def has_any_placeholder(text: str) -> bool:
    """A bracketed placeholder of any style (``[x]``, ``{x}``, ``<x>``), or a token."""
    return bool(styled(text))


def has_square_placeholder(text: str) -> bool:
    return SQUARE.search(text) is not None


def first_bracketed(text: str) -> re.Match[str] | None:
    """The first ``[...]``, ``{...}`` or ``<...>`` of a heading or title (plain text, where
    an angle bracket is never markup)."""
    return _BRACKETED.search(text)


def bracketed_spans(text: str) -> list[tuple[int, int]]:
    """Where a title's placeholders are: brackets of each style and tokens."""
    return [match.span() for match in _on_line_matches(text)]


def _on_line_matches(text: str) -> Iterator[re.Match[str]]:
    for match in _STYLED.finditer(text):
        if match.lastgroup == "square" and is_optional_label(match[0]):
            continue
        yield match


def is_instruction(text: str) -> bool:
    """Words to the writer: an imperative first word (``Describe``, ``Replace``), the
    second person (``your``), or a question (``Why are we doing this?``)."""
    words = _WORD.findall(text.casefold())
    if not words:
        return False
    if not _SECOND_PERSON.isdisjoint(words):
        return True
    for sentence in _SENTENCE_END.split(text):
        first = _WORD.search(sentence.casefold())
        if first is not None and _is_imperative(first[0]):
            return True
    return text.rstrip(" \t*_.)").endswith("?")


def _is_imperative(word: str) -> bool:
    return word in _IMPERATIVES or (word.endswith("s") and word[:-1] in _IMPERATIVES)


def is_instruction_title(text: str) -> bool:
    """A title that tells the writer what to put there: an instruction, or a short label
    ending in *name* or *title* (``Feature name``, ``Project Title``)."""
    words = _WORD.findall(text.casefold())
    if not words:
        return False
    return is_instruction(text) or (len(words) <= 4 and words[-1] in _LABEL_WORDS)


def squash(text: str) -> str:
    """Blanks folded and case ignored: how headings, items and help text compare."""
    return " ".join(text.split()).casefold()
