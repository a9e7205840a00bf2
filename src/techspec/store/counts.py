"""Counts of a portfolio read from the rows triggers keep (migration ``store_0002``):
a handful of rows per template, whatever the number of specs."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.engine import Store
from techspec.store.schema import approval_counts, spec_counts


def by_status(store: Store) -> dict[str, int]:
    """Live specs per status over every template (``""`` for specs with none)."""
    total = sa.func.sum(spec_counts.c.n)
    query = sa.select(spec_counts.c.status, total).group_by(spec_counts.c.status).having(total > 0)
    with store.read() as connection:
        return {str(status): int(count) for status, count in connection.execute(query)}


def in_status(connection: Connection, template_sha256: str, status: str) -> int:
    """Live specs of one template in one status."""
    query = sa.select(sa.func.coalesce(sa.func.sum(spec_counts.c.n), 0)).where(
        spec_counts.c.template_sha256 == template_sha256, spec_counts.c.status == status
    )
    return int(connection.execute(query).scalar_one())


def approved(
    connection: Connection, template_sha256: str, status: str, roles: Sequence[str]
) -> int | None:
    """Specs of one template and status with a current approval for the one role in
    ``roles``; ``None`` for several roles (specs approved by *all* of them are not a sum
    of counts: the caller counts those from the approvals themselves)."""
    if len(roles) != 1:
        return None
    query = sa.select(sa.func.coalesce(sa.func.sum(approval_counts.c.n), 0)).where(
        approval_counts.c.template_sha256 == template_sha256,
        approval_counts.c.status == status,
        approval_counts.c.role == roles[0],
    )
    return int(connection.execute(query).scalar_one())
