"""Review thread commands: ``threads``, ``comment``, ``reply``, ``resolve``, ``reopen``,
``apply``.  Each is a thin adapter over :mod:`techspec.service.threads`; the JSON is the
API's."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from techspec.store.threads import Posted, Thread

KINDS = ("comment", "suggestion", "blocking")


def _print_thread(thread: Thread, diff: str | None = None) -> None:
    state = thread.status + (
        f", outdated since r{thread.outdated_revision}" if thread.outdated else ""
    )
    click.echo(f"#{thread.id} {thread.kind} on '{thread.section}' (r{thread.revision}, {state})")
    if thread.quote:
        click.echo(f"  > {thread.quote}")
    if thread.suggestion is not None:
        click.echo(f"  suggests: {thread.suggestion}")
    for comment in thread.comments:
        lines = comment.body.splitlines() or [""]
        click.echo(f"  {comment.author}: {lines[0]}")
        for line in lines[1:]:
            click.echo(f"    {line}")
    if thread.outdated and thread.anchored_text is not None:
        click.echo(f"  outdated: the section since r{thread.anchored_revision}:")
        for line in (diff or "").splitlines():
            click.echo(f"    {line}")


def _print_posted(posted: Posted, fmt: str) -> None:
    from techspec.service.threads import as_dict

    if fmt == "json":
        print_json(as_dict(posted.thread, None, posted.mentions, posted.unknown))
    else:
        _print_thread(posted.thread)
        if posted.mentions:
            click.echo(f"  mentioned: {', '.join(posted.mentions)}")
    if posted.unknown:
        names = ", ".join(posted.unknown)
        click.echo(f"techspec: no user is called {names} (not mentioned)", err=True)


@click.command("threads")
@click.argument("spec")
@click.option("--status", type=click.Choice(["open", "resolved"]), help="Only these.")
@as_option(False)
@format_option
@db_option
@reports_errors
def threads_command(
    spec: str, status: str | None, user: str | None, fmt: str, db: str | None
) -> None:
    """The review threads of SPEC, oldest first."""
    from techspec.service.threads import as_dict, diffs, threads_of

    store = open_store_at(db)
    actor = acting(store, user)
    found = threads_of(store, actor, spec, status)
    changed = diffs(store, actor, found)
    store.close()
    if fmt == "json":
        print_json([as_dict(t, changed.get(t.id)) for t in found])
        return
    if not found:
        click.echo(f"{spec}: no {status + ' ' if status else ''}threads")
    for thread in found:
        _print_thread(thread, changed.get(thread.id))


@click.command("comment")
@click.argument("spec")
@click.argument("body")
@click.option(
    "--section", required=True, metavar="PATH", help="e.g. 'Technical Design/API Design'."
)
@click.option("--quote", metavar="TEXT", help="Exact text inside the section.")
@click.option("--kind", type=click.Choice(KINDS), default="comment", show_default=True)
@click.option("--suggestion", metavar="TEXT", help="Replacement text for the quote.")
@as_option(True)
@format_option
@db_option
@reports_errors
def comment_command(
    spec: str,
    body: str,
    section: str,
    quote: str | None,
    kind: str,
    suggestion: str | None,
    user: str,
    fmt: str,
    db: str | None,
) -> None:
    """Open a thread on SPEC's current revision: BODY is Markdown, @name mentions."""
    from techspec.service.threads import open_thread

    store = open_store_at(db)
    posted = open_thread(
        store,
        acting(store, user),
        spec,
        section=section,
        body=body,
        quote=quote,
        kind=kind,
        suggestion=suggestion,
    )
    store.close()
    _print_posted(posted, fmt)


@click.command("reply")
@click.argument("thread", type=click.IntRange(1, 2**31 - 1))
@click.argument("body")
@as_option(True)
@format_option
@db_option
@reports_errors
def reply_command(thread: int, body: str, user: str, fmt: str, db: str | None) -> None:
    """Reply on THREAD (its number)."""
    from techspec.service.threads import comment

    store = open_store_at(db)
    posted = comment(store, acting(store, user), thread, body)
    store.close()
    _print_posted(posted, fmt)


def _settle(name: str, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @click.argument("thread", type=click.IntRange(1, 2**31 - 1))
    @as_option(True)
    @format_option
    @db_option
    @reports_errors
    def command(thread: int, user: str, fmt: str, db: str | None) -> None:
        from techspec.service import threads

        store = open_store_at(db)
        step = threads.resolve if name == "resolve" else threads.reopen
        found = step(store, acting(store, user), thread)
        store.close()
        if fmt == "json":
            print_json(threads.as_dict(found))
        else:
            _print_thread(found)

    return command


resolve_command = _settle("resolve", "Resolve THREAD (its author or the spec's owner).")
reopen_command = _settle("reopen", "Reopen THREAD (its author or the spec's owner).")


@click.command("apply")
@click.argument("thread", type=click.IntRange(1, 2**31 - 1))
@click.option(
    "--revision",
    "-r",
    type=click.IntRange(1),
    help="The revision you read (default: the current one); refused if it is not current.",
)
@as_option(True)
@format_option
@db_option
@reports_errors
def apply_command(thread: int, revision: int | None, user: str, fmt: str, db: str | None) -> None:
    """Apply suggestion THREAD as a new revision (the spec's owner)."""
    from techspec.service import threads

    store = open_store_at(db)
    saved, found = threads.apply(store, acting(store, user), thread, base=revision)
    store.close()
    if fmt == "json":
        print_json(
            {
                "slug": saved.spec.slug,
                "revision": saved.revision,
                "note": saved.note,
                "thread": threads.as_dict(found),
            }
        )
        return
    click.echo(f"{saved.spec.slug}: suggestion #{thread} applied as r{saved.revision}")
    if saved.note:
        click.echo(f"  {saved.note}")


COMMANDS: tuple[click.Command, ...] = (
    threads_command,
    comment_command,
    reply_command,
    resolve_command,
    reopen_command,
    apply_command,
)


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
