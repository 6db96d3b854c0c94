"""Start the app as `fieldapp --lang nl --home DIR` does; print what the window shows, as JSON.

Run by tests/install/test_wheel.py with the fresh environment's Python, from an empty
folder: it imports only the installed fieldapp and PySide6. It prints once the demo
accounts are listed (or after 60 s), then quits the app.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QLabel

from fieldapp.ui import app as ui_app

STARTED = time.monotonic()


def shown_texts() -> list[str]:
    """The texts of the visible buttons, labels and list rows of every visible window."""
    found: list[str] = []
    for window in QApplication.topLevelWidgets():
        if not window.isVisible():
            continue
        found += [w.text() for w in window.findChildren(QAbstractButton) if w.isVisible()]
        found += [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
        for view in window.findChildren(QAbstractItemView):
            model = view.model()
            for row in range(model.rowCount() if model is not None else 0):
                value = model.index(row, 0).data(Qt.ItemDataRole.DisplayRole)
                if value:
                    found.append(str(value))
    return found


def look() -> None:
    texts = shown_texts()
    if any("Fatima El Amrani" in text for text in texts) or time.monotonic() - STARTED > 60:
        print(json.dumps(texts))
        QApplication.quit()
        return
    QTimer.singleShot(200, look)


def main() -> int:
    make = ui_app.application

    def application() -> QApplication:
        app = make()
        QTimer.singleShot(200, look)  # once there is an application to run the timer
        return app

    ui_app.application = application
    return ui_app.run(argparse.Namespace(home=sys.argv[1], lang="nl"))


if __name__ == "__main__":
    raise SystemExit(main())
