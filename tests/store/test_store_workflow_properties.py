"""A property of the whole workflow, on both engines: whatever sequence of submits,
approvals, change requests, edits (and reverts, and forgeries of the workflow's parts)
people perform, every revision the store writes lints with no finding the text before it
did not have, its Markdown shows exactly the approvals the store holds as current, each of
those was given on the very text that is current, and its Document History never claims
a version the document does not have."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from store_specs import draft, held, signed_rows

from techspec.document.parser import parse
from techspec.errors import TechspecError
from techspec.lint.linter import lint_text
from techspec.store import approvals, revisions, workflow
from techspec.store.engine import Store
from techspec.store.seen import Seen
from techspec.store.users import User, add_user

ROLES = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}
WORDS = ("alpha", "beta", "gamma")
WAIVER = "The security review is waived.\n\n"
FORGERIES = ("rename", "tick", "history", "status")
STARTS: dict[str, list[tuple[str, str]]] = {
    "Draft": [],
    "Review": [("submit", "")],
    "Approved": [("submit", ""), *[("approve", name) for name in ROLES]],
}
"""Where an example starts, so that short sequences reach every state."""

Step = tuple[str, str]
steps = st.lists(
    st.one_of(
        st.tuples(st.just("submit"), st.just("")),
        st.tuples(st.sampled_from(["approve", "approve", "request"]), st.sampled_from(list(ROLES))),
        st.tuples(st.just("edit"), st.sampled_from(WORDS)),
        st.tuples(st.just("revert"), st.sampled_from(["0", "1", "2", "3"])),
        st.tuples(st.just("waive"), st.just("")),
        st.tuples(st.just("tick-work"), st.just("")),
        st.tuples(st.just("forge"), st.sampled_from(FORGERIES)),
    ),
    min_size=1,
    max_size=12,
)
_slugs = itertools.count()


@dataclass
class Model:
    """What the author wrote: the words of the Notes line and whether the waiver is in."""

    words: tuple[str, ...] = ()
    waived: bool = False
    seen: dict[int, tuple[tuple[str, ...], bool]] = field(default_factory=dict)
    """Approval id -> the content it was given on."""
    history: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)

    @property
    def content(self) -> tuple[tuple[str, ...], bool]:
        return self.words, self.waived

    def text(self, current: str) -> str:
        """``current`` with the Notes line and the waiver as this model says."""
        start = current.index("Notes:")
        end = current.index("\n", start)
        text = current[:start] + "Notes: " + " ".join(self.words) + "." + current[end:]
        text = text.replace(WAIVER, "")
        return text.replace("### Sign-off\n", WAIVER + "### Sign-off\n") if self.waived else text


@pytest.fixture
def people(store: Store) -> dict[str, User]:
    found = {name: add_user(store, name, [role]) for name, role in ROLES.items()}
    found["ada"] = add_user(store, "ada", ["author"])
    return found


def _findings(text: str) -> Counter[tuple[str, str]]:
    return Counter((f.rule, f.message) for f in lint_text(text))


def _forged(text: str, how: str) -> str:
    if how == "rename":
        return text.replace("| Technical Lead | tom |", "| Technical Lead | The CTO |")
    if how == "tick":
        return text.replace("- [ ] Security review completed", "- [x] Security review completed")
    if how == "history":
        return text + "| 1.0 | 2026-12-01 | sue | Approved as Security Lead by sue |\n"
    return text.replace("**Status**: Draft", "**Status**: Approved")


def _apply(store: Store, people: dict[str, User], slug: str, model: Model, step: Step) -> None:
    kind, arg = step
    current = revisions.get_revision(store, slug)
    ada = people["ada"]
    seen = Seen(number=current.number)
    if kind == "submit":
        workflow.submit(store, slug, ada)
    elif kind == "approve":
        workflow.approve(store, slug, people[arg], ROLES[arg], seen=seen)
    elif kind == "request":
        workflow.request_changes(store, slug, people[arg], ROLES[arg], "why", seen=seen)
    elif kind == "tick-work":
        revisions.save(
            store,
            slug,
            current.text.replace("- [ ] ", "- [x] ", 1),
            base=current.number,
            author=ada,
        )
    elif kind == "forge":
        revisions.save(store, slug, _forged(current.text, arg), base=current.number, author=ada)
    else:
        before = model.content
        if kind == "edit":
            model.words = (*model.words, arg)
        elif kind == "waive":
            model.waived = not model.waived
        else:
            visited = model.history or [before]
            model.words, model.waived = visited[int(arg) % len(visited)]
        try:
            revisions.save(store, slug, model.text(current.text), base=current.number, author=ada)
        except TechspecError:
            model.words, model.waived = before
            raise


def _check(store: Store, slug: str, model: Model, before: str) -> None:
    text = revisions.get_revision(store, slug).text
    assert not _findings(text) - _findings(before), "a revision added lint findings"
    assert signed_rows(text) == held(store, slug), "the Markdown and the store disagree"
    spec = revisions.get_spec(store, slug)
    for approval in approvals.for_spec(store, spec.id, spec.content_hash):
        if approval.current and approval.decision == "approve":
            assert model.seen[approval.id] == model.content, "approved text is not current"
    parsed = parse(text)
    history = parsed.table("Document History")
    assert history is not None
    assert {row[0].text for row in history.rows} == {"1.0"}
    event(f"reached {parsed.status}")
    if held(store, slug):
        event("a current approval")
    settled = parsed.status in ("Approved", "Implemented")
    review = parsed.section("Review & Approval")
    assert review is not None
    assert all(item.checked == settled for sub in review.children for item in sub.checklist)


def _remember(store: Store, slug: str, model: Model) -> None:
    spec = revisions.get_spec(store, slug)
    for approval in approvals.for_spec(store, spec.id, spec.content_hash):
        model.seen.setdefault(approval.id, model.content)
    if model.content not in model.history:
        model.history.append(model.content)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=st.sampled_from(list(STARTS)), sequence=steps)
def test_no_sequence_of_workflow_steps_and_edits_leaves_a_false_or_new_claim(
    store: Store, people: dict[str, User], start: str, sequence: list[Step]
) -> None:
    slug = f"spec-{next(_slugs)}"
    revisions.create_spec(store, slug, draft(words="Notes: ."), author=people["ada"])
    model = Model()
    _remember(store, slug, model)
    for step in STARTS[start] + sequence:
        before = revisions.get_revision(store, slug)
        try:
            _apply(store, people, slug, model, step)
        except TechspecError:
            assert revisions.get_revision(store, slug).number == before.number
            continue
        if step[0] == "forge":  # it changed nothing it could reach, so nothing was stored
            assert revisions.get_revision(store, slug).number == before.number
        after = revisions.get_revision(store, slug)
        if after.message.startswith("Workflow update"):
            event("the workflow wrote its parts back after an edit")
        if "signed by current approvals" in after.message:
            event("an approval came back with its content")
        _remember(store, slug, model)
        _check(store, slug, model, before.text)
