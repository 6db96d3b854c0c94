"""Counting down while nobody touches the app, for the idle lock."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

#: Input that counts as someone using the app.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Counts down while nobody touches the app.

    Signals:
        idle(): the idle time passed without any input.
    """

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self._minutes = 0

    def set_minutes(self, minutes: int) -> None:
        self._minutes = minutes
        self.restart()

    def set_interval_ms(self, milliseconds: int) -> None:
        """A short interval for tests; the settings speak in minutes."""
        self._minutes = -1
        self._timer.setInterval(milliseconds)
        self._timer.start()

    def restart(self) -> None:
        if self._minutes > 0:
            self._timer.start(self._minutes * 60_000)
        elif self._minutes == 0:
            self._timer.stop()
        else:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False
