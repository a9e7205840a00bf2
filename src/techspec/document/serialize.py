"""JSON-ready views of the model, for ``techspec show --format json`` and the API."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from techspec.document.model import Block, Section, Spec


def spec_to_dict(spec: Spec) -> dict[str, Any]:
    return {
        "path": spec.path,
        "title": spec.title,
        "title_line": spec.title_line,
        "status": spec.status,
        "line_count": spec.line_count,
        "front_matter": spec.front_matter,
        "metadata": [asdict(f) for f in spec.metadata],
        "sections": [_section(s) for s in spec.sections],
        "links": [asdict(link) for link in spec.links],
        "placeholders": [asdict(p) for p in spec.placeholders],
        "comments": [asdict(c) for c in spec.comments],
    }


def _section(section: Section) -> dict[str, Any]:
    return {
        "title": section.title,
        "level": section.level,
        "path": section.path,
        "line": section.line,
        "end_line": section.end_line,
        "fields": [asdict(f) for f in section.fields],
        "blocks": [_block(b) for b in section.blocks],
        "children": [_section(c) for c in section.children],
    }


def _block(block: Block) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": block.kind, "line": block.line, "end_line": block.end_line}
    if block.node is not None:
        data.update(asdict(block.node))
    elif block.text:
        data["text"] = block.text
    return data
