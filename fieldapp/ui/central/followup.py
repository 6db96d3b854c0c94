"""The supervisor's follow-up tab: the ladder's proposals, the actions, and the venue file.

Proposals are confirmed, changed to another step or set aside in a dialog with a reason;
actions are listed by due date with the overdue ones marked and counted (on the tab's
title too, so the supervisor's home shows them), and opened in a dialog with their log
(`fieldapp.ui.central.followup_dialogs`). The venue file shows one venue's chronology and
is saved as the dossier PDF. Everything is read from and written to the central store on
the task runner; offline the tab says so and the dialogs keep what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.followup import (
    Action,
    FollowUp,
    FollowUpBoard,
    Measure,
    VenueFile,
    overdue,
)
from fieldapp.app.session import SignedIn
from fieldapp.core.entities import Team, User, Venue
from fieldapp.core.texts import Language, local
from fieldapp.ui.central.base import (
    Banner,
    CentralPanel,
    fill,
    fit_columns,
    make_table,
    selected_key,
    set_headers,
)
from fieldapp.ui.context import AppContext
from fieldapp.ui.widgets import make_button, make_label


def day_text(day: date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)


def venue_line(venue: Venue) -> str:
    return f"{venue.name}, {venue.street} {venue.house_number}"


class FollowUpPanel(CentralPanel):
    """Signals:
    loaded(): the board arrived and the views show it.
    file_loaded(): the chosen venue's file arrived.
    """

    loaded = Signal()
    file_loaded = Signal()

    #: Which actions the list shows.
    OPEN, EVERYTHING = range(2)

    def __init__(self, context: AppContext, signed: SignedIn, parent: QWidget | None = None):
        super().__init__(context, signed, parent)
        self.setObjectName("followup_panel")
        self.followup: FollowUp | None = None
        self.board: FollowUpBoard | None = None
        self.people: list[User] = []
        self.venue_file: VenueFile | None = None
        #: Where to save a PDF (title, suggested name) → path or None; tests replace it.
        self.choose_target: Callable[[str, str], Path | None] = self._ask_target
        #: The last PDF saved (for the preview and tests).
        self.saved_pdf: Path | None = None
        self.preview: QWidget | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        self.alert = Banner()
        self.alert.setObjectName("followup_alert")
        layout.addWidget(self.alert)

        top = QHBoxLayout()
        self.overdue_count = make_button(role="segment")
        self.overdue_count.setObjectName("followup_overdue")
        self.overdue_count.clicked.connect(self._show_overdue)
        self.counts = make_label(role="hint", wrap=False)
        self.counts.setObjectName("followup_counts")
        top.addWidget(self.overdue_count)
        top.addWidget(self.counts, 1)
        self.refresh_button = make_button()
        self.refresh_button.setObjectName("followup_refresh")
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)

        self.views = QTabWidget()
        self.views.setObjectName("followup_views")
        self.views.setDocumentMode(True)

        # Proposals.
        self.proposals_page = QWidget()
        page = QVBoxLayout(self.proposals_page)
        page.setContentsMargins(0, 8, 0, 0)
        self.confirm_button = make_button(role="primary")
        self.confirm_button.setObjectName("proposal_confirm")
        self.confirm_button.clicked.connect(self._confirm_selected)
        self.other_step = make_button()
        self.other_step.setObjectName("proposal_other_step")
        self.other_step.clicked.connect(lambda: self._decide_selected(change=True))
        self.no_measure = make_button()
        self.no_measure.setObjectName("proposal_no_measure")
        self.no_measure.clicked.connect(lambda: self._decide_selected(change=False))
        bar = QHBoxLayout()
        for button in (self.confirm_button, self.other_step, self.no_measure):
            bar.addWidget(button)
        bar.addStretch(1)
        page.addLayout(bar)
        # Said instead of an empty table: why there is nothing, and where proposals come from.
        self.no_proposals = make_label(role="muted")
        self.no_proposals.setObjectName("followup_no_proposals")
        self.no_proposals.hide()
        page.addWidget(self.no_proposals)
        self.proposals = make_table("followup_proposals")
        page.addWidget(self.proposals, 1)

        # Actions.
        self.actions_page = QWidget()
        page = QVBoxLayout(self.actions_page)
        page.setContentsMargins(0, 8, 0, 0)
        self.new_action = make_button(role="primary")
        self.new_action.setObjectName("new_action")
        self.new_action.clicked.connect(self.open_new_action)
        self.open_button = make_button()
        self.open_button.setObjectName("open_action")
        self.open_button.clicked.connect(self._open_selected)
        self.overview_button = make_button()
        self.overview_button.setObjectName("actions_overview")
        self.overview_button.clicked.connect(self.save_overview)
        self.show_filter = QComboBox()
        self.show_filter.setObjectName("actions_filter")
        self.show_filter.currentIndexChanged.connect(lambda _i: self._fill_actions())
        bar = QHBoxLayout()
        for button in (self.new_action, self.open_button, self.overview_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.show_filter)
        page.addLayout(bar)
        self.no_actions = make_label(role="muted")
        self.no_actions.setObjectName("followup_no_actions")
        self.no_actions.hide()
        page.addWidget(self.no_actions)
        self.action_list = make_table("followup_actions")
        self.action_list.activated.connect(lambda _i: self._open_selected())
        page.addWidget(self.action_list, 1)

        # The venue file.
        self.file_page = QWidget()
        page = QVBoxLayout(self.file_page)
        page.setContentsMargins(0, 8, 0, 0)
        self.venue = QComboBox()
        self.venue.setObjectName("file_venue")
        self.venue.setMinimumWidth(420)
        self.venue.currentIndexChanged.connect(lambda _i: self.load_file())
        self.dossier_button = make_button()
        self.dossier_button.setObjectName("venue_dossier")
        self.dossier_button.clicked.connect(self.save_dossier)
        bar = QHBoxLayout()
        bar.addWidget(self.venue)
        bar.addWidget(self.dossier_button)
        bar.addStretch(1)
        page.addLayout(bar)
        self.file_table = make_table("venue_file")
        self.file_table.setWordWrap(True)
        page.addWidget(self.file_table, 1)

        self.views.addTab(self.proposals_page, "")
        self.views.addTab(self.actions_page, "")
        self.views.addTab(self.file_page, "")
        layout.addWidget(self.views, 1)

        self.retranslate()
        self._load_people()
        self.connect_central()

    # --- loading ------------------------------------------------------------------------

    @property
    def language(self) -> Language:
        return "en" if self.context.language == "en" else "nl"

    def today(self) -> date:
        return self.context.clock().date()

    def _load_people(self) -> None:
        profile = self.signed.profile

        def got(people: list[User]) -> None:
            self.people = people

        self.context.tasks.run(profile.team_users, got, serial=True, context=self)

    def connected(self) -> None:
        self.followup = FollowUp(self.desk.line, self.username)
        self.refresh()

    def refresh(self) -> None:
        followup = self.followup
        if followup is None:
            if self.desk is None:
                self.connect_central()
            return
        self.call(followup.board, self._loaded)

    def _loaded(self, board: FollowUpBoard) -> None:
        self.board = board
        self._fill()
        self.loaded.emit()

    def my_venues(self) -> list[Venue]:
        board = self.board
        if board is None:
            return []
        areas = {area for team in board.teams for area in team.areas}
        return sorted((v for v in board.venues if v.area in areas), key=lambda v: v.name)

    def teams(self) -> list[Team]:
        return list(self.board.teams) if self.board is not None else []

    def late(self) -> list[Action]:
        return overdue(self.board.actions, self.today()) if self.board is not None else []

    def _fill(self) -> None:
        board = self.board
        if board is None:
            return
        late = len(self.late())
        self.overdue_count.setText(self.tr("%n overdue", "", late))
        still = sum(1 for a in board.actions if a.state.is_open)
        self.counts.setText(
            self.tr("{proposals} to decide · {open} open actions").format(
                proposals=len(board.proposals), open=still
            )
        )
        if late:
            self.alert.say(self.tr("%n follow-up action(s) are past their due date.", "", late))
        else:
            self.alert.clear()
        self.retitle()
        self._fill_proposals()
        self._fill_actions()
        self._fill_venues()

    def _fill_proposals(self) -> None:
        board = self.board
        rows = sorted(board.proposals, key=lambda m: m.visited_at) if board else []
        language = self.language
        names = {v.id: v.name for v in board.venues} if board else {}
        fill(
            self.proposals,
            [
                [
                    names.get(m.venue_id, m.venue_id),
                    "; ".join(local(label, language) for label in m.finding_labels),
                    local(m.proposed_label, language),
                    str(len(m.repetitions)),
                    m.policy_version,
                    day_text(m.visited_at.date()),
                ]
                for m in rows
            ],
            [m.measure_id for m in rows],
        )
        fit_columns(self.proposals)
        has = bool(rows)
        for button in (self.confirm_button, self.other_step, self.no_measure):
            button.setEnabled(has)
        self.no_proposals.setText(
            self.tr(
                "No proposals to decide. An inspection that records a violation on the "
                "sanction ladder brings one here, with the step the policy proposes."
            )
        )
        self.no_proposals.setVisible(board is not None and not has)

    def visible_actions(self) -> list[Action]:
        board = self.board
        if board is None:
            return []
        rows = board.actions
        if self.show_filter.currentIndex() != self.EVERYTHING:
            rows = [a for a in rows if a.state.is_open]
        return sorted(rows, key=lambda a: (a.due, a.action_id))

    def _fill_actions(self) -> None:
        rows = self.visible_actions()
        language = self.language
        today = self.today()
        fill(
            self.action_list,
            [
                [
                    day_text(a.due),
                    a.venue_name or "—",
                    a.describe(language),
                    local(a.kind.label, language),
                    a.owner_name,
                    local(a.state.label, language)
                    + (" · " + self.tr("overdue") if a.overdue(today) else ""),
                ]
                for a in rows
            ],
            [a.action_id for a in rows],
        )
        red = QColor("#b3261e")
        for row, action in enumerate(rows):
            if action.overdue(today):
                for column in range(self.action_list.columnCount()):
                    item = self.action_list.item(row, column)
                    if item is not None:
                        item.setForeground(red)
                        item.setToolTip(self.tr("Past its due date"))
        fit_columns(self.action_list)
        if self.show_filter.currentIndex() == self.EVERYTHING:
            self.no_actions.setText(self.tr("No follow-up actions yet."))
        else:
            self.no_actions.setText(
                self.tr("No open follow-up actions. 'All actions' shows the closed ones too.")
            )
        self.no_actions.setVisible(self.board is not None and not rows)

    def _fill_venues(self) -> None:
        current = self.venue.currentData()
        self.venue.blockSignals(True)
        self.venue.clear()
        self.venue.addItem(self.tr("Choose a venue…"), None)
        for venue in self.my_venues():
            self.venue.addItem(venue_line(venue), venue.id)
        index = self.venue.findData(current) if current else 0
        self.venue.setCurrentIndex(max(0, index))
        self.venue.blockSignals(False)
        self.dossier_button.setEnabled(self.venue.currentData() is not None)

    # --- the venue file -----------------------------------------------------------------

    def load_file(self) -> None:
        followup = self.followup
        venue_id = self.venue.currentData()
        self.dossier_button.setEnabled(venue_id is not None)
        if followup is None or venue_id is None:
            self.venue_file = None
            self.file_table.setRowCount(0)
            return
        self.call(lambda: followup.venue_file(str(venue_id)), self._file_arrived)

    def _file_arrived(self, file: VenueFile) -> None:
        self.venue_file = file
        language = self.language
        entries: list[tuple[datetime | date, str, str]] = []
        for visit in file.visits:
            findings = "; ".join(local(f.label, language) for f in visit.findings)
            entries.append(
                (
                    visit.visited_at,
                    self.tr("Visit"),
                    f"{local(visit.form_title, language)} · {', '.join(visit.officers)}"
                    + (f" · {findings}" if findings else ""),
                )
            )
        for measure in file.measures:
            label = measure.decided_label or measure.proposed_label
            entries.append(
                (
                    measure.proposed_at,
                    self.tr("Measure"),
                    f"{local(label, language)} · {local(measure.state.label, language)}"
                    + (f" · {measure.reason}" if measure.reason else ""),
                )
            )
        for action in file.actions:
            entries.append(
                (
                    action.created_at,
                    self.tr("Action"),
                    f"{action.describe(language)} · {local(action.state.label, language)}"
                    + " · "
                    + self.tr("due {date}").format(date=day_text(action.due)),
                )
            )
            for event in action.responses:
                entries.append(
                    (
                        event.at,
                        self.tr("Response"),
                        f"{day_text(event.response_date or event.at.date())} · {event.text}",
                    )
                )

        def key(entry: tuple[datetime | date, str, str]) -> date:
            moment = entry[0]
            return moment.date() if isinstance(moment, datetime) else moment

        entries.sort(key=key)
        # Keyed by the venue too: a row chosen in one venue's file is not chosen again by
        # its number in another's.
        venue_key = str(self.venue.currentData())
        fill(
            self.file_table,
            [[day_text(key(e)), e[1], e[2]] for e in entries],
            [f"{venue_key}:{n}" for n in range(len(entries))],
        )
        fit_columns(self.file_table)
        self.file_loaded.emit()

    def _ask_target(self, title: str, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, title, str(Path.home() / suggested), self.tr("PDF (*.pdf)")
        )
        return Path(name) if name else None

    def save_dossier(self) -> None:
        followup = self.followup
        venue_id = self.venue.currentData()
        if followup is None or venue_id is None:
            return
        target = self.choose_target(self.tr("Save the venue dossier"), f"dossier-{venue_id}.pdf")
        if target is None:
            return
        language = self.language
        areas = list(self.board.areas) if self.board is not None else []
        self.call(
            lambda: followup.write_dossier(str(venue_id), target, language, areas),
            lambda _file: self._saved(target, self.tr("Venue dossier")),
        )

    def save_overview(self) -> None:
        followup = self.followup
        if followup is None or self.board is None:
            return
        target = self.choose_target(self.tr("Save the weekly overview"), "opvolging.pdf")
        if target is None:
            return
        actions = list(self.board.actions)
        today, language = self.today(), self.language
        scope = ", ".join(team.name for team in self.teams())
        self.call(
            lambda: followup.write_overview(actions, target, today, scope, language),
            lambda _none: self._saved(target, self.tr("Weekly overview")),
        )

    def _saved(self, target: Path, title: str) -> None:
        from fieldapp.ui.review.preview import PdfPreview

        self.saved_pdf = target
        preview = PdfPreview(title, target.read_bytes(), self.context.tasks, target.name, self)
        self.preview = preview
        preview.open()

    # --- acting -------------------------------------------------------------------------

    def measure(self, measure_id: str | None) -> Measure | None:
        board = self.board
        if board is None or measure_id is None:
            return None
        return next((m for m in board.proposals if m.measure_id == measure_id), None)

    def action(self, action_id: str | None) -> Action | None:
        board = self.board
        if board is None or action_id is None:
            return None
        return next((a for a in board.actions if a.action_id == action_id), None)

    def _selected_measure(self) -> Measure | None:
        found = self.measure(selected_key(self.proposals))
        if found is None and self.proposals.rowCount() == 1 and self.board is not None:
            self.proposals.selectRow(0)
            found = self.measure(selected_key(self.proposals))
        return found

    def _confirm_selected(self) -> None:
        from fieldapp.app.followup import DecisionKind

        measure, followup = self._selected_measure(), self.followup
        if measure is None or followup is None:
            return
        self.confirm_button.setEnabled(False)
        self.call(
            lambda: followup.decide(measure.measure_id, DecisionKind.CONFIRM),
            lambda _m: self._decided(),
            lambda _e: self.confirm_button.setEnabled(True),
        )

    def _decided(self) -> None:
        self.confirm_button.setEnabled(True)
        self.refresh()

    def _decide_selected(self, *, change: bool) -> None:
        from fieldapp.ui.central.followup_dialogs import DecisionDialog

        measure, followup = self._selected_measure(), self.followup
        if measure is None or followup is None:
            return
        policy = self.board.policy if self.board is not None else None
        if policy is not None and (policy.id, policy.version) != (
            measure.policy_id,
            measure.policy_version,
        ):
            policy = None  # the dialog reads the policy the proposal was made under
        dialog = DecisionDialog(self.context, followup, measure, policy, change)
        dialog.saved.connect(lambda _m: self.refresh())
        dialog.setParent(self, dialog.windowFlags())
        dialog.open()

    def _open_selected(self) -> None:
        key = selected_key(self.action_list)
        if key is not None:
            self.open_action(key)

    def open_action(self, action_id: str) -> None:
        from fieldapp.app.followup import owners
        from fieldapp.ui.central.followup_dialogs import ActionDialog

        action, followup = self.action(action_id), self.followup
        if action is None or followup is None:
            return
        teams = self.board.teams if self.board is not None else []
        people = owners(self.people, teams, self.username)
        dialog = ActionDialog(self.context, followup, action, people)
        dialog.saved.connect(lambda _a: self.refresh())
        dialog.setParent(self, dialog.windowFlags())
        dialog.open()

    def open_new_action(self) -> None:
        from fieldapp.app.followup import owners
        from fieldapp.ui.central.followup_dialogs import NewActionDialog

        followup, board = self.followup, self.board
        if followup is None or board is None:
            return
        people = owners(self.people, board.teams, self.username)
        dialog = NewActionDialog(self.context, followup, self.my_venues(), people, self.teams())
        dialog.saved.connect(lambda _a: self.refresh())
        dialog.setParent(self, dialog.windowFlags())
        dialog.open()

    def _show_overdue(self) -> None:
        self.views.setCurrentWidget(self.actions_page)
        self.show_filter.setCurrentIndex(self.OPEN)

    # --- words --------------------------------------------------------------------------

    def tab_title(self) -> str:
        late = len(self.late())
        return self.tr("Follow-up ({count})").format(count=late) if late else self.tr("Follow-up")

    def retranslate(self) -> None:
        super().retranslate()
        self.refresh_button.setText(self.tr("Refresh"))
        self.confirm_button.setText(self.tr("Confirm"))
        self.other_step.setText(self.tr("Other step…"))
        self.no_measure.setText(self.tr("No measure…"))
        self.new_action.setText(self.tr("New action…"))
        self.open_button.setText(self.tr("Open"))
        self.overview_button.setText(self.tr("Weekly overview (PDF)…"))
        self.dossier_button.setText(self.tr("Dossier (PDF)…"))
        current = max(0, self.show_filter.currentIndex())
        self.show_filter.blockSignals(True)
        self.show_filter.clear()
        self.show_filter.addItems([self.tr("Open actions"), self.tr("All actions")])
        self.show_filter.setCurrentIndex(current)
        self.show_filter.blockSignals(False)
        self.views.setTabText(0, self.tr("Proposals"))
        self.views.setTabText(1, self.tr("Actions"))
        self.views.setTabText(2, self.tr("Venue file"))
        set_headers(
            self.proposals,
            [
                self.tr("Venue"),
                self.tr("Findings"),
                self.tr("Proposed step"),
                self.tr("Repetitions"),
                self.tr("Policy"),
                self.tr("Date"),
            ],
        )
        set_headers(
            self.action_list,
            [
                self.tr("Due"),
                self.tr("Venue"),
                self.tr("What"),
                self.tr("Kind"),
                self.tr("Owner"),
                self.tr("State"),
            ],
        )
        set_headers(self.file_table, [self.tr("Date"), self.tr("What"), self.tr("Details")])
        if self.board is None:
            self.overdue_count.setText(self.tr("%n overdue", "", 0))
        else:
            self._fill()
            if self.venue_file is not None:
                self._file_arrived(self.venue_file)
