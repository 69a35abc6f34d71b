"""The journal screen: the run so far, scene by scene, with a search that filters as you type, highlights
what it found, counts it and steps from match to match."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich._wrap import divide_line
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Header, Input, Label

from game.engine.game import Game
from game.engine.journal import Entry, journal
from game.i18n import N_, _, ngettext
from game.model.shown import shown
from game.tui.screen import GameScreen, relabel_bars
from game.tui.widgets import Footer, styled

SCROLLS = {"up": "scroll_up", "down": "scroll_down", "pageup": "scroll_page_up", "pagedown": "scroll_page_down"}
EMPHASIS = re.compile(r"\*\*(?P<bold>[^*\n]+)\*\*|\*(?P<italic>[^*\n]+)\*")


def story_text(markdown: str, style: str = "") -> Text:
    """A story's Markdown as plain text: paragraphs as written, `**bold**` and `*italic*` kept as styles, the
    asterisks dropped (the journal is read, not typeset: no Markdown widget per entry)."""
    source = shown(markdown.strip(), None, multiline=True)
    text = Text(style=style)
    last = 0
    for found in EMPHASIS.finditer(source):
        text.append(source[last : found.start()])
        if found["bold"] is not None:
            text.append(found["bold"], "bold")
        else:
            text.append(found["italic"], "italic")
        last = found.end()
    text.append(source[last:])
    return text


def entry_text(entry: Entry) -> Text:
    """One scene of the journal as a block of text: heading, the scene, the choice made and its outcome."""
    text = Text()
    heading = f"{entry.number + 1}. {shown(entry.title, None)}"
    text.append(heading, "bold underline")
    if entry.chapter:
        text.append(f" ({shown(entry.chapter, None)})", "bold")
    if entry.text.strip():  # a choice that stays in its scene has no new text
        text.append("\n\n")
        text.append_text(story_text(entry.text))
    if entry.choice:
        text.append("\n\n", "bold")
        text.append_text(styled(_("You chose: {choice}"), "bold", choice=(shown(entry.choice, None), "bold")))
    if entry.outcome:
        text.append("\n\n")
        text.append_text(story_text(entry.outcome, "italic"))
    return text


@dataclass(frozen=True, slots=True)
class Match:
    block: int  # the entry's index
    start: int  # offsets in the entry's text
    end: int


def find(blocks: list[Text], query: str) -> list[Match]:
    """Every place the query occurs (ignoring case), in reading order."""
    if not query:
        return []
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    return [Match(n, m.start(), m.end()) for n, block in enumerate(blocks) for m in pattern.finditer(block.plain)]


def wrap(block: Text, width: int) -> list[tuple[int, Text]]:
    """A block's lines at `width`, each with its offset in the block (so a match can be found on screen)."""
    plain = block.plain
    cuts: list[int] = []
    offset = 0
    for paragraph in plain.split("\n"):
        cuts.append(offset)
        cuts += [offset + b for b in divide_line(paragraph, width, fold=True)]
        offset += len(paragraph) + 1
    lines = block.divide(cuts[1:])
    for line in lines:
        line.rstrip()  # the space a line breaks at, and the newline that ends a paragraph
    return list(zip(cuts, lines, strict=True))


