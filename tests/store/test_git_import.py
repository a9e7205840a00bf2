"""``techspec import --git``: a history kept in git becomes revisions, on both engines.

Each test works on the real repository of :mod:`git_history` (the ``history`` fixture);
tests that add commits work on their own copy (``own_history``).  The command line is
tested in ``test_git_import_cli``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from git_history import (
    BILLING_1,
    BILLING_2,
    BILLING_3,
    LEDGER_1,
    LEDGER_2,
    LEDGER_3,
    History,
    commit,
    git,
)
from store_specs import draft, edited

from techspec.errors import InputError
from techspec.store import audit, revisions
from techspec.store.engine import Store
from techspec.store.errors import NotFound
from techspec.store.git_import import GitImported, author_name, import_git, last_import
from techspec.store.importer import import_file
from techspec.store.users import add_user, list_users


def texts(store: Store, slug: str) -> list[str]:
    return [revision.text for revision in revisions.history(store, slug)]


def outcomes(results: list[GitImported]) -> list[tuple[str, str, int | None]]:
    """What happened to specs: files skipped or ignored are left out."""
    kept = [r for r in results if r.outcome not in ("skipped", "ignored")]
    return [(r.slug, r.outcome, r.revision) for r in kept]


def test_each_first_parent_commit_that_changed_a_spec_becomes_a_revision(
    store: Store, history: History
) -> None:
    results = import_git(store, str(history.repo))
    assert outcomes(results) == [
        ("ledger", "created", 1),
        ("billing", "created", 1),
        ("ledger", "revised", 2),
        ("ledger", "unchanged", 2),
        ("ledger", "revised", 3),
        ("billing", "revised", 2),
    ]
    assert texts(store, "ledger") == [LEDGER_1, LEDGER_2, LEDGER_3]
    assert texts(store, "billing") == [BILLING_1, BILLING_3]


def test_a_revision_takes_its_commits_author_date_and_message(
    store: Store, history: History
) -> None:
    import_git(store, str(history.repo))
    first, second, _third = revisions.history(store, "ledger")
    assert (first.author, first.kind) == ("Ada Lovelace", "import")
    assert first.created_at == datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    assert first.message == "Add the ledger spec\n\nFirst draft, for the team."
    assert (second.author, second.message) == ("Tom Kilburn", "Ledger: settlement; add billing")
    assert second.created_at == datetime(2024, 1, 2, 11, 0, tzinfo=UTC)


def test_commit_authors_unknown_to_the_store_become_users_with_the_author_role(
    store: Store, history: History
) -> None:
    add_user(store, "Tom Kilburn", ["Technical Lead"])
    import_git(store, str(history.repo))
    roles = {user.name: user.roles for user in list_users(store)}
    assert roles == {
        "Ada Lovelace": ("author",),
        "Pat Merger": ("author",),
        "Tom Kilburn": ("Technical Lead",),
    }


def test_a_renamed_spec_keeps_the_name_it_first_had_and_its_history(
    store: Store, history: History
) -> None:
    import_git(store, str(history.repo))
    with pytest.raises(NotFound):
        revisions.get_spec(store, "payments-ledger")
    spec = revisions.get_spec(store, "ledger")
    assert spec.current_revision == 3
    assert last_import(store, spec.id) == (history.shas["review"], 3)
    moved = [(e.action, e.details["git_path"]) for e in audit.events(store, spec_id=spec.id)]
    assert moved == [
        ("spec.created", "specs/ledger.md"),
        ("spec.revised", "specs/ledger.md"),
        ("spec.unchanged", "specs/payments-ledger.md"),
        ("spec.revised", "specs/payments-ledger.md"),
    ]


def test_a_merged_side_branch_arrives_as_one_revision_by_the_merge_commit(
    store: Store, history: History
) -> None:
    import_git(store, str(history.repo))
    merged = revisions.get_revision(store, "billing")
    assert (merged.number, merged.author, merged.text) == (2, "Pat Merger", BILLING_3)
    assert merged.message == "Merge branch 'side': billing review"
    commits = {e.details.get("git_commit") for e in audit.events(store)}
    assert history.shas["merge"] in commits
    assert not {history.shas["side1"], history.shas["side2"]} & commits


def test_a_status_change_committed_to_git_is_kept_as_history(
    store: Store, history: History
) -> None:
    import_git(store, str(history.repo))
    assert revisions.get_spec(store, "ledger").status == "Review"
    assert [r.status for r in revisions.history(store, "ledger")] == ["Draft", "Draft", "Review"]


def test_a_file_that_is_not_a_spec_is_ignored_once_with_a_reason(
    store: Store, history: History
) -> None:
    results = import_git(store, str(history.repo))
    ignored = [(r.path, r.reason) for r in results if r.outcome == "ignored"]
    assert len(ignored) == 1
    assert ignored[0][0] == "README.md"
    assert ignored[0][1].startswith("not a spec: no '# Technical Specification")
    assert not [r for r in results if r.outcome == "skipped"]
    with pytest.raises(NotFound):
        revisions.get_spec(store, "README")


def test_importing_again_without_new_commits_adds_nothing(store: Store, history: History) -> None:
    import_git(store, str(history.repo))
    events = len(audit.events(store))
    again = import_git(store, str(history.repo))
    assert [(r.path, r.outcome) for r in again] == [("README.md", "ignored")]
    assert len(audit.events(store)) == events
    assert revisions.get_spec(store, "ledger").current_revision == 3


def test_importing_again_after_new_commits_adds_only_their_revisions(
    store: Store, own_history: History
) -> None:
    repo = own_history.repo
    import_git(store, str(repo))
    billing_4 = edited(BILLING_3, "Refunds as well.")
    more = commit(
        repo,
        "Billing: refunds",
        "Ada Lovelace",
        "2024-02-01T12:00:00Z",
        {"specs/billing.md": billing_4},
    )
    api = commit(
        repo,
        "Add the API spec",
        "Tom Kilburn",
        "2024-02-02T12:00:00Z",
        {"specs/api.md": draft("API")},
    )
    git(repo, "mv", "specs/billing.md", "specs/Billing Überblick v2.md")
    billing_5 = edited(billing_4, "And dunning.")
    moved = commit(
        repo,
        "Billing: rename, dunning",
        "Tom Kilburn",
        "2024-02-03T12:00:00Z",
        {"specs/Billing Überblick v2.md": billing_5},
    )
    gone = commit(
        repo, "Drop the API spec", "Tom Kilburn", "2024-02-04T12:00:00Z", {"specs/api.md": None}
    )
    results = import_git(store, str(repo))
    assert [
        (r.commit, r.slug, r.outcome, r.revision) for r in results if r.outcome != "ignored"
    ] == [
        (more, "billing", "revised", 3),
        (api, "api", "created", 1),
        (moved, "billing", "revised", 4),
    ]
    assert texts(store, "billing")[2:] == [billing_4, billing_5]
    assert revisions.get_spec(store, "ledger").current_revision == 3
    assert revisions.get_spec(store, "api").current_revision == 1
    assert gone not in {r.commit for r in results}


def test_each_imported_revision_is_audited_with_its_commit_and_the_chain_holds(
    store: Store, history: History
) -> None:
    import_git(store, str(history.repo))
    spec = revisions.get_spec(store, "billing")
    events = audit.events(store, spec_id=spec.id)
    assert [(e.action, e.revision, e.details["git_commit"]) for e in events] == [
        ("spec.created", 1, history.shas["edit"]),
        ("spec.revised", 2, history.shas["merge"]),
    ]
    assert audit.verify(store).ok


def test_a_spec_edited_in_the_store_after_its_import_is_skipped_not_overwritten(
    store: Store, own_history: History
) -> None:
    repo = own_history.repo
    import_git(store, str(repo))
    in_store = edited(BILLING_3, "Edited in the store.")
    revisions.save(store, "billing", in_store, base=2)
    commit(
        repo,
        "Billing: from git",
        "Ada Lovelace",
        "2024-02-01T12:00:00Z",
        {"specs/billing.md": BILLING_1},
    )
    results = import_git(store, str(repo))
    reasons = [r.reason for r in results if r.slug == "billing"]
    assert reasons == [
        "spec 'billing' changed in the store after r2, its last import from git "
        "(now r3): not overwritten"
    ]
    assert revisions.get_revision(store, "billing").text == in_store


def test_a_spec_imported_from_a_file_is_not_taken_over_by_git(
    store: Store, history: History, tmp_path: Path
) -> None:
    file = tmp_path / "ledger.md"
    file.write_text(LEDGER_1, encoding="utf-8")
    import_file(store, file)
    results = import_git(store, str(history.repo))
    ledger = {r.reason for r in results if r.slug == "ledger"}
    assert ledger == {"spec 'ledger' is in the store but was not imported from git"}
    assert revisions.get_spec(store, "ledger").current_revision == 1
    assert revisions.get_spec(store, "billing").current_revision == 2


def test_two_live_files_with_the_same_stem_do_not_share_one_history(
    store: Store, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "Team A", "Ada Lovelace", "2024-01-01T12:00:00Z", {"a/ledger.md": LEDGER_1})
    commit(repo, "Team B", "Tom Kilburn", "2024-01-02T12:00:00Z", {"b/ledger.md": BILLING_1})
    commit(repo, "Team B again", "Tom Kilburn", "2024-01-03T12:00:00Z", {"b/ledger.md": BILLING_2})
    results = import_git(store, str(repo))
    assert [(r.path, r.outcome, r.reason) for r in results] == [
        ("a/ledger.md", "created", ""),
        ("b/ledger.md", "skipped", "spec 'ledger' already comes from a/ledger.md"),
    ]
    assert texts(store, "ledger") == [LEDGER_1]


def test_a_rename_only_commit_is_reported_unchanged_once_and_not_on_later_runs(
    store: Store, own_history: History
) -> None:
    repo = own_history.repo
    import_git(store, str(repo))
    git(repo, "mv", "specs/billing.md", "specs/invoicing.md")
    renamed = commit(repo, "Rename billing", "Ada Lovelace", "2024-02-01T12:00:00Z", {})
    seen = import_git(store, str(repo))
    assert outcomes(seen) == [("billing", "unchanged", 2)]
    assert seen[-1].commit == renamed
    events = len(audit.events(store))
    assert outcomes(import_git(store, str(repo))) == []
    assert len(audit.events(store)) == events
    assert last_import(store, revisions.get_spec(store, "billing").id) == (renamed, 2)
    assert audit.verify(store).ok


def new_repo(tmp_path: Path, config: dict[str, str]) -> Path:
    """An empty repository on ``main`` with ``config`` set in its own configuration."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for key, value in config.items():
        git(repo, "config", key, value)
    return repo


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("log.showRoot", "false"),
        ("log.follow", "true"),
        ("i18n.logOutputEncoding", "ISO-8859-1"),
        ("diff.renames", "copies"),
        ("log.showSignature", "true"),
    ],
)
def test_the_repositorys_git_configuration_does_not_change_what_is_imported(
    store: Store, tmp_path: Path, key: str, value: str
) -> None:
    repo = new_repo(tmp_path, {key: value})
    commit(repo, "Première ébauche", "Zoë Quill", "2024-01-01T12:00:00Z", {"ledger.md": LEDGER_1})
    git(repo, "mv", "ledger.md", "ledger-v2.md")
    commit(
        repo, "Rename, settle", "Tom Kilburn", "2024-01-02T12:00:00Z", {"ledger-v2.md": LEDGER_2}
    )
    results = import_git(store, str(repo))
    assert outcomes(results) == [("ledger", "created", 1), ("ledger", "revised", 2)]
    first = revisions.history(store, "ledger")[0]
    assert (first.author, first.message, first.text) == ("Zoë Quill", "Première ébauche", LEDGER_1)


