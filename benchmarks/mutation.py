"""`make mutate`: mutation testing of the engine, the run state, the expression language and the save reader.

Runs mutmut (configured in pyproject.toml: which modules, which tests), then writes benchmarks/mutation.md:
the share of mutants killed per module and in all, and every mutant that survived, each with the reason it
is equivalent (from benchmarks/mutation_equivalents.json: a function, a part of the line changed, and the
changed line when only one change of that line is equivalent; without it, every change of the line is).
Exits 1 if
fewer than 85% of the mutants are killed or if a survivor has no reason: it then needs a test.

  python benchmarks/mutation.py            # run, then report
  python benchmarks/mutation.py --report   # report on the last run only
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MUTMUT = Path(sys.executable).with_name("mutmut")
EQUIVALENTS = HERE / "mutation_equivalents.json"
REPORT = HERE / "mutation.md"
TARGET = 0.85
KILLED = {"killed", "timeout"}  # a mutant that makes the tests hang is caught too


def mutmut(*args: str) -> str:
    result = subprocess.run([str(MUTMUT), *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"mutmut {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def statuses() -> dict[str, str]:
    found = {}
    for line in mutmut("results", "--all", "true").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def function_of(mutant: str) -> str:
    """game.engine.game.xǁGameǁchoose__mutmut_3 -> game.engine.game.Game.choose"""
    module, _, mangled = mutant.rpartition(".")
    name = re.sub(r"__mutmut_\d+$", "", mangled).removeprefix("x_").removeprefix("xǁ").replace("ǁ", ".")
    return f"{module}.{name}"


def change_of(mutant: str) -> tuple[str, str]:
    """The line the mutant removed and the line it put instead."""
    diff = mutmut("show", mutant).splitlines()
    removed = [line[1:].strip() for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff if line.startswith("+") and not line.startswith("+++")]
    return " / ".join(removed), " / ".join(added)


def report() -> int:
    found = statuses()
    known = json.loads(EQUIVALENTS.read_text(encoding="utf-8")) if EQUIVALENTS.exists() else []
    by_module: dict[str, Counter] = defaultdict(Counter)
    for mutant, status in found.items():
        module = mutant.split(".x")[0]
        by_module[module]["total"] += 1
        by_module[module]["killed"] += status in KILLED
    survivors = []
    for mutant, status in sorted(found.items()):
        if status in KILLED:
            continue
        before, after = change_of(mutant)
        reason = next(
            (
                k["reason"]
                for k in known
                if k["function"] == function_of(mutant) and k["line"] in before and k.get("after", after) == after
            ),
            None,
        )
        survivors.append((mutant, status, before, after, reason))
    total = len(found)
    killed = sum(status in KILLED for status in found.values())
    score = killed / total if total else 0.0
    lines = [
        "# Mutation testing",
        "",
        "`make mutate` (mutmut, configured in pyproject.toml) changes the code of the engine, the run state, "
        "the expression language and the save reader one small edit at a time and runs the tests against "
        "each change. A change the tests notice is *killed*; one they do not notice *survived*: either a "
        "test is missing, or the change is equivalent (it cannot alter what the code does), and then the "
        "reason is given below.",
        "",
        f"**{killed} of {total} mutants killed: {score:.1%}** (target {TARGET:.0%}).",
        "",
        "| module | mutants | killed | share |",
        "|---|---|---|---|",
    ]
    for module, counts in sorted(by_module.items()):
        lines.append(
            f"| `{module}` | {counts['total']} | {counts['killed']} | {counts['killed'] / counts['total']:.1%} |"
        )
    lines += ["", "## Survivors", ""]
    if not survivors:
        lines.append("None.")
    for mutant, status, before, after, reason in survivors:
        lines.append(f"- `{function_of(mutant)}` ({status}): `{before}` → `{after}`")
        lines.append(f"  - {reason or '**no reason given: needs a test**'}")
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    unexplained = [s for s in survivors if s[4] is None]
    print(
        f"{killed} of {total} mutants killed ({score:.1%}); {len(survivors)} survived, "
        f"{len(unexplained)} without a reason. Report: {REPORT.relative_to(ROOT)}"
    )
    return 0 if score >= TARGET and not unexplained else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report", action="store_true", help="report on the last run only")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    options = parser.parse_args()
    if not options.report:
        subprocess.run(
            [str(MUTMUT), "run", "--max-children", str(options.jobs)],
            cwd=ROOT,
            env={**os.environ, "FUZZ_SEED": "1"},
            stdout=subprocess.DEVNULL,
            check=False,
        )
    return report()


if __name__ == "__main__":
    sys.exit(main())
