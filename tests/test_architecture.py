"""Layers: only game/tui imports textual, only game/engine/machine.py imports transitions, the model and the
engine do no I/O, and the engine and the non-UI commands load without textual. (The import-linter
contracts in pyproject.toml check the layers between packages; `make lint` runs them.)"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

GAME = Path(__file__).resolve().parent.parent / "game"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules() -> list[Path]:
    return sorted(GAME.rglob("*.py"))


def test_only_the_machine_module_imports_transitions():
    users = [p.relative_to(GAME).as_posix() for p in modules() if "transitions" in imports_of(p)]
    assert users == ["engine/machine.py"]


def test_only_the_tui_package_imports_textual():
    users = [p.relative_to(GAME).as_posix() for p in modules() if "textual" in imports_of(p)]
    assert all(u.startswith("tui/") for u in users), users


def test_engine_and_plain_commands_load_without_textual():
    code = (
        "import sys; import game.engine.game, game.compiler.loader, game.cli.plain, game.cli.validate, game.saves.files; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_help_does_not_import_the_story_stack():
    code = (
        "import sys; from game.cli import _parser; _parser().format_help(); "
        "heavy = [m for m in ('yaml', 'transitions', 'textual', 'game.engine.game') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_engine_does_no_io():
    forbidden = {"os", "sys", "pathlib", "shutil", "subprocess", "socket", "io", "builtins"}
    pure = [
        *(GAME / "model").glob("*.py"),
        *(GAME / "engine").glob("*.py"),
        GAME / "compiler" / "expr.py",
        GAME / "compiler" / "template.py",
        GAME / "compiler" / "effects.py",
    ]
    assert len(pure) > 8
    for path in pure:
        assert not imports_of(path) & forbidden, path
