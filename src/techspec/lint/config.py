"""Project configuration: ``[tool.techspec]`` in pyproject.toml or a ``techspec.toml``.

The nearest file walking up from a spec's directory wins, as with ruff.  Keys::

    template = "templates/our-spec.md"        # instead of the built-in template
    select = ["TS"]                            # codes, prefixes or names
    ignore = ["TS105"]
    [per-file-ignores]                         # glob (relative to the config) -> codes
    "legacy/*.md" = ["TS205"]
    [templates]                                # directory prefix -> template
    "docs/adr/" = "templates/adr.md"
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from techspec.errors import ConfigError
from techspec.lint.selection import Selection

_KEYS = {"template", "select", "ignore", "per-file-ignores", "templates"}


@dataclass(frozen=True)
class Config:
    root: Path | None = None
    """The directory of the config file (None: no config found)."""
    source: Path | None = None
    template: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    templates: tuple[tuple[str, Path], ...] = field(default=())

    def template_for(self, path: Path) -> Path | None:
        """The template a spec at ``path`` uses: the longest matching directory prefix in
        ``templates``, else ``template``, else None (the built-in one)."""
        relative = self._relative(path)
        if relative is not None:
            best: tuple[int, Path] | None = None
            for prefix, template in self.templates:
                clean = prefix.strip("/")
                inside = relative == clean or relative.startswith(clean + "/")
                if inside and (best is None or len(clean) > best[0]):
                    best = (len(clean), template)
            if best is not None:
                return best[1]
        return self.template

    def selection_for(self, path: Path | None) -> Selection:
        ignores = self.ignore
        relative = self._relative(path) if path is not None else None
        if relative is not None:
            for pattern, codes in self.per_file_ignores:
                if fnmatch.fnmatch(relative, pattern):
                    ignores = ignores + codes
        return Selection(self.select, ignores)

    def _relative(self, path: Path | None) -> str | None:
        if self.root is None or path is None:
            return None
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None


def find_config(start: Path) -> Config:
    """The nearest configuration at or above ``start`` (a file or a directory)."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    return _find(directory)


@lru_cache(maxsize=256)
def _find(directory: Path) -> Config:
    for candidate in (directory, *directory.parents):
        dedicated = candidate / "techspec.toml"
        if dedicated.is_file():
            return _load(dedicated, _read(dedicated))
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            tool = _read(pyproject).get("tool", {})
            if not isinstance(tool, dict):
                raise ConfigError("[tool] must be a table", path=str(pyproject))
            table = tool.get("techspec")
            if table is not None:
                return _load(pyproject, table)
    return Config()


def _read(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read configuration: {error}", path=str(path)) from None


def _load(source: Path, table: object) -> Config:
    if not isinstance(table, dict):
        raise ConfigError("[tool.techspec] must be a table", path=str(source))
    unknown = set(table) - _KEYS
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ConfigError(
            f"unknown setting(s): {names} (known: {', '.join(sorted(_KEYS))})", path=str(source)
        )
    root = source.parent.resolve()
    template = table.get("template")
    return Config(
        root=root,
        source=source,
        template=root / _string(source, "template", template) if template is not None else None,
        select=_codes(source, "select", table.get("select", [])),
        ignore=_codes(source, "ignore", table.get("ignore", [])),
        per_file_ignores=tuple(
            (pattern, _codes(source, f"per-file-ignores.{pattern}", codes))
            for pattern, codes in _table(source, "per-file-ignores", table).items()
        ),
        templates=tuple(
            (prefix, root / _string(source, f"templates.{prefix}", value))
            for prefix, value in _table(source, "templates", table).items()
        ),
    )


def _table(source: Path, key: str, table: dict[str, object]) -> dict[str, object]:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must be a table", path=str(source))
    return value


def _string(source: Path, key: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"'{key}' must be a non-empty string", path=str(source))
    return value


def _codes(source: Path, key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of rule codes", path=str(source))
    unknown = unknown_selectors(value)
    if unknown:
        names = ", ".join(f"'{u}'" for u in unknown)
        raise ConfigError(f"'{key}': unknown rule selector(s) {names}", path=str(source))
    return tuple(value)


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """The selectors that name no rule: not ``all``/``*``, a code prefix or a rule name.

    A typo such as ``select = ["TS10l"]`` would otherwise select nothing and pass silently.
    """
    from techspec.lint.rules import all_rules, get_rule

    codes = [rule.code.casefold() for rule in all_rules()]
    return [
        selector
        for selector in selectors
        if (wanted := selector.strip().casefold()) not in ("all", "*")
        and get_rule(wanted) is None
        and not any(code.startswith(wanted) for code in codes)
    ]
