"""The build hook: compiles the interface's gettext catalogs (game/i18n/locale/*/LC_MESSAGES/*.po) into
`.mo` files inside the package, with the game's own compiler (no build dependency beyond hatchling)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogsHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        spec = importlib.util.spec_from_file_location("_catalogs", root / "game" / "i18n" / "catalogs.py")
        assert spec is not None and spec.loader is not None
        catalogs = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(catalogs)
        for po in sorted((root / "game" / "i18n" / "locale").glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            mo.write_bytes(catalogs.compile_po(po.read_text(encoding="utf-8")))
            build_data["artifacts"].append(mo.relative_to(root).as_posix())
