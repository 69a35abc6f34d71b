"""`escape stats`: words, choices, branching and reading time of a story, and what a typical run reads."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from game.cli.common import json_text, load_for_tool
from game.errors import EscapeError
from game.i18n import N_, _, ngettext, number
from game.model.shown import shown
from game.tools.stats import WORDS_PER_MINUTE, RunStats, SceneStats, Spread, StoryStats, minutes, story_stats

NAME_WIDTH = 32  # longer chapter names and scene ids are cut to this in the tables
KIND_NAMES = {
    "text": N_("scene text"),
    "choices": N_("choices"),
    "disabled": N_("disabled texts"),
    "outcomes": N_("outcomes"),
    "ending": N_("ending titles"),
}
LABEL_WIDTH = 10  # the summary's labels ("Scenes", "A run") are padded to this at least
DETAIL_WIDTH = 14  # and the labels of a typical run's lines ("words read") to this


def run(args: argparse.Namespace) -> int:
    if args.runs < 0:
        raise EscapeError(_("--runs must be 0 or more"))
    _folder, story = load_for_tool(args.story)
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
        return _("under a minute")
    hours, mins = divmod(total, 60)
    if hours:
        return _("about {hours} h {minutes} min").format(hours=hours, minutes=mins)
    return _("about {minutes} min").format(minutes=mins)


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


def _labels() -> dict[str, str]:
    """The summary's labels, in the interface's language."""
    return {
        "scenes": _("Scenes"),
        "choices": _("Choices"),
        "words": _("Words"),
        "reading": _("Reading"),
        "run": _("A run"),
        "design": _("Design"),
    }


def _label_width() -> int:
    return max(LABEL_WIDTH, *(len(label) + 2 for label in _labels().values()))


def _line(label: str | None, text: str) -> str:
    """A line of the summary: its label (None: a line that goes on from the one above), then the text."""
    width = _label_width()
    return "  " + (label or "").ljust(width) + text


def summary(stats: StoryStats) -> list[str]:
    """The totals: scenes, choices and branching, words, reading time."""
    average, widest = stats.branching()
    kinds = stats.words_by_kind()
    parts = ", ".join(f"{_(KIND_NAMES[kind])} {number(count)}" for kind, count in kinds.items() if count)
    labels = _labels()
    chapters = len(stats.chapters())
    scenes = _("{scenes:,} in {chapters}, {endings}").format(
        scenes=len(stats.scenes),
        chapters=ngettext("{count} chapter", "{count} chapters", chapters).format(count=chapters),
        endings=ngettext("{count} ending", "{count} endings", stats.endings).format(count=stats.endings),
    )
    choices = _("{choices:,}: {average:.1f} a scene on average (endings aside)").format(
        choices=stats.choices, average=average
    )
    if widest:
        choices = _("{choices}, at most {most} ({scene})").format(choices=choices, most=widest.choices, scene=widest.id)
    gated = _("{gated:,} gated by 'if' ({share}), {once:,} once-only").format(
        gated=stats.gated, share=_share(stats.gated, stats.choices), once=stats.once
    )
    words = number(stats.words) + (f" ({parts})" if parts else "")
    reading = _("the whole story: {duration} at {rate} words a minute").format(
        duration=_duration(stats.words), rate=WORDS_PER_MINUTE
    )
    lines = [
        f"{stats.title} ({stats.id})",
        _line(labels["scenes"], scenes),
        _line(labels["choices"], choices),
        _line(None, gated),
        _line(labels["words"], words),
        _line(labels["reading"], reading),
    ]
    return lines + typical_run(stats)


def _details() -> dict[str, str]:
    """The labels of a typical run's lines, in the interface's language."""
    return {
        "words": _("words read"),
        "choices": _("choices made"),
        "scenes": _("scenes seen"),
        "revisits": _("return visits"),
    }


def _detail_width() -> int:
    return max(DETAIL_WIDTH, *(len(label) + 1 for label in _details().values()))


def _detail(key: str, text: str) -> str:
    return _line(None, _details()[key].ljust(_detail_width()) + text)


def _percentiles(spread: Spread) -> str:
    return _("10th-90th percentile {p10:,}-{p90:,}").format(p10=spread.p10, p90=spread.p90)


def typical_run(stats: StoryStats) -> list[str]:
    runs = stats.runs
    if runs is None:
        return []
    if runs.runs == 1:
        seeds = _("seed 0")
    else:
        seeds = _("seeds 0-{last}").format(last=runs.runs - 1)
    if runs.ended == runs.runs:
        ended = _("every run reached an ending")
    else:
        ended = ngettext("{count:,} reached an ending", "{count:,} reached an ending", runs.ended).format(
            count=runs.ended
        )
    words, choices, scenes = runs.words, runs.choices, runs.scenes
    played = ngettext(
        "{count:,} random run ({seeds}, as escape playtest --uniform); {ended}",
        "{count:,} random runs ({seeds}, as escape playtest --uniform); {ended}",
        runs.runs,
    ).format(count=runs.runs, seeds=seeds, ended=ended)
    return [
        _line(_labels()["run"], played),
        _detail(
            "words",
            _("median {median:,} ({duration}); {percentiles}").format(
                median=words.median, duration=_duration(words.median), percentiles=_percentiles(words)
            ),
        ),
        _detail(
            "choices",
            _("median {median:,}; {percentiles}").format(median=choices.median, percentiles=_percentiles(choices)),
        ),
        _detail(
            "scenes",
            _("median {median:,} of {total:,}; {percentiles}").format(
                median=scenes.median, total=len(stats.scenes), percentiles=_percentiles(scenes)
            ),
        ),
        *_revisits(runs),
    ]


def _revisits(runs: RunStats) -> list[str]:
    """Scene text read on return visits, and the scenes where most of it is."""
    spread = runs.revisit_words
    lines = [
        _detail(
            "revisits",
            _("median {median:,} words of scene text; {percentiles}").format(
                median=spread.median, percentiles=_percentiles(spread)
            ),
        )
    ]
    most = [(scene, words) for scene, words in runs.revisit_scenes[:3] if words >= 1]
    if most:
        named = [
            _("{scene} ({words:,.0f} a run)").format(scene=scene, words=words) if i == 0 else f"{scene} ({words:,.0f})"
            for i, (scene, words) in enumerate(most)
        ]
        lines.append(_line(None, " " * _detail_width() + _("most: {scenes}").format(scenes=", ".join(named))))
    return lines


def design_lines(stats: StoryStats) -> list[str]:
    """Choices with consequences, cosmetic scenes, and each shown meter: where it is read, which ways it moves."""
    found = stats.design
    if found is None:
        return []
    consequences = ngettext(
        "{count:,} of {total:,} choices have consequences ({share}): an effect, once-only, another destination, "
        "or chosen()",
        "{count:,} of {total:,} choices have consequences ({share}): an effect, once-only, another destination, "
        "or chosen()",
        found.with_consequences,
    ).format(count=found.with_consequences, total=found.choices, share=_share(found.with_consequences, found.choices))
    cosmetic = ngettext(
        "{count:,} of {total:,} scenes are cosmetic (every choice the same)",
        "{count:,} of {total:,} scenes are cosmetic (every choice the same)",
        len(found.cosmetic),
    ).format(count=len(found.cosmetic), total=found.scenes)
    if found.cosmetic:
        cosmetic += f": {', '.join(found.cosmetic[:5])}" + (", ..." if len(found.cosmetic) > 5 else "")
    lines = [_line(_labels()["design"], consequences), _line(None, cosmetic)]
    for meter in found.meters:
        chapters = len(meter.chapters)
        lines.append(
            _line(
                None,
                _("meter {label}: {read}; {rises}, {falls}").format(
                    label=meter.label,
                    read=ngettext("read in {count} chapter", "read in {count} chapters", chapters).format(
                        count=chapters
                    ),
                    rises=ngettext("{count} effect raise it", "{count} effects raise it", meter.rises).format(
                        count=meter.rises
                    ),
                    falls=ngettext("{count} lower it", "{count} lower it", meter.falls).format(count=meter.falls),
                ),
            )
        )
    return lines


def chapters(stats: StoryStats) -> list[str]:
    rows = [(_cut(c.name or _("(no chapter)")), number(c.scenes), number(c.words)) for c in stats.chapters()]
    rows.append((_("total"), number(len(stats.scenes)), number(stats.words)))
    return _table((_("Chapter"), _("scenes"), _("words")), rows)


def top_scenes(stats: StoryStats, count: int) -> list[str]:
    shown: list[SceneStats] = stats.top(count)
    ending = _("ending")
    rows = [
        (_cut(s.id), _cut(s.chapter or "-"), number(s.words), ending if s.is_ending else f"{s.choices}") for s in shown
    ]
    lines = _table((_("Longest scenes"), _("chapter"), _("words"), _("choices")), rows, text_columns=2)
    if len(shown) < len(stats.scenes):
        lines.append(
            _("({count} of {total} scenes; --top N shows more, --top 0 all)").format(
                count=len(shown), total=len(stats.scenes)
            )
        )
    return lines


def report(stats: StoryStats, top: int = 10) -> list[str]:
    """The human report: totals, chapters, then the scenes with the most words."""
    return [*summary(stats), *design_lines(stats), "", *chapters(stats), "", *top_scenes(stats, top)]
