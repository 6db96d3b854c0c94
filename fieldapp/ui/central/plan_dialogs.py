"""The dialogs to plan, change, reassign and cancel an assignment or a door-test round.

Saving runs on the task runner. The dialog closes only when the central store took the
plan; when it refused (a problem in what was typed), could not be reached, or someone else
changed the same assignment first (409), the dialog stays open with everything typed in
it, and a conflict shows the current state under the sentence. Saving again then builds
on that current version, so the supervisor decides, with both in view, what stays.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, QLocale, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.planning import (
    Board,
    PlannedAssignment,
    PlannedRound,
    Planning,
    PlanningConflict,
)
from fieldapp.core.entities import (
    FORM_ROLES,
    FORM_VENUE_KINDS,
    AssignmentForm,
    DoorTestGround,
    Role,
    User,
    VisitOrder,
)
from fieldapp.ui.central.base import Banner, run_central
from fieldapp.ui.central.names import Names, form_name, state_name
from fieldapp.ui.context import AppContext
from fieldapp.ui.widgets import make_button, with_room_before_text

if TYPE_CHECKING:
    from fieldapp.ui.central.planning import PlanningPanel


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


def _choose(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


def _note(nl: QPlainTextEdit, en: QPlainTextEdit) -> dict[str, str] | None:
    note = {
        language: edit.toPlainText().strip()
        for language, edit in (("nl", nl), ("en", en))
        if edit.toPlainText().strip()
    }
    return note or None


class _PlanDialog(QDialog):
    """Signals:
    saved(object): the central store took the plan (the answer: planned assignment/round).
    """

    saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setMinimumWidth(760)
        self.version: int | None = None
        self.banner = Banner()
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(self.form, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = make_button(self.tr("Close"))
        self.close_button.setObjectName("plan_close")
        self.close_button.clicked.connect(self.reject)
        self.save = make_button(self.tr("Save"), role="primary")
        self.save.setObjectName("plan_save")
        self.save.clicked.connect(self.submit)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save)
        layout.addLayout(buttons)

    def note_fields(self) -> tuple[QPlainTextEdit, QPlainTextEdit]:
        nl, en = QPlainTextEdit(), QPlainTextEdit()
        nl.setObjectName("note_nl")
        en.setObjectName("note_en")
        for edit in (nl, en):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(88)
        return nl, en

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def send(self, values: dict[str, Any]) -> Callable[[], object]:
        raise NotImplementedError

    def submit(self) -> None:
        values = self.values()
        if self.version is not None:
            values["version"] = self.version
        self.save.setEnabled(False)
        run_central(self.context, self, self.banner, self.send(values), self._done, self._refused)

    def _done(self, answer: object) -> None:
        self.save.setEnabled(True)
        self.saved.emit(answer)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.save.setEnabled(True)
        if isinstance(error, PlanningConflict):
            self.crossed(error)

    def crossed(self, conflict: PlanningConflict) -> None:
        """Show what is current and build the next save on it; what was typed stays."""


class AssignmentDialog(_PlanDialog):
    def __init__(
        self,
        context: AppContext,
        planning: Planning,
        board: Board,
        people: list[User],
        names: Names,
        planned: PlannedAssignment | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("assignment_dialog")
        self.planning = planning
        self.names = names
        self.planned = planned
        self.setWindowTitle(
            self.tr("New assignment") if planned is None else self.tr("Change or reassign")
        )
        self.checklist = QComboBox()
        self.checklist.setObjectName("plan_form")
        forms = [AssignmentForm.COFFEESHOP_INSPECTION, AssignmentForm.NEIGHBOURHOOD_PATROL]
        if planned is not None and planned.assignment.form_id not in forms:
            # A door test planned outside a round (the demo's) is shown as what it is;
            # new door tests are planned as rounds.
            forms.append(planned.assignment.form_id)
        for form in forms:
            self.checklist.addItem(form_name(form.value), form.value)
        self.venue = QComboBox()
        self.venue.setObjectName("plan_venue")
        self.venue.setEditable(True)
        self.venue.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.area = QComboBox()
        self.area.setObjectName("plan_area")
        for area in sorted(board.areas, key=lambda a: a.name):
            self.area.addItem(area.name, area.id)
        self.venues = [v for v in board.venues if v.active]
        self.who = QComboBox()
        self.who.setObjectName("plan_who")
        self.led = list(board.teams)
        self.people = people
        self.due = QDateEdit()
        self.due.setObjectName("plan_due")
        self.due.setCalendarPopup(True)
        self.due.setDate(_qdate(context.clock().date()))
        self.several = QCheckBox(self.tr("Several days, until"))
        self.several.setObjectName("plan_several")
        self.until = QDateEdit()
        self.until.setObjectName("plan_until")
        self.until.setCalendarPopup(True)
        self.until.setDate(self.due.date().addDays(6))
        self.until.setEnabled(False)
        self.several.toggled.connect(self.until.setEnabled)
        self.priority = QComboBox()
        self.priority.setObjectName("plan_priority")
        for value, text in (
            ("normal", self.tr("normal")),
            ("high", self.tr("high")),
            ("low", self.tr("low")),
        ):
            self.priority.addItem(text, value)
        self.note_nl, self.note_en = self.note_fields()
        # The box and the last day on their own line under the due date: beside it, at the
        # dialog's width, the box's words were cut to "Meerdere dagen, t".
        when = QVBoxLayout()
        when.setSpacing(4)
        first = QHBoxLayout()
        first.addWidget(self.due)
        first.addStretch(1)
        last = QHBoxLayout()
        last.addWidget(self.several)
        last.addWidget(self.until)
        last.addStretch(1)
        when.addLayout(first)
        when.addLayout(last)
        self.form.addRow(self.tr("Checklist"), self.checklist)
        self.form.addRow(self.tr("Venue"), self.venue)
        self.form.addRow(self.tr("Area"), self.area)
        self.form.addRow(self.tr("Assigned to"), self.who)
        self.form.addRow(self.tr("Due"), when)
        self.form.addRow(self.tr("Priority"), self.priority)
        self.form.addRow(self.tr("Instructions (Dutch)"), self.note_nl)
        self.form.addRow(self.tr("Instructions (English)"), self.note_en)
        self.checklist.currentIndexChanged.connect(lambda _i: self._for_form())
        if planned is not None:
            self._show(planned)
        self._for_form()

    def _for_form(self) -> None:
        form = AssignmentForm(self.checklist.currentData())
        # Only people whose role fills in this checklist, of the teams this supervisor leads.
        role = FORM_ROLES[form]
        led = {team.id for team in self.led}
        who = self.who.currentData()
        self.who.clear()
        for team in self.led:
            self.who.addItem(self.names.who(None, team.id), f"team:{team.id}")
        for person in sorted(self.people, key=lambda p: p.display_name):
            if person.role is role and person.team in led:
                self.who.addItem(self.names.person(person.username), f"person:{person.username}")
        if who is not None:
            _choose(self.who, who)
        kinds = FORM_VENUE_KINDS.get(form)
        chosen = self.venue.currentData()
        self.venue.clear()
        for venue in sorted(self.venues, key=lambda v: v.name):
            if kinds is not None and venue.kind in kinds:
                self.venue.addItem(self.names.venue(venue.id), venue.id)
        if chosen is not None:
            _choose(self.venue, chosen)
        self.form.setRowVisible(self.venue, kinds is not None)
        self.form.setRowVisible(self.area, kinds is None)

    def _show(self, planned: PlannedAssignment) -> None:
        assignment = planned.assignment
        self.version = planned.version
        _choose(self.checklist, assignment.form_id.value)
        self._for_form()
        if assignment.venue:
            _choose(self.venue, assignment.venue)
        if assignment.area:
            _choose(self.area, assignment.area)
        if assignment.assignee:
            _choose(self.who, f"person:{assignment.assignee}")
        elif assignment.team:
            _choose(self.who, f"team:{assignment.team}")
        self.due.setDate(_qdate(assignment.due))
        self.several.setChecked(assignment.due_until is not None)
        if assignment.due_until is not None:
            self.until.setDate(_qdate(assignment.due_until))
        _choose(self.priority, assignment.priority.value)
        note = assignment.note or {}
        self.note_nl.setPlainText(note.get("nl", ""))
        self.note_en.setPlainText(note.get("en", ""))

    def values(self) -> dict[str, Any]:
        form = AssignmentForm(self.checklist.currentData())
        values: dict[str, Any] = {
            "form_id": form.value,
            "due": _date(self.due.date()),
            "priority": self.priority.currentData(),
            "note": _note(self.note_nl, self.note_en),
        }
        if self.planned is not None:
            values["id"] = self.planned.assignment.id
        if form in FORM_VENUE_KINDS:
            values["venue"] = self.venue.currentData()
        else:
            values["area"] = self.area.currentData()
        who = str(self.who.currentData() or "")
        kind, _, key = who.partition(":")
        if key:
            values["assignee" if kind == "person" else "team"] = key
        if self.several.isChecked():
            values["due_until"] = _date(self.until.date())
        return values

    def send(self, values: dict[str, Any]) -> Callable[[], object]:
        planning = self.planning
        key = self.planned.assignment.id if self.planned is not None else None
        return lambda: planning.save(values, key)

    def crossed(self, conflict: PlanningConflict) -> None:
        current = conflict.assignment
        if current is None:
            return
        self.planned = current
        self.version = current.version
        assignment = current.assignment
        note = assignment.note or {}
        locale = QLocale()
        lines = [
            self.tr("Now assigned to: {who}").format(
                who=self.names.who(assignment.assignee, assignment.team)
            ),
            self.tr("Now due: {due}").format(
                due=locale.toString(_qdate(assignment.due), QLocale.FormatType.ShortFormat)
            ),
            self.tr("Now: {state}, version {version}").format(
                state=state_name(current.state), version=current.version
            ),
        ]
        if note:
            lines.append(
                self.tr("Current instructions: {text}").format(text=" / ".join(note.values()))
            )
        self.banner.say(self.banner.text.text(), lines)


class RoundDialog(_PlanDialog):
    def __init__(
        self,
        context: AppContext,
        planning: Planning,
        board: Board,
        people: list[User],
        names: Names,
        planned: PlannedRound | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("round_dialog")
        self.planning = planning
        self.names = names
        self.planned = planned
        self.setWindowTitle(
            self.tr("Plan a door-test round") if planned is None else self.tr("Change round")
        )
        self.venue = QComboBox()
        self.venue.setObjectName("round_venue")
        self.venue.setEditable(True)
        self.venue.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        kinds = FORM_VENUE_KINDS[AssignmentForm.DOOR_TEST]
        for venue in sorted(board.venues, key=lambda v: v.name):
            if venue.active and venue.kind in kinds:
                self.venue.addItem(names.venue(venue.id), venue.id)
        self.day = QDateEdit()
        self.day.setObjectName("round_date")
        self.day.setCalendarPopup(True)
        self.day.setDate(_qdate(context.clock().date()).addDays(7))
        self.start = with_room_before_text(QTimeEdit(QTime(22, 30)))
        self.start.setObjectName("round_start")
        self.end = with_room_before_text(QTimeEdit(QTime(1, 0)))
        self.end.setObjectName("round_end")
        window = QHBoxLayout()
        window.addWidget(self.start)
        window.addWidget(self.end)
        window.addStretch(1)
        self.ground = QComboBox()
        self.ground.setObjectName("round_ground")
        for ground in DoorTestGround:
            self.ground.addItem(names.ground(ground, context.language), ground.value)
        self.order = QComboBox()
        self.order.setObjectName("round_order")
        self.order.addItem(self.tr("Test group first"), VisitOrder.TEST_FIRST.value)
        self.order.addItem(self.tr("Control group first"), VisitOrder.CONTROL_FIRST.value)
        self.gap = with_room_before_text(QSpinBox())
        self.gap.setObjectName("round_gap")
        self.gap.setRange(1, 240)
        self.gap.setValue(30)
        self.gap.setSuffix(self.tr(" min"))
        led = {team.id for team in board.teams}
        self.test_tester = QComboBox()
        self.test_tester.setObjectName("round_test_tester")
        self.control_tester = QComboBox()
        self.control_tester.setObjectName("round_control_tester")
        testers = [p for p in people if p.role is Role.MYSTERY_GUEST and (p.team in led or not led)]
        for combo in (self.test_tester, self.control_tester):
            for tester in sorted(testers, key=lambda p: p.pseudonym or p.username):
                combo.addItem(tester.pseudonym or names.person(tester.username), tester.username)
        if self.control_tester.count() > 1:
            self.control_tester.setCurrentIndex(1)
        else:
            # A round pairs two testers; without them nothing can be planned here.
            self.banner.say(
                self.tr(
                    "None of your teams has two mystery guests; a door-test round needs a "
                    "test and a control tester."
                )
            )
            self.save.setEnabled(False)
        self.note_nl, self.note_en = self.note_fields()
        self.form.addRow(self.tr("Venue"), self.venue)
        self.form.addRow(self.tr("Date"), self.day)
        self.form.addRow(self.tr("Time window"), window)
        self.form.addRow(self.tr("Ground tested"), self.ground)
        self.form.addRow(self.tr("Order of the visits"), self.order)
        self.form.addRow(self.tr("Largest gap between arrivals"), self.gap)
        self.form.addRow(self.tr("Test group tester"), self.test_tester)
        self.form.addRow(self.tr("Control group tester"), self.control_tester)
        self.form.addRow(self.tr("Instructions (Dutch)"), self.note_nl)
        self.form.addRow(self.tr("Instructions (English)"), self.note_en)
        if planned is not None:
            self._show(planned)

    def _show(self, planned: PlannedRound) -> None:
        found = planned.round
        self.version = planned.version
        _choose(self.venue, found.venue)
        self.day.setDate(_qdate(found.date))
        self.start.setTime(QTime(found.window_start.hour, found.window_start.minute))
        self.end.setTime(QTime(found.window_end.hour, found.window_end.minute))
        _choose(self.ground, found.ground.value)
        _choose(self.order, found.order.value)
        self.gap.setValue(found.max_gap_minutes)
        _choose(self.test_tester, found.test_tester)
        _choose(self.control_tester, found.control_tester)
        note = found.note or {}
        self.note_nl.setPlainText(note.get("nl", ""))
        self.note_en.setPlainText(note.get("en", ""))

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "venue": self.venue.currentData(),
            "date": _date(self.day.date()),
            "window_start": _time(self.start.time()),
            "window_end": _time(self.end.time()),
            "ground": self.ground.currentData(),
            "order": self.order.currentData(),
            "max_gap_minutes": self.gap.value(),
            "test_tester": self.test_tester.currentData(),
            "control_tester": self.control_tester.currentData(),
            "note": _note(self.note_nl, self.note_en),
        }
        if self.planned is not None:
            values["id"] = self.planned.round.id
        return values

    def send(self, values: dict[str, Any]) -> Callable[[], object]:
        planning = self.planning
        key = self.planned.round.id if self.planned is not None else None
        return lambda: planning.save_round(values, key)

    def crossed(self, conflict: PlanningConflict) -> None:
        current = conflict.round
        if current is None:
            return
        self.planned = current
        self.version = current.version
        found = current.round
        lines = [
            self.tr("Now: {date} {start}–{end}, version {version}").format(
                date=QLocale().toString(_qdate(found.date), QLocale.FormatType.ShortFormat),
                start=f"{found.window_start:%H:%M}",
                end=f"{found.window_end:%H:%M}",
                version=current.version,
            ),
            self.tr("Testers now: {test} and {control}").format(
                test=self.names.person(found.test_tester),
                control=self.names.person(found.control_tester),
            ),
        ]
        self.banner.say(self.banner.text.text(), lines)


def cancel_planned(
    panel: PlanningPanel,
    planning: Planning,
    planned: PlannedAssignment | None,
    planned_round: PlannedRound | None,
) -> None:
    """Cancel an assignment or a round (and its two halves), after asking."""
    if planned_round is not None:
        question = QCoreApplication.translate(
            "PlanningPanel", "Cancel this door-test round? Both testers' visits are withdrawn."
        )
        key, version = planned_round.round.id, planned_round.version

        def work() -> object:
            return planning.cancel_round(key, version)

    else:
        assert planned is not None
        question = QCoreApplication.translate(
            "PlanningPanel", "Cancel this assignment? The device of whoever has it drops it."
        )
        key, version = planned.assignment.id, planned.version

        def work() -> object:
            return planning.cancel(key, version)

    if not panel.confirm(question):
        return
    panel.call(work, lambda _answer: panel.refresh())


def ask(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "fieldapp",
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
