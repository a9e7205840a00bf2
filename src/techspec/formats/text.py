"""Human-readable formats: ``text`` (full lines and a summary) and ``concise`` (for editors)."""

from __future__ import annotations

import io
from collections import Counter
from typing import TYPE_CHECKING

from techspec.formats._common import Totals, each_finding, plural, span, totals
from techspec.lint.findings import FileReport, Finding

if TYPE_CHECKING:
    from rich.text import Text

SEVERITY_STYLES: dict[str, str] = {"error": "red", "warning": "yellow", "info": "blue"}
FIX_MARK = " [*]"
FIX_HINT = "fixable with 'techspec fix'."


def render_text(reports: list[FileReport], *, color: bool = False, statistics: bool = False) -> str:
    """One ``path:line:col: CODE/name severity message`` line per finding, then a summary.

    With ``statistics`` the per-finding lines are replaced by a count per rule (like ruff's
    ``--statistics``), which is what you want when a corpus has thousands of findings.
    """
    body = _statistics_lines(reports) if statistics else _finding_lines(reports)
    summary = summary_lines(totals(reports))
    if not color:
        lines = [_plain(parts) for parts in body]
        return "\n".join([*lines, *([""] if lines else []), *summary]) + "\n"
    return _coloured(body, summary)


def render_concise(reports: list[FileReport]) -> str:
    """``path:line:col: CODE message`` per finding and nothing else: easy for editors to parse."""
    lines = []
    for report, finding in each_finding(reports):
        where = span(finding)
        message = one_line(finding.message)
        lines.append(f"{report.path}:{where.line}:{where.column}: {finding.rule} {message}")
    return "".join(line + "\n" for line in lines)


def summary_lines(counts: Totals) -> list[str]:
    """``Found 3 errors and 2 warnings in 2 files (1 file clean).`` plus a fix hint if any."""
    if counts.files == 0:
        return ["No files checked."]
    if counts.files_with_findings == 0:
        return ["1 file clean."] if counts.files == 1 else [f"All {counts.files} files clean."]
    tally = [plural(counts.errors, "error"), plural(counts.warnings, "warning")]
    if counts.infos:
        tally.append(f"{counts.infos} info")
    found = ", ".join(tally[:-1]) + " and " + tally[-1]
    line = f"Found {found} in {plural(counts.files_with_findings, 'file')}"
    if counts.clean:
        line += f" ({plural(counts.clean, 'file')} clean)"
    lines = [line + "."]
    if counts.fixable:
        lines.append(f"{counts.fixable} {FIX_HINT}")
    return lines


def one_line(message: str) -> str:
    """Join a multi-line message, so line-oriented output keeps one line per finding."""
    return " ".join(message.splitlines())


# A line is a list of (text, style) parts so the plain and coloured renderings cannot drift.
Parts = list[tuple[str, str]]


def _finding_lines(reports: list[FileReport]) -> list[Parts]:
    return [_finding_parts(report.path, finding) for report, finding in each_finding(reports)]


def _finding_parts(path: str, finding: Finding) -> Parts:
    where = span(finding)
    parts: Parts = [
        (path, "bold"),
        (f":{where.line}:{where.column}: ", ""),
        (finding.code, "bold"),
        (" ", ""),
        (finding.severity, SEVERITY_STYLES.get(finding.severity, "")),
        (f" {one_line(finding.message)}", ""),
    ]
    if finding.fixable:
        parts.append((FIX_MARK, "cyan"))
    return parts


def _statistics_lines(reports: list[FileReport]) -> list[Parts]:
    counts: Counter[str] = Counter()
    fixable: set[str] = set()
    for _, finding in each_finding(reports):
        counts[finding.code] += 1
        if finding.fixable:
            fixable.add(finding.code)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        [(f"{count:>5}  ", ""), (code, "bold"), (FIX_MARK if code in fixable else "", "cyan")]
        for code, count in ranked
    ]


def _plain(parts: Parts) -> str:
    return "".join(text for text, _ in parts)


def _coloured(body: list[Parts], summary: list[str]) -> str:
    """Render through rich, imported here because importing it costs start-up time."""
    from rich.console import Console
    from rich.text import Text

    out = io.StringIO()
    console = Console(
        file=out,
        force_terminal=True,
        color_system="standard",
        width=max(80, *(len(_plain(p)) for p in body), *(len(s) for s in summary)),
        no_color=False,
        highlight=False,
        emoji=False,
        markup=False,
    )
    for parts in body:
        console.print(_text(Text, parts), soft_wrap=True)
    if body:
        console.print()
    for index, line in enumerate(summary):
        style = "green" if line.startswith("All ") or line.endswith(" clean.") else "bold"
        console.print(Text(line, style=style if index == 0 else ""), soft_wrap=True)
    return out.getvalue()


def _text(text_type: type[Text], parts: Parts) -> Text:
    return text_type.assemble(*((text, style) for text, style in parts if text))
