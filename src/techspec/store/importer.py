"""Import spec files into the store and export the current revisions back to files.

A spec's identity is its file name stem (or a later name of its file, see
:mod:`techspec.store.lineage`): re-importing an edited file adds a revision
to the same spec, two files with the same title stay two specs.  Importing the same
bytes again adds nothing.  Each file is its own transaction: a file that cannot be read,
or a named file that is not a spec, is skipped with a reason and leaves nothing behind.  A
file found in a directory that is not a spec (a README) is ignored, as ``techspec lint``
passes over it.  Export writes
each current revision byte for byte, so import -> export round-trips exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from techspec.document.files import markdown_files, read_text
from techspec.errors import InputError, NotASpec, TechspecError
from techspec.lint.template import Template
from techspec.store import lineage, revisions
from techspec.store.engine import Store
from techspec.store.errors import Conflict, StoreError
from techspec.store.records import SpecRecord
from techspec.store.users import User

Outcome = Literal["created", "revised", "unchanged", "skipped", "ignored"]
MayWrite = Callable[[SpecRecord | None], None]
"""Raises when the importing user may not revise this spec (``None``: create a new one)."""


@dataclass(frozen=True, slots=True)
class Imported:
    path: str
    slug: str
    outcome: Outcome
    revision: int | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Found:
    """A file to import; ``searched`` when it was found in a directory rather than named,
    so that not being a spec makes it ignored rather than skipped."""

    path: Path
    searched: bool


def collect(paths: Iterable[str]) -> list[Found]:
    """Files named, plus every ``*.md`` below directories named, in order, once each."""
    found: dict[Path, Found] = {}
    for name in paths:
        named = Path(name)
        searched = named.is_dir()
        for path in markdown_files(named) if searched else [named]:
            found.setdefault(path, Found(path, searched))
    return list(found.values())


def import_paths(
    store: Store,
    files: Iterable[Found],
    *,
    author: User | None = None,
    template: Template | None = None,
    message: str = "",
    progress: Callable[[Path], None] | None = None,
    may_write: MayWrite | None = None,
) -> list[Imported]:
    """Import each file :func:`collect` found.  ``may_write`` is asked before a file
    creates a spec (with ``None``) or revises one; what it raises skips the file with
    its reason."""
    results: list[Imported] = []
    for file in files:
        results.append(
            import_file(
                store,
                file.path,
                author=author,
                template=template,
                message=message,
                searched=file.searched,
                may_write=may_write,
            )
        )
        if progress is not None:
            progress(file.path)
    return results


def import_file(
    store: Store,
    path: Path,
    *,
    author: User | None = None,
    template: Template | None = None,
    message: str = "",
    searched: bool = False,
    may_write: MayWrite | None = None,
) -> Imported:
    """Import one file; ``searched`` says it was found in a directory rather than named,
    so that not being a spec makes it ignored rather than skipped."""
    slug = path.stem
    try:
        text = read_text(path)
        for _attempt in range(3):
            try:
                return _import_text(store, path, slug, text, author, template, message, may_write)
            except Conflict:
                continue  # someone saved the same spec meanwhile: read it again
        raise Conflict(f"spec '{slug}' kept changing while it was imported")
    except StoreError:
        raise
    except NotASpec as error:
        return Imported(str(path), slug, "ignored" if searched else "skipped", None, error.message)
    except TechspecError as error:
        reason = error.message if isinstance(error, InputError) else str(error)
        return Imported(str(path), slug, "skipped", None, reason)


def _import_text(
    store: Store,
    path: Path,
    slug: str,
    text: str,
    author: User | None,
    template: Template | None,
    message: str,
    may_write: MayWrite | None,
) -> Imported:
    with store.read() as connection:
        spec = lineage.for_file(connection, slug)  # a renamed file keeps its spec
    if spec is None:
        if may_write is not None:
            may_write(None)
        saved = revisions.create_spec(
            store,
            slug,
            text,
            author=author,
            template=template,
            message=message or f"imported from {path.name}",
        )
    else:
        if may_write is not None:
            may_write(spec)
        saved = revisions.save(
            store,
            f"#{spec.id}",
            text,
            base=spec.current_revision,
            author=author,
            message=message or f"imported from {path.name}",
            kind="import",
        )
    return Imported(str(path), saved.spec.slug, saved.outcome, saved.revision, saved.note)


def export_dir(store: Store, directory: Path) -> list[Path]:
    """Write ``SLUG.md`` for every live spec's current revision; returns the paths."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"cannot create directory: {error.strerror or error}", path=str(directory)
        ) from None
    written: list[Path] = []
    for slug, text in revisions.current_specs(store):
        target = directory / f"{slug}.md"
        try:
            target.write_bytes(text.encode("utf-8"))
        except OSError as error:
            raise InputError(f"cannot write: {error.strerror or error}", path=str(target)) from None
        written.append(target)
    return written
