"""A date and time picker for fingers: a month of large days, the hours and five-minute steps.

The spin boxes of a date or time question are small targets on a tablet, and their
sections must be tapped before typing. `MomentPicker` shows every choice as a button of
at least `TOUCH` pixels: a calendar month for the day, the hours 00-23 and the minutes in
steps of five, with "Now", Cancel and OK. With the keyboard, Tab moves between the
calendar and the two grids, the arrow keys move inside them, and Space or Return chooses;
Return on OK (or anywhere outside a grid) takes the moment, Escape cancels.

A minute that is no step of five (07:13, typed in the field) is kept until a minute
button is chosen.
"""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QCalendarWidget,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldapp.core.forms import QuestionType
from fieldapp.ui.dates import short_date, short_date_time, short_time
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.widgets import make_button, make_label

#: Buttons per row in the hour and minute grids.
COLUMNS = 6
#: The minutes offered as buttons.
MINUTE_STEP = 5
#: A calendar day's cell: more than a fingertip, and room for "Wed" in the header.
DAY_CELL = TOUCH + 14

Moment = date | time | datetime


class ButtonGrid(QWidget):
    """Numbers as a grid of large checkable buttons, one of which is chosen.

    The arrow keys move the focus inside the grid (Tab leaves it); Space or Return
    chooses the focused number.
    """

    def __init__(self, name: str, values: range, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: list[QPushButton] = []
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for index, value in enumerate(values):
            button = make_button(f"{value:02d}", "segment")
            button.setObjectName(f"{name}_{value:02d}")
            button.setCheckable(True)
            button.setMinimumSize(TOUCH + 12, TOUCH)
            button.installEventFilter(self)
            self.group.addButton(button, value)
            self.buttons.append(button)
            layout.addWidget(button, index // COLUMNS, index % COLUMNS)
        self.group.buttonClicked.connect(self.rove)
        self.rove(self.buttons[0])

    def rove(self, current: QAbstractButton) -> None:
        """Only `current` is in the Tab chain: Tab leaves the grid, arrows move inside."""
        for button in self.buttons:
            button.setFocusPolicy(
                Qt.FocusPolicy.StrongFocus if button is current else Qt.FocusPolicy.ClickFocus
            )

    def chosen(self) -> int | None:
        value = self.group.checkedId()
        return None if value < 0 else value

    def choose(self, value: int | None) -> None:
        """Check the button of `value`; none for None or a value without a button."""
        button = self.group.button(value) if value is not None else None
        if button is None:
            # An exclusive group keeps one button checked; lift that for "none".
            self.group.setExclusive(False)
            for each in self.buttons:
                each.setChecked(False)
            self.group.setExclusive(True)
        else:
            button.setChecked(True)
        self.rove(self.focus_target())

    def focus_target(self) -> QPushButton:
        """The chosen button, else the first: where Tab lands in the grid."""
        value = self.chosen()
        found = self.group.button(value) if value is not None else None
        return found if isinstance(found, QPushButton) else self.buttons[0]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or watched not in self.buttons:
            return super().eventFilter(watched, event)
        assert isinstance(event, QKeyEvent) and isinstance(watched, QPushButton)
        index = self.buttons.index(watched)
        step = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: -COLUMNS,
            Qt.Key.Key_Down: COLUMNS,
        }.get(Qt.Key(event.key()))
        if step is not None:
            target = index + step
            if 0 <= target < len(self.buttons):
                self.rove(self.buttons[target])
                self.buttons[target].setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            watched.click()
            return True
        return super().eventFilter(watched, event)


class MomentPicker(QDialog):
    """Pick a date, a time or both with large targets; `moment()` after `accepted`."""

    def __init__(
        self,
        kind: QuestionType,
        value: Moment | None,
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("moment_picker")
        self.setModal(True)
        self.kind = kind
        self._now = now.replace(second=0, microsecond=0)
        self.has_date = kind in (QuestionType.DATE, QuestionType.DATETIME)
        self.has_time = kind in (QuestionType.TIME, QuestionType.DATETIME)
        start = value if value is not None else self._default()
        #: The minute as it was, kept while no minute button is chosen (07:13).
        self._minute = start.minute if isinstance(start, datetime | time) else 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        self.shown = make_label(role="heading", wrap=False)
        self.shown.setObjectName("picked_moment")
        layout.addWidget(self.shown)
        parts = QHBoxLayout()
        parts.setSpacing(24)
        layout.addLayout(parts)

        self.calendar: QCalendarWidget | None = None
        if self.has_date:
            calendar = self.calendar = QCalendarWidget()
            calendar.setObjectName("picker_calendar")
            calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
            calendar.setGridVisible(False)
            table = calendar.findChild(QTableView)
            if table is not None:
                # Every day a finger's width and height: the month fills 7 by 7 cells.
                for header in (table.horizontalHeader(), table.verticalHeader()):
                    header.setMinimumSectionSize(DAY_CELL)
                    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
                table.setMinimumSize(7 * DAY_CELL, 7 * DAY_CELL)
                table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            calendar.selectionChanged.connect(self._update)
            calendar.activated.connect(lambda _day: self._take_from_calendar())
            parts.addWidget(calendar, 0, Qt.AlignmentFlag.AlignTop)

        self.hours: ButtonGrid | None = None
        self.minutes: ButtonGrid | None = None
        if self.has_time:
            times = QVBoxLayout()
            times.setSpacing(8)
            self.hours_label = make_label(role="label")
            self.minutes_label = make_label(role="label")
            hours = self.hours = ButtonGrid("hour", range(24))
            minutes = self.minutes = ButtonGrid("minute", range(0, 60, MINUTE_STEP))
            hours.group.idClicked.connect(lambda _hour: self._update())
            minutes.group.idClicked.connect(self._minute_chosen)
            times.addWidget(self.hours_label)
            times.addWidget(hours)
            times.addWidget(self.minutes_label)
            times.addWidget(minutes)
            times.addStretch(1)
            parts.addLayout(times)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.now_button = make_button()
        self.now_button.setObjectName("picker_now")
        self.now_button.clicked.connect(self._set_now)
        self.cancel_button = make_button()
        self.cancel_button.setObjectName("picker_cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button = make_button(role="primary")
        self.ok_button.setObjectName("picker_ok")
        self.ok_button.setAutoDefault(True)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.accept)
        buttons.addWidget(self.now_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        layout.addLayout(buttons)

        self._set(start)
        self.retranslate()

    # -- the moment -------------------------------------------------------------------------

    def _default(self) -> Moment:
        if self.kind is QuestionType.DATE:
            return self._now.date()
        if self.kind is QuestionType.TIME:
            return self._now.time()
        return self._now

    def _set(self, value: Moment) -> None:
        if self.calendar is not None and isinstance(value, date):
            self.calendar.setSelectedDate(QDate(value.year, value.month, value.day))
        if isinstance(value, datetime | time):
            self._minute = value.minute
            if self.hours is not None and self.minutes is not None:
                self.hours.choose(value.hour)
                step = value.minute if value.minute % MINUTE_STEP == 0 else None
                self.minutes.choose(step)
        self._update()

    def _minute_chosen(self, minute: int) -> None:
        self._minute = minute
        self._update()

    def _set_now(self) -> None:
        self._set(self._default())

    def _take_from_calendar(self) -> None:
        """A day chosen with Return or a double tap: a date alone is done."""
        if not self.has_time:
            self.accept()

    def moment(self) -> Moment:
        """The date, time or both as chosen."""
        day = self._now.date()
        if self.calendar is not None:
            day = self.calendar.selectedDate().toPython()  # type: ignore[assignment]
        if not self.has_time:
            return day
        hour = self.hours.chosen() if self.hours is not None else None
        chosen = time(hour if hour is not None else 0, self._minute)
        if not self.has_date:
            return chosen
        return datetime.combine(day, chosen)

    def _update(self) -> None:
        moment = self.moment()
        if isinstance(moment, datetime):
            self.shown.setText(short_date_time(moment))
        elif isinstance(moment, time):
            self.shown.setText(short_time(moment))
        else:
            self.shown.setText(short_date(moment))
        self.setAccessibleDescription(self.shown.text())

    # -- keyboard ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Start where the choosing starts: the day, else the hour.
        if self.calendar is not None:
            self.calendar.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.hours is not None:
            self.hours.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    # -- language ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        if self.kind is QuestionType.DATE:
            self.setWindowTitle(self.tr("Choose a date"))
        elif self.kind is QuestionType.TIME:
            self.setWindowTitle(self.tr("Choose a time"))
        else:
            self.setWindowTitle(self.tr("Choose a date and time"))
        if self.has_time:
            self.hours_label.setText(self.tr("Hour"))
            self.minutes_label.setText(self.tr("Minutes"))
        self.now_button.setText(self.tr("Now"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.ok_button.setText(self.tr("OK"))
        self._update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
