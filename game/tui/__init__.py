"""The Textual front end. The only package that imports `textual`."""

from game.tui.app import EscapeApp, make_app

__all__ = ["EscapeApp", "make_app"]
