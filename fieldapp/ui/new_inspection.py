"""Starting an inspection without an assignment: pick the checklist, then the venue or area.

Venues are searched by name, street or postcode with the recently used ones first, and
nearest first once the device knows where it is; a patrol picks its area (wijk). A venue's
history (its visits on this device and in its file) opens from the list, with "New
inspection here". When the venue's last visit holds answers the form carries over, the
new draft starts from them unless the person unticks it. Door-test visits are normally
started from their assignment, which links them to their paired test; starting one here
asks for the test number in the form itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QEvent,
    QObject,
    Qt,
    QTimer,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.inspections import FormChoice
from fieldapp.app.venues import VenueDirectory, fold
from fieldapp.app.visits import LastVisit, VenueHistory, VenueVisit, VenueVisits
from fieldapp.core.entities import FORM_VENUE_KINDS, Area, AssignmentForm, Venue, VenueKind
from fieldapp.core.texts import local
from fieldapp.ui.dates import short_date
from fieldapp.ui.devices import DeviceSupport
from fieldapp.ui.models import MODEL_ROLE, Column, LoadedTableModel
from fieldapp.ui.runner.places import HerePosition, VenueListModel
from fieldapp.ui.tasks import TaskRunner
from fieldapp.ui.venue_file import venue_file_lines
from fieldapp.ui.widgets import enable_kinetic_scrolling, make_button, make_label

#: The steps of the dialog, as pages of its stack.
FORM_STEP, WHERE_STEP, HISTORY_STEP = 0, 1, 2

AREA_ID_ROLE = MODEL_ROLE


class AreaListModel(LoadedTableModel[Area]):
    """Areas (wijken) with their district, for choosing where a patrol goes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    lambda: "",
                    self._text,
                    sort_key=lambda area: area.name.casefold(),
                    accessible=lambda area: f"{area.name}, {area.district}",
                )
            ],
            roles={AREA_ID_ROLE: lambda area: area.id},
            parent=parent,
        )

    def set_areas(self, areas: Sequence[Area]) -> None:
        self.set_rows(areas)

    def area_at(self, row: int) -> Area:
        return self.record(row)

    def _text(self, area: Area) -> str:
        notes: list[str] = [area.district]
        if area.fireworks_free_zone:
            notes.append(self.tr("fireworks-free zone"))
        if area.coffeeshop_overconcentration:
            notes.append(self.tr("many coffeeshops"))
        return f"{area.name}\n{' · '.join(notes)}"


