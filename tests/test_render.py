"""``techspec render``: one standalone, script-free HTML page per spec, and a PDF of it."""

from __future__ import annotations

import builtins
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest_cli import ADR_CLEAN, ADR_TEMPLATE, run_cli, stderr_lines
from techspec.linter import count_by_severity, lint
from techspec.model import Spec
from techspec.parser import parse
from techspec.render import RenderError, html_to_pdf, render_html, render_pdf
from techspec.template import Template

EXAMPLES = Path(__file__).parents[1] / "examples"
LEDGER = EXAMPLES / "0001-payments-ledger.md"
REINDEX = EXAMPLES / "0002-search-reindexing.md"
BROKEN = EXAMPLES / "0003-broken-notifications.md"

HOSTILE = """\
# Technical Specification: Hostile <b>Spec</b>

**Status**: <img src=x onerror=alert(1)>\\
**Author**: [me](javascript:alert(2))

## Executive Summary

<script>alert(3)</script>

<iframe src="https://evil.example/"></iframe>

[click](javascript:alert(4)), <a href="JAVASCRIPT:alert(5)">upper</a>,
<a href="jav&#x09;ascript:alert(6)">tab</a>, <a href="data:text/html,x">data</a>

<img src="x" onerror="alert(7)"> <div onclick="alert(8)" style="color: red">div</div>

<svg onload="alert(10)"><script>alert(11)</script></svg>

<form action="https://evil.example/"><input type="text" onfocus="alert(12)" autofocus></form>

- [x] done <input type="checkbox" onclick="alert(13)">

<meta http-equiv="refresh" content="0;url=https://evil.example/">
<object data="x.swf"></object><embed src="x.swf"><style>body { visibility: hidden }</style>
<h2 id="raw" onmouseover="alert(16)">Raw heading</h2>
"""

SAFE_HREF = re.compile(r"^(#|https?://|mailto:|[^:]*$)", re.IGNORECASE)


# -- a small DOM over html.parser ----------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (cls is None or cls in element.attrs.get("class", "").split())
        ]

    def find(self, tag: str | None = None, cls: str | None = None) -> Element:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag or '*'} class={cls}>"
        return found[0]

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join("".join(parts).split())


