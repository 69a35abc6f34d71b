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
from game.compiler.checker import did_you_mean
from game.compiler.loader import load_story
from game.engine.replay import replay
from game.errors import EscapeError, SaveError
from game.i18n import N_, _, ngettext, number, pgettext
from game.model import Story
from game.saves.files import (
    MAX_SAVE_BYTES,
    NAMED,
    UNRECORDED,
    Header,
    parse_save,
    read_save,
    save_game,
    save_path,
    save_text,
)
from game.tools.abstraction import Abstraction
from game.tools.coverage import TextCoverage, probed, text_coverage
from game.tools.output import Folder, OutputError, check_file, shown_path, write_file
from game.tools.playtest import Coverage, random_runs
from game.tools.policies import DEFAULT, POLICIES
from game.tools.search import Exploration, Finding, explore, find_seed


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
        runs = ngettext("{done}/{total} runs", "{done}/{total} runs", self.total).format(done=done, total=self.total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {runs}")
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _save_path_for(story: Story, seed: int, path: list[tuple[str, str]], folder: Path, name: str) -> Path:
    """A replay of a failing run in the saves folder (replacing only a readable save of that name)."""
    game, _divergence = replay(story, seed, path)
    return save_game(game, folder, name, check_existing=True)


def _check_outputs(out: str | None, walkthroughs: str | None, force: bool) -> None:
    """Refuse, before any run, a --out file or a --write-walkthroughs folder that could not be written."""
    if out is not None:
        check_file(out, force=force, option="--out")
    if walkthroughs == "":
        raise OutputError(_("--write-walkthroughs: the folder name is empty; name a folder; nothing was written"))
    if walkthroughs is not None and os.path.lexists(walkthroughs) and not os.path.isdir(walkthroughs):
        raise OutputError(
            _(
                "--write-walkthroughs {path}: not a folder; name the folder the walkthroughs go to (made if "
                "missing); nothing was written"
            ).format(path=shown_path(walkthroughs))
        )


def run(args: argparse.Namespace) -> int:
    if args.reach is not None:
        args.exhaustive = True  # reaching is a question for the complete search
    if args.exhaustive:
        given = {"--runs": args.runs is not None, "--policy": bool(args.policy), "--uniform": args.uniform}
        if any(given.values()):
            named = [o for o, v in given.items() if v]
            options = named[0]
            for option in named[1:]:
                options = _("{first} and {last}").format(first=options, last=option)
            raise EscapeError(
                _("{options}: only for random runs; --exhaustive explores every state (leave it out)").format(
                    options=options
                )
            )
        return run_exhaustive(
            args.story,
            args.cap,
            args.json,
            args.write_walkthroughs,
            args.reach,
            args.coverage,
            saves_dir(args.saves),
            args.force,
        )
    runs = 1000 if args.runs is None else args.runs
    if runs < 1 or args.jobs < 1:
        raise EscapeError(_("--runs and --jobs must be 1 or more"))
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
        args.coverage,
        args.force,
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
    text: bool = False,
    force: bool = False,
) -> int:
    """`runs` seeded runs (seeds `seed`...) of each policy; the top-level report counts them all. `text`:
    also the text coverage of the first policy's runs. `force`: replace the `out` file, and files in the
    walkthroughs' places that are not walkthroughs of this story."""
    _check_outputs(out, walkthroughs, force)
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
    shown = []  # (problem, replay, what went wrong as a person reads it): up to 20 in all, shared among the policies
    for policy in names:
        for problem in per_policy[policy].problems[: max(5, 20 // len(names))]:
            label = f"playtest-{problem.kind}-{problem.seed}"
            if len(names) > 1:
                label = f"playtest-{policy}-{problem.kind}-{problem.seed}"
            written = _save_path_for(story, problem.seed, problem.path, Path(saves), label)
            shown.append((problem.as_dict(), str(written), problem.text()))
    report["replays"] = [path for _problem, path, _text in shown]
    report["walkthroughs"], missing = [], []
    if walkthroughs:
        report["walkthroughs"], report["walkthroughs_removed"] = _write_walkthroughs(
            story, dict(coverage.shortest), Path(walkthroughs), force
        )
        missing = report["endings_without_walkthrough"] = [e for e in story.endings if e not in coverage.shortest]
    found = None
    if text:
        probed_story, probes, game = probed(folder)
        random_runs(probed_story, range(seed, seed + runs), policy=names[0], game=game)
        found = text_coverage(probed_story, probes, game)
        report["text_coverage"] = found.as_dict()
    if out is not None:
        write_file(out, json.dumps(report, indent=1) + "\n", force=force, option="--out")
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        _print_random(story, report, folder, shown)
        if found is not None:
            by = ngettext("{count} {policy} runs", "{count} {policy} runs", runs).format(count=runs, policy=names[0])
            _print_text_coverage(found, by, proved=False)
        for ending in missing:
            print(_("no walkthrough for '{ending}': no run reached it").format(ending=ending))
    return 1 if coverage.problems or missing else 0


# the kinds of ending, as the report names them (translated where shown; a kind the game does not know as it is)
ENDING_KINDS = {"good": N_("good"), "bad": N_("bad"), "bittersweet": N_("bittersweet"), "neutral": N_("neutral")}


def _print_text_coverage(found: TextCoverage, by: str, proved: bool) -> None:
    """What the runs or the search never showed, place by place."""
    unseen = found.unseen
    places = len(found.shown)
    print(
        ngettext(
            "Text coverage ({by}): {count} of {total} places shown",
            "Text coverage ({by}): {count} of {total} places shown",
            places - len(unseen),
        ).format(by=by, count=places - len(unseen), total=places)
    )
    if unseen:
        print("  " + (_("never shown (proved: no run can show them):") if proved else _("never shown:")))
        for place in unseen[:40]:
            print(f"    {place.shown()}")
        if len(unseen) > 40:
            more = len(unseen) - 40
            print(
                "    "
                + ngettext(
                    "... and {count} more (--json lists them all)", "... and {count} more (--json lists them all)", more
                ).format(count=more)
            )


def _reached(what: str, reached: int, total: int) -> str:
    """The count of the scenes, choices or endings reached: "Scenes: 6 of 7 reached"."""
    if what == "scenes":
        message = ngettext("Scenes: {count} of {total} reached", "Scenes: {count} of {total} reached", reached)
    elif what == "choices":
        message = ngettext("Choices: {count} of {total} reached", "Choices: {count} of {total} reached", reached)
    else:
        message = ngettext("Endings: {count} of {total} reached", "Endings: {count} of {total} reached", reached)
    return message.format(count=reached, total=total)


def _never_reached(what: str, names: list[str], proved: bool = False) -> str:
    """The line under a count of scenes, choices or endings that names those never reached (the context
    tells a translator which: the words agree with them)."""
    listed = ", ".join(names)
    if what == "choices":  # only random runs miss choices: nothing is proved
        said = pgettext("choices", "never reached: {names}")
    elif what == "scenes" and proved:
        said = pgettext("scenes", "never reached (proved): {names}")
    elif what == "scenes":
        said = pgettext("scenes", "never reached: {names}")
    elif proved:
        said = pgettext("endings", "never reached (proved): {names}")
    else:
        said = pgettext("endings", "never reached: {names}")
    return "  " + said.format(names=listed)


def _print_random(
    story: Story, report: dict, folder: Path | None = None, shown: list[tuple[dict, str, str]] | None = None
) -> None:
    def line(what: str, table: dict, missed: list) -> None:
        print(_reached(what, len(table) - len(missed), len(table)))
        if missed:
            print(_never_reached(what, missed))

    policies = report.get("policies", {})
    several = len(policies) > 1
    runs = ngettext("{count} runs", "{count} runs", report["runs"]).format(count=report["runs"])
    if several:
        runs = _("{runs} ({each} each of {policies})").format(
            runs=runs, each=next(iter(policies.values()))["runs"], policies=", ".join(policies)
        )
    choices = ngettext("{count} choices", "{count} choices", report["steps"]).format(count=report["steps"])
    print(
        _("{title}: {runs}, {choices} in {seconds} s ({rate} runs/s)").format(
            title=story.title, runs=runs, choices=choices, seconds=report["seconds"], rate=report["runs_per_second"]
        )
    )
    line("scenes", report["scenes"], report["scenes_missed"])
    line("choices", report["choices"], report["choices_missed"])
    line("endings", report["endings"], report["endings_missed"])
    print(
        ngettext(
            "Routes: {count} taken by at least 1% of runs (each a different order of ruling endings out)",
            "Routes: {count} taken by at least 1% of runs (each a different order of ruling endings out)",
            report["routes"],
        ).format(count=report["routes"])
    )
    if several:
        _print_policies(story, policies)
    else:
        for ending, count in report["endings"].items():
            print(f"  {ending}: {count}")
    problems = report["problems"]
    print(_("Problems: {count}").format(count=len(problems)))
    if shown is None:
        shown = [
            (problem, path, problem["message"]) for problem, path in zip(problems, report["replays"], strict=False)
        ]
    for problem, path, message in shown:
        steps = ngettext("{count} choices", "{count} choices", len(problem["path"])).format(count=len(problem["path"]))
        if several:
            said = _("{kind} in scene '{scene}' ({policy}, seed {seed}, {choices}): {message}")
        else:
            said = _("{kind} in scene '{scene}' (seed {seed}, {choices}): {message}")
        print(
            "  "
            + said.format(
                kind=problem["kind"],
                scene=problem["scene"],
                policy=problem["policy"],
                seed=problem["seed"],
                choices=steps,
                message=message,
            )
        )
        bundled = folder is not None and folder.resolve().parent == scenes_root().resolve()
        where = "" if bundled or folder is None else f" --story {shown_path(folder)}"
        print(f"    escape replay {shown_path(path)}{where}")
    for path in report["walkthroughs"]:
        print(_("wrote {path}").format(path=shown_path(path)))


def _kind_words(kind: str, canon: bool) -> str:
    """An ending's kind as the table names it: "good", "good, canon"."""
    word = _(ENDING_KINDS[kind]) if kind in ENDING_KINDS else kind
    return _("{kind}, canon").format(kind=word) if canon else word


def _print_policies(story: Story, policies: dict[str, dict]) -> None:
    """The endings per policy: a row per ending (with its kind), a column per policy, counts and shares
    of that policy's runs; then problems, scenes missed and the mean length of a run."""

    def share(count: int, runs: int) -> str:
        return f"{count} {100 * count / runs:5.1f}%" if runs else "0"

    kinds = {e.id: _kind_words(e.kind, e.canon) for e in story.endings.values()}
    rows: list[tuple[str, str, list[str]]] = [
        (ending, kind, [share(p["endings"][ending], p["runs"]) for p in policies.values()])
        for ending, kind in kinds.items()
    ]
    rows.append((_("problems"), "", [share(p["problems"], p["runs"]) for p in policies.values()]))
    rows.append((_("scenes missed"), "", [str(len(p["scenes_missed"])) for p in policies.values()]))
    rows.append((_("choices a run"), "", [f"{p['steps'] / max(1, p['runs']):.1f}" for p in policies.values()]))
    ending_header, kind_header = _("ending"), _("kind")
    first = max(len(ending_header), *(len(r[0]) for r in rows))
    second = max(len(kind_header), *(len(r[1]) for r in rows))
    widths = [max(len(name), *(len(r[2][i]) for r in rows)) for i, name in enumerate(policies)]
    print(_("Endings by policy (share of that policy's runs):"))
    header = [name.rjust(w) for name, w in zip(policies, widths, strict=True)]
    print(f"  {ending_header.ljust(first)}  {kind_header.ljust(second)}  " + "  ".join(header))
    for label, kind, cells in rows:
        values = "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
        print(f"  {label.ljust(first)}  {kind.ljust(second)}  {values}")


def run_exhaustive(
    name: str,
    cap: int = 100_000,
    as_json: bool = False,
    walkthroughs: str | None = None,
    reach: str | None = None,
    text: bool = False,
    saves: str = "saves",
    force: bool = False,
) -> int:
    _check_outputs(None, walkthroughs, force)
    folder, story = load_for_tool(name)
    watching = None
    if text:
        story, probes, watching = probed(folder)
    if reach is not None and reach not in story.scenes and reach not in story.endings:
        message = _("--reach: '{target}' is no scene or ending of '{story}'").format(target=reach, story=story.id)
        raise EscapeError(message + did_you_mean(reach, [*story.scenes, *story.endings]))
    if sys.stderr.isatty():  # the search prints nothing until it is done: say it has started
        sys.stderr.write(
            _("Searching every state of {title} (at most {cap:,})...").format(title=story.title, cap=cap) + "\n"
        )
    began = time.perf_counter()
    result = explore(story, cap, game=watching, text=watching is not None)
    report = _search_report(story, result, time.perf_counter() - began)
    found = None
    if watching is not None:
        found = text_coverage(story, probes, watching)
        report["text_coverage"] = found.as_dict()
    failed = report["soft_locks"] or report["traps"] or (report["endings_unreached"] and not result.capped)
    if reach is not None:
        report["reach"] = _reach(story, result, reach, Path(walkthroughs) if walkthroughs else Path(saves))
        failed = not report["reach"].get("walkthrough")
    elif walkthroughs:
        paths = {}
        for ending, finding in result.endings.items():
            seed = find_seed(story, finding.choices, ending) if finding.confirmed else None
            if seed is not None:
                paths[ending] = (seed, finding.choices)
        report["walkthroughs"], report["walkthroughs_removed"] = _write_walkthroughs(
            story, paths, Path(walkthroughs), force
        )
        report["endings_without_walkthrough"] = [e for e in story.endings if e not in paths]
        failed = failed or bool(report["endings_without_walkthrough"])
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        _print_search(story, report)
        if found is not None:
            by = _("the complete search") if not result.capped else _("the search, stopped at the cap")
            _print_text_coverage(found, by, proved=not result.capped)
    return 1 if failed else 0


def _steps(path: list[tuple[str, str, str | None]]) -> list[list[str]]:
    return [[scene, choice] + ([outcome] if outcome else []) for scene, choice, outcome in path]


def _search_report(story: Story, result: Exploration, seconds: float) -> dict[str, Any]:
    shape = result.abstraction
    return {
        "story": story.id,
        "states": result.states,
        "capped": result.capped,
        "complete": not result.capped,
        "seconds": round(seconds, 3),
        "regions": _regions(shape) if shape else {},
        "scenes_missed": [s for s in story.scenes if s not in result.scenes],
        "endings": {e: _finding(f) for e, f in result.endings.items()},
        "scenes": {s: _finding(f) for s, f in result.scenes.items()},
        "shortest": {e: [list(p) for p in path] for e, path in result.shortest.items()},
        "endings_unreached": [e for e in story.endings if e not in result.endings],
        "soft_locks": [{"scene": f.scene, "path": _steps(f.path), "confirmed": f.confirmed} for f in result.soft_locks],
        "traps": [{"scene": f.scene, "path": _steps(f.path), "confirmed": f.confirmed} for f in result.traps],
        "loops_proved": result.loops_proved,
        "loop_states": result.loop_states,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {"path": _steps(finding.path), "confirmed": finding.confirmed, "shortest": finding.shortest}


def _regions(shape: Abstraction) -> dict[str, list[list[int]]]:
    """Each abstracted number's regions, as [first, last] values."""
    return {
        name: [[start, end - 1] for start, end in zip(starts, [*starts[1:], shape.highest[name] + 1], strict=True)]
        for name, starts in shape.regions.items()
    }


def _reach(story: Story, result: Exploration, target: str, folder: Path) -> dict[str, Any]:
    """The shortest path to a scene or an ending, written as a replayable walkthrough; or why there is none."""
    ending = target if target in story.endings else None
    finding = result.endings.get(target) if ending else result.scenes.get(target)
    if finding is None:
        return {"target": target, "reached": False, "proved": not result.capped}
    path = finding.path
    choices = [(scene, choice) for scene, choice, _outcome in path]
    found = {"target": target, "reached": True, "path": _steps(path), "walkthrough": None}
    for seed in range(20_000):
        game, divergence = replay(story, seed, choices)
        arrived = game.run.ending == ending if ending else game.run.scene == target
        if divergence is None and arrived:
            found["walkthrough"] = str(save_game(game, folder, f"reach-{target}", check_existing=True))
            found["seed"] = seed
            break
    return found


def _write_walkthroughs(
    story: Story, paths: dict[str, tuple[int, list[tuple[str, str]]]], folder: Path, force: bool = False
) -> tuple[list[str], list[str]]:
    """One walkthrough per ending (the file named after it), and the earlier walkthroughs of this story in
    the folder that no ending wrote this time removed (only readable saves of this story are removed).

    A walkthrough replaces a readable save of this story; anything else in its place (a damaged or foreign
    file) only with `force`, and a link, folder or special file never. Every place is checked before the
    first is written, and nothing is written through a link."""
    texts = {}
    for ending, (seed, path) in paths.items():
        game, _divergence = replay(story, seed, path)
        texts[save_path(folder, story.id, ending).name] = save_text(game, Header(ending, NAMED, UNRECORDED))
    out = Folder.open(folder, create=True)
    try:
        for name in texts:
            if out.check(name, force=True):  # a regular file: is it a walkthrough of this story?
                _replaceable(out, name, story, force)
        written = [str(out.write(name, text, force=True)) for name, text in texts.items()]
    except BaseException:
        out.undo()
        raise
    finally:
        out.close()
    removed = []
    for old in sorted(folder.glob(f"{story.id}--*.json")) if folder.is_dir() else []:
        if str(old) in written or old.is_symlink():
            continue
        try:
            data = read_save(old)
        except SaveError:
            continue
        if data["story"] == story.id and data["name"] in story.endings:
            old.unlink()
            removed.append(str(old))
    return written, removed


def _replaceable(folder: Folder, name: str, story: Story, force: bool) -> None:
    """Refuse (unless `force`) to replace a file that is not a readable save of this story."""
    path = folder.path / name
    try:
        data = parse_save(folder.read(name, MAX_SAVE_BYTES) or b"", path)
        if data["story"] == story.id:
            return
        reason = _("a save of '{story}'").format(story=shown_path(data["story"]))
    except SaveError as err:
        reason = str(err).removeprefix(f"{path}: ")
    if not force:
        raise OutputError(
            _(
                "{path} is in the place of a walkthrough and is not a walkthrough of '{story}' ({reason}); "
                "move it away, or add --force to replace it; nothing was written"
            ).format(path=shown_path(path), story=story.id, reason=reason)
        )


def _path_words(found: dict[str, Any]) -> str:
    """How a finding's path reads in the report."""
    length = len(found["path"])
    if not found["confirmed"]:
        message = ngettext(
            "no real run found to confirm it (the search's path of {count} choices does not replay: check it)",
            "no real run found to confirm it (the search's path of {count} choices does not replay: check it)",
            length,
        )
    elif found["shortest"]:
        message = ngettext("shortest path {count} choices", "shortest path {count} choices", length)
    else:
        message = ngettext(
            "a real path of {count} choices (a shorter one may exist)",
            "a real path of {count} choices (a shorter one may exist)",
            length,
        )
    return message.format(count=length)


def _print_search(story: Story, report: dict[str, Any]) -> None:
    states, seconds = number(report["states"]), report["seconds"]
    if report["capped"]:
        print(
            ngettext(
                "{title}: STOPPED at the cap of {states} states after {seconds} s: the search is not complete. "
                "Scenes and endings not reached may still be reachable, and soft-locks and loops beyond the cap "
                "are not known (raise --cap).",
                "{title}: STOPPED at the cap of {states} states after {seconds} s: the search is not complete. "
                "Scenes and endings not reached may still be reachable, and soft-locks and loops beyond the cap "
                "are not known (raise --cap).",
                report["states"],
            ).format(title=story.title, states=states, seconds=seconds)
        )
    else:
        print(
            ngettext(
                "{title}: complete search, {states} states in {seconds} s.",
                "{title}: complete search, {states} states in {seconds} s.",
                report["states"],
            ).format(title=story.title, states=states, seconds=seconds)
        )
    if report["regions"]:
        kept = ", ".join(
            f"{name} " + "|".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)
            for name, spans in report["regions"].items()
        )
        print("  " + _("numbers kept by region: {regions}").format(regions=kept))
    proved = not report["capped"]
    reached = len(story.endings) - len(report["endings_unreached"])
    print(_reached("endings", reached, len(story.endings)))
    for ending, found in report["endings"].items():
        print(f"  {ending}: {_path_words(found)}")
    if report["endings_unreached"]:
        print(_never_reached("endings", report["endings_unreached"], proved))
    missed = report["scenes_missed"]
    print(_reached("scenes", len(story.scenes) - len(missed), len(story.scenes)))
    for scene, found in report["scenes"].items():
        if not found["confirmed"]:
            print(f"  {scene}: {_path_words(found)}")
    if missed:
        print(_never_reached("scenes", missed, proved))
    none = _("none (proved)") if proved else _("none")
    print(_("Soft-locks: {found}").format(found=len(report["soft_locks"]) or none))
    _print_places(report["soft_locks"])
    if report["capped"]:
        print(_("Loops with no way to an ending: not known (the search stopped at the cap)"))
    else:
        if not report["loops_proved"]:
            none = ngettext(
                "none found (not a proof: the search of the loops stopped at the cap of {states} states)",
                "none found (not a proof: the search of the loops stopped at the cap of {states} states)",
                report["states"],
            ).format(states=states)
        print(_("Loops with no way to an ending: {found}").format(found=len(report["traps"]) or none))
        _print_places(report["traps"])
    reach = report.get("reach")
    if reach is not None:
        target = reach["target"]
        if not reach["reached"]:
            if reach["proved"]:
                how = _("no run can reach it: the complete search never gets there")
            else:
                how = _("not reached within the cap: not proved unreachable")
            print(_("--reach {target}: {how}").format(target=target, how=how))
        elif reach["walkthrough"]:
            print(
                ngettext(
                    "--reach {target}: {count} choices; wrote {path}",
                    "--reach {target}: {count} choices; wrote {path}",
                    len(reach["path"]),
                ).format(target=target, count=len(reach["path"]), path=shown_path(reach["walkthrough"]))
            )
        else:
            print(
                ngettext(
                    "--reach {target}: found in {count} choices, but no seed under 20,000 replays that path in the "
                    "real game",
                    "--reach {target}: found in {count} choices, but no seed under 20,000 replays that path in the "
                    "real game",
                    len(reach["path"]),
                ).format(target=target, count=len(reach["path"]))
            )
    for path in report.get("walkthroughs", []):
        print(_("wrote {path}").format(path=shown_path(path)))
    for path in report.get("walkthroughs_removed", []):
        print(_("removed {path} (an ending this search did not write)").format(path=shown_path(path)))
    for ending in report.get("endings_without_walkthrough", []):
        print(_("no walkthrough for '{ending}': no confirmed path with a seed that follows it").format(ending=ending))


def _print_places(found: list[dict[str, Any]]) -> None:
    """The first soft-locks or traps the search found: the scene, and the choices that lead there."""
    for item in found[:10]:
        path = " ".join(".".join(s[:2]) for s in item["path"])
        if item["confirmed"]:
            said = _("in scene '{scene}' after: {path}")
        else:
            said = _("in scene '{scene}' (not confirmed: the path does not replay in the real game) after: {path}")
        print("  " + said.format(scene=item["scene"], path=path))
