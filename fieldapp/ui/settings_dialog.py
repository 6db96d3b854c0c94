"""The settings a person changes: language, colours, and when the app locks itself.

Every change applies at once and is saved atomically in the profile folder; there is no
OK button to forget.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QButtonGroup, QDialog, QPushButton, QVBoxLayout, QWidget

from fieldapp.ui.context import AppContext
from fieldapp.ui.widgets import FlowLayout, make_button, make_label

LOCK_MINUTES = (0, 2, 5, 10, 15, 30)


class SettingsDialog(QDialog):
    """Language, theme and idle lock; each a row of large segments."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("settings_dialog")
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        self.heading = make_label(role="title")
        layout.addWidget(self.heading)
        self.language_label = make_label(role="label")
        self.languages = self._segments(
            layout, self.language_label, [("nl", "Nederlands"), ("en", "English")], "language"
        )
        self.theme_label = make_label(role="label")
        self.themes = self._segments(
            layout, self.theme_label, [("light", ""), ("dark", ""), ("high_contrast", "")], "theme"
        )
        self.lock_label = make_label(role="label")
        self.locks = self._segments(
            layout,
            self.lock_label,
            [(str(minutes), "") for minutes in LOCK_MINUTES],
            "idle_lock_minutes",
        )
        self.lock_hint = make_label(role="hint")
        layout.addWidget(self.lock_hint)
        layout.addStretch(1)
        self.close_button = make_button(role="primary")
        self.close_button.setObjectName("settings_close")
        self.close_button.clicked.connect(self.accept)
        layout.addWidget(self.close_button, alignment=Qt.AlignmentFlag.AlignRight)
        self.resize(640, 460)
        self.retranslate()

    def _segments(
        self,
        layout: QVBoxLayout,
        label: QWidget,
        options: list[tuple[str, str]],
        setting: str,
    ) -> dict[str, QPushButton]:
        layout.addSpacing(6)
        layout.addWidget(label)
        # Segments wrap to a second line rather than shrink: squeezed, their text is cut
        # ("l0 mir"), worst with the larger type of high contrast.
        holder = QWidget()
        row = FlowLayout(holder)
        group = QButtonGroup(self)
        buttons: dict[str, QPushButton] = {}
        current = str(self.context.settings.get(setting))
        for value, text in options:
            button = make_button(text, "segment")
            button.setObjectName(f"{setting}_{value}")
            button.setCheckable(True)
            button.setChecked(value == current)
            group.addButton(button)
            button.clicked.connect(lambda _=False, v=value, s=setting: self._chosen(s, v))
            buttons[value] = button
            row.addWidget(button)
        layout.addWidget(holder)
        return buttons

    def _chosen(self, setting: str, value: str) -> None:
        self.context.change_setting(
            setting, int(value) if setting == "idle_lock_minutes" else value
        )
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.heading.setText(self.tr("Settings"))
        self.language_label.setText(self.tr("Language"))
        self.theme_label.setText(self.tr("Colours"))
        self.themes["light"].setText(self.tr("Light"))
        self.themes["dark"].setText(self.tr("Dark"))
        self.themes["high_contrast"].setText(self.tr("High contrast (daylight)"))
        self.lock_label.setText(self.tr("Lock the app after"))
        for minutes, button in self.locks.items():
            button.setText(
                self.tr("Never") if minutes == "0" else self.tr("%1 min").replace("%1", minutes)
            )
        self.lock_hint.setText(
            self.tr(
                "When the app locks, what is on screen stays as it is; your password "
                "brings it back."
            )
        )
        self.close_button.setText(self.tr("Done"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @classmethod
    def ask(cls, parent: QWidget, context: AppContext, done: Callable[[], None]) -> SettingsDialog:
        dialog = cls(context, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.finished.connect(lambda _result: done())
        dialog.open()
        return dialog
