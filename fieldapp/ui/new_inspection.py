"""Starting an inspection without an assignment: pick the checklist, then the venue or area.

Venues are searched by name, street or postcode with the recently used ones first; a
patrol picks its area (wijk). Door-test visits are normally started from their
assignment, which links them to their paired test; starting one here asks for the test
number in the form itself.
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
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.inspections import FormChoice
from fieldapp.app.venues import VenueDirectory, fold
from fieldapp.core.entities import FORM_VENUE_KINDS, Area, AssignmentForm, VenueKind
from fieldapp.ui.models import MODEL_ROLE, Column, LoadedTableModel
from fieldapp.ui.runner.places import VenueListModel
from fieldapp.ui.widgets import enable_kinetic_scrolling, make_button, make_label

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
    """Two steps: the checklist, then where. `chosen` holds the answer when accepted."""

    def __init__(
        self,
        forms: Sequence[FormChoice],
        venues: VenueDirectory,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new_inspection_dialog")
        self.setModal(True)
        self._forms = list(forms)
        self._venues = venues
        self._language = language
        self._form: FormChoice | None = None
        self.chosen: tuple[str, str | None, str | None] | None = None
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
        column.addWidget(self.assignment_hint)
        column.addWidget(self.search)
        column.addWidget(self.list, 1)
        column.addWidget(self.empty)
        self.pages.addWidget(second)

        buttons = QHBoxLayout()
        self.back = make_button()
        self.back.clicked.connect(self._back)
        self.cancel = make_button()
        self.cancel.clicked.connect(self.reject)
        self.start = make_button(role="primary")
        self.start.setObjectName("start_inspection")
        self.start.clicked.connect(self._start)
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.start)
        layout.addLayout(buttons)
        self.resize(760, 640)
        self.retranslate()
        self._show_step(0)

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
        self._show_step(1)
        QTimer.singleShot(0, self.search.setFocus)

    def _kinds(self) -> frozenset[VenueKind] | None:
        if self._form is None:
            return None
        try:
            return FORM_VENUE_KINDS.get(AssignmentForm(self._form.form_id))
        except ValueError:
            return None

    def _refresh(self) -> None:
        if self._form is None:
            return
        query = self.search.text()
        if self._form.subject == "venue":
            venues = self._venues.search(query, self._kinds())
            recent = getattr(self._venues, "recent", [])
            self.venue_model.set_venues(venues, recent if isinstance(recent, list) else [])
            self.list.setModel(self.venue_model)
            count = len(venues)
        else:
            words = fold(query).split()
            areas = [
                area
                for area in self._venues.areas()
                if all(word in fold(f"{area.name} {area.district}") for word in words)
            ]
            self.area_model.set_areas(areas)
            self.list.setModel(self.area_model)
            count = len(areas)
        if count:
            self.list.setCurrentIndex(self.list.model().index(0, 0))
        self.empty.setVisible(count == 0)
        self.start.setEnabled(count > 0)
        self.retranslate()

    def _show_step(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        self.back.setVisible(step == 1)
        self.start.setVisible(step == 1)
        self.retranslate()

    def _back(self) -> None:
        self._form = None
        self._show_step(0)

    def _start(self) -> None:
        if self._form is None:
            return
        index = self.list.currentIndex()
        if not index.isValid():
            return
        if self._form.subject == "venue":
            venue = self.venue_model.venue_at(index.row())
            self.chosen = (self._form.form_id, venue.id, None)
        else:
            area = self.area_model.area_at(index.row())
            self.chosen = (self._form.form_id, None, area.id)
        self.accept()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("New inspection"))
        self.heading.setText(self.tr("New inspection"))
        for choice, button in self.form_buttons:
            description = choice.definition.description or {}
            text = description.get(self._language) or next(iter(description.values()), "")
            button.setText(f"{self._title(choice)}\n{text}")
            button.setAccessibleName(self._title(choice))
        self.back.setText(self.tr("← Other checklist"))
        self.cancel.setText(self.tr("Cancel"))
        self.start.setText(self.tr("Start"))
        if self.pages.currentIndex() == 0 or self._form is None:
            self.step.setText(self.tr("Step 1 of 2: which checklist?"))
            return
        venue = self._form.subject == "venue"
        self.step.setText(
            self.tr("Step 2 of 2: which venue? Recently used venues come first.")
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
        done: Callable[[str, str | None, str | None], None],
    ) -> NewInspectionDialog:
        """Open the dialog; `done(form_id, venue_id, area_id)` when the person starts."""
        dialog = cls(forms, venues, language, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.chosen is not None:
                done(*dialog.chosen)

        dialog.finished.connect(finished)
        dialog.open()
        if len(forms) == 1:
            dialog.choose_form(forms[0])
        return dialog