class _Builder(HTMLParser):
    VOID: ClassVar[set[str]] = {
        "meta",
        "link",
        "input",
        "img",
        "br",
        "hr",
        "col",
        "wbr",
        "source",
        "area",
        "embed",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def dom(page: str) -> Element:
    builder = _Builder()
    builder.feed(page)
    builder.close()
    return builder.root


def rendered(path: Path) -> tuple[Spec, Element]:
    text = path.read_text("utf-8")
    return parse(text, str(path)), dom(render_html(text, str(path)))


def with_status(status: str | None) -> str:
    text = LEDGER.read_text("utf-8")
    replacement = f"**Status**: {status}\\\n" if status is not None else ""
    return re.sub(r"^\*\*Status\*\*: .*\n", lambda _: replacement, text, count=1, flags=re.M)


# -- the page --------------------------------------------------------------------------


def test_the_page_is_titled_with_the_spec_title() -> None:
    spec, page = rendered(LEDGER)
    assert page.find("title").text == spec.title
    assert page.find("p", "kicker").text == "Technical Specification"
    assert page.find("h1", "spec-title").text == "Payments Ledger Service"


def test_a_spec_without_a_title_is_untitled_in_the_tab_and_the_heading_alike() -> None:
    page = dom(render_html("## Executive Summary\n\nNo title yet.\n", "notes.md"))
    assert page.find("title").text == "Untitled specification"
    assert page.find("h1", "spec-title").text == "Untitled specification"


@pytest.mark.parametrize("path", [LEDGER, REINDEX, BROKEN], ids=lambda p: p.stem)
def test_the_outline_links_every_section_path_to_its_heading(path: Path) -> None:
    spec, page = rendered(path)
    links = page.find("nav", "outline").find_all("a")
    assert [a.attrs["data-path"] for a in links] == [s.path for s in spec.walk()]
    headings = {
        h.attrs["id"]: h.text
        for h in page.find("article", "spec-body").iter()
        if h.tag in ("h2", "h3", "h4", "h5", "h6") and "id" in h.attrs
    }
    for link, section in zip(links, spec.walk(), strict=True):
        assert headings[link.attrs["href"].removeprefix("#")] == section.title


def test_every_id_on_the_page_is_unique() -> None:
    _, page = rendered(LEDGER)
    ids = [element.attrs["id"] for element in page.iter() if "id" in element.attrs]
    assert len(ids) == len(set(ids)) > 50


@pytest.mark.parametrize(
    ("status", "text", "css_class"),
    [
        ("Draft", "Draft", "status-draft"),
        ("Review", "Review", "status-review"),
        ("Approved", "Approved", "status-approved"),
        ("Implemented", "Implemented", "status-implemented"),
        ("Blocked", "Blocked", "status-other"),
        (None, "No status", "status-none"),
    ],
)
def test_the_status_badge_names_the_status_and_colours_it(
    status: str | None, text: str, css_class: str
) -> None:
    badge = dom(render_html(with_status(status))).find("span", "badge")
    assert badge.text == text
    assert badge.attrs["class"].split() == ["badge", css_class]


def test_the_metadata_block_lists_every_field_and_the_body_does_not_repeat_it() -> None:
    spec, page = rendered(LEDGER)
    block = page.find("dl", "metadata")
    assert [dt.text for dt in block.find_all("dt")] == [f.key for f in spec.metadata]
    assert [dd.text for dd in block.find_all("dd")] == [f.value for f in spec.metadata]
    body = page.find("article", "spec-body")
    assert body.find_all("h1") == []
    assert "Document Version" not in body.text


@pytest.mark.parametrize("path", [LEDGER, REINDEX, BROKEN], ids=lambda p: p.stem)
def test_checklist_progress_counts_each_sections_task_boxes(path: Path) -> None:
    spec, page = rendered(path)
    rows = page.find("section", "progress").find_all("tr")
    expected = [
        (s.path, f"{sum(1 for i in s.checklist if i.checked)}/{len(s.checklist)}")
        for s in spec.walk()
        if s.checklist
    ]
    assert [(r.attrs["data-path"], r.find("td", "count").text) for r in rows] == expected


def test_checklist_progress_shows_the_ledgers_known_numbers() -> None:
    _, page = rendered(LEDGER)
    progress = page.find("section", "progress")
    counts = {r.find("a").text: r.find("td", "count").text for r in progress.find_all("tr")}
    assert counts["Success Criteria"] == "2/3"
    assert counts["Phase 1: Ledger core"] == "3/3"
    assert counts["Phase 2: Dual write and backfill"] == "1/3"
    assert progress.find("span", "total").text == "18/24"


def test_task_boxes_in_the_body_are_disabled_checkboxes_with_their_state() -> None:
    spec, page = rendered(LEDGER)
    boxes = page.find("article", "spec-body").find_all("input")
    assert len(boxes) == len(spec.checklist)
    assert all(b.attrs == b.attrs | {"type": "checkbox", "disabled": "disabled"} for b in boxes)
    assert [("checked" in b.attrs) for b in boxes] == [bool(i.checked) for i in spec.checklist]


def test_the_body_keeps_tables_code_and_safe_links() -> None:
    _, page = rendered(LEDGER)
    body = page.find("article", "spec-body")
    assert len(body.find_all("table")) == len(parse(LEDGER.read_text("utf-8")).tables)
    assert any("CREATE TABLE journal_entries" in pre.text for pre in body.find_all("pre"))
    hrefs = [a.attrs.get("href", "") for a in body.find_all("a")]
    assert "https://wiki.example.com/finance/FIN-204" in hrefs


@pytest.mark.parametrize("path", [LEDGER, REINDEX, BROKEN], ids=lambda p: p.stem)
def test_the_lint_summary_matches_lint(path: Path) -> None:
    spec, page = rendered(path)
    findings = lint(spec)
    counts = count_by_severity(findings)
    summary = page.find("section", "lint")
    for kind in ("error", "warning", "info"):
        assert summary.find("span", f"count-{kind}").text.split()[0] == str(counts[kind])
    rows = summary.find_all("tr")[1:] if findings else []
    assert [r.find("td", "line").text for r in rows] == [str(f.line) for f in findings]
    assert [r.find("code").text for r in rows] == [f.code for f in findings]
    assert ("failing" in summary.attrs["class"]) == (counts["error"] > 0)


def test_the_broken_example_lists_its_six_errors() -> None:
    _, page = rendered(BROKEN)
    summary = page.find("section", "lint")
    assert summary.find("span", "count-error").text == "6 errors"
    assert "TS101/missing-section" in summary.text


# -- safety ----------------------------------------------------------------------------


def test_a_hostile_spec_renders_inert() -> None:
    page = render_html(HOSTILE)
    tree = dom(page)
    assert "<script" not in page.lower()
    # No attribute is a javascript: URL, even with the whitespace browsers ignore in it.
    values = ["".join(v.split()).lower() for e in tree.iter() for v in e.attrs.values()]
    assert [v for v in values if v.startswith("javascript:")] == []
    assert all("javascript:" not in e.attrs.get("href", "").lower() for e in tree.iter())
    # What the author wrote as text stays visible as text, never as a link:
    assert "javascript:" in tree.find("article", "spec-body").text
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", page, re.IGNORECASE)
    assert not [e for e in tree.iter() if any(name.startswith("on") for name in e.attrs)]
    for tag in ("script", "iframe", "object", "embed", "form", "svg"):
        assert tree.find_all(tag) == [], tag
    assert [m.attrs.get("http-equiv") for m in tree.find_all("meta")].count("refresh") == 0
    assert tree.find_all("style") == [tree.find("head").find("style")]
    assert "alert(3)" not in page and "visibility: hidden" not in page


def test_hostile_links_lose_their_href_and_inputs_become_disabled_checkboxes() -> None:
    tree = dom(render_html(HOSTILE))
    hrefs = [a.attrs["href"] for a in tree.find_all("a") if "href" in a.attrs]
    assert all(SAFE_HREF.match(href) for href in hrefs), hrefs
    body = tree.find("article", "spec-body")
    assert body.find_all("input")
    for box in body.find_all("input"):
        assert box.attrs["type"] == "checkbox" and box.attrs["disabled"] == "disabled"
    assert all("style" not in e.attrs for e in body.iter())


def test_the_page_forbids_scripts_with_a_content_security_policy() -> None:
    tree = dom(render_html(LEDGER.read_text("utf-8")))
    policy = next(
        m.attrs["content"]
        for m in tree.find_all("meta")
        if m.attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in policy
    assert "script-src" not in policy


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "# T",
                "## S",
                "- [x] a",
                "- [ ]",
                "| a |\n|---|",
                "<script>",
                "<a href=",
                "javascript:",
                "onerror=",
                "**Status**: ",
                "`",
                "\n",
                "\n\n",
                "x",
                '"',
                "'>",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_any_text_renders_to_a_page_without_scripts(text: str) -> None:
    page = render_html(text)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", page, re.IGNORECASE)


# -- PDF -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ledger_pdf() -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(LEDGER.read_text("utf-8"), str(LEDGER))))


def test_the_pdf_has_the_title_a_section_heading_and_the_status(ledger_pdf: PdfReader) -> None:
    text = "\n".join(page.extract_text() for page in ledger_pdf.pages)
    assert "Payments Ledger Service" in text
    assert "Executive Summary" in text
    assert "Approved" in ledger_pdf.pages[0].extract_text()


def test_the_pdf_is_a4_with_numbered_pages(ledger_pdf: PdfReader) -> None:
    count = len(ledger_pdf.pages)
    assert count > 2
    box = ledger_pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert f"Page 1 of {count}" in ledger_pdf.pages[0].extract_text()
    assert ledger_pdf.metadata is not None
    assert ledger_pdf.metadata.title == "Technical Specification: Payments Ledger Service"


def test_the_pdf_fetches_no_local_files(tmp_path: Path) -> None:
    image = tmp_path / "dot.png"
    image.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360f8cf000000040001f5d8d4d10000000049454e44ae426082"
        )
    )
    page = f'<!DOCTYPE html><html><body><img src="{image.as_uri()}"></body></html>'
    reader = PdfReader(io.BytesIO(html_to_pdf(page)))
    assert list(reader.pages[0].images) == []


