"""Creating specs through the application layer: the rules every front door shares."""

from __future__ import annotations

import pytest

from techspec.errors import UsageError
from techspec.lint.template import builtin_template
from techspec.service import specs
from techspec.service.permissions import CONSOLE
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.errors import Forbidden
from techspec.store.users import User


def test_a_spec_from_the_template_gets_its_title_authors_and_reviewers(
    store: Store, ada: User
) -> None:
    saved = specs.create_from_template(
        store, ada, builtin_template(), "  Rate   Limiter ", reviewers=" Tom,  Pat "
    )
    text = revisions.get_revision(store, saved.spec.slug).text
    assert saved.spec.slug == "0001-rate-limiter"  # numbered as CLI and demo specs are
    assert text.startswith("# Technical Specification: Rate Limiter\n")
    assert "**Author**: ada" in text
    assert "**Reviewers**: Tom, Pat" in text


def test_a_spec_from_the_template_needs_a_title_of_at_most_200_characters(
    store: Store, ada: User
) -> None:
    with pytest.raises(UsageError, match="give the spec a title"):
        specs.create_from_template(store, ada, builtin_template(), " \n ")
    with pytest.raises(UsageError, match="at most 200 characters"):
        specs.create_from_template(store, ada, builtin_template(), "x" * 201)


def test_a_viewer_may_not_create_a_spec(store: Store, vic: User) -> None:
    with pytest.raises(Forbidden, match="only an author or an admin may create specs"):
        specs.create_from_template(store, vic, builtin_template(), "Rate Limiter")


def test_the_console_creates_specs_in_the_name_it_is_given(store: Store) -> None:
    saved = specs.create_from_template(
        store, CONSOLE, builtin_template(), "Rate Limiter", authors="Grace"
    )
    assert "**Author**: Grace" in revisions.get_revision(store, saved.spec.slug).text
