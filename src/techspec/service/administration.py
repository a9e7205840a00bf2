"""What the admin pages do besides accounts: restore a deleted spec, choose the default
template, send a webhook receiver a test delivery.  Admins only, every step audited.

Deleting a spec is :func:`techspec.service.specs.delete` (a soft delete: the row is
hidden, its revisions and audit trail stay), so restoring only shows it again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from techspec.service import catalog
from techspec.service.permissions import Actor, actor_name, require_admin
from techspec.store import audit, identity
from techspec.store.clock import as_utc, iso, now
from techspec.store.engine import Store
from techspec.store.errors import Conflict, NotFound
from techspec.store.schema import specs
from techspec.store.webhooks import Webhook, get, signature

DEFAULT_TEMPLATE = "default_template"


@dataclass(frozen=True, slots=True)
class DeletedSpec:
    id: int
    slug: str
    title: str | None
    updated_at: datetime


def deleted_specs(store: Store, actor: Actor, limit: int = 200) -> list[DeletedSpec]:
    require_admin(actor, "list deleted specs")
    query = (
        sa.select(specs.c.id, specs.c.slug, specs.c.title, specs.c.updated_at)
        .where(specs.c.deleted == sa.true())
        .order_by(specs.c.updated_at.desc())
        .limit(limit)
    )
    with store.read() as connection:
        return [
            DeletedSpec(row.id, row.slug, row.title, as_utc(row.updated_at))
            for row in connection.execute(query)
        ]


def restore(store: Store, actor: Actor, slug: str) -> DeletedSpec:
    """Show a deleted spec again, as it was (same revisions, same status)."""
    require_admin(actor, "restore specs")
    with store.write() as connection:
        row = connection.execute(
            sa.select(
                specs.c.id, specs.c.slug, specs.c.title, specs.c.current_revision, specs.c.deleted
            )
            .where(specs.c.slug == slug)
            .with_for_update()
        ).first()
        if row is None:
            raise NotFound(f"no spec '{slug}', deleted or not")
        if not row.deleted:
            raise Conflict(f"spec '{slug}' is not deleted")
        at = now()
        connection.execute(
            sa.update(specs).where(specs.c.id == row.id).values(deleted=False, updated_at=at)
        )
        audit.record(
            connection,
            actor=actor_name(actor),
            action="spec.restored",
            spec_id=row.id,
            revision=row.current_revision,
            details={"slug": row.slug},
        )
    return DeletedSpec(row.id, row.slug, row.title, at)


def default_template(store: Store) -> str | None:
    """The name of the template new specs start from, when an admin chose one."""
    with store.read() as connection:
        return identity.get_setting(connection, DEFAULT_TEMPLATE)


def set_default_template(store: Store, actor: Actor, name: str) -> str:
    require_admin(actor, "set the default template")
    template = catalog.find(store, name)  # NotFound names the known ones
    with store.write() as connection:
        before = identity.get_setting(connection, DEFAULT_TEMPLATE)
        identity.put_setting(connection, DEFAULT_TEMPLATE, template.name)
        audit.record(
            connection,
            actor=actor_name(actor),
            action="template.default-set",
            details={"template": template.name, "before": before},
        )
    return template.name


@dataclass(frozen=True, slots=True)
class TestResult:
    webhook: Webhook
    status: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


Send = Callable[[str, bytes, dict[str, str]], int]
"""POSTs a body with headers to a URL and returns the answer's status (raising an
exception whose text says what went wrong); the web layer passes the webhook sender."""


def test_webhook(store: Store, actor: Actor, webhook_id: int, send: Send) -> TestResult:
    """POST a signed ``ping`` to the receiver now and record the outcome in the audit
    log (test pings are not events, so they are not in the delivery log)."""
    require_admin(actor, "test webhooks")
    hook = get(store, webhook_id)
    body = json.dumps(
        {"event": "ping", "webhook": hook.id, "at": iso(now()), "by": actor_name(actor)},
        separators=(",", ":"),
    ).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "X-Techspec-Event": "ping",
        "X-Techspec-Delivery": "test",
        "X-Techspec-Signature": signature(hook.secret, body),
    }
    started = time.perf_counter()
    status: int | None = None
    error = ""
    try:
        status = send(hook.url, body, headers)
    except Exception as failure:  # the sender's words, for the admin who asked
        error = str(failure) or type(failure).__name__
    duration = int((time.perf_counter() - started) * 1000)
    if status is not None and not 200 <= status < 300:
        error = f"answered {status}"
    with store.write() as connection:
        audit.record(
            connection,
            actor=actor_name(actor),
            action="webhook.tested",
            details={"webhook": hook.id, "url": hook.url, "status": status, "error": error},
        )
    return TestResult(hook, status, error, duration)


@dataclass(frozen=True, slots=True)
class LiveSpec:
    slug: str
    title: str | None
    status: str | None


def live_specs(store: Store, actor: Actor, limit: int = 500) -> list[LiveSpec]:
    """Live specs by slug, for the page that deletes them."""
    require_admin(actor, "delete specs")
    query = (
        sa.select(specs.c.slug, specs.c.title, specs.c.status)
        .where(specs.c.deleted == sa.false())
        .order_by(specs.c.slug)
        .limit(limit)
    )
    with store.read() as connection:
        return [LiveSpec(row.slug, row.title, row.status) for row in connection.execute(query)]
