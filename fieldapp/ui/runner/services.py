"""What the runner's widgets may ask of the world around them, passed in explicitly.

Choosing files, the camera and the device position are behind small objects (see
`fieldapp.ui.devices`), so a test or a machine without a camera swaps them without
touching the widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fieldapp.app.venues import RegistryDirectory, VenueDirectory
from fieldapp.ui.devices import PHOTO_TYPES, DeviceSupport, PhotoFiles
from fieldapp.ui.tasks import TaskRunner

__all__ = ["PHOTO_TYPES", "DeviceSupport", "PhotoFiles", "RunnerServices"]


@dataclass
class RunnerServices:
    """Everything a runner's widgets use besides the session itself."""

    tasks: TaskRunner
    venues: VenueDirectory = field(default_factory=lambda: RegistryDirectory([], []))
    devices: DeviceSupport = field(default_factory=DeviceSupport)
    photo_files: type[PhotoFiles] = PhotoFiles
    clock: Callable[[], datetime] = datetime.now
    #: The municipality's map tile file (`fieldapp.app.maps.find_map_tiles`); None: no map,
    #: the registry list picks a place.
    map_tiles: Path | None = None
    #: Show answers without letting anything change (a sent or returned inspection).
    read_only: bool = False
    #: A correction: only these questions may change; None means all of them.
    editable: frozenset[str] | None = None

    def may_edit(self, name: str) -> bool:
        return not self.read_only and (self.editable is None or name in self.editable)
