"""Who may do what: the one place every front door asks.

Roles are store roles (``techspec user add NAME --role R``):

* ``viewer`` reads; so does every user who holds any role;
* ``author`` creates specs and edits, moves and deletes their own;
* a template's sign-off roles (``Technical Lead``, ...) approve or request changes
  (the store checks the role and that reviewers did not write the spec);
* ``admin`` does everything, including the audit log, templates and webhooks.

A spec is a user's own when they created it or when its **Author** field names them.
Every check begins with :func:`require_reader`, so a user without any role hears the
same reason whatever they try, through whichever front door.

Besides users there is the :data:`CONSOLE`: whoever runs the command line on the
database itself without ``--as``.  They can read and write the database file directly,
so the application grants them what an admin may do (that is how the first admin is
made) and the audit log records them as nobody in particular.  A user acting with
``--as`` has that user's permissions only; ``--override`` lends them the console's
authority over specs that are not theirs, and the audit log records the override.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from techspec.store import audit
from techspec.store.engine import Store
from techspec.store.errors import Forbidden
from techspec.store.records import SpecRecord
from techspec.store.schema import revisions
from techspec.store.users import User

ADMIN = "admin"
AUTHOR = "author"
VIEWER = "viewer"


@dataclass(frozen=True, slots=True)
class Console:
    """The database's own holder at the command line (see the module docstring)."""

    name: str = "the console"


CONSOLE = Console()
Actor = User | Console
"""Whoever performs an operation."""


def actor_name(actor: Actor) -> str | None:
    """The name the audit log records: the console is nobody in particular."""
    return None if isinstance(actor, Console) else actor.name


def acting_user(actor: Actor) -> User | None:
    return None if isinstance(actor, Console) else actor


def may_read(actor: Actor) -> bool:
    return isinstance(actor, Console) or bool(actor.roles)


def is_admin(actor: Actor) -> bool:
    return isinstance(actor, Console) or actor.has_role(ADMIN)


def require_reader(actor: Actor) -> None:
    if not may_read(actor):
        raise Forbidden(
            f"you ({actor.name}) hold no role yet: an admin can grant '{VIEWER}' or more"
        )


def require_admin(actor: Actor, doing: str) -> None:
    require_reader(actor)
    if not is_admin(actor):
        raise Forbidden(f"only an admin may {doing}; {_yours(actor)}")


def require_author(actor: Actor, doing: str) -> None:
    require_reader(actor)
    if is_admin(actor) or (isinstance(actor, User) and actor.has_role(AUTHOR)):
        return
    raise Forbidden(f"only an author or an admin may {doing}; {_yours(actor)}")


def may_own(store: Store, actor: Actor, spec: SpecRecord) -> bool:
    """Admins, and authors whose spec it is: who may edit, move or delete ``spec``."""
    if is_admin(actor):
        return True
    return isinstance(actor, User) and actor.has_role(AUTHOR) and owns(store, actor, spec)


def require_owner(
    store: Store, actor: Actor, spec: SpecRecord, doing: str, *, override: bool = False
) -> None:
    """Admins, and authors whose spec it is.  With ``override`` (the console's
    ``--override``) a user passes anyway and the audit log records it."""
    require_reader(actor)
    if may_own(store, actor, spec):
        return
    if override and isinstance(actor, User):
        _record_override(store, actor, spec, doing)
        return
    require_author(actor, doing)
    raise Forbidden(
        f"you ({actor.name}) may not {doing} spec '{spec.slug}': it is not yours "
        "(its creator, the person its Author field names, or an admin may)"
    )


def owns(store: Store, user: User, spec: SpecRecord) -> bool:
    if spec.author is not None and spec.author.strip().casefold() == user.name.casefold():
        return True
    query = sa.select(revisions.c.author_id).where(
        revisions.c.spec_id == spec.id, revisions.c.number == 1
    )
    with store.read() as connection:
        creator = connection.execute(query).scalar()
    return creator == user.id


def _record_override(store: Store, user: User, spec: SpecRecord, doing: str) -> None:
    with store.write() as connection:
        audit.record(
            connection,
            actor=user.name,
            action="override",
            spec_id=spec.id,
            revision=spec.current_revision,
            details={"doing": doing, "by": "console --override"},
        )


def _yours(actor: Actor) -> str:
    """The actor's roles, said to them (every front door answers the person asking):
    ``you (tom) hold the role 'Technical Lead'``."""
    roles = () if isinstance(actor, Console) else actor.roles
    if not roles:
        return f"you ({actor.name}) hold no role"
    named = [f"'{role}'" for role in roles]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    plural = "s" if len(named) > 1 else ""
    return f"you ({actor.name}) hold the role{plural} {listed}"
