"""One widget per question type, all alike: label, hint, editor, and an inline message.

A question widget shows an answer (`show_answer`, which never echoes back) and reports
what the person did (`answered`). It does not talk to the session or the store; the
runner decides what an edit means and which widgets to update from the engine's `Changes`.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QEvent,
    QObject,
    QPoint,
    QRegularExpression,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.core.engine import Field
from fieldapp.core.expr import Value
from fieldapp.core.forms import Choice, QuestionType
from fieldapp.ui.runner.picker import MomentPicker
from fieldapp.ui.runner.services import RunnerServices
from fieldapp.ui.runner.texts import FormTexts
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.widgets import (
    FlowLayout,
    keep_place,
    make_button,
    make_label,
    set_flag,
    with_room_before_text,
)


class QuestionWidget(QFrame):
    """The frame every question shares; subclasses build the editor.

    Signals:
        answered(object): the person gave, changed or cleared (``''``) the answer.
        submitted(): Enter in a one-line editor: go on to the next question.
    """

    answered = Signal(object)
    submitted = Signal()

    def __init__(
        self,
        field: Field,
        row: str | None,
        texts: FormTexts,
        services: RunnerServices,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.row = row
        self.key = (field.name, row)
        self.texts = texts
        self.services = services
        self._quiet = False
        self._issue: str | None = None
        self._local_problem: str | None = None
        self._comment: str | None = None
        self.setProperty("role", "question")
        self.setObjectName(f"question_{field.name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        self.title = make_label(role="label")
        self.hint = make_label(role="hint")
        self.body = QVBoxLayout()
        self.body.setSpacing(8)
        self.issue_label = make_label(role="issue")
        self.issue_label.hide()
        if field.question.constraint:
            # Answering can break the constraint: its message line is kept free so it
            # appears without pushing the rest of the page down under the finger.
            keep_place(self.issue_label)
        self.comment = make_label(role="comment")
        self.comment.setObjectName("review_comment")
        self.comment.hide()
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.comment)
        layout.addLayout(self.body)
        layout.addWidget(self.issue_label)
        self.build()
        self.retranslate()

    # -- for subclasses ------------------------------------------------------------------

    def build(self) -> None:
        """Create the editor in `self.body`."""

    def _show(self, value: Value) -> None:
        """Put `value` in the editor (signals are muted while this runs)."""

    def _retranslate_editor(self) -> None:
        """Re-read the editor's own texts after a language switch."""

    def editor(self) -> QWidget | None:
        """The main control, for focus and the screen reader's name."""
        return None

    def emit_answer(self, value: Value) -> None:
        if not self._quiet:
            self.answered.emit(value)

    # -- for the runner ------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return (
            not self.field.question.read_only
            and self.field.calculation is None
            and self.services.may_edit(self.field.name)
        )

    def show_answer(self, value: Value) -> None:
        self._quiet = True
        try:
            self._show(value)
        finally:
            self._quiet = False

    def set_issue(self, text: str | None) -> None:
        self._issue = text
        self._refresh_issue()

    def set_comment(self, text: str | None) -> None:
        """A supervisor's comment on this question, shown above the answer; an empty text:
        she reopened it without a comment."""
        self._comment = text
        self.comment.setVisible(text is not None)
        if text:
            self.comment.setText(self.tr("Supervisor: %1").replace("%1", text))
        elif text is not None:
            self.comment.setText(self.tr("Your supervisor reopened this question."))

    def set_local_problem(self, text: str | None) -> None:
        """A problem the widget found itself (e.g. text that is not a number)."""
        self._local_problem = text
        self._refresh_issue()

    @property
    def shown_issue(self) -> str | None:
        return self._local_problem or self._issue

    def set_visible_choices(self, visible: set[str]) -> None:
        """Select questions hide the choices a choice filter rules out."""

    def retranslate(self) -> None:
        question = self.field.question
        label = self.texts.text(question.label)
        marker = " *" if question.required is True else ""
        self.title.setText(label + marker)
        self.title.setVisible(bool(label))
        hint = self.texts.text(question.hint)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        editor = self.editor()
        if editor is not None:
            editor.setAccessibleName(label)
            editor.setAccessibleDescription(hint)
        self.setAccessibleName(label)
        self._retranslate_editor()
        self._refresh_issue()
        self.set_comment(self._comment)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def focus_editor(self) -> bool:
        editor = self.editor()
        if editor is None or not editor.isEnabled() or not editor.isVisibleTo(self):
            for child in self.findChildren(QWidget):
                if child.focusPolicy() & Qt.FocusPolicy.TabFocus and child.isVisibleTo(self):
                    child.setFocus(Qt.FocusReason.OtherFocusReason)
                    return True
            return False
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _refresh_issue(self) -> None:
        text = self.shown_issue
        self.issue_label.setText(f"⚠ {text}" if text else "")
        self.issue_label.setVisible(bool(text))
        set_flag(self, "problem", bool(text))
        editor = self.editor()
        if editor is not None:
            hint = self.texts.text(self.field.question.hint)
            editor.setAccessibleDescription(" ".join(part for part in (text, hint) if part))

    def tr_choice(self, choice: Choice) -> str:
        return self.texts.text(choice.label)


