"""``benchmarks/import_git_bench.py`` builds a real git history and imports it: a tiny
run reports every number it promises (tests never assert timings)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))

import import_git_bench


def test_a_tiny_run_imports_every_commit_and_reports_the_ratio(tmp_path: Path) -> None:
    results = import_git_bench.measure(commits=12, specs=3, seed=5, log=False, place=tmp_path)

    assert list(tmp_path.iterdir()) == []  # the repository and store were removed
    assert results["commits"] == 12 and results["specs"] == 3 and results["revisions"] == 12
    assert results["summary"] == "3 created, 9 revised, 0 unchanged, 0 skipped, 0 ignored"
    seconds, rates = results["seconds"], results["commits_per_second"]
    assert isinstance(seconds, dict) and isinstance(rates, dict)
    assert seconds["import"] > 0 and seconds["git_log"] > 0
    assert isinstance(results["ratio"], float) and results["ratio"] > 0
    assert "import / git log" in import_git_bench.table(results)


def test_the_history_is_real_git_with_specs_from_the_custom_template(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    counts = import_git_bench.build_repository(repo, commits=30, specs=4, seed=1)

    log = subprocess.run(
        ["git", "-C", str(repo), "log", "--format=%an", "--name-only"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert counts == {"created": 4, "edited": 26}
    assert log.count("specs/") == 30  # every commit changed one spec
    assert "src/app.py" in log and "README.md" in log
    first = (repo / "specs" / "0001-service-1.md").read_text("utf-8")
    assert first.startswith("# Service Proposal: Service 1\n")


def test_the_small_option_runs_the_whole_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(Path(import_git_bench.__file__)), "--small", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"commits": 60' in done.stdout and '"ratio"' in done.stdout
