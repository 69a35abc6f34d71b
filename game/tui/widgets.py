"""Widgets of the play screen, and how text from a story or a save gets on screen (`plain_text`, `Prose`).
They render what they are given and send messages up; none holds game state."""

from __future__ import annotations

from string import Formatter

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markdown import Markdown as RichMarkdown
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import widgets
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Markdown, OptionList, Static
from textual.widgets._footer import FooterKey
from textual.widgets.option_list import Option

from game.engine.game import Game, Offer
from game.engine.journal import Entry
from game.i18n import N_, _
from game.model.shown import shown

# Textual's own texts that the game shows translated: the command palette's key in the footer
# (App.COMMAND_PALETTE_BINDING) and its tooltip there and on the header's icon
TEXTUAL_TEXTS = (N_("palette"), N_("Open the command palette"))


def plain_text(text: str, limit: int | None = None) -> Text:
    """Text from a story, a save or a file name as it is written: never read as markup (`[b]` and
    `[@click=...]` are shown as they are) and every unprintable character as '?' (see `shown`)."""
    return Text(shown(text, limit, multiline=True))


def styled(message: str, style: str = "", **values: str | tuple[str, str]) -> Text:
    """A translated message with its named placeholders filled in, each value plain text or (text, style):
    the translator may move a placeholder, and its style goes with it. The message's own words get `style`.
    `styled(_("You chose: {choice}"), "bold", choice=(name, "italic"))`."""
    text = Text()
    for literal, name, _spec, _conversion in Formatter().parse(message):
        if literal:
            text.append(literal, style)
        if name is not None:
            value = values[name]
            if isinstance(value, tuple):
                text.append(value[0], value[1])
            else:
                text.append(value, style)
    return text


class Footer(widgets.Footer):
    """Textual's footer, with each key's description and tooltip in the interface's language. The screens'
    bindings are made at import (`BINDINGS`, descriptions marked with `N_`); the footer translates them each
    time it is composed, so a footer recomposed after `game.i18n.use` speaks the new language
    (EscapeApp.switch_language recomposes them)."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if widget.description:
                    widget.description = _(widget.description)
                if isinstance(widget.tooltip, str) and widget.tooltip:
                    widget.tooltip = _(widget.tooltip)
            yield widget


class Prose(Markdown):
    """A story's Markdown. Its text goes through `shown` first (so no escape sequence reaches the terminal),
    and a link is never opened: clicking one only says where it points."""

    def __init__(self, markdown: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(shown(markdown, None, multiline=True), id=id, classes=classes, open_links=False)

    def update(self, markdown: str) -> AwaitComplete:
        return super().update(shown(markdown, None, multiline=True))

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.prevent_default()
        event.stop()
        self.notify(
            _("This text links to {address}. The game does not open links.").format(address=shown(event.href, 200)),
            timeout=8,
        )


class TranscriptEntry(Static):
    """An earlier scene of the run in transcript mode: its title, its text and (`taken`) the choice made
    there with its outcome. Drawn as one widget (Rich's Markdown for the story's text, links never links),
    so that a long run's transcript stays cheap to lay out; every text goes through `shown` first."""

    def __init__(self, entry: Entry, taken: bool = True, *, classes: str | None = None) -> None:
        title, text = shown(entry.title, None), shown(entry.text, None, multiline=True).strip()
        choice = shown(entry.choice, None) if taken else ""
        outcome = shown(entry.outcome, None, multiline=True).strip() if taken else ""
        parts: list[RenderableType] = []
        if text:
            parts += [Text(title, style="bold"), Text(), RichMarkdown(text, hyperlinks=False)]
        if choice:
            parts += [Text(), Text(f"▸ {choice}", style="bold")]
        if outcome:
            parts += [Text(), Padding(RichMarkdown(outcome, hyperlinks=False, style="italic"), (0, 0, 0, 2))]
        parts.append(Text())
        self.source = "\n\n".join(
            p for p in (title if text else "", text, f"▸ {choice}" if choice else "", outcome) if p
        )
        super().__init__(Group(*parts), classes=classes)


