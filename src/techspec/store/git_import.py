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
rather than merged into the first one's history.  A matching file that is not a spec
(a README) or no file at all (a submodule) is ignored, as ``techspec lint`` ignores
non-specs found in a directory: it is reported, but it is no failure to import.

Idempotency: the audit event written with each imported revision carries
``git_commit`` and ``git_path``, and a commit that changed a spec's file but not its
text (a pure rename) leaves a ``spec.unchanged`` event with the same details.  Running
again continues each spec after the newest commit either event names, so only new
commits add revisions; no table or column is needed.  A spec changed in the store after
its last import (an edit or a workflow step), one that was never imported from git, one
deleted in the store, or one whose last imported commit is no longer on the main line (a
rewritten history) is skipped with a reason and left as it is.  Such a spec is reported
on every run (exit status 1) until someone settles it, as a lint error is: silence would
let the store and the repository drift apart unnoticed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from techspec.document.files import decode_within_limit
from techspec.errors import InputError
from techspec.lint.template import Template, builtin_template
from techspec.store import audit, lineage, search
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

Outcome = Literal["created", "revised", "unchanged", "skipped", "ignored"]
"""``skipped``: a spec that could not be imported, a failure; ``ignored``: a file that
is not a spec, which is none."""
ROLE = "author"
"""The role of a user created for a commit author the store did not know."""
UNCHANGED = "spec.unchanged"
"""The audit action for a commit that changed a spec's file but not its text."""


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
    ``**/`` crosses them).  Commits imported before add nothing; a file skipped or
    ignored for the same reason in many commits is reported once.  A glob that matches
    only files that are not specs is an error, as it is for a directory given to lint."""
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
    if not run.saw_spec and all(result.outcome == "ignored" for result in results):
        raise InputError(f"no spec among the files --path {glob!r} matches", path=repo)
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
        self.saw_spec = False
        """Whether any matching file was a spec (in the store already, or by its text)."""

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
        self.saw_spec = self.saw_spec or state.record is not None
        if state.blocked:
            return step.result("skipped", reason=state.blocked)
        if self.places[step.commit.sha] <= state.done:
            return None  # imported by an earlier run
        if step.change.mode == SUBMODULE:
            return step.result("ignored", reason="a submodule, not a file")
        try:
            text = decode_within_limit(self.read(step.change.blob), step.change.path)
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
            return step.result("ignored", reason=reason)
        self.saw_spec = True
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
            with self.store.write() as connection:
                _audit_unchanged(connection, record.id, current.number, step)
            return self._done(step, record, "unchanged")
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
        name = author_name(commit.author, commit.email)
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
    _remember_name(connection, spec_id, step)
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


def _audit_unchanged(connection: Connection, spec_id: int, number: int, step: _Step) -> None:
    """Inside a write transaction: note that the commit changed the spec's file but not
    its text (revision ``number`` stays current), so that a later run starts after it."""
    _remember_name(connection, spec_id, step)
    details = {
        "slug": step.slug,
        "kind": "import",
        "git_commit": step.commit.sha,
        "git_path": step.change.path,
    }
    audit.record(
        connection, actor=None, action=UNCHANGED, spec_id=spec_id, revision=number, details=details
    )


def _remember_name(connection: Connection, spec_id: int, step: _Step) -> None:
    """A renamed file's new stem names its spec too, so that a later plain import of
    that file revises this spec rather than creating another (:mod:`techspec.store.lineage`)."""
    stem = PurePosixPath(step.change.path).stem
    if stem != step.slug:
        lineage.remember(connection, stem, spec_id)


def last_import(store: Store, spec_id: int) -> tuple[str, int] | None:
    """The newest commit imported for the spec (as a revision, or as unchanged) and the
    revision number that was current after it."""
    for event in reversed(audit.events(store, spec_id=spec_id)):
        sha = event.details.get("git_commit")
        if event.action in ("spec.created", "spec.revised", UNCHANGED) and isinstance(sha, str):
            return sha, event.revision or 0
    return None


def author_name(name: str, email: str) -> str:
    """The store user for a commit author: the name, else the email (git allows an empty
    name in a commit), each made one line without ``|`` or control characters, which a
    user name may not contain, so that no author can stop an import half way."""
    return _one_line(name) or _one_line(email) or "unknown"


def _one_line(text: str) -> str:
    spaced = (" " if ch == "|" or unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join("".join(spaced).split())[:200]


def _find_or_add(store: Store, name: str) -> User:
    try:
        return find_user(store, name)
    except NotFound:
        pass
    try:
        return add_user(store, name, [ROLE])
    except Conflict:
        return find_user(store, name)  # added meanwhile by another import


def _once(results: list[GitImported]) -> list[GitImported]:
    """Drop repeats of a skip: the same file skipped for the same reason in later commits."""
    seen: set[tuple[str, str]] = set()
    kept: list[GitImported] = []
    for result in results:
        key = (result.path, result.reason)
        if result.outcome in ("skipped", "ignored") and key in seen:
            continue
        seen.add(key)
        kept.append(result)
    return kept
