"""The PDF of an approved spec, as a reader holds it: every page names the spec and
revision it shows (``slug rN``, as the HTML footer does), and the Sign-off table with
its ``approved sha256:...`` signatures stays within the A4 page, looked at as a picture
(``pdftoppm``) and read as text (pypdf)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from pypdf import PdfReader

from conftest_cli import run_cli
from techspec.service.demo import seed
from techspec.store.engine import open_store
from techspec.store.revisions import get_revision

SLUG = "0001-payments-ledger"
A4_WIDTH_MM = 210
RIGHT_MARGIN_MM = 17


@pytest.fixture(scope="module")
def approved_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str, str]:
    """The demo's Approved spec, signed by three reviewers, as a PDF; its ``slug rN``,
    and the content hash its signatures cite."""
    folder = tmp_path_factory.mktemp("pdf")
    url = f"sqlite:///{folder / 'demo.db'}"
    store = open_store(url)
    seed(store)
    revision = get_revision(store, SLUG)
    store.close()
    out = folder / "ledger.pdf"
    result = run_cli(["render", SLUG, "--format", "pdf", "-o", str(out), "--db", url])
    assert result.exit_code == 0, result.output
    return out.read_bytes(), f"{SLUG} r{revision.number}", revision.content_hash


def test_every_page_names_the_spec_and_revision(approved_pdf: tuple[bytes, str, str]) -> None:
    data, name, _ = approved_pdf
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) > 3
    for number, page in enumerate(pages, 1):
        assert name in page.extract_text(), f"page {number}"


def test_the_sign_off_table_stays_within_the_a4_page(
    approved_pdf: tuple[bytes, str, str], tmp_path: Path
) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: run 'make system-deps'")
    data, _, content_hash = approved_pdf
    reader = PdfReader(io.BytesIO(data))
    texts = ["".join(page.extract_text().split()) for page in reader.pages]
    [signed] = [i for i, text in enumerate(texts, 1) if "Sign-off" in text and "sha256:" in text]
    # every signed row's value, wrapped but whole (the signed cells may run onto the next page)
    assert "".join(texts[signed - 1 :]).count(f"approvedsha256:{content_hash}") == 3
    pdf = tmp_path / "ledger.pdf"
    pdf.write_bytes(data)
    dpi = 72
    subprocess.run(
        [
            "pdftoppm",
            "-f",
            str(signed),
            "-l",
            str(signed),
            "-r",
            str(dpi),
            "-png",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    [picture] = sorted(tmp_path.glob("page*.png"))
    image = Image.open(picture).convert("L")
    width, height = image.size
    assert abs(width - round(A4_WIDTH_MM / 25.4 * dpi)) <= 1
    edge = round((A4_WIDTH_MM - RIGHT_MARGIN_MM) / 25.4 * dpi) + 2
    margin = image.crop((edge, 0, width, height))
    ink = ImageOps.invert(margin).point(lambda value: 255 if value > 55 else 0).getbbox()
    assert ink is None, f"ink in the right margin, {ink[0]} px past its edge at {edge} px"
