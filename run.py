#!/usr/bin/env python3
"""Quick start: `python3 run.py` starts fieldapp, `python3 run.py test` runs every check.

Needs only Python 3.11+. The first run makes `.venv/` beside this file and installs the
exact versions in requirements.lock, every file checked against its hash; later runs
reinstall only when the lock or pyproject.toml changed. Anything after the verb is passed
on (to fieldapp or to pytest).

requirements.lock is one universal lock for Linux, Windows and macOS (platform markers,
hashes of every published file). After changing the dependencies in pyproject.toml,
regenerate it with uv, installed in a scratch environment outside the repository (uv is
not a dependency of fieldapp):

    python3 -m venv ../uv-scratch && ../uv-scratch/bin/pip install uv
    ../uv-scratch/bin/uv pip compile pyproject.toml --extra dev --universal --generate-hashes \
        --python-version 3.11 -o requirements.lock

uv keeps the versions already in the lock unless asked to upgrade (`--upgrade-package`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".fieldapp-installed"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _run(*command: str | Path) -> int:
    return subprocess.call([str(part) for part in command], cwd=ROOT)


def ensure_environment() -> None:
    # run.py itself may be started by an older Python: say so plainly instead of failing later.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit(f"fieldapp needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    fingerprint = _fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("Installing the locked dependencies into .venv …", flush=True)
    pip = [PYTHON, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    if _run(*pip, "install", "--require-hashes", "-r", "requirements.lock") != 0:
        sys.exit("Installing the dependencies failed; see the messages above.")
    if _run(*pip, "install", "--no-deps", "--no-build-isolation", "-e", ".") != 0:
        sys.exit("Installing fieldapp itself failed; see the messages above.")
    STAMP.write_text(fingerprint)


def run_tests(extra: list[str]) -> int:
    """Lint, format check, strict typing, then the test suite; all run, any failure fails."""
    steps: list[tuple[str, list[str | Path]]] = [
        ("ruff check", [PYTHON, "-m", "ruff", "check", "."]),
        ("ruff format --check", [PYTHON, "-m", "ruff", "format", "--check", "."]),
        ("mypy --strict", [PYTHON, "-m", "mypy"]),
        ("pytest", [PYTHON, "-m", "pytest", *_parallel(extra), *extra]),
    ]
    failed: list[str] = []
    for title, command in steps:
        print(f"== {title}", flush=True)
        if _run(*command) != 0:
            failed.append(title)
    if failed:
        print(f"== failed: {', '.join(failed)}", flush=True)
        return 1
    return 0


def _parallel(extra: list[str]) -> list[str]:
    """Test files spread over the machine's cores (at most four), unless the caller chose."""
    chosen = any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in extra)
    if chosen or "no:xdist" in extra:
        return []
    return ["--numprocesses=auto", "--maxprocesses=4", "--dist=loadfile"]


def main(argv: list[str]) -> int:
    ensure_environment()
    if argv[:1] == ["test"]:
        return run_tests(argv[1:])
    fieldapp = BIN / ("fieldapp.exe" if os.name == "nt" else "fieldapp")
    return _run(fieldapp, *argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
