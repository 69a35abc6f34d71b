"""Escape Lines: First World War escape narratives as terminal interactive fiction."""

__version__ = "0.1.0"
