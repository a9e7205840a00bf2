"""``techspec import --git``: a history kept in git becomes revisions, on both engines.

Each test works on a real repository built with ``git`` (authors and dates set per
commit): edits, a rename, a file that is not a spec, a Status change and a side branch
merged into ``main``.  Tests that add commits work on their own copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from store_specs import draft, edited

from techspec.cli import cli
from techspec.errors import InputError
from techspec.store import audit, revisions
from techspec.store.engine import Store
from techspec.store.errors import NotFound
from techspec.store.git_import import GitImported, author_name, import_git, last_import
from techspec.store.importer import import_file
from techspec.store.users import add_user, list_users

LEDGER_1 = draft("Payments Ledger", author="Ada")
LEDGER_2 = edited(LEDGER_1, "Settlement runs nightly.")
LEDGER_3 = edited(LEDGER_2, "Ready for review.").replace("**Status**: Draft", "**Status**: Review")
BILLING_1 = draft("Billing", author="Tom")
BILLING_2 = edited(BILLING_1, "Invoices are monthly.")
BILLING_3 = edited(BILLING_2, "Credit notes too.")
README = "# Team specs\n\nThe specs live in specs/.\n"


@dataclass(frozen=True)
class History:
    repo: Path
    shas: dict[str, str]


def git(
    repo: Path, *args: str, who: str = "Ada Lovelace", when: str = "2024-01-01T12:00:00Z"
) -> str:
    """Run git in ``repo`` as ``who`` at ``when`` (author and committer), ignoring the
    machine's git configuration."""
    email = f"{who.split()[0].lower()}@example.com"
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_COMMITTER_DATE": when,
    }
    command = ["git", "-C", str(repo), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, f"{' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def commit(repo: Path, message: str, who: str, when: str, files: dict[str, str | None]) -> str:
    """Write (or, for None, delete) ``files`` and commit everything; returns the sha."""
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, who=who, when=when)
    return git(repo, "rev-parse", "HEAD")


def build(repo: Path) -> dict[str, str]:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shas = {}
    shas["add"] = commit(
        repo,
        "Add the ledger spec\n\nFirst draft, for the team.",
        "Ada Lovelace",
        "2024-01-01T10:00:00+01:00",
        {"specs/ledger.md": LEDGER_1, "README.md": README, "notes.txt": "outside the glob\n"},
    )
    shas["edit"] = commit(
        repo,
        "Ledger: settlement; add billing",
        "Tom Kilburn",
        "2024-01-02T11:00:00+00:00",
        {"specs/ledger.md": LEDGER_2, "specs/billing.md": BILLING_1},
    )
    git(repo, "mv", "specs/ledger.md", "specs/payments-ledger.md")
    shas["rename"] = commit(
        repo, "Rename the ledger spec", "Ada Lovelace", "2024-01-03T12:00:00Z", {}
    )
    git(repo, "checkout", "-q", "-b", "side")
    shas["side1"] = commit(
        repo,
        "Billing: invoices",
        "Sue Side",
        "2024-01-04T10:00:00Z",
        {"specs/billing.md": BILLING_2},
    )
    shas["side2"] = commit(
        repo,
        "Billing: credit notes",
        "Sue Side",
        "2024-01-04T12:00:00Z",
        {"specs/billing.md": BILLING_3},
    )
    git(repo, "checkout", "-q", "main")
    shas["review"] = commit(
        repo,
        "Ledger ready for review",
        "Tom Kilburn",
        "2024-01-05T08:00:00Z",
        {"specs/payments-ledger.md": LEDGER_3},
    )
    message = "Merge branch 'side': billing review"
    when = "2024-01-06T15:30:00Z"
    git(repo, "merge", "-q", "--no-ff", "side", "-m", message, who="Pat Merger", when=when)
    shas["merge"] = git(repo, "rev-parse", "HEAD")
    return shas


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    repo = tmp_path_factory.mktemp("git") / "specs-repo"
    return History(repo, build(repo))


@pytest.fixture
def own_history(history: History, tmp_path: Path) -> History:
    """A copy of the history that a test may add commits to."""
    repo = tmp_path / "repo"
    shutil.copytree(history.repo, repo)
    return History(repo, dict(history.shas))


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


def run(db_url: str, *args: str, user: str | None = None) -> Result:
    """``techspec ARGS --db DB_URL``, with ``TECHSPEC_USER`` set to ``user`` (unset by default)."""
    runner = CliRunner(env={"TECHSPEC_USER": user})
    result = runner.invoke(cli, [*args, "--db", db_url], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"techspec {args} crashed: {result.exception!r}\n{result.output}")
    return result


def test_import_git_prints_each_revision_and_notes_files_that_are_not_specs_with_exit_0(
    db_url: str, history: History
) -> None:
    result = run(db_url, "import", "--git", str(history.repo))
    assert result.exit_code == 0, result.output
    assert f"created   ledger r1 {history.shas['add'][:12]}" in result.stdout
    assert f"revised   billing r2 {history.shas['merge'][:12]}" in result.stdout
    assert (
        result.stdout.splitlines()[-1] == "2 created, 3 revised, 1 unchanged, 0 skipped, 1 ignored"
    )
    assert result.stderr.startswith("techspec: ignored README.md: not a spec")


def test_import_git_run_again_prints_no_revisions_and_exits_0(
    db_url: str, history: History
) -> None:
    run(db_url, "import", "--git", str(history.repo))
    again = run(db_url, "import", "--git", str(history.repo))
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == ["0 created, 0 revised, 0 unchanged, 0 skipped, 1 ignored"]


def test_import_git_exits_1_when_a_spec_was_skipped(
    db_url: str, history: History, tmp_path: Path
) -> None:
    run(db_url, "import", "--git", str(history.repo))
    (tmp_path / "ledger.md").write_text(edited(LEDGER_3, "Edited by hand."), encoding="utf-8")
    assert run(db_url, "import", str(tmp_path / "ledger.md")).exit_code == 0
    result = run(db_url, "import", "--git", str(history.repo))
    assert result.exit_code == 1, result.output
    assert "techspec: skipped specs/payments-ledger.md: spec 'ledger' changed" in result.stderr


def test_import_git_with_a_path_glob_imports_only_the_files_it_matches(
    db_url: str, history: History
) -> None:
    result = run(db_url, "import", "--git", str(history.repo), "--path", "specs/billing.*")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "1 created, 1 revised, 0 unchanged, 0 skipped, 0 ignored"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--git", "{tmp}"], "techspec: {tmp}: not a git repository"),
        (
            ["--path", "*.md"],
            "techspec: give --git REPO [--path GLOB], without PATH... or --message",
        ),
        (
            ["--git", "{tmp}", "x.md"],
            "techspec: give --git REPO [--path GLOB], without PATH... or --message",
        ),
        ([], "techspec: give PATH... or --git REPO"),
    ],
)
def test_import_git_usage_and_repository_errors_are_one_line_and_exit_2(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = run(db_url, "import", *[arg.format(tmp=tmp_path) for arg in args])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message.format(tmp=tmp_path)]


@pytest.mark.parametrize(
    ("args", "user", "message"),
    [
        (["--as", "Ada"], None, "--as does not apply to --git"),
        ([], "Ada", "TECHSPEC_USER does not apply to --git"),
    ],
)
def test_import_git_refuses_a_user_because_authors_come_from_the_commits(
    db_url: str, history: History, args: list[str], user: str | None, message: str
) -> None:
    result = run(db_url, "import", "--git", str(history.repo), *args, user=user)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"techspec: {message}: each revision's author is its commit's"
    ]
