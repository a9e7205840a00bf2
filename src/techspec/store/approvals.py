"""Approvals bound to content: a decision for a role on a revision's content hash.

An approval stays *current* while the spec's content hash is the one it was given
for; the workflow's own write-backs (status, review boxes, sign-off, history) leave
that hash alone, any other edit moves it and makes the approval *stale*.  For each
role the latest decision on the current hash counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.clock import as_utc, now
from techspec.store.engine import Store
from techspec.store.schema import approvals, revisions, users

Decision = Literal["approve", "request-changes"]


@dataclass(frozen=True, slots=True)
class Approval:
    id: int
    spec_id: int
    revision: int
    content_hash: str
    role: str
    reviewer: str
    reviewer_id: int
    decision: str
    comment: str
    created_at: datetime
    current: bool = False
    """True while the spec's content hash is still the approved one."""


def insert(
    connection: Connection,
    *,
    spec_id: int,
    revision_id: int,
    content_hash: str,
    role: str,
    reviewer_id: int,
    decision: Decision,
    comment: str = "",
) -> int:
    return int(
        connection.execute(
            sa.insert(approvals)
            .values(
                spec_id=spec_id,
                revision_id=revision_id,
                content_hash=content_hash,
                role=role,
                reviewer_id=reviewer_id,
                decision=decision,
                comment=comment,
                created_at=now(),
            )
            .returning(approvals.c.id)
        ).scalar_one()
    )


def all_for(connection: Connection, spec_id: int, current_hash: str) -> list[Approval]:
    """Every decision on a spec, oldest first, each marked current or stale."""
    query = (
        sa.select(approvals, users.c.name.label("reviewer"), revisions.c.number)
        .join(users, users.c.id == approvals.c.reviewer_id)
        .join(revisions, revisions.c.id == approvals.c.revision_id)
        .where(approvals.c.spec_id == spec_id)
        .order_by(approvals.c.id)
    )
    return [_approval(row, current_hash) for row in connection.execute(query)]


def latest_by_role(connection: Connection, spec_id: int, current_hash: str) -> dict[str, Approval]:
    """For each role, the latest decision given on the current content hash."""
    latest: dict[str, Approval] = {}
    for approval in all_for(connection, spec_id, current_hash):
        if approval.current:
            latest[approval.role.casefold()] = approval
    return latest


def approved_roles(connection: Connection, spec_id: int, current_hash: str) -> dict[str, Approval]:
    """Roles whose latest decision on the current content is an approval."""
    return {
        role: found
        for role, found in latest_by_role(connection, spec_id, current_hash).items()
        if found.decision == "approve"
    }


def for_spec(store: Store, spec_id: int, current_hash: str) -> list[Approval]:
    with store.read() as connection:
        return all_for(connection, spec_id, current_hash)


def last_approval_by(connection: Connection, spec_id: int, reviewer_id: int) -> Approval | None:
    """The reviewer's most recent approval of the spec, stale or not."""
    query = (
        sa.select(approvals, users.c.name.label("reviewer"), revisions.c.number)
        .join(users, users.c.id == approvals.c.reviewer_id)
        .join(revisions, revisions.c.id == approvals.c.revision_id)
        .where(
            approvals.c.spec_id == spec_id,
            approvals.c.reviewer_id == reviewer_id,
            approvals.c.decision == "approve",
        )
        .order_by(approvals.c.id.desc())
        .limit(1)
    )
    row = connection.execute(query).first()
    return _approval(row, "") if row is not None else None


def _approval(row: Any, current_hash: str) -> Approval:
    return Approval(
        row.id,
        row.spec_id,
        row.number,
        row.content_hash,
        row.role,
        row.reviewer,
        row.reviewer_id,
        row.decision,
        row.comment,
        as_utc(row.created_at),
        row.content_hash == current_hash,
    )
