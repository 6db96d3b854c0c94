"""The app says who it is: name, version, organisation, icon, and the Linux desktop entry."""

from __future__ import annotations

import configparser
import json
import subprocess
import sys

from fieldapp import __version__
from fieldapp.core.locations import PROJECT_ROOT, resources_directory
from fieldapp.ui.app import DESKTOP_FILE


def test_the_application_carries_its_version_organisation_and_icon() -> None:
    # A fresh process: the tests' shared QApplication was made by pytest-qt, not by us.
    code = (
        "import json\n"
        "from fieldapp.ui.app import application\n"
        "app = application()\n"
        "icon = app.windowIcon()\n"
        "print(json.dumps([app.applicationName(), app.applicationVersion(),\n"
        "    app.organizationName(), app.desktopFileName(), icon.isNull(),\n"
        "    sorted(s.width() for s in icon.availableSizes())]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    name, version, organisation, desktop, no_icon, sizes = json.loads(done.stdout)
    assert (name, version, organisation) == ("fieldapp", __version__, "Gemeente Den Haag")
    assert desktop == DESKTOP_FILE
    assert not no_icon and max(sizes) >= 256


def test_the_desktop_entry_names_the_command_and_the_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(PROJECT_ROOT / "packaging" / f"{DESKTOP_FILE}.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "fieldapp"
    assert section["Icon"] == DESKTOP_FILE
    assert section["StartupWMClass"] == "fieldapp"
    assert (resources_directory() / "icons" / "fieldapp.svg").is_file()
