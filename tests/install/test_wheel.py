"""The wheel works anywhere: built, installed into a fresh environment, run from elsewhere.

The fresh environment reuses this test environment's dependencies (a `.pth` line pointing
at its site-packages, which does not carry over this checkout's editable install), so the
test runs offline and quickly; pip installs only the wheel, with `--no-deps --no-index`.
Every command runs from an empty folder with a clean PYTHONPATH, so nothing of the
checkout can be found by accident: `forms check`, `seed`, `sync` with the demo's own
store, `report summary`, the Dutch catalogue, and the app offscreen up to its sign-in
screen in Dutch with the demo accounts listed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldapp.core.formfile import form_files
from fieldapp.core.locations import PROJECT_ROOT
from tools.package_data import shipped_files

#: What a build of the wheel needs from the checkout (a copy, so the tree stays clean).
BUILD_INPUTS = ("fieldapp", "forms", "seeds", "resources", "tools", "packaging")
BUILD_FILES = ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in")


@dataclass(frozen=True)
class Installed:
    """A fresh environment with only the wheel installed, and an empty folder to run in."""

    python: Path
    command: Path
    wheel: Path
    folder: Path
    home: Path

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTHONPATH", "FIELDAPP_HOME", "VIRTUAL_ENV"}
        }
        environment |= {"FIELDAPP_PASSWORD": "demo", "QT_QPA_PLATFORM": "offscreen"}
        return subprocess.run(
            [str(self.command), *args],
            cwd=self.folder,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _scripts(environment: Path) -> Path:
    return environment / ("Scripts" if os.name == "nt" else "bin")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in BUILD_INPUTS:
        if (PROJECT_ROOT / name).is_dir():
            shutil.copytree(PROJECT_ROOT / name, source / name, ignore=ignore)
    for name in BUILD_FILES:
        shutil.copy2(PROJECT_ROOT / name, source / name)
    dist = base / "dist"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
            *("-q", "--no-index", "-w", str(dist), str(source)),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (wheel,) = dist.glob("fieldapp-*.whl")
    environment = base / "env"
    venv.create(environment, with_pip=False, symlinks=os.name != "nt")
    python = _scripts(environment) / ("python.exe" if os.name == "nt" else "python")
    found = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # This environment's dependencies, appended after the fresh one's own site-packages.
    Path(found, "reuse-test-dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "-q"),
            *("--no-deps", "--no-index", str(wheel)),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    folder = base / "elsewhere"
    folder.mkdir()
    yield Installed(python, _scripts(environment) / "fieldapp", wheel, folder, base / "home")


def test_the_wheel_carries_every_shipped_data_file(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as archive:
        names = set(archive.namelist())
    expected = {
        f"fieldapp/_data/{relative.as_posix()}" for _, relative in shipped_files(PROJECT_ROOT)
    }
    assert expected
    assert expected <= names
    assert any(name.endswith("fieldapp_nl.qm") for name in expected)
    assert any(name.endswith("LICENSE") and ".dist-info/" in name for name in names)


def test_the_desktop_install_leaves_the_server_to_its_extra(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = archive.read(name).decode("utf-8")
    requires = [
        line.partition(": ")[2]
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist: ")
    ]
    always = {
        re.split(r"[\s\[<>=!;~]", r, maxsplit=1)[0].lower() for r in requires if "extra ==" not in r
    }
    server = {
        re.split(r"[\s\[<>=!;~]", r, maxsplit=1)[0].lower()
        for r in requires
        if re.search(r"extra\s*==\s*['\"]server['\"]", r)
    }
    assert {"fastapi", "uvicorn", "sqlalchemy", "psycopg"} <= server
    assert not always & server
    assert {"pillow", "pyside6-essentials", "httpx"} <= always
    assert any(r.startswith("PySide6-Essentials") and "<6.12" in r for r in requires)
    assert "License-Expression: EUPL-1.2" in metadata


def test_the_installed_package_reads_its_data_from_itself(installed: Installed) -> None:
    found = subprocess.run(
        [str(installed.python), "-c", "import fieldapp.core.locations as l; print(l.data_root())"],
        cwd=installed.folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(found).parts[-2:] == ("fieldapp", "_data")
    assert PROJECT_ROOT not in Path(found).parents


def test_forms_check_from_another_folder(installed: Installed) -> None:
    done = installed.run("forms", "check")
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stderr.splitlines() if line.startswith("ok")]
    checked = sorted(words[1] for words in lines if words[1] != "policy")
    shipped = sorted(p.stem for p in form_files(PROJECT_ROOT / "forms"))
    assert checked == shipped
    # The sanction policy beside the forms is shipped and checked too.
    assert ["ok", "policy", "den_haag_sanctions"] in [words[:3] for words in lines]


def test_seed_and_summary_report_from_another_folder(installed: Installed) -> None:
    home = str(installed.home)
    seeded = installed.run("seed", "--home", home, "--inspections", "4", "--photos", "0")
    assert seeded.returncode == 0, seeded.stderr
    assert seeded.stdout.startswith("4 inspections")
    pdf = installed.folder / "summary.pdf"
    made = installed.run(
        "report",
        "summary",
        "--home",
        home,
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
        "-o",
        str(pdf),
    )
    assert made.returncode == 0, made.stderr
    assert PdfReader(pdf).pages[0].extract_text().strip()
    # The shipped DejaVu font, embedded as a subset ("/BaseFont /ABCDEF+DejaVuSans").
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+DejaVuSans\b", pdf.read_bytes())


def test_sync_with_the_demo_store_from_another_folder(installed: Installed) -> None:
    home = str(installed.home)
    if not installed.home.exists():
        assert installed.run("seed", "--home", home, "--inspections", "2").returncode == 0
    # The demo's central store is started by the installed package, not the checkout.
    synced = installed.run("sync", "--home", home, "--demo")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert "Waiting to be sent: 0" in synced.stdout


def _a_dutch_translation() -> tuple[str, str, str]:
    """(context, English source, Dutch) of one message, read from the .ts source."""
    tree = ElementTree.parse(PROJECT_ROOT / "resources" / "i18n" / "fieldapp_nl.ts")
    for context in tree.getroot().iter("context"):
        for message in context.iter("message"):
            source, translation = message.findtext("source"), message.findtext("translation")
            if source == "Sign in" and translation:
                return context.findtext("name") or "", source, translation
    raise AssertionError("no Dutch 'Sign in' in fieldapp_nl.ts")


def test_the_dutch_catalogue_loads_from_the_installed_package(installed: Installed) -> None:
    context, source, dutch = _a_dutch_translation()
    code = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from fieldapp.ui.i18n import Translations\n"
        "app = QCoreApplication([])\n"
        "Translations(app).apply('nl')\n"
        f"print(QCoreApplication.translate({context!r}, {source!r}))\n"
    )
    done = subprocess.run(
        [str(installed.python), "-c", code],
        cwd=installed.folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == dutch


def test_the_app_starts_offscreen_to_the_sign_in_screen_in_dutch(installed: Installed) -> None:
    done = subprocess.run(
        [str(installed.python), str(Path(__file__).with_name("sign_in_probe.py")), "app-home"],
        cwd=installed.folder,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    _, _, dutch = _a_dutch_translation()
    assert dutch in shown
    # The demo accounts came from the package's own seed world.
    assert any("Fatima El Amrani" in text for text in shown), shown
