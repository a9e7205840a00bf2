"""The dashboard: what needs the signed-in user, and the state of the portfolio.

Counts and lists come from the store's listing (:mod:`techspec.store.search`), which
reads the facts copied onto each spec at save time; only the few specs shown with open
tasks or High risks are parsed again, to name the tasks and risks themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from techspec.authoring.writeback import signoff_roles
from techspec.document.parser import parse
from techspec.lint.linter import LintContext
from techspec.lint.template import Template, builtin_template
from techspec.store import approvals, revisions, search
from techspec.store.engine import Store
from techspec.store.facts import RISK_COLUMNS
from techspec.store.lifecycle import lifecycle
from techspec.store.records import SpecRecord
from techspec.store.schema import revisions as revision_table
from techspec.store.schema import specs as spec_table
from techspec.store.search import Filters, Listed
from techspec.store.users import User

SHOWN = 8
"""Specs per dashboard list."""
SCANNED = 500
"""Specs in Review (or Draft) looked at for "waiting for me" (and "my drafts")."""
ITEMS = 5
"""Tasks or risks named per spec."""


@dataclass(frozen=True, slots=True)
class Waiting:
    item: Listed
    roles: list[str]


@dataclass(frozen=True, slots=True)
class Items:
    """A spec and some of its open tasks or High risks, by name."""

    item: Listed
    names: list[str]


@dataclass(slots=True)
class Dashboard:
    by_status: list[tuple[str, int]] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    drafts: list[Listed] = field(default_factory=list)
    recent: list[Listed] = field(default_factory=list)
    failing: list[Listed] = field(default_factory=list)
    tasks: list[Items] = field(default_factory=list)
    risks: list[Items] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(count for _status, count in self.by_status)


TemplateOf = Callable[[SpecRecord], Template]


def build(store: Store, user: User, template_of: TemplateOf) -> Dashboard:
    draft, review, approved, _done = lifecycle(builtin_template())
    return Dashboard(
        by_status=by_status(store),
        waiting=waiting_for(store, user, review, template_of),
        drafts=drafts_of(store, user, draft),
        recent=search.list_specs(store, limit=SHOWN),
        failing=search.list_specs(store, Filters(has_errors=True), limit=SHOWN),
        tasks=open_tasks(store, approved, template_of),
        risks=high_risks(store),
    )


def by_status(store: Store) -> list[tuple[str, int]]:
    """Live specs per status: every lifecycle state (also at 0), then any other status."""
    states = builtin_template().statuses
    order = {status.casefold(): i for i, status in enumerate(states)}
    query = (
        sa.select(spec_table.c.status, sa.func.count())
        .where(spec_table.c.deleted == sa.false())
        .group_by(spec_table.c.status)
    )
    with store.read() as connection:
        counted = {row[0] or "No status": int(row[1]) for row in connection.execute(query)}
    known = {status.casefold() for status in counted}
    rows = list(counted.items()) + [(s, 0) for s in states if s.casefold() not in known]
    return sorted(rows, key=lambda r: (order.get(r[0].casefold(), len(order)), r[0]))


def waiting_for(store: Store, user: User, review: str, template_of: TemplateOf) -> list[Waiting]:
    """Specs in Review with a sign-off role ``user`` holds and has not approved on the
    current content, unless ``user`` wrote them (authors may not approve)."""
    found: list[Waiting] = []
    for item in search.list_specs(store, Filters(status=review), limit=SCANNED):
        with store.read() as connection:
            spec = revisions.resolve(connection, f"#{item.id}")
            if user.id in revisions.authors(connection, spec.id):
                continue
            granted = approvals.approved_roles(connection, spec.id, spec.content_hash)
        roles = [
            role
            for role in signoff_roles(template_of(spec))
            if user.has_role(role) and role.casefold() not in granted
        ]
        if roles:
            found.append(Waiting(item, roles))
    return found[:SHOWN]


def drafts_of(store: Store, user: User, draft: str) -> list[Listed]:
    """Drafts whose Author is ``user`` or that ``user`` created."""
    created = sa.select(revision_table.c.spec_id).where(
        revision_table.c.number == 1, revision_table.c.author_id == user.id
    )
    with store.read() as connection:
        mine = set(connection.execute(created).scalars())
    name = user.name.casefold()
    return [
        item
        for item in search.list_specs(store, Filters(status=draft), limit=SCANNED)
        if item.id in mine or (item.author or "").strip().casefold() == name
    ][:SHOWN]


def open_tasks(store: Store, approved: str, template_of: TemplateOf) -> list[Items]:
    """Approved specs with unchecked work items, and the first few of them."""
    found: list[Items] = []
    for item in search.list_specs(store, Filters(status=approved, open_tasks=True), limit=SHOWN):
        spec = revisions.get_spec(store, f"#{item.id}")
        text = revisions.get_revision(store, f"#{item.id}").text
        context = LintContext(parse(text), template_of(spec))
        names = [
            f"{match.section.title}: {task.text}"
            for match in context.matches
            if match.rule.work_items
            for task in match.section.checklist
            if not task.checked
        ]
        found.append(Items(item, names[:ITEMS]))
    return found


def high_risks(store: Store) -> list[Items]:
    """Specs with risks or dependencies rated High, and the rows that say so."""
    found: list[Items] = []
    for item in search.list_specs(store, Filters(high_risks=True), limit=SHOWN):
        spec = parse(revisions.get_revision(store, f"#{item.id}").text)
        names: list[str] = []
        for table in spec.tables:
            columns = [i for i, c in enumerate(table.columns) if c.casefold() in RISK_COLUMNS]
            for row in table.rows:
                high = [table.columns[i] for i in columns if i < len(row) and _is_high(row[i].text)]
                if high and row:
                    names.append(f"{row[0].text} ({', '.join(high)} High)")
        found.append(Items(item, names[:ITEMS]))
    return found


def _is_high(text: str) -> bool:
    return text.strip().casefold() == "high"
