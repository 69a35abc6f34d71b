"""How long the exhaustive search takes on the bundled campaigns and on a generated author's story of 25
scenes and 20 variables (benchmarks/searchgen.py), against the target of issue 14: under 60 s each on
2 cores. Each story is searched in a fresh process, three times; the median is reported. Writes
benchmarks/search.md.

    .venv/bin/python benchmarks/search_bench.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_S = 60.0
ROUNDS = 3

PROBE = """
import json, sys, time
from pathlib import Path
from game.cli.common import load_for_tool
from game.tools.search import explore
folder, story = load_for_tool(sys.argv[1])
began = time.perf_counter()
result = explore(story)
seconds = time.perf_counter() - began
print(json.dumps({
    "seconds": seconds, "states": result.states, "complete": not result.capped, "loops_proved": result.loops_proved,
    "endings": f"{sum(f.confirmed for f in result.endings.values())} of {len(story.endings)}",
    "shortest": sum(f.shortest for f in result.endings.values()),
    "problems": len(result.soft_locks) + len(result.traps),
}))
"""


def measure(target: str) -> dict[str, object]:
    runs = []
    for _ in range(ROUNDS):
        done = subprocess.run([sys.executable, "-c", PROBE, target], capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout))
    result = runs[0] | {"seconds": statistics.median(run["seconds"] for run in runs)}
    return result


def main() -> None:
    from benchmarks.searchgen import author_story

    with tempfile.TemporaryDirectory() as scratch:
        author = str(author_story(Path(scratch) / "author"))
        rows = {
            name: measure(target)
            for name, target in (
                ("grand_illusion", "grand_illusion"),
                ("captured", "captured"),
                ("author (25 scenes, 20 variables)", author),
            )
        }
    lines = [
        "# Exhaustive search",
        "",
        f"`escape playtest STORY --exhaustive`, median of {ROUNDS} fresh processes; target under {TARGET_S:.0f} s each.",
        "",
        "| story | seconds | states | complete | loops proved | endings confirmed | shortest proved | problems | target |",
        "|---|---:|---:|---|---|---|---:|---:|---|",
    ]
    for name, row in rows.items():
        met = "met" if row["complete"] and float(row["seconds"]) < TARGET_S else "NOT met"  # type: ignore[arg-type]
        lines.append(
            f"| {name} | {float(row['seconds']):.1f} | {row['states']:,} | {row['complete']} | {row['loops_proved']} | "  # type: ignore[arg-type]
            f"{row['endings']} | {row['shortest']} | {row['problems']} | {met} |"
        )
    (HERE / "search.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
