"""Reading a git history for import: the first-parent log of ``HEAD`` with each
commit's changed files (renames detected), and file contents by blob id, as bytes.

Only git itself is used (subprocess), and nothing here knows the store.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from techspec.errors import InputError
from techspec.store.clock import as_utc

DEFAULT_GLOB = "**/*.md"

_FORMAT = "%x1e%H%x00%aN%x00%aE%x00%aI%x00%B"
_LOG = (
    "--first-parent --diff-merges=first-parent --reverse -M --raw --no-abbrev --no-color -z "
    "--root --no-follow --no-relative -O/dev/null --encoding=UTF-8 "
    f"--format={_FORMAT}"
).split()
"""Every option the parser relies on is spelled out, so a user's configuration cannot
change the output: ``--root`` (``log.showRoot=false`` hides the root commit's files),
``--no-follow`` (``log.follow=true`` with a glob pathspec makes git abort),
``--no-relative`` (``diff.relative``), ``-O/dev/null`` (``diff.orderFile`` reorders a
commit's files), ``--encoding=UTF-8`` (``i18n.logOutputEncoding``); ``-M`` overrides
``diff.renames`` and ``--diff-merges`` overrides ``log.diffMerges``."""
SUBMODULE = "160000"


@dataclass(frozen=True, slots=True)
class Change:
    """One file a commit changed against its first parent (``A``, ``M``, ``T``, ``D``, ``R``)."""

    status: str
    path: str
    blob: str
    mode: str
    old_path: str | None = None


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author: str
    email: str
    at: datetime
    message: str
    changes: list[Change] = field(default_factory=list)


# -- reading git ---------------------------------------------------------------------------


def check_repository(repo: str) -> None:
    """One clear error for a missing directory, a non-repository and an empty one."""
    if not Path(repo).is_dir():
        raise InputError("no such directory", path=repo)
    found = _git(repo, "rev-parse", "--git-dir", check=False)
    if found.returncode != 0:
        reason = _first_line(found.stderr)
        raise InputError("not a git repository" if "not a git" in reason else reason, path=repo)
    if _git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).returncode:
        raise InputError("the repository has no commits", path=repo)


def first_parent_log(repo: str, glob: str = DEFAULT_GLOB) -> list[Commit]:
    """The commits on HEAD's first-parent line that changed a matching file, oldest first."""
    pathspec = f":(top,glob){glob}"
    out = _git(repo, "-c", "log.showSignature=false", "log", *_LOG, "HEAD", "--", pathspec)
    return parse_log(out.stdout)


def parse_log(out: bytes) -> list[Commit]:
    """Parse ``git log -z --raw`` with :data:`_FORMAT`: a header (starting with RS) per
    commit, then per file a ``:modes shas status`` token and one path (two for a rename)."""
    tokens = out.split(b"\0")
    commits: list[Commit] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        if token.startswith(b"\x1e"):
            commits.append(_commit(token[1:], *tokens[index + 1 : index + 5]))
            index += 5
        elif token.startswith(b":") and commits:
            modes_and_status = token[1:].decode("ascii").split(" ")
            paths = [_path(p) for p in tokens[index + 1 : index + 3]]
            commits[-1].changes.append(_change(modes_and_status, paths))
            index += 3 if modes_and_status[4].startswith("R") else 2
        else:
            index += 1
    return commits


def _commit(sha: bytes, name: bytes, email: bytes, date: bytes, body: bytes) -> Commit:
    return Commit(
        sha.decode("ascii"),
        name.decode("utf-8", "replace"),
        email.decode("utf-8", "replace"),
        as_utc(datetime.fromisoformat(date.decode("ascii"))),
        body.decode("utf-8", "replace").strip(),
    )


def _change(fields: list[str], paths: list[str]) -> Change:
    _old_mode, new_mode, _old_blob, new_blob, status = fields
    if status.startswith("R"):
        return Change("R", paths[1], new_blob, new_mode, paths[0])
    return Change(status[0], paths[0], new_blob, new_mode)


def _path(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")  # a name that is not UTF-8 names no spec: see _create


def positions(repo: str) -> dict[str, int]:
    """Every commit on HEAD's first-parent line and its place, oldest 0."""
    out = _git(repo, "rev-list", "--first-parent", "--reverse", "HEAD").stdout
    return {sha: place for place, sha in enumerate(out.decode("ascii").split())}


@contextmanager
def blob_reader(repo: str) -> Iterator[Callable[[str], bytes]]:
    """A reader of blobs by id over one ``git cat-file --batch`` process."""
    try:
        process = subprocess.Popen(
            ["git", "-C", repo, "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise InputError("git is not installed (not found on PATH)", path=repo) from None
    stdin, stdout = process.stdin, process.stdout
    assert stdin is not None and stdout is not None

    def read(blob: str) -> bytes:
        stdin.write(blob.encode("ascii") + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            raise InputError(f"git cannot read blob {blob}", path=repo)
        return stdout.read(int(header[2]) + 1)[:-1]

    try:
        yield read
    finally:
        stdin.close()
        stdout.close()
        process.wait()


def _git(repo: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(["git", "-C", repo, *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("git is not installed (not found on PATH)", path=repo) from None
    if check and done.returncode != 0:
        command = next(arg for arg in args if not arg.startswith("-") and "=" not in arg)
        raise InputError(f"git {command} failed: {_first_line(done.stderr)}", path=repo)
    return done


def _first_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0].removeprefix("fatal: ") if lines else "no message"


# -- following files -----------------------------------------------------------------------


@dataclass
class Names:
    """Which spec each live file belongs to, following renames (the rules are under
    "Identity" in the docstring of :mod:`techspec.store.git_import`)."""

    slugs: dict[str, str] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)

    def follow(self, change: Change) -> tuple[str, str]:
        """The change's spec name, and why the change is not imported ('' when it is)."""
        if change.old_path is not None:
            slug = self._move(change.old_path, change.path)
        else:
            slug = self.slugs.setdefault(change.path, PurePosixPath(change.path).stem)
            self.owners.setdefault(slug, change.path)
        owner = self.owners[slug]
        if change.status == "D":
            self._drop(change.path)
        return slug, "" if owner == change.path else f"spec '{slug}' already comes from {owner}"

    def _move(self, old: str, new: str) -> str:
        slug = self.slugs.pop(old, None) or PurePosixPath(old).stem
        self.slugs[new] = slug
        if self.owners.get(slug, old) == old:
            self.owners[slug] = new
        return slug

    def _drop(self, path: str) -> None:
        slug = self.slugs.pop(path, None)
        if slug is not None and self.owners.get(slug) == path:
            del self.owners[slug]
