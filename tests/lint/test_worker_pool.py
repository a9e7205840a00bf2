"""``techspec.lint.batch.worker_pool``: workers forked ready to work, the parent left as it was."""

from __future__ import annotations

import gc
import os

from techspec.lint.batch import worker_pool

_warmed_in: list[int] = []


def _warm() -> None:
    _warmed_in.append(os.getpid())


def _what_the_worker_inherited(_: int) -> tuple[int, list[int], int]:
    return os.getpid(), list(_warmed_in), gc.get_freeze_count()


def test_workers_inherit_what_the_parent_prepared_once_and_the_frozen_objects() -> None:
    _warmed_in.clear()

    with worker_pool(2, _warm) as pool:
        seen = list(pool.map(_what_the_worker_inherited, range(8)))

    assert _warmed_in == [os.getpid()]  # prepared in the parent, once
    assert all(warmed == [os.getpid()] for _, warmed, _ in seen)
    assert all(frozen > 0 for _, _, frozen in seen)  # the parent's objects stay out of GC
    assert all(pid != os.getpid() for pid, _, _ in seen)


def test_the_parent_collects_its_objects_again_afterwards() -> None:
    with worker_pool(1) as pool:
        assert gc.get_freeze_count() > 0
        pool.submit(int).result()

    assert gc.get_freeze_count() == 0
