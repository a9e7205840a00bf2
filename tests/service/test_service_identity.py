"""The rules of single sign-on at the application layer: who a set of claims is, which
roles the directory grants and which it leaves alone, and what is refused."""

from __future__ import annotations

import pytest

from techspec.errors import ConfigError
from techspec.service import identity
from techspec.service.identity import Directory, MissingClaim, parse_role_map
from techspec.service.permissions import CONSOLE
from techspec.store import audit
from techspec.store.engine import Store
from techspec.store.errors import Forbidden
from techspec.store.users import User, add_user, find_user

ISSUER = "https://id.example.com/realms/eng"
MAP = parse_role_map("eng-leads=Technical Lead,techspec-admins=admin,techspec-admins=author")
DIRECTORY = Directory(ISSUER, "groups", MAP)


def claims(sub: str = "s-1", **extra: object) -> dict[str, object]:
    found: dict[str, object] = {"sub": sub, "preferred_username": "olivia"}
    return {**found, "email": "o@example.com", "groups": [], **extra}


def test_a_group_may_grant_two_roles_and_the_map_is_read_in_order() -> None:
    assert MAP == {"eng-leads": ("Technical Lead",), "techspec-admins": ("admin", "author")}
    assert parse_role_map(" a = b , , c=d ") == {"a": ("b",), "c": ("d",)}


@pytest.mark.parametrize("bad", ["eng-leads", "=admin", "eng=", "g=a|b"])
def test_a_malformed_map_entry_is_named(bad: str) -> None:
    with pytest.raises(ConfigError, match="is not 'group=role'"):
        parse_role_map(bad)


def test_the_first_sign_in_makes_the_user_from_the_claims(store: Store) -> None:
    user = identity.sign_in_from_directory(
        store, DIRECTORY, claims(name="Olivia Ohm", groups=["eng-leads", "unmapped"])
    )
    assert (user.name, user.roles) == ("olivia", ("Technical Lead",))
    account = identity.account(store, CONSOLE, "olivia")
    assert (account.display_name, account.email, account.oidc_subject) == (
        "Olivia Ohm",
        "o@example.com",
        "s-1",
    )
    assert [e.action for e in audit.events(store)][-3:] == [
        "user.added",
        "user.roles-synced",
        "user.login",
    ]


def test_roles_follow_the_groups_and_manual_roles_stay(store: Store) -> None:
    identity.sign_in_from_directory(store, DIRECTORY, claims(groups=["eng-leads"]))
    identity.set_roles(store, CONSOLE, "olivia", ["Technical Lead", "viewer"])
    user = identity.sign_in_from_directory(store, DIRECTORY, claims(groups=["techspec-admins"]))
    assert user.roles == ("admin", "author", "viewer")
    assert identity.account(store, CONSOLE, "olivia").directory_roles == ("admin", "author")
    user = identity.sign_in_from_directory(store, DIRECTORY, claims(groups=[]))
    assert user.roles == ("viewer",)


def test_a_role_held_by_hand_is_not_taken_away_with_a_group(store: Store) -> None:
    identity.sign_in_from_directory(store, DIRECTORY, claims(groups=[]))
    identity.set_roles(store, CONSOLE, "olivia", ["Technical Lead"])
    identity.sign_in_from_directory(store, DIRECTORY, claims(groups=["eng-leads"]))
    user = identity.sign_in_from_directory(store, DIRECTORY, claims(groups=[]))
    assert user.roles == ("Technical Lead",)


def test_keycloak_group_paths_count_as_group_names(store: Store) -> None:
    user = identity.sign_in_from_directory(store, DIRECTORY, claims(groups=["/eng-leads"]))
    assert user.roles == ("Technical Lead",)


def test_without_a_map_roles_are_left_to_admins(store: Store) -> None:
    user = identity.sign_in_from_directory(store, Directory(ISSUER), claims())
    assert user.roles == ()


def test_a_missing_groups_claim_refuses_rather_than_strips_roles(store: Store) -> None:
    identity.sign_in_from_directory(store, DIRECTORY, claims(groups=["eng-leads"]))
    without = {key: value for key, value in claims().items() if key != "groups"}
    with pytest.raises(MissingClaim, match="no 'groups' claim"):
        identity.sign_in_from_directory(store, DIRECTORY, without)
    assert find_user(store, "olivia").roles == ("Technical Lead",)


def test_a_missing_sub_is_refused(store: Store) -> None:
    with pytest.raises(MissingClaim, match="'sub'"):
        identity.sign_in_from_directory(store, DIRECTORY, {"preferred_username": "x"})


def test_the_identity_is_the_issuer_and_sub_not_the_name(store: Store, ada: User) -> None:
    taken = identity.sign_in_from_directory(
        store, DIRECTORY, claims("s-2", preferred_username="ada", email="ada@example.com")
    )
    assert taken.name == "ada@example.com"
    again = identity.sign_in_from_directory(
        store, DIRECTORY, claims("s-2", preferred_username="ada", email="ada@example.com")
    )
    assert again.id == taken.id
    other_issuer = Directory("https://elsewhere.example.com", "groups", MAP)
    stranger = identity.sign_in_from_directory(store, other_issuer, claims("s-2"))
    assert stranger.id != taken.id


def test_names_fall_back_to_a_number_when_all_are_taken(store: Store) -> None:
    for name in ("olivia", "o@example.com", "s-9"):
        add_user(store, name, ["viewer"])
    user = identity.sign_in_from_directory(store, DIRECTORY, claims("s-9"))
    assert user.name == "olivia-2"


def test_a_deactivated_person_cannot_sign_in(store: Store) -> None:
    identity.sign_in_from_directory(store, DIRECTORY, claims(groups=[]))
    identity.deactivate(store, CONSOLE, "olivia")
    with pytest.raises(Forbidden, match="deactivated"):
        identity.sign_in_from_directory(store, DIRECTORY, claims(groups=[]))
    identity.reactivate(store, CONSOLE, "olivia")
    assert identity.sign_in_from_directory(store, DIRECTORY, claims(groups=[])).name == "olivia"


def test_only_admins_manage_accounts(store: Store, ada: User) -> None:
    for call in (
        lambda: identity.accounts(store, ada),
        lambda: identity.set_roles(store, ada, "ada", ["admin"]),
        lambda: identity.deactivate(store, ada, "ada"),
        lambda: identity.reset_password(store, ada, "ada"),
        lambda: identity.create_token(store, ada, "vic", "x", "read", 1),
    ):
        with pytest.raises(Forbidden, match="only an admin"):
            call()


def test_a_long_search_is_linear(store: Store) -> None:
    add_user(store, "a" * 150, ["viewer"])
    assert identity.accounts(store, CONSOLE, "a" * 200 + "%_\\") == []
    assert len(identity.accounts(store, CONSOLE, "a" * 150)) == 1
