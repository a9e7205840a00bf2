"""The structured model of a parsed specification.

Every node records where it came from: 1-based lines and 1-based columns that count
characters (not bytes) in the original text.  The model never owns a copy of the
document that differs from the source: ``Spec.text`` is the input, byte for byte, so
the Markdown file stays the source of truth and the model is only a view of it.

A Spec also keeps the :class:`Piece` of each top-level block (its :class:`Reading`), which
:mod:`techspec.document.pieces` reads, so that a re-parse after an edit can reuse them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

BlockKind = Literal["paragraph", "list", "table", "code", "html", "quote", "rule"]
FieldSource = Literal["bold", "list", "front-matter"]
"""Where a field was written: a bold-key line (``**Status**: Draft``), an item of a list of
``Key: value`` items before the first section (``- Feature Name: ...``, ``- **Author:** ...``),
or a ``key: value`` line of the YAML front matter."""


@dataclass(slots=True)
class Field:
    """A metadata or section field: a bold-key line such as ``**Status**: Draft``, a
    ``Key: value`` list item before the first section, or a front-matter ``key: value``."""

    key: str
    value: str
    line: int
    column: int
    value_column: int
    source: FieldSource = "bold"
    """How it was written: templates keep their fields in one of these shapes, and the
    documents written from them in the same one."""


@dataclass(slots=True)
class Cell:
    """One table cell: ``text`` is the trimmed source with ``\\|`` unescaped."""

    text: str
    line: int
    column: int


@dataclass(slots=True)
class Table:
    header: list[Cell]
    rows: list[list[Cell]]
    line: int
    end_line: int
    label: str | None = None
    """The bold paragraph right above the table (``**Document History**``), if any."""

    @property
    def columns(self) -> list[str]:
        return [cell.text for cell in self.header]

    def column_index(self, name: str) -> int | None:
        wanted = name.casefold()
        for index, cell in enumerate(self.header):
            if cell.text.casefold() == wanted:
                return index
        return None


@dataclass(slots=True)
class ListItem:
    """A list item; ``checked`` is None for a plain item and a bool for a task box."""

    text: str
    line: int
    column: int
    checked: bool | None = None
    depth: int = 0


@dataclass(slots=True)
class ListBlock:
    items: list[ListItem]
    ordered: bool
    line: int
    end_line: int


@dataclass(slots=True)
class CodeBlock:
    info: str
    content: str
    line: int
    end_line: int
    fenced: bool = True

    @property
    def content_line(self) -> int:
        """The line of the first content line (after the opening fence)."""
        return self.line + 1 if self.fenced else self.line


@dataclass(slots=True)
class Link:
    text: str
    target: str
    line: int
    column: int


@dataclass(slots=True)
class Block:
    """A top-level block of a section body, with the typed node for tables, lists and code."""

    kind: BlockKind
    line: int
    end_line: int
    text: str = ""
    node: Table | ListBlock | CodeBlock | None = None


@dataclass(slots=True)
class Section:
    title: str
    level: int
    path: str
    line: int
    column: int
    end_line: int
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        """This section and every one below it, depth first, in document order."""
        return _walk([self])

    @property
    def tables(self) -> list[Table]:
        return [b.node for b in self.blocks if isinstance(b.node, Table)]

    @property
    def lists(self) -> list[ListBlock]:
        return [b.node for b in self.blocks if isinstance(b.node, ListBlock)]

    @property
    def code_blocks(self) -> list[CodeBlock]:
        return [b.node for b in self.blocks if isinstance(b.node, CodeBlock)]

    @property
    def checklist(self) -> list[ListItem]:
        return [item for lst in self.lists for item in lst.items if item.checked is not None]

    def field(self, key: str) -> Field | None:
        return _find_field(self.fields, key) if self.fields else None


@dataclass(slots=True)
class Comment:
    """An HTML comment (``<!-- ... -->``) with the text between the markers."""

    text: str
    line: int
    column: int
    end_line: int


@dataclass(slots=True)
class Placeholder:
    """Bracketed template text such as ``[Author Name]`` left in the document."""

    text: str
    line: int
    column: int
    end_column: int
    in_code: bool = False


@dataclass(slots=True)
class Heading:
    level: int
    title: str
    line: int
    column: int


@dataclass(slots=True)
class Piece:
    """What one top-level block yields, before it is placed in a section.

    ``links``, ``comments`` and ``placeholders`` are counts: the block's own ones follow
    those of the blocks before it in the document-wide lists.
    """

    start: int
    """Byte offset of the block in the UTF-8 body (the text without a BOM)."""
    end: int
    line: int
    end_line: int
    block: Block | None = None
    """What goes into the open section's blocks (None for headings and front matter)."""
    label: str | None = None
    """The text of a bold-only paragraph: it names a table right after it."""
    heading: Heading | None = None
    fields: list[Field] | None = None
    front_matter: str | None = None
    atx: bool = False
    """A one-line ``#`` heading: Markdown reading restarts afresh at its line."""
    links: int = 0
    comments: int = 0
    placeholders: int = 0


