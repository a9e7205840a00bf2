"""Entity tags: a spec's ETag is its current revision's sha256, quoted.

``If-None-Match`` turns a read of an unchanged spec into 304.  ``If-Match`` is required
on writes (428 without it) and must name the current revision (412 otherwise), so two
clients that edited the same revision cannot both win.
"""

from __future__ import annotations

from techspec.api.errors import PreconditionRequired


def tags(header: str) -> list[str]:
    """The opaque tags of a header value, without quotes or the weak prefix."""
    found = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        found.append(tag.strip().strip('"'))
    return [tag for tag in found if tag]


def none_match(header: str | None, sha256: str) -> bool:
    """True when ``If-None-Match`` names the current representation (answer 304)."""
    if header is None:
        return False
    return header.strip() == "*" or sha256 in tags(header)


def required_match(header: str | None) -> list[str]:
    """The tags of a required ``If-Match``: 428 when it is missing, empty or ``*``."""
    if header is None or not header.strip():
        raise PreconditionRequired(
            "this write needs If-Match with the ETag of the revision you edited "
            "(GET the spec, then send its ETag back)"
        )
    if header.strip() == "*":
        raise PreconditionRequired(
            "If-Match: * would overwrite whatever is current: send the ETag you edited"
        )
    return tags(header)
