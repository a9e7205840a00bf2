"""Section-aware diff between two revisions of a spec.

A line diff of a spec buries what reviewers ask: which sections changed, did the
status move, how far did the checklists get.  Here sections are matched by path (a
second section with the same path is ``Path #2``), so a change is reported against the
section that holds it:

* a section's own body is its source lines from its heading up to the next heading
  (its first child's, or the next section's: lines that parse into no block, such as
  link reference definitions, belong to it too), line endings normalized and trailing
  blank lines dropped; "changed" means the own body differs;
* "moved" means the body is unchanged but the section left the longest run of
  siblings that kept their relative order (so adding a section does not make every
  later sibling "moved"); a section that moved and changed is "changed";
* metadata fields (and the document title, as key ``Title``) are compared by key;
* progress is ``(checked, total)`` over a section's own checklists, nested items
  included; sections present in both revisions are compared;
* text before the first section that is neither the title nor a metadata line is the
  pseudo-section ``(preamble)``.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from techspec.document.model import Section, Spec
from techspec.document.parser import parse

ChangeKind = Literal["added", "removed", "moved", "changed"]
PREAMBLE = "(preamble)"

_LINE_END = re.compile(r"\r\n|\r|\n")
_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@", re.MULTILINE)

Key = tuple[str, int]
"""A section's path and its occurrence among sections with that path."""


@dataclass(slots=True)
class SectionChange:
    path: str
    kind: ChangeKind
    diff: str = ""
    """Unified diff of the section's own body, for "changed"."""
    old_index: int | None = None
    """Position among its siblings before and after (0-based), for "moved" (and for
    "changed" when the section also moved)."""
    new_index: int | None = None


@dataclass(slots=True)
class MetadataChange:
    key: str
    old: str | None
    new: str | None


@dataclass(slots=True)
class ProgressChange:
    path: str
    old: tuple[int, int]
    new: tuple[int, int]
    """``(checked, total)`` of the section's checklist."""


@dataclass(slots=True)
class SpecDiff:
    sections: list[SectionChange] = field(default_factory=list)
    metadata: list[MetadataChange] = field(default_factory=list)
    progress: list[ProgressChange] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.sections or self.metadata or self.progress)


class _Revision:
    """One side of the diff: its sections by key, own bodies and sibling positions."""

    def __init__(self, text: str) -> None:
        body = text.removeprefix("\ufeff")
        self.spec: Spec = parse(body)
        self.lines = _LINE_END.split(body)
        self.sections: dict[Key, Section] = {}
        self.parents: dict[Key, Key | None] = {}
        self.children: dict[Key | None, list[Key]] = {None: []}
        self.order: list[Key] = []
        for key, section in keyed_sections(self.spec):
            self.sections[key] = section
            self.order.append(key)
            self.children[key] = []
        ids = {id(section): key for key, section in self.sections.items()}
        for key, section in self.sections.items():
            for child in section.children:
                self.parents[ids[id(child)]] = key
                self.children[key].append(ids[id(child)])
        self.children[None] = [ids[id(s)] for s in self.spec.sections]
        for key in self.children[None]:
            self.parents[key] = None
        starts = [section.line for section in self.spec.walk()]
        self.bodies: dict[Key, list[str]] = {}
        for index, key in enumerate(self.order):
            end = starts[index + 1] - 1 if index + 1 < len(starts) else len(self.lines)
            self.bodies[key] = _trim(self.lines[starts[index] - 1 : end])
        self.preamble = self._preamble(starts[0] - 1 if starts else len(self.lines))

    def _preamble(self, end: int) -> list[str]:
        skip = {f.line for f in self.spec.metadata}
        if self.spec.title is not None:
            skip.add(self.spec.title_line)
        return _trim([line for n, line in enumerate(self.lines[:end], 1) if n not in skip])


def keyed_sections(spec: Spec) -> list[tuple[Key, Section]]:
    """Every section of ``spec`` in document order with its key (its path and its
    occurrence among sections with that path): how a diff, and a merge, match sections."""
    seen: dict[str, int] = {}
    keyed: list[tuple[Key, Section]] = []
    for section in spec.walk():
        count = seen.get(section.path, 0)
        seen[section.path] = count + 1
        keyed.append(((section.path, count), section))
    return keyed


