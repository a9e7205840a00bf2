"""Where a review thread sits: sections' own bodies, a selection mapped back to its
Markdown, a quote found or gone, a suggestion's replacement; and hostile text (long
runs of ``@``, of markers, of one letter) read in linear time."""

from __future__ import annotations

from techspec.authoring.anchors import body, locate, regions, replace, source_quote
from techspec.store.thread_text import mentioned
from test_linear_time import grows_linearly

TEXT = (
    "# Technical Specification: Ledger\n\n**Status**: Draft\n\n"
    "## Executive Summary\n\nThe API allows **100 requests** per\nsecond per client.\n\n"
    "## Scope\n\nIntro.\n\n### In Scope\n\n- Ledgers\n"
)


def test_a_sections_own_body_runs_from_its_heading_to_the_next_one() -> None:
    found = regions(TEXT)
    assert list(found) == ["Executive Summary", "Scope", "Scope/In Scope"]
    assert body(TEXT, found["Scope"]) == "## Scope\n\nIntro."
    assert found["Scope/In Scope"].line == 14
    with_bom = "\ufeff" + TEXT.replace("\n", "\r\n")
    assert body(with_bom, regions(with_bom)["Scope"]) == "## Scope\r\n\r\nIntro."


def test_a_selection_on_the_rendered_page_maps_back_to_its_markdown() -> None:
    summary = regions(TEXT)["Executive Summary"]
    assert source_quote(TEXT, summary, "per\nsecond") == "per\nsecond"  # verbatim
    assert source_quote(TEXT, summary, "100 requests per second") == (
        "**100 requests** per\nsecond"
    )
    assert source_quote(TEXT, summary, "allows 100") == "allows **100"
    assert source_quote(TEXT, summary, "Ledgers") is None  # another section's text
    assert source_quote(TEXT, summary, "  ") is None


def test_a_quote_is_attached_while_its_section_holds_it() -> None:
    found = regions(TEXT)
    assert locate(TEXT, found, "Executive Summary", "per client")
    assert locate(TEXT, found, "Scope", None)
    assert not locate(TEXT, found, "Scope", "per client")  # only in its own body
    assert not locate(TEXT, found, "Nowhere", None)


def test_a_suggestion_replaces_the_quote_in_its_section_only() -> None:
    text = TEXT + "\n## Risks\n\nper client\n"
    found = regions(text)
    changed = replace(text, found["Risks"], "per client", "per token")
    assert changed is not None and changed.endswith("## Risks\n\nper token\n")
    assert "second per client." in changed
    assert replace(text, found["Scope"], "per client", "x") is None


def test_mentions_are_read_once_each_and_not_from_mail_addresses() -> None:
    assert mentioned("@ada, @Tomás.Ferreira. mail@x.org @@bob @ada") == [
        "ada",
        "Tomás.Ferreira",
    ]


def test_long_runs_of_at_signs_and_names_are_read_in_linear_time() -> None:
    assert grows_linearly(lambda n: "@" * n, mentioned, 20_000)
    assert grows_linearly(lambda n: "@a" * n, mentioned, 10_000)
    assert grows_linearly(lambda n: "@" + "a." * n, mentioned, 10_000)


def test_a_long_selection_is_mapped_in_linear_time() -> None:
    def make(n: int) -> tuple[str, str]:
        text = TEXT.replace("per client.", "per client. " + "*a* " * n + "b")
        return text, "a " * n + "c"  # read almost to the end, then not found

    def step(case: tuple[str, str]) -> object:
        text, selected = case
        return source_quote(text, regions(text)["Executive Summary"], selected)

    assert grows_linearly(make, step, 2_000)
