"""Backup and restore: the data and the audit chain come back, and verify passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_specs import draft, edited

from techspec.errors import InputError
from techspec.store import audit, backup, revisions
from techspec.store.engine import Store
from techspec.store.errors import NotFound
from techspec.store.users import add_user


def test_restore_brings_back_the_backed_up_state_and_the_chain_verifies(
    store: Store, tmp_path: Path
) -> None:
    ada = add_user(store, "ada")
    revisions.create_spec(store, "ledger", draft(), author=ada)
    target = backup.backup(store, tmp_path / "store.backup")
    assert target.stat().st_size > 0
    revisions.save(store, "ledger", edited(draft(), "After the backup."), base=1)
    revisions.create_spec(store, "later", draft("Later"))
    backup.restore(store, target, actor="ada")
    assert revisions.get_spec(store, "ledger").current_revision == 1
    with pytest.raises(NotFound):
        revisions.get_spec(store, "later")
    result = audit.verify(store)
    assert result.ok, str(result)
    assert audit.events(store)[-1].action == "store.restored"
    revisions.save(store, "ledger", edited(draft(), "After the restore."), base=1)
    assert audit.verify(store).ok


def test_restoring_a_missing_file_is_an_input_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such backup file"):
        backup.restore(store, tmp_path / "missing.backup")