class ChoiceKeys(QObject):
    """Keyboard for a set of choice buttons: arrows move, Space and Return answer.

    Qt's own handling is uneven: arrows in an exclusive radio group answer while moving,
    Tab skips unchecked radios and Return does nothing on a button. Here every choice is
    a Tab stop, arrows only move the focus (moving is not answering), and Space or Return
    answers the focused choice, as a tap would.
    """

    def __init__(self, buttons: list[QAbstractButton], parent: QObject) -> None:
        super().__init__(parent)
        self._buttons = buttons
        for button in buttons:
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QAbstractButton) or watched not in self._buttons:
            return False
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Tab and not event.modifiers():
                return self._move(watched, 1)
            if key == Qt.Key.Key_Backtab or (
                key == Qt.Key.Key_Tab and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
            ):
                return self._move(watched, -1)
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                return False
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
                self._move(watched, -1)
                return True
            if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
                self._move(watched, 1)
                return True
            if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Select):
                if not event.isAutoRepeat() and watched.isEnabled():
                    watched.click()
                return True
        if event.type() == QEvent.Type.KeyRelease and isinstance(event, QKeyEvent):
            # The press already answered; Qt's release would answer a second time.
            return event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Select)
        return False

    def _move(self, current: QAbstractButton, step: int) -> bool:
        """Focus the next (or previous) choice; False at either end, where Tab leaves."""
        reachable = [b for b in self._buttons if b.isVisible() and b.isEnabled()]
        if current not in reachable:
            return False
        index = reachable.index(current) + step
        if 0 <= index < len(reachable):
            reachable[index].setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return False


class WideCheckBox(QCheckBox):
    """A check box that a finger can hit anywhere on its row, not just on the box or text."""

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)


class WideRadioButton(QRadioButton):
    """A radio button that a finger can hit anywhere on its row."""

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)


# -- text and numbers ---------------------------------------------------------------------


