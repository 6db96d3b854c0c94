"""Errors of the world get a plain sentence; bugs get a traceback in the log file.

A full disk, a wrong password or an unreachable server is a `FieldappError` and is told
to the person in their language. Anything else is a bug in fieldapp: its traceback goes to
`<home>/logs/fieldapp.log` and the person is told that something went wrong, where the
details are, and that what they entered is kept.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from fieldapp.core.errors import FieldappError

log = logging.getLogger("fieldapp.ui")

LOG_FILE = Path("logs") / "fieldapp.log"


def start_bug_log(home: Path) -> Path:
    """Send log records of fieldapp to a rotating file in the profile folder."""
    path = home / LOG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("fieldapp")
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            return path
    _rotate(path)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return path


def _rotate(path: Path, keep: int = 3, limit: int = 2_000_000) -> None:
    """Start a fresh log when the last one grew large, keeping a few old ones.

    Done once at start-up (not per record, as logging.handlers would): cheaper to import,
    and a session's log is never split in two.
    """
    try:
        if path.stat().st_size < limit:
            return
    except FileNotFoundError:
        return
    for number in range(keep - 1, 0, -1):
        older = path.with_name(f"{path.name}.{number}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{number + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))


def describe(error: BaseException, language: str, log_file: Path | None = None) -> str:
    """The sentence a person sees for `error`; a bug is logged with its traceback first."""
    if isinstance(error, FieldappError):
        return error.text(language)
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    where = str(log_file) if log_file is not None else ""
    if where:
        return QCoreApplication.translate(
            "Errors",
            "Something went wrong in fieldapp. What you entered is kept. "
            "The details were written to {log}.",
        ).format(log=where)
    return QCoreApplication.translate(
        "Errors", "Something went wrong in fieldapp. What you entered is kept."
    )
