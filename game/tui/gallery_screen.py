"""The endings gallery: for each story, every ending: the ones found (when, after how many choices and how
much play) and the ones still locked, with the author's hint; and how many runs were finished."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from game import i18n
from game.compiler.loader import read_manifest
from game.i18n import N_, _, ngettext, pgettext
from game.model import Ending
from game.model.shown import shown
from game.saves.endings import Found, Record, StoryRecord, read_record
from game.tui.ending_screen import kind_of
from game.tui.screen import GameScreen, relabel_bars
from game.tui.widgets import Footer, styled


@dataclass(frozen=True)
class Shelf:
    """One story of the gallery: its title and endings (None: its manifest cannot be read) and its record."""

    name: str
    title: str | None
    endings: tuple[Ending, ...]
    record: StoryRecord


def month_name(month: int) -> str:
    """A month's short name (1: "Jan"), in the language in use."""
    names = (
        pgettext("month", "Jan"),
        pgettext("month", "Feb"),
        pgettext("month", "Mar"),
        pgettext("month", "Apr"),
        pgettext("month", "May"),
        pgettext("month", "Jun"),
        pgettext("month", "Jul"),
        pgettext("month", "Aug"),
        pgettext("month", "Sep"),
        pgettext("month", "Oct"),
        pgettext("month", "Nov"),
        pgettext("month", "Dec"),
    )
    return names[month - 1]


def found_date(when: str | None) -> str:
    """The day an ending was first found (UTC), as people write it: '30 Nov 2026'."""
    if when is None:
        return _("an unknown date")
    try:
        day = datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return _("an unknown date")
    return _("{day} {month} {year}").format(day=day.day, month=month_name(day.month), year=day.year)


def play_time(seconds: int) -> str:
    if seconds < 60:
        return _("under a minute")
    minutes = seconds // 60
    if minutes < 60:
        return _("{minutes} min").format(minutes=minutes)
    return _("{hours} h {minutes:02d} min").format(hours=minutes // 60, minutes=minutes % 60)


def found_line(found: Found) -> str:
    parts = [_("found {date}").format(date=found_date(found.when))]
    if found.turns is not None:
        parts.append(ngettext("{count} choice", "{count} choices", found.turns).format(count=found.turns))
    if found.play_seconds is not None:
        parts.append(_("{time} of play").format(time=play_time(found.play_seconds)))
    return " · ".join(parts)


Line = tuple[str, Text]  # a line of the gallery: its class (which sets its indent) and its text


def shelf_lines(shelf: Shelf) -> list[Line]:
    """One story's part of the gallery, as plain text (no markup is read from the story): its title, its
    statistics, then each ending with a line under it (when and how it was found, or the author's hint)."""
    if shelf.title is None:
        return [
            ("gallery-story", Text(shown(shelf.name, 80), "bold")),
            ("gallery-stats", Text(_("Its story.yaml cannot be read (choose it on the title screen to see why)."))),
        ]
    found = {e.id: shelf.record.found[e.id] for e in shelf.endings if e.id in shelf.record.found}
    runs = shelf.record.runs
    # a record of before runs were counted has fewer runs than endings
    runs_shown = str(runs) if runs >= len(found) else _("at least {count}").format(count=len(found))
    stats = "  ·  ".join(
        [
            _("Runs finished: {runs}").format(runs=runs_shown),
            _("Endings found: {found} of {total}").format(found=len(found), total=len(shelf.endings)),
        ]
    )
    lines: list[Line] = [
        ("gallery-story", Text(shown(shelf.title, None), "bold")),
        ("gallery-stats", Text(stats)),
    ]
    for ending in shelf.endings:
        if ending.id in found:
            kind = kind_of(ending.kind, ending.canon, lower=True)
            lines.append(("gallery-ending", Text.assemble("✓ ", (shown(ending.title, None), "bold"), f"  ({kind})")))
            lines.append(("gallery-detail", Text(found_line(found[ending.id]))))
        else:
            lines.append(("gallery-ending", Text.assemble(("· ???", "bold"), "  (" + _("not found yet") + ")")))
            if ending.hint:
                hint = styled(_("Hint: {hint}"), hint=(shown(ending.hint, 300), "italic"))
                lines.append(("gallery-detail", hint))
    return lines


class GalleryScreen(GameScreen):
    """Every story's endings, found and locked."""

    DEFAULT_CSS = """
    #gallery-scroll {
        height: 1fr;
        padding: 0 2;
    }
    #gallery-scroll > .gallery-story {
        margin: 1 0 0 0;
    }
    #gallery-scroll > .gallery-stats {
        margin: 0 0 1 0;
    }
    #gallery-scroll > .gallery-ending {
        padding: 0 0 0 2;
    }
    #gallery-scroll > .gallery-detail {
        padding: 0 0 0 6;
    }
    """

    HELP_TITLE = N_("Endings gallery")
    HELP_EXTRA = [("↑ ↓ PgUp PgDn", N_("scroll"))]
    BINDINGS = [
        Binding("escape,q,e", "app.pop_screen", N_("Back"), tooltip=N_("back to where you were")),
        Binding("question_mark,f1", "app.help", N_("Help"), key_display="?", tooltip=N_("the keys of every screen")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="gallery-scroll"):
            for kind, text in self.lines():
                yield Static(text, classes=kind)
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Endings gallery")
        self.query_one("#gallery-scroll", VerticalScroll).focus()

    async def relabel(self) -> None:
        self.title = _("Endings gallery")
        scroll = self.query_one("#gallery-scroll", VerticalScroll)
        await scroll.remove_children()
        await scroll.mount_all([Static(text, classes=kind) for kind, text in self.lines()])
        relabel_bars(self)

    def shelves(self, record: Record) -> list[Shelf]:
        shelves = []
        for name, folder in self.app.stories.items():
            info = read_manifest(folder, i18n.language())
            if info is None:
                shelves.append(Shelf(name, None, (), StoryRecord()))
                continue
            part = record.story(self.app.story_key(name, info.id))
            shelves.append(Shelf(name, info.title, info.ending_list, part))
        return shelves

    def lines(self) -> list[Line]:
        lines: list[Line] = []
        record = read_record(self.app.saves)  # the endings record read once for every story
        if self.app.saves is None:
            lines.append(("gallery-note", Text(_("Saving is off (no saves folder): no endings are recorded."))))
        else:
            if record.problem is not None:
                note = _("The endings record cannot be read, and is left as it is: {reason}").format(
                    reason=shown(record.problem, 300)
                )
                lines.append(("gallery-note", Text(note)))
        for shelf in self.shelves(record):
            lines += shelf_lines(shelf)
        return lines

    def shown_text(self) -> str:
        """What the gallery shows, a line per part (for tests and screen readers' logs)."""
        return "\n".join(str(static.render()) for static in self.query_one("#gallery-scroll").query(Static))
