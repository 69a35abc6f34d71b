"""Every budget a story is held to while it is read, in one place.

A story pack comes from a stranger: each cap keeps the time and memory of reading, checking and compiling
it in proportion to its size, and each is reported as a located error when it is hit. The caps of a run
in play (whole numbers, text variables, rendered texts) are the model's (`game.model`).
"""

from __future__ import annotations

# files and folders (checked before anything is read)
MAX_FILE_BYTES = 16 * 1024 * 1024  # one file
MAX_STORY_BYTES = 64 * 1024 * 1024  # every file of a story together
MAX_FILES = 2000  # scene files in a story folder, subfolders included
MAX_FOLDER_ENTRIES = 20_000  # files and folders looked at in a story folder (hidden ones are not walked)
MAX_FOLDER_DEPTH = 32  # folders inside folders inside a story folder

# YAML (counted on libyaml's events as they arrive)
MAX_DEPTH = 50  # nested lists and mappings
MAX_ALIAS_EXTRA = 100_000  # extra values that anchors and aliases expand to
MAX_NUMBER_CHARS = 100  # a number written longer is refused before it is converted

# problems
MAX_PROBLEMS_PER_FILE = 100  # diagnostics listed per file; the rest are counted in one line
MAX_SUGGESTIONS = 50  # "did you mean" answers worked out per story (an answer already found is reused)
MAX_SUGGESTION_CANDIDATES = 500  # names of a similar length compared with a misspelt one
MAX_SUGGESTION_WORD = 64  # a longer word gets no suggestion (ids are at most 64 characters)

# the story's content
MAX_SCENES = 5000  # scenes in a story
MAX_CHOICES = 100  # choices of one scene
MAX_SUBSCENE_WORK = 1_000_000  # scenes and moves visited to work out where every `goto: return` leads

# expressions (conditions, effects, and the {{ }} and {% if %} of texts)
MAX_EXPR_CHARS = 500  # one expression
MAX_EXPR_NODES = 200  # parts of one expression
MAX_EXPRESSIONS_PER_FILE = 20_000  # conditions, effects and texts with tags (one each), repeated ones included
MAX_EXPRESSIONS_PER_STORY = 100_000
MAX_COMPILED_NODES_PER_FILE = 20_000  # parts of the distinct expressions a file brings to be compiled
MAX_COMPILED_NODES_PER_STORY = 100_000

# texts
MAX_TEXT_SOURCE = 100_000  # characters of one text as written (the same as a rendered text's cap)
MAX_TEMPLATE_DEPTH = 50  # nested {% if %}
MAX_TEMPLATE_BRANCHES = 100  # {% elif %} and {% else %} of one {% if %}
MAX_TEXT_NODES = 2000  # parts of all the expressions of one text (a text is one unit of the budget below)
