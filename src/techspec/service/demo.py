"""Demo data for ``techspec serve --demo`` (and ``make run``): the example specs, their
authors and reviewers as users, and an admin whose token is printed once.

The shipped files show a spec as a team keeps it in git, signed and ticked.  The demo
store must not show a signature it does not hold, so a spec is stored without those
claims (sign-off rows blank, review boxes unticked) and an Approved one is taken there
through the workflow: its author submits it and each sign-off role's reviewer approves
it, which signs its row with the content hash they approved.

Seeding happens only on a store without users, so restarting the demo server keeps
whatever was done in it.
"""

from __future__ import annotations

import unicodedata
from importlib.resources import files

from techspec.authoring.writeback import (
    WritebackError,
    check_review_items,
    set_status,
    signoff_roles,
    unsign,
)
from techspec.document.parser import parse
from techspec.lint.template import builtin_template
from techspec.store import revisions, workflow
from techspec.store.engine import Store
from techspec.store.profiles import set_profile
from techspec.store.seen import Seen
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
    for name in people:  # mails go to the mail log unless an SMTP server is configured
        set_profile(store, name, email=demo_address(name))
    for slug, text in demo_specs():
        author = next(
            (user for name, user in people.items() if f"**Author**: {name}" in text), None
        )
        _seed_spec(store, people, slug, text, author or people[ADMIN])
    discuss(store, people)
    from techspec.service.passwords import demo_passwords  # the web UI's sign-in, printed once

    demo_passwords(store, people)
    return create_token(store, ADMIN, "demo")


def demo_address(name: str) -> str:
    """``Tomás Ferreira`` -> ``tomas.ferreira@example.com`` (a domain that reaches nobody)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return ".".join(plain.lower().split()) + "@example.com"


def _seed_spec(store: Store, people: dict[str, User], slug: str, text: str, author: User) -> None:
    """Store ``text`` without the claims only the workflow makes; an Approved spec is
    submitted by its author and approved by a reviewer of each sign-off role."""
    draft, _review, approved, _done = builtin_template().statuses
    status = parse(text).status or draft
    through_workflow = status.casefold() == approved.casefold()
    start = unclaimed(set_status(text, draft) if through_workflow else text)
    revisions.create_spec(store, slug, start, author=author, message="demo")
    if not through_workflow:
        return
    workflow.submit(store, slug, author)
    for role in signoff_roles():
        reviewer = next(user for user in people.values() if user.has_role(role))
        current = revisions.get_spec(store, slug).current_revision
        workflow.approve(store, slug, reviewer, role, seen=Seen(number=current))


def unclaimed(text: str) -> str:
    """``text`` with every sign-off row blank and every review box unticked."""
    for role in signoff_roles():
        try:
            text = unsign(text, role)
        except WritebackError:
            continue  # the spec lacks this row: nothing claimed
    try:
        return check_review_items(text, checked=False)
    except WritebackError:
        return text  # no review checklist


DISCUSSED = "0002-search-reindexing"
"""The demo spec under discussion: threads, a suggestion, a blocking concern and a
thread its author's later edit made outdated."""


def discuss(store: Store, people: dict[str, User]) -> None:
    """Seed the review conversation on :data:`DISCUSSED` through the application layer,
    as its reviewers and author would have it."""
    from techspec.service import specs, threads

    tomas, mei, jonas = people["Tomás Ferreira"], people["Mei Lin"], people["Jonas Berg"]
    daniel = people["Daniel Okoye"]
    slug = DISCUSSED
    threads.open_thread(
        store,
        tomas,
        slug,
        section="Executive Summary",
        quote="up to forty minutes",
        body="Is forty minutes measured, or a guess? A p95 from the last runs would help "
        "@Daniel.Okoye weigh the alias swap against a faster in-place run.",
    )
    threads.open_thread(
        store,
        mei,
        slug,
        section="Executive Summary",
        quote="has twice left the index half-updated",
        kind="suggestion",
        suggestion="has twice left the index half-updated (INC-412, INC-530)",
        body="Name the incidents, so readers can find the post-mortems.",
    )
    threads.open_thread(
        store,
        jonas,
        slug,
        section="Background & Context/Current State",
        quote="on a bastion host",
        kind="blocking",
        body="The new job must not run on the bastion host: give it its own service "
        "account, with write access to the search cluster only. **Blocking** until the "
        "Security Considerations say so.",
    )
    outdated = threads.open_thread(
        store,
        tomas,
        slug,
        section="Background & Context/Problem Statement",
        quote="30 million products",
        body="Still 30 million after the marketplace launch?",
    ).thread
    current = revisions.get_revision(store, slug)
    text = current.text.replace(
        "need a full reindex of 30 million products",
        "need a full reindex of 32 million products",
        1,
    )
    specs.save(store, daniel, slug, text, base=current.number, message="32 million products")
    threads.comment(store, daniel, outdated.id, "Updated: 32 million as of this week.")
