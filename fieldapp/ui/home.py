"""The home screens, by role.

Officers (boa's) see their assignments, drafts, outbox, sent and returned inspections, and
start coffeeshop inspections and patrols. Mystery guests see only door tests, and can
switch to a dark, minimal discreet mode with a cover that hides everything at one key
(F12) or tap. Supervisors get an overview of their teams' assignments, the people in
their teams and the checklists in use, which they can try out without saving anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.inspections import AssignmentRow, LocalInspectionSummary, assignment_rows
from fieldapp.app.session import SignedIn
from fieldapp.core.entities import Role
from fieldapp.core.forms import LocalText
from fieldapp.core.inspection import InspectionStatus
from fieldapp.ui.context import AppContext
from fieldapp.ui.lists import (
    AssignmentTableModel,
    FormTableModel,
    InspectionTableModel,
    TeamTableModel,
)
from fieldapp.ui.models import RECORD_ROLE, Page, PageSource
from fieldapp.ui.signin import role_name
from fieldapp.ui.widgets import enable_kinetic_scrolling, make_button, make_label, tab_leaves

if TYPE_CHECKING:
    from fieldapp.app.syncing import SyncReport
    from fieldapp.ui.syncing import SyncController

#: The form a mystery guest works with; everything else is hidden from them.
DOOR_TEST = "door_test"


def finding_titles(signed: SignedIn) -> dict[str, dict[str, LocalText]]:
    """Every finding's short title per form, from the forms this person may start."""
    return {
        choice.form_id: {
            outcome.name: dict(outcome.label) for outcome in choice.definition.outcomes
        }
        for choice in signed.forms
    }


def greeting(now: datetime) -> str:
    from PySide6.QtCore import QCoreApplication

    hour = now.hour
    if hour < 6:
        return QCoreApplication.translate("Home", "Good night")
    if hour < 12:
        return QCoreApplication.translate("Home", "Good morning")
    if hour < 18:
        return QCoreApplication.translate("Home", "Good afternoon")
    return QCoreApplication.translate("Home", "Good evening")


class ListPage(QStackedWidget):
    """A table, or a sentence when there is nothing to show."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"list_{name}")
        self.table = QTableView()
        self.table.setObjectName(f"table_{name}")
        tab_leaves(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(56)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        enable_kinetic_scrolling(self.table)
        self.empty = make_label(role="muted")
        self.empty.setObjectName(f"empty_{name}")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setContentsMargins(40, 40, 40, 40)
        self.addWidget(self.table)
        self.addWidget(self.empty)

    def show_table(self, has_rows: bool) -> None:
        self.setCurrentWidget(self.table if has_rows else self.empty)

    def widths(self, *widths: int, stretch: int) -> None:
        """Fixed starting widths, and one column that takes the room that is left."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


