"""Portfolio queries: ranked full-text search with snippets and structured filters."""

from __future__ import annotations

from datetime import timedelta

from store_specs import draft, seen, set_risk_high, with_tasks_done

from techspec.store import revisions, workflow
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.search import Filters, Listed, list_specs, search
from techspec.store.users import add_user


def _portfolio(store: Store) -> None:
    ada = add_user(store, "ada")
    sue = add_user(store, "sue", ["Security Lead"])
    revisions.create_spec(
        store,
        "ledger",
        draft("Payments Ledger", "Ada", words="Double-entry ledger for payments."),
        author=ada,
    )
    revisions.create_spec(
        store, "search", with_tasks_done(draft("Search", "Bea", words="Ranking ledger hits."))
    )
    revisions.create_spec(store, "risky", set_risk_high(draft("Risky", "Bea")))
    revisions.create_spec(
        store, "broken", "# Technical Specification: Broken\n\n**Status**: Draft\n\n## Scope\n"
    )
    workflow.submit(store, "ledger", ada)
    workflow.request_changes(
        store, "ledger", sue, "Security Lead", "no", seen=seen(store, "ledger")
    )


def _slugs(found: list[Listed]) -> list[str]:
    return [item.slug for item in found]


def test_search_ranks_the_better_match_first_with_a_snippet(store: Store) -> None:
    _portfolio(store)
    found = search(store, "ledger payments")
    assert _slugs(found)[0] == "ledger"
    assert found[0].snippet is not None and "[" in found[0].snippet
    assert found[0].rank is not None
    ranked = search(store, "ledger")
    assert set(_slugs(ranked)) == {"ledger", "search"}
    assert ranked[0].rank is not None and ranked[1].rank is not None
    assert ranked[0].rank >= ranked[1].rank


def test_search_without_words_finds_nothing_and_odd_syntax_does_not_fail(store: Store) -> None:
    _portfolio(store)
    assert search(store, "  -- ") == []
    assert _slugs(search(store, 'ledger" OR (')) != []


def test_search_combines_with_filters(store: Store) -> None:
    _portfolio(store)
    assert _slugs(search(store, "ledger", Filters(author="Bea"))) == ["search"]


def test_list_filters_by_status_and_author(store: Store) -> None:
    _portfolio(store)
    assert _slugs(list_specs(store, Filters(status="Draft", author="Ada"))) == ["ledger"]
    assert sorted(_slugs(list_specs(store, Filters(author="Bea")))) == ["risky", "search"]


def test_list_filters_by_reviewer(store: Store) -> None:
    _portfolio(store)
    assert _slugs(list_specs(store, Filters(reviewer="sue"))) == ["ledger"]
    assert _slugs(list_specs(store, Filters(reviewer="nobody"))) == []


def test_list_filters_by_errors_open_tasks_and_high_risks(store: Store) -> None:
    _portfolio(store)
    assert _slugs(list_specs(store, Filters(has_errors=True))) == ["broken"]
    assert "broken" not in _slugs(list_specs(store, Filters(has_errors=False)))
    assert sorted(_slugs(list_specs(store, Filters(open_tasks=True)))) == ["ledger", "risky"]
    assert _slugs(list_specs(store, Filters(high_risks=True))) == ["risky"]


def test_list_filters_by_template_and_update_time(store: Store) -> None:
    _portfolio(store)
    assert len(list_specs(store, Filters(template="technical-spec"))) == 4
    assert list_specs(store, Filters(template="adr")) == []
    assert list_specs(store, Filters(updated_since=now() + timedelta(hours=1))) == []
    assert len(list_specs(store, Filters(updated_since=now() - timedelta(hours=1)))) == 4


def test_list_pages_newest_first(store: Store) -> None:
    _portfolio(store)
    first = list_specs(store, limit=2)
    second = list_specs(store, limit=2, offset=2)
    assert _slugs(first) == ["ledger", "broken"]
    assert len(second) == 2
    assert not set(_slugs(first)) & set(_slugs(second))


def test_keyset_pages_after_the_last_spec_give_the_whole_list_once(store: Store) -> None:
    _portfolio(store)
    for n in range(5):
        revisions.create_spec(store, f"more-{n}", draft(f"More {n}", "Bea"))
    whole = list_specs(store, limit=100)
    paged: list[Listed] = []
    while page := list_specs(store, limit=3, after=paged[-1] if paged else None):
        paged += page
    assert _slugs(paged) == _slugs(whole)
    drafts = list_specs(store, Filters(status="Draft"), limit=100)
    first = list_specs(store, Filters(status="Draft"), limit=2)
    rest = list_specs(store, Filters(status="Draft"), limit=100, after=first[-1])
    assert _slugs(first + rest) == _slugs(drafts)


def test_an_edit_during_keyset_paging_pushes_nothing_into_a_page_twice(store: Store) -> None:
    for n in range(6):
        revisions.create_spec(store, f"spec-{n}", draft(f"Spec {n}", "Bea"))
    first = list_specs(store, limit=3)
    oldest = list_specs(store, limit=100)[-1]
    revisions.save(store, oldest.slug, draft("Spec 0", "Bea", words="Edited."), base=1)
    rest = list_specs(store, limit=100, after=first[-1])
    assert not set(_slugs(first)) & set(_slugs(rest))
    assert len(first) + len(rest) == 5  # the edited spec moved above the cursor


def test_search_sees_only_the_current_revision(store: Store) -> None:
    _portfolio(store)
    text = revisions.get_revision(store, "search").text.replace(
        "Ranking ledger hits.", "Ranking hits."
    )
    revisions.save(store, "search", text, base=1)
    assert _slugs(search(store, "ledger")) == ["ledger"]
