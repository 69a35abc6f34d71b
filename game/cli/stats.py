"""`escape stats`: words, choices, branching and reading time of a story, and what a typical run reads."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from game.cli.common import json_text, load_for_tool
from game.errors import EscapeError
from game.model.shown import shown
from game.tools.stats import WORDS_PER_MINUTE, RunStats, SceneStats, StoryStats, minutes, story_stats

NAME_WIDTH = 32  # longer chapter names and scene ids are cut to this in the tables
KIND_NAMES = {
    "text": "scene text",
    "choices": "choices",
    "disabled": "disabled texts",
    "outcomes": "outcomes",
    "ending": "ending titles",
}


def run(args: argparse.Namespace) -> int:
    if args.runs < 0:
        raise EscapeError("--runs must be 0 or more")
    _, story = load_for_tool(args.story)
    stats = story_stats(story, args.runs)
    if args.json:
        print(json_text(stats.as_dict()))
    else:
        print(shown("\n".join(report(stats, args.top)), None, multiline=True))
    return 0


def _duration(words: int) -> str:
    """A reading time as a person says it: "about 2 h 16 min", "about 7 min", "under a minute"."""
    total = round(minutes(words))
    if total < 1:
        return "under a minute"
    hours, mins = divmod(total, 60)
    return f"about {hours} h {mins} min" if hours else f"about {mins} min"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def _cut(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], text_columns: int = 1) -> list[str]:
    """The first `text_columns` columns aligned left, the numbers after them aligned right."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, *rows):
        cells = [
            cell.ljust(w) if i < text_columns else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def summary(stats: StoryStats) -> list[str]:
    """The totals: scenes, choices and branching, words, reading time."""
    average, widest = stats.branching()
    kinds = stats.words_by_kind()
    parts = ", ".join(f"{KIND_NAMES[kind]} {count:,}" for kind, count in kinds.items() if count)
    lines = [
        f"{stats.title} ({stats.id})",
        f"  Scenes    {len(stats.scenes):,} in {len(stats.chapters())} chapter{'s' * (len(stats.chapters()) != 1)}, "
        f"{stats.endings} ending{'s' * (stats.endings != 1)}",
        f"  Choices   {stats.choices:,}: {average:.1f} a scene on average (endings aside)"
        + (f", at most {widest.choices} ({widest.id})" if widest else ""),
        f"            {stats.gated:,} gated by 'if' ({_share(stats.gated, stats.choices)}), {stats.once:,} once-only",
        f"  Words     {stats.words:,}" + (f" ({parts})" if parts else ""),
        f"  Reading   the whole story: {_duration(stats.words)} at {WORDS_PER_MINUTE} words a minute",
    ]
    return lines + typical_run(stats)


def typical_run(stats: StoryStats) -> list[str]:
    runs = stats.runs
    if runs is None:
        return []
    seeds = "seed 0" if runs.runs == 1 else f"seeds 0-{runs.runs - 1}"
    ended = "every run reached an ending" if runs.ended == runs.runs else f"{runs.ended:,} reached an ending"
    words, choices, scenes = runs.words, runs.choices, runs.scenes
    return [
        f"  A run     {runs.runs:,} random run{'s' * (runs.runs != 1)} ({seeds}, as escape playtest --uniform); "
        + ended,
        f"            words read    median {words.median:,} ({_duration(words.median)}); "
        f"10th-90th percentile {words.p10:,}-{words.p90:,}",
        f"            choices made  median {choices.median:,}; 10th-90th percentile {choices.p10:,}-{choices.p90:,}",
        f"            scenes seen   median {scenes.median:,} of {len(stats.scenes):,}; "
        f"10th-90th percentile {scenes.p10:,}-{scenes.p90:,}",
        *_revisits(runs),
    ]


def _revisits(runs: RunStats) -> list[str]:
    """Scene text read on return visits, and the scenes where most of it is."""
    spread = runs.revisit_words
    lines = [
        f"            return visits median {spread.median:,} words of scene text; "
        f"10th-90th percentile {spread.p10:,}-{spread.p90:,}"
    ]
    most = [(scene, words) for scene, words in runs.revisit_scenes[:3] if words >= 1]
    if most:
        named = [f"{scene} ({words:,.0f}{' a run' if i == 0 else ''})" for i, (scene, words) in enumerate(most)]
        lines.append(f"                          most: {', '.join(named)}")
    return lines


def design_lines(stats: StoryStats) -> list[str]:
    """Choices with consequences, cosmetic scenes, and each shown meter: where it is read, which ways it moves."""
    found = stats.design
    if found is None:
        return []
    lines = [
        f"  Design    {found.with_consequences:,} of {found.choices:,} choices have consequences "
        f"({_share(found.with_consequences, found.choices)}): an effect, once-only, another destination, or chosen()",
        f"            {len(found.cosmetic):,} of {found.scenes:,} scenes are cosmetic (every choice the same)"
        + (
            f": {', '.join(found.cosmetic[:5])}" + (", ..." if len(found.cosmetic) > 5 else "")
            if found.cosmetic
            else ""
        ),
    ]
    for meter in found.meters:
        where = f"read in {len(meter.chapters)} chapter{'s' * (len(meter.chapters) != 1)}"
        lines.append(
            f"            meter {meter.label}: {where}; {meter.rises} effect{'s' * (meter.rises != 1)} raise it, "
            f"{meter.falls} lower it"
        )
    return lines


def chapters(stats: StoryStats) -> list[str]:
    rows = [(_cut(c.name or "(no chapter)"), f"{c.scenes:,}", f"{c.words:,}") for c in stats.chapters()]
    rows.append(("total", f"{len(stats.scenes):,}", f"{stats.words:,}"))
    return _table(("Chapter", "scenes", "words"), rows)


def top_scenes(stats: StoryStats, count: int) -> list[str]:
    shown: list[SceneStats] = stats.top(count)
    rows = [
        (_cut(s.id), _cut(s.chapter or "-"), f"{s.words:,}", "ending" if s.is_ending else f"{s.choices}") for s in shown
    ]
    lines = _table(("Longest scenes", "chapter", "words", "choices"), rows, text_columns=2)
    if len(shown) < len(stats.scenes):
        lines.append(f"({len(shown)} of {len(stats.scenes)} scenes; --top N shows more, --top 0 all)")
    return lines


def report(stats: StoryStats, top: int = 10) -> list[str]:
    """The human report: totals, chapters, then the scenes with the most words."""
    return [*summary(stats), *design_lines(stats), "", *chapters(stats), "", *top_scenes(stats, top)]
