"""IT's machine-wide presets (QSettings, system scope) and the person's own settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from fieldapp.app.settings import Settings
from fieldapp.ui.presets import apply_presets, machine_presets


def system_settings(folder: Path, values: dict[str, str]) -> QSettings:
    """A system-scope INI file in `folder`, as IT writes /etc/xdg/fieldapp/fieldapp.conf."""
    store = QSettings(str(folder / "fieldapp.conf"), QSettings.Format.IniFormat)
    for key, value in values.items():
        store.setValue(key, value)
    store.sync()
    return QSettings(str(folder / "fieldapp.conf"), QSettings.Format.IniFormat)


def test_machine_presets_set_the_defaults_and_the_persons_choice_wins(tmp_path: Path) -> None:
    store = system_settings(
        tmp_path,
        {
            "server_url": "https://central.denhaag.example",
            "language": "en",
            "sync_minutes": "15",
            "theme": "purple",  # not a theme: ignored, not fatal
            "idle_lock_minutes": "soon",  # not a number: ignored
        },
    )
    presets = machine_presets(store)
    assert presets == {
        "server_url": "https://central.denhaag.example",
        "language": "en",
        "sync_minutes": 15,
    }
    home = tmp_path / "home"
    home.mkdir()
    environ: dict[str, str] = {}
    settings = apply_presets(Settings.load(home), home, presets, environ)
    assert environ == {"FIELDAPP_SERVER_URL": "https://central.denhaag.example"}
    assert settings.language == "en" and settings.get("sync_minutes") == 15
    # The person chose Dutch on this device: that stays; an address in the environment too.
    Settings.load(home).with_value("language", "nl").save()
    environ = {"FIELDAPP_SERVER_URL": "https://other.example"}
    settings = apply_presets(Settings.load(home), home, presets, environ)
    assert settings.language == "nl"
    assert environ["FIELDAPP_SERVER_URL"] == "https://other.example"


def test_without_presets_nothing_changes(tmp_path: Path) -> None:
    presets = machine_presets(QSettings(str(tmp_path / "none.conf"), QSettings.Format.IniFormat))
    assert presets == {}
    environ: dict[str, str] = {}
    settings = apply_presets(Settings.load(tmp_path), tmp_path, presets, environ)
    assert environ == {} and settings.language == "nl"
