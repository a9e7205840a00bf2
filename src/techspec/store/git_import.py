"""Import the history of specs kept in git: each commit that changed a spec becomes a revision.

The walk follows the first parent of ``HEAD``, oldest first, so a merged side branch
arrives as one change (the merge commit, diffed against the main line).  Each revision
takes its commit's author (a store user of that name, created with the ``author`` role
when missing), author date (as the revision time) and message, and its text is the
file's bytes at that commit.  A git history is a record, not an edit: the workflow's
rule that only the workflow changes the Status line does not apply to it.

Identity: a spec is named by the file stem its file had when it first appeared in the
history, and keeps that name across renames (``git log -M``), so the name never depends
on when an import ran.  A second live file with the same stem is skipped with a reason
rather than merged into the first one's history.

Idempotency: the audit event written with each imported revision carries
``git_commit`` and ``git_path``.  Running again continues each spec after its last
imported commit, so only new commits add revisions; no table or column is needed.  A
spec changed in the store after its last import (an edit or a workflow step), one that
was never imported from git, or one whose last imported commit is no longer on the
main line (a rewritten history) is skipped with a reason and left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from techspec.errors import InputError
from techspec.files import MAX_BYTES, decode
from techspec.store import audit, search
from techspec.store.engine import Store
from techspec.store.errors import Conflict, NotFound
from techspec.store.facts import Facts, facts
from techspec.store.git_log import (
    DEFAULT_GLOB,
    SUBMODULE,
    Change,
    Commit,
    Names,
    blob_reader,
    check_repository,
    first_parent_log,
    positions,
)
from techspec.store.records import SpecRecord, spec_record

# The writers under ``create_spec`` and ``save``, which date a revision now(): a revision
# from git is dated by its commit.
from techspec.store.revisions import (
    _SLUG,
    _ensure_template,
    _insert_revision,
    _listing,
    resolve,
    revision_row,
    template_of,
)
from techspec.store.schema import specs
from techspec.store.users import User, add_user, find_user
from techspec.template import Template, builtin_template

Outcome = Literal["created", "revised", "unchanged", "skipped"]
ROLE = "author"
"""The role of a user created for a commit author the store did not know."""


@dataclass(frozen=True, slots=True)
class GitImported:
    """What one commit's change to one file did in the store."""

    commit: str
    path: str
    slug: str
    outcome: Outcome
    revision: int | None = None
    reason: str = ""


def import_git(
    store: Store, repo: str, glob: str = DEFAULT_GLOB, *, template: Template | None = None
) -> list[GitImported]:
    """Import every first-parent commit of ``repo`` that changed a file matching ``glob``
    (a git glob relative to the repository's root: ``*`` stays within a directory,
    ``**/`` crosses them).  Commits imported before add nothing; a file skipped for the
    same reason in many commits is reported once."""
    check_repository(repo)
    commits = first_parent_log(repo, glob)
    if not commits:
        raise InputError(f"no file in the history of HEAD matches --path {glob!r}", path=repo)
    results: list[GitImported] = []
    with blob_reader(repo) as read:
        run = _Run(store, template, positions(repo), read)
        for commit in commits:
            for change in commit.changes:
                result = run.apply(commit, change)
                results.extend([result] if result is not None else [])
    return _once(results)


# -- writing the store ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Spec:
    """A slug in the store: its record and the place of its last imported commit, or why
    git may not add to it."""

    record: SpecRecord | None
    done: int = -1
    blocked: str = ""


@dataclass(frozen=True, slots=True)
class _Step:
    """One commit's change to one file, bound for spec ``slug``."""

    commit: Commit
    change: Change
    slug: str

    def result(
        self, outcome: Outcome, revision: int | None = None, reason: str = ""
    ) -> GitImported:
        return GitImported(self.commit.sha, self.change.path, self.slug, outcome, revision, reason)


