"""`escape new story` and `escape new scene`: starting points that validate cleanly, and `escape schema`.

`new_scene` adds a scene in a file of its own or at the end of an existing scene file, and writes only
when the story with the scene in it checks out (tried on a copy first). Every file is written by
`game.tools.output`: atomically, never through a link, and (but for the scene file that --file names) never
over an existing file.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from game.compiler.checker import COLLECT, Checker, display_path
from game.compiler.folder import MANIFEST_NAME, StoryCompiler
from game.compiler.loader import check_story
from game.compiler.schema import ID_RE, MAX_ID, schema_texts
from game.compiler.yamlsafe import YamlDoc, parse_yaml_text, read_yaml
from game.errors import Diagnostic, EscapeError
from game.i18n import _, ngettext
from game.model import Story
from game.tools.output import Folder, OutputError, new_folder, shown_path

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
        stay: true
        effects: gain lantern
        outcome: It is warm, and heavier than you thought.
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
        stay: true
        effects: courage -= 1
        outcome: The sentry does not move. Your courage is {{{{ courage }}}} out of 5 now.
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

SCENE_FILE = """\
# yaml-language-server: $schema={schema}/scenes.schema.json
scenes:
{scene}"""

# A new scene, as the keys of one list item (its lines are indented by `_item` to fit the file).
SCENE_BODY = """\
id: {id}
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


def write_schemas(folder: Folder, force: bool = False) -> list[Path]:
    """The JSON Schemas, written into `folder`; an existing schema file is replaced only with `force`
    (both are checked before either is written)."""
    texts = schema_texts()
    for name in texts:
        folder.check(name, force=force)
    return [folder.write(name, text, force=force) for name, text in texts.items()]


def is_id(text: str) -> bool:
    """Whether `text` can be a story's or a scene's id (all of it: a newline at the end is no id)."""
    return ID_RE.fullmatch(text) is not None and len(text) <= MAX_ID


def new_story(path: str) -> Path:
    """A new story folder (made, or an empty one), never through a link; nothing is left if a file cannot
    be written."""
    folder = Path(path)
    story_id = folder.name
    if not is_id(story_id):
        raise EscapeError(
            _(
                "'{id}' cannot be a story id: use lower case letters, digits and _, at most {most} (e.g. my_escape)"
            ).format(id=shown_path(story_id), most=MAX_ID)
        )
    with new_folder(folder) as made:
        with made.sub(SCHEMA_DIR, create=True) as schemas:
            write_schemas(schemas)
        where = shown_path(folder)  # in a comment: a newline in the path must not end it
        made.write("story.yaml", STORY.format(id=story_id, title=_title(story_id), folder=where, schema=SCHEMA_DIR))
        made.write("scenes.yaml", SCENES.format(schema=SCHEMA_DIR))
    return folder


# escape new scene ---------------------------------------------------------------------------------


class SceneRefused(EscapeError):
    """`escape new scene` wrote nothing: why, with the story's errors when they are the reason."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = diagnostics or []


@dataclass(frozen=True)
class AddedScene:
    """What `new_scene` did: the file written, and how the story now stands with the scene in it."""

    path: Path
    created: bool  # a new file, rather than added at the end of an existing one
    line: int  # where the scene starts in the file
    leads_in: tuple[str, ...]  # "scene.choice" keys of the choices that can lead to it
    starts_here: bool  # the manifest's `start` names it
    fixed: int  # errors of the story before, which the new scene resolves


@dataclass(frozen=True)
class _Plan:
    path: Path
    relative: Path  # inside the story folder
    before: bytes | None  # the file's bytes when it was read (None: a new file)
    after: bytes
    line: int


def scene_file_name(scene_id: str) -> str:
    """The file a new scene gets: its id, except that `story` would be the manifest, story.yaml."""
    return "story_scene.yaml" if scene_id == "story" else f"{scene_id}.yaml"


def new_scene(story_path: str | Path, scene_id: str, file: str | None = None) -> AddedScene:
    """Add a placeholder scene to a story: in a new file of its own, or at the end of the scene file
    `file`. Writes only if the story, with the scene added, has no errors; raises SceneRefused if not."""
    folder = Path(story_path)
    if not os.path.isfile(folder / MANIFEST_NAME):  # os.path: False for a name too long to be a path, too
        raise SceneRefused(
            _("{folder} is not a story folder (it has no {manifest})").format(folder=folder, manifest=MANIFEST_NAME)
        )
    if not is_id(scene_id):
        raise SceneRefused(
            _("'{id}' cannot be a scene id: use lower case letters, digits and _").format(id=shown_path(scene_id))
        )
    errors_before, known = _survey(folder)
    if scene_id in known:
        if known[scene_id]:
            message = _("the story already has a scene '{id}' ({where}); nothing was written")
        else:
            message = _("the story already has a scene '{id}'; nothing was written")
        raise SceneRefused(message.format(id=scene_id, where=known[scene_id]))
    body = SCENE_BODY.format(id=scene_id, title=_title(scene_id), back=_start(folder) or scene_id)
    plan = _appended(folder, file, body) if file is not None else _created(folder, scene_id, body)
    story, diagnostics = _trial(folder, plan)
    errors = [d for d in diagnostics if d.is_error]
    if story is None or errors:
        raise SceneRefused(_refusal(folder, plan, len(errors), errors_before), errors)
    _write(folder, plan)
    leads_in = tuple(
        choice.key
        for scene in story.scenes.values()
        if scene.id != scene_id
        for choice in scene.all_choices
        if scene_id in choice.destinations
    )
    return AddedScene(plan.path, plan.before is None, plan.line, leads_in, story.start == scene_id, errors_before)


def _refusal(folder: Path, plan: _Plan, errors: int, errors_before: int) -> str:
    """Why nothing was written: the story's own errors, or (never expected) errors the addition would cause."""
    if not errors_before:
        return _("adding the scene to {file} would give the story errors (above); nothing was written").format(
            file=display_path(plan.path)
        )
    message = ngettext(
        "the story has {count} error (above), so nothing was written: fix it (escape validate {folder}) "
        "and run this again",
        "the story has {count} errors (above), so nothing was written: fix them (escape validate {folder}) "
        "and run this again",
        errors,
    )
    return message.format(count=errors, folder=display_path(folder))


