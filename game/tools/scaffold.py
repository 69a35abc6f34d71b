"""`escape new story` and `escape new scene`: starting points that validate cleanly, and `escape schema`."""

from __future__ import annotations

import re
from pathlib import Path

from game.compiler.schema import ID_RE, schema_texts
from game.errors import EscapeError

SCHEMA_DIR = ".schema"

STORY = """\
# yaml-language-server: $schema={schema}/story.schema.json
# The manifest of the story: its title, where it starts, and every variable, item and ending it uses.
# The format is described in docs/FORMAT.md; check the story with: escape validate {folder}
id: {id}
title: {title}
blurb: >
  One or two sentences that make a player want to begin.
start: first_scene

variables:
  courage:
    value: 3
    min: 0
    max: 5
    label: Courage
    show: stat

items:
  lantern: A shuttered lantern

endings:
  - id: escaped
    title: Beyond the Wire
    kind: good
  - id: caught
    title: Back in the Cells
    kind: bad
"""

SCENES = """\
# yaml-language-server: $schema={schema}/scenes.schema.json
chapter: Beginnings
scenes:
  - id: first_scene
    title: The first scene
    text: |
      Write what the player sees, hears and fears here, in the second person: *you* stand at the wire.

      {{% if has('lantern') %}}
      The lantern's shutter is closed; a crack of light shows at the hinge.
      {{% endif %}}
    choices:
      - id: take_lantern
        text: Take the lantern from its hook
        once: true
        effects: gain lantern
        outcome: It is warm, and heavier than you thought.
        goto: first_scene
      - id: go_on
        text: Make for the gate
        goto: the_gate

  - id: the_gate
    title: The gate
    text: |
      The sentry's boots crunch on the gravel. Your courage is {{{{ courage }}}} out of 5.
    choices:
      - id: slip_past
        text: Slip past while he lights his pipe
        if: courage >= 3
        disabled_text: Your nerve will not carry you past him
        goto: {{random: {{free: 3, cells: 1}}}}
      - id: wait
        text: Wait in the shadow
        if: courage > 0
        effects: courage -= 1
        goto: the_gate
    fallback:
      text: Give yourself up
      goto: cells

  - id: free
    title: Beyond the wire
    text: The wood swallows you. Behind you, no whistle blows.
    ending: escaped

  - id: cells
    title: The cells
    text: The door closes. Someone laughs, not unkindly, in the next cell.
    ending: caught
"""

SCENE = """\
# yaml-language-server: $schema={schema}/scenes.schema.json
scenes:
  - id: {id}
    title: {title}
    text: |
      Write the scene here.
    choices:
      - id: go_back
        text: Go back
        goto: {back}
"""


def _title(identifier: str) -> str:
    return identifier.replace("_", " ").capitalize()


def write_schemas(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in schema_texts().items():
        (folder / name).write_text(text, encoding="utf-8")


def new_story(path: str) -> Path:
    folder = Path(path)
    story_id = folder.name
    if not ID_RE.match(story_id):
        raise EscapeError(f"'{story_id}' cannot be a story id: use lower case letters, digits and _ (e.g. my_escape)")
    if folder.exists() and any(folder.iterdir()):
        raise EscapeError(f"{folder} already exists and is not empty; nothing was written")
    folder.mkdir(parents=True, exist_ok=True)
    write_schemas(folder / SCHEMA_DIR)
    (folder / "story.yaml").write_text(
        STORY.format(id=story_id, title=_title(story_id), folder=folder, schema=SCHEMA_DIR)
    )
    (folder / "scenes.yaml").write_text(SCENES.format(schema=SCHEMA_DIR))
    return folder


def new_scene(story_path: str, scene_id: str) -> Path:
    folder = Path(story_path)
    if not (folder / "story.yaml").is_file():
        raise EscapeError(f"{folder} is not a story folder (it has no story.yaml)")
    if not ID_RE.match(scene_id):
        raise EscapeError(f"'{scene_id}' cannot be a scene id: use lower case letters, digits and _")
    target = folder / f"{scene_id}.yaml"
    if target.exists():
        raise EscapeError(f"{target} already exists; nothing was written")
    from game.compiler.loader import check_story

    story, _ = check_story(folder)
    if story is not None and scene_id in story.scenes:
        raise EscapeError(
            f"the story already has a scene '{scene_id}' ({story.scenes[scene_id].source}); nothing was written"
        )
    manifest = (folder / "story.yaml").read_text(encoding="utf-8", errors="replace")
    start = re.search(r"^start:\s*([a-z][a-z0-9_]*)", manifest, re.MULTILINE)
    back = start.group(1) if start else "first_scene"
    schema = SCHEMA_DIR if (folder / SCHEMA_DIR).is_dir() else "../../schema"
    target.write_text(SCENE.format(id=scene_id, title=_title(scene_id), back=back, schema=schema), encoding="utf-8")
    return target
