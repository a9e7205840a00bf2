"""What a template's field value or table cell says the document's value must be.

``Draft | Review | Approved`` in a field and ``High/Medium/Low`` in a cell are
enumerations; ``{a | b | …}`` with an ellipsis is an open list of suggestions (text);
``YYYY-MM-DD`` anywhere in the value, or a key or column named *Date*, an ISO date; a
literal such as ``1.0`` a dotted version.  A value that is a placeholder of any style or
an instruction (``(fill me in with a unique ident)``) is text the writer replaces: the
document keeping it unchanged is reported.
"""

from __future__ import annotations

import re

from techspec.lint.template.rules import ValueRule
from techspec.lint.template.styles import (
    has_any_placeholder,
    has_square_placeholder,
    is_instruction,
)

_CELL_VALUE = re.compile(r"[A-Za-z][\w-]*")
_VERSION_LITERAL = re.compile(r"^\d+(\.\d+)+$")
_DATE_FORMAT = "yyyy-mm-dd"
_ELLIPSES = ("…", "...")


def value_rule(name: str, template_text: str, *, field: bool) -> ValueRule:
    """The rule of one template value: ``field`` for a field value, else a table cell."""
    text = template_text.strip()
    inner = _unwrapped(text)
    enum = _is_field_enum if field else _is_cell_enum
    placeholder = _is_blank(text)
    if not has_square_placeholder(text) and enum(text):
        values = tuple(v.strip() for v in re.split(r"\||/", text) if v.strip())
        return ValueRule("enum", values, text)
    if inner != text and _is_field_enum(inner) and not any(e in inner for e in _ELLIPSES):
        values = tuple(v.strip() for v in inner.split("|") if v.strip())  # {a | b | c}
        return ValueRule("enum", values, text, placeholder=True)
    if _DATE_FORMAT in text.casefold() or name.strip().casefold() == "date":
        return ValueRule("date", (), text, placeholder=placeholder)
    if _VERSION_LITERAL.match(text):
        return ValueRule("version", (), text)
    return ValueRule("text", (), text, placeholder=placeholder)


def _unwrapped(text: str) -> str:
    """``{a | b}`` -> ``a | b``; anything else as it is."""
    if len(text) >= 2 and text[0] == "{" and text[-1] == "}":
        return text[1:-1].strip()
    return text


def _is_blank(text: str) -> bool:
    """The writer replaces it: a placeholder, or an instruction in parentheses or not."""
    if not text:
        return False
    if _DATE_FORMAT in text.casefold():
        return True  # YYYY-MM-DD, bare or in words
    return has_any_placeholder(text) or is_instruction(text.strip("()*_` "))


def _is_field_enum(text: str) -> bool:
    """``Draft | Review | Approved``: no brackets, and two or more parts between pipes,
    none empty (blanks count).  Nested lazy quantifiers said so in exponential time."""
    if "[" in text or "]" in text or "{" in text:
        return False
    parts = text.split("|")
    return len(parts) > 1 and all(parts)


def _is_cell_enum(text: str) -> bool:
    """``High/Medium/Low``: two or more words between slashes, each a letter then word
    characters or dashes, blanks around them allowed."""
    parts = text.split("/")
    return len(parts) > 1 and all(_CELL_VALUE.fullmatch(part.strip()) for part in parts)
