"""`escape playtest`: random and exhaustive playtests of a story, with a report and replayable failures."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from game.cli import saves_dir
from game.cli.common import load_for_tool
from game.compiler.bundled import scenes_root
from game.compiler.loader import load_story
from game.engine.replay import replay
from game.errors import EscapeError
from game.model import Story
from game.saves.files import save_game
from game.tools.playtest import Coverage, explore, find_seed, random_runs
from game.tools.policies import DEFAULT, POLICIES


def _chunk(folder: str, start: int, stop: int, policy: str) -> Coverage:
    return random_runs(load_story(folder), range(start, stop), policy=policy)


class Progress:
    """A one-line progress bar on stderr, drawn only for a terminal."""

    def __init__(self, total: int):
        self.total = total
        self.enabled = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done < self.total):
            return
        self.last = now
        width = 30
        filled = width * done // max(1, self.total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} runs")
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _save_path_for(story: Story, seed: int, path: list[tuple[str, str]], folder: Path, name: str) -> Path:
    game, _ = replay(story, seed, path)
    return save_game(game, folder, name, check_existing=False)


def run(args: argparse.Namespace) -> int:
    if args.exhaustive:
        given = {"--runs": args.runs is not None, "--policy": bool(args.policy), "--uniform": args.uniform}
        if any(given.values()):
            named = " and ".join(o for o, v in given.items() if v)
            raise EscapeError(f"{named}: only for random runs; --exhaustive explores every state (leave it out)")
        return run_exhaustive(args.story, args.cap, args.json, args.write_walkthroughs)
    runs = 1000 if args.runs is None else args.runs
    if runs < 1 or args.jobs < 1:
        raise EscapeError("--runs and --jobs must be 1 or more")
    return run_playtest(
        args.story,
        runs,
        args.seed,
        args.jobs,
        args.json,
        args.uniform,
        saves_dir(args.saves),
        args.out,
        args.write_walkthroughs,
        args.policy,
    )


def policy_names(given: Sequence[str] | None, uniform: bool = False) -> list[str]:
    """The policies to run, in the order of `POLICIES`: those named (`all`: every one; `uniform` adds
    uniform), or the default."""
    wanted = set(given or ()) | ({"uniform"} if uniform else set())
    if "all" in wanted:
        return list(POLICIES)
    return [name for name in POLICIES if name in wanted] or [DEFAULT]


def run_playtest(
    name: str,
    runs: int = 1000,
    seed: int = 0,
    jobs: int = 1,
    as_json: bool = False,
    uniform: bool = False,
    saves: str = "saves",
    out: str | None = None,
    walkthroughs: str | None = None,
    policies: Sequence[str] | None = None,
) -> int:
    """`runs` seeded runs (seeds `seed`...) of each policy; the top-level report counts them all."""
    folder, story = load_for_tool(name)
    names = policy_names(policies, uniform)
    progress = Progress(runs * len(names))
    began = time.perf_counter()
    per_policy = {policy: Coverage() for policy in names}
    jobs = max(1, min(jobs, os.cpu_count() or 1, runs))
    if jobs == 1:
        for i, policy in enumerate(names):
            done = runs * i
            per_policy[policy] = random_runs(
                story, range(seed, seed + runs), progress=lambda n, done=done: progress(done + n), policy=policy
            )
    else:
        bounds = [seed + runs * i // jobs for i in range(jobs + 1)]
        with ProcessPoolExecutor(jobs) as pool:
            futures = [
                (policy, pool.submit(_chunk, str(folder), a, b, policy))
                for policy in names
                for a, b in zip(bounds, bounds[1:], strict=False)
            ]
            for policy, future in futures:
                per_policy[policy].merge(future.result())
                progress(sum(c.runs for c in per_policy.values()))
    coverage = Coverage()
    for policy in names:
        coverage.merge(per_policy[policy])
    elapsed = time.perf_counter() - began
    report = coverage.report(story)
    report["seconds"] = round(elapsed, 3)
    report["runs_per_second"] = round(coverage.runs / elapsed, 1) if elapsed else None
    report["policies"] = {policy: per_policy[policy].summary(story) for policy in names}
    shown = []  # (problem, replay): up to 20 in all, shared among the policies
    for policy in names:
        for problem in per_policy[policy].problems[: max(5, 20 // len(names))]:
            label = f"playtest-{problem.kind}-{problem.seed}"
            if len(names) > 1:
                label = f"playtest-{policy}-{problem.kind}-{problem.seed}"
            written = _save_path_for(story, problem.seed, problem.path, Path(saves), label)
            shown.append((problem.as_dict(), str(written)))
    report["replays"] = [path for _, path in shown]
    report["walkthroughs"] = []
    if walkthroughs:
        for ending, (run_seed, path) in coverage.shortest.items():
            report["walkthroughs"].append(str(_save_path_for(story, run_seed, path, Path(walkthroughs), ending)))
    if out:
        Path(out).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        _print_random(story, report, folder, shown)
    return 1 if coverage.problems else 0


def _print_random(
    story: Story, report: dict, folder: Path | None = None, shown: list[tuple[dict, str]] | None = None
) -> None:
    def line(what: str, table: dict, missed: list) -> None:
        print(f"{what}: {len(table) - len(missed)} of {len(table)} reached")
        if missed:
            print("  never reached: " + ", ".join(missed))

    policies = report.get("policies", {})
    several = len(policies) > 1
    each = f" ({next(iter(policies.values()))['runs']} each of {', '.join(policies)})" if several else ""
    print(
        f"{story.title}: {report['runs']} runs{each}, {report['steps']} choices in {report['seconds']} s "
        f"({report['runs_per_second']} runs/s)"
    )
    line("Scenes", report["scenes"], report["scenes_missed"])
    line("Choices", report["choices"], report["choices_missed"])
    line("Endings", report["endings"], report["endings_missed"])
    if several:
        _print_policies(story, policies)
    else:
        for ending, count in report["endings"].items():
            print(f"  {ending}: {count}")
    problems = report["problems"]
    print(f"Problems: {len(problems)}")
    if shown is None:
        shown = list(zip(problems, report["replays"], strict=False))
    for problem, path in shown:
        policy = f"{problem['policy']}, " if several else ""
        print(
            f"  {problem['kind']} in scene '{problem['scene']}' ({policy}seed {problem['seed']}, "
            f"{len(problem['path'])} choices): {problem['message']}"
        )
        bundled = folder is not None and folder.resolve().parent == scenes_root().resolve()
        print(f"    escape replay {path}" + ("" if bundled or folder is None else f" --story {folder}"))
    for path in report["walkthroughs"]:
        print(f"wrote {path}")


def _print_policies(story: Story, policies: dict[str, dict]) -> None:
    """The endings per policy: a row per ending (with its kind), a column per policy, counts and shares
    of that policy's runs; then problems, scenes missed and the mean length of a run."""

    def share(count: int, runs: int) -> str:
        return f"{count} {100 * count / runs:5.1f}%" if runs else "0"

    kinds = {e.id: e.kind + (", canon" if e.canon else "") for e in story.endings.values()}
    rows: list[tuple[str, str, list[str]]] = [
        (ending, kind, [share(p["endings"][ending], p["runs"]) for p in policies.values()])
        for ending, kind in kinds.items()
    ]
    rows.append(("problems", "", [share(p["problems"], p["runs"]) for p in policies.values()]))
    rows.append(("scenes missed", "", [str(len(p["scenes_missed"])) for p in policies.values()]))
    rows.append(("choices a run", "", [f"{p['steps'] / max(1, p['runs']):.1f}" for p in policies.values()]))
    first = max(len(r[0]) for r in rows)
    second = max(len("kind"), *(len(r[1]) for r in rows))
    widths = [max(len(name), *(len(r[2][i]) for r in rows)) for i, name in enumerate(policies)]
    print("Endings by policy (share of that policy's runs):")
    header = [name.rjust(w) for name, w in zip(policies, widths, strict=True)]
    print(f"  {'ending'.ljust(first)}  {'kind'.ljust(second)}  " + "  ".join(header))
    for label, kind, cells in rows:
        values = "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
        print(f"  {label.ljust(first)}  {kind.ljust(second)}  {values}")


