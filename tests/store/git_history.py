"""A real git repository of specs for the ``import --git`` tests, built with ``git`` itself
(authors and dates set per commit): edits, a rename, a file that is not a spec, a Status
change and a side branch merged into ``main``."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from store_specs import draft, edited

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


LIMIT = 1024 * 1024
"""The size limit the bad-blob tests set (``techspec.document.files.MAX_BYTES`` is 10 MiB)."""


def commit_bad_blobs(repo: Path) -> str:
    """Commit a spec over :data:`LIMIT` bytes (``specs/api.md``) and one in Latin-1
    (``specs/latin.md``); returns the sha.  Tests patch
    ``techspec.document.files.MAX_BYTES`` to LIMIT."""
    (repo / "specs" / "latin.md").write_bytes(draft("Zoë's plan").encode("latin-1"))
    big = edited(draft("API", author="Tom"), "x" * LIMIT)
    when = "2024-02-01T12:00:00Z"
    return commit(repo, "Big and latin", "Ada Lovelace", when, {"specs/api.md": big})