class _LineEdit(QLineEdit):
    """A one-line editor whose Enter means 'go on'."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class TextQuestion(QuestionWidget):
    def build(self) -> None:
        self._line: _LineEdit | None = None
        self._multi: QPlainTextEdit | None = None
        if self.field.question.appearance == "multiline":
            self._multi = QPlainTextEdit()
            self._multi.setTabChangesFocus(True)
            self._multi.setMinimumHeight(TOUCH * 2 + 12)
            self._multi.setMaximumHeight(TOUCH * 4)
            self._multi.textChanged.connect(self._typed_multi)
            self.body.addWidget(self._multi)
        else:
            self._line = _LineEdit()
            self._line.setClearButtonEnabled(True)
            self._line.textChanged.connect(self._typed)
            self._line.submitted.connect(self.submitted)
            self.body.addWidget(self._line)
        if not self.editable:
            for editor in (self._line, self._multi):
                if editor is not None:
                    editor.setReadOnly(True)

    def editor(self) -> QWidget | None:
        return self._line or self._multi

    def _typed(self, text: str) -> None:
        self.emit_answer(text if text.strip() else "")

    def _typed_multi(self) -> None:
        assert self._multi is not None
        text = self._multi.toPlainText()
        self.emit_answer(text if text.strip() else "")

    def _show(self, value: Value) -> None:
        text = value if isinstance(value, str) else self.texts.value(value)
        if self._line is not None and self._line.text() != text:
            self._line.setText(text)
        if self._multi is not None and self._multi.toPlainText() != text:
            self._multi.setPlainText(text)


class NumberQuestion(QuestionWidget):
    """Integers and decimals, with the unit beside them; whole numbers get − and + buttons."""

    def build(self) -> None:
        whole = self.field.kind is QuestionType.INTEGER
        self._whole = whole
        row = QHBoxLayout()
        row.setSpacing(8)
        self._minus: QPushButton | None = None
        self._plus: QPushButton | None = None
        self._line = _LineEdit()
        self._line.setMaximumWidth(220)
        pattern = r"^-?\d{0,12}$" if whole else r"^-?\d{0,12}([.,]\d{0,6})?$"
        self._line.setValidator(QRegularExpressionValidator(QRegularExpression(pattern)))
        self._line.setInputMethodHints(
            Qt.InputMethodHint.ImhDigitsOnly
            if whole
            else Qt.InputMethodHint.ImhFormattedNumbersOnly
        )
        self._line.textChanged.connect(self._typed)
        self._line.submitted.connect(self.submitted)
        if whole and self.editable:
            self._minus = make_button("−", "segment")
            self._minus.clicked.connect(lambda: self._step(-1))
            self._plus = make_button("+", "segment")
            self._plus.clicked.connect(lambda: self._step(1))
            row.addWidget(self._minus)
            row.addWidget(self._line)
            row.addWidget(self._plus)
        else:
            row.addWidget(self._line)
        self._unit = make_label(role="muted", wrap=False)
        row.addWidget(self._unit)
        row.addStretch(1)
        self.body.addLayout(row)
        if not self.editable:
            self._line.setReadOnly(True)

    def editor(self) -> QWidget | None:
        return self._line

    def _retranslate_editor(self) -> None:
        self._unit.setText(self.texts.text(self.field.question.unit))
        if self._minus is not None and self._plus is not None:
            self._minus.setAccessibleName(self.tr("One less"))
            self._plus.setAccessibleName(self.tr("One more"))

    def _typed(self, text: str) -> None:
        number = self.texts.parse(text, self._whole)
        if text.strip() and text.strip() not in ("-",) and number is None:
            self.set_local_problem(
                self.tr("Enter a whole number.") if self._whole else self.tr("Enter a number.")
            )
            self.emit_answer("")
            return
        self.set_local_problem(None)
        self.emit_answer("" if number is None else number)

    def _step(self, delta: int) -> None:
        number = self.texts.parse(self._line.text(), True)
        if not isinstance(number, int):
            # "−" on an empty count means nothing yet, not minus one.
            if delta < 0:
                return
            number = 0
        self._line.setText(str(number + delta))

    def _show(self, value: Value) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            shown = self.texts.parse(self._line.text(), self._whole)
            if shown != value:
                self._line.setText(self.texts.number(value))
        elif value == "" and self.texts.parse(self._line.text(), self._whole) is not None:
            self._line.clear()


# -- choices ------------------------------------------------------------------------------


def _segmented(field: Field, texts: FormTexts) -> bool:
    """Few short choices read best as one row of buttons."""
    if field.question.appearance == "horizontal":
        return True
    choices = field.choices or ()
    return len(choices) <= 3 and all(len(texts.text(c.label)) <= 14 for c in choices)


class SelectOneQuestion(QuestionWidget):
    """Large radio buttons, a row of segments (`horizontal`), or a list (`minimal`)."""

    def build(self) -> None:
        self._choices = list(self.field.choices or ())
        self._buttons: dict[str, QAbstractButton] = {}
        self._combo: QComboBox | None = None
        self._group: QButtonGroup | None = None
        self._clear = make_button(role="link")
        self._clear.setObjectName("clear_answer")
        self._clear.clicked.connect(lambda: self._pick(""))
        self._clear.hide()
        # "Clear" appears with the first answer; it keeps its place empty until then, beside
        # the choices, so answering never moves what is below (a second tap would miss).
        keep_place(self._clear)
        appearance = self.field.question.appearance
        if appearance == "minimal":
            self._combo = QComboBox()
            self._combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            self._combo.addItem("", "")
            for choice in self._choices:
                self._combo.addItem(self.tr_choice(choice), choice.name)
            self._combo.currentIndexChanged.connect(self._combo_changed)
            row = QHBoxLayout()
            row.addWidget(self._combo)
            row.addWidget(self._clear)
            row.addStretch(1)
            self.body.addLayout(row)
            return
        self._segments = _segmented(self.field, self.texts)
        holder = QWidget()
        layout: FlowLayout | QVBoxLayout
        if self._segments:
            layout = FlowLayout(holder)
        else:
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(2)
        self._group = QButtonGroup(self)
        # Segments toggle: a second tap on the chosen one clears it.
        self._group.setExclusive(not self._segments)
        for choice in self._choices:
            button: QAbstractButton
            if self._segments:
                button = make_button(self.tr_choice(choice), "segment")
                button.setCheckable(True)
            else:
                button = WideRadioButton(self.tr_choice(choice))
            button.setObjectName(f"choice_{choice.name}")
            button.setEnabled(self.editable)
            self._group.addButton(button)
            self._buttons[choice.name] = button
            layout.addWidget(button)
        self._group.buttonClicked.connect(self._clicked)
        self._keys = ChoiceKeys(list(self._buttons.values()), self)
        if not self.editable:
            self.body.addWidget(holder)
            return
        if self._segments:
            layout.addWidget(self._clear)
            self.body.addWidget(holder)
        else:
            row = QHBoxLayout()
            row.setSpacing(8)
            row.addWidget(holder, 1)
            row.addWidget(self._clear, 0, Qt.AlignmentFlag.AlignTop)
            self.body.addLayout(row)

    def editor(self) -> QWidget | None:
        if self._combo is not None:
            return self._combo
        for button in self._buttons.values():
            if button.isVisibleTo(self):
                return button
        return None

    def _retranslate_editor(self) -> None:
        self._clear.setText(self.tr("Clear answer"))
        self._clear.setAccessibleName(self.tr("Clear answer"))
        for choice in self._choices:
            if choice.name in self._buttons:
                self._buttons[choice.name].setText(self.tr_choice(choice))
        if self._combo is not None:
            self._combo.setItemText(0, self.tr("Choose…"))
            for index, choice in enumerate(self._choices, start=1):
                self._combo.setItemText(index, self.tr_choice(choice))

    def _clicked(self, button: QAbstractButton) -> None:
        name = next(n for n, b in self._buttons.items() if b is button)
        if self._segments:
            if button.isChecked():
                for other in self._buttons.values():
                    if other is not button:
                        other.setChecked(False)
                self._pick(name)
            else:
                self._pick("")
        else:
            self._pick(name)

    def _combo_changed(self, index: int) -> None:
        assert self._combo is not None
        data = self._combo.itemData(index)
        self._pick(data if isinstance(data, str) else "")

    def _pick(self, name: str) -> None:
        if not name:
            self._show("")
        self._clear.setVisible(bool(name) and self.editable)
        self.emit_answer(name)

    def _show(self, value: Value) -> None:
        name = value if isinstance(value, str) else ""
        self._clear.setVisible(bool(name) and self.editable)
        if self._combo is not None:
            index = self._combo.findData(name)
            self._combo.setCurrentIndex(max(0, index))
            return
        if self._group is not None:
            exclusive = self._group.exclusive()
            self._group.setExclusive(False)
            for choice_name, button in self._buttons.items():
                button.setChecked(choice_name == name)
            self._group.setExclusive(exclusive)

    def set_visible_choices(self, visible: set[str]) -> None:
        for name, button in self._buttons.items():
            button.setVisible(name in visible)
        if self._combo is not None:
            view = self._combo.view()
            for index, choice in enumerate(self._choices, start=1):
                view.setRowHidden(index, choice.name not in visible)  # type: ignore[attr-defined]


class SelectMultipleQuestion(QuestionWidget):
    def build(self) -> None:
        self._choices = list(self.field.choices or ())
        self._boxes: dict[str, QCheckBox] = {}
        for choice in self._choices:
            box = WideCheckBox(self.tr_choice(choice))
            box.setObjectName(f"choice_{choice.name}")
            box.setEnabled(self.editable)
            box.toggled.connect(self._toggled)
            self._boxes[choice.name] = box
            self.body.addWidget(box)
        self._keys = ChoiceKeys(list(self._boxes.values()), self)

    def editor(self) -> QWidget | None:
        return next((box for box in self._boxes.values() if box.isVisibleTo(self)), None)

    def _retranslate_editor(self) -> None:
        for choice in self._choices:
            self._boxes[choice.name].setText(self.tr_choice(choice))

    def _toggled(self) -> None:
        chosen = tuple(name for name, box in self._boxes.items() if box.isChecked())
        self.emit_answer(chosen if chosen else "")

    def _show(self, value: Value) -> None:
        chosen = set(value) if isinstance(value, tuple) else set()
        for name, box in self._boxes.items():
            box.setChecked(name in chosen)

    def set_visible_choices(self, visible: set[str]) -> None:
        for name, box in self._boxes.items():
            box.setVisible(name in visible)


# -- dates and times ------------------------------------------------------------------------


class DateTimeQuestion(QuestionWidget):
    """Date, time or both; empty until set, with 'Now' one tap away.

    Typing fills the field as usual (0715 gives 07:15); "Choose…" opens the large-target
    picker of `fieldapp.ui.runner.picker` for fingers.
    """

    def build(self) -> None:
        kind = self.field.kind
        self._edit: QDateTimeEdit
        if kind is QuestionType.DATE:
            self._edit = QDateEdit()
            self._edit.setDisplayFormat("dd-MM-yyyy")
            self._edit.setCalendarPopup(True)
        elif kind is QuestionType.TIME:
            self._edit = with_room_before_text(QTimeEdit())
            self._edit.setDisplayFormat("HH:mm")
        else:
            self._edit = QDateTimeEdit()
            self._edit.setDisplayFormat("dd-MM-yyyy  HH:mm")
            self._edit.setCalendarPopup(True)
        self._edit.setMinimumWidth(220)
        self._edit.dateTimeChanged.connect(self._edited)
        self._edit.setReadOnly(not self.editable)
        self._empty = make_label(role="muted", wrap=False)
        self._pick = make_button()
        self._pick.setObjectName(f"pick_{self.field.name}")
        self._pick.clicked.connect(self.open_picker)
        self._now = make_button()
        self._now.clicked.connect(self._set_now)
        self._clear = make_button("×")
        self._clear.clicked.connect(lambda: self._set_empty(emit=True))
        #: The large-target picker while it is open.
        self.picker: MomentPicker | None = None
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self._edit)
        row.addWidget(self._empty)
        row.addWidget(self._pick)
        row.addWidget(self._now)
        row.addWidget(self._clear)
        row.addStretch(1)
        self.body.addLayout(row)
        for button in (self._pick, self._now, self._clear):
            button.setVisible(self.editable)
        self._set_empty(emit=False)

    def editor(self) -> QWidget | None:
        return self._edit if self._edit.isVisibleTo(self) else self._now

    def _retranslate_editor(self) -> None:
        self._pick.setText(self.tr("Choose…"))
        kind = self.field.kind
        if kind is QuestionType.DATE:
            self._pick.setAccessibleName(self.tr("Choose the date on a calendar"))
        elif kind is QuestionType.TIME:
            self._pick.setAccessibleName(self.tr("Choose the time with large buttons"))
        else:
            self._pick.setAccessibleName(self.tr("Choose the date and time with large buttons"))
        self._now.setText(self.tr("Now"))
        self._now.setAccessibleName(self.tr("Fill in the current time"))
        self._clear.setAccessibleName(self.tr("Clear answer"))
        self._empty.setText(self.tr("Not filled in"))

    def _set_now(self) -> None:
        moment = self.services.clock().replace(microsecond=0)
        kind = self.field.kind
        value: Value
        if kind is QuestionType.DATE:
            value = moment.date()
        elif kind is QuestionType.TIME:
            value = moment.time()
        else:
            value = moment
        self._show(value)
        self.emit_answer(value)

    def open_picker(self) -> None:
        """The large-target picker, starting at the answer shown (or now)."""
        current: Value | None = None
        if self._edit.isVisibleTo(self):
            moment = self._edit.dateTime()
            kind = self.field.kind
            if kind is QuestionType.DATE:
                current = moment.date().toPython()  # type: ignore[assignment]
            elif kind is QuestionType.TIME:
                current = moment.time().toPython()  # type: ignore[assignment]
            else:
                current = moment.toPython()  # type: ignore[assignment]
        assert current is None or isinstance(current, date | time)
        picker = self.picker = MomentPicker(
            self.field.kind, current, self.services.clock(), self.window()
        )
        picker.accepted.connect(lambda: self._picked(picker))
        picker.finished.connect(lambda _result: self._picker_closed(picker))
        picker.open()

    def _picked(self, picker: MomentPicker) -> None:
        value = picker.moment()
        self._show(value)
        self.emit_answer(value)

    def _picker_closed(self, picker: MomentPicker) -> None:
        if self.picker is picker:
            self.picker = None
        picker.deleteLater()
        self._pick.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_empty(self, *, emit: bool) -> None:
        self._edit.hide()
        self._clear.hide()
        self._empty.show()
        if emit:
            self.emit_answer("")

    def _edited(self, moment: QDateTime) -> None:
        if not self._edit.isVisibleTo(self):
            return
        kind = self.field.kind
        value: Value
        if kind is QuestionType.DATE:
            value = moment.date().toPython()  # type: ignore[assignment]
        elif kind is QuestionType.TIME:
            value = moment.time().toPython()  # type: ignore[assignment]
        else:
            value = moment.toPython()  # type: ignore[assignment]
        self.emit_answer(value)

    def _show(self, value: Value) -> None:
        was_quiet = self._quiet
        self._quiet = True
        try:
            if isinstance(value, datetime):
                self._edit.setDateTime(
                    QDateTime(
                        QDate(value.year, value.month, value.day),
                        QTime(value.hour, value.minute, value.second),
                    )
                )
            elif isinstance(value, date):
                self._edit.setDate(QDate(value.year, value.month, value.day))
            elif isinstance(value, time):
                self._edit.setTime(QTime(value.hour, value.minute, value.second))
            else:
                self._set_empty(emit=False)
                return
        finally:
            self._quiet = was_quiet
        self._empty.hide()
        self._edit.show()
        self._clear.setVisible(self.editable)


# -- small types ----------------------------------------------------------------------------


class NoteQuestion(QuestionWidget):
    """Information for the person; no answer."""

    def build(self) -> None:
        self.setProperty("role", "note")
        self.title.setProperty("role", "")

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.texts.text(self.field.question.label))


class AcknowledgeQuestion(QuestionWidget):
    """A statement the person confirms: answer 'OK' or empty."""

    def build(self) -> None:
        self._box = WideCheckBox()
        self._box.setObjectName("acknowledge")
        self._box.setEnabled(self.editable)
        self._box.toggled.connect(lambda on: self.emit_answer("OK" if on else ""))
        self.body.addWidget(self._box)

    def editor(self) -> QWidget | None:
        return self._box

    def _retranslate_editor(self) -> None:
        self._box.setText(self.tr("I confirm this"))

    def _show(self, value: Value) -> None:
        self._box.setChecked(value == "OK")


class RatingQuestion(QuestionWidget):
    """Stars from 1 to `max_rating`; tapping the chosen star again clears it."""

    def build(self) -> None:
        top = self.field.question.max_rating or 5
        self._value = 0
        row = QHBoxLayout()
        row.setSpacing(4)
        self._stars: list[QPushButton] = []
        for number in range(1, top + 1):
            star = make_button("☆", "star")
            star.setObjectName(f"star_{number}")
            star.setFixedSize(TOUCH + 4, TOUCH + 4)
            star.setEnabled(self.editable)
            star.clicked.connect(lambda _=False, n=number: self._rate(n))
            self._stars.append(star)
            row.addWidget(star)
        self._caption = make_label(role="muted", wrap=False)
        row.addWidget(self._caption)
        row.addStretch(1)
        self.body.addLayout(row)

    def editor(self) -> QWidget | None:
        return self._stars[0] if self._stars else None

    def _retranslate_editor(self) -> None:
        top = len(self._stars)
        for number, star in enumerate(self._stars, start=1):
            star.setAccessibleName(
                self.tr("%1 of %2 stars").replace("%1", str(number)).replace("%2", str(top))
            )
        self._paint()

    def _rate(self, number: int) -> None:
        self._value = 0 if number == self._value else number
        self._paint()
        self.emit_answer(self._value or "")

    def _paint(self) -> None:
        for number, star in enumerate(self._stars, start=1):
            star.setText("★" if number <= self._value else "☆")
        top = len(self._stars)
        self._caption.setText(
            self.tr("%1 of %2").replace("%1", str(self._value)).replace("%2", str(top))
            if self._value
            else self.tr("Not rated")
        )

    def _show(self, value: Value) -> None:
        self._value = value if isinstance(value, int) and not isinstance(value, bool) else 0
        self._paint()


class CalculatedQuestion(QuestionWidget):
    """A calculated value, shown read-only with its unit; updated from `Changes.values`."""

    def build(self) -> None:
        self._value_label = make_label(role="value", wrap=True)
        self._value_label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self._value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self._value_label, alignment=Qt.AlignmentFlag.AlignLeft)
        self._shown: Value = ""

    def editor(self) -> QWidget | None:
        return self._value_label

    def _retranslate_editor(self) -> None:
        self._show(self._shown)

    def _show(self, value: Value) -> None:
        self._shown = value
        # The engine keeps the value as Collect has it (empty for NaN, or ±Infinity after a
        # division by zero); neither is a number to show, so a dash says "no value yet".
        no_value = value == "" or (isinstance(value, float) and not math.isfinite(value))
        if no_value:
            self._value_label.setText("—")
            self._value_label.setToolTip(self.tr("Not calculated yet"))
            self._value_label.setAccessibleName(self.tr("Not calculated yet"))
            return
        self._value_label.setToolTip("")
        self._value_label.setAccessibleName("")
        unit = self.texts.text(self.field.question.unit)
        text = self.texts.value(value)
        self._value_label.setText(f"{text} {unit}".strip())
