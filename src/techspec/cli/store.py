"""Store and workflow commands: ``import``, ``export``, ``list``, ``search``, ``history``,
``diff``, ``submit``/``approve``/``request-changes``/``implement``, ``user``, ``audit``,
``db``, ``backup``/``restore``.

Only click is imported here at module level; each command imports the store (and so
SQLAlchemy) when it runs, so ``techspec --version`` and ``techspec lint`` stay fast.
Every command opens the store named by ``--db`` or ``$TECHSPEC_DATABASE_URL``
(default ``sqlite:///techspec.db``), calls one library function and prints the result.
Errors become one line on stderr and the error's exit code: 1 unmet gates, 2 bad input
(unknown spec or user, bad or unreachable database), 3 conflict, 4 not allowed.
"""

from __future__ import annotations

import click

from techspec.cli.admin import (
    audit_group,
    backup_command,
    delete_command,
    restore_command,
    user_group,
)
from techspec.cli.specs import (
    cat_command,
    db_group,
    diff_command,
    export_command,
    history_command,
    import_command,
    list_command,
    search_command,
)
from techspec.cli.workflow import (
    approvals_command,
    approve_command,
    implement_command,
    request_changes_command,
    submit_command,
)

COMMANDS: tuple[click.Command, ...] = (
    db_group,
    import_command,
    export_command,
    list_command,
    search_command,
    history_command,
    cat_command,
    diff_command,
    submit_command,
    approve_command,
    request_changes_command,
    implement_command,
    approvals_command,
    user_group,
    audit_group,
    backup_command,
    restore_command,
    delete_command,
)


def register(group: click.Group) -> None:
    """Add the store commands to the ``techspec`` group."""
    for command in COMMANDS:
        group.add_command(command)
