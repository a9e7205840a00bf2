"""Demo data for ``techspec serve --demo`` (and ``make run``): the example specs, their
authors and reviewers as users, and an admin whose token is printed once.

Seeding happens only on a store without users, so restarting the demo server keeps
whatever was done in it.
"""

from __future__ import annotations

from importlib.resources import files

from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.users import User, add_user, create_token, list_users

ADMIN = "admin"
USERS: dict[str, tuple[str, ...]] = {
    ADMIN: ("admin",),
    "Priya Raman": ("author",),
    "Daniel Okoye": ("author",),
    "Sara Lindgren": ("author",),
    "Tomás Ferreira": ("Technical Lead",),
    "Mei Lin": ("Product Owner",),
    "Jonas Berg": ("Security Lead",),
    "viewer": ("viewer",),
}


def demo_specs() -> list[tuple[str, str]]:
    """``(slug, Markdown)`` of the shipped demo specs, by name."""
    folder = files("techspec").joinpath("demo_specs")
    found = [
        (entry.name.removesuffix(".md"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".md")
    ]
    return sorted(found)


def seed(store: Store) -> str | None:
    """Seed an empty store and return the demo admin's new token; None (and nothing
    written) when the store already has users."""
    if list_users(store):
        return None
    people: dict[str, User] = {name: add_user(store, name, roles) for name, roles in USERS.items()}
    for slug, text in demo_specs():
        author = next(
            (user for name, user in people.items() if f"**Author**: {name}" in text), None
        )
        revisions.create_spec(store, slug, text, author=author or people[ADMIN], message="demo")
    from techspec.service.passwords import demo_passwords  # the web UI's sign-in, printed once

    demo_passwords(store, people)
    return create_token(store, ADMIN, "demo")
