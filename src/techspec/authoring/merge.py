"""Three-way merge of a spec, section by section.

A save based on an older revision meets what was saved meanwhile: ``base`` is the
revision the person edited, ``mine`` their text and ``theirs`` the current revision.
Sections are matched as :mod:`techspec.authoring.diff` matches them (by path, and by
occurrence among sections with one path); the text before the first section heading
(the title, the metadata and anything else there) is one more section,
:data:`HEAD`.  A section's text runs from its heading to the next heading.

For each section, comparing texts without regard to line endings or trailing blank
lines:

* unchanged on one side: the other side's text (an edit, an addition or a deletion);
* changed alike on both sides: that text;
* otherwise (changed differently, deleted on one side and changed on the other, added
  on both with different text) a :class:`SectionConflict`, which a :class:`Pick`
  resolves.

Order: the sections neither side moved keep the base's order (a deleted one still marks
its place); a section one side added or moved follows the section before it on that
side, theirs before mine where both put sections at one place.  A section both sides
moved to different places is a conflict too.

Pure and about linear: one parse per text, a dictionary per side and the longest
increasing run of :func:`techspec.authoring.diff.longest_common` (n log n in sections).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from techspec.authoring.diff import Key, keyed_sections, label, longest_common
from techspec.document.parser import parse

Side = Literal["mine", "theirs"]
HEAD = "(title and metadata)"
_HEAD_KEY: Key = (HEAD, -1)
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Pick:
    """A person's choice for a conflicting section: one side's text, or ``text`` of
    their own (which replaces the section; empty removes it)."""

    side: Side
    text: str | None = None


@dataclass(frozen=True, slots=True)
class SectionConflict:
    """A section both sides changed: its texts (``None`` where it is absent), line
    endings as ``\\n`` and without trailing blank lines."""

    path: str
    reason: str
    base: str | None
    mine: str | None
    theirs: str | None


@dataclass(frozen=True, slots=True)
class Merge:
    """The merged text, or the conflicts left (then ``text`` is ``None``); ``mine`` and
    ``theirs`` name the sections whose text or place came from that side."""

    text: str | None
    conflicts: list[SectionConflict] = field(default_factory=list)
    mine: list[str] = field(default_factory=list)
    theirs: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.text is not None


def merge(base: str, mine: str, theirs: str, picks: Mapping[str, Pick] | None = None) -> Merge:
    """Merge ``base`` -> ``mine`` with ``base`` -> ``theirs``; ``picks`` resolve the
    conflicts they name (by :attr:`SectionConflict.path`)."""
    sides = _Version(base), _Version(mine), _Version(theirs)
    return _Merger(*sides, picks or {}, _newline(theirs)).run()


def section_text(text: str) -> str:
    """A section's text as a conflict shows it: ``\\n`` line endings, no trailing
    blank lines."""
    return "\n".join(_trim(_LINE_END.split(text)))


class _Version:
    """One text cut into its head and its sections' texts, in document order."""

    def __init__(self, text: str) -> None:
        body = text.removeprefix("\ufeff")
        keyed = keyed_sections(parse(body))
        offsets = [0, *(match.end() for match in _LINE_END.finditer(text))]
        cuts = [offsets[min(section.line, len(offsets)) - 1] for _, section in keyed]
        cuts.append(len(text))
        self.order: list[Key] = [key for key, _ in keyed]
        self.chunks: dict[Key, str] = {_HEAD_KEY: text[: cuts[0]]}
        for index, key in enumerate(self.order):
            self.chunks[key] = text[cuts[index] : cuts[index + 1]]
        self.at = {key: index for index, key in enumerate(self.order)}

    def before(self, key: Key) -> Key | None:
        """The section before ``key`` on this side (``None`` at the start)."""
        index = self.at[key]
        return self.order[index - 1] if index else None


@dataclass(slots=True)
class _Outcome:
    text: str | None
    owner: Side | None
    """The side whose place the section takes, when it is not in the base's order."""
    conflict: SectionConflict | None = None


