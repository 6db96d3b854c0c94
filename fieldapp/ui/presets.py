"""What IT presets for every user of a machine, read through QSettings (docs/devices.md).

Machine-wide settings live where each platform keeps them: on Windows the registry key
`HKEY_LOCAL_MACHINE\\Software\\fieldapp\\fieldapp` (a group policy can write it), on Linux
the INI file `/etc/xdg/fieldapp/fieldapp.conf`, on macOS the system preferences. A person's
own choice (the home's settings.json) wins over a preset, and a preset is only a default:
nothing here is written.

The central store's address and certificate authorities are passed on as the environment
variables every part of fieldapp already reads (`FIELDAPP_SERVER_URL`,
`FIELDAPP_CA_BUNDLE`), unless the environment sets them itself; the other keys become the
app's settings where the home's file does not set them.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from pathlib import Path

from PySide6.QtCore import QSettings

from fieldapp.app.settings import BY_NAME, Settings, SettingValue
from fieldapp.core.environment import CA_BUNDLE_VARIABLE, SERVER_URL_VARIABLE

__all__ = ["ENVIRONMENT_KEYS", "SETTING_KEYS", "apply_presets", "machine_presets"]

log = logging.getLogger(__name__)

#: Presets passed on as environment variables, which the CLI and the app read alike.
ENVIRONMENT_KEYS = {"server_url": SERVER_URL_VARIABLE, "ca_bundle": CA_BUNDLE_VARIABLE}
#: Presets that become app settings where the person's file does not set them.
SETTING_KEYS = ("language", "theme", "idle_lock_minutes", "sync_minutes")


def machine_presets(store: QSettings | None = None) -> dict[str, SettingValue]:
    """The valid presets of this machine, typed as the settings declare them; a value of
    the wrong type or outside its choices is left out (and logged), never fatal."""
    source = store or QSettings(
        QSettings.Format.NativeFormat, QSettings.Scope.SystemScope, "fieldapp", "fieldapp"
    )
    found: dict[str, SettingValue] = {}
    for key in (*ENVIRONMENT_KEYS, *SETTING_KEYS):
        raw = source.value(key)
        if raw is None or raw == "":
            continue
        declared = BY_NAME[key]
        value: SettingValue
        text = str(raw).strip()
        if declared.type is int:
            try:
                value = int(text)
            except ValueError:
                log.warning("machine preset %s=%r is not a whole number; ignored", key, text)
                continue
        elif declared.type is bool:
            value = text.lower() in ("1", "true", "yes")
        else:
            value = text
        if not declared.accepts(value):
            log.warning("machine preset %s=%r is not allowed; ignored", key, text)
            continue
        found[key] = value
    return found


def apply_presets(
    settings: Settings,
    home: Path,
    presets: dict[str, SettingValue],
    environ: MutableMapping[str, str],
) -> Settings:
    """`settings` with the machine's presets where the person chose nothing; the address
    and CA bundle go into `environ` where it does not set them."""
    for key, variable in ENVIRONMENT_KEYS.items():
        value = presets.get(key)
        if isinstance(value, str) and value and not environ.get(variable, "").strip():
            environ[variable] = value
    for key in SETTING_KEYS:
        if key in presets and Settings.chosen(home, key) is None:
            settings = settings.with_value(key, presets[key])
    return settings
