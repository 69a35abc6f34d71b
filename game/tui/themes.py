"""The game's colour themes, each with every text at WCAG AA contrast or better (tests/test_contrast.py
measures them): Textual's dark and light themes with the colours that fell short raised, under their own
names, and `escape-high-contrast`, white and yellow on black."""

from __future__ import annotations

from dataclasses import replace

from textual.app import App
from textual.theme import BUILTIN_THEMES, Theme

# each theme: Textual's own, with only the colours that fell short changed
_DARK = BUILTIN_THEMES["textual-dark"]
DARK = replace(
    _DARK,
    primary="#0b5fa5",  # darker than Textual's #0178d4: its text on it (a button) reads at 4.5:1
    variables={
        **_DARK.variables,
        # the highlighted choice: white on a blue that still stands out 3:1 from the list around it
        "block-cursor-background": "#0a72c8",
        "block-cursor-foreground": "#ffffff",
        "text-muted": "auto 70%",
        "text-disabled": "auto 66%",  # disabled choices say why: they are read, not hidden
        "markdown-h1-color": "#57a5e2",
        "markdown-h2-color": "#57a5e2",
        "markdown-h3-color": "#57a5e2",
    },
)

_LIGHT = BUILTIN_THEMES["textual-light"]
LIGHT = replace(
    _LIGHT,
    foreground="#121212",  # darker than #1f1f1f: the header's dimmed sub-title stays readable
    variables={
        **_LIGHT.variables,
        "text-muted": "auto 72%",
        "text-disabled": "auto 66%",
        "text-accent": "#7a4a00",  # the title's orange, dark enough to read on light grey
        "footer-key-foreground": "#004578",
    },
)

HIGH_CONTRAST = Theme(
    name="escape-high-contrast",
    primary="#ffd700",
    secondary="#00e5ff",
    accent="#ffd700",
    warning="#ffd700",
    error="#ff8080",
    success="#5cff5c",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    boost="#ffffff14",
    dark=True,
    variables={
        "text-muted": "auto 90%",  # auto: white on black, black on the yellow highlight
        "text-disabled": "auto 80%",
        "text-primary": "#ffd700",
        "text-accent": "#ffd700",
        "text-secondary": "#00e5ff",
        "text-warning": "#ffd700",
        "text-error": "#ff8080",
        "text-success": "#5cff5c",
        "border": "#ffd700",
        "border-blurred": "#ffffff",
        "block-cursor-background": "#ffd700",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#5c5c5c",
        "block-cursor-blurred-foreground": "#ffffff",
        "block-hover-background": "#333333",
        "footer-background": "#000000",
        "footer-foreground": "#ffffff",
        "footer-key-foreground": "#ffd700",
        "footer-description-foreground": "#ffffff",
        "input-cursor-background": "#ffffff",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#ffd70066",
        "markdown-h1-color": "#ffd700",
        "markdown-h2-color": "#ffd700",
        "markdown-h3-color": "#ffd700",
        "markdown-h6-color": "#ffffff",
        "button-foreground": "#ffffff",
        "button-color-foreground": "#000000",
        "scrollbar": "#ffffff",
        "scrollbar-background": "#333333",
    },
)

THEMES = (DARK, LIGHT, HIGH_CONTRAST)


def register_themes(app: App) -> None:
    """Make the game's themes the ones `app.theme` names (replacing Textual's dark and light). Called from
    the app's __init__: the stylesheet, given the built-in theme's colours there, gets the game's."""
    for theme in THEMES:
        app.register_theme(theme)
    app.stylesheet.set_variables(app.get_css_variables())