class _Run:
    def __init__(
        self,
        store: Store,
        template: Template | None,
        places: dict[str, int],
        read: Callable[[str], bytes],
    ) -> None:
        self.store, self.template, self.places, self.read = store, template, places, read
        self.names = Names()
        self.specs: dict[str, _Spec] = {}
        self.users: dict[str, User] = {}

    def apply(self, commit: Commit, change: Change) -> GitImported | None:
        slug, reason = self.names.follow(change)
        step = _Step(commit, change, slug)
        if change.status == "D":
            return None  # the spec stays in the store; a later file of that name continues it
        if reason:
            return step.result("skipped", reason=reason)
        for _attempt in range(3):
            try:
                return self._apply(step)
            except Conflict:
                self.specs.pop(slug, None)  # written meanwhile: read it again
        raise Conflict(f"spec '{slug}' kept changing while it was imported")

    def _apply(self, step: _Step) -> GitImported | None:
        state = self.specs.get(step.slug) or self._load(step.slug)
        self.specs[step.slug] = state
        if state.blocked:
            return step.result("skipped", reason=state.blocked)
        if self.places[step.commit.sha] <= state.done:
            return None  # imported by an earlier run
        if step.change.mode == SUBMODULE:
            return step.result("skipped", reason="a submodule, not a file")
        try:
            text = _text(self.read(step.change.blob), step.change.path)
        except InputError as error:
            return step.result("skipped", reason=error.message)
        if state.record is None:
            return self._create(step, text)
        return self._revise(step, state.record, text)

    def _load(self, slug: str) -> _Spec:
        with self.store.read() as connection:
            row = connection.execute(sa.select(specs).where(specs.c.slug == slug)).first()
        if row is None:
            return _Spec(None)
        record = spec_record(row)
        last = last_import(self.store, record.id)
        blocked = _blocked(record, last, self.places)
        return _Spec(record, self.places[last[0]] if last and not blocked else -1, blocked)

    def _create(self, step: _Step, text: str) -> GitImported:
        slug = step.slug
        if not _SLUG.match(slug) or slug != slug.strip() or "\ufffd" in slug:
            return step.result("skipped", reason=f"invalid spec name {slug!r}")
        template = self.template or builtin_template()
        found = facts(text, template)
        if not found.is_spec:
            reason = f"not a spec: no '# {template.title}' heading and no metadata or sections"
            return step.result("skipped", reason=reason)
        author = self._author(step.commit)
        try:
            with self.store.write() as connection:
                _ensure_template(connection, template)
                spec_id = connection.execute(
                    sa.insert(specs)
                    .values(
                        slug=slug,
                        template_sha256=template.sha256,
                        current_revision=1,
                        created_at=step.commit.at,
                        updated_at=step.commit.at,
                        **_listing(found),
                    )
                    .returning(specs.c.id)
                ).scalar_one()
                record = _write(connection, spec_id, 1, text, found, author, step)
        except IntegrityError:
            raise Conflict(f"a spec named '{slug}' already exists") from None
        return self._done(step, record, "created")

    def _revise(self, step: _Step, record: SpecRecord, text: str) -> GitImported:
        with self.store.read() as connection:
            current = revision_row(connection, record)
            template = template_of(connection, record)
        if text == current.text:
            return step.result("unchanged", current.number)
        found = facts(text, template)
        author = self._author(step.commit)
        base = record.current_revision
        with self.store.write() as connection:
            moved = connection.execute(
                sa.update(specs)
                .where(specs.c.id == record.id, specs.c.current_revision == base)
                .values(current_revision=base + 1, updated_at=step.commit.at, **_listing(found))
            )
            if moved.rowcount != 1:
                raise Conflict(f"spec '{record.slug}' changed while it was imported")
            updated = _write(connection, record.id, base + 1, text, found, author, step)
        return self._done(step, updated, "revised")

    def _done(self, step: _Step, record: SpecRecord, outcome: Outcome) -> GitImported:
        self.specs[record.slug] = _Spec(record, self.places[step.commit.sha])
        return step.result(outcome, record.current_revision)

    def _author(self, commit: Commit) -> User:
        name = " ".join(commit.author.replace("|", " ").split())[:200] or commit.email or "unknown"
        if name not in self.users:
            self.users[name] = _find_or_add(self.store, name)
        return self.users[name]


def _blocked(record: SpecRecord, last: tuple[str, int] | None, places: dict[str, int]) -> str:
    """Why git may not add to a spec already in the store ('' when it may)."""
    name = f"spec '{record.slug}'"
    if record.deleted:
        return f"{name} was deleted in the store"
    if last is None:
        return f"{name} is in the store but was not imported from git"
    if last[0] not in places:
        return f"{name} was imported from {last[0][:12]}, not on HEAD's first-parent line"
    if last[1] != record.current_revision:
        return (
            f"{name} changed in the store after r{last[1]}, its last import from git "
            f"(now r{record.current_revision}): not overwritten"
        )
    return ""


def _write(
    connection: Connection,
    spec_id: int,
    number: int,
    text: str,
    found: Facts,
    author: User,
    step: _Step,
) -> SpecRecord:
    """Inside a write transaction: store revision ``number`` dated by its commit, index
    it, and audit it with the commit that makes a later run skip it."""
    commit = step.commit
    _insert_revision(
        connection, spec_id, number, text, found, author, commit.at, commit.message, "import"
    )
    search.index_spec(connection, spec_id, found.title or "", text)
    details: dict[str, str | int] = {
        "slug": step.slug,
        "sha256": found.sha256,
        "content_hash": found.content_hash,
        "kind": "import",
        "git_commit": commit.sha,
        "git_path": step.change.path,
    }
    if number > 1:
        details["base"] = number - 1
    action = "spec.created" if number == 1 else "spec.revised"
    audit.record(
        connection,
        actor=author.name,
        action=action,
        spec_id=spec_id,
        revision=number,
        details=details,
    )
    return resolve(connection, f"#{spec_id}")


def last_import(store: Store, spec_id: int) -> tuple[str, int] | None:
    """The commit and revision number of the spec's newest revision imported from git."""
    for event in reversed(audit.events(store, spec_id=spec_id)):
        sha = event.details.get("git_commit")
        if event.action in ("spec.created", "spec.revised") and isinstance(sha, str):
            return sha, event.revision or 0
    return None


def _find_or_add(store: Store, name: str) -> User:
    try:
        return find_user(store, name)
    except NotFound:
        pass
    try:
        return add_user(store, name, [ROLE])
    except Conflict:
        return find_user(store, name)  # added meanwhile by another import


def _text(data: bytes, path: str) -> str:
    if len(data) > MAX_BYTES:
        raise InputError(f"file is over the {MAX_BYTES // (1024 * 1024)} MiB limit for a spec")
    return decode(data, path)


def _once(results: list[GitImported]) -> list[GitImported]:
    """Drop repeats of a skip: the same file skipped for the same reason in later commits."""
    seen: set[tuple[str, str]] = set()
    kept: list[GitImported] = []
    for result in results:
        key = (result.path, result.reason)
        if result.outcome == "skipped" and key in seen:
            continue
        seen.add(key)
        kept.append(result)
    return kept
