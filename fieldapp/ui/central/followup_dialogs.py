"""The follow-up dialogs: another step or no measure for a proposal, an action and its log,
a new action.

Saving runs on the task runner. A dialog keeps everything typed when the central store
refused or could not be reached; when someone else changed an action first, the action
dialog shows the action as it is now (its log, its state) and the next change builds on
that, with the typed text still there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.followup import (
    Action,
    ActionConflict,
    ActionKind,
    ActionState,
    DecisionKind,
    FollowUp,
    Measure,
)
from fieldapp.core.entities import Team, User, Venue
from fieldapp.core.followup import ACTION_MOVES
from fieldapp.core.sanctions import SanctionPolicy
from fieldapp.core.texts import local
from fieldapp.ui.central.base import (
    Banner,
    fill,
    fit_columns,
    make_table,
    moment_text,
    run_central,
    set_headers,
)
from fieldapp.ui.central.followup import day_text, venue_line
from fieldapp.ui.context import AppContext
from fieldapp.ui.widgets import make_button, make_label


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _language(context: AppContext) -> str:
    return "en" if context.language == "en" else "nl"


class _Dialog(QDialog):
    """Signals:
    saved(object): the central store took the change (its answer).
    """

    saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setMinimumWidth(640)
        self.banner = Banner()
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.banner)
        self.body.addLayout(self.form)

    def buttons(self, save_text: str) -> None:
        row = QHBoxLayout()
        row.addStretch(1)
        self.close_button = make_button(self.tr("Close"))
        self.close_button.setObjectName("followup_close")
        self.close_button.clicked.connect(self.reject)
        self.save = make_button(save_text, role="primary")
        self.save.setObjectName("followup_save")
        self.save.clicked.connect(self.submit)
        row.addWidget(self.close_button)
        row.addWidget(self.save)
        self.body.addLayout(row)

    def work(self) -> Callable[[], object] | None:
        raise NotImplementedError

    def submit(self) -> None:
        work = self.work()
        if work is None:
            return
        self.save.setEnabled(False)
        run_central(self.context, self, self.banner, work, self._done, self._refused)

    def _done(self, answer: object) -> None:
        self.save.setEnabled(True)
        self.saved.emit(answer)
        self.accept()

    def _refused(self, _error: BaseException) -> None:
        self.save.setEnabled(True)


class DecisionDialog(_Dialog):
    """Another step of the ladder (`change`) or no measure, each with a required reason."""

    def __init__(
        self,
        context: AppContext,
        followup: FollowUp,
        measure: Measure,
        policy: SanctionPolicy | None,
        change: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("decision_dialog")
        self.followup = followup
        self.measure = measure
        self.change = change
        language = _language(context)
        self.setWindowTitle(self.tr("Other step") if change else self.tr("No measure"))
        self.form.addRow(
            self.tr("Proposed"), make_label(local(measure.proposed_label, language), wrap=True)
        )
        self.step = QComboBox()
        self.step.setObjectName("decision_step")
        if change:
            self.form.addRow(self.tr("Step"), self.step)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("decision_reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(110)
        self.form.addRow(self.tr("Reason"), self.reason)
        self.buttons(self.tr("Decide"))
        if change:
            if policy is not None:
                self._steps(policy)
            else:
                self.save.setEnabled(False)
                run_central(
                    context,
                    self,
                    self.banner,
                    lambda: followup.policy_of(measure),
                    self._got_policy,
                )

    def _got_policy(self, policy: SanctionPolicy) -> None:
        self._steps(policy)
        self.save.setEnabled(True)

    def _steps(self, policy: SanctionPolicy) -> None:
        language = _language(self.context)
        ladder = policy.ladder(self.measure.ladder_id)
        self.step.clear()
        if ladder is None:
            return
        for step in ladder.steps:
            if step.id != self.measure.proposed_step:
                self.step.addItem(local(step.label, language), step.id)

    def work(self) -> Callable[[], object] | None:
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.banner.say(self.tr("Give a reason for this decision."))
            return None
        followup, measure_id = self.followup, self.measure.measure_id
        if self.change:
            step = self.step.currentData()
            if step is None:
                self.banner.say(self.tr("Choose the step to take."))
                return None
            return lambda: followup.decide(
                measure_id, DecisionKind.CHANGE, step_id=str(step), reason=reason
            )
        return lambda: followup.decide(measure_id, DecisionKind.NO_MEASURE, reason=reason)


class ActionDialog(QDialog):
    """An action's log, and its changes: a note, its state, the operator's response, its
    due date, its owner. Each change is saved at once; the dialog stays open and shows the
    new log.

    Signals:
    saved(object): a change was taken (the action as it is now).
    """

    saved = Signal(object)

    def __init__(
        self,
        context: AppContext,
        followup: FollowUp,
        action: Action,
        people: list[User] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("action_dialog")
        self.context = context
        self.followup = followup
        self.action = action
        #: Which file to attach (title) → path or None; tests replace it.
        self.choose_file: Callable[[str], Path | None] = self._ask_file
        self.setMinimumSize(900, 720)
        layout = QVBoxLayout(self)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.heading = make_label(role="heading", wrap=True)
        self.heading.setObjectName("action_heading")
        layout.addWidget(self.heading)
        self.summary = make_label(role="hint", wrap=True)
        self.summary.setObjectName("action_summary")
        layout.addWidget(self.summary)
        self.log = make_table("action_log")
        self.log.setWordWrap(True)
        layout.addWidget(self.log, 1)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # A note.
        self.note = QLineEdit()
        self.note.setObjectName("action_note")
        self.add_note = make_button()
        self.add_note.setObjectName("action_add_note")
        self.add_note.clicked.connect(self.save_note)
        self.note_label = _form_label()
        form.addRow(self.note_label, _row(self.note, self.add_note))
        # The state.
        self.state = QComboBox()
        self.state.setObjectName("action_state")
        self.move_button = make_button()
        self.move_button.setObjectName("action_move")
        self.move_button.clicked.connect(self.save_state)
        self.state_label = _form_label()
        form.addRow(self.state_label, _row(self.state, self.move_button))
        # The operator's response.
        self.response_date = QDateEdit()
        self.response_date.setObjectName("response_date")
        self.response_date.setCalendarPopup(True)
        self.response_date.setDate(_qdate(context.clock().date()))
        self.response_text = QLineEdit()
        self.response_text.setObjectName("response_text")
        self.response_file = QLineEdit()
        self.response_file.setObjectName("response_file")
        self.choose_button = make_button()
        self.choose_button.setObjectName("response_choose")
        self.choose_button.clicked.connect(self._choose)
        self.record_button = make_button()
        self.record_button.setObjectName("response_record")
        self.record_button.clicked.connect(self.save_response)
        self.response_label = _form_label()
        self.response_file_label = _form_label()
        form.addRow(self.response_label, _row(self.response_date, self.response_text))
        form.addRow(
            self.response_file_label,
            _row(self.response_file, self.choose_button, self.record_button),
        )
        # The due date.
        self.due = QDateEdit()
        self.due.setObjectName("action_due")
        self.due.setCalendarPopup(True)
        self.due_button = make_button()
        self.due_button.setObjectName("action_set_due")
        self.due_button.clicked.connect(self.save_due)
        self.due_label = _form_label()
        form.addRow(self.due_label, _row(self.due, self.due_button))
        # The owner: who does it (the supervisor or a boa of her teams).
        self.owner = QComboBox()
        self.owner.setObjectName("action_owner")
        for person in people or ():
            self.owner.addItem(person.display_name, person.username)
        self.owner_button = make_button()
        self.owner_button.setObjectName("action_set_owner")
        self.owner_button.clicked.connect(self.save_owner)
        self.owner_label = _form_label()
        form.addRow(self.owner_label, _row(self.owner, self.owner_button))
        layout.addLayout(form)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.close_button = make_button()
        self.close_button.setObjectName("followup_close")
        self.close_button.clicked.connect(self.accept)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.retranslate()
        self.show_action(action)
        # Read it fresh: someone may have changed it since the list was read.
        run_central(
            context, self, self.banner, lambda: followup.action(action.action_id), self._arrived
        )

    def _arrived(self, action: Action) -> None:
        if action.version >= self.action.version:
            self.show_action(action)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Action"))
        self.note_label.setText(self.tr("Note"))
        self.add_note.setText(self.tr("Add note"))
        # The list holds the states it may move to, never the one it is in (the summary
        # line says that one): labelled "State" it read as the present state.
        self.state_label.setText(self.tr("New state"))
        self.move_button.setText(self.tr("Change state"))
        self.response_label.setText(self.tr("Operator's response"))
        self.response_text.setPlaceholderText(self.tr("Summary of the response"))
        self.response_file_label.setText(self.tr("Letter (optional)"))
        self.response_file.setPlaceholderText(self.tr("PDF, JPEG or PNG"))
        self.choose_button.setText(self.tr("Choose…"))
        self.record_button.setText(self.tr("Record response"))
        self.due_label.setText(self.tr("Due date"))
        self.due_button.setText(self.tr("Change due date"))
        self.owner_label.setText(self.tr("Owner"))
        self.owner_button.setText(self.tr("Reassign"))
        self.close_button.setText(self.tr("Close"))
        set_headers(
            self.log, [self.tr("When"), self.tr("Who"), self.tr("Entry"), self.tr("Details")]
        )

    def show_action(self, action: Action) -> None:
        """Show `action` as it is now; what was typed in the fields stays."""
        self.action = action
        language = _language(self.context)
        heading = action.describe(language)
        self.heading.setText(f"{heading} · {action.venue_name}" if action.venue_name else heading)
        self.summary.setText(
            self.tr("{kind} · {owner} · due {due} · {state}").format(
                kind=local(action.kind.label, language),
                owner=action.owner_name,
                due=day_text(action.due),
                state=local(action.state.label, language),
            )
        )
        self.due.setDate(_qdate(action.due))
        if self.owner.findData(action.owner) < 0:
            self.owner.addItem(action.owner_name, action.owner)
        self.owner.setCurrentIndex(self.owner.findData(action.owner))
        chosen = self.state.currentData()
        self.state.clear()
        for state in ActionState:
            if state in ACTION_MOVES[action.state]:
                self.state.addItem(local(state.label, language), state.value)
        index = self.state.findData(chosen)
        if index >= 0:
            self.state.setCurrentIndex(index)
        rows = []
        for event in action.events:
            text = event.text
            if event.state is not None and event.kind.value == "state":
                text = local(event.state.label, language) + (f" · {text}" if text else "")
            if event.response_date is not None:
                text = f"{day_text(event.response_date)} · {text}"
            if event.attachment is not None:
                text = f"{text} · {event.attachment.filename}"
            if event.due is not None and event.kind.value == "due":
                text = day_text(event.due) + (f" · {text}" if text else "")
            rows.append(
                [moment_text(event.at), event.actor_name, local(event.kind.label, language), text]
            )
        fill(self.log, rows, [str(event.seq) for event in action.events])
        fit_columns(self.log)

    def _ask_file(self, title: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self, title, "", self.tr("Letters (*.pdf *.jpg *.jpeg *.png)")
        )
        return Path(name) if name else None

    def _choose(self) -> None:
        path = self.choose_file(self.tr("Choose the operator's letter"))
        if path is not None:
            self.response_file.setText(str(path))

    def _run(self, work: Callable[[Action], Action], cleared: QWidget | None) -> None:
        followup_action = self.action

        def done(action: Action) -> None:
            if isinstance(cleared, QLineEdit):
                cleared.clear()
            if cleared is self.response_text:
                self.response_file.clear()
            self.show_action(action)
            self.saved.emit(action)

        def refused(error: BaseException) -> None:
            if isinstance(error, ActionConflict) and error.action is not None:
                self.show_action(error.action)
                language = _language(self.context)
                self.banner.problems.addItem(
                    self.tr("Now: {state}, due {due}; last entry by {who}.").format(
                        state=local(error.action.state.label, language),
                        due=day_text(error.action.due),
                        who=error.action.events[-1].actor_name if error.action.events else "—",
                    )
                )
                self.banner.problems.show()

        run_central(self.context, self, self.banner, lambda: work(followup_action), done, refused)

    def save_note(self) -> None:
        text = self.note.text().strip()
        if not text:
            self.banner.say(self.tr("Type the note first."))
            return
        followup = self.followup
        self._run(lambda action: followup.note(action, text), self.note)

    def save_state(self) -> None:
        value = self.state.currentData()
        if value is None:
            return
        state = ActionState(str(value))
        followup = self.followup
        self._run(lambda action: followup.move(action, state), None)

    def save_response(self) -> None:
        summary = self.response_text.text().strip()
        if not summary:
            self.banner.say(self.tr("Summarise the operator's response first."))
            return
        dated = _date(self.response_date.date())
        typed = self.response_file.text().strip()
        file = Path(typed) if typed else None
        if file is not None and not file.is_file():
            self.banner.say(self.tr("The letter's file was not found: {path}").format(path=typed))
            return
        followup = self.followup
        self._run(
            lambda action: followup.record_response(action, dated, summary, file),
            self.response_text,
        )

    def save_due(self) -> None:
        due = _date(self.due.date())
        followup = self.followup
        self._run(lambda action: followup.set_due(action, due), None)

    def save_owner(self) -> None:
        owner = self.owner.currentData()
        if not isinstance(owner, str) or owner == self.action.owner:
            return
        followup = self.followup
        self._run(lambda action: followup.set_owner(action, owner), None)


class NewActionDialog(_Dialog):
    """A follow-up action typed by the supervisor: kind, venue, owner, due date, title, note."""

    def __init__(
        self,
        context: AppContext,
        followup: FollowUp,
        venues: list[Venue],
        people: list[User],
        teams: list[Team],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("new_action_dialog")
        self.followup = followup
        self.teams = teams
        language = _language(context)
        self.setWindowTitle(self.tr("New action"))
        self.kind = QComboBox()
        self.kind.setObjectName("new_action_kind")
        for kind in ActionKind:
            self.kind.addItem(local(kind.label, language), kind.value)
        self.venue = QComboBox()
        self.venue.setObjectName("new_action_venue")
        self.venue.addItem(self.tr("No venue"), None)
        for venue in venues:
            self.venue.addItem(venue_line(venue), venue.id)
        self.owner = QComboBox()
        self.owner.setObjectName("new_action_owner")
        for person in people:
            self.owner.addItem(person.display_name, person.username)
        self.due = QDateEdit()
        self.due.setObjectName("new_action_due")
        self.due.setCalendarPopup(True)
        self.due.setDate(_qdate(context.clock().date()).addDays(14))
        self.title = QLineEdit()
        self.title.setObjectName("new_action_title")
        self.title.setMaxLength(200)
        self.note = QPlainTextEdit()
        self.note.setObjectName("new_action_note")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(88)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Venue"), self.venue)
        self.form.addRow(self.tr("Owner"), self.owner)
        self.form.addRow(self.tr("Due date"), self.due)
        self.form.addRow(self.tr("Title"), self.title)
        self.form.addRow(self.tr("Note"), self.note)
        self.buttons(self.tr("Save"))

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.currentData(),
            "venue_id": self.venue.currentData(),
            "owner": self.owner.currentData(),
            "due": _date(self.due.date()),
            "title": self.title.text().strip(),
            "note": self.note.toPlainText().strip(),
        }

    def work(self) -> Callable[[], object] | None:
        values = self.values()
        if values["owner"] is None:
            self.banner.say(self.tr("Choose who owns the action."))
            return None
        followup = self.followup
        return lambda: followup.add_action(values)


def _form_label() -> QLabel:
    """A form label centred on its row of touch-sized fields."""
    label = make_label(wrap=False)
    label.setMinimumHeight(44)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return label


def _row(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    stretching = False
    for widget in widgets:
        stretch = isinstance(widget, QLineEdit | QComboBox)
        stretching = stretching or stretch
        row.addWidget(widget, 1 if stretch else 0)
    if not stretching:
        row.addStretch(1)
    return holder
