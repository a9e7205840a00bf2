"""A thread's text as people write it: the limits on each field, a comment's body, and
the ``@name`` mentions in it, matched to users.

Apart from :mod:`techspec.store.threads` (the threads themselves): the front doors size
their form and body fields by these limits.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.errors import InputError
from techspec.store.schema import users

MAX_BODY = 20_000
"""Characters in a comment's text (a page of Markdown; a spec goes in a revision)."""
MAX_QUOTE = 4_000
MAX_SUGGESTION = 20_000
MAX_SECTION = 1_000
MAX_NAME = 200

_MENTION = re.compile(r"(?<![\w@])@(\w[\w.-]*)")
"""``@name``: a word character after an ``@`` that follows no word character or ``@``
(so ``ada@example.com`` and ``@@x`` mention nobody).  One pass, no nested repetition."""
_SEPARATORS = re.compile(r"[\s._-]+")


def clean_body(body: str, name: str = "body") -> str:
    """The text of a comment, or :class:`InputError` naming the field."""
    text = body.strip()
    if not text:
        raise InputError(f"invalid field '{name}': a comment needs some text")
    if len(text) > MAX_BODY:
        raise InputError(
            f"invalid field '{name}': {len(text)} characters is over the limit of {MAX_BODY}"
        )
    return text


def mentioned(text: str) -> list[str]:
    """Every distinct ``@name`` in ``text``, in order (trailing dots and dashes are
    punctuation, not name)."""
    names: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip(".-")
        if name and len(name) <= MAX_NAME:
            names.setdefault(name, None)
    return list(names)


def mention_key(name: str) -> str:
    """How an ``@name`` is matched to a user: case-folded, without spaces, dots,
    underscores or dashes (``@tomás.ferreira`` and ``@TomásFerreira`` are Tomás Ferreira)."""
    return _SEPARATORS.sub("", name.casefold())


def resolve_mentions(connection: Connection, text: str) -> tuple[list[str], list[str]]:
    """The users ``text`` mentions (their names as stored) and the names nobody has."""
    wanted = mentioned(text)
    if not wanted:
        return [], []
    known: dict[str, str] = {}
    for name in connection.execute(sa.select(users.c.name).order_by(users.c.id)).scalars():
        known.setdefault(mention_key(name), name)
    found = [known[mention_key(n)] for n in wanted if mention_key(n) in known]
    unknown = [n for n in wanted if mention_key(n) not in known]
    return list(dict.fromkeys(found)), unknown
