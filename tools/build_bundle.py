"""Build the desktop bundle with PyInstaller and check that it works, from an empty folder.

    pip install pyinstaller                  # into the environment that has fieldapp[server]
    python -m tools.build_bundle             # build dist/fieldapp/, then the smoke checks
    python -m tools.build_bundle --check-only

The spec is packaging/fieldapp.spec. The smoke checks run the bundle's own `fieldapp`
(`fieldapp-cli.exe` on Windows) with a throwaway home, the way the wheel is checked in
tests/install/test_wheel.py: `--version`, `forms check`, `seed`, `sync` against the demo's
own central store (started by the bundle as itself), `report summary` into a PDF, and the
app's window offscreen in Dutch (it must come up and stay up; tests/install checks the
sign-in screen's texts for the wheel). Not part of the test suite: a
build takes minutes; CI or a release runs this script.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "fieldapp.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def program(dist: Path) -> Path:
    """The bundle's command-line program."""
    if os.name == "nt":
        return dist / "fieldapp" / "fieldapp-cli.exe"
    return dist / "fieldapp" / "fieldapp"


def build(dist: Path) -> None:
    started = time.monotonic()
    subprocess.run(
        [
            *(sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--clean"),
            *("--distpath", str(dist), "--workpath", str(WORK), "--log-level", "WARN"),
        ],
        cwd=ROOT,
        check=True,
    )
    print(f"built {dist / 'fieldapp'} in {time.monotonic() - started:.0f} s")


def check(dist: Path) -> int:
    """Run the smoke checks; print each with its time; 0 when every one passed."""
    command = program(dist)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="fieldapp-bundle-") as scratch:
        folder = Path(scratch)
        home = folder / "home"
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTHONPATH", "PYTHONHOME", "FIELDAPP_HOME", "VIRTUAL_ENV"}
        }
        environment |= {"FIELDAPP_PASSWORD": "demo", "QT_QPA_PLATFORM": "offscreen"}
        steps: list[tuple[str, list[str]]] = [
            ("version", ["--version"]),
            ("forms check", ["forms", "check"]),
            ("seed", ["seed", "--home", str(home), "--inspections", "10"]),
            ("sync (demo store)", ["sync", "--home", str(home), "--demo"]),
            (
                "report summary",
                [
                    *("report", "summary", "--home", str(home)),
                    *("--from", "2000-01-01", "--to", "2100-01-01", "-o", "summary.pdf"),
                ],
            ),
            ("app offscreen, Dutch", ["--home", str(home), "--lang", "nl"]),
        ]
        for name, arguments in steps:
            started = time.monotonic()
            if name.startswith("app"):
                ok, detail = _app_starts(command, arguments, folder, environment)
            else:
                done = subprocess.run(
                    [str(command), *arguments],
                    cwd=folder,
                    env=environment,
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
                ok = done.returncode == 0
                lines = (done.stdout + done.stderr).strip().splitlines()
                detail = lines[-1] if lines else ""
            failures += not ok
            mark = "ok  " if ok else "FAIL"
            print(f"{mark} {name:<22} {time.monotonic() - started:5.1f} s  {detail}")
        if not (folder / "summary.pdf").is_file():
            print("FAIL summary.pdf was not written")
            failures += 1
    return 1 if failures else 0


def _app_starts(
    command: Path, arguments: list[str], folder: Path, environment: dict[str, str]
) -> tuple[bool, str]:
    """The window comes up and stays up for a few seconds (then it is closed)."""
    process = subprocess.Popen(
        [str(command), *arguments],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        code = process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.terminate()
        process.communicate(timeout=30)
        return True, "still running after 15 s"
    output = process.stdout.read() if process.stdout else ""
    return False, f"ended with {code}: {output.strip()[-300:]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check-only", action="store_true", help="check an existing build")
    parser.add_argument(
        "--dist", type=Path, default=DIST, metavar="DIR", help="where the bundle goes (dist/)"
    )
    args = parser.parse_args()
    if not args.check_only:
        build(args.dist)
    return check(args.dist)


if __name__ == "__main__":
    raise SystemExit(main())