def test_a_commit_whose_author_has_no_name_is_imported_under_a_cleaned_email(
    store: Store, tmp_path: Path
) -> None:
    repo = new_repo(tmp_path, {})
    (repo / "ledger.md").write_text(LEDGER_1, encoding="utf-8")
    git(repo, "add", "ledger.md")
    tree = git(repo, "write-tree")
    # git commit refuses an empty author name, but a commit written directly may have one.
    raw = tmp_path / "commit"
    raw.write_bytes(
        f"tree {tree}\nauthor  <a|b\x07@example.com> 1704110400 +0000\n"
        "committer Ada Lovelace <ada@example.com> 1704110400 +0000\n\nNameless\n".encode()
    )
    git(repo, "update-ref", "HEAD", git(repo, "hash-object", "-t", "commit", "-w", str(raw)))
    assert outcomes(import_git(store, str(repo))) == [("ledger", "created", 1)]
    assert revisions.history(store, "ledger")[0].author == "a b @example.com"


@pytest.mark.parametrize(
    ("name", "email", "user"),
    [
        ("Ada  Lovelace", "ada@example.com", "Ada Lovelace"),
        ("Ada | Team\tA", "ada@example.com", "Ada Team A"),
        ("", "a|b\x07@example.com", "a b @example.com"),
        (" \x1b ", "\n", "unknown"),
    ],
)
def test_a_commit_author_becomes_a_valid_user_name(name: str, email: str, user: str) -> None:
    assert author_name(name, email) == user


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "no such directory"),
        ("plain", "not a git repository"),
        ("empty", "the repository has no commits"),
        ("unmatched", "no file in the history of HEAD matches --path 'nothing/**'"),
        ("no specs", "no spec among the files --path '*.md' matches"),
    ],
)
def test_a_bad_repository_or_glob_is_one_clear_error(
    store: Store,
    history: History,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    message: str,
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    given = {"missing": tmp_path / "nowhere", "unmatched": history.repo, "no specs": history.repo}
    repo = given.get(case, tmp_path / case)
    if case in ("plain", "empty"):
        repo.mkdir()
    if case == "empty":
        git(repo, "init", "-q")
    glob = {"unmatched": "nothing/**", "no specs": "*.md"}.get(case, "**/*.md")
    with pytest.raises(InputError) as raised:
        import_git(store, str(repo), glob)
    assert str(raised.value) == f"{repo}: {message}"


# -- the command -----------------------------------------------------------------------