def run_exhaustive(name: str, cap: int = 200_000, as_json: bool = False, walkthroughs: str | None = None) -> int:
    _, story = load_for_tool(name)
    began = time.perf_counter()
    result = explore(story, cap)
    elapsed = time.perf_counter() - began
    unreachable = [e for e in story.endings if e not in result.shortest]
    report: dict[str, Any] = {
        "story": story.id,
        "states": result.states,
        "capped": result.capped,
        "seconds": round(elapsed, 3),
        "scenes_missed": [s for s in story.scenes if s not in result.scenes],
        "shortest": {e: [list(p) for p in path] for e, path in result.shortest.items()},
        "endings_unreached": unreachable,
        "soft_locks": [{"scene": s, "path": [list(p) for p in path]} for s, path in result.soft_locks[:50]],
        "traps": [{"scene": s, "path": [list(p) for p in path]} for s, path in result.traps[:50]],
    }
    written, unseeded = [], []
    if walkthroughs:
        folder = Path(walkthroughs)
        for ending, path in result.shortest.items():
            seed = find_seed(story, path, ending)
            if seed is None:
                unseeded.append(ending)
            else:
                written.append(str(_save_path_for(story, seed, path, folder, ending)))
    report["walkthroughs"] = written
    report["walkthroughs_without_seed"] = unseeded
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        cap_note = f" (stopped at the cap of {cap:,}: raise --cap to see more)" if result.capped else ""
        print(f"{story.title}: {result.states:,} states explored in {report['seconds']} s{cap_note}")
        for ending in story.endings:
            if ending in result.shortest:
                print(f"  {ending}: shortest path {len(result.shortest[ending])} choices")
        if unreachable:
            print("Endings not reached: " + ", ".join(unreachable))
        if report["scenes_missed"]:
            print("Scenes not reached: " + ", ".join(report["scenes_missed"]))
        print(f"Soft-locks: {len(result.soft_locks)}")
        for lock in report["soft_locks"][:10]:
            print(f"  in scene '{lock['scene']}' after: " + " ".join(f"{s}.{c}" for s, c in lock["path"]))
        if not result.capped:
            print(f"Loops with no way to an ending: {len(result.traps)}")
            for trap in report["traps"][:10]:
                print(f"  from scene '{trap['scene']}' after: " + " ".join(f"{s}.{c}" for s, c in trap["path"]))
        for written_path in written:
            print(f"wrote {written_path}")
        for ending in unseeded:
            print(f"no seed under 20,000 follows the shortest path to '{ending}'; no walkthrough written")
    failed = bool(result.soft_locks) or bool(result.traps) or (bool(unreachable) and not result.capped)
    return 1 if failed else 0
