"""Keep a directory of spec files in step with the store: ``techspec sync DIR``.

Teams keep specs in git and run the workflow in techspec.  For each ``*.md`` under the
directory (and each file a record remembers), with its *base*, the revision the file and
the store last agreed on (:mod:`techspec.service.sync_records`):

=================  ==============  ===============================================
file since base    store since     sync
=================  ==============  ===============================================
unchanged          unchanged       nothing: the file is not touched
unchanged          moved           the store's text is written to the file
changed            unchanged       the file is saved as a revision (``import``); a
                                   workflow write-back the save causes comes back too
changed            moved           merged section by section, as the editor merges
                                   (:mod:`techspec.authoring.merge`); a clean merge
                                   is saved and written; sections both changed are a
                                   ``conflict``: nothing is written, each is reported
new file           (no spec)       a new spec
deleted            unchanged       the spec is deleted in the store
unchanged          deleted         the file is removed
=================  ==============  ===============================================

A conflict is settled by a person: merge the file by hand (``techspec cat SLUG`` prints
the store's text), then ``techspec sync DIR --resolved FILE`` saves the file as an edit
of the store's current revision.  Every write goes through the permission checks the
other front doors use: creating needs an author, revising or deleting an owner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import sqlalchemy as sa

from techspec.authoring.content_hash import revision_sha256
from techspec.authoring.merge import SectionConflict, merge
from techspec.document.files import markdown_files, read_text, replace_text
from techspec.errors import NotASpec, TechspecError
from techspec.lint.template import Template
from techspec.service import sync_records
from techspec.service.permissions import (
    Actor,
    acting_user,
    require_author,
    require_owner,
    require_reader,
)
from techspec.service.sync_records import SyncRecord
from techspec.store import lineage, revisions
from techspec.store.engine import Store
from techspec.store.errors import Forbidden
from techspec.store.records import Revision, SpecRecord, spec_record
from techspec.store.schema import revisions as revisions_table
from techspec.store.schema import specs

Outcome = Literal[
    "unchanged", "written", "imported", "merged", "created", "deleted", "removed", "conflict"
]
Problem = Literal["skipped", "ignored"]


@dataclass(frozen=True, slots=True)
class Synced:
    """What sync did with one file.  ``outcome`` ``conflict`` means a person must act
    (``conflicts`` name the sections, or ``reason`` says why); ``skipped`` is a file
    that could not be synced (``reason``), ``ignored`` one that is not a spec."""

    path: Path
    slug: str
    outcome: Outcome | Problem
    revision: int | None = None
    reason: str = ""
    conflicts: list[SectionConflict] = field(default_factory=list)


def sync_dir(
    store: Store,
    actor: Actor,
    directory: Path,
    *,
    resolved: Iterable[Path] = (),
    template: Template | None = None,
) -> list[Synced]:
    """Sync every spec file under ``directory`` (see the module's doc).  ``resolved``
    files are taken as edits of the store's current revision (a person merged them)."""
    require_reader(actor)
    settled = {path.resolve() for path in resolved}
    files = set(markdown_files(directory)) | set(sync_records.recorded_files(directory))
    run = _Sync(store, actor, directory, template)
    return [run.file(path, path.resolve() in settled) for path in sorted(files)]


class _Sync:
    def __init__(
        self, store: Store, actor: Actor, directory: Path, template: Template | None
    ) -> None:
        self.store, self.actor, self.directory, self.template = store, actor, directory, template

    def file(self, path: Path, resolved: bool) -> Synced:
        record = sync_records.read(self.directory, path)
        try:
            if not path.exists():
                return self._file_deleted(path, record)
            text = read_text(path)
            spec = self._spec_of(path, record)
            if spec is None:
                return self._create(path, text)
            if spec.deleted:
                return self._spec_deleted(path, spec, text, record)
            return self._both(path, spec, text, record, resolved)
        except NotASpec as error:
            return Synced(path, path.stem, "ignored", reason=error.message)
        except Forbidden as error:
            return Synced(path, record.slug if record else path.stem, "skipped", reason=str(error))
        except TechspecError as error:
            reason = getattr(error, "message", None) or str(error)
            return Synced(path, record.slug if record else path.stem, "skipped", reason=reason)

    # -- which spec, which base ------------------------------------------------------

    def _spec_of(self, path: Path, record: SyncRecord | None) -> SpecRecord | None:
        """The record's spec (deleted ones too: the file may need removing), else the
        spec the file's name belongs to."""
        with self.store.read() as connection:
            if record is not None:
                row = connection.execute(
                    sa.select(specs).where(specs.c.id == record.spec_id)
                ).first()
                if row is not None:
                    return spec_record(row)
            return lineage.for_file(connection, path.stem)

    def _base(self, spec: SpecRecord, text: str, record: SyncRecord | None) -> Revision:
        """The revision the file last agreed on: the record's, else the newest with the
        file's text, else the current one (the file is an edit of it, as import says)."""
        number: int | None = None
        if record is not None and record.spec_id == spec.id:
            number = record.revision
        else:
            query = sa.select(sa.func.max(revisions_table.c.number)).where(
                revisions_table.c.spec_id == spec.id,
                revisions_table.c.sha256 == revision_sha256(text),
            )
            with self.store.read() as connection:
                number = connection.execute(query).scalar()
        with self.store.read() as connection:
            return revisions.revision_row(connection, spec, number)

    # -- the cases ---------------------------------------------------------------------

    def _both(
        self,
        path: Path,
        spec: SpecRecord,
        text: str,
        record: SyncRecord | None,
        resolved: bool,
    ) -> Synced:
        current = revisions.get_revision(self.store, f"#{spec.id}")
        base = current if resolved else self._base(spec, text, record)
        file_moved = revision_sha256(text) != (record.sha256 if record else base.sha256)
        if resolved:
            file_moved = text != current.text
        store_moved = current.number != base.number and current.sha256 != base.sha256
        if not file_moved and not store_moved:
            self._keep(path, spec, base)
            return Synced(path, spec.slug, "unchanged", base.number)
        if not file_moved or text == current.text:
            self._write(path, spec, current)
            outcome: Outcome = "written" if text != current.text else "unchanged"
            return Synced(path, spec.slug, outcome, current.number)
        if not store_moved:
            return self._save(path, spec, text, current, "imported")
        merged = merge(base.text, text, current.text)
        if merged.text is None:
            reason = f"changed here and in the store since r{base.number} (now r{current.number})"
            return Synced(path, spec.slug, "conflict", current.number, reason, merged.conflicts)
        return self._save(path, spec, merged.text, current, "merged")

    def _save(
        self, path: Path, spec: SpecRecord, text: str, current: Revision, outcome: Outcome
    ) -> Synced:
        require_owner(self.store, self.actor, spec, "edit")
        saved = revisions.save(
            self.store,
            f"#{spec.id}",
            text,
            base=current.number,
            author=acting_user(self.actor),
            message=f"synced from {path.name}" + (" (merged)" if outcome == "merged" else ""),
            kind="import",
        )
        stored = revisions.get_revision(self.store, f"#{spec.id}", saved.revision)
        self._write(path, spec, stored)
        return Synced(path, spec.slug, outcome, stored.number, saved.note)

    def _create(self, path: Path, text: str) -> Synced:
        require_author(self.actor, "create specs")
        saved = revisions.create_spec(
            self.store,
            path.stem,
            text,
            author=acting_user(self.actor),
            template=self.template,
            message=f"synced from {path.name}",
        )
        stored = revisions.get_revision(self.store, f"#{saved.spec.id}", saved.revision)
        self._keep(path, saved.spec, stored)
        return Synced(path, saved.spec.slug, "created", stored.number)

    def _file_deleted(self, path: Path, record: SyncRecord | None) -> Synced:
        assert record is not None  # only recorded files can be missing
        with self.store.read() as connection:
            row = connection.execute(sa.select(specs).where(specs.c.id == record.spec_id)).first()
        if row is None or spec_record(row).deleted:
            sync_records.remove(self.directory, path)
            return Synced(path, record.slug, "unchanged")
        spec = spec_record(row)
        if spec.current_revision != record.revision:
            reason = (
                f"deleted here, but changed in the store since r{record.revision} "
                f"(now r{spec.current_revision}): restore the file or delete the spec"
            )
            return Synced(path, spec.slug, "conflict", spec.current_revision, reason)
        require_owner(self.store, self.actor, spec, "delete")
        revisions.soft_delete(self.store, f"#{spec.id}", actor=acting_user(self.actor))
        sync_records.remove(self.directory, path)
        return Synced(path, spec.slug, "deleted", spec.current_revision)

    def _spec_deleted(
        self, path: Path, spec: SpecRecord, text: str, record: SyncRecord | None
    ) -> Synced:
        if record is None or revision_sha256(text) != record.sha256:
            reason = "changed here, but the spec was deleted in the store: remove the file"
            return Synced(path, spec.slug, "conflict", None, reason)
        try:
            path.unlink()
        except OSError as error:
            return Synced(path, spec.slug, "skipped", reason=error.strerror or str(error))
        sync_records.remove(self.directory, path)
        return Synced(path, spec.slug, "removed")

    # -- writing files -------------------------------------------------------------------

    def _write(self, path: Path, spec: SpecRecord, revision: Revision) -> None:
        """The store's text into the file (only when it differs), and the new base."""
        if read_text(path) != revision.text:
            replace_text(path, revision.text)
        self._keep(path, spec, revision)

    def _keep(self, path: Path, spec: SpecRecord, revision: Revision) -> None:
        record = SyncRecord(spec.id, spec.slug, revision.number, revision.sha256)
        sync_records.write(self.directory, path, record)
