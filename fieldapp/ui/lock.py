"""The lock screen and the discreet cover, laid over the window when needed.

When the app locks (after the idle time, or at the person's request) the lock screen asks
for the password again. What was on screen stays underneath, untouched, and is shown
again after unlocking. The discreet cover (mystery guests) hides everything at one key
press or tap and comes back with the same key or a long press.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from fieldapp.ui.widgets import make_button, make_card, make_label


class LockScreen(QFrame):
    """Covers the window until the password is given again.

    Signals:
        unlock_requested(str): the person typed a password and pressed Unlock.
        sign_out_requested(): the person prefers to sign out (what is saved stays saved).
    """

    unlock_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lock_screen")
        self.setAutoFillBackground(True)
        self.setProperty("role", "lock")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = make_card()
        card.setMaximumWidth(480)
        box = QVBoxLayout(card)
        box.setContentsMargins(28, 24, 28, 24)
        box.setSpacing(12)
        self.heading = make_label(role="heading")
        self.who = make_label(role="muted")
        self.password = QLineEdit()
        self.password.setObjectName("unlock_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._unlock)
        self.message = make_label(role="issue")
        self.message.hide()
        self.unlock = make_button(role="primary")
        self.unlock.setObjectName("unlock")
        self.unlock.clicked.connect(self._unlock)
        self.sign_out = make_button()
        self.sign_out.setObjectName("lock_sign_out")
        self.sign_out.clicked.connect(self.sign_out_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_out)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock)
        box.addWidget(self.heading)
        box.addWidget(self.who)
        box.addWidget(self.password)
        box.addWidget(self.message)
        box.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Locked"))
        self.password.setPlaceholderText(self.tr("Password"))
        self.password.setAccessibleName(self.tr("Password"))
        self.unlock.setText(self.tr("Unlock"))
        self.sign_out.setText(self.tr("Sign out"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_for(self, name: str) -> None:
        self.who.setText(
            self.tr(
                "The app is locked. %1, type your password to continue where you were."
            ).replace("%1", name)
        )
        self.password.clear()
        self.message.hide()
        self.set_busy(False)
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.password.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.unlock.setEnabled(not busy)
        self.password.setEnabled(not busy)
        self.unlock.setText(self.tr("Checking…") if busy else self.tr("Unlock"))

    def refuse(self, message: str) -> None:
        self.set_busy(False)
        self.message.setText(message)
        self.message.show()
        self.password.selectAll()
        self.password.setFocus()

    def _unlock(self) -> None:
        if self.password.text():
            self.set_busy(True)
            self.unlock_requested.emit(self.password.text())


class Cover(QWidget):
    """A plain black screen over everything; F12 or a long press brings the app back.

    Signals:
        uncover_requested(): the person wants the app back.
    """

    uncover_requested = Signal()

    def __init__(self, parent: QWidget, long_press_ms: int = 1000) -> None:
        super().__init__(parent)
        self.setObjectName("discreet_cover")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(long_press_ms)
        self._hold.timeout.connect(self.uncover_requested)
        self.hide()

    def cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.setFocus()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F12:
            self.uncover_requested.emit()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._hold.start()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._hold.stop()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.TouchBegin:
            self._hold.start()
            return True
        if event.type() in (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            self._hold.stop()
            return True
        return super().event(event)
