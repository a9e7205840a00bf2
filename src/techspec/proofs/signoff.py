"""Signed sign-off rows: an approval anyone can check in the Markdown itself.

Why: the store's approval records live in one database, which whoever holds the file can
rewrite.  A sign-off row whose Signature cell carries the server's Ed25519 signature over
what was approved can be checked with nothing but the public key, in a spec exported to
git, years later.

The Signature cell (one line of ASCII; the spaces let an editor wrap it)::

    approved sha256:<content hash, 64 hex> spec:<spec> sig:<key id, 16 hex>:<signature>

``<spec>`` is the spec's slug, percent-encoded (RFC 3986 unreserved characters kept),
``<signature>`` the 64-byte Ed25519 signature, unpadded base64url (86 characters).  The
signed message is the UTF-8 encoding of six lines, each ending in LF::

    techspec-signoff/1
    spec <slug, as stored>
    role <the row's Role cell, trimmed, case-folded>
    reviewer <the row's Name cell, trimmed>
    date <the row's Date cell, YYYY-MM-DD>
    content sha256:<content hash>

so the signature binds the row's own Role, Name and Date cells and the hash of the
content (:func:`techspec.authoring.content_hash.content_hash`, blind to the sign-off
cells themselves).  No value may hold a line break, so the lines cannot be confused.

Without a signing key (a PostgreSQL server given none) the workflow writes the unsigned
form ``approved sha256:<hash>``; :func:`verify_text` reports such a row as unsigned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal
from urllib.parse import quote, unquote

from techspec.document.parser import parse
from techspec.lint.linter import LintContext
from techspec.lint.rules.managed import SignoffRow, content_hash, signoff_rows
from techspec.lint.rules.values import is_iso_date, unfilled
from techspec.lint.template import Template, builtin_template
from techspec.proofs import ProofError
from techspec.proofs.keys import KeyRing, b64url, from_b64url

DOMAIN = "techspec-signoff/1"

_CELL = re.compile(
    r"approved[ \t]+sha256:(?P<content>[0-9a-f]{64})"
    r"(?:[ \t]+spec:(?P<spec>[^ \t|]{1,600})"
    r"[ \t]+sig:(?P<key>[0-9a-f]{16}):(?P<sig>[A-Za-z0-9_-]{86}))?"
)
"""The whole cell (fullmatch): every part bounded, so a match is linear in the cell."""

Verdict = Literal["signed", "unsigned", "stale", "forged"]


def message(spec: str, role: str, reviewer: str, day: date | str, content: str) -> bytes:
    """The bytes a sign-off signature covers (see the module docstring)."""
    when = day.isoformat() if isinstance(day, date) else day
    values = (spec, role.strip().casefold(), reviewer.strip(), when.strip(), content)
    if any(any(c in v for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029") for v in values):
        raise ProofError("a signed sign-off value must be a single line")
    lines = [
        DOMAIN,
        f"spec {values[0]}",
        f"role {values[1]}",
        f"reviewer {values[2]}",
        f"date {values[3]}",
        f"content sha256:{values[4]}",
    ]
    return "".join(line + "\n" for line in lines).encode("utf-8", "surrogatepass")


@dataclass(frozen=True, slots=True)
class Cell:
    """What a Signature cell says."""

    content: str
    spec: str | None = None
    key_id: str | None = None
    signature: bytes | None = None

    @property
    def signed(self) -> bool:
        return self.signature is not None


def parse_cell(text: str) -> Cell | None:
    """The parts of a Signature cell; None when it is not one techspec writes."""
    found = _CELL.fullmatch(text.strip())
    if found is None:
        return None
    if found["sig"] is None:
        return Cell(found["content"])
    try:
        spec = unquote(found["spec"], errors="strict")
    except UnicodeDecodeError:
        return None
    return Cell(
        found["content"],
        spec,
        found["key"],
        from_b64url(found["sig"], "the signature"),
    )


class Signer:
    """Writes and checks the Signature cells of one server; ``ring`` None writes the
    unsigned form (a server given no key)."""

    def __init__(self, ring: KeyRing | None) -> None:
        self.ring = ring

    def cell(self, spec: str, role: str, reviewer: str, day: date, content: str) -> str:
        """The Signature cell for a row approved by ``reviewer`` as ``role`` on ``day``."""
        if self.ring is None or not self.ring.can_sign:
            return f"approved sha256:{content}"
        key = self.ring.current
        signature = key.sign(message(spec, role, reviewer, day, content))
        return (
            f"approved sha256:{content} spec:{quote(spec, safe='')} "
            f"sig:{key.key_id}:{b64url(signature)}"
        )

    def holds(self, text: str, spec: str, role: str, reviewer: str, day: str, content: str) -> bool:
        """Whether the cell ``text`` is this server's valid signature of the row (any of
        its keys; an unsigned cell counts only when this server cannot sign)."""
        cell = parse_cell(text)
        if cell is None or cell.content != content or not is_iso_date(day):
            return False
        if self.ring is None or not self.ring.can_sign:
            return not cell.signed
        return cell.spec == spec and _valid(self.ring, cell, role, reviewer, day)


def _valid(ring: KeyRing, cell: Cell, role: str, reviewer: str, day: str) -> bool:
    assert cell.spec is not None and cell.key_id is not None and cell.signature is not None
    try:
        data = message(cell.spec, role, reviewer, day, cell.content)
    except ProofError:
        return False
    return ring.verify(cell.key_id, data, cell.signature)


# -- checking a file --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowCheck:
    """The verdict on one filled sign-off row."""

    line: int
    role: str
    verdict: Verdict
    reason: str
    key_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "signed"


def verify_text(text: str, ring: KeyRing, template: Template | None = None) -> list[RowCheck]:
    """A verdict for every filled sign-off row of ``text`` (blank rows are skipped).

    * ``signed``: signed by a key of ``ring`` over this text's content hash and the row's
      own Role, Name and Date (and, for a retired key, dated before it was retired);
    * ``stale``: a valid signature, but over another content hash (the text changed);
    * ``forged``: a signature that does not check out (unknown key, edited cell, row
      or signature, or dated after the key was retired);
    * ``unsigned``: filled in, but with no signature; or blank in a spec whose Status
      claims approval (Approved or later), so blanking the rows proves nothing away.
    """
    context = LintContext(parse(text), template or builtin_template())
    claimed = _claimed_status(context)
    checks: list[RowCheck] = []
    roles: set[str] = set()
    actual: str | None = None
    for row in signoff_rows(context):
        first = row.role.casefold() not in roles
        roles.add(row.role.casefold())
        if _filled(row):
            if actual is None:
                actual = content_hash(text, context.template, parsed=context)
            checks.append(_check(row, ring, actual))
        elif claimed is not None and first:
            why = f"the spec's Status is {claimed}, but this row is blank"
            checks.append(RowCheck(row.line, row.role, "unsigned", why))
    return checks


def _claimed_status(context: LintContext) -> str | None:
    """The Status when it claims approval (the lifecycle's third state or later)."""
    statuses = context.template.statuses
    status = context.spec.status
    if len(statuses) < 4 or status is None:
        return None
    return status.strip() if context.template.status_rank(status) >= 2 else None


def _filled(row: SignoffRow) -> bool:
    return any(not unfilled(text) for _column, _kind, text in row.cells)


def _check(row: SignoffRow, ring: KeyRing, actual: str) -> RowCheck:
    name, day, text = row.value("name"), row.value("date"), row.value("signature")
    cell = parse_cell(text)
    if cell is None or not cell.signed:
        why = "no signature" if cell is not None or unfilled(text) else "not a techspec signature"
        return RowCheck(row.line, row.role, "unsigned", why)
    assert cell.key_id is not None
    key = ring.get(cell.key_id)
    if key is None:
        return RowCheck(row.line, row.role, "forged", f"unknown key {cell.key_id}", cell.key_id)
    if not is_iso_date(day):
        why = f"the Date cell {day.strip()!r} is not YYYY-MM-DD"
        return RowCheck(row.line, row.role, "forged", why, cell.key_id)
    if not _valid(ring, cell, row.role, name, day):
        why = "the signature does not match the row (spec, role, name, date or hash edited)"
        return RowCheck(row.line, row.role, "forged", why, cell.key_id)
    if key.valid_until is not None and _after(day, key.valid_until.date()):
        why = f"dated {day.strip()}, after key {cell.key_id} was retired"
        return RowCheck(row.line, row.role, "forged", why, cell.key_id)
    if cell.content != actual:
        why = (
            f"signed content sha256:{cell.content[:12]}..., but the file's content hash is "
            f"sha256:{actual[:12]}...: the text changed after the approval"
        )
        return RowCheck(row.line, row.role, "stale", why, cell.key_id)
    return RowCheck(row.line, row.role, "signed", f"by key {cell.key_id}", cell.key_id)


def _after(day: str, retired: date) -> bool:
    """Whether a row dated ``day`` was signed after its key was retired: a day later than
    the retirement's UTC date (one day of slack for a local date ahead of UTC).  The
    signature was made on or after the row's date, so such a row is a forgery."""
    return date.fromisoformat(day.strip()) > retired + timedelta(days=1)


def failures(checks: list[RowCheck]) -> Iterator[RowCheck]:
    """The rows that do not verify."""
    return (check for check in checks if not check.ok)
