"""The workflow panel of the spec page: the next step and its gates, the sign-off of
each role, every decision (current or stale) and, for a stale approval, what changed
in the document since it was given.

Which buttons a user sees follows the same rules the server enforces on the POST (the
store's workflow and :mod:`techspec.service.permissions`): hiding a button is a courtesy,
refusing the request is the check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from techspec.authoring.content_diff import content_changes
from techspec.authoring.diff import SectionChange
from techspec.authoring.writeback import signoff_roles
from techspec.errors import UsageError
from techspec.lint.template import Template
from techspec.service.permissions import may_own
from techspec.store import approvals, revisions, threads
from techspec.store.approvals import Approval
from techspec.store.engine import Store
from techspec.store.errors import Gate
from techspec.store.lifecycle import approval_gates, gates, lifecycle
from techspec.store.records import Revision, SpecRecord
from techspec.store.users import User
from techspec.store.workflow import authorship

SignOffState = Literal["approved", "changes", "stale", "pending", "unrecorded"]


@dataclass(frozen=True, slots=True)
class Step:
    """A transition the owner asks for, with the gates the server will check."""

    action: Literal["submit", "implement"]
    label: str
    target: str
    allowed: bool
    gates: list[Gate]
    why_not: str = ""


@dataclass(frozen=True, slots=True)
class SignOff:
    """One sign-off role: its latest decision and whether this user may decide now."""

    role: str
    state: SignOffState
    decision: Approval | None
    mine: bool
    approved_by_me: bool = False
    """This user's approval for the role is current: no Approve button, a note instead."""


@dataclass(frozen=True, slots=True)
class StaleDiff:
    """What changed between the revision an approval was given on and the current one."""

    since: int
    changes: list[SectionChange]


@dataclass(slots=True)
class Panel:
    lifecycle: tuple[str, ...]
    status: str | None
    steps: list[Step] = field(default_factory=list)
    signoffs: list[SignOff] = field(default_factory=list)
    decisions: list[Approval] = field(default_factory=list)
    """Every decision, newest first."""
    stale: dict[int, StaleDiff] = field(default_factory=dict)
    """By the revision a stale approval was given on."""
    approval_gates: list[Gate] = field(default_factory=list)
    """In Review: the gates to Approved other than the missing approvals."""
    wrote_it: bool = False
    """The user wrote content of this spec or its Author field names them, so they may
    not approve it."""
    can_edit: bool = False

    @property
    def in_review(self) -> bool:
        return len(self.lifecycle) == 4 and _same(self.status, self.lifecycle[1])

    @property
    def pending(self) -> list[str]:
        return [s.role for s in self.signoffs if s.state != "approved"]

    @property
    def my_roles(self) -> list[str]:
        return [s.role for s in self.signoffs if s.mine]


def _approval_gates(text: str, template: Template, approved: set[str]) -> list[Gate]:
    return approval_gates(text, template, approved)[1]


@dataclass(frozen=True, slots=True)
class Checks:
    """Where the panel gets a revision's unmet gates: linted here by default; the spec page
    passes :func:`techspec.web.checks.cached` (computed once per revision, in a worker)."""

    gates: Callable[[str, str, Template], list[Gate]] = gates
    """``(text, target status, template)`` -> the gates of that step."""
    approval_gates: Callable[[str, Template, set[str]], list[Gate]] = _approval_gates
    """``(text, template, roles that approved)`` -> the gates to Approved."""


def panel(
    store: Store,
    spec: SpecRecord,
    revision: Revision,
    template: Template,
    user: User,
    checks: Checks = Checks(),
) -> Panel:
    """The panel for ``user`` looking at ``revision`` (the current one) of ``spec``."""
    with store.read() as connection:
        decisions = approvals.all_for(connection, spec.id, revision.content_hash)
        wrote = authorship(connection, spec, user) is not None
        blocking = threads.blocking_gates(connection, spec.id)
    can_edit = may_own(store, user, spec)
    try:
        states = lifecycle(template)
    except UsageError:
        return Panel((), revision.status, decisions=decisions[::-1], can_edit=can_edit)
    draft, review, approved, done = states
    found = Panel(states, revision.status, decisions=decisions[::-1], wrote_it=wrote)
    found.can_edit = can_edit
    why = "" if can_edit else "only the spec's author or an admin can do this"
    text = revision.text
    if _same(revision.status, draft):
        unmet = checks.gates(text, review, template)
        found.steps.append(
            Step("submit", f"Submit for {review.lower()}", review, can_edit, unmet, why)
        )
    elif _same(revision.status, approved):
        unmet = checks.gates(text, done, template)
        found.steps.append(Step("implement", f"Mark {done.lower()}", done, can_edit, unmet, why))
    in_review = _same(revision.status, review)
    latest = _latest_by_role(decisions)
    for role in signoff_roles(template):
        decision = latest.get(role.casefold())
        mine = in_review and user.has_role(role) and not wrote
        state = _state(decision)
        if state == "pending" and not (in_review or _same(revision.status, draft)):
            state = "unrecorded"  # an imported Approved spec: no decision in the store
        by_me = state == "approved" and decision is not None and decision.reviewer_id == user.id
        found.signoffs.append(SignOff(role, state, decision, mine, by_me))
    if in_review:
        granted = {s.role.casefold() for s in found.signoffs if s.state == "approved"}
        unmet = checks.approval_gates(text, template, granted)
        found.approval_gates = [gate for gate in unmet if gate.rule != "approval"] + blocking
    found.stale = _stale_diffs(store, spec, revision, template, decisions)
    return found


def _latest_by_role(decisions: list[Approval]) -> dict[str, Approval]:
    latest: dict[str, Approval] = {}
    for decision in decisions:  # oldest first, so the last one wins
        latest[decision.role.casefold()] = decision
    return latest


def _state(decision: Approval | None) -> SignOffState:
    if decision is None:
        return "pending"
    if not decision.current:
        return "stale" if decision.decision == "approve" else "pending"
    return "approved" if decision.decision == "approve" else "changes"


def _stale_diffs(
    store: Store,
    spec: SpecRecord,
    current: Revision,
    template: Template,
    decisions: list[Approval],
) -> dict[int, StaleDiff]:
    """The content changes since each revision a now stale approval was given on."""
    wanted = {d.revision for d in decisions if not d.current and d.decision == "approve"}
    return changes_since(store, spec, current, template, wanted)


def changes_since(
    store: Store, spec: SpecRecord, current: Revision, template: Template, wanted: set[int]
) -> dict[int, StaleDiff]:
    """The content changes (what the content hash sees, not the workflow's write-backs)
    from each revision numbered in ``wanted`` to ``current``."""
    if not wanted:
        return {}
    with store.read() as connection:
        texts = {n: revisions.revision_row(connection, spec, n).text for n in wanted}
    found: dict[int, StaleDiff] = {}
    for number, text in texts.items():
        found[number] = StaleDiff(number, content_changes(text, current.text, template).sections)
    return found


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()
