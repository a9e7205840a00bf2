"""Users, roles and API tokens (kept hashed, never in clear)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from techspec.errors import UsageError
from techspec.store import users
from techspec.store.engine import Store
from techspec.store.errors import Conflict, Forbidden, NotFound


def test_a_user_is_stored_with_their_roles(store: Store) -> None:
    users.add_user(store, "grace", ["Security Lead", "Technical Lead", "Security Lead"])
    found = users.find_user(store, "grace")
    assert found.roles == ("Security Lead", "Technical Lead")
    assert found.has_role("security lead")
    assert not found.has_role("Product Owner")


def test_adding_a_user_twice_is_a_conflict(store: Store) -> None:
    users.add_user(store, "grace")
    with pytest.raises(Conflict, match="already exists"):
        users.add_user(store, "grace")


def test_an_unknown_user_is_not_found_with_a_hint(store: Store) -> None:
    with pytest.raises(NotFound, match=r"unknown user 'Bob Smith'") as raised:
        users.find_user(store, "Bob Smith")
    assert raised.value.hint == "add one with: techspec user add 'Bob Smith' --role ROLE"


def test_a_user_name_with_a_pipe_is_refused(store: Store) -> None:
    with pytest.raises(UsageError):
        users.add_user(store, "a|b")


def test_a_token_authenticates_its_user_and_is_stored_only_hashed(store: Store) -> None:
    users.add_user(store, "grace", ["Security Lead"])
    token = users.create_token(store, "grace", "ci")
    assert users.authenticate(store, token).name == "grace"
    with store.read() as connection:
        stored = connection.execute(sa.text("SELECT token_hash FROM api_tokens")).scalars().all()
        dump = " ".join(
            str(v) for row in connection.execute(sa.text("SELECT * FROM api_tokens")) for v in row
        )
    assert stored == [users.hash_token(token)]
    assert token not in dump


def test_a_revoked_or_unknown_token_is_refused(store: Store) -> None:
    users.add_user(store, "grace")
    token = users.create_token(store, "grace")
    assert users.revoke_tokens(store, "grace") == 1
    with pytest.raises(Forbidden):
        users.authenticate(store, token)
    with pytest.raises(Forbidden):
        users.authenticate(store, "tsk_made_up")


def test_a_login_with_a_token_is_audited_without_the_token(store: Store) -> None:
    from techspec.store import audit

    users.add_user(store, "grace")
    token = users.create_token(store, "grace")
    assert users.login(store, token).name == "grace"
    last = audit.events(store)[-1]
    assert (last.actor, last.action) == ("grace", "user.login")
    assert token not in str(last.details)
