"""A search on PostgreSQL is planned for its own words every time (issue 14).

psycopg prepares a statement that one connection runs often, and PostgreSQL may then
plan it once for any words.  Without a word to estimate it guesses a few hundred matches
and walks the full-text index, which for a word nearly every spec holds reads every
match: at 100,000 specs a search took 134 ms instead of 14.  Here the database is told to
keep a generic plan wherever it may, and the search's prepared statements must still
have been planned for their words each time.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from store_specs import draft

from techspec.store import revisions, search
from techspec.store.engine import Store
from techspec.store.users import add_user


def test_a_search_is_planned_for_its_words_even_where_plans_are_kept(
    store: Store, db_url: str
) -> None:
    if store.dialect != "postgresql":
        pytest.skip("a PostgreSQL planner behaviour")
    ada = add_user(store, "ada", ["author"])
    for number in range(3):
        revisions.create_spec(store, f"ledger-{number}", draft(f"Ledger {number}"), author=ada)
    database = db_url.rsplit("/", 1)[1]
    with store.engine.connect() as connection:
        connection.exec_driver_sql(
            f"ALTER DATABASE {database} SET plan_cache_mode = force_generic_plan"
        )
        connection.commit()
    store.engine.dispose()  # the next connection takes the setting
    for page in range(12):  # past psycopg's prepare threshold, on the one connection
        assert search.search(store, "ledger", limit=1, offset=page % 3)
    with store.read() as connection:
        plans = connection.execute(
            sa.text(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                "WHERE statement LIKE '%websearch_to_tsquery%'"
            )
        ).all()
    assert plans, "the search statements were prepared"
    assert all(generic == 0 for generic, _custom in plans), plans
    assert sum(custom for _generic, custom in plans) > 0