def _survey(folder: Path) -> tuple[int, dict[str, str]]:
    """The story's errors as it is, and the ids of its scenes (with where each is defined), read even
    when the story has errors."""
    checker = Checker(COLLECT)
    compiler = StoryCompiler(folder, checker)
    compiler.run()
    known = {scene_id: scene.source for scene_id, scene in compiler.scenes.items()}
    known.update((scene_id, "") for scene_id in compiler.broken if scene_id not in known)
    return len(checker.errors), known


def _start(folder: Path) -> str | None:
    """The manifest's start scene, for the new scene's way back (None if the manifest cannot say)."""
    doc = read_yaml(folder / MANIFEST_NAME, Checker(COLLECT))
    start = doc.data.get("start") if doc is not None and isinstance(doc.data, dict) else None
    return start if isinstance(start, str) and is_id(start) else None


def _item(body: str, indent: int, inner: int, newline: str = "\n") -> str:
    """The scene's keys as one list item: the dash at `indent`, the keys at `inner`."""
    lines = body.splitlines()
    dash = " " * indent + "-" + " " * (inner - indent - 1)
    return newline.join([dash + lines[0], *(" " * inner + line if line else "" for line in lines[1:])]) + newline


def _created(folder: Path, scene_id: str, body: str) -> _Plan:
    """A new file named after the scene, beside story.yaml."""
    name = scene_file_name(scene_id)
    path = folder / name
    if os.path.islink(path):
        raise SceneRefused(
            _(
                "{file} is a symbolic link; story files are never written through links: remove it, "
                "or choose another id; nothing was written"
            ).format(file=display_path(path))
        )
    if os.path.lexists(path):
        raise SceneRefused(
            _(
                "{file} already exists; add the scene to it with --file {name}, or choose another id; "
                "nothing was written"
            ).format(file=display_path(path), name=name)
        )
    schema = SCHEMA_DIR if os.path.isdir(folder / SCHEMA_DIR) else "../../schema"
    text = SCENE_FILE.format(schema=schema, scene=_item(body, 2, 4))
    return _Plan(path, Path(name), None, text.encode("utf-8"), 3)


def _scene_file(folder: Path, file: str) -> tuple[Path, Path]:
    """The path of `file` (relative to the story folder, or as given when that lies inside it) and its
    path inside the folder; refuses anything that is not an existing scene file of this story."""
    path = folder / file
    if not os.path.lexists(path) and os.path.lexists(file):
        path = Path(file)
    try:
        relative = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(folder)))
    except ValueError:  # another drive
        relative = Path("..")
    shown = display_path(path)
    if relative.is_absolute() or relative.parts[:1] == ("..",) or relative == Path("."):
        raise SceneRefused(
            _("{file} is not inside the story folder {folder}").format(file=file, folder=display_path(folder))
        )
    if relative == Path(MANIFEST_NAME):
        raise SceneRefused(
            _("{file} is the story's manifest, not a scene file; name a scene file with --file").format(file=shown)
        )
    if path.suffix not in (".yaml", ".yml") or any(part.startswith(".") for part in relative.parts):
        raise SceneRefused(
            _("{file} is not read as a scene file (only .yaml and .yml files outside hidden folders are)").format(
                file=shown
            )
        )
    inside = folder
    for part in relative.parts:
        inside = inside / part
        if os.path.islink(inside):
            raise SceneRefused(
                _("{path} is a symbolic link; story files are not written through links").format(
                    path=display_path(inside)
                )
            )
        if os.path.isdir(inside) and os.path.isfile(inside / MANIFEST_NAME):
            raise SceneRefused(
                _("{file} belongs to another story (the folder {folder} has a {manifest})").format(
                    file=shown, folder=display_path(inside), manifest=MANIFEST_NAME
                )
            )
    if not os.path.isfile(path):
        raise SceneRefused(
            _("{file} does not exist; leave out --file to start a new file for the scene, or create it first").format(
                file=shown
            )
        )
    return path, relative


