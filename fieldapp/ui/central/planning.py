"""The supervisor's planning tab: the team's assignments as a list and a week, and the rounds.

Overdue and unassigned work is counted at the top and can be shown alone; each row says
how far it got (its state and the inspections devices sent for it). Assignments and
door-test rounds are planned, changed, reassigned and cancelled in dialogs
(`fieldapp.ui.central.plan_dialogs`). A fourth view is the venue register, which the
supervisor changes for the areas of her teams. Everything is read from and written to the
central store; offline the tab says so and the dialogs keep what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.administration import Administration
from fieldapp.app.planning import (
    AssignmentState,
    Board,
    PlannedAssignment,
    PlannedRound,
    Planning,
    glance,
    is_unassigned,
    monday_of,
    rounds_in_order,
    week,
)
from fieldapp.app.session import SignedIn
from fieldapp.core.entities import Team, User
from fieldapp.ui.central.base import (
    Banner,
    CentralPanel,
    fill,
    fit_columns,
    make_table,
    run_central,
    select_key,
    selected_key,
    set_headers,
)
from fieldapp.ui.central.names import Names, form_name, state_name
from fieldapp.ui.central.plan_dialogs import ask
from fieldapp.ui.central.venue_pages import VenuesPage
from fieldapp.ui.context import AppContext
from fieldapp.ui.widgets import make_button, make_label, tab_leaves

T = TypeVar("T")


class PlanningPanel(CentralPanel):
    """Signals:
    loaded(): the board arrived and the views show it.
    """

    loaded = Signal()

    #: Which rows the list shows.
    OPEN, OVERDUE, UNASSIGNED, EVERYTHING = range(4)

    def __init__(self, context: AppContext, signed: SignedIn, parent: QWidget | None = None):
        super().__init__(context, signed, parent)
        self.setObjectName("planning_panel")
        self.planning: Planning | None = None
        #: The register API with the supervisor's rights (the venues of her areas).
        self.admin: Administration | None = None
        self.board: Board | None = None
        self.people: list[User] = []
        self.names = Names()
        #: Asks "sure?" before cancelling; tests replace it.
        self.confirm: Callable[[str], bool] = lambda question: ask(self, question)
        today = context.clock().date()
        self.monday = monday_of(today)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.banner)

        glance_row = QHBoxLayout()
        self.overdue = make_button(role="segment")
        self.overdue.setObjectName("glance_overdue")
        self.overdue.clicked.connect(lambda: self.show_only(self.OVERDUE))
        self.unassigned = make_button(role="segment")
        self.unassigned.setObjectName("glance_unassigned")
        self.unassigned.clicked.connect(lambda: self.show_only(self.UNASSIGNED))
        self.counts = make_label(role="hint", wrap=False)
        self.counts.setObjectName("glance_counts")
        glance_row.addWidget(self.overdue)
        glance_row.addWidget(self.unassigned)
        glance_row.addWidget(self.counts, 1)
        self.refresh_button = make_button()
        self.refresh_button.setObjectName("planning_refresh")
        self.refresh_button.clicked.connect(self.refresh)
        glance_row.addWidget(self.refresh_button)
        layout.addLayout(glance_row)

        # The planning actions; hidden on the venues view, which has its own.
        self.action_bar = QWidget()
        actions = QHBoxLayout(self.action_bar)
        actions.setContentsMargins(0, 0, 0, 0)
        self.new_assignment = make_button(role="primary")
        self.new_assignment.setObjectName("new_assignment")
        self.new_assignment.clicked.connect(lambda: self.open_assignment(None))
        self.new_round = make_button()
        self.new_round.setObjectName("new_round")
        self.new_round.clicked.connect(lambda: self.open_round(None))
        self.edit = make_button()
        self.edit.setObjectName("edit_assignment")
        self.edit.clicked.connect(self._edit_selected)
        self.cancel = make_button(role="danger")
        self.cancel.setObjectName("cancel_assignment")
        self.cancel.clicked.connect(self._cancel_selected)
        self.show_filter = QComboBox()
        self.show_filter.setObjectName("planning_filter")
        self.show_filter.currentIndexChanged.connect(lambda _i: self._fill_list())
        for button in (self.new_assignment, self.new_round, self.edit, self.cancel):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.show_filter)
        layout.addWidget(self.action_bar)

        self.views = QTabWidget()
        self.views.setObjectName("planning_views")
        self.views.setDocumentMode(True)
        self.list = make_table("planning_list")
        self.list.doubleClicked.connect(lambda _i: self._edit_selected())
        self.week_page = QWidget()
        week_layout = QVBoxLayout(self.week_page)
        week_layout.setContentsMargins(0, 8, 0, 0)
        week_bar = QHBoxLayout()
        self.previous_week = make_button("◀")
        self.previous_week.setObjectName("previous_week")
        self.previous_week.clicked.connect(lambda: self.move_week(-1))
        self.next_week = make_button("▶")
        self.next_week.setObjectName("next_week")
        self.next_week.clicked.connect(lambda: self.move_week(1))
        self.this_week = make_button()
        self.this_week.setObjectName("this_week")
        self.this_week.clicked.connect(self._to_this_week)
        self.week_title = make_label(role="heading", wrap=False)
        self.week_title.setObjectName("week_title")
        for widget in (self.previous_week, self.this_week, self.next_week):
            week_bar.addWidget(widget)
        week_bar.addWidget(self.week_title, 1)
        week_layout.addLayout(week_bar)
        self.week = QTableWidget()
        self.week.setObjectName("planning_week")
        tab_leaves(self.week)
        self.week.setColumnCount(7)
        self.week.verticalHeader().hide()
        self.week.verticalHeader().setDefaultSectionSize(64)
        self.week.horizontalHeader().setStretchLastSection(False)
        self.week.horizontalHeader().setSectionResizeMode(
            self.week.horizontalHeader().ResizeMode.Stretch
        )
        self.week.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.week.cellDoubleClicked.connect(self._week_open)
        self.week.setWordWrap(True)
        week_layout.addWidget(self.week, 1)
        self.rounds = make_table("planning_rounds")
        self.rounds.doubleClicked.connect(lambda _i: self._edit_round_selected())
        self.rounds.itemSelectionChanged.connect(self._actions_for_view)
        self.views.addTab(self.list, "")
        self.views.addTab(self.week_page, "")
        self.views.addTab(self.rounds, "")
        # Editable areas arrive with the teams from the profile (none until then).
        self.venues = VenuesPage(self, editable_areas=frozenset())
        self.views.addTab(self.venues, "")
        self.views.currentChanged.connect(lambda _i: self._actions_for_view())
        layout.addWidget(self.views, 1)

        self.retranslate()
        self._load_people()
        self.connect_central()

    # --- loading ------------------------------------------------------------------------

    def _load_people(self) -> None:
        profile = self.signed.profile

        def got(people: list[User]) -> None:
            self.people = people
            self.names.people.update(
                {user.username: user.pseudonym or user.display_name for user in people}
            )
            self._fill()

        self.context.tasks.run(profile.team_users, got, serial=True, context=self)
        self.context.tasks.run(profile.teams, self._got_teams, serial=True, context=self)

    def _got_teams(self, teams: list[Team]) -> None:
        led = [team for team in teams if team.supervisor == self.username]
        self.venues.set_editable_areas(frozenset(area for team in led for area in team.areas))

    def connected(self) -> None:
        self.planning = Planning(self.desk.line, self.username)
        self.admin = Administration(self.desk.line, self.username)
        self.refresh()

    def refresh(self) -> None:
        planning = self.planning
        if planning is None:
            if self.desk is None:
                self.connect_central()
            return
        self.call(planning.board, self._loaded)
        if self.views.currentWidget() is self.venues:
            self.venues.load()

    def run_admin(
        self,
        work: Callable[[Administration], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None] | None = None,
        banner: Banner | None = None,
    ) -> None:
        """Run `work` with the register API off the UI thread (told on `banner`)."""
        admin = self.admin
        if admin is None:
            return
        run_central(
            self.context, self, banner or self.banner, lambda: work(admin), on_success, on_failure
        )

    def _loaded(self, board: Board) -> None:
        self.board = board
        self.names.take(board)
        self._fill()
        self.loaded.emit()

    def _fill(self) -> None:
        board = self.board
        if board is None:
            return
        seen = glance(board.assignments)
        self.overdue.setText(self.tr("Overdue: %n", "", seen.overdue))
        self.unassigned.setText(self.tr("Unassigned: %n", "", seen.unassigned))
        self.counts.setText(
            self.tr("{planned} planned · {started} started · {done} done").format(
                planned=seen.planned, started=seen.started, done=seen.done
            )
        )
        self._fill_list()
        self._fill_week()
        self._fill_rounds()

    def visible_assignments(self) -> list[PlannedAssignment]:
        board = self.board
        if board is None:
            return []
        which = self.show_filter.currentIndex()
        rows = board.assignments
        if which == self.OVERDUE:
            rows = [p for p in rows if p.state is AssignmentState.OVERDUE]
        elif which == self.UNASSIGNED:
            rows = [p for p in rows if is_unassigned(p)]
        elif which == self.OPEN:
            rows = [
                p for p in rows if p.state not in (AssignmentState.DONE, AssignmentState.CANCELLED)
            ]
        return sorted(rows, key=lambda p: (p.assignment.due, p.assignment.id))

    def _fill_list(self) -> None:
        rows = self.visible_assignments()
        language = self.context.language
        fill(
            self.list,
            [
                [
                    self._due_text(p),
                    form_name(p.assignment.form_id.value),
                    self.names.place(p.assignment.venue, p.assignment.area),
                    self.names.who(p.assignment.assignee, p.assignment.team),
                    self._priority(p.assignment.priority.value),
                    state_name(p.state),
                    self.tr("%n received", "", p.inspections),
                    _note(p, language),
                ]
                for p in rows
            ],
            [p.assignment.id for p in rows],
        )
        fit_columns(self.list)

    def _due_text(self, planned: PlannedAssignment) -> str:
        locale = QLocale()
        first = locale.toString(_qdate(planned.assignment.due), QLocale.FormatType.ShortFormat)
        until = planned.assignment.due_until
        if until is None or until == planned.assignment.due:
            return first
        last = locale.toString(_qdate(until), QLocale.FormatType.ShortFormat)
        return f"{first} – {last}"

    def _priority(self, value: str) -> str:
        return {"low": self.tr("low"), "normal": self.tr("normal"), "high": self.tr("high")}[value]

    def _fill_week(self) -> None:
        board = self.board
        locale = QLocale()
        days = [self.monday + timedelta(days=offset) for offset in range(7)]
        set_headers(
            self.week,
            [
                locale.toString(_qdate(day), "ddd d MMM")
                + (" •" if day == self.context.clock().date() else "")
                for day in days
            ],
        )
        sunday = days[-1]
        self.week_title.setText(
            self.tr("Week {number}: {first} – {last}").format(
                number=self.monday.isocalendar().week,
                first=locale.toString(_qdate(self.monday), QLocale.FormatType.ShortFormat),
                last=locale.toString(_qdate(sunday), QLocale.FormatType.ShortFormat),
            )
        )
        columns = week(board.assignments, self.monday) if board is not None else [[]] * 7
        self.week.clearContents()
        self.week.setRowCount(max([len(day) for day in columns] + [1]))
        for column, day in enumerate(columns):
            for row, planned in enumerate(day):
                text = "\n".join(
                    (
                        self.names.place(planned.assignment.venue, planned.assignment.area),
                        self.names.who(planned.assignment.assignee, planned.assignment.team)
                        + " · "
                        + state_name(planned.state),
                    )
                )
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, planned.assignment.id)
                item.setToolTip(form_name(planned.assignment.form_id.value))
                if planned.state is AssignmentState.OVERDUE:
                    item.setForeground(Qt.GlobalColor.red)
                self.week.setItem(row, column, item)

    def _fill_rounds(self) -> None:
        board = self.board
        rounds = rounds_in_order(board.rounds, board.assignments) if board is not None else []
        fill(
            self.rounds,
            [
                [
                    QLocale().toString(_qdate(r.round.date), QLocale.FormatType.ShortFormat),
                    f"{r.round.window_start:%H:%M}–{r.round.window_end:%H:%M}",
                    self.names.place(r.round.venue, None),
                    self.names.ground(r.round.ground, self.context.language),
                    self.names.who(r.round.test_tester, None),
                    self.names.who(r.round.control_tester, None),
                    state_name(state),
                ]
                for r, state in rounds
            ],
            [r.round.id for r, _state in rounds],
        )
        fit_columns(self.rounds)

    # --- navigation ---------------------------------------------------------------------

    def show_only(self, which: int) -> None:
        self.views.setCurrentWidget(self.list)
        self.show_filter.setCurrentIndex(which)

    def move_week(self, weeks: int) -> None:
        self.monday += timedelta(weeks=weeks)
        self._fill_week()

    def _to_this_week(self) -> None:
        self.monday = monday_of(self.context.clock().date())
        self._fill_week()

    def _week_open(self, row: int, column: int) -> None:
        item = self.week.item(row, column)
        if item is not None:
            self.open_assignment(str(item.data(Qt.ItemDataRole.UserRole)))

    def _actions_for_view(self) -> None:
        on_venues = self.views.currentWidget() is self.venues
        self.action_bar.setVisible(not on_venues)
        # The filter sifts the list only; beside the week or the rounds it said "Still to
        # do" over rounds long done.
        self.show_filter.setVisible(self.views.currentWidget() is self.list)
        if on_venues and self.venues.registers is None:
            # The register is read when first looked at, not with every refresh of the plan.
            self.venues.load()
        rounds = self.views.currentWidget() is self.rounds
        self.edit.setText(self.tr("Change round") if rounds else self.tr("Change or reassign"))
        self.cancel.setText(self.tr("Cancel round") if rounds else self.tr("Cancel assignment"))
        # A round run before the store planned it (the demo world's history) has nothing
        # to change: the store refuses it, so the buttons say so before anyone tries.
        key = selected_key(self.rounds) if rounds else None
        found = self.planned_round(key) if key else None
        history = found is not None and not found.assignments and not found.cancelled
        for button in (self.edit, self.cancel):
            button.setEnabled(not history)
            button.setToolTip(
                self.tr("This round was run before it was planned here: nothing to change.")
                if history
                else ""
            )

    # --- acting -------------------------------------------------------------------------

    def planned(self, assignment_id: str) -> PlannedAssignment | None:
        board = self.board
        if board is None:
            return None
        return next((p for p in board.assignments if p.assignment.id == assignment_id), None)

    def planned_round(self, round_id: str) -> PlannedRound | None:
        board = self.board
        if board is None:
            return None
        return next((r for r in board.rounds if r.round.id == round_id), None)

    def _edit_selected(self) -> None:
        if self.views.currentWidget() is self.rounds:
            self._edit_round_selected()
            return
        key = self._selected_assignment()
        if key is not None:
            self.open_assignment(key)

    def _selected_assignment(self) -> str | None:
        if self.views.currentWidget() is self.week_page:
            item = self.week.currentItem()
            return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))
        return selected_key(self.list)

    def _edit_round_selected(self) -> None:
        key = selected_key(self.rounds)
        if key is not None and self.edit.isEnabled():
            self.open_round(key)

    def open_assignment(self, assignment_id: str | None) -> None:
        from fieldapp.ui.central.plan_dialogs import AssignmentDialog

        board, planning = self.board, self.planning
        if board is None or planning is None:
            return
        planned = self.planned(assignment_id) if assignment_id else None
        if planned is not None and planned.round and self.planned_round(planned.round):
            # A tester's half is changed through its round, so both halves stay paired.
            self.views.setCurrentWidget(self.rounds)
            select_key(self.rounds, planned.round)
            self.open_round(planned.round)
            return
        dialog = AssignmentDialog(self.context, planning, board, self.people, self.names, planned)
        dialog.saved.connect(lambda _p: self.refresh())
        dialog.setParent(self, dialog.windowFlags())
        dialog.open()

    def open_round(self, round_id: str | None) -> None:
        from fieldapp.ui.central.plan_dialogs import RoundDialog

        board, planning = self.board, self.planning
        if board is None or planning is None:
            return
        planned = self.planned_round(round_id) if round_id else None
        dialog = RoundDialog(self.context, planning, board, self.people, self.names, planned)
        dialog.saved.connect(lambda _p: self.refresh())
        dialog.setParent(self, dialog.windowFlags())
        dialog.open()

    def _cancel_selected(self) -> None:
        from fieldapp.ui.central.plan_dialogs import cancel_planned

        planning = self.planning
        if planning is None:
            return
        if self.views.currentWidget() is self.rounds:
            key = selected_key(self.rounds)
            found = self.planned_round(key) if key else None
            if found is not None and not found.cancelled:
                cancel_planned(self, planning, None, found)
            return
        key = self._selected_assignment()
        planned = self.planned(key) if key else None
        if planned is None or planned.state is AssignmentState.CANCELLED:
            return
        found = self.planned_round(planned.round) if planned.round else None
        if found is not None:
            cancel_planned(self, planning, None, found)
            return
        cancel_planned(self, planning, planned, None)

    # --- words --------------------------------------------------------------------------

    def tab_title(self) -> str:
        return self.tr("Planning")

    def retranslate(self) -> None:
        super().retranslate()
        self.refresh_button.setText(self.tr("Refresh"))
        self.new_assignment.setText(self.tr("New assignment"))
        self.new_round.setText(self.tr("Plan a door-test round"))
        self.this_week.setText(self.tr("This week"))
        self._actions_for_view()
        current = max(0, self.show_filter.currentIndex())
        self.show_filter.blockSignals(True)
        self.show_filter.clear()
        self.show_filter.addItems(
            [
                self.tr("Still to do"),
                self.tr("Overdue"),
                self.tr("Unassigned"),
                self.tr("Everything, done and cancelled too"),
            ]
        )
        self.show_filter.setCurrentIndex(current)
        self.show_filter.blockSignals(False)
        self.views.setTabText(0, self.tr("List"))
        self.views.setTabText(1, self.tr("Week"))
        self.views.setTabText(2, self.tr("Door-test rounds"))
        self.views.setTabText(3, self.tr("Venues"))
        set_headers(
            self.list,
            [
                self.tr("Due"),
                self.tr("Checklist"),
                self.tr("Where"),
                self.tr("Assigned to"),
                self.tr("Priority"),
                self.tr("State"),
                self.tr("Progress"),
                self.tr("Instructions"),
            ],
        )
        set_headers(
            self.rounds,
            [
                self.tr("Date"),
                self.tr("Time"),
                self.tr("Venue"),
                self.tr("Ground"),
                self.tr("Test group"),
                self.tr("Control group"),
                self.tr("State"),
            ],
        )
        if self.board is None:
            self.overdue.setText(self.tr("Overdue: %n", "", 0))
            self.unassigned.setText(self.tr("Unassigned: %n", "", 0))
        else:
            self._fill()


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _note(planned: PlannedAssignment, language: str) -> str:
    note = planned.assignment.note or {}
    text = note.get(language) or next(iter(note.values()), "")
    return " ".join(str(text).split())
