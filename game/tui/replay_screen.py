"""The replay screen: a saved run, scene by scene, with the choice that was made highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Label, Static

from game.engine.replay import replay
from game.model import Story
from game.model.shown import shown
from game.tui.screen import GameScreen
from game.tui.widgets import Prose, StatePanel, plain_text

SPEEDS = (4.0, 2.0, 1.0, 0.5, 0.25)  # seconds per step


class ReplayScreen(GameScreen):
    HELP_TITLE = "Replaying"
    BINDINGS = [
        Binding("space", "toggle_play", "Play", tooltip="play / pause"),
        Binding("right", "step(1)", "Forward", show=False, tooltip="a step forward"),
        Binding("left", "step(-1)", "Back", show=False, tooltip="a step back"),
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+", show=False, tooltip="faster"),
        Binding("minus", "speed(-1)", "Slower", key_display="-", show=False, tooltip="slower"),
        Binding("g", "jump", "Go to step", show=False, tooltip="jump to a step by its number"),
        Binding("o", "take_over", "Take over", tooltip="take over here: a new live run from this step"),
        Binding("question_mark,f1", "app.help", "Help", key_display="?"),
        Binding("escape,q", "back", "Back", tooltip="back to where you were"),
    ]

    def __init__(self, story: Story, seed: int, log: list[tuple[str, str]]):
        super().__init__()
        self.story = story
        self.seed = seed
        self.steps = log
        self.position = 0
        self.speed = 2
        self.timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="story"):
                yield Label("", id="replay-status")
                yield Label("", id="scene-title")
                with VerticalScroll(id="prose-scroll"):
                    yield Prose(id="prose")
                yield Static("", id="replay-choices")
            yield StatePanel(id="panel")
        yield Input(placeholder="Go to step number, then Enter", id="jump", classes="hidden")
        yield Footer()

    async def on_mount(self) -> None:
        self.title = f"Replay: {shown(self.story.title, None)}"
        await self.show_step()

    async def show_step(self) -> None:
        game, divergence = replay(self.story, self.seed, self.steps, upto=self.position)
        status = f"Step {self.position} of {len(self.steps)} (← →)"
        status += "  ·  playing" if self.timer else "  ·  paused"
        status += f"  ·  {SPEEDS[self.speed]:g} s a step"
        if divergence:
            status += f"  ·  the story has changed: {divergence}"
        self.query_one("#replay-status", Label).update(plain_text(status))
        self.query_one("#scene-title", Label).update(plain_text(game.scene.title))
        await self.query_one("#prose", Prose).update(game.text())
        made = self.steps[self.position][1] if self.position < len(self.steps) else None
        text = Text()
        for offer in game.choices():
            if offer.id == made:
                text.append(f"▶ {shown(offer.text, None)}\n", style="bold reverse")
            elif offer.enabled:
                text.append(f"  {shown(offer.text, None)}\n")
            else:
                text.append(f"  {shown(offer.text, None)} ({shown(offer.reason, None)})\n", style="italic")
        if game.ending is not None:
            text.append(f"The end: {shown(game.ending.title, None)}\n", style="bold")
        if self.position == len(self.steps):
            text.append(
                f"End of the replay: press {self.key_for('take_over')} to take over as a run of your own", "bold"
            )
            text.append(f" ({self.key_for('back')}: back)")
        self.query_one("#replay-choices", Static).update(text)
        self.query_one(StatePanel).show(game)

    @classmethod
    def key_for(cls, action: str) -> str:
        """The first key bound to an action, as the footer shows it (so the hints never name a stale key)."""
        binding = next(b for b in cls.BINDINGS if isinstance(b, Binding) and b.action == action)
        return binding.key_display or binding.key.split(",")[0].replace("escape", "Esc")

    async def action_step(self, delta: int) -> None:
        self.position = max(0, min(len(self.steps), self.position + delta))
        await self.show_step()

    async def advance(self) -> None:
        if self.position >= len(self.steps):
            self.stop()
        else:
            self.position += 1
        await self.show_step()

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    async def action_toggle_play(self) -> None:
        if self.timer:
            self.stop()
        else:
            self.timer = self.set_interval(SPEEDS[self.speed], self.advance)
        await self.show_step()

    async def action_speed(self, delta: int) -> None:
        self.speed = max(0, min(len(SPEEDS) - 1, self.speed + delta))
        if self.timer:
            self.stop()
            self.timer = self.set_interval(SPEEDS[self.speed], self.advance)
        await self.show_step()

    def action_jump(self) -> None:
        box = self.query_one("#jump", Input)
        box.remove_class("hidden")
        box.focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.input.add_class("hidden")
        event.input.value = ""
        if event.value.strip().isdigit():
            self.position = max(0, min(len(self.steps), int(event.value)))
            await self.show_step()
        else:
            self.notify("Type a step number.")

    def action_take_over(self) -> None:
        self.stop()
        self.app.take_over(self.story, self.seed, self.steps[: self.position])

    def action_back(self) -> None:
        self.stop()
        self.app.pop_screen()
