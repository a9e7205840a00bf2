"""8 processes x 50 saves on one spec, each based on the revision it read: every save
lands or gets a conflict, the revision chain has no gaps, and no landed content is lost."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest
from store_specs import draft
from store_workers import save_many

from techspec.store import audit, revisions
from techspec.store.engine import Store

PROCESSES = 8
SAVES = 50


@pytest.mark.slow
def test_concurrent_saves_never_lose_an_update(store: Store, db_url: str) -> None:
    revisions.create_spec(store, "ledger", draft())
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(PROCESSES, mp_context=context) as pool:
        futures = [pool.submit(save_many, db_url, worker, SAVES) for worker in range(PROCESSES)]
        outcomes = [outcome for future in futures for outcome in future.result()]

    assert len(outcomes) == PROCESSES * SAVES
    assert {kind for kind, _, _ in outcomes} <= {"landed", "conflict"}
    landed = sorted((number, marker) for kind, number, marker in outcomes if kind == "landed")
    assert landed, "no save landed"
    chain = revisions.history(store, "ledger")
    assert [r.number for r in chain] == list(range(1, len(chain) + 1))
    assert [n for n, _ in landed] == list(range(2, len(chain) + 1))
    for revision, (number, marker) in zip(chain[1:], landed, strict=True):
        assert revision.number == number
        assert marker in revision.text
        previous = chain[number - 2].text
        assert revision.text == previous.replace(
            "## Executive Summary\n\n", f"## Executive Summary\n\n{marker}\n", 1
        )
    final = chain[-1].text
    assert all(marker in final for _, marker in landed)
    assert audit.verify(store).ok
