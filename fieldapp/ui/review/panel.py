"""The supervisor's review tab: filters, the inbox, the detail, and approve / return / PDF.

Every request runs on the task runner; the widgets only show results. The controls to
approve and return appear for supervisors only, and the server refuses them to anyone
else anyway. Each action gets its `event_id` when the supervisor confirms it, so the
line's retries can never return or approve twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.review.desk import InboxFilter, ReviewDesk
from fieldapp.app.review.loading import LoadedReview, load_review, relabel
from fieldapp.app.review.source import CentralReportSource
from fieldapp.app.session import SignedIn
from fieldapp.core.entities import Role
from fieldapp.core.forms import Severity
from fieldapp.core.inspection import InspectionStatus, new_id
from fieldapp.protocol.models import InspectionList, ReviewEvent
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs import Confirm
from fieldapp.ui.review.conflicts import ConflictsDialog
from fieldapp.ui.review.detail import ReviewDetail
from fieldapp.ui.review.inbox import InboxColumn, InboxModel, Names, matching, status_name
from fieldapp.ui.review.rows import InboxCardDelegate
from fieldapp.ui.widgets import make_button, make_label, tab_leaves

#: Makes the supervisor's desk (may start the demo's central store: run it off the UI).
DeskFactory = Callable[[SignedIn], ReviewDesk]

log = logging.getLogger(__name__)


def _deliver(panel: ReviewPanel, setup: _Setup) -> None:
    if shiboken6.isValid(panel):
        panel._ready(setup)
    else:
        setup.desk.close()


@dataclass
class _Setup:
    desk: ReviewDesk
    source: CentralReportSource
    names: Names
    people: list[tuple[str, str]]


def problem_text(error: BaseException, language: str) -> str:
    """A plain sentence for what went wrong talking to the central store."""
    from fieldapp.app.review.desk import GaveUp, Refusal
    from fieldapp.core.errors import FieldappError

    lang = "en" if language == "en" else "nl"
    if isinstance(error, GaveUp):
        return error.asked_message.pick(lang)
    if isinstance(error, Refusal):
        return error.message.pick(lang)
    if isinstance(error, FieldappError):
        return error.text(lang)
    # A bug: its traceback goes to the log, the supervisor gets a sentence.
    log.error("review failed", exc_info=error)
    if lang == "en":
        return "Something went wrong; the details are in the log."
    return "Er ging iets mis; de details staan in het logboek."


class ReviewPanel(QWidget):
    """Signals:
    reviewed(str): an inspection was approved or returned (its id).
    """

    reviewed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        signed: SignedIn,
        desk_factory: DeskFactory,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("review_panel")
        self.context = context
        self.signed = signed
        self.setup: _Setup | None = None
        self.busy = False
        self.loaded: LoadedReview | None = None
        self.supervisor = signed.role is Role.SUPERVISOR
        #: Asks "sure?" before an action with a button named after it, and runs the
        #: action only on that button; tests replace it.
        self.confirm: Callable[[str, str, Callable[[], None]], object] = self._ask
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.search = QLineEdit()
        self.search.setObjectName("review_search")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.apply_filters)
        self.form = QComboBox()
        self.form.setObjectName("filter_form")
        self.status = QComboBox()
        self.status.setObjectName("filter_status")
        self.venue = QComboBox()
        self.venue.setObjectName("filter_venue")
        self.area = QComboBox()
        self.area.setObjectName("filter_area")
        self.author = QComboBox()
        self.author.setObjectName("filter_author")
        self.period = QComboBox()
        self.period.setObjectName("filter_period")
        self.outcome = QComboBox()
        self.outcome.setObjectName("filter_outcome")
        for combo in (self.venue, self.author):
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # One row with the words and the filters used most; the rest behind "More filters".
        filters.addWidget(self.search, 3)
        for combo in (self.form, self.status, self.period):
            self._fit(combo)
            filters.addWidget(combo, 2)
        self.more = QToolButton()
        self.more.setObjectName("more_filters")
        self.more.setCheckable(True)
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more.setArrowType(Qt.ArrowType.DownArrow)
        filters.addWidget(self.more)
        # Supervisors and administrators: what the central store kept aside (finding 5).
        self.conflicts_button = QToolButton()
        self.conflicts_button.setObjectName("held_conflicts_button")
        self.conflicts_button.setEnabled(False)
        self.conflicts_button.clicked.connect(self.show_conflicts)
        self.conflicts_button.setVisible(signed.role in (Role.SUPERVISOR, Role.ADMIN))
        filters.addWidget(self.conflicts_button)
        self.conflicts_dialog: ConflictsDialog | None = None
        self.more_filters = QWidget()
        self.more_filters.setObjectName("more_filters_row")
        second = QHBoxLayout(self.more_filters)
        second.setContentsMargins(0, 0, 0, 0)
        second.setSpacing(6)
        for combo in (self.venue, self.area, self.author, self.outcome):
            self._fit(combo)
            second.addWidget(combo, 1)
        self.more_filters.hide()
        self.more.toggled.connect(self._show_more)
        layout.addLayout(filters)
        layout.addWidget(self.more_filters)
        self.message = make_label(role="hint")
        self.message.setObjectName("review_message")
        self.message.hide()
        layout.addWidget(self.message)

        self.model = InboxModel(self._fetch_page, Names(), self)
        self.model.failed.connect(self._failed)
        self.model.loading_changed.connect(self._loading)
        self.table = QTableView()
        self.table.setObjectName("review_inbox")
        tab_leaves(self.table)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # One card per inspection (two lines) instead of six squeezed columns: the delegate
        # draws the venue column with the others' texts; the signals are in the tooltip.
        self.cards = InboxCardDelegate(self.table)
        self.table.setItemDelegateForColumn(InboxColumn.VENUE, self.cards)
        for column in InboxColumn:
            self.table.setColumnHidden(column, column is not InboxColumn.VENUE)
        self.table.horizontalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.cards.row_height(self.table.font()))
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.detail = ReviewDetail(self._load_image, self._language())
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        self.note = QLineEdit()
        self.note.setObjectName("review_note")
        self.approve_button = make_button(role="primary")
        self.approve_button.setObjectName("approve")
        self.approve_button.clicked.connect(self.approve)
        self.return_button = make_button()
        self.return_button.setObjectName("return_for_correction")
        self.return_button.clicked.connect(self.return_for_correction)
        self.pdf_button = make_button()
        self.pdf_button.setObjectName("pdf_preview_button")
        self.pdf_button.clicked.connect(self.preview_pdf)
        # The note gets the pane's full width on its own row; the buttons go below it.
        right_layout.addWidget(self.note)
        actions = QHBoxLayout()
        actions.addWidget(self.pdf_button)
        actions.addStretch(1)
        actions.addWidget(self.return_button)
        actions.addWidget(self.approve_button)
        right_layout.addLayout(actions)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.table.setMinimumWidth(300)
        self.splitter.setSizes([460, 780])
        layout.addWidget(self.splitter, 1)
        for button in (self.approve_button, self.return_button, self.note):
            button.setVisible(self.supervisor)
        self._update_actions()
        self.retranslate()
        self.busy = True
        # The list stood blank under empty filters while the desk signed in and read the
        # names: it says what it waits for, and the filters wait with it.
        self._say(self._connecting())
        for combo in self._filter_combos():
            combo.setEnabled(False)
        # No `context=self`: the desk made off the UI thread must be closed even when the
        # panel is gone by the time it arrives (a quick sign-out).
        context.tasks.run(
            lambda: self._prepare(desk_factory),
            lambda setup: _deliver(self, setup),
            lambda error: self._failed(error) if shiboken6.isValid(self) else None,
        )

    # --- setting up ---------------------------------------------------------------------

    @staticmethod
    def _fit(combo: QComboBox) -> None:
        combo.setMinimumContentsLength(8)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)

    def _show_more(self, shown: bool) -> None:
        self.more_filters.setVisible(shown)
        self.more.setArrowType(Qt.ArrowType.UpArrow if shown else Qt.ArrowType.DownArrow)

    def _hidden_filters(self) -> int:
        """How many of the filters behind "More filters" are set."""
        return sum(
            1 for combo in (self.venue, self.area, self.author, self.outcome) if combo.currentData()
        )

    def _retitle_more(self) -> None:
        count = self._hidden_filters()
        text = self.tr("More filters")
        self.more.setText(f"{text} ({count})" if count else text)

    def _language(self) -> Any:
        return "en" if self.context.language == "en" else "nl"

    def _prepare(self, desk_factory: DeskFactory) -> _Setup:
        profile = self.signed.profile
        desk = desk_factory(self.signed)
        venues = {venue.id: venue for venue in profile.venues()}
        areas = {area.id: area for area in profile.areas()}
        source = CentralReportSource(desk, profile.engine, venues, areas)
        people = sorted(
            ((user.username, user.pseudonym or user.display_name) for user in profile.team_users()),
            key=lambda pair: pair[1].casefold(),
        )
        names = self._names(
            self._language(),
            {venue_id: venue.name for venue_id, venue in venues.items()},
            {area_id: area.name for area_id, area in areas.items()},
        )
        return _Setup(desk, source, names, people)

    def _names(self, language: Any, venues: dict[str, str], areas: dict[str, str]) -> Names:
        """What the rows and filters show for ids, in `language` (venue and area names are
        the same in every language)."""
        forms = {
            choice.form_id: choice.definition.title.get(language)
            or next(iter(choice.definition.title.values()))
            for choice in self.signed.forms
        }
        outcomes: dict[str, str] = {}
        severities: dict[str, Severity] = {}
        for choice in self.signed.forms:
            for outcome in choice.definition.outcomes:
                severities.setdefault(outcome.name, outcome.severity)
                outcomes.setdefault(
                    outcome.name,
                    outcome.label.get(language) or next(iter(outcome.label.values())),
                )
        return Names(forms, venues, areas, outcomes, severities)

    def _ready(self, setup: _Setup) -> None:
        self.setup = setup
        # The desk keeps HTTP connections open; they go with the panel (sign-out, closing).
        desk = setup.desk
        self.destroyed.connect(lambda *_: desk.close())
        self.busy = False
        self.conflicts_button.setEnabled(True)
        self.model.set_names(setup.names)
        self._fill_filters()
        for combo in self._filter_combos():
            combo.setEnabled(True)
            combo.currentIndexChanged.connect(self.apply_filters)
        self.model.reload(self.current_filter())

    def _filter_combos(self) -> tuple[QComboBox, ...]:
        return (
            self.form,
            self.status,
            self.venue,
            self.area,
            self.author,
            self.period,
            self.outcome,
        )

    def _fill_filters(self) -> None:
        assert self.setup is not None
        names = self.setup.names

        def fill(combo: QComboBox, anyone: str, entries: list[tuple[str, str]]) -> None:
            # Filled again on a language switch: the choice made stays chosen.
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(anyone, None)
            for value, text in entries:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
            combo.blockSignals(False)

        def by_name(mapping: dict[str, str]) -> list[tuple[str, str]]:
            return sorted(mapping.items(), key=lambda pair: pair[1].casefold())

        fill(self.form, self.tr("All checklists"), by_name(names.forms))
        fill(
            self.status,
            self.tr("Every status"),
            [
                (status.value, status_name(status.value))
                for status in (
                    InspectionStatus.SENT,
                    InspectionStatus.RETURNED,
                    InspectionStatus.APPROVED,
                )
            ],
        )
        fill(self.venue, self.tr("Every venue"), by_name(names.venues))
        fill(self.area, self.tr("Every area"), by_name(names.areas))
        fill(self.author, self.tr("Every officer or tester"), self.setup.people)
        fill(
            self.period,
            self.tr("Any time"),
            [
                ("7", self.tr("Last 7 days")),
                ("30", self.tr("Last 30 days")),
                ("365", self.tr("Last 12 months")),
            ],
        )
        fill(self.outcome, self.tr("Any signal"), by_name(names.outcomes))

    def current_filter(self) -> InboxFilter:
        def value(combo: QComboBox) -> str | None:
            data = combo.currentData()
            return str(data) if data else None

        status = value(self.status)
        days = value(self.period)
        start = self.context.clock().date() - timedelta(days=int(days)) if days else None
        return InboxFilter(
            form_id=value(self.form),
            status=InspectionStatus(status) if status else None,
            venue_id=value(self.venue),
            area_id=value(self.area),
            author=value(self.author),
            start=start if isinstance(start, date) else None,
            outcome=value(self.outcome),
            text=self.search.text(),
        )

    def apply_filters(self) -> None:
        self._retitle_more()
        if self.setup is None:
            return
        self.show_review(None)
        self.model.reload(self.current_filter())

    # --- the inbox ----------------------------------------------------------------------

    def _fetch_page(
        self,
        wanted: InboxFilter,
        after: str | None,
        limit: int,
        done: Callable[[InspectionList], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        setup = self.setup
        if setup is None:
            return
        # The filters the server lacks run here too, off the UI thread: each page the
        # model gets holds only rows it shows.
        self.context.tasks.run(
            lambda: matching(setup.desk.page(wanted, after, limit), wanted, setup.names),
            done,
            failed,
            context=self,
        )

    def _loading(self, loading: bool) -> None:
        # The list stood blank while the first page came, and an inbox with nothing in it
        # was said to have nothing "at these filters" with every filter at "all".
        if loading and self.model.rowCount() == 0:
            self._say(self.tr("Loading the inspections…"))
        elif not loading and self.model.rowCount() == 0 and self.model.complete:
            if self.current_filter() == InboxFilter():
                self._say(self.tr("Nothing has come in to review yet."))
            else:
                self._say(self.tr("No inspections match these filters."))
        elif not loading:
            self._say("")

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._say(problem_text(error, self.context.language))

    def _connecting(self) -> str:
        return self.tr("Connecting to the central store…")

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.open(self.model.summary(current.row()).inspection_id)

    def open(self, inspection_id: str) -> None:
        """Load an inspection into the detail view."""
        setup = self.setup
        if setup is None:
            return
        self.busy = True
        language = self.context.language
        self.context.tasks.run(
            lambda: load_review(setup.desk, setup.source, inspection_id, language),
            self.show_review,
            self._failed,
            context=self,
        )

    def show_review(self, loaded: LoadedReview | None) -> None:
        self.busy = False
        self.loaded = loaded
        self.detail.show_loaded(loaded)
        if loaded is not None:
            self.model.replace(loaded.summary)
        self._update_actions()

    def _update_actions(self) -> None:
        loaded = self.loaded
        actionable = loaded is not None and loaded.actionable and self.supervisor
        self.approve_button.setEnabled(actionable)
        self.return_button.setEnabled(actionable)
        self.note.setEnabled(actionable)
        self.pdf_button.setEnabled(loaded is not None)

    def _load_image(self, sha256: str, done: Callable[[QImage], None]) -> None:
        setup = self.setup
        if setup is None:
            return

        def work() -> QImage:
            image = QImage()
            image.loadFromData(setup.desk.blob(sha256))
            return image

        self.context.tasks.run(work, done, lambda _error: None, context=self)

    # --- actions ------------------------------------------------------------------------

    def approve(self) -> None:
        loaded, setup = self.loaded, self.setup
        if loaded is None or setup is None or not loaded.actionable:
            return
        inspection_id, version_id = loaded.summary.inspection_id, loaded.head_version_id

        def approve() -> None:
            note, event_id = self.note.text().strip() or None, new_id()
            self._act(
                lambda: setup.desk.approve(inspection_id, version_id, note, event_id=event_id)
            )

        self.confirm(
            self.tr("Approve this inspection? It can no longer be changed."),
            self.tr("Approve"),
            approve,
        )

    def return_for_correction(self) -> None:
        loaded, setup = self.loaded, self.setup
        if loaded is None or setup is None or not loaded.actionable:
            return
        comments = self.detail.comments()
        if not comments:
            self._say(
                self.tr(
                    "Write a comment next to each question the officer should correct "
                    "(double-click the comment column) or tick its box to reopen it without "
                    "a comment, then return it."
                )
            )
            return
        question = self.tr(
            "Return this inspection with %n question(s) to correct?", "", len(comments)
        )
        inspection_id, version_id = loaded.summary.inspection_id, loaded.head_version_id

        def send_back() -> None:
            note, event_id = self.note.text().strip() or None, new_id()
            self._act(
                lambda: setup.desk.return_for_correction(
                    inspection_id, version_id, comments, note, event_id=event_id
                )
            )

        self.confirm(question, self.tr("Return for correction"), send_back)

    def _act(self, work: Callable[[], ReviewEvent]) -> None:
        self.busy = True
        self.approve_button.setEnabled(False)
        self.return_button.setEnabled(False)
        self.context.tasks.run(work, self._acted, self._failed, context=self)

    def _acted(self, event: ReviewEvent) -> None:
        self.note.clear()
        self._say("")
        self.reviewed.emit(event.inspection_id)
        self.open(event.inspection_id)

    def preview_pdf(self) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        language = self._language()
        report = loaded.report
        pair = loaded.pair

        def work() -> bytes:
            from fieldapp.app.reports import inspection_pdf

            return inspection_pdf(
                report, pair.pair if pair is not None else None, language=language
            )

        self.busy = True
        self.context.tasks.run(work, self._show_pdf, self._failed, context=self)

    def _show_pdf(self, pdf: bytes) -> None:
        from fieldapp.ui.review.preview import PdfPreview

        self.busy = False
        loaded = self.loaded
        title = self.detail.title.text() if loaded is not None else ""
        name = f"rapport-{loaded.summary.inspection_id[:8]}.pdf" if loaded else "rapport.pdf"
        old = getattr(self, "preview", None)
        if old is not None:
            old.close()  # one preview at a time; a closed one frees its pages
        self.preview = PdfPreview(title, pdf, self.context.tasks, name, self)
        self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview.resize(1100, 760)
        self.preview.show()

    def _ask(self, question: str, action: str, done: Callable[[], None]) -> Confirm:
        # Named buttons with "Cancel" the default: Enter must never approve irreversibly.
        return Confirm.ask(self, self.tr("Review"), question, action, done)

    # --- texts --------------------------------------------------------------------------

    def show_conflicts(self) -> None:
        """Open the list of held conflicts (once the desk is ready)."""
        if self.setup is None:
            return
        names = {
            "people": dict(self.setup.people),
            "forms": self.setup.names.forms,
            "venues": {**self.setup.names.areas, **self.setup.names.venues},
        }
        dialog = ConflictsDialog(self.context, self.setup.desk, names, problem_text, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.conflicts_dialog = dialog
        dialog.destroyed.connect(lambda *_: setattr(self, "conflicts_dialog", None))
        dialog.show()

    def _relanguage(self) -> None:
        """After a language switch: the filters, the inbox's checklist names and signals,
        and the open inspection in the new language; what the supervisor chose and typed
        stays."""
        language = self._language()
        self.detail.language = language
        setup = self.setup
        if setup is None:
            return
        old = setup.names
        setup.names = self._names(language, old.venues, old.areas)
        self.model.set_names(setup.names)
        self._fill_filters()
        loaded = self.loaded
        if loaded is None:
            return

        def relabelled(again: LoadedReview) -> None:
            # Another inspection opened meanwhile, or this one was returned or approved and
            # loaded afresh: what is shown now is newer (and already in the new language).
            if self.loaded is loaded:
                self.show_review(again)

        self.context.tasks.run(
            lambda: relabel(loaded, setup.source, language),
            relabelled,
            self._failed,
            context=self,
        )

    def retranslate(self) -> None:
        if self.detail.language != self._language():
            self._relanguage()
        self.conflicts_button.setText(self.tr("Held conflicts"))
        self.conflicts_button.setToolTip(
            self.tr("Versions the central store kept aside because they built on an old one")
        )
        self.search.setPlaceholderText(self.tr("Search venue, officer, signal…"))
        self.note.setPlaceholderText(self.tr("Note with the review (optional)"))
        self.approve_button.setText(self.tr("Approve"))
        self.return_button.setText(self.tr("Return for correction"))
        self.pdf_button.setText(self.tr("PDF report"))
        self._retitle_more()
        self.more.setToolTip(self.tr("Filter on venue, area, officer or tester, and signal"))
        self.approve_button.setToolTip(self.tr("Approve the version you are reading"))
        self.return_button.setToolTip(
            self.tr("Send it back; only the questions you commented on reopen")
        )
        if self.setup is None and self.busy:
            # Still connecting: said again in the new language.
            self._say(self._connecting())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