class JournalView(ScrollView, can_focus=True):
    """The journal's text, wrapped to the width once per entry and drawn a line at a time: only the lines on
    screen are rendered, so a long run opens at once. Shows the entries it is given, highlights matches."""

    COMPONENT_CLASSES = {"journal-view--match", "journal-view--current"}

    def __init__(self, blocks: list[Text], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blocks = blocks
        self.shown_blocks: list[int] = list(range(len(blocks)))
        self.matches: list[Match] = []
        self.current: int | None = None  # the index in `matches` of the match stepped to
        self._wrapped: dict[int, list[tuple[int, Text]]] = {}
        self._width = 0
        self.rows: list[tuple[int, int, Text]] = []  # (entry, offset in its text, line)
        self._by_block: dict[int, list[tuple[int, Match]]] = {}
        self.at_end = True  # opened at the end: the latest scene

    def show(self, shown_blocks: list[int], matches: list[Match], current: int | None) -> None:
        self.shown_blocks = shown_blocks
        self.matches = matches
        self.current = current
        self._by_block = {}  # each entry's matches, with their numbers
        for number, match in enumerate(matches):
            self._by_block.setdefault(match.block, []).append((number, match))
        self._layout()
        self.refresh()

    def _layout(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:  # not laid out yet: `on_resize` wraps the text once the width is known
            return
        if width != self._width:
            self._wrapped.clear()
            self._width = width
        rows: list[tuple[int, int, Text]] = []
        for number in self.shown_blocks:
            lines = self._wrapped.get(number)
            if lines is None:
                lines = self._wrapped[number] = wrap(self.blocks[number], width)
            rows += [(number, start, line) for start, line in lines]
            rows.append((number, -1, Text()))  # a blank line between entries
        self.rows = rows
        self.virtual_size = Size(width, len(rows))

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width:
            first = not self._width
            self._layout()
            if first and self.at_end:  # once the new height is in force
                self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    def row_of(self, match: Match) -> int:
        """The line a match starts on."""
        found = 0
        for y, (block, start, _line) in enumerate(self.rows):
            if block == match.block and 0 <= start <= match.start:
                found = y
            elif block == match.block and start > match.start:
                break
        return found

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = scroll_y + y
        if index >= len(self.rows):
            return Strip.blank(width, base)
        block, start, line = self.rows[index]
        found = self._by_block.get(block, []) if start >= 0 else []
        if found:
            line = line.copy()
            end = start + len(line)
            match_style = self.get_component_rich_style("journal-view--match")
            current_style = self.get_component_rich_style("journal-view--current")
            for number, match in found:
                if match.start < end and match.end > start:
                    style = current_style if number == self.current else match_style
                    line.stylize(style, max(0, match.start - start), match.end - start)
        strip = Strip(line.render(self.app.console), line.cell_len)
        return strip.apply_style(Style.from_color(base.color, base.bgcolor)).crop_extend(
            scroll_x, scroll_x + width, base
        )


class JournalScreen(GameScreen):
    """The run so far. Typing in the search box filters the scenes as you type; Enter or n goes to the next
    match, N to the one before."""

    HELP_TITLE = N_("Journal")
    BINDINGS = [
        Binding("escape", "back", N_("Back"), tooltip=N_("back to the game")),
        Binding("slash,ctrl+f", "search", N_("Search"), key_display="/", tooltip=N_("type words to find in the run")),
        Binding(
            "n,f3", "next_match", N_("Next"), key_display="n", tooltip=N_("the next match (Enter in the search box)")
        ),
        Binding("N,shift+f3", "previous_match", N_("Previous"), key_display="N", tooltip=N_("the match before")),
        Binding("question_mark,f1", "app.help", N_("Help"), key_display="?", tooltip=N_("the keys of every screen")),
        Binding(
            "tab",
            "app.focus_next",
            N_("Text/search"),
            show=False,
            tooltip=N_("move between the search box and the text"),
        ),
        *[
            Binding(
                key, f"scroll('{key}')", N_("Scroll"), show=False, tooltip=N_("scroll the journal (while typing too)")
            )
            for key in ("up", "down", "pageup", "pagedown")
        ],
    ]
    PLACEHOLDER = N_("Search: words in scenes, choices or outcomes")

    def __init__(self, game: Game):
        super().__init__()
        self.game = game
        self.entries = journal(game)
        self.sub_title = _("seed {seed}").format(seed=game.run.seed)  # shown in the header, above the search
        self.blocks = [entry_text(entry) for entry in self.entries]
        self.matches: list[Match] = []
        self.current: int | None = None
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(self.heading(), id="journal-title")
        yield Input(placeholder=_(self.PLACEHOLDER), id="journal-search")
        yield JournalView(self.blocks, id="journal-view")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Journal")
        view = self.query_one(JournalView)
        view.show(list(range(len(self.blocks))), [], None)
        view.scroll_end(animate=False, immediate=True)
        self.query_one(Input).focus()

    async def relabel(self) -> None:
        """The journal in the language now in use: its entries made again, the search kept."""
        self.title = _("Journal")
        self.sub_title = _("seed {seed}").format(seed=self.game.run.seed)
        self.entries = journal(self.game)
        self.blocks = [entry_text(entry) for entry in self.entries]
        view = self.query_one(JournalView)
        view.blocks = self.blocks
        view._wrapped.clear()
        self.query_one(Input).placeholder = _(self.PLACEHOLDER)
        self.search(self.query_text)
        relabel_bars(self)

    def action_scroll(self, key: str) -> None:
        view = self.query_one(JournalView)
        getattr(view, SCROLLS[key])()

    def heading(self) -> str:
        total = len(self.entries)
        if not self.query_text:
            return ngettext("Journal: {count} scene", "Journal: {count} scenes", total).format(count=total)
        quoted = _("“{words}”").format(words=shown(self.query_text, 40))
        if not self.matches:
            return ngettext(
                "No match for {words} in {count} scene", "No match for {words} in {count} scenes", total
            ).format(words=quoted, count=total)
        count = len(self.matches)
        places = len({m.block for m in self.matches})
        matches = ngettext("{count} match", "{count} matches", count).format(count=count)
        where = ngettext("{matches} in {count} scene", "{matches} in {count} scenes", places).format(
            matches=matches, count=places
        )
        heading = _("{words}: {where}").format(words=quoted, where=where)
        if count > 1:
            at = _("{number} of {count} · Enter or n: next, N: previous").format(
                number=(self.current or 0) + 1, count=count
            )
            heading = f"{heading} · {at}"
        return heading

    def on_input_changed(self, event: Input.Changed) -> None:
        self.search(event.value.strip())

    def search(self, words: str) -> None:
        """Show the scenes where `words` occur, with the matches highlighted (every scene when empty)."""
        self.query_text = words
        self.matches = find(self.blocks, self.query_text)
        self.current = 0 if self.matches else None
        if self.query_text:
            blocks = sorted({m.block for m in self.matches})
        else:
            blocks = list(range(len(self.blocks)))
        self.query_one(JournalView).show(blocks, self.matches, self.current)
        self.query_one("#journal-title", Label).update(self.heading())
        if self.matches:
            self.go_to_current()
        elif not self.query_text:  # once the new height is in force
            self.call_after_refresh(self.query_one(JournalView).scroll_end, animate=False, immediate=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_next_match()

    def go_to_current(self) -> None:
        """Scroll the match stepped to into the middle of the view."""
        if self.current is None:
            return
        view = self.query_one(JournalView)
        view.show(view.shown_blocks, self.matches, self.current)
        row = view.row_of(self.matches[self.current])
        y = max(0, row - view.scrollable_content_region.height // 2)
        self.call_after_refresh(view.scroll_to, y=y, animate=False, immediate=True)  # once the new height is in force
        self.query_one("#journal-title", Label).update(self.heading())

    def action_next_match(self) -> None:
        self.step(1)

    def action_previous_match(self) -> None:
        self.step(-1)

    def step(self, delta: int) -> None:
        if not self.matches:
            self.app.bell()
            return
        self.current = ((self.current or 0) + delta) % len(self.matches)
        self.go_to_current()

    def action_search(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
