"""``techspec import --git`` at its edges: a rewritten history, a spec deleted in the store,
blobs that cannot be a spec (too large, not UTF-8) and a submodule, on both engines.

Each test adds commits to its own copy of :mod:`git_history`'s repository (``own_history``).
The command line's exit status for these cases is tested in ``test_git_import_cli``.
"""

from __future__ import annotations

import pytest
from git_history import BILLING_3, LEDGER_3, LIMIT, History, commit, commit_bad_blobs, git
from store_specs import draft, edited

from techspec.store import audit, revisions
from techspec.store.engine import Store
from techspec.store.git_import import GitImported, import_git

API = draft("API", author="Tom")


def reported(results: list[GitImported]) -> list[tuple[str, str, str]]:
    """Every file the run reported, with what happened and why."""
    return [(r.path, r.outcome, r.reason) for r in results]


def texts(store: Store, slug: str) -> list[str]:
    return [revision.text for revision in revisions.history(store, slug)]


@pytest.mark.parametrize("rewrite", ["reset and commit again", "amend"])
def test_a_spec_last_imported_from_a_commit_no_longer_on_the_main_line_is_refused(
    store: Store, own_history: History, rewrite: str
) -> None:
    """The merge that last revised billing is dropped from ``main``: git's billing is no
    longer the one in the store, so billing is left alone; ledger and a new spec are not."""
    repo = own_history.repo
    import_git(store, str(repo))
    events = len(audit.events(store))
    changed = {"specs/billing.md": edited(BILLING_3, "Rewritten."), "specs/api.md": API}
    if rewrite == "amend":
        for name, text in changed.items():
            (repo / name).write_text(text, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--amend", "--no-edit", when="2024-02-01T12:00:00Z")
    else:
        git(repo, "reset", "-q", "--hard", "HEAD~1")
        commit(repo, "Billing and API again", "Ada Lovelace", "2024-02-01T12:00:00Z", {**changed})
    results = import_git(store, str(repo))
    merge = own_history.shas["merge"][:12]
    assert [r for r in reported(results) if r[0] != "README.md"] == [
        (
            "specs/billing.md",
            "skipped",
            f"spec 'billing' was imported from {merge}, not on HEAD's first-parent line",
        ),
        ("specs/api.md", "created", ""),
    ]
    assert texts(store, "billing")[-1] == BILLING_3
    assert texts(store, "ledger")[-1] == LEDGER_3
    api = revisions.get_spec(store, "api")
    assert [e.spec_id for e in audit.events(store)[events:]] == [api.id]


def test_a_spec_deleted_in_the_store_is_neither_recreated_nor_revised_by_a_new_run(
    store: Store, own_history: History
) -> None:
    repo = own_history.repo
    import_git(store, str(repo))
    revisions.soft_delete(store, "billing")
    events = len(audit.events(store))
    commit(
        repo,
        "Billing: refunds",
        "Ada Lovelace",
        "2024-02-01T12:00:00Z",
        {"specs/billing.md": edited(BILLING_3, "Refunds as well.")},
    )
    results = import_git(store, str(repo))
    assert [r for r in reported(results) if r[0] != "README.md"] == [
        ("specs/billing.md", "skipped", "spec 'billing' was deleted in the store"),
    ]
    assert len(audit.events(store)) == events
    assert [slug for slug, _text in revisions.current_specs(store)] == ["ledger"]


def test_a_blob_too_large_or_not_utf8_is_skipped_by_name_and_the_rest_imports(
    store: Store, own_history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit is a spec's (``techspec.document.files.MAX_BYTES``), made 1 MiB here for speed."""
    monkeypatch.setattr("techspec.document.files.MAX_BYTES", LIMIT)
    repo = own_history.repo
    sha = commit_bad_blobs(repo)
    later = commit(
        repo, "API, short", "Ada Lovelace", "2024-02-02T12:00:00Z", {"specs/api.md": API}
    )
    results = import_git(store, str(repo))
    skipped = [(r.commit, r.path, r.reason) for r in results if r.outcome == "skipped"]
    assert skipped == [
        (sha, "specs/api.md", "file is over the 1 MiB limit for a spec"),
        (sha, "specs/latin.md", "not UTF-8 text: invalid byte 0xeb at line 1, column 30"),
    ]
    assert texts(store, "api") == [API]
    assert [r.commit for r in results if r.slug == "api" and r.outcome == "created"] == [later]
    assert texts(store, "ledger")[-1] == LEDGER_3
    assert texts(store, "billing")[-1] == BILLING_3


def test_a_submodule_the_glob_matches_is_ignored_as_no_file_and_the_commit_still_imports(
    store: Store, own_history: History
) -> None:
    """A gitlink (mode 160000) has no text to read: git cannot give it as a blob."""
    repo = own_history.repo
    gitlink = f"160000,{own_history.shas['add']},specs/sub.md"
    git(repo, "update-index", "--add", "--cacheinfo", gitlink)
    (repo / "specs" / "api.md").write_text(API, encoding="utf-8")
    git(repo, "add", "specs/api.md")
    git(repo, "commit", "-q", "-m", "Add a submodule and the API spec")
    sha = git(repo, "rev-parse", "HEAD")
    results = import_git(store, str(repo))
    assert reported([r for r in results if r.commit == sha]) == [
        ("specs/api.md", "created", ""),
        ("specs/sub.md", "ignored", "a submodule, not a file"),
    ]
    assert texts(store, "api") == [API]
    assert texts(store, "billing")[-1] == BILLING_3
