"""What changed in a spec's *content* between two texts: the diff a reviewer reads to
decide again after an approval went stale.

The workflow's own writing (the Status value, sign-off cells, ticked review boxes, its
history rows) is what the content hash leaves out (:func:`normalize`), and ticked work
boxes are progress, not a change: both texts are normalized before the section diff, so
none of that shows.  A section that only moved is no change of content either.  The web's
side panel and ``techspec diff --since-my-approval`` both show this one diff.
"""

from __future__ import annotations

from techspec.authoring.content_hash import normalize
from techspec.authoring.diff import SpecDiff, diff_specs
from techspec.lint.template import Template


def content_changes(old: str, new: str, template: Template) -> SpecDiff:
    """The section changes of content from ``old`` to ``new`` (see the module's doc)."""
    found = diff_specs(normalize(old, template), normalize(new, template))
    moved_only = [change for change in found.sections if change.kind != "moved"]
    return SpecDiff(moved_only, found.metadata, found.progress)
