"""An ADR and an RFC go through the whole workflow: their Status enumerations are the
lifecycle (Draft, Review, Approved, Implemented by position) and their sign-off tables
name who approves."""

from __future__ import annotations

from pathlib import Path

import pytest

from techspec.lint.builtins import builtin_named
from techspec.service import specs, workflow
from techspec.store.engine import Store
from techspec.store.errors import GateRefused
from techspec.store.seen import Seen
from techspec.store.users import add_user

FIXTURES = Path(__file__).parents[1] / "fixtures" / "builtin-templates"


def _as_draft(path: Path, draft: str) -> str:
    """The fixture before its review: the first status, the sign-off rows blank."""
    lines = []
    for line in path.read_text("utf-8").splitlines(keepends=True):
        if line.startswith("**Status**:"):
            line = f"**Status**: {draft}" + ("\\\n" if line.rstrip("\n").endswith("\\") else "\n")
        elif line.startswith(("| Architect ", "| Technical Lead ", "| Product Owner ")):
            role = line.split("|")[1]
            line = f"|{role}|      |      |           |\n"
        lines.append(line)
    return "".join(lines)


@pytest.mark.parametrize(
    ("name", "fixture", "roles"),
    [
        ("adr", "adr-0007-ledger-database.md", ("Architect", "Technical Lead")),
        ("rfc", "rfc-0012-async-handlers.md", ("Technical Lead", "Product Owner")),
    ],
)
def test_submit_approve_and_implement_follow_the_templates_statuses(
    store: Store, name: str, fixture: str, roles: tuple[str, str]
) -> None:
    template = builtin_named(name)
    assert template is not None
    draft, review, approved, done = template.statuses
    author = add_user(store, "ada", ["author"])
    deciders = [add_user(store, f"reviewer{i}", [role]) for i, role in enumerate(roles)]
    text = _as_draft(FIXTURES / fixture, draft)
    saved = specs.create(store, author, text, slug=name, template=template)
    assert saved.spec.status == draft

    assert workflow.submit(store, author, name).status == review
    for person in deciders:
        number = specs.current(store, name).revision.number
        outcome = workflow.decide(store, person, name, "approve", seen=Seen(number=number))
    assert outcome.status == approved
    signed = specs.current(store, name).revision.text
    assert all(f"| {person.name}" in signed for person in deciders)

    with pytest.raises(GateRefused) as refused:  # a follow-up task is still open
        workflow.implement(store, author, name)
    assert refused.value.target == done