def test_pdf_without_weasyprint_is_a_render_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def refuse(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", refuse)
    with pytest.raises(RenderError, match="libpango") as caught:
        html_to_pdf("<p>x</p>")
    assert caught.value.exit_code == 2


def test_a_weasyprint_failure_is_a_render_error_naming_the_cause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weasyprint  # type: ignore[import-untyped]

    class Failing:
        def __init__(self, **_options: object) -> None:
            pass

        def write_pdf(self) -> bytes:
            raise ValueError("no font for U+1F600")

    monkeypatch.setattr(weasyprint, "HTML", Failing)
    with pytest.raises(RenderError, match=r"ValueError: no font for U\+1F600") as caught:
        html_to_pdf("<p>x</p>")
    assert caught.value.exit_code == 2
    result = run_cli(["render", str(LEDGER), "--format", "pdf", "-o", "-"])
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        "techspec: cannot write the PDF: ValueError: no font for U+1F600"
    ]


# -- the command -----------------------------------------------------------------------


def test_render_writes_a_standalone_html_file(tmp_path: Path) -> None:
    out = tmp_path / "ledger.html"
    result = run_cli(["render", str(LEDGER), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert dom(page).find("title").text == parse(LEDGER.read_text("utf-8")).title


def test_render_writes_html_to_standard_output_by_default() -> None:
    result = run_cli(["render", str(REINDEX)])
    assert result.exit_code == 0
    assert dom(result.stdout).find("span", "badge").text == "Draft"


def test_render_writes_a_pdf_file(tmp_path: Path) -> None:
    out = tmp_path / "reindex.pdf"
    result = run_cli(["render", str(REINDEX), "--format", "pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Search Reindexing Job" in PdfReader(out).pages[0].extract_text()


def test_render_reads_standard_input_for_a_dash() -> None:
    result = run_cli(["render", "-"], stdin=REINDEX.read_bytes())
    assert result.exit_code == 0, result.output
    page = dom(result.stdout)
    assert page.find("h1", "spec-title").text == "Search Reindexing Job"
    assert "from" not in page.find("footer").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"# Technical Specification: X\n\xff\xfe\n", "not UTF-8 text: invalid byte 0xff"),
        (b" \n\n", "empty file: nothing to lint"),
        (b"# T\n\0\0", "binary file (contains NUL bytes), not Markdown"),
    ],
    ids=["invalid-utf8", "empty", "binary"],
)
def test_render_checks_standard_input_like_a_file(data: bytes, message: str) -> None:
    result = run_cli(["render", "-"], stdin=data)
    assert result.exit_code == 2
    lines = stderr_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"techspec: -: {message}"), lines
    assert result.stdout == ""