def _appended(folder: Path, file: str, body: str) -> _Plan:
    """The scene file `file` with the scene added at the end of its `scenes:` list, everything else kept."""
    path, relative = _scene_file(folder, file)
    shown = display_path(path)
    try:
        before = path.read_bytes()
        text = before.decode("utf-8")
    except OSError as err:
        raise SceneRefused(_("cannot read {file}: {reason}").format(file=shown, reason=err.strerror or err)) from None
    except UnicodeDecodeError:
        raise SceneRefused(_("{file} is not UTF-8 text; fix it first").format(file=shown)) from None
    data, indent, inner = _scene_list(text, shown)
    newline = "\r\n" if "\r\n" in text else "\n"
    item = _item(body, indent, inner, newline)
    wanted = {**data, "scenes": [*data["scenes"], _parsed(body, "the new scene").data]}
    ending = "" if text.endswith("\n") else newline
    for gap in (newline, ""):  # a blank line before the new scene, unless that changes the last one
        start = text + ending + gap
        doc = parse_yaml_text(start + item, shown, Checker(COLLECT))
        if doc is not None and doc.data == wanted:
            return _Plan(path, relative, before, (start + item).encode("utf-8"), start.count("\n") + 1)
    raise SceneRefused(
        _(
            "cannot add to {file} safely: what comes after its last scene (a '...', another document?) would "
            "keep a scene added at the end out of the list; add the scene by hand, or leave out --file"
        ).format(file=shown)
    )


def _parsed(text: str, shown: str) -> YamlDoc:
    checker = Checker(COLLECT)
    doc = parse_yaml_text(text, shown, checker)
    if doc is None or checker.errors:
        first = checker.errors[0] if checker.errors else shown
        raise SceneRefused(
            _("{problem}: the file must read as YAML before a scene can be added to it").format(problem=first)
        )
    return doc


def _scene_list(text: str, shown: str) -> tuple[dict[str, Any], int, int]:
    """The file's data, and where its scene items put their dash and their keys; refuses a file a scene
    cannot be appended to: no `scenes:` list, a list written inline, or keys after the list."""
    doc = _parsed(text, shown)
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("scenes"), list):
        raise SceneRefused(_("{file} is not a scene file: it has no 'scenes:' list to add to").format(file=shown))
    places = doc.places[id(data)]
    key_at, start, _end, style = places["scenes"]
    if style == "flow" or not data["scenes"]:
        raise SceneRefused(
            _("{file} writes its scenes list inline ([...]); write it as '- id: ...' items to add to it").format(
                file=shown
            )
        )
    later = [key for key, place in places.items() if place[0] > key_at]
    if later:
        raise SceneRefused(
            _(
                "in {file}, '{key}:' comes after the scenes list, so a scene added at the end of the file would "
                "not be in the list; move '{key}:' above 'scenes:' and run this again"
            ).format(file=shown, key=later[0])
        )
    indent = doc.line_col(start)[1] - 1  # a block list starts at its first dash
    first = doc.places[id(data["scenes"])][0][0]
    line_start = text.rfind("\n", 0, first) + 1
    prefix = re.fullmatch(r" *- +", text[line_start:first])
    return data, indent, (len(prefix.group()) if prefix else indent + 2)


def _trial(folder: Path, plan: _Plan) -> tuple[Story | None, list[Diagnostic]]:
    """Check a copy of the story's files with the change made; the problems name the real folder."""
    with tempfile.TemporaryDirectory(prefix="escape-new-scene-") as tmp:
        copy = Path(tmp) / "story"
        shutil.copytree(folder, copy, symlinks=True, ignore=_not_story_files)
        _write(copy, replace(plan, path=copy / plan.relative, before=None), trial=True)
        story, diagnostics = check_story(copy)
        there, here = display_path(copy), display_path(folder)
        moved = [
            replace(d, path=d.path.replace(there, here, 1), message=d.message.replace(there, here)) for d in diagnostics
        ]
    return story, moved


def _not_story_files(directory: str, names: list[str]) -> list[str]:
    """What a story's check never reads: hidden files and folders, files that are not YAML."""
    return [
        name
        for name in names
        if name.startswith(".")
        or (not os.path.isdir(os.path.join(directory, name)) and not name.endswith((".yaml", ".yml")))
    ]


def _write(folder: Path, plan: _Plan, trial: bool = False) -> None:
    """Write the file atomically, never through a link (nor through a link to a folder on its way inside
    the story), and only if nobody changed it since it was read (a new file: only if it is still not
    there). `trial`: into the copy the story is checked on."""
    *inside, name = plan.relative.parts
    try:
        here = Folder.open(folder)
        try:
            for part in inside:
                below = here.sub(part)
                here.close()
                here = below
            if trial:
                here.write(name, plan.after, force=True)
            elif plan.before is None and here.exists(name):
                raise SceneRefused(
                    _("{file} appeared while the scene was being added; nothing was written").format(
                        file=display_path(plan.path)
                    )
                )
            else:
                here.write(name, plan.after, expect=plan.before)
        finally:
            here.close()
    except OutputError as err:
        raise SceneRefused(str(err)) from None
