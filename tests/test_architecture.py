"""The core (parse, template, lint) stands alone: it imports no CLI, store, API or web code."""

from __future__ import annotations

import subprocess
import sys

from conftest_cli import modules_loaded_by

CORE = [
    "techspec.document.parser",
    "techspec.lint.template",
    "techspec.lint.linter",
    "techspec.document.model",
]
FORBIDDEN = [
    "click",
    "rich",
    "techspec.cli",
    "techspec.store",
    "techspec.api",
    "techspec.web",
    "sqlalchemy",
    "fastapi",
    "starlette",
]


def test_the_core_imports_nothing_from_the_outer_layers() -> None:
    script = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in CORE)
        + "from techspec.lint.linter import lint_text\n"
        + "lint_text('# Technical Specification: X\\n')\n"
        + f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_version_flag_does_not_load_the_markdown_parser() -> None:
    assert modules_loaded_by(["--version"], ["pyromark", "rich"]) == []
