"""Small dialogs with a `@classmethod ask(...)` entry point that tests can replace.

They open window-modal with `open()`, not `exec()`: no nested event loop, so the app keeps
drawing and autosaving behind them, and a test can click their buttons like a person.
The answer arrives through a callback.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from fieldapp.ui.widgets import make_button, make_label


class Confirm(QDialog):
    """A question with a cancel and a confirm button; confirm is never the default."""

    def __init__(
        self,
        title: str,
        text: str,
        confirm: str,
        parent: QWidget | None = None,
        *,
        danger: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirm_dialog")
        self.setWindowTitle(title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        self.heading = make_label(title, "heading")
        self.text = make_label(text)
        self.cancel = make_button(self.tr("Cancel"))
        self.cancel.setObjectName("confirm_cancel")
        self.cancel.clicked.connect(self.reject)
        self.confirm = make_button(confirm, "danger" if danger else "primary")
        self.confirm.setObjectName("confirm_ok")
        self.confirm.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.confirm)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)
        # Enter answers "cancel": the safe choice is the default, confirming takes a tap.
        self.cancel.setAutoDefault(True)
        self.cancel.setDefault(True)
        self.cancel.setFocus()

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        title: str,
        text: str,
        confirm: str,
        done: Callable[[], None],
        *,
        danger: bool = False,
    ) -> Confirm:
        """Ask; `done()` runs only when the person confirms."""
        dialog = cls(title, text, confirm, parent, danger=danger)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                done()

        dialog.finished.connect(finished)
        dialog.open()
        return dialog