class ChoiceList(OptionList):
    """The turn's choices: number keys, arrows and Enter, or the mouse. Disabled ones are in the theme's
    disabled colour (readable: they say why) with their reason in italics. A wrapped choice goes on under
    its text, after the number. PageUp, PageDown, Home and End scroll the story text above instead of
    moving the highlight (the list keeps the keyboard; `ScrollProse` asks the screen)."""

    BINDINGS = [
        Binding("pageup", "scroll_prose('page_up')", N_("Scroll up"), show=False),
        Binding("pagedown", "scroll_prose('page_down')", N_("Scroll down"), show=False),
        Binding("home", "scroll_prose('home')", N_("Top"), show=False),
        Binding("end", "scroll_prose('end')", N_("Bottom"), show=False),
    ]

    class Chosen(Message):
        """The player picked a choice."""

        def __init__(self, choice_id: str) -> None:
            super().__init__()
            self.choice_id = choice_id

    class ScrollProse(Message):
        """The player asked to scroll the story text: `how` is page_up, page_down, home or end."""

        def __init__(self, how: str) -> None:
            super().__init__()
            self.how = how

    def action_scroll_prose(self, how: str) -> None:
        self.post_message(self.ScrollProse(how))

    def show(self, offers: list[Offer], numbers: dict[str, int] | None = None) -> None:
        """List `offers`; `numbers` gives each enabled one its number (by default 1, 2, 3... in order).
        The first enabled one is highlighted."""
        if numbers is None:
            numbers = {o.id: n for n, o in enumerate((o for o in offers if o.enabled), start=1)}
        self.clear_options()
        width = len(f"{max(numbers.values(), default=1)}. ")
        options = []
        for offer in offers:
            if offer.enabled:
                options.append(
                    Option(Hanging(f"{numbers[offer.id]}. ", width, Text(shown(offer.text, None))), id=offer.id)
                )
            else:
                text = Text.assemble(shown(offer.text, None), (f"  ({shown(offer.reason, None)})", "italic"))
                options.append(Option(Hanging("", width, text), id=offer.id, disabled=True))
        self.add_options(options)
        self.highlighted = next((i for i, o in enumerate(offers) if o.enabled), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))


class Hanging:
    """A choice as the list shows it: `mark` (its number) in a column of its own and `text` beside it, so
    that wrapped lines hang under the text. `str()` is the plain line ("1. Go out")."""

    def __init__(self, mark: str, width: int, text: Text) -> None:
        self.mark, self.width, self.text = mark, width, text

    def __str__(self) -> str:
        return f"{self.mark}{self.text.plain}" if self.mark else f"{' ' * self.width}{self.text.plain}"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = Table.grid(padding=0, expand=True)
        grid.add_column(width=self.width, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text(self.mark, style="bold"), self.text)
        yield grid


def bar(value: int, low: int, high: int, width: int = 10) -> str:
    span = max(1, high - low)
    filled = round(width * (value - low) / span)
    return "█" * filled + "░" * (width - filled)


CHANGED = "reverse"  # a line of the side panel that the last choice changed (the text's own colours, swapped)


def panel_text(game: Game, changed: frozenset[str] = frozenset(), gone: tuple[str, ...] = ()) -> Text:
    """What the player should see of the run: chapter, stats, companions, what they carry. The lines of the
    variables and items named in `changed` are marked; the items in `gone` (just lost) and companions in
    `changed` who left are still listed, struck through, while marked."""
    story, run = game.story, game.run
    text = Text()

    def line(words: str, name: str, style: str = "") -> None:
        marked = name in changed
        text.append(shown(words, None), style=f"{style} {CHANGED}".strip() if marked else style)
        text.append("\n")

    chapter = game.scene.chapter
    if chapter:
        text.append(_("Chapter") + "\n", style="bold")
        text.append(f"{shown(chapter, None)}\n\n")
    stats = [v for v in story.variables.values() if v.show == "stat"]
    if stats:
        text.append(_("Condition") + "\n", style="bold")
        for variable in stats:
            value = run.variables[variable.name]
            if isinstance(value, int) and variable.minimum is not None and variable.maximum is not None:
                line(variable.label, variable.name)
                text.append(bar(value, variable.minimum, variable.maximum), style="green")
                text.append(" ")
                text.append(f"{value}/{variable.maximum}", style=CHANGED if variable.name in changed else "")
                text.append("\n")
            else:
                line(f"{variable.label}: {value}", variable.name)
        text.append("\n")
    companions = [v for v in story.variables.values() if v.show == "companion"]
    if companions:
        text.append(_("With you") + "\n", style="bold")
        listed = [v for v in companions if run.variables[v.name] or v.name in changed]
        for variable in listed:
            line(variable.label, variable.name, "" if run.variables[variable.name] else "strike")
        if not any(run.variables[v.name] for v in companions) and not listed:
            text.append(_("No one") + "\n")
        text.append("\n")
    text.append(_("Carrying") + "\n", style="bold")
    order = list(story.items)
    listed_items = sorted(set(run.items) | set(gone), key=order.index)
    for item in listed_items:
        line(story.items[item].name, item, "" if item in run.items else "strike")
    if not listed_items:
        text.append(_("Nothing") + "\n")
    text.append("\n")
    text.append(_("Choices made: {count}").format(count=run.turn), style="italic")
    return text


class StatePanel(Static):
    """The side panel; `show(game)` renders it from the run."""

    def show(self, game: Game, changed: frozenset[str] = frozenset(), gone: tuple[str, ...] = ()) -> None:
        self.update(panel_text(game, changed, gone))
