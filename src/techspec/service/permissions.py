"""What each role may do.  Roles are store roles (``techspec user add NAME --role R``):

* ``viewer`` reads; so does every user who holds any role;
* ``author`` creates specs and edits, moves and deletes their own;
* a template's sign-off roles (``Technical Lead``, ...) approve or request changes
  (the store checks the role and that reviewers did not write the spec);
* ``admin`` does everything, including the audit log, templates and webhooks.

A spec is a user's own when they created it or when its **Author** field names them.
"""

from __future__ import annotations

import sqlalchemy as sa

from techspec.store.engine import Store
from techspec.store.errors import Forbidden
from techspec.store.revisions import SpecRecord
from techspec.store.schema import revisions
from techspec.store.users import User

ADMIN = "admin"
AUTHOR = "author"
VIEWER = "viewer"


def may_read(user: User) -> bool:
    return bool(user.roles)


def require_reader(user: User) -> None:
    if not may_read(user):
        raise Forbidden(f"{user.name} holds no role: an admin can grant '{VIEWER}' or more")


def require_admin(user: User, doing: str) -> None:
    if not user.has_role(ADMIN):
        raise Forbidden(f"only an admin may {doing}; {user.name} holds {_roles(user)}")


def require_author(user: User, doing: str) -> None:
    if not (user.has_role(AUTHOR) or user.has_role(ADMIN)):
        raise Forbidden(f"only an author or admin may {doing}; {user.name} holds {_roles(user)}")


def require_owner(store: Store, user: User, spec: SpecRecord, doing: str) -> None:
    """Admins, and authors whose spec it is."""
    if user.has_role(ADMIN):
        return
    require_author(user, doing)
    if not owns(store, user, spec):
        raise Forbidden(
            f"{user.name} may not {doing} spec '{spec.slug}': it is not theirs "
            "(its creator, its Author or an admin may)"
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


def _roles(user: User) -> str:
    return f"roles {', '.join(user.roles)}" if user.roles else "no role"
