"""The replay screen: a saved run, scene by scene, with the choice that was made highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Static

from game.engine.replay import replay
from game.i18n import N_, _
from game.model import Story
from game.model.shown import shown
from game.tui.screen import GameScreen, relabel_bars
from game.tui.widgets import Footer, Prose, StatePanel, plain_text

SPEEDS = (4.0, 2.0, 1.0, 0.5, 0.25)  # seconds per step


class ReplayScreen(GameScreen):
    HELP_TITLE = N_("Replaying")
    BINDINGS = [
        Binding("space", "toggle_play", N_("Play"), tooltip=N_("play / pause")),
        Binding("right", "step(1)", N_("Forward"), show=False, tooltip=N_("a step forward")),
        Binding("left", "step(-1)", N_("Back"), show=False, tooltip=N_("a step back")),
        Binding("plus,equals_sign", "speed(1)", N_("Faster"), key_display="+", show=False, tooltip=N_("faster")),
        Binding("minus", "speed(-1)", N_("Slower"), key_display="-", show=False, tooltip=N_("slower")),
        Binding("g", "jump", N_("Go to step"), show=False, tooltip=N_("jump to a step by its number")),
        Binding("o", "take_over", N_("Take over"), tooltip=N_("take over here: a new live run from this step")),
        Binding("question_mark,f1", "app.help", N_("Help"), key_display="?"),
        Binding("escape,q", "back", N_("Back"), tooltip=N_("back to where you were")),
    ]
    PLACEHOLDER = N_("Go to step number, then Enter")

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
        yield Input(placeholder=_(self.PLACEHOLDER), id="jump", classes="hidden")
        yield Footer()

    async def on_mount(self) -> None:
        self.title = _("Replay: {title}").format(title=shown(self.story.title, None))
        await self.show_step()

    async def relabel(self) -> None:
        self.title = _("Replay: {title}").format(title=shown(self.story.title, None))
        self.query_one("#jump", Input).placeholder = _(self.PLACEHOLDER)
        relabel_bars(self)
        await self.show_step()

    async def show_step(self) -> None:
        game, divergence = replay(self.story, self.seed, self.steps, upto=self.position)
        parts = [
            _("Step {number} of {count} (← →)").format(number=self.position, count=len(self.steps)),
            _("playing") if self.timer else _("paused"),
            _("{seconds:g} s a step").format(seconds=SPEEDS[self.speed]),
        ]
        if divergence:
            parts.append(_("the story has changed: {why}").format(why=divergence))
        status = "  ·  ".join(parts)
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
            text.append(_("The end: {title}").format(title=shown(game.ending.title, None)) + "\n", style="bold")
        if self.position == len(self.steps):
            end = _("End of the replay: press {key} to take over as a run of your own").format(
                key=self.key_for("take_over")
            )
            text.append(end, "bold")
            text.append(" (" + _("{key}: back").format(key=self.key_for("back")) + ")")
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
            self.notify(_("Type a step number."))

    def action_take_over(self) -> None:
        self.stop()
        self.app.take_over(self.story, self.seed, self.steps[: self.position])

    def action_back(self) -> None:
        self.stop()
        self.app.pop_screen()
