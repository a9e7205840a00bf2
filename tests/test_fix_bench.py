"""``benchmarks/fix_bench.py`` runs end to end and reports what it promises (not how fast:
tests do not assert timings)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))

import fix_bench


def test_a_small_run_reports_every_measurement_and_both_kinds_of_ratio(tmp_path: Path) -> None:
    results = fix_bench.measure(count=3, repeat=2, seed=7, log=False, counted=None, place=tmp_path)

    assert list(tmp_path.iterdir()) == []  # the corpus was written there, and removed

    assert results["files"] == 3
    assert results["files_fixed"] == 3  # every file had a section deleted
    seconds, ratios, medians = results["seconds"], results["ratios"], results["median_ratios"]
    assert isinstance(seconds, dict) and isinstance(ratios, dict) and isinstance(medians, dict)
    assert set(seconds) == {
        f"{name}{suffix}" for name in ("lint", "fix", "fix_clean") for suffix in ("", "_one_job")
    }
    assert all(value > 0 for value in seconds.values())
    assert set(medians) == set(ratios)
    assert all(value > 0 for value in medians.values())
    table = fix_bench.table(results)
    assert "fix/lint one job (CPU)" in table and "median" in table


def test_paired_ratios_take_the_median_of_each_round() -> None:
    runs = {
        "fix": [(3.0, 6.0), (2.0, 2.0), (9.0, 9.0)],
        "lint": [(1.0, 2.0), (2.0, 1.0), (3.0, 1.0)],
    }

    assert fix_bench.paired(runs, "fix", "lint", 0) == 3.0  # wall: 3, 1, 3
    assert fix_bench.paired(runs, "fix", "lint", 1) == 3.0  # CPU: 3, 2, 9


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_instructions_are_counted_by_cachegrind() -> None:
    small = fix_bench.instructions([sys.executable, "-S", "-c", "pass"], (0,))
    larger = fix_bench.instructions([sys.executable, "-S", "-c", "sum(range(10**6))"], (0,))

    assert 0 < small < larger


def test_a_failing_command_stops_the_count_with_its_output() -> None:
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed")
    with pytest.raises(SystemExit, match="exited 3"):
        fix_bench.instructions([sys.executable, "-S", "-c", "raise SystemExit(3)"], (0,))
