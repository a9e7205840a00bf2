"""Specs in and out of the store as files: import (files, directories, a git history)
and export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from techspec.lint.template import Template
from techspec.service.permissions import (
    Actor,
    acting_user,
    require_admin,
    require_author,
    require_owner,
    require_reader,
)
from techspec.store import git_import, importer
from techspec.store.engine import Store
from techspec.store.git_import import GitImported
from techspec.store.importer import Found, Imported
from techspec.store.records import SpecRecord


def import_files(
    store: Store,
    actor: Actor,
    files: list[Found],
    *,
    template: Template | None = None,
    message: str = "",
    progress: Callable[[Path], None] | None = None,
    override: bool = False,
) -> list[Imported]:
    """Import what :func:`~techspec.store.importer.collect` found: a file that would
    create a spec the actor may not create, or revise one that is not theirs, is
    skipped with the reason (the same one the API and the web give)."""

    def may_write(spec: SpecRecord | None) -> None:
        if spec is None:
            require_author(actor, "create specs")
        else:
            require_owner(store, actor, spec, "edit", override=override)

    return importer.import_paths(
        store,
        files,
        author=acting_user(actor),
        template=template,
        message=message,
        progress=progress,
        may_write=may_write,
    )


def import_git(
    store: Store, actor: Actor, repo: str, glob: str, *, template: Template | None = None
) -> list[GitImported]:
    """A git history, commit by commit, each revision by its commit's author: only an
    admin (or the console) may write in other people's names."""
    require_admin(actor, "import a git history (its revisions carry the commits' authors)")
    return git_import.import_git(store, repo, glob, template=template)


def export(store: Store, actor: Actor, directory: Path) -> list[Path]:
    """Write each live spec's current revision to ``directory/SLUG.md``, byte for byte."""
    require_reader(actor)
    return importer.export_dir(store, directory)
