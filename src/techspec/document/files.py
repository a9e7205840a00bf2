"""Reading spec files safely and finding specs in directories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from techspec.errors import InputError

MAX_BYTES = 10 * 1024 * 1024
"""Larger files are refused: no real spec is 10 MB, and parsing one would stall a run."""

_SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox"}


def decode(data: bytes, path: str) -> str:
    """Bytes to text, refusing binary files, non-UTF-8 text and empty files by name."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError("empty file: nothing to lint", path=path)
    if b"\0" in data[:8192]:
        raise InputError("binary file (contains NUL bytes), not Markdown", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start]
        raise InputError(
            f"not UTF-8 text: invalid byte 0x{byte:02x} at line {line}, column {column}",
            path=path,
        ) from None


def decode_within_limit(data: bytes, path: str) -> str:
    """:func:`decode` for bytes read with at most one past :data:`MAX_BYTES` (a pipe or
    a git blob has no size to check first): more than the limit is refused."""
    if len(data) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise InputError(f"file is over the {limit} MiB limit for a spec", path=path)
    return decode(data, path)


def read_stdin() -> str:
    """Standard input with the checks a file gets: size, empty, binary, UTF-8."""
    import sys

    return decode_within_limit(sys.stdin.buffer.read(MAX_BYTES + 1), "-")


def read_text(path: Path) -> str:
    """Read a spec file, with one clear error naming the file when it cannot be linted."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"file is {size / 1_000_000:.1f} MB, over the {MAX_BYTES // (1024 * 1024)} MiB "
                "limit for a spec",
                path=name,
            )
        with path.open("rb") as handle:
            # Read at most one byte over the limit: a device or pipe has no size to stat.
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError("no such file or directory", path=name) from None
    except IsADirectoryError:
        raise InputError("is a directory", path=name) from None
    except PermissionError:
        raise InputError("permission denied", path=name) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=name) from None
    return decode_within_limit(data, name)


def markdown_files(directory: Path, hidden: list[Path] | None = None) -> Iterator[Path]:
    """Every ``*.md`` below ``directory``, sorted, skipping hidden and tool directories.

    ``hidden`` collects the hidden directories passed by (``.drafts``, ``.github``), so
    that a caller can say so; tool directories (``.git``, ``node_modules``) never hold
    specs and are passed by without a word."""
    for root, dirs, files in os.walk(directory):
        if hidden is not None:
            hidden += [
                Path(root) / d for d in sorted(dirs) if d.startswith(".") and d not in _SKIP_DIRS
            ]
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(".md"):
                yield Path(root) / name


def replace_text(path: Path, text: str) -> None:
    """Replace the file in one step, keeping its permissions (a new file gets 0o644).

    The scratch file beside it is named after the process (``tempfile.mkstemp`` costs
    more than the rest of the write together) and only falls back to a random name when
    that one is taken."""
    scratch: str | None = None
    try:
        mode = os.stat(path).st_mode if path.exists() else 0o644
        scratch, handle = _scratch(path)
        try:
            data = memoryview(text.encode("utf-8", "surrogatepass"))
            while data:
                data = data[os.write(handle, data) :]
            os.fchmod(handle, mode)
        finally:
            os.close(handle)
        os.replace(scratch, path)
        scratch = None
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror or error}", path=str(path)) from None
    finally:
        if scratch is not None and os.path.exists(scratch):
            os.unlink(scratch)


def _scratch(path: Path) -> tuple[str, int]:
    """A new file beside ``path``, opened for writing: its name and descriptor."""
    name = os.path.join(path.parent, f".{path.name}.{os.getpid()}.techspec")
    try:
        return name, os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        import tempfile

        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        return name, handle