@dataclass(slots=True)
class Reading:
    """What :func:`techspec.document.parser.parse` keeps beside a Spec so that a re-parse after an
    edit can reuse the pieces of the blocks the edit did not touch."""

    pieces: list[Piece]
    data: bytes
    """The body (the text without a BOM) in UTF-8: what the pieces' offsets index."""
    exact: bool
    """The body encoded to UTF-8 as it is (no lone surrogates were replaced)."""
    starts: list[int] | None = None
    """Byte offsets of the body's line starts, when the parser counted them."""


@dataclass(slots=True)
class Spec:
    """A parsed specification.  Build one with :func:`techspec.parse`."""

    text: str
    path: str | None
    title: str | None
    title_line: int
    title_column: int
    metadata: list[Field]
    sections: list[Section]
    preamble: list[Block]
    links: list[Link]
    comments: list[Comment]
    placeholders: list[Placeholder]
    front_matter: str | None
    line_count: int
    _index: dict[str, Section] | None = field(default=None, repr=False, compare=False)
    _labelled: dict[str, Table] | None = field(default=None, repr=False, compare=False)
    _reading: Reading | None = field(default=None, repr=False, compare=False)
    """The parser's pieces, kept so that a re-parse after an edit can reuse them."""

    def walk(self) -> Iterator[Section]:
        """Every section, depth first, in document order."""
        return _walk(self.sections)

    def section(self, path: str) -> Section | None:
        """The first section with this path (``Technical Design/API Design/Endpoints``)."""
        if self._index is None:
            index: dict[str, Section] = {}
            for section in self.walk():
                index.setdefault(section.path, section)
            self._index = index
        return self._index.get(path)

    def field(self, key: str) -> Field | None:
        return _find_field(self.metadata, key)

    @property
    def status(self) -> str | None:
        status = self.field("Status")
        return status.value if status else None

    @property
    def tables(self) -> list[Table]:
        found = [b.node for b in self.preamble if isinstance(b.node, Table)]
        for section in self.walk():
            found += [b.node for b in section.blocks if isinstance(b.node, Table)]
        return found

    @property
    def checklist(self) -> list[ListItem]:
        return [item for section in self.walk() for item in section.checklist]

    @property
    def code_blocks(self) -> list[CodeBlock]:
        return [code for section in self.walk() for code in section.code_blocks]

    def table(self, label: str) -> Table | None:
        """The table under a bold label such as ``**Document History**`` (the first, when
        several have one label).  The labels are gathered in one walk, on first use: rules
        ask for several labelled tables of every spec."""
        if self._labelled is None:
            labelled: dict[str, Table] = {}
            for table in self.tables:
                if table.label is not None:
                    labelled.setdefault(table.label.casefold(), table)
            self._labelled = labelled
        return self._labelled.get(label.casefold())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the model (used by ``techspec show --format json`` and the API)."""
        return _spec_dict(self)


def _walk(sections: list[Section]) -> Iterator[Section]:
    """One loop with a stack of sections to visit, rather than nested generators, whose
    cost grows with the depth of every yield."""
    stack = sections[::-1]
    while stack:
        section = stack.pop()
        yield section
        if section.children:
            stack += section.children[::-1]


def _find_field(fields: list[Field], key: str) -> Field | None:
    wanted = key.casefold()
    for candidate in fields:
        if candidate.key.casefold() == wanted:
            return candidate
    return None


def _spec_dict(spec: Spec) -> dict[str, Any]:
    return {
        "path": spec.path,
        "title": spec.title,
        "title_line": spec.title_line,
        "status": spec.status,
        "line_count": spec.line_count,
        "front_matter": spec.front_matter,
        "metadata": [asdict(f) for f in spec.metadata],
        "sections": [_section_dict(s) for s in spec.sections],
        "links": [asdict(link) for link in spec.links],
        "placeholders": [asdict(p) for p in spec.placeholders],
        "comments": [asdict(c) for c in spec.comments],
    }


def _section_dict(section: Section) -> dict[str, Any]:
    return {
        "title": section.title,
        "level": section.level,
        "path": section.path,
        "line": section.line,
        "end_line": section.end_line,
        "fields": [asdict(f) for f in section.fields],
        "blocks": [_block_dict(b) for b in section.blocks],
        "children": [_section_dict(c) for c in section.children],
    }


def _block_dict(block: Block) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": block.kind, "line": block.line, "end_line": block.end_line}
    if block.node is not None:
        data.update(asdict(block.node))
    elif block.text:
        data["text"] = block.text
    return data