class TopBar(QFrame):
    """Who is signed in, the demo badge, and the actions that are always at hand."""

    def __init__(self, signed: SignedIn, demo: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "bar")
        self.setObjectName("top_bar")
        rows = self.rows = QVBoxLayout(self)
        rows.setContentsMargins(24, 12, 16, 10)
        rows.setSpacing(2)
        layout = QHBoxLayout()
        layout.setSpacing(10)
        rows.addLayout(layout)
        names = QVBoxLayout()
        names.setSpacing(0)
        self.hello = make_label(role="heading", wrap=False)
        self.hello.setObjectName("hello")
        self.who = make_label(role="muted", wrap=False)
        # The names give way to the buttons, never the other way round: a clipped button
        # label is a control nobody can read.
        for label in (self.hello, self.who):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        names.addWidget(self.hello)
        names.addWidget(self.who)
        self.demo = make_label(role="demo", wrap=False)
        layout.addLayout(names, 1)
        layout.addWidget(self.demo)
        self.demo.setHidden(not demo)
        self.top_row = layout
        # The buttons sit beside the names when both fit, else on a row of their own
        # below them (a mystery guest has seven): a name cut to "Tester Noor" helps nobody.
        self.button_box = QWidget()
        self.buttons = QHBoxLayout(self.button_box)
        self.buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons.setSpacing(8)
        layout.addWidget(self.button_box)
        self.lower_row = QHBoxLayout()
        self.lower_row.setSpacing(8)
        rows.addLayout(self.lower_row)
        # What waits to be sent and when the last sync worked (hidden without syncing). A
        # row of its own, the width of the bar: a mystery guest's buttons leave no room
        # beside the names, and a problem sentence must be readable whole.
        self.sync_status = make_label(role="muted")
        self.sync_status.setObjectName("sync_status")
        self.sync_status.hide()
        rows.addWidget(self.sync_status)
        # Said on screen, not only in the docs: the demo's own store holds practice data,
        # unencrypted, on this computer; nobody should take it for the municipality's.
        self.demo_store = make_label(role="demo")
        self.demo_store.setObjectName("demo_store_note")
        self.demo_store.hide()
        rows.addWidget(self.demo_store)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.place_buttons()

    def place_buttons(self) -> None:
        """Beside the names when everything fits the bar's width, else on the row below."""
        margins = self.rows.contentsMargins()
        names = max(self.hello.sizeHint().width(), self.who.sizeHint().width())
        badge = 0 if self.demo.isHidden() else self.demo.sizeHint().width() + 10
        needed = names + badge + 10 + self.button_box.sizeHint().width()
        fits = needed <= self.width() - margins.left() - margins.right()
        target = self.top_row if fits else self.lower_row
        if target.indexOf(self.button_box) >= 0:
            return
        (self.lower_row if fits else self.top_row).removeWidget(self.button_box)
        target.addWidget(self.button_box)
        if not fits:
            target.addStretch(1)
        else:
            while self.lower_row.count():
                self.lower_row.takeAt(0)


