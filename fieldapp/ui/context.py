"""The application context: everything a screen needs, built once at start-up.

There are no global singletons: `app.run` makes one `AppContext` and passes it to the
main window, which passes it on. Tests build a small one with a temporary home folder,
cheap password hashing and fake devices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from fieldapp.app.settings import Settings, SettingValue
from fieldapp.ui.devices import DeviceSupport, PhotoFiles
from fieldapp.ui.i18n import Translations
from fieldapp.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from datetime import datetime

    from fieldapp.app.review.desk import ReviewDesk
    from fieldapp.app.session import KdfParams, SignedIn
    from fieldapp.app.syncing import SyncConnection
    from fieldapp.ui.demo_store import DemoStore


def _now() -> datetime:
    # datetime imported here: not needed on the way to the sign-in window.
    from datetime import datetime

    return datetime.now()


class SettingsChanged(QObject):
    """Signals:
    changed(str): the setting with this name has a new value (already saved).
    """

    changed = Signal(str)


@dataclass
class AppContext:
    """Settings, background tasks, translations, devices and, once signed in, the profile."""

    home: Path
    settings: Settings
    tasks: TaskRunner
    translations: Translations
    devices: DeviceSupport
    log_file: Path
    #: No central store configured: the demo with the seed world on this machine.
    demo: bool
    clock: Callable[[], datetime] = _now
    #: Password hashing cost for new profiles; None is the store's (slow, safe) default.
    kdf: KdfParams | None = None
    photo_files: type[PhotoFiles] = PhotoFiles
    signed_in: SignedIn | None = None
    #: Makes a supervisor's review desk (may block: called on the task runner); None
    #: leaves the review inbox unconnected (tests that do not need a central store).
    review_desk: Callable[[SignedIn], ReviewDesk] | None = None
    #: Connects an officer's or mystery guest's profile to the central store (blocks:
    #: called on the task runner; may start the demo's store); None: this run does not
    #: sync (tests that do not need a central store).
    sync_connection: Callable[[SignedIn], SyncConnection] | None = None
    #: The demo's central store started in the background (the app's demo run); None:
    #: this run starts none ahead of a session (tests, a configured central store).
    demo_store: DemoStore | None = None
    signals: SettingsChanged = field(default_factory=SettingsChanged)

    @property
    def language(self) -> str:
        return self.settings.language

    def change_setting(self, name: str, value: SettingValue) -> None:
        """Use a new value at once and save the file on the task runner."""
        self.settings = self.settings.with_value(name, value)
        settings = self.settings
        self.tasks.run(settings.save)
        self.signals.changed.emit(name)
