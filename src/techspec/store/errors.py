"""Errors of the store and the workflow, each with its exit code and HTTP status.

Exit codes follow the linter's: 1 means the document does not meet a check (a gate),
2 a usage or input problem (unknown spec or user, bad or unreachable database),
3 a conflict to retry (the revision you edited is no longer current), 4 not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from techspec.errors import TechspecError


class StoreError(TechspecError):
    """A store problem the user can fix: bad URL, unreachable database, old schema."""

    exit_code = 2
    http_status = 503


class NotFound(TechspecError):
    """An unknown spec, revision or user."""

    exit_code = 2
    http_status = 404


class Conflict(TechspecError):
    """A save based on a revision that is no longer current, or a name already taken."""

    exit_code = 3
    http_status = 409


class PreconditionFailed(Conflict):
    """An edit based on a revision that is no longer current; ``etag`` names the current
    one (HTTP answers it with 412 Precondition Failed)."""

    http_status = 412

    def __init__(self, message: str, *, etag: str) -> None:
        self.etag = etag
        super().__init__(message)


class ChangedSinceSeen(PreconditionFailed):
    """A decision on a revision whose content is no longer current: the person must read
    what changed (``seen`` to ``current``; ``seen`` is None for an unknown ETag)."""

    def __init__(self, slug: str, seen: int | None, current: int, *, etag: str) -> None:
        self.seen = seen
        self.current = current
        which = "the revision you read" if seen is None else f"revision {seen}, which you read"
        super().__init__(
            f"spec '{slug}' has changed since {which} (it is at revision {current}): "
            "read the changes and decide again",
            etag=etag,
        )


class Forbidden(TechspecError):
    """The user may not do this: lacks the role, or approves their own spec."""

    exit_code = 4
    http_status = 403


class ManagedPartEdited(TechspecError):
    """A save changed a part of the document only the workflow writes (a sign-off cell,
    a review tick, a workflow history row); the message names the part.  Not a
    :class:`Conflict`: saving again after a reload would not help."""

    exit_code = 3
    http_status = 409


class InvalidTransition(TechspecError):
    """The workflow has no such step from the spec's current status."""

    exit_code = 2
    http_status = 409


@dataclass(frozen=True, slots=True)
class Gate:
    """One unmet condition of a transition, with the line of the document it is about."""

    reason: str
    line: int | None = None
    rule: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.reason}"


class GateRefused(TechspecError):
    """A transition whose gates are not met; ``gates`` lists every unmet one."""

    exit_code = 1
    http_status = 409

    def __init__(self, target: str, gates: list[Gate], *, path: str | None = None) -> None:
        self.target = target
        self.gates = list(gates)
        count = len(self.gates)
        plural = "gate" if count == 1 else "gates"
        super().__init__(f"cannot move to {target}: {count} unmet {plural}", path=path)

    def details(self) -> list[str]:
        """One line per unmet gate, for the command line."""
        return [str(gate) for gate in self.gates]