class _Merger:
    def __init__(
        self,
        base: _Version,
        mine: _Version,
        theirs: _Version,
        picks: Mapping[str, Pick],
        newline: str,
    ) -> None:
        self.base, self.mine, self.theirs = base, mine, theirs
        self.picks = picks
        self.newline = newline
        self.moved_mine = _moved(base, mine)
        self.moved_theirs = _moved(base, theirs)
        self.outcomes: dict[Key, _Outcome] = {}
        self.from_mine: list[str] = []
        self.from_theirs: list[str] = []

    def run(self) -> Merge:
        self.outcomes[_HEAD_KEY] = self._decide(_HEAD_KEY)
        for key in [*self.mine.order, *self.theirs.order, *self.base.order]:
            if key not in self.outcomes:
                self.outcomes[key] = self._decide(key)
        order = [_HEAD_KEY, *self._order()]
        conflicts = [c for key in order if (c := self.outcomes[key].conflict) is not None]
        if conflicts:
            return Merge(None, conflicts, self.from_mine, self.from_theirs)
        texts = [t for key in order if (t := self.outcomes[key].text) is not None and t]
        return Merge(self._join(texts), [], self.from_mine, self.from_theirs)

    # -- what each section holds ----------------------------------------------------

    def _decide(self, key: Key) -> _Outcome:
        b, m, t = (side.chunks.get(key) for side in (self.base, self.mine, self.theirs))
        nb, nm, nt = _norm(b), _norm(m), _norm(t)
        owner = self._owner(key)
        name = HEAD if key == _HEAD_KEY else label(key)
        if owner is not None and key in self.base.at:
            self._note(owner, name)  # moved there
        text: str | None = None
        reason = self._placement_clash(key)
        if nm == nt:
            text = t if m == b or m is None else m
        elif nm == nb:
            text = t
            self._note("theirs", name)
        elif nt == nb:
            text = m
            self._note("mine", name)
        else:
            reason = _reason(b, m, t)
        if reason is None:
            return _Outcome(text, owner)
        pick = self.picks.get(name)
        if pick is None:
            conflict = SectionConflict(name, reason, _norm(b), _norm(m), _norm(t))
            return _Outcome(None, owner, conflict)
        self._note(pick.side, name)
        chosen = m if pick.side == "mine" else t
        if pick.text is not None:
            chosen = self._own(pick.text)
        side = self.mine if pick.side == "mine" else self.theirs
        place: Side = pick.side if key in side.at else _other(pick.side)
        return _Outcome(chosen, place if owner is not None else None)

    def _note(self, side: Side, name: str) -> None:
        found = self.from_mine if side == "mine" else self.from_theirs
        if name not in found:
            found.append(name)

    def _owner(self, key: Key) -> Side | None:
        """Whose order places ``key``: ``None`` for a section in the base's order."""
        if key == _HEAD_KEY:
            return None
        in_mine, in_theirs = key in self.mine.at, key in self.theirs.at
        if key not in self.base.at:
            return "theirs" if in_theirs else "mine"
        moved_mine = key in self.moved_mine and in_mine
        moved_theirs = key in self.moved_theirs and in_theirs
        if moved_mine and not moved_theirs:
            return "mine"
        if moved_theirs:
            return "theirs"
        return None

    def _placement_clash(self, key: Key) -> str | None:
        """Moved by both sides to different places (after different sections)?"""
        if key not in self.moved_mine or key not in self.moved_theirs:
            return None
        if key not in self.mine.at or key not in self.theirs.at:
            return None
        if self.mine.before(key) == self.theirs.before(key):
            return None
        return "moved to different places on both sides"

    def _own(self, text: str) -> str:
        lines = _trim(_LINE_END.split(text))
        return self.newline.join(lines) + self.newline * 2 if lines else ""

    # -- where each section goes ----------------------------------------------------

    def _order(self) -> list[Key]:
        """Every section with an outcome, in the merged order (see the module's doc)."""
        moved = self.moved_mine | self.moved_theirs
        anchors = [key for key in self.base.order if key not in moved]
        fixed = set(anchors)
        theirs = self._runs(self.theirs, "theirs", fixed)
        mine = self._runs(self.mine, "mine", fixed)
        order: list[Key] = []
        for anchor in [None, *anchors]:
            if anchor is not None and self._present(anchor):
                order.append(anchor)
            order.extend(theirs.get(anchor, []))
            order.extend(mine.get(anchor, []))
        return order

    def _runs(self, version: _Version, side: Side, fixed: set[Key]) -> dict[Key | None, list[Key]]:
        """The sections ``side`` places, each after the last fixed section before it."""
        runs: dict[Key | None, list[Key]] = {}
        anchor: Key | None = None
        for key in version.order:
            if key in fixed:
                anchor = key
            elif self.outcomes[key].owner == side and self._present(key):
                runs.setdefault(anchor, []).append(key)
        return runs

    def _present(self, key: Key) -> bool:
        outcome = self.outcomes[key]
        return outcome.text is not None or outcome.conflict is not None

    def _join(self, texts: list[str]) -> str:
        joined: list[str] = []
        for index, text in enumerate(texts):
            joined.append(text)
            if index + 1 < len(texts) and not text.endswith(("\n", "\r")):
                joined.append(self.newline * 2)
        return "".join(joined)


def _moved(base: _Version, side: _Version) -> set[Key]:
    """Sections in both whose order ``side`` changed (outside the longest common run)."""
    first = [key for key in base.order if key in side.at]
    second = [key for key in side.order if key in base.at]
    kept = longest_common(first, second)
    return {key for key in first if key not in kept}


def _reason(base: str | None, mine: str | None, theirs: str | None) -> str:
    if base is None:
        return "added on both sides with different text"
    if mine is None:
        return "you removed it; it was changed meanwhile"
    if theirs is None:
        return "you changed it; it was removed meanwhile"
    return "changed on both sides"


def _norm(text: str | None) -> str | None:
    return None if text is None else section_text(text)


def _trim(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _newline(text: str) -> str:
    found = _LINE_END.search(text)
    return found.group() if found else "\n"


def _other(side: Side) -> Side:
    return "theirs" if side == "mine" else "mine"
