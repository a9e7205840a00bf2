"""``techspec render``: one standalone, script-free HTML page per spec, and a PDF of it.

The command line is tested in ``test_render_cli``."""

from __future__ import annotations

import base64
import builtins
import io
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest_cli import run_cli, stderr_lines
from html_dom import BROKEN, LEDGER, REINDEX, Element, dom
from techspec.authoring.render import RenderError, html_to_pdf, render_html, render_pdf
from techspec.document.model import Spec
from techspec.document.parser import parse
from techspec.lint.linter import count_by_severity, lint

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
    handlers = [
        name for element in dom(page).iter() for name in element.attrs if name.startswith("on")
    ]
    assert handlers == []  # text like 'onerror=' inside an attribute's quoted value is inert
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
    handlers = [
        name for element in dom(page).iter() for name in element.attrs if name.startswith("on")
    ]
    assert handlers == []  # text like 'onerror=' inside an attribute's quoted value is inert


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


DOT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000040001f5d8d4d10000000049454e44ae426082"
)
"""A one-pixel PNG."""


def test_the_pdf_fetches_no_local_files(tmp_path: Path) -> None:
    image = tmp_path / "dot.png"
    image.write_bytes(DOT_PNG)
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


def test_an_image_embedded_in_the_spec_reaches_the_page_and_the_pdf() -> None:
    embedded = "data:image/png;base64," + base64.b64encode(DOT_PNG).decode("ascii")
    text = LEDGER.read_text("utf-8").replace(
        "## Executive Summary\n", f"## Executive Summary\n\n![the dot]({embedded})\n", 1
    )
    images = [e for e in dom(render_html(text)).iter() if e.tag == "img"]
    assert [(e.attrs.get("src"), e.attrs.get("alt")) for e in images] == [(embedded, "the dot")]
    with_dot = PdfReader(io.BytesIO(render_pdf(text)))
    without = PdfReader(io.BytesIO(render_pdf(LEDGER.read_text("utf-8"))))
    # WeasyPrint lists an image in the resources every page shares.
    names = [
        {image.name for page in pdf.pages for image in page.images} for pdf in (with_dot, without)
    ]
    assert len(names[0]) == 1 and names[1] == set()


@pytest.mark.parametrize(
    "markdown",
    [
        "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        '<img src="data:text/html,<script>alert(1)</script>">',
        "[a link](data:image/png;base64,iVBORw0KGgo=)",
    ],
)
def test_data_urls_other_than_an_embedded_raster_image_are_dropped(markdown: str) -> None:
    page = render_html(f"# Technical Specification: X\n\n## Executive Summary\n\n{markdown}\n")
    urls = [v for e in dom(page).iter() for k, v in e.attrs.items() if k in ("src", "href")]
    assert urls and not [url for url in urls if url.lower().startswith("data:")]