def test_render_help_names_both_kinds_of_argument_and_the_dash() -> None:
    result = run_cli(["render", "--help"])
    assert result.exit_code == 0
    assert "render [OPTIONS] SPEC|FILE\n" in result.stdout
    assert "- for standard input" in result.stdout
    assert "--revision" in result.stdout and "--db" in result.stdout


def test_render_of_a_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    result = run_cli(["render", str(missing), "-o", str(tmp_path / "out.html")])
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"techspec: {missing}: no such file or directory"]
    assert not (tmp_path / "out.html").exists()


def test_render_rejects_an_unknown_format_as_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["render", str(LEDGER), "--format", "docx", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr
    assert not (tmp_path / "x").exists()


def test_render_reports_an_output_it_cannot_write(tmp_path: Path) -> None:
    out = tmp_path / "no-such-dir" / "out.html"
    result = run_cli(["render", str(LEDGER), "-o", str(out)])
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"techspec: {out}: cannot write the HTML: No such file or directory"
    ]


def test_render_lints_against_the_template_option(tmp_path: Path) -> None:
    template, spec = tmp_path / "adr-template.md", tmp_path / "adr.md"
    template.write_text(ADR_TEMPLATE, encoding="utf-8")
    spec.write_text(ADR_CLEAN, encoding="utf-8")
    with_adr = run_cli(["render", str(spec), "--template", str(template)])
    builtin = run_cli(["render", str(spec)])
    assert with_adr.exit_code == builtin.exit_code == 0
    assert dom(with_adr.stdout).find("p", "clean").text.startswith("No findings")
    assert dom(builtin.stdout).find("span", "count-error").text != "0 errors"
    kicker = dom(with_adr.stdout).find("p", "kicker").text
    assert kicker == Template.from_markdown(ADR_TEMPLATE).title.partition(":")[0]


def test_the_version_flag_does_not_load_the_renderer() -> None:
    script = (
        "import sys\nfrom techspec.cli import main\nsys.argv=['techspec','--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('markdown_it', 'nh3', 'weasyprint') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_rendering_a_file_does_not_load_the_store(tmp_path: Path) -> None:
    script = (
        "import sys\nfrom techspec.cli import main\n"
        f"sys.argv=['techspec','render',{str(LEDGER)!r},'-o',{str(tmp_path / 'out.html')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('sqlalchemy', 'techspec.store') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out.html").read_text("utf-8").startswith("<!DOCTYPE html>")
