"""`make test` runs the ink comparison benchmark once, quickly, only to prove that it works: the engines must
agree on the walk's path checksum; no timing is asserted (timings live in benchmarks/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_runs_and_both_engines_walk_the_same_paths(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "benchmarks/bench.py", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    checksum = json.loads(out.read_text())["cases"]["100"]["checksum"]
    assert checksum["escape_lines"] == "ad3fa62a"
    if checksum["ink"] is not None:  # ink ran (node and inkjs are installed)
        assert checksum["ink"] == checksum["escape_lines"]
    assert any(line.startswith("| 100 scenes |") for line in result.stdout.splitlines())
    assert (tmp_path / "results.md").read_text() == result.stdout.rstrip("\n") + "\n"
