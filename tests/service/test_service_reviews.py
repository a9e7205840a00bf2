"""Review requests through the application layer: the spec page asks for a spec it has
already looked up (``requests_on``), the API and CLI by reference (``requests_for``);
both give the same answer and both refuse someone who may not read."""

from __future__ import annotations

import pytest
from test_builtin_template_workflow import FIXTURES, _as_draft

from techspec.lint.builtins import builtin_named
from techspec.service import reviews, specs, workflow
from techspec.store.engine import Store
from techspec.store.errors import Forbidden
from techspec.store.users import add_user


def test_a_looked_up_spec_and_its_reference_give_the_same_requests(store: Store) -> None:
    template = builtin_named("adr")
    assert template is not None
    author = add_user(store, "ada", ["author"])
    add_user(store, "tom", ["Technical Lead"])
    add_user(store, "ann", ["Architect"])
    text = _as_draft(FIXTURES / "adr-0007-ledger-database.md", template.statuses[0])
    specs.create(store, author, text, slug="ledger", template=template)
    workflow.submit(store, author, "ledger")
    spec = specs.current(store, "ledger").spec

    by_reference = reviews.requests_for(store, author, "ledger")
    looked_up = reviews.requests_on(store, author, spec)
    assert sorted(r.reviewer for r in looked_up) == ["ann", "tom"]
    assert looked_up == by_reference

    nobody = add_user(store, "nobody", [])
    with pytest.raises(Forbidden):
        reviews.requests_on(store, nobody, spec)
