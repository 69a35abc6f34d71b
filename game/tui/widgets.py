"""Widgets of the play screen, and how text from a story or a save gets on screen (`plain_text`, `Prose`).
They render what they are given and send messages up; none holds game state."""

from __future__ import annotations

from rich.text import Text
from textual.await_complete import AwaitComplete
from textual.message import Message
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from game.engine.game import Game, Offer
from game.model.shown import shown


def plain_text(text: str, limit: int | None = None) -> Text:
    """Text from a story, a save or a file name as it is written: never read as markup (`[b]` and
    `[@click=...]` are shown as they are) and every unprintable character as '?' (see `shown`)."""
    return Text(shown(text, limit, multiline=True))


class Prose(Markdown):
    """A story's Markdown. Its text goes through `shown` first (so no escape sequence reaches the terminal),
    and a link is never opened: clicking one only says where it points."""

    def __init__(self, markdown: str = "", *, id: str | None = None) -> None:
        super().__init__(shown(markdown, None, multiline=True), id=id, open_links=False)

    def update(self, markdown: str) -> AwaitComplete:
        return super().update(shown(markdown, None, multiline=True))

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.prevent_default()
        event.stop()
        self.notify(f"This text links to {shown(event.href, 200)}. The game does not open links.", timeout=8)


class ChoiceList(OptionList):
    """The turn's choices: number keys, arrows and Enter, or the mouse. Disabled ones are dimmed with their reason."""

    class Chosen(Message):
        """The player picked a choice."""

        def __init__(self, choice_id: str) -> None:
            super().__init__()
            self.choice_id = choice_id

    def show(self, offers: list[Offer]) -> None:
        self.clear_options()
        number = 0
        options = []
        for offer in offers:
            if offer.enabled:
                number += 1
                prompt = Text.assemble((f"{number}. ", "bold"), shown(offer.text, None))
                options.append(Option(prompt, id=offer.id))
            else:
                prompt = Text.assemble(
                    ("   " + shown(offer.text, None), "dim"), (f"  ({shown(offer.reason, None)})", "dim italic")
                )
                options.append(Option(prompt, id=offer.id, disabled=True))
        self.add_options(options)
        first = next((i for i, o in enumerate(offers) if o.enabled), None)
        self.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))


def bar(value: int, low: int, high: int, width: int = 10) -> str:
    span = max(1, high - low)
    filled = round(width * (value - low) / span)
    return "█" * filled + "░" * (width - filled)


def panel_text(game: Game) -> Text:
    """What the player should see of the run: chapter, stats, companions, what they carry."""
    story, run = game.story, game.run
    text = Text()
    chapter = game.scene.chapter
    if chapter:
        text.append("Chapter\n", style="bold")
        text.append(f"{shown(chapter, None)}\n\n")
    stats = [v for v in story.variables.values() if v.show == "stat"]
    if stats:
        text.append("Condition\n", style="bold")
        for variable in stats:
            value = run.variables[variable.name]
            if isinstance(value, int) and variable.minimum is not None and variable.maximum is not None:
                text.append(f"{shown(variable.label, None)}\n")
                text.append(bar(value, variable.minimum, variable.maximum), style="green")
                text.append(f" {value}/{variable.maximum}\n")
            else:
                text.append(shown(f"{variable.label}: {value}", None) + "\n")
        text.append("\n")
    if any(v.show == "companion" for v in story.variables.values()):
        companions = [v.label for v in story.variables.values() if v.show == "companion" and run.variables[v.name]]
        text.append("With you\n", style="bold")
        text.append(("\n".join(shown(c, None) for c in companions) if companions else "No one") + "\n\n")
    text.append("Carrying\n", style="bold")
    carried = [story.items[i].name for i in sorted(run.items, key=list(story.items).index)]
    text.append(("\n".join(shown(c, None) for c in carried) if carried else "Nothing") + "\n\n")
    text.append(f"Choices made: {run.turn}", style="dim")
    return text


class StatePanel(Static):
    """The side panel; `show(game)` renders it from the run."""

    def show(self, game: Game) -> None:
        self.update(panel_text(game))
