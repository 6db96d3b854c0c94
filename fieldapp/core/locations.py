"""Where things live on disk: the profile or server directory, and the shipped forms and seeds."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

#: The repository (or installed tree) that holds forms/, seeds/ and resources/.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def home_directory(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--home` wins, then FIELDAPP_HOME, then the OS-conventional application data folder."""
    if explicit:
        return Path(explicit).expanduser()
    from_environment = os.environ.get("FIELDAPP_HOME")
    if from_environment:
        return Path(from_environment).expanduser()
    return user_data_path("fieldapp", appauthor=False)


def forms_directory() -> Path:
    return PROJECT_ROOT / "forms"


def seeds_directory() -> Path:
    return PROJECT_ROOT / "seeds"


def resources_directory() -> Path:
    return PROJECT_ROOT / "resources"
