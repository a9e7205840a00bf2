"""What ``techspec sync`` last agreed on with each file: the base of a three-way sync.

Syncing a file needs its *base*: the revision the file and the store last held alike.
Each file's record is one small JSON file, ``DIR/.techspec-sync/<path>.json``, holding
the spec's id and slug, that revision's number and its sha256 (the file's bytes as
synced).  It lives in the repository beside the specs, not in the store, and is meant
to be committed with them, because the base belongs to a *copy* of the file: two
clones of one repository syncing against one store each know what their own copy last
agreed on.  A clone that has not pulled still holds the old file with the old record,
so its sync sees only the store moved (or merges its own edit) rather than taking its
older file for an edit that reverts someone else's work.  One record per file means
two clones syncing different specs never touch the same record, so git merges their
commits without a conflict.

A missing or unreadable record is no error: the base is then the newest revision
whose text is the file's, if any (a directory filled by ``techspec export`` or
``import`` syncs at once), else the file is taken as an edit of the current revision,
as ``techspec import`` takes it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from techspec.document.files import replace_text
from techspec.errors import InputError

FOLDER = ".techspec-sync"


@dataclass(frozen=True, slots=True)
class SyncRecord:
    """The revision a file last agreed on with the store."""

    spec_id: int
    slug: str
    revision: int
    sha256: str

    def to_json(self) -> str:
        data = {
            "spec_id": self.spec_id,
            "slug": self.slug,
            "revision": self.revision,
            "sha256": self.sha256,
        }
        return json.dumps(data, indent=2) + "\n"


def record_path(directory: Path, spec_file: Path) -> Path:
    """Where ``spec_file``'s record lives: the same relative path under :data:`FOLDER`."""
    relative = spec_file.relative_to(directory)
    return directory / FOLDER / relative.parent / f"{relative.name}.json"


def read(directory: Path, spec_file: Path) -> SyncRecord | None:
    """The file's record, or ``None`` when there is none (or it is not one)."""
    try:
        data = json.loads(record_path(directory, spec_file).read_text(encoding="utf-8"))
        return SyncRecord(
            int(data["spec_id"]), str(data["slug"]), int(data["revision"]), str(data["sha256"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(directory: Path, spec_file: Path, record: SyncRecord) -> None:
    """Keep ``record`` for the file (unchanged bytes are not rewritten)."""
    target = record_path(directory, spec_file)
    text = record.to_json()
    try:
        if target.exists() and target.read_text(encoding="utf-8") == text:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror or error}", path=str(target)) from None
    replace_text(target, text)


def remove(directory: Path, spec_file: Path) -> None:
    """Forget the file's record (the file and its spec are gone)."""
    try:
        os.unlink(record_path(directory, spec_file))
    except FileNotFoundError:
        pass
    except OSError as error:
        raise InputError(f"cannot remove: {error.strerror or error}", path=str(spec_file)) from None


def recorded_files(directory: Path) -> list[Path]:
    """The spec files that have a record, whether or not they still exist."""
    root = directory / FOLDER
    if not root.is_dir():
        return []
    found: list[Path] = []
    for place, _dirs, files in os.walk(root):
        for name in sorted(files):
            if name.endswith(".md.json"):
                relative = (Path(place) / name).relative_to(root)
                found.append(directory / relative.parent / name.removesuffix(".json"))
    return sorted(found)