class NewInspectionDialog(QDialog):
    """Two steps: the checklist, then where; from a venue, its history. `chosen` holds the
    answer when accepted, and `carry_over` whether to start from the last visit.

    With `devices` the venue list turns nearest first once a position arrives; with
    `visits` and `tasks` a venue's history and last visit are read in the background.
    """

    def __init__(
        self,
        forms: Sequence[FormChoice],
        venues: VenueDirectory,
        language: str,
        parent: QWidget | None = None,
        *,
        devices: DeviceSupport | None = None,
        visits: VenueVisits | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new_inspection_dialog")
        self.setModal(True)
        self._forms = list(forms)
        self._venues = venues
        self._language = language
        self._visits = visits if tasks is not None else None
        self._tasks = tasks
        self._form: FormChoice | None = None
        self.chosen: tuple[str, str | None, str | None] | None = None
        #: Start from the last visit's carried answers (see `fieldapp.app.visits`).
        self.carry_over = False
        #: The last visit of the chosen form at the current venue, once looked up.
        self.last_visit: LastVisit | None = None
        self._last_visit_of: tuple[str, str] | None = None
        self._look_up = QTimer(self)
        self._look_up.setSingleShot(True)
        self._look_up.setInterval(250)
        self._look_up.timeout.connect(self._look_up_last_visit)
        self.history: VenueHistory | None = None
        self._history_venue: Venue | None = None
        self.position = HerePosition(devices, self)
        self.position.changed.connect(self._position_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        self.heading = make_label(role="title")
        self.step = make_label(role="hint")
        layout.addWidget(self.heading)
        layout.addWidget(self.step)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)

        # Step 1: the checklist.
        first = QWidget()
        column = QVBoxLayout(first)
        column.setContentsMargins(0, 0, 0, 0)
        self.form_buttons = []
        for choice in self._forms:
            button = make_button(role="choice")
            button.setObjectName(f"form_{choice.form_id}")
            button.setMinimumHeight(72)
            button.clicked.connect(lambda _=False, c=choice: self.choose_form(c))
            self.form_buttons.append((choice, button))
            column.addWidget(button)
        column.addStretch(1)
        self.pages.addWidget(first)

        # Step 2: the venue or the area.
        second = QWidget()
        column = QVBoxLayout(second)
        column.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName("where_search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refresh)
        # Down and Up move through the list and Enter starts, from the search box itself.
        self.search.installEventFilter(self)
        self.venue_model = VenueListModel(self)
        self.area_model = AreaListModel(self)
        self.list = QListView()
        self.list.setObjectName("where_list")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.activated.connect(lambda _index: self._start())
        enable_kinetic_scrolling(self.list)
        self.empty = make_label(role="muted")
        self.assignment_hint = make_label(role="hint")
        self.position_note = make_label(role="muted")
        self.position_note.setObjectName("where_position_note")
        column.addWidget(self.assignment_hint)
        column.addWidget(self.search)
        column.addWidget(self.position_note)
        column.addWidget(self.list, 1)
        column.addWidget(self.empty)
        self.pages.addWidget(second)

        # The venue's history: its visits, newest first, and what its file says.
        third = QWidget()
        column = QVBoxLayout(third)
        column.setContentsMargins(0, 0, 0, 0)
        self.history_venue = make_label(role="heading")
        self.history_venue.setObjectName("history_venue")
        self.history_address = make_label(role="muted")
        self.history_list = QListWidget()
        self.history_list.setObjectName("history_visits")
        self.history_list.setWordWrap(True)
        self.history_list.setSpacing(2)
        enable_kinetic_scrolling(self.history_list)
        self.history_file = make_label(role="muted")
        self.history_file.setObjectName("history_file")
        column.addWidget(self.history_venue)
        column.addWidget(self.history_address)
        column.addWidget(self.history_list, 1)
        column.addWidget(self.history_file)
        self.pages.addWidget(third)

        self.carry = QCheckBox()
        self.carry.setObjectName("carry_over")
        self.carry.setChecked(True)
        buttons = QHBoxLayout()
        self.back = make_button()
        self.back.clicked.connect(self._back)
        self.history_button = make_button()
        self.history_button.setObjectName("venue_history_button")
        self.history_button.clicked.connect(self.show_history)
        self.cancel = make_button()
        self.cancel.clicked.connect(self.reject)
        self.start = make_button(role="primary")
        self.start.setObjectName("start_inspection")
        self.start.clicked.connect(self._start)
        buttons.addWidget(self.back)
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.start)
        layout.addWidget(self.carry)
        layout.addLayout(buttons)
        self.resize(760, 640)
        self.retranslate()
        self._show_step(FORM_STEP)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            key = event.key()
            model = self.list.model()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and model is not None:
                row = self.list.currentIndex().row() + (1 if key == Qt.Key.Key_Down else -1)
                row = max(0, min(model.rowCount() - 1, row))
                self.list.setCurrentIndex(model.index(row, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.start.isEnabled():
                    self._start()
                return True
        return super().eventFilter(watched, event)

    def _title(self, choice: FormChoice) -> str:
        title = choice.definition.title
        return title.get(self._language) or next(iter(title.values()))

    def choose_form(self, choice: FormChoice) -> None:
        self._form = choice
        self.search.clear()
        self._refresh()
        self._show_step(WHERE_STEP)
        QTimer.singleShot(0, self.search.setFocus)

    def _kinds(self) -> frozenset[VenueKind] | None:
        if self._form is None:
            return None
        try:
            return FORM_VENUE_KINDS.get(AssignmentForm(self._form.form_id))
        except ValueError:
            return None

    def _refresh(self, *, keep: bool = False) -> None:
        if self._form is None:
            return
        query = self.search.text()
        row: int | None = 0
        if self._form.subject == "venue":
            kept = self.current_venue() if keep else None
            venues = self._venues.search(query, self._kinds())
            recent = getattr(self._venues, "recent", [])
            self.venue_model.set_venues(
                venues, recent if isinstance(recent, list) else [], self.position.here
            )
            self._show_list(self.venue_model)
            count = len(venues)
            if kept is not None:
                row = self.venue_model.row_of(kept.id) or 0
        else:
            words = fold(query).split()
            areas = [
                area
                for area in self._venues.areas()
                if all(word in fold(f"{area.name} {area.district}") for word in words)
            ]
            self.area_model.set_areas(areas)
            self._show_list(self.area_model)
            count = len(areas)
        if count:
            self.list.setCurrentIndex(self.list.model().index(row or 0, 0))
        self.empty.setVisible(count == 0)
        self.start.setEnabled(count > 0)
        self._current_changed()
        self.retranslate()

    def _show_list(self, model: VenueListModel | AreaListModel) -> None:
        if self.list.model() is not model:
            self.list.setModel(model)
            self.list.selectionModel().currentChanged.connect(
                lambda *_indexes: self._current_changed()
            )

    def _position_changed(self) -> None:
        # Nearest first now; the venue under the cursor stays the chosen one.
        self._refresh(keep=True)

    def current_venue(self) -> Venue | None:
        """The venue under the cursor in the list, if the step lists venues."""
        index = self.list.currentIndex()
        if self.list.model() is not self.venue_model or not index.isValid():
            return None
        return self.venue_model.venue_at(index.row())

    def _current_changed(self) -> None:
        """Look up the last visit of the chosen form at the venue under the cursor."""
        venue = self.current_venue()
        form = self._form
        if venue is None or form is None or self._visits is None or self._tasks is None:
            self._set_last_visit(None, None)
            return
        asked = (venue.id, form.form_id)
        if asked == self._last_visit_of:
            return
        self._set_last_visit(None, None)
        # Arrowing through the list asks once, where the cursor stops: each lookup is a
        # store task in the queue the autosaves use.
        self._look_up.start()

    def _look_up_last_visit(self) -> None:
        venue = self.current_venue()
        form = self._form
        if venue is None or form is None or self._visits is None or self._tasks is None:
            return
        asked = (venue.id, form.form_id)
        if asked == self._last_visit_of:
            return
        visits = self._visits
        self._tasks.run(
            lambda: visits.last_visit(*asked),
            lambda found: self._set_last_visit(asked, found),
            serial=True,
            context=self,
        )

    def _set_last_visit(self, asked: tuple[str, str] | None, found: LastVisit | None) -> None:
        if asked is not None:
            venue = self.current_venue()
            if venue is None or (venue.id, self._form_id()) != asked:
                return  # the cursor moved on while it was looked up
        self._last_visit_of = asked
        self.last_visit = found
        self._update_carry()

    def _form_id(self) -> str:
        return self._form.form_id if self._form is not None else ""

    def _update_carry(self) -> None:
        step = self.pages.currentIndex()
        found = self.last_visit
        self.carry.setVisible(step != FORM_STEP and found is not None)
        if found is not None:
            self.carry.setText(
                self.tr(
                    "Carry over from the last visit (%1): %n answer(s) to check",
                    "",
                    len(found.answers),
                ).replace("%1", short_date(found.visited_at.astimezone().date()))
            )

    def show_history(self) -> None:
        """The venue under the cursor: its visits and file, read in the background."""
        venue = self.current_venue()
        if venue is None or self._visits is None or self._tasks is None:
            return
        self._history_venue = venue
        self.history = None
        self.history_list.clear()
        self._show_step(HISTORY_STEP)
        visits = self._visits
        self._tasks.run(
            lambda: visits.history(venue.id),
            self._history_read,
            serial=True,
            context=self,
        )

    def _history_read(self, history: VenueHistory) -> None:
        if self._history_venue is None or history.venue_id != self._history_venue.id:
            return
        self.history = history
        self._fill_history()

    def _fill_history(self) -> None:
        self.history_list.clear()
        history = self.history
        if history is None:
            self.history_file.setText(self.tr("Reading the history…"))
            return
        for visit in history.visits:
            self.history_list.addItem(self._visit_text(visit))
        if not history.visits:
            self.history_list.addItem(self.tr("No visits to this venue are known on this device."))
        self.history_file.setText(self._file_text(history))

    def _visit_text(self, visit: VenueVisit) -> str:
        day = short_date(visit.visited_at.astimezone().date())
        findings = ", ".join(local(label, self._language) for label in visit.findings)
        if not findings:
            findings = (
                self.tr("findings not known yet")
                if visit.status == "draft"
                else self.tr("no findings")
            )
        first = f"{day} · {local(visit.form_title, self._language)} · {self._status(visit)}"
        return f"{first}\n{findings}"

    def _status(self, visit: VenueVisit) -> str:
        names = {
            "draft": self.tr("in progress on this device"),
            "finalized": self.tr("waiting to be sent"),
            "sent": self.tr("sent"),
            "submitted": self.tr("sent"),
            "returned": self.tr("returned for correction"),
            "approved": self.tr("approved"),
        }
        name = names.get(visit.status, visit.status)
        return (
            name if visit.on_device else self.tr("%1 (from the venue's file)").replace("%1", name)
        )

    def _file_text(self, history: VenueHistory) -> str:
        file = history.file
        if file is None:
            return self.tr("The venue's file has not reached this device (it comes with a sync).")
        return "\n".join(venue_file_lines(file, self._language))

    def _show_step(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        self.back.setVisible(step != FORM_STEP)
        self.start.setVisible(step != FORM_STEP)
        self.history_button.setVisible(
            step == WHERE_STEP
            and self._visits is not None
            and self._form is not None
            and self._form.subject == "venue"
        )
        self._update_carry()
        self.retranslate()

    def _back(self) -> None:
        if self.pages.currentIndex() == HISTORY_STEP:
            self._history_venue = None
            self._show_step(WHERE_STEP)
            QTimer.singleShot(0, self.search.setFocus)
            return
        self._form = None
        self._show_step(FORM_STEP)

    def _start(self) -> None:
        if self._form is None:
            return
        if self.pages.currentIndex() == HISTORY_STEP and self._history_venue is not None:
            venue: Venue | None = self._history_venue
        else:
            venue = self.current_venue()
        if self._form.subject == "venue":
            if venue is None:
                return
            self.chosen = (self._form.form_id, venue.id, None)
        else:
            index = self.list.currentIndex()
            if not index.isValid():
                return
            area = self.area_model.area_at(index.row())
            self.chosen = (self._form.form_id, None, area.id)
        self.carry_over = (
            self.carry.isChecked() and self.last_visit is not None and not self.carry.isHidden()
        )
        self.accept()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("New inspection"))
        self.heading.setText(self.tr("New inspection"))
        for choice, button in self.form_buttons:
            description = choice.definition.description or {}
            text = description.get(self._language) or next(iter(description.values()), "")
            button.setText(f"{self._title(choice)}\n{text}")
            button.setAccessibleName(self._title(choice))
        step = self.pages.currentIndex()
        self.back.setText(
            self.tr("← Back to the venues")
            if step == HISTORY_STEP
            else self.tr("← Other checklist")
        )
        self.history_button.setText(self.tr("History…"))
        self.history_button.setAccessibleDescription(
            self.tr("The visits to the selected venue, and its file")
        )
        self.cancel.setText(self.tr("Cancel"))
        self.start.setText(
            self.tr("New inspection here") if step == HISTORY_STEP else self.tr("Start")
        )
        self.position_note.setText(self.position.note())
        self._update_carry()
        if step == FORM_STEP or self._form is None:
            self.step.setText(self.tr("Step 1 of 2: which checklist?"))
            return
        if step == HISTORY_STEP:
            venue_shown = self._history_venue
            self.step.setText(self.tr("History of the venue: the last visits, newest first."))
            if venue_shown is not None:
                self.history_venue.setText(venue_shown.name)
                self.history_address.setText(venue_shown.address)
            self._fill_history()
            return
        venue = self._form.subject == "venue"
        self.position_note.setVisible(venue)
        self.step.setText(
            (
                self.tr("Step 2 of 2: which venue? The nearest venues come first.")
                if self.position.here is not None
                else self.tr("Step 2 of 2: which venue? Recently used venues come first.")
            )
            if venue
            else self.tr("Step 2 of 2: which area do you patrol?")
        )
        self.search.setPlaceholderText(
            self.tr("Search by name, street or postcode") if venue else self.tr("Search areas")
        )
        self.search.setAccessibleName(self.search.placeholderText())
        self.list.setAccessibleName(self.tr("Venues") if venue else self.tr("Areas"))
        self.empty.setText(self.tr("Nothing matches. Check the spelling."))
        paired = self._form.form_id == AssignmentForm.DOOR_TEST.value
        self.assignment_hint.setVisible(paired)
        self.assignment_hint.setText(
            self.tr(
                "Door tests are best started from their assignment: the paired test and "
                "your group are then filled in for you."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        forms: Sequence[FormChoice],
        venues: VenueDirectory,
        language: str,
        done: Callable[[str, str | None, str | None, bool], None],
        *,
        devices: DeviceSupport | None = None,
        visits: VenueVisits | None = None,
        tasks: TaskRunner | None = None,
    ) -> NewInspectionDialog:
        """Open the dialog; `done(form_id, venue_id, area_id, carry_over)` when the person
        starts."""
        dialog = cls(forms, venues, language, parent, devices=devices, visits=visits, tasks=tasks)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.chosen is not None:
                done(*dialog.chosen, dialog.carry_over)

        dialog.finished.connect(finished)
        dialog.open()
        if len(forms) == 1:
            dialog.choose_form(forms[0])
        return dialog