def diff_specs(old_text: str, new_text: str) -> SpecDiff:
    """What changed from ``old_text`` to ``new_text``, section by section."""
    old, new = _Revision(old_text), _Revision(new_text)
    result = SpecDiff(metadata=_metadata(old.spec, new.spec))
    if old.preamble != new.preamble:
        diff = _unified(old.preamble, new.preamble, PREAMBLE, 1, 1)
        result.sections.append(SectionChange(PREAMBLE, "changed", diff))
    moved = _moved(old, new)
    for key in _merged_order(old.order, new.order):
        name = label(key)
        if key not in new.sections:
            result.sections.append(SectionChange(name, "removed"))
        elif key not in old.sections:
            result.sections.append(SectionChange(name, "added"))
        elif old.bodies[key] != new.bodies[key]:
            first, second = old.sections[key].line, new.sections[key].line
            diff = _unified(old.bodies[key], new.bodies[key], name, first, second)
            old_index, new_index = moved.get(key, (None, None))
            result.sections.append(SectionChange(name, "changed", diff, old_index, new_index))
        elif key in moved:
            old_index, new_index = moved[key]
            result.sections.append(SectionChange(name, "moved", "", old_index, new_index))
        if key in old.sections and key in new.sections:
            before, after = _progress(old.sections[key]), _progress(new.sections[key])
            if before != after:
                result.progress.append(ProgressChange(name, before, after))
    return result


def format_diff(diff: SpecDiff, *, old_label: str = "old", new_label: str = "new") -> str:
    """A readable report: metadata, progress, then each section change in order."""
    if diff.is_empty():
        return f"No changes between {old_label} and {new_label}.\n"
    out = [f"Changes from {old_label} to {new_label}:"]
    for meta in diff.metadata:
        out.append(f"Metadata: {meta.key}: {_show(meta.old)} -> {_show(meta.new)}")
    for step in diff.progress:
        old, new = step.old, step.new
        out.append(f"Progress: {step.path}: {old[0]}/{old[1]} -> {new[0]}/{new[1]}")
    for change in diff.sections:
        if change.kind == "added":
            out.append(f"+ added section {change.path}")
        elif change.kind == "removed":
            out.append(f"- removed section {change.path}")
        elif change.kind == "moved":
            where = f"position {_position(change.old_index)} -> {_position(change.new_index)}"
            out.append(f"~ moved section {change.path} ({where})")
        else:
            where = ""
            if change.old_index is not None:
                moved = f"{_position(change.old_index)} -> {_position(change.new_index)}"
                where = f" (and moved: position {moved})"
            out.append(f"~ changed section {change.path}{where}")
            out.append(change.diff.rstrip("\n"))
    return "\n".join(out) + "\n"


def diff_to_dict(diff: SpecDiff) -> dict[str, Any]:
    """A JSON-ready view (tuples become lists)."""
    return {
        "empty": diff.is_empty(),
        "sections": [asdict(change) for change in diff.sections],
        "metadata": [asdict(change) for change in diff.metadata],
        "progress": [
            {"path": step.path, "old": list(step.old), "new": list(step.new)}
            for step in diff.progress
        ],
    }


# -- helpers ---------------------------------------------------------------------------


def _metadata(old: Spec, new: Spec) -> list[MetadataChange]:
    def fields(spec: Spec) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        if spec.title is not None:
            found["title"] = ("Title", spec.title)
        for item in spec.metadata:
            found.setdefault(item.key.casefold(), (item.key, item.value))
        return found

    before, after = fields(old), fields(new)
    changes: list[MetadataChange] = []
    for folded in [*after, *(k for k in before if k not in after)]:
        old_value = before.get(folded, (None, None))[1]
        new_value = after.get(folded, (None, None))[1]
        if old_value != new_value:
            name = (after.get(folded) or before[folded])[0]
            changes.append(MetadataChange(name, old_value, new_value))
    return changes


