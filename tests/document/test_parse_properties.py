"""Properties that hold for any input: the parser never raises, keeps the text, and
every position it or the linter reports lies inside the file."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techspec.document.parser import parse
from techspec.lint.linter import lint

TEMPLATE = (Path(__file__).parents[2] / "src/techspec/templates/technical-spec.md").read_text()
FRAGMENTS = [line + "\n" for line in TEMPLATE.splitlines()] + [
    "\r\n",
    "\ufeff",
    "\t",
    "| a \\| b | [c] |\n",
    "```\n",
    "<!-- techspec-disable TS101 -->\n",
    "<!-- techspec-disable-next-line -->",
    "- [x] done\n",
    "Zoë ☃ 𝄞\n",
    "===\n",
    "---\n",
    "[a]: http://x\n",
    "**Status**: Approved\\\n",
    "\x00",
    "\r",
]

markdownish = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=60
).map("".join)


def _inside(text: str, line: int, column: int) -> bool:
    """Lines end at LF, CRLF or CR (as in Markdown; not at form feeds like splitlines)."""
    lines = re.split(r"\r\n|\r|\n", text)
    if not 1 <= line <= max(1, len(lines)):
        return False
    return 1 <= column <= len(lines[line - 1].lstrip("\ufeff")) + 2


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_parse_never_raises_and_keeps_the_text(text: str) -> None:
    spec = parse(text)
    assert spec.text is text
    for section in spec.walk():
        assert 1 <= section.line <= section.end_line


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_every_finding_lies_inside_the_file(text: str) -> None:
    for finding in lint(parse(text)):
        assert _inside(text, finding.line, finding.column), finding
        assert finding.line <= (finding.end_line or finding.line)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_accepts_any_unicode_text(text: str) -> None:
    assert parse(text).text is text
