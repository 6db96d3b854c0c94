"""The data files that ship inside the package, and the setuptools step that copies them in.

The repository keeps forms/, seeds/ and resources/ at its top level: that is where form
authors, translators and the design card expect them, and what a checkout runs from. A
wheel (and a PyInstaller bundle) carries them as `fieldapp/_data/...`, which
`fieldapp.core.locations` finds beside the package's own files. `SHIPPED` below is the one
list of what ships; `BuildPy` is registered as setuptools' `build_py` in pyproject.toml and
`packaging/fieldapp.spec` reads the same list.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from setuptools.command.build_py import build_py

#: Inside the package, where the data goes.
TARGET = Path("fieldapp") / "_data"

#: (folder of the repository, file patterns) that ship; the folder keeps its name under TARGET.
SHIPPED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("forms", ("*.yaml", "schema.json")),
    ("seeds", ("*.yaml", "*.csv", "README.md")),
    ("resources/fonts", ("*.ttf", "LICENSE")),
    # The compiled catalogues only: the .ts sources and update.py stay in the repository.
    ("resources/i18n", ("*.qm",)),
    ("resources/icons", ("*.svg", "*.png", "*.ico")),
)


def shipped_files(root: Path) -> Iterator[tuple[Path, Path]]:
    """(source file, path relative to the package's `_data` folder) for every shipped file."""
    for folder, patterns in SHIPPED:
        for pattern in patterns:
            for source in sorted((root / folder).glob(pattern)):
                if source.is_file():
                    yield source, Path(folder) / source.name


class BuildPy(build_py):  # type: ignore[misc]
    """setuptools' build_py, plus the shipped data copied to `fieldapp/_data/`."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            # An editable install runs from the checkout, which has the folders already.
            return
        root = Path.cwd()
        target = Path(self.build_lib) / TARGET
        for source, relative in shipped_files(root):
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
