"""``techspec sync DIR``: keep a directory of spec files in step with the store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from techspec.cli.support import (
    acting,
    as_option,
    command_hint,
    db_option,
    open_store_at,
    reports_errors,
)

if TYPE_CHECKING:
    from techspec.service.sync import Synced

CONFLICT_EXIT = 3
SKIPPED_EXIT = 1


@click.command("sync")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--resolved",
    "resolved",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    metavar="FILE",
    help="FILE was merged by hand: save it as an edit of the store's current revision.",
)
@as_option(False)
@click.option("--template", type=click.Path(path_type=Path), help="Template for new specs.")
@db_option
@reports_errors
def sync_command(
    directory: Path,
    resolved: tuple[Path, ...],
    user: str | None,
    template: Path | None,
    db: str | None,
) -> None:
    """Bring DIRECTORY's spec files and the store in step, file by file: what moved
    only in the store is written to the file, what moved only in the file is saved as
    a revision, both are merged section by section; a file neither changed is not
    touched.  Each file's last synced revision is kept in DIRECTORY/.techspec-sync/
    (commit it with the specs).  Exit 0 when everything is in step, 1 when a file was
    skipped, 3 when sections changed on both sides need a person (nothing was written
    for that file)."""
    from techspec.errors import InputError
    from techspec.lint.batch import load_template
    from techspec.service.sync import sync_dir

    if not directory.is_dir():
        raise InputError("no such directory", path=str(directory))
    compiled = load_template(template) if template is not None else None
    store = open_store_at(db)
    try:
        results = sync_dir(
            store, acting(store, user), directory, resolved=resolved, template=compiled
        )
    finally:
        store.close()
    sys.exit(_report(results, directory, db))


def _report(results: list[Synced], directory: Path, db: str | None) -> int:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        number = f" r{result.revision}" if result.revision is not None else ""
        note = f" ({result.reason})" if result.reason else ""
        if result.outcome in ("skipped", "ignored"):
            click.echo(f"techspec: {result.outcome} {result.path}: {result.reason}", err=True)
        elif result.outcome == "conflict":
            click.echo(f"conflict  {result.path} {result.slug}{number}{note}")
            for section in result.conflicts:
                click.echo(f"  CONFLICT {section.path}: {section.reason}")
        elif result.outcome != "unchanged":
            click.echo(f"{result.outcome:<9} {result.path} {result.slug}{number}{note}")
    if counts.get("conflict"):
        hint = command_hint(f"techspec sync {directory} --resolved FILE", db)
        click.echo(
            "Merge each conflicting file by hand (techspec cat SLUG prints the store's text), "
            f"then run: {hint}",
            err=True,
        )
    order = ("unchanged", "written", "imported", "merged", "created", "deleted", "removed")
    summary = [f"{counts.get(k, 0)} {k}" for k in order if counts.get(k) or k == "unchanged"]
    summary += [f"{counts[k]} {k}" for k in ("conflict", "skipped") if counts.get(k)]
    click.echo(", ".join(summary))
    if counts.get("conflict"):
        return CONFLICT_EXIT
    return SKIPPED_EXIT if counts.get("skipped") else 0


def register(group: click.Group) -> None:
    group.add_command(sync_command)
