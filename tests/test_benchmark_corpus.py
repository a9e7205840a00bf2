"""The benchmark corpus (benchmarks/corpus.py): deterministic, sized, template-shaped, clean."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))

from corpus import generate_corpus
from techspec.lint.linter import lint_text

TEMPLATE = Path(__file__).parents[1] / "src/techspec/templates/technical-spec.md"
KB = 1024


def contents(paths: list[Path]) -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in paths]


def test_the_same_seed_gives_the_same_files_byte_for_byte(tmp_path: Path) -> None:
    first = generate_corpus(tmp_path / "a", count=8, seed=7)
    second = generate_corpus(tmp_path / "b", count=8, seed=7)
    assert contents(first) == contents(second)


def test_another_seed_gives_other_files(tmp_path: Path) -> None:
    first = generate_corpus(tmp_path / "a", count=4, seed=7)
    second = generate_corpus(tmp_path / "b", count=4, seed=8)
    assert [data for _, data in contents(first)] != [data for _, data in contents(second)]


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(tmp_path: Path) -> None:
    small = generate_corpus(tmp_path / "small", count=3)
    large = generate_corpus(tmp_path / "large", count=6)
    assert contents(small) == contents(large)[:3]


def test_files_are_numbered_markdown_files_in_the_directory(tmp_path: Path) -> None:
    paths = generate_corpus(tmp_path / "new" / "dir", count=3)
    assert [path.parent for path in paths] == [tmp_path / "new" / "dir"] * 3
    assert [path.name[:5] for path in paths] == ["0001-", "0002-", "0003-"]
    assert all(path.suffix == ".md" for path in paths)


def test_sizes_stay_between_6_and_40_kb(tmp_path: Path) -> None:
    sizes = [path.stat().st_size for path in generate_corpus(tmp_path, count=20)]
    assert all(6 * KB <= size <= 40 * KB for size in sizes), sizes
    assert max(sizes) - min(sizes) > 10 * KB, "sizes should vary, not cluster"


def test_the_default_corpus_is_about_10_mb(tmp_path: Path) -> None:
    sizes = [path.stat().st_size for path in generate_corpus(tmp_path)]
    assert len(sizes) == 500
    assert 8_000_000 <= sum(sizes) <= 12_000_000
    assert min(sizes) < 9 * KB
    assert max(sizes) > 32 * KB


def test_every_file_is_a_filled_spec_with_valid_metadata(tmp_path: Path) -> None:
    statuses = set()
    for path in generate_corpus(tmp_path, count=20):
        text = path.read_text("utf-8")
        assert text.startswith("# Technical Specification: ")
        assert "Technical Specification: [" not in text
        status = re.search(r"^\*\*Status\*\*: (\w+)\\$", text, re.MULTILINE)
        version = re.search(r"^\*\*Document Version\*\*: (\d+\.\d+)\\$", text, re.MULTILINE)
        assert status is not None
        assert version is not None
        statuses.add(status[1])
        assert f"\n| {version[1]} " in text.split("**Document History**")[1]
    assert statuses == {"Draft", "Review", "Approved", "Implemented"}


def test_every_template_heading_appears_in_order(tmp_path: Path) -> None:
    phase = re.compile(r"### Phase \d+:")
    wanted = [
        line
        for line in TEMPLATE.read_text("utf-8").splitlines()
        if line.startswith("#") and not line.startswith("# ") and not phase.match(line)
    ]
    for path in generate_corpus(tmp_path, count=10):
        lines = path.read_text("utf-8").splitlines()
        headings = [line for line in lines if line.startswith("##")]
        assert [h for h in headings if not phase.match(h)] == wanted
        phases = [h for h in headings if phase.match(h)]
        assert 1 <= len(phases) <= 6
        numbers = [f"### Phase {n}" for n in range(1, len(phases) + 1)]
        assert [heading.split(":")[0] for heading in phases] == numbers


@pytest.mark.parametrize("seed", [1234, 99])
def test_a_generated_corpus_lints_without_errors_or_warnings(tmp_path: Path, seed: int) -> None:
    for path in generate_corpus(tmp_path, count=10, seed=seed):
        findings = lint_text(path.read_text("utf-8"), str(path))
        problems = [f"{f.line}: {f.code} {f.message}" for f in findings if f.severity != "info"]
        assert problems == [], f"{path.name}: {problems}"
