"""Optional devices and the file chooser: small objects the screens are given, not globals.

Probing the camera and the position source loads QtMultimedia and QtPositioning, which
can be slow or print warnings when their system libraries are missing, so it runs once,
after the first window is shown. Choosing photo files is behind `PhotoFiles.ask`, so a
test answers it instead of a person.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    # The sign-in screen loads this module; the domain's models come with the first photo.
    from fieldapp.core.inspection import PhotoPosition

log = logging.getLogger(__name__)

#: Photos the app accepts from a file, by suffix.
PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".heic": "image/heic",
}


class PhotoFiles:
    """Asks the person for photo files; a test replaces `ask`."""

    @classmethod
    def ask(cls, parent: QWidget, title: str, filter_text: str) -> list[Path]:
        from PySide6.QtWidgets import QFileDialog

        patterns = " ".join(f"*{suffix}" for suffix in PHOTO_TYPES)
        names, _ = QFileDialog.getOpenFileNames(parent, title, "", f"{filter_text} ({patterns})")
        return [Path(name) for name in names]


@dataclass(frozen=True)
class PositionFix:
    """One answer of the position source: where, and how sure (None when it does not say)."""

    latitude: float
    longitude: float
    altitude: float | None = None
    accuracy: float | None = None


class DeviceSupport(QObject):
    """Which optional devices this machine has: a camera, a position source; and where
    the device is, asked for without waiting (`locate`).

    Signals:
        changed(): the probe finished and `camera`/`position` may have changed.
        located(float, float): the position source found the device (latitude, longitude).
        fixed(PositionFix): the same, with the altitude and accuracy a location answer keeps.
        not_located(): a `locate` ended without a position (no fix, no permission).

    Every screen asks through `locate`, so one position source serves them all and each
    fix also sorts the venue lists nearest first.
    """

    changed = Signal()
    located = Signal(float, float)
    fixed = Signal(object)
    not_located = Signal()

    #: How long `locate` waits for a fix before `not_located`.
    LOCATE_TIMEOUT_MS = 15_000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.camera = False
        self.position = False
        self.probed = False
        self._source: Any = None
        #: The last position found, and when (monotonic seconds): a screen opened a moment
        #: later starts from it instead of waiting for the next fix.
        self.last_fix: tuple[float, float, float] | None = None
        self.located.connect(self._remember)

    def probe(self) -> None:
        self.camera = _has_camera()
        self.position = _has_position_source()
        self.probed = True
        self.changed.emit()

    def recent_position(self, max_age_s: float = 120.0) -> tuple[float, float] | None:
        """The last position found if it is at most `max_age_s` old, else None."""
        if self.last_fix is None:
            return None
        latitude, longitude, at = self.last_fix
        return (latitude, longitude) if time.monotonic() - at <= max_age_s else None

    def locate(self) -> bool:
        """Ask the position source for the device's position once, without waiting: Qt's
        source answers later with `located` or `not_located`. False (and no signal) when
        this machine has no position source or the probe has not found one yet."""
        if not self.position:
            return False
        if self._source is None:
            from PySide6.QtPositioning import QGeoPositionInfoSource

            self._source = QGeoPositionInfoSource.createDefaultSource(self)
            if self._source is None:
                return False
            self._source.positionUpdated.connect(self._updated)
            self._source.errorOccurred.connect(lambda *_args: self.not_located.emit())
        self._source.requestUpdate(self.LOCATE_TIMEOUT_MS)
        return True

    def _updated(self, info: Any) -> None:
        coordinate = info.coordinate()
        if not coordinate.isValid():
            self.not_located.emit()
            return
        accuracy = info.attribute(info.Attribute.HorizontalAccuracy)
        altitude = coordinate.altitude()
        fix = PositionFix(
            coordinate.latitude(),
            coordinate.longitude(),
            # Qt says "unknown" with NaN (or a negative accuracy).
            altitude if altitude == altitude else None,
            accuracy if accuracy == accuracy and accuracy >= 0 else None,
        )
        self.located.emit(fix.latitude, fix.longitude)
        self.fixed.emit(fix)

    def _remember(self, latitude: float, longitude: float) -> None:
        self.last_fix = (latitude, longitude, time.monotonic())


def _has_camera() -> bool:
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError as error:  # libpulse and friends are missing: no camera then
        log.info("no camera support: %s", error)
        return False
    return bool(QMediaDevices.videoInputs())


def last_known_position() -> PhotoPosition | None:
    """The device's last known position (no waiting for a fix) with its accuracy when the
    source gives one, or None without one: a photo taken now is stamped with it."""
    try:
        from PySide6.QtPositioning import QGeoPositionInfo, QGeoPositionInfoSource
    except ImportError:
        return None
    # Asked from the autosave's worker thread: a source owned by a throwaway object of
    # that thread, so both go when this returns.
    holder = QObject()
    source = QGeoPositionInfoSource.createDefaultSource(holder)
    if source is None:
        return None
    found = source.lastKnownPosition()
    if not found.isValid():
        return None
    from fieldapp.core.inspection import PhotoPosition

    coordinate = found.coordinate()
    accuracy: float | None = None
    if found.hasAttribute(QGeoPositionInfo.Attribute.HorizontalAccuracy):
        accuracy = found.attribute(QGeoPositionInfo.Attribute.HorizontalAccuracy)
    try:
        return PhotoPosition(
            lat=coordinate.latitude(), lon=coordinate.longitude(), accuracy=accuracy
        )
    except ValueError:  # a source that reports NaN or an absurd accuracy knows nothing
        log.info("position source gave an unusable fix: %s", coordinate.toString())
        return None


def _has_position_source() -> bool:
    try:
        from PySide6.QtPositioning import QGeoPositionInfoSource
    except ImportError as error:
        log.info("no positioning support: %s", error)
        return False
    return bool(QGeoPositionInfoSource.availableSources())
