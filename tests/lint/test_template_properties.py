"""Properties that hold for any text compiled as a template: compiling never raises
anything but a :class:`TemplateError` naming the problem, and a template that compiles
lints any document (its own text included) with every finding inside the file."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techspec.document.parser import parse
from techspec.errors import TemplateError
from techspec.lint.linter import lint
from techspec.lint.template import Template

STYLES = Path(__file__).parents[1] / "fixtures" / "templates"
FRAGMENTS = [
    *sorted(
        {
            line + "\n"
            for path in STYLES.glob("*/template.md")
            for line in path.read_text().splitlines()
        }
    ),
    "---\n",
    "# \n",
    "=====\n",
    "-----\n",
    "- Key: value\n",
    "status: {a | b}\n",
    "<!-- optional -->\n",
    "## …\n",
    "### {x}\n",
    "| *\\<a>* | b |\n",
    "NNNN XXXX\n",
    "\r\n",
    "\ufeff",
    "\x00",
]

markdownish = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=50
).map("".join)


def _inside(text: str, line: int, column: int) -> bool:
    lines = re.split(r"\r\n|\r|\n", text)
    if not 1 <= line <= max(1, len(lines)):
        return False
    return 1 <= column <= len(lines[line - 1].lstrip("\ufeff")) + 2


def _compile(text: str) -> Template | None:
    try:
        return Template.from_markdown(text, "t.md")
    except TemplateError as error:
        message = str(error)
    assert message.startswith("t.md") and "not a template" in message
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish, markdownish)
def test_compiling_any_text_gives_a_template_or_a_template_error(text: str, other: str) -> None:
    template = _compile(text)
    if template is None:
        return
    for document in (text, other):
        for finding in lint(parse(document), template):
            assert _inside(document, finding.line, finding.column), finding


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_compiling_any_unicode_text_never_raises_anything_else(text: str) -> None:
    _compile(text)