class HomeScreen(QWidget):
    """Assignments and the person's own inspections, for officers and mystery guests.

    Signals:
        open_requested(str): open this inspection (continue a draft, read a sent one).
        assignment_chosen(object): start (or continue) the work of an `AssignmentRow`.
        new_requested(): start a new inspection, choosing form and venue or area.
        settings_requested(), lock_requested(), sign_out_requested(), cover_requested().
        discreet_toggled(bool): the mystery guest switched discreet mode.
    """

    open_requested = Signal(str)
    assignment_chosen = Signal(object)
    new_requested = Signal()
    settings_requested = Signal()
    lock_requested = Signal()
    sign_out_requested = Signal()
    cover_requested = Signal()
    discreet_toggled = Signal(bool)

    def __init__(
        self,
        context: AppContext,
        signed: SignedIn,
        form_titles: dict[str, LocalText],
        parent: QWidget | None = None,
        *,
        sync: SyncController | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.signed = signed
        self.sync = sync
        self.setObjectName("home")
        self.mystery_guest = signed.role is Role.MYSTERY_GUEST
        self._form_ids: tuple[str, ...] | None = (DOOR_TEST,) if self.mystery_guest else None
        self._titles = form_titles
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.bar = TopBar(signed, context.demo)
        layout.addWidget(self.bar)

        self.new_button = make_button(role="primary")
        self.new_button.setObjectName("new_inspection")
        self.new_button.clicked.connect(self.new_requested)
        self.sync_button = make_button()
        self.sync_button.setObjectName("sync_now")
        # Shown while a sync runs: a server that never answers must not hold the person.
        self.cancel_sync = make_button()
        self.cancel_sync.setObjectName("cancel_sync")
        self.cancel_sync.hide()
        self.discreet = make_button()
        self.discreet.setObjectName("discreet_toggle")
        self.discreet.setCheckable(True)
        self.discreet.setChecked(context.settings.discreet_mode)
        self.discreet.toggled.connect(self.discreet_toggled)
        self.cover = make_button()
        self.cover.setObjectName("cover_button")
        self.cover.clicked.connect(self.cover_requested)
        self.settings = make_button()
        self.settings.setObjectName("settings_button")
        self.settings.clicked.connect(self.settings_requested)
        self.lock = make_button()
        self.lock.setObjectName("lock_button")
        self.lock.clicked.connect(self.lock_requested)
        self.sign_out = make_button()
        self.sign_out.setObjectName("sign_out")
        self.sign_out.clicked.connect(self.sign_out_requested)
        for button in (
            self.new_button,
            self.sync_button,
            self.cancel_sync,
            self.discreet,
            self.cover,
            self.settings,
            self.lock,
            self.sign_out,
        ):
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            self.bar.buttons.addWidget(button)
        self.discreet.setHidden(not self.mystery_guest)
        self.cover.setHidden(not self.mystery_guest)
        self.sync_button.setHidden(sync is None)
        if sync is not None:
            self.sync_button.clicked.connect(sync.sync_now)
            self.cancel_sync.clicked.connect(sync.cancel)
            sync.status_changed.connect(self._show_sync_status)
            sync.sync_finished.connect(self._synced)
            self.bar.sync_status.show()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("home_tabs")
        self.tabs.setDocumentMode(True)
        # What just happened, in words: after finalizing, the outbox may already be empty
        # again (sent), so the list alone does not say that all went well.
        self.done_notice = QFrame()
        self.done_notice.setObjectName("done_notice")
        self.done_notice.setProperty("role", "notice")
        notice = QHBoxLayout(self.done_notice)
        notice.setContentsMargins(24, 6, 16, 6)
        self.done_text = make_label(role="ok")
        self.done_text.setObjectName("done_text")
        self.done_close = make_button(role="link")
        self.done_close.clicked.connect(self.done_notice.hide)
        notice.addWidget(self.done_text, 1)
        notice.addWidget(self.done_close)
        self.done_notice.hide()
        layout.addWidget(self.done_notice)
        body = QVBoxLayout()
        body.setContentsMargins(24, 12, 24, 16)
        body.addWidget(self.tabs)
        layout.addLayout(body, 1)

        language = context.language
        self.assignments_model = AssignmentTableModel(form_titles, language, parent=self)
        self.assignments = ListPage("assignments")
        self.assignments.table.setModel(self.assignments_model)
        self.assignments.widths(120, 250, 290, 360, 200, stretch=3)
        # Instructions in full, over as many lines as they need (a tablet has no tooltips);
        # a row is never lower than a finger.
        rows = self.assignments.table.verticalHeader()
        rows.setMinimumSectionSize(56)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.assignments.table.clicked.connect(self._assignment_activated)
        self.assignments.table.activated.connect(self._assignment_activated)

        self.lists: dict[InspectionStatus, tuple[ListPage, InspectionTableModel]] = {}
        for status in (
            InspectionStatus.DRAFT,
            InspectionStatus.FINALIZED,
            InspectionStatus.SENT,
            InspectionStatus.RETURNED,
        ):
            page = ListPage(status.value)
            model = InspectionTableModel(
                self._pages(status),
                form_titles,
                language,
                self,
                finding_titles=finding_titles(signed),
            )
            page.table.setModel(model)
            # The findings column holds a count and the first finding's short title.
            page.widths(220, 220, 360, 280, 170, stretch=2)
            page.table.clicked.connect(self._inspection_activated)
            page.table.activated.connect(self._inspection_activated)
            model.modelReset.connect(lambda p=page, m=model: p.show_table(m.rowCount() > 0))
            model.rowsInserted.connect(lambda *_a, p=page, m=model: p.show_table(True))
            # The count in a tab is the list's own total: the rows a person can scroll to.
            model.total_changed.connect(self._retitle_tabs)
            model.failed.connect(context.tasks.failed)
            self.lists[status] = (page, model)
        self.tabs.addTab(self.assignments, "")
        for page, _model in self.lists.values():
            self.tabs.addTab(page, "")
        self.retranslate()
        self.refresh()
        self._show_sync_status()

    # -- data ------------------------------------------------------------------------------

    def _pages(self, status: InspectionStatus) -> PageSource[LocalInspectionSummary, int]:
        """The store's query for one list, the mystery guest's filter included: a page of
        matches from `offset`, with how many matches there are in all."""
        profile = self.signed.profile
        form_ids = self._form_ids

        def fetch(
            offset: int | None,
            limit: int,
            done: Callable[[Page[LocalInspectionSummary, int]], None],
            failed: Callable[[BaseException], None],
        ) -> None:
            start = offset or 0

            def work() -> Page[LocalInspectionSummary, int]:
                rows = profile.inspections(
                    status,
                    form_ids=form_ids,
                    limit=limit,
                    offset=start,
                    with_draft_findings=status is InspectionStatus.DRAFT,
                )
                total = profile.count(status, form_ids=form_ids)
                end = start + len(rows)
                return Page(rows, end if len(rows) == limit and end < total else None, total)

            self.context.tasks.run(work, done, failed, serial=True, context=self)

        return fetch

    def refresh(self, statuses: Iterable[InspectionStatus] | None = None) -> None:
        """Reload the assignments and the lists of `statuses` (None: all)."""
        profile = self.signed.profile
        username = self.signed.user.username
        form_ids = self._form_ids

        def work() -> list[AssignmentRow]:
            return assignment_rows(profile, username, form_ids)

        self.context.tasks.run(work, self._refreshed, serial=True, context=self)
        wanted = set(self.lists if statuses is None else statuses)
        for status, (_page, model) in self.lists.items():
            if status in wanted:
                # The rows shown stay until the new ones arrive, so a tab's count always
                # heads the rows under it, even while the store is busy.
                model.refresh_rows()

    # -- syncing ---------------------------------------------------------------------------

    def _synced(self, report: SyncReport) -> None:
        """Reload only the lists a sync changed (sent, refused, returned, approved)."""
        changed: set[InspectionStatus] = set()
        if report.sent or report.failed or report.drift_repaired:
            # Sent versions leave the outbox; refused ones show their reason there.
            changed |= {InspectionStatus.FINALIZED, InspectionStatus.SENT}
        if report.returns or report.approvals or report.reset:
            changed |= {InspectionStatus.SENT, InspectionStatus.RETURNED, InspectionStatus.DRAFT}
        if changed or report.pulled:
            # Pulled reference data may bring new assignments.
            self.refresh(changed)

    def _show_sync_status(self) -> None:
        sync = self.sync
        if sync is None:
            return
        self.bar.sync_status.setText(sync.status_text())
        self.bar.demo_store.setVisible(sync.demo_store)
        # One sync at a time: the button says so instead of queueing clicks silently.
        self.sync_button.setEnabled(not sync.running)
        if self.cancel_sync.isHidden() == sync.running:
            self.cancel_sync.setVisible(sync.running)
            self.bar.place_buttons()
        self.cancel_sync.setEnabled(not sync.cancelling)

    def _refreshed(self, rows: list[AssignmentRow]) -> None:
        self.assignments_model.set_rows(rows)
        self.assignments.show_table(bool(rows))
        self._retitle_tabs()

    @property
    def loaded(self) -> bool:
        return all(model.loaded_once for _page, model in self.lists.values())

    def count(self, status: InspectionStatus | None) -> int | None:
        """The count a tab shows (None: the assignments'); None before its list loaded."""
        if status is None:
            return self.assignments_model.rowCount()
        return self.lists[status][1].total

    # -- actions ---------------------------------------------------------------------------

    def _assignment_activated(self, index: QModelIndex) -> None:
        row = index.data(RECORD_ROLE)
        if isinstance(row, AssignmentRow):
            self.assignment_chosen.emit(row)

    def _inspection_activated(self, index: QModelIndex) -> None:
        summary = index.data(RECORD_ROLE)
        if isinstance(summary, LocalInspectionSummary):
            self.open_requested.emit(summary.inspection_id)

    def confirm_finalized(self, subject: str) -> None:
        """Say that an inspection was finalized, and where it goes from here."""
        if subject:
            text = self.tr(
                "Finalized: %1. It is sent when there is a connection; then it is under Sent."
            ).replace("%1", subject)
        else:
            text = self.tr(
                "Finalized. It is sent when there is a connection; then it is under Sent."
            )
        self.done_text.setText(text)
        self.done_close.setText(self.tr("OK"))
        self.done_notice.show()

    def show_list(self, status: InspectionStatus | None) -> None:
        """Bring a list to the front (None: the assignments)."""
        if status is None:
            self.tabs.setCurrentWidget(self.assignments)
        else:
            self.tabs.setCurrentWidget(self.lists[status][0])

    def set_discreet(self, on: bool) -> None:
        """Minimal: only what a tester needs at the door."""
        self.discreet.setChecked(on)
        self.bar.who.setVisible(not on)
        for status in (InspectionStatus.SENT, InspectionStatus.RETURNED):
            page = self.lists[status][0]
            self.tabs.setTabVisible(self.tabs.indexOf(page), not on)
        self.retranslate()

    # -- language --------------------------------------------------------------------------

    def retranslate(self) -> None:
        user = self.signed.user
        name = user.pseudonym or user.display_name
        discreet = self.mystery_guest and self.discreet.isChecked()
        if discreet:
            self.bar.hello.setText(self.tr("Door tests"))
        elif self.mystery_guest:
            # A tester's bar is full of buttons; the pseudonym says enough.
            self.bar.hello.setText(name)
        else:
            self.bar.hello.setText(f"{greeting(self.context.clock())}, {name}")
        team = self.signed.teams.get(user.team or "", "")
        self.bar.who.setText(
            " · ".join(part for part in (role_name(user.role.value), team) if part)
        )
        self.bar.demo.setText(self.tr("Demo"))
        self.bar.demo_store.setText(
            self.tr(
                "Demo store: this app syncs with a practice central store on this computer, "
                "not with the municipality's. Do not enter real inspections."
            )
        )
        self.new_button.setText(
            self.tr("New visit…") if self.mystery_guest else self.tr("New inspection…")
        )
        self.sync_button.setText(self.tr("Sync now"))
        self.sync_button.setAccessibleName(self.tr("Sync now"))
        self.sync_button.setToolTip(
            self.tr(
                "Send the outbox to the central store and fetch what changed "
                "(returned inspections, assignments). The app also does this by itself."
            )
        )
        self.sync_button.setAccessibleDescription(self.sync_button.toolTip())
        self.cancel_sync.setText(self.tr("Cancel"))
        self.cancel_sync.setAccessibleName(self.tr("Cancel the sync"))
        self.cancel_sync.setToolTip(
            self.tr("Stop this sync. Nothing is lost: what was not sent goes with the next sync.")
        )
        self.cancel_sync.setAccessibleDescription(self.cancel_sync.toolTip())
        self._show_sync_status()
        self.discreet.setText(self.tr("Discreet"))
        self.discreet.setAccessibleDescription(self.tr("Dark, minimal screen"))
        self.cover.setText(self.tr("Hide (F12)"))
        self.cover.setAccessibleName(self.tr("Hide everything"))
        self.settings.setText(self.tr("Settings"))
        self.lock.setText(self.tr("Lock"))
        self.sign_out.setText(self.tr("Sign out"))
        language = self.context.language
        self.assignments_model.set_language(language)
        for _page, model in self.lists.values():
            model.set_language(language)
        empty = {
            InspectionStatus.DRAFT: self.tr(
                "No drafts. Start with an assignment or with “New inspection”."
            ),
            InspectionStatus.FINALIZED: self.tr(
                "Nothing waiting to be sent. Finalized inspections wait here until the next sync."
            ),
            InspectionStatus.SENT: self.tr("Nothing sent yet."),
            InspectionStatus.RETURNED: self.tr("Nothing returned. Well done."),
        }
        for status, (page, _model) in self.lists.items():
            page.empty.setText(empty[status])
        self.assignments.empty.setText(self.tr("No assignments for you at the moment."))
        self._retitle_tabs()

    def _retitle_tabs(self) -> None:
        titles = {
            InspectionStatus.DRAFT: self.tr("Drafts"),
            InspectionStatus.FINALIZED: self.tr("Outbox"),
            InspectionStatus.SENT: self.tr("Sent"),
            InspectionStatus.RETURNED: self.tr("Returned"),
        }
        assignments = self.tr("Assignments")
        self.tabs.setTabText(0, f"{assignments} ({self.count(None)})")
        for status, (page, _model) in self.lists.items():
            count = self.count(status)
            title = titles[status] if count is None else f"{titles[status]} ({count})"
            self.tabs.setTabText(self.tabs.indexOf(page), title)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


_Overview = tuple[
    list[AssignmentRow],
    list[tuple[str, str, str]],
    list[tuple[str, LocalText, str, int, int, str]],
    dict[str, str],
]


def review_tab(context: AppContext, signed: SignedIn) -> QWidget:
    """The review inbox, or a sentence when this run has no central store to review from."""
    if context.review_desk is None:
        label = make_label(
            QCoreApplication.translate(
                "Home", "The review needs a connection to the central store."
            ),
            role="muted",
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("review_unavailable")
        return label
    from fieldapp.ui.review.panel import ReviewPanel

    return ReviewPanel(context, signed, context.review_desk)


class SupervisorHome(QWidget):
    """What a supervisor (or administrator) can see on this device.

    Signals:
        preview_requested(str): try out a checklist (nothing is saved).
        settings_requested(), lock_requested(), sign_out_requested().
    """

    preview_requested = Signal(str)
    settings_requested = Signal()
    lock_requested = Signal()
    sign_out_requested = Signal()

    def __init__(
        self,
        context: AppContext,
        signed: SignedIn,
        form_titles: dict[str, LocalText],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.signed = signed
        self.setObjectName("supervisor_home")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.bar = TopBar(signed, context.demo)
        layout.addWidget(self.bar)
        self.settings = make_button()
        self.settings.setObjectName("settings_button")
        self.settings.clicked.connect(self.settings_requested)
        self.lock = make_button()
        self.lock.setObjectName("lock_button")
        self.lock.clicked.connect(self.lock_requested)
        self.sign_out = make_button()
        self.sign_out.setObjectName("sign_out")
        self.sign_out.clicked.connect(self.sign_out_requested)
        for button in (self.settings, self.lock, self.sign_out):
            self.bar.buttons.addWidget(button)

        body = QVBoxLayout()
        body.setContentsMargins(24, 12, 24, 16)
        body.setSpacing(8)
        self.intro = make_label(role="hint")
        body.addWidget(self.intro)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("supervisor_tabs")
        self.tabs.setDocumentMode(True)
        body.addWidget(self.tabs, 1)
        layout.addLayout(body, 1)

        self._counts = (0, 0, 0)
        self.assignments_model = AssignmentTableModel(
            form_titles, context.language, show_assignee=True, parent=self
        )
        self.assignments = ListPage("team_assignments")
        self.assignments.table.setModel(self.assignments_model)
        self.assignments.widths(120, 250, 290, 360, 200, stretch=3)
        self.team_model = TeamTableModel(self)
        self.team = ListPage("team_people")
        self.team.table.setModel(self.team_model)
        self.team.widths(360, 260, 300, stretch=2)
        self.forms_model = FormTableModel(context.language, self)
        self.forms = ListPage("forms")
        self.forms.table.setModel(self.forms_model)
        self.forms.widths(360, 100, 100, 200, 300, stretch=0)
        self.try_form = make_button(role="primary")
        self.try_form.setObjectName("try_form")
        self.try_form.clicked.connect(self._preview)
        self.try_form.setEnabled(False)
        self.forms.table.clicked.connect(lambda _index: self.try_form.setEnabled(True))
        self.forms.table.activated.connect(lambda _index: self._preview())
        forms_tab = QWidget()
        self.forms_tab = forms_tab
        forms_layout = QVBoxLayout(forms_tab)
        forms_layout.setContentsMargins(0, 8, 0, 0)
        forms_layout.addWidget(self.forms, 1)
        forms_layout.addWidget(self.try_form, alignment=Qt.AlignmentFlag.AlignLeft)
        self.review = review_tab(context, signed)
        self.tabs.addTab(self.review, "")
        self.tabs.addTab(self.assignments, "")
        self.tabs.addTab(self.team, "")
        self.tabs.addTab(forms_tab, "")
        # The intro explains the team tabs; review, planning and administration need the
        # height for their own lists.
        self.tabs.currentChanged.connect(self._show_intro)
        self._show_intro(self.tabs.currentIndex())
        self.retranslate()
        self.refresh()

    def _show_intro(self, tab: int) -> None:
        self.intro.setVisible(
            self.tabs.widget(tab) in (self.assignments, self.team, self.forms_tab)
        )

    def refresh(self) -> None:
        profile = self.signed.profile
        username = self.signed.user.username
        teams = dict(self.signed.teams)
        demo = self.signed.demo

        def work() -> _Overview:
            from fieldapp.app.inspections import forms_for
            from fieldapp.app.session import teams_led_by

            users = profile.team_users()
            # In the demo every team is on the device, so the overview keeps to the teams
            # this person leads; a real deployment's central store sends only the teams
            # the supervisor may see.
            led = teams_led_by(profile, username) if demo else set()
            team_of = {user.username: user.team for user in users}
            people = {user.username: user.pseudonym or user.display_name for user in users}
            people.update(teams)
            rows = [
                row
                for row in assignment_rows(profile, None)
                if not led
                or row.assignment.team in led
                or team_of.get(row.assignment.assignee or "") in led
            ]
            members = [
                (
                    user.pseudonym or user.display_name,
                    role_name(user.role.value),
                    teams.get(user.team or "", ""),
                )
                for user in users
                if user.team is not None and (not led or user.team in led)
            ]
            forms = []
            for choice in forms_for(profile, None):
                engine = profile.engine(choice.form_id, choice.version)
                questions = sum(
                    1 for f in engine.fields.values() if f.holds_answer and f.calculation is None
                )
                who = ", ".join(role_name(r) for r in choice.definition.roles)
                forms.append(
                    (
                        choice.form_id,
                        choice.definition.title,
                        choice.version,
                        questions,
                        len(choice.definition.outcomes),
                        who,
                    )
                )
            return rows, members, forms, people

        self.context.tasks.run(work, self._refreshed, serial=True, context=self)

    def _refreshed(self, result: _Overview) -> None:
        rows, members, forms, people = result
        self.assignments_model.set_people(people)
        self.assignments_model.set_rows(rows)
        self.assignments.show_table(bool(rows))
        self.team_model.set_rows(members)
        self.team.show_table(bool(members))
        self.forms_model.set_rows(forms)
        self.forms.show_table(bool(forms))
        self._counts = (len(rows), len(members), len(forms))
        self.retranslate()

    def _preview(self) -> None:
        index = self.forms.table.currentIndex()
        if index.isValid():
            self.preview_requested.emit(self.forms_model.form_id(index.row()))

    def retranslate(self) -> None:
        user = self.signed.user
        self.bar.hello.setText(f"{greeting(self.context.clock())}, {user.display_name}")
        self.bar.who.setText(role_name(user.role.value))
        self.bar.demo.setText(self.tr("Demo"))
        self.settings.setText(self.tr("Settings"))
        self.lock.setText(self.tr("Lock"))
        self.sign_out.setText(self.tr("Sign out"))
        if user.role.value == "admin":
            # An administrator leads no team: these tabs show every team's work.
            intro = self.tr(
                "The teams' work as this device last received it: assignments with who "
                "does them and when, the people, and the checklists. Try a checklist to see "
                "exactly what officers see; nothing you enter there is saved. Venues, areas, "
                "teams, people and forms are managed in the Administration tab."
            )
        else:
            intro = self.tr(
                "The work of your teams: assignments with who does them and when, the "
                "people in your teams, and the checklists they fill in. Try a checklist "
                "to see exactly what officers see; nothing you enter there is saved."
            )
        self.intro.setText(intro)
        assignments, members, forms = self._counts
        titles = (self.tr("Team assignments"), self.tr("Team members"), self.tr("Checklists"))
        self.tabs.setTabText(0, self.tr("To review"))
        for tab, (title, count) in enumerate(
            zip(titles, (assignments, members, forms), strict=True), start=1
        ):
            self.tabs.setTabText(tab, f"{title} ({count})")
        self.try_form.setText(self.tr("Try this checklist…"))
        self.assignments.empty.setText(self.tr("Your teams have no assignments."))
        self.team.empty.setText(self.tr("No team members on this device."))
        self.forms.empty.setText(self.tr("No checklists on this device yet."))
        self.assignments_model.set_language(self.context.language)
        self.forms_model.set_language(self.context.language)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
