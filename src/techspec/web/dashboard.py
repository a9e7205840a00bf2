"""The dashboard: what needs the signed-in user, and the state of the portfolio.

Counts and lists come from the store's listing (:mod:`techspec.store.search`), which
reads the facts copied onto each spec at save time, and from the review queue
(:func:`techspec.service.reviews.waiting_for`, exact at any size); only the few specs
shown with open tasks or High risks are parsed again, to name the tasks and risks.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from techspec.document.parser import parse
from techspec.lint.linter import LintContext
from techspec.lint.template import Template, builtin_template
from techspec.service import reviews
from techspec.store import counts, drafts, revisions, search
from techspec.store.engine import Store
from techspec.store.facts import RISK_COLUMNS
from techspec.store.lifecycle import lifecycle
from techspec.store.records import SpecRecord, spec_record
from techspec.store.review_queue import Waiting
from techspec.store.schema import revisions as revision_table
from techspec.store.schema import specs as spec_table
from techspec.store.search import Filters, Listed
from techspec.store.users import User

SHOWN = 8
"""Specs per dashboard list."""
ITEMS = 5
"""Tasks or risks named per spec."""
KEPT = 512
"""Revisions whose named tasks or risks are kept (see :func:`_named`)."""
_NAMES: OrderedDict[tuple[str, str, str], list[str]] = OrderedDict()
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Items:
    """A spec and some of its open tasks or High risks, by name."""

    item: Listed
    names: list[str]


@dataclass(slots=True)
class Dashboard:
    by_status: list[tuple[str, int]] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    waiting_total: int = 0
    """Every spec waiting for the user, of which ``waiting`` shows the latest."""
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
    draft, _review, approved, _done = lifecycle(builtin_template())
    queue = reviews.waiting_for(store, user, limit=SHOWN)
    return Dashboard(
        by_status=by_status(store),
        waiting=queue.items,
        waiting_total=queue.total,
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
    counted: dict[str, int] = {}
    for status, count in counts.by_status(store).items():
        counted[status or "No status"] = counted.get(status or "No status", 0) + count
    known = {status.casefold() for status in counted}
    rows = list(counted.items()) + [(s, 0) for s in states if s.casefold() not in known]
    return sorted(rows, key=lambda r: (order.get(r[0].casefold(), len(order)), r[0]))


def drafts_of(store: Store, user: User, draft: str) -> list[Listed]:
    """The latest drafts whose Author field names ``user`` or that ``user`` created,
    exact at any size (:func:`techspec.store.drafts.latest_drafts`)."""
    with store.read() as connection:
        chosen = drafts.latest_drafts(connection, user.id, user.name, draft, SHOWN)
        if not chosen:
            return []
        shown = (
            sa.select(*search.LISTED_COLUMNS)
            .where(spec_table.c.id.in_(chosen))
            .order_by(spec_table.c.updated_at.desc(), spec_table.c.id.desc())
        )
        return search.listed_rows(connection.execute(shown).all())


def open_tasks(store: Store, approved: str, template_of: TemplateOf) -> list[Items]:
    """Approved specs with unchecked work items, and the first few of them."""
    listed = search.list_specs(store, Filters(status=approved, open_tasks=True), limit=SHOWN)
    found: list[Items] = []
    for item, (spec, sha256) in zip(listed, _heads(store, listed), strict=True):
        template = template_of(spec)
        key = ("tasks", sha256, template.sha256)
        found.append(Items(item, _named(store, key, spec, template)))
    return found


def high_risks(store: Store) -> list[Items]:
    """Specs with risks or dependencies rated High, and the rows that say so."""
    listed = search.list_specs(store, Filters(high_risks=True), limit=SHOWN)
    found: list[Items] = []
    for item, (spec, sha256) in zip(listed, _heads(store, listed), strict=True):
        found.append(Items(item, _named(store, ("risks", sha256, ""), spec, None)))
    return found


def _heads(store: Store, listed: list[Listed]) -> list[tuple[SpecRecord, str]]:
    """Each listed spec's record and the sha256 of its current revision, in one query."""
    query = sa.select(spec_table, revision_table.c.sha256.label("revision_sha256")).join(
        revision_table,
        sa.and_(
            revision_table.c.spec_id == spec_table.c.id,
            revision_table.c.number == spec_table.c.current_revision,
        ),
    )
    with store.read() as connection:
        rows = connection.execute(query.where(spec_table.c.id.in_([i.id for i in listed])))
        found = {row.id: (spec_record(row), str(row.revision_sha256)) for row in rows}
    return [found[item.id] for item in listed]


def _named(
    store: Store, key: tuple[str, str, str], spec: SpecRecord, template: Template | None
) -> list[str]:
    """The first :data:`ITEMS` open tasks (given a template) or High risks of the spec's
    current revision, whose sha256 is in ``key``.

    A revision never changes, so what it names is worked out once per revision (and
    template) and kept, as the spec page keeps its view: parsing the sixteen specs the
    dashboard names items of would otherwise cost more than every query on it.
    """
    with _LOCK:
        found = _NAMES.get(key)
        if found is not None:
            _NAMES.move_to_end(key)
            return found
    text = revisions.get_revision(store, f"#{spec.id}", spec.current_revision).text
    found = (_task_names(text, template) if template else _risk_names(text))[:ITEMS]
    with _LOCK:
        _NAMES[key] = found
        while len(_NAMES) > KEPT:
            _NAMES.popitem(last=False)
    return found


def _task_names(text: str, template: Template) -> list[str]:
    context = LintContext(parse(text), template)
    return [
        f"{match.section.title}: {task.text}"
        for match in context.matches
        if match.rule.work_items
        for task in match.section.checklist
        if not task.checked
    ]


def _risk_names(text: str) -> list[str]:
    names: list[str] = []
    for table in parse(text).tables:
        columns = [i for i, c in enumerate(table.columns) if c.casefold() in RISK_COLUMNS]
        for row in table.rows:
            high = [table.columns[i] for i in columns if i < len(row) and _is_high(row[i].text)]
            if high and row:
                names.append(f"{row[0].text} ({', '.join(high)} High)")
    return names


def _is_high(text: str) -> bool:
    return text.strip().casefold() == "high"
