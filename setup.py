"""Build hook: ship the bundled stories (`scenes/`) inside the wheel as `game/_bundled_scenes`.

Everything else about the package is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithScenes(build_py):
    def run(self):
        super().run()
        source = HERE / "scenes"
        if source.is_dir() and not self.editable_mode:
            target = Path(self.build_lib) / "game" / "_bundled_scenes"
            shutil.copytree(source, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildWithScenes})