def _moved(old: _Revision, new: _Revision) -> dict[Key, tuple[int, int]]:
    """Sections (in both revisions, same parent) outside the longest in-order run."""
    moved: dict[Key, tuple[int, int]] = {}
    for parent, old_children in old.children.items():
        if parent is not None and parent not in new.sections:
            continue
        new_children = new.children.get(parent, [])
        old_at: dict[Key, int] = {}
        new_at: dict[Key, int] = {}
        for index, key in enumerate(old_children):
            old_at.setdefault(key, index)
        for index, key in enumerate(new_children):
            new_at.setdefault(key, index)
        common_old = [k for k in old_children if k in new_at]
        common_new = [k for k in new_children if k in old_at]
        stable = longest_common(common_old, common_new)
        for key in common_old:
            if key not in stable:
                moved[key] = (old_at[key], new_at[key])
    return moved


def longest_common(first: list[Key], second: list[Key]) -> set[Key]:
    """The keys of a longest common subsequence of two orderings of the same keys: the
    one a table of common-suffix lengths would pick, walked from the start and dropping a
    key of ``first`` rather than of ``second`` on a tie.

    Without the table, whose n x n cells a spec of many sibling sections cannot afford:
    with ``first`` read as positions in ``second``, a common subsequence is an increasing
    one.  Let ``run[i]`` be the longest increasing run that starts at ``first[i]``.  The walk
    keeps, of the keys that can still follow the last one kept, the last whose run is as
    long as what remains to keep; those with one run length have falling positions, so it
    is found by bisection.  O(n log n)."""
    where = {key: index for index, key in enumerate(second)}
    positions = [where[key] for key in first]
    runs = [0] * len(positions)
    tails: list[int] = []  # by run length - 1: the smallest negated position ending one
    for i in range(len(positions) - 1, -1, -1):
        length = bisect_left(tails, -positions[i])
        tails[length : length + 1] = [-positions[i]]
        runs[i] = length + 1
    by_run: dict[int, list[int]] = {}
    for i, run in enumerate(runs):
        by_run.setdefault(run, []).append(i)
    kept: set[Key] = set()
    last, after = -1, 0  # the index of the last key kept, and the least next position
    for left in range(len(tails), 0, -1):
        group = by_run[left]
        later = bisect_right(group, last)  # the group's keys after the last one kept
        rising = [-positions[i] for i in group]  # positions fall along a group
        fitting = bisect_right(rising, -after)  # the group's keys at ``after`` or beyond
        last = group[fitting - 1]  # the last of those that are also after it (there is one)
        assert fitting > later
        kept.add(first[last])
        after = positions[last] + 1
    return kept


def _merged_order(old: list[Key], new: list[Key]) -> list[Key]:
    """Every key once, in new-document order with removed ones where they stood."""
    merged: list[Key] = []
    seen: set[Key] = set()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for _, a1, a2, b1, b2 in matcher.get_opcodes():
        for key in [*old[a1:a2], *new[b1:b2]]:
            if key not in seen:
                seen.add(key)
                merged.append(key)
    return merged


def _progress(section: Section) -> tuple[int, int]:
    items = section.checklist
    return sum(1 for item in items if item.checked), len(items)


def section_diff(old: str, new: str, path: str, old_line: int, new_line: int) -> str:
    """The unified diff of one section's body from ``old`` to ``new`` (each starting at
    the given line of its revision), as :func:`diff_specs` reports a changed section."""
    return _unified(_LINE_END.split(old), _LINE_END.split(new), path, old_line, new_line)


def _unified(old: list[str], new: list[str], path: str, old_line: int, new_line: int) -> str:
    """A unified diff whose hunk headers carry the files' own line numbers."""
    lines = difflib.unified_diff(old, new, f"a/{path}", f"b/{path}", lineterm="")
    text = "\n".join(lines) + "\n"

    def shift(match: re.Match[str]) -> str:
        first = int(match[1]) + old_line - 1
        second = int(match[3]) + new_line - 1
        return f"@@ -{first}{match[2] or ''} +{second}{match[4] or ''} @@"

    return _HUNK.sub(shift, text)


def _trim(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def label(key: Key) -> str:
    """``Path``, or ``Path #2`` for the second section with that path."""
    path, occurrence = key
    return path if occurrence == 0 else f"{path} #{occurrence + 1}"


def _show(value: str | None) -> str:
    return "(none)" if value is None else value


def _position(index: int | None) -> str:
    return "?" if index is None else str(index + 1)
