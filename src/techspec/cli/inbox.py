"""``techspec inbox --as USER``, ``techspec reviews [SPEC]`` and ``techspec user set``.

Only click is imported at module level; the store loads when a command runs.
"""

from __future__ import annotations

import click

from techspec.cli.support import (
    acting,
    as_option,
    db_option,
    format_option,
    open_store_at,
    print_json,
    reports_errors,
)

MAIL_MODES = ("immediate", "digest", "none")


@click.command("inbox")
@as_option(True)
@click.option("--unread", is_flag=True, help="Only the items not read yet.")
@click.option("--mark-read", is_flag=True, help="Then mark every item shown read.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@format_option
@db_option
@reports_errors
def inbox_command(
    user: str, unread: bool, mark_read: bool, limit: int, fmt: str, db: str | None
) -> None:
    """USER's inbox, newest first: review requests, mentions, replies, revisions and
    status changes of specs they own or review."""
    from techspec.api.inbox_representations import item_json
    from techspec.service import inbox

    store = open_store_at(db)
    try:
        actor = acting(store, user)
        found = inbox.items(store, actor, unread=unread, limit=limit)
        if mark_read and found:
            inbox.mark_all_read(store, actor, up_to=max(item.id for item in found))
        count = inbox.unread_count(store, actor)
    finally:
        store.close()
    if fmt == "json":
        print_json({"items": [item_json(item, "") for item in found], "unread": count})
        return
    for item in found:
        mark = " " if item.read else "*"
        when = item.created_at.strftime("%Y-%m-%d %H:%M")
        click.echo(f"{mark} {item.id:>6}  {when}  {item.kind:<9} {item.summary}  {item.link}")
    if not found:
        click.echo("nothing in the inbox" + (" unread" if unread else ""))
    shown = " (those shown are now read)" if mark_read and found else ""
    click.echo(f"{count} unread{shown}")


@click.command("reviews")
@click.argument("spec", required=False)
@click.option("--reviewer", help="Only the requests of this reviewer.")
@as_option(False)
@format_option
@db_option
@reports_errors
def reviews_command(
    spec: str | None, reviewer: str | None, user: str | None, fmt: str, db: str | None
) -> None:
    """Who owes which review: the open requests, oldest first, or every request of SPEC."""
    from techspec.api.inbox_representations import request_json
    from techspec.service import reviews

    store = open_store_at(db)
    try:
        actor = acting(store, user)
        if spec is not None:
            found = reviews.requests_for(store, actor, spec)
            total = len(found)
        else:
            found, total = reviews.outstanding(store, actor, reviewer=reviewer)
    finally:
        store.close()
    if fmt == "json":
        print_json({"items": [request_json(r) for r in found], "total": total})
        return
    for r in found:
        state = "open" if r.open else f"done ({r.outcome})"
        days = r.age().total_seconds() / 86400
        role = f" as {r.role}" if r.role else ""
        due = f", due {r.due.isoformat()}" if r.due else ""
        click.echo(f"{r.slug:<30} {r.reviewer}{role}: {state}, {days:.1f} days{due}")
    click.echo(f"{total} open review request{'' if total == 1 else 's'}" if spec is None else "")


@click.command("set")
@click.argument("name")
@click.option("--email", help="The address mails go to ('' removes it).")
@click.option("--display-name", help="The name a Reviewers field may use ('' removes it).")
@click.option(
    "--mail", type=click.Choice(MAIL_MODES), help="Mail per item, a daily digest or none."
)
@db_option
@reports_errors
def user_set_command(
    name: str, email: str | None, display_name: str | None, mail: str | None, db: str | None
) -> None:
    """Change NAME's email address, display name or mail preference."""
    from techspec.service.permissions import CONSOLE
    from techspec.service.profiles import UNSET, set_profile

    store = open_store_at(db)
    try:
        found = set_profile(
            store,
            CONSOLE,
            name,
            email=UNSET if email is None else (email or None),
            display_name=UNSET if display_name is None else (display_name or None),
            mail=mail,
        )
    finally:
        store.close()
    click.echo(
        f"{found.name}: email {found.email or '(none)'}, display name "
        f"{found.display_name or '(none)'}, mail {found.mail}"
    )


def register(group: click.Group) -> None:
    """Add ``inbox`` and ``reviews`` to ``group``, and ``set`` to its ``user`` group."""
    group.add_command(inbox_command)
    group.add_command(reviews_command)
    users = group.commands.get("user")
    if not isinstance(users, click.Group):
        raise RuntimeError("register the store commands (the 'user' group) first")
    users.add_command(user_set_command)
