"""A template's help text: its words to the writer, which a document must not keep.

Instruction paragraphs (``Describe ...``, a question, a sentence to "you"), alert and
instruction quotes (``> [!NOTE]``), and comments of three words or more; a one-word marker
such as ``<!-- toc -->`` is prescribed, not help.  Each is kept as a key (its kind and its
words, case ignored) that a document's blocks are looked up by.
"""

from __future__ import annotations

import re

from techspec.document.model import Block, Spec
from techspec.lint.template.styles import has_any_placeholder, is_instruction, squash

_ALERT = re.compile(r"\[!\w+\]")
_QUOTE_MARK = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)


def help_key(kind: str, text: str) -> str:
    """How a block of help text is compared: its kind and its words, case ignored."""
    if kind == "quote":
        text = _QUOTE_MARK.sub("", text)
    return f"{kind}:{squash(text)}"


def help_texts(spec: Spec) -> frozenset[str]:
    """The template's words to the writer that a document must not keep: instruction
    paragraphs, alert and instruction quotes, and comments of a few words or more (a
    one-word marker such as ``<!-- toc -->`` is prescribed, not help)."""
    keys: set[str] = set()
    blocks: list[Block] = list(spec.preamble)
    field_lines = {found.line for found in spec.metadata}
    for section in spec.walk():
        blocks += section.blocks
        field_lines.update(found.line for found in section.fields)
    for block in blocks:
        text = block.text
        if len(text.split()) < 3:
            continue  # a label (**Document History**), not words to the writer
        if any(line in field_lines for line in range(block.line, block.end_line + 1)):
            continue  # fields, whose values are judged one by one
        if block.kind == "paragraph" and not has_any_placeholder(text) and is_instruction(text):
            keys.add(help_key("paragraph", text))
        elif block.kind == "quote" and (_ALERT.search(text) or is_instruction(text)):
            keys.add(help_key("quote", text))
    for comment in spec.comments:
        if len(comment.text.split()) >= 3 and not comment.text.startswith("techspec-"):
            keys.add(help_key("comment", comment.text))
    return frozenset(keys)
