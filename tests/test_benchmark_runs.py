"""`make test` runs the benchmark once on the smallest size, only to prove that it works (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_on_the_smallest_size(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "benchmarks/bench.py", "--quick", "--sizes", "100", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    results = json.loads(out.read_text())
    row = results["sizes"]["100"]
    for figure in ("load_s", "steps_per_s", "playthroughs_per_s", "replay_steps_per_s", "save_ms", "peak_rss_2000_mb"):
        assert row[figure]["median"] > 0, figure
    assert row["save_bytes"] > 0 and results["help_s"]["median"] > 0
    assert "| 100 |" in result.stdout
