"""``make run``'s demo data holds a spec under discussion: threads on quotes, a
suggestion, a blocking concern and a thread its author's edit made outdated."""

from __future__ import annotations

import pytest

from techspec.errors import InputError
from techspec.service import demo, specs, threads
from techspec.service.permissions import CONSOLE
from techspec.store.engine import Store


def test_the_demo_seeds_a_spec_under_discussion(store: Store) -> None:
    assert demo.seed(store) is not None
    found = threads.threads_of(store, CONSOLE, demo.DISCUSSED)
    assert sorted(t.kind for t in found) == ["blocking", "comment", "comment", "suggestion"]
    assert all(t.status == "open" for t in found)
    [outdated] = [t for t in found if t.outdated]
    assert outdated.quote == "30 million products"
    assert outdated.anchored_text is not None and "30 million products" in outdated.anchored_text
    assert [c.author for c in outdated.comments] == ["Tomás Ferreira", "Daniel Okoye"]
    [suggestion] = [t for t in found if t.kind == "suggestion"]
    assert not suggestion.outdated and suggestion.suggestion is not None
    assert threads.diffs(store, CONSOLE, found)[outdated.id].count("32 million products") == 1
    approved = threads.threads_of(store, CONSOLE, "0001-payments-ledger")
    assert approved == []  # the demo's approvals carry no comment


def test_the_spec_page_asks_for_a_looked_up_spec_and_gets_the_same_threads(
    store: Store,
) -> None:
    demo.seed(store)
    spec = specs.current(store, demo.DISCUSSED).spec
    assert threads.threads_on(store, CONSOLE, spec) == threads.threads_of(
        store, CONSOLE, demo.DISCUSSED
    )
    assert threads.threads_on(store, CONSOLE, spec, "resolved") == []
    with pytest.raises(InputError, match="'status': 'closed' is not one of open, resolved"):
        threads.threads_on(store, CONSOLE, spec, "closed")
