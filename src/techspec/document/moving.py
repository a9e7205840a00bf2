"""Moving parsed nodes down the document, for :mod:`techspec.document.reparse`.

Lines inserted above a block move it down: every node of it (block, table cells, list
items, fields, links) gets the same number of lines added, and its piece the bytes.
:func:`copy_piece` copies the nodes, so the previous Spec stays as it was;
:func:`move_piece` changes them in place, at a fraction of the cost, for a caller done
with the previous Spec.
"""

from __future__ import annotations

from techspec.document.model import (
    Block,
    Cell,
    CodeBlock,
    Comment,
    Field,
    Heading,
    Link,
    ListBlock,
    ListItem,
    Piece,
    Placeholder,
    Table,
)

Counts = tuple[int, int, int]
"""What to add to a piece's counts of links, comments and placeholders."""


def copy_piece(piece: Piece, lines: int, moved: int, counts: Counts) -> Piece:
    """A copy of ``piece`` and its nodes, ``lines`` lines and ``moved`` bytes down."""
    block, heading, fields = piece.block, piece.heading, piece.fields
    return Piece(
        piece.start + moved,
        piece.end + moved,
        piece.line + lines,
        piece.end_line + lines,
        _block(block, lines) if block is not None else None,
        piece.label,
        (
            Heading(heading.level, heading.title, heading.line + lines, heading.column)
            if heading is not None
            else None
        ),
        (
            [
                Field(f.key, f.value, f.line + lines, f.column, f.value_column, f.source)
                for f in fields
            ]
            if fields
            else None
        ),
        piece.front_matter,
        piece.atx,
        piece.links + counts[0],
        piece.comments + counts[1],
        piece.placeholders + counts[2],
    )


def _block(block: Block, lines: int) -> Block:
    node = block.node
    if node is None:
        pass
    elif block.kind == "table":
        assert isinstance(node, Table)
        node = Table(
            [Cell(c.text, c.line + lines, c.column) for c in node.header],
            [[Cell(c.text, c.line + lines, c.column) for c in row] for row in node.rows],
            node.line + lines,
            node.end_line + lines,
            node.label,
        )
    elif block.kind == "list":
        assert isinstance(node, ListBlock)
        items = [
            ListItem(item.text, item.line + lines, item.column, item.checked, item.depth)
            for item in node.items
        ]
        node = ListBlock(items, node.ordered, node.line + lines, node.end_line + lines)
    else:
        assert isinstance(node, CodeBlock)
        node = CodeBlock(
            node.info, node.content, node.line + lines, node.end_line + lines, node.fenced
        )
    return Block(block.kind, block.line + lines, block.end_line + lines, block.text, node)


def copy_inline(
    links: list[Link], comments: list[Comment], placeholders: list[Placeholder], lines: int
) -> tuple[list[Link], list[Comment], list[Placeholder]]:
    """Copies of links, comments and placeholders, ``lines`` lines down."""
    return (
        [Link(x.text, x.target, x.line + lines, x.column) for x in links],
        [Comment(x.text, x.line + lines, x.column, x.end_line + lines) for x in comments],
        [
            Placeholder(x.text, x.line + lines, x.column, x.end_column, x.in_code)
            for x in placeholders
        ],
    )


def move_piece(piece: Piece, lines: int, moved: int, counts: Counts) -> Piece:
    """``piece`` itself, with its nodes, ``lines`` lines and ``moved`` bytes down."""
    piece.start += moved
    piece.end += moved
    piece.links += counts[0]
    piece.comments += counts[1]
    piece.placeholders += counts[2]
    if lines:
        piece.line += lines
        piece.end_line += lines
        if piece.block is not None:
            _move_block(piece.block, lines)
        if piece.heading is not None:
            piece.heading.line += lines
        for found in piece.fields or ():
            found.line += lines
    return piece


def _move_block(block: Block, lines: int) -> None:
    block.line += lines
    block.end_line += lines
    node = block.node
    if node is None:
        return
    node.line += lines
    node.end_line += lines
    if isinstance(node, Table):
        for cell in node.header:
            cell.line += lines
        for row in node.rows:
            for cell in row:
                cell.line += lines
    elif isinstance(node, ListBlock):
        for item in node.items:
            item.line += lines


def move_inline(
    links: list[Link], comments: list[Comment], placeholders: list[Placeholder], lines: int
) -> tuple[list[Link], list[Comment], list[Placeholder]]:
    """The same links, comments and placeholders, ``lines`` lines down."""
    if lines:
        for link in links:
            link.line += lines
        for comment in comments:
            comment.line += lines
            comment.end_line += lines
        for placeholder in placeholders:
            placeholder.line += lines
    return links, comments, placeholders
