"""The app's settings: each declared once with its type, default and description.

Stored as JSON in the profile folder and written atomically (temporary file, fsync,
rename), so a crash while saving leaves either the old or the new file, never half of
one. A value of the wrong type or outside its choices falls back to the default: a
hand-edited file must never stop the app from starting. Qt-free on purpose.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fieldapp.core.files import write_atomically
from fieldapp.core.texts import LANGUAGES

log = logging.getLogger(__name__)

SettingValue = str | int | bool

SETTINGS_FILE = "settings.json"


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: name, type, default, what it does and, for text, the allowed values."""

    name: str
    type: type[str] | type[int] | type[bool]
    default: SettingValue
    description: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def accepts(self, value: object) -> bool:
        # bool is an int in Python; a True in an int setting is a mistake, not a 1.
        if type(value) is not self.type:
            return False
        if self.choices and value not in self.choices:
            return False
        if isinstance(value, int) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                return False
            if self.maximum is not None and value > self.maximum:
                return False
        return True


THEMES = ("light", "dark", "high_contrast")

#: Every setting the app reads. Nothing else may be stored in the file.
DECLARED: tuple[Setting, ...] = (
    Setting(
        "language",
        str,
        "nl",
        "Language of the screens and, where it has it, of the forms.",
        choices=LANGUAGES,
    ),
    Setting(
        "theme",
        str,
        "light",
        "Colours: light, dark, or high contrast for reading in daylight.",
        choices=THEMES,
    ),
    Setting(
        "idle_lock_minutes",
        int,
        5,
        "Minutes without input before the app locks and asks for the password again; "
        "0 turns the idle lock off.",
        minimum=0,
        maximum=240,
    ),
    Setting(
        "discreet_mode", bool, False, "Mystery guests: start in the dark, minimal discreet mode."
    ),
    Setting(
        "sync_minutes",
        int,
        5,
        "Minutes between automatic syncs while signed in (the app also syncs after sign-in "
        "and after each finalize); 0 syncs only then and on “Sync now”.",
        minimum=0,
        maximum=240,
    ),
    Setting(
        "server_url",
        str,
        "",
        "Address of the central store. Empty: the demo, with its own local store.",
    ),
    Setting(
        "ca_bundle",
        str,
        "",
        "A PEM file of the certificate authorities to trust for the central store (an "
        "organisation's own CA). Empty: the system's. FIELDAPP_CA_BUNDLE overrides it.",
    ),
    Setting(
        "allow_insecure_http",
        bool,
        False,
        "Lab networks only: allow plain http:// to a central store on another machine "
        "(the password then crosses the network readable). http:// to this machine is "
        "always allowed.",
    ),
)
BY_NAME: Mapping[str, Setting] = {setting.name: setting for setting in DECLARED}


class Settings:
    """The current values, read from and written to one JSON file."""

    def __init__(self, path: Path, values: Mapping[str, SettingValue] | None = None) -> None:
        self.path = path
        self._values: dict[str, SettingValue] = {s.name: s.default for s in DECLARED}
        for name, value in (values or {}).items():
            self._values[name] = value

    @classmethod
    def load(cls, folder: Path) -> Settings:
        """The settings in `folder`; defaults for anything missing, unreadable or invalid."""
        return cls(folder / SETTINGS_FILE, _stored(folder / SETTINGS_FILE))

    @staticmethod
    def chosen(folder: Path, name: str) -> SettingValue | None:
        """The valid value the file in `folder` sets for `name`; None when it sets none.

        For the verbs, whose own defaults may differ from the app's (the CLI speaks English
        unless told otherwise).
        """
        return _stored(folder / SETTINGS_FILE).get(name)

    def get(self, name: str) -> SettingValue:
        return self._values[BY_NAME[name].name]

    @property
    def language(self) -> str:
        return str(self._values["language"])

    @property
    def theme(self) -> str:
        return str(self._values["theme"])

    @property
    def idle_lock_minutes(self) -> int:
        value = self._values["idle_lock_minutes"]
        return value if isinstance(value, int) else 0

    @property
    def sync_minutes(self) -> int:
        value = self._values["sync_minutes"]
        return value if isinstance(value, int) else 0

    @property
    def discreet_mode(self) -> bool:
        return bool(self._values["discreet_mode"])

    @property
    def server_url(self) -> str:
        return str(self._values["server_url"])

    @property
    def ca_bundle(self) -> str:
        return str(self._values["ca_bundle"])

    @property
    def allow_insecure_http(self) -> bool:
        return bool(self._values["allow_insecure_http"])

    def with_value(self, name: str, value: SettingValue) -> Settings:
        """A copy with one value changed; ValueError when the setting refuses it."""
        setting = BY_NAME.get(name)
        if setting is None:
            raise ValueError(f"unknown setting {name!r}")
        if not setting.accepts(value):
            raise ValueError(f"{value!r} is not a valid value for {name!r}")
        return Settings(self.path, {**self._values, name: value})

    def as_dict(self) -> dict[str, SettingValue]:
        return dict(self._values)

    def save(self) -> None:
        """Write atomically: a temporary file beside the target, fsynced, then renamed."""
        write_atomically(self.path, json.dumps(self._values, indent=2, sort_keys=True) + "\n")


def _stored(path: Path) -> dict[str, SettingValue]:
    """The valid values in the settings file; what is unreadable or invalid is logged."""
    values: dict[str, SettingValue] = {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raw = {}
    except (OSError, ValueError) as error:
        log.warning("ignoring unreadable settings file %s: %s", path, error)
        raw = {}
    if not isinstance(raw, dict):
        raw = {}
    for name, value in raw.items():
        setting = BY_NAME.get(name)
        if setting is None:
            log.warning("ignoring unknown setting %r in %s", name, path)
        elif setting.accepts(value):
            values[name] = value
        else:
            log.warning("ignoring invalid value %r for setting %r", value, name)
    return values
