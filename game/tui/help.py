"""The help screen's text, made from the key bindings of every screen, so that it says what the keys do.

Each screen's section lists its own `BINDINGS` (the binding's `tooltip` when it has one, else its footer
description), then the keys of the widgets on it (a screen's `HELP_EXTRA`), under its `HELP_TITLE`. The
screen the player came from comes first. Those texts are marked with `N_` where they are written and
translated here, each time the help is made, in the language in use.
"""

from __future__ import annotations

import re

from textual.binding import Binding, BindingType
from textual.screen import Screen

from game.i18n import N_, _
from game.tui.dialogs import ConfirmScreen, PickSaveScreen, SaveNameScreen
from game.tui.ending_screen import EndingScreen
from game.tui.gallery_screen import GalleryScreen
from game.tui.journal_screen import JournalScreen
from game.tui.play_screen import PlayScreen
from game.tui.replay_screen import ReplayScreen
from game.tui.settings_screen import SettingsScreen
from game.tui.title_screen import TitleScreen

SCREENS: list[type[Screen]] = [
    TitleScreen,
    PlayScreen,
    JournalScreen,
    EndingScreen,
    ReplayScreen,
    GalleryScreen,
    SettingsScreen,
    PickSaveScreen,
    SaveNameScreen,
    ConfirmScreen,
]
EVERYWHERE: list[tuple[str, str]] = [
    ("? F1", N_("this help (the screen you came from first)")),
    ("Ctrl+P", N_("the game's commands, searchable (or click ≡ in the header)")),
    ("Tab", N_("move between the parts of a screen")),
    ("Ctrl+Q", N_("quit at once (a run is saved after every choice)")),
]
KEY_NAMES = {
    "question_mark": "?",
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "slash": "/",
    "tab": "Tab",
}
Section = tuple[str, list[tuple[str, str]]]


def key_name(key: str) -> str:
    """A key as the help shows it: `question_mark` as ?, `ctrl+f` as Ctrl+F."""
    *modifiers, last = key.split("+")
    name = KEY_NAMES.get(last, last.upper() if len(last) > 1 or modifiers else last)
    return "+".join([*(m.title() for m in modifiers), name])


def _bindings(screen: type[Screen]) -> list[Binding]:
    found: list[BindingType] = list(screen.__dict__.get("BINDINGS", []))
    return [b for b in found if isinstance(b, Binding)]


def screen_keys(screen: type[Screen], web: bool = False) -> list[tuple[str, str]]:
    """One row per binding of the screen (its own, not Textual's); a run of bindings that differ only by a
    digit (`pick(1)`...`pick(9)`) is one row, `1-9`. The screen's `WEB_ONLY` actions only in a browser."""
    rows: list[tuple[str, str]] = []
    digits: list[Binding] = []
    for binding in [*_bindings(screen), None]:
        if binding is not None and binding.key.isdigit():
            digits.append(binding)
            continue
        if digits:
            text = _(digits[0].tooltip) if digits[0].tooltip else re.sub(r"\s*\d+$", "", digits[0].description)
            rows.append((f"{digits[0].key}-{digits[-1].key}" if len(digits) > 1 else digits[0].key, text))
            digits = []
        if binding is None:
            break
        if binding.action in ("app.help", "app.focus_next"):
            continue  # said once, under Everywhere
        if binding.action in getattr(screen, "WEB_ONLY", ()) and not web:
            continue
        keys = " ".join(key_name(k) for k in binding.key.split(","))
        text = _(binding.tooltip) if binding.tooltip else _(binding.description).lower()
        rows.append((keys, text))
    merged: list[tuple[str, str]] = []
    for keys, text in rows:  # keys that do the same (the journal's scroll keys) share a row
        if merged and merged[-1][1] == text:
            merged[-1] = (f"{merged[-1][0]} {keys}", text)
        else:
            merged.append((keys, text))
    return merged + [(keys, _(text)) for keys, text in getattr(screen, "HELP_EXTRA", [])]


def title_of(screen: type[Screen]) -> str:
    title = getattr(screen, "HELP_TITLE", "")
    return _(title) if title else screen.__name__.removesuffix("Screen")


def sections(first: type[Screen] | None = None, web: bool = False) -> list[Section]:
    """Every screen's keys, the screen `first` at the top (a screen not listed here is added); with `web`,
    the keys that work only in a browser too."""
    screens = list(SCREENS)
    if first is not None:
        if first in screens:
            screens.remove(first)
        screens.insert(0, first)
    everywhere = [(keys, _(text)) for keys, text in EVERYWHERE]
    return [(title_of(s), screen_keys(s, web)) for s in screens] + [(_("Everywhere"), everywhere)]
