"""The boa's reply to a supervisor's comment, typed under the comment in a correction.

A return comments on questions, groups or sections; in the correction each of them gets a
short field for a reply ("De voorraad in de kelderbox is meegewogen, zie foto 2"). The
reply autosaves like an answer, travels inside the corrected version and is read by the
supervisor beside her comment. It is optional: a correction may simply fix the answer.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from fieldapp.core.answers import MAX_REPLY_CHARS
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.widgets import make_label


class ReplyField(QFrame):
    """One reply, to the comment on `name`.

    Signals:
        replied(str, str): the reply to the comment on this name changed (name, text).
    """

    replied = Signal(str, str)

    def __init__(
        self, name: str, text: str = "", *, editable: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName(f"reply_{name}")
        # Styled as a note of the boa's own, apart from the supervisor's comment above it.
        self.setProperty("role", "note")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        head = QHBoxLayout()
        self.title = make_label(role="label")
        self.counter = make_label(role="muted", wrap=False)
        self.counter.setObjectName("reply_counter")
        head.addWidget(self.title, 1)
        head.addWidget(self.counter, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(head)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("reply_editor")
        # Tab leaves the field (a reply has no tabs), so the keyboard moves on as elsewhere.
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(TOUCH + 12)
        self.editor.setMaximumHeight(TOUCH * 2 + 12)
        self.editor.setPlainText(text)
        self.editor.setReadOnly(not editable)
        self.title.setBuddy(self.editor)
        layout.addWidget(self.editor)
        self._shown = text
        self.editor.textChanged.connect(self._typed)
        self.retranslate()

    @property
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Show a reply (typing it emits `replied`, as a person's typing does)."""
        self.editor.setPlainText(text)

    def focus_editor(self) -> bool:
        if not self.editor.isVisibleTo(self.window()):
            return False
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        return True

    def _typed(self) -> None:
        text = self.editor.toPlainText()
        if len(text) > MAX_REPLY_CHARS:
            # A paste over the limit is cut at it, where the person can see it, rather
            # than refused later by the store or the central store.
            cursor = self.editor.textCursor()
            position = min(cursor.position(), MAX_REPLY_CHARS)
            self.editor.blockSignals(True)
            self.editor.setPlainText(text[:MAX_REPLY_CHARS])
            self.editor.blockSignals(False)
            cursor = self.editor.textCursor()
            cursor.setPosition(position)
            self.editor.setTextCursor(cursor)
            text = text[:MAX_REPLY_CHARS]
        self._refresh_counter()
        if text.strip() != self._shown.strip():
            self._shown = text
            self.replied.emit(self.name, text.strip())

    def _refresh_counter(self) -> None:
        self.counter.setText(f"{len(self.editor.toPlainText())} / {MAX_REPLY_CHARS}")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Reply to your supervisor"))
        self.editor.setPlaceholderText(
            self.tr("Optional: what you changed, or why the answer stands")
        )
        self.editor.setAccessibleName(self.tr("Reply to your supervisor"))
        self.counter.setAccessibleName(self.tr("Characters used"))
        self._refresh_counter()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
