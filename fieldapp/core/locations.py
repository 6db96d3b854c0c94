"""Where things live on disk: the profile or server directory, and the shipped forms and seeds.

The shipped data (forms, the seed world, fonts, translations, icons) is found beside the
package's own files: an installed wheel or a frozen bundle carries it inside the package
as `fieldapp/_data/` (copied there at build time by `tools/package_data.py`); a checkout,
editable or not, has it in the repository's top-level `forms/`, `seeds/` and `resources/`,
which stay the one editable source.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from platformdirs import user_data_path

#: The source checkout this package was imported from (tests and tools use it; an installed
#: package has no such folder — its data is under `data_root()`).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: The package's own folder (`fieldapp/`), in a checkout, a wheel or a bundle.
PACKAGE_FOLDER = PROJECT_ROOT / "fieldapp"

#: The package's own data folder in a wheel or a bundle.
PACKAGED_DATA = "_data"


def home_directory(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--home` wins, then FIELDAPP_HOME, then the OS-conventional application data folder."""
    if explicit:
        return Path(explicit).expanduser()
    from_environment = os.environ.get("FIELDAPP_HOME")
    if from_environment:
        return Path(from_environment).expanduser()
    return user_data_path("fieldapp", appauthor=False)


@cache
def data_root() -> Path:
    """The folder that holds forms/, seeds/ and resources/: the package's or the checkout's."""
    # Found from this file's place rather than through importlib.resources, whose import
    # alone costs a sixth of a bare Qt window's start (the sign-in window reads its icon
    # and translations from here). Wheels install unzipped and PyInstaller collects data
    # as files, so the package's data are real files that reportlab, Qt and YAML can open.
    package = PACKAGE_FOLDER
    if not package.is_dir():
        raise RuntimeError(f"fieldapp must be installed as files, not inside {package}")
    packaged = package / PACKAGED_DATA
    if packaged.is_dir():
        return packaged
    return package.parent


def forms_directory() -> Path:
    return data_root() / "forms"


def seeds_directory() -> Path:
    return data_root() / "seeds"


def resources_directory() -> Path:
    return data_root() / "resources"
