"""The venue register on a screen: search and filter, edit in a dialog, close, history.

An administrator sees every venue and may add and import them. A supervisor shares the
page in her planning tab and changes only the venues in the areas of her teams (the
central store refuses anything else); the others she can read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.administration import Administration, Registers, VenueConflict, checked
from fieldapp.core.entities import Venue, VenueKind
from fieldapp.protocol.models import VenueEdit
from fieldapp.ui.central.base import (
    Banner,
    button_bar,
    fill,
    fit_columns,
    make_table,
    moment_text,
    select_key,
    selected_key,
    set_headers,
)
from fieldapp.ui.central.names import kind_name
from fieldapp.ui.context import AppContext
from fieldapp.ui.widgets import make_button, make_label

T = TypeVar("T")


class VenueHost(Protocol):
    """The panel a venue page lives in: it runs requests and asks before closing a venue."""

    context: AppContext
    confirm: Callable[[str], bool]

    def run_admin(
        self,
        work: Callable[[Administration], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None] | None = None,
        banner: Banner | None = None,
    ) -> None: ...


class VenuesPage(QWidget):
    """Signals:
    loaded(): the register arrived from the central store.
    """

    ALL = ""
    loaded = Signal()

    def __init__(
        self,
        panel: VenueHost,
        *,
        editable_areas: frozenset[str] | None = None,
        on_import: Callable[[], None] | None = None,
    ) -> None:
        """`editable_areas` None: an administrator's page (every venue, add, import); a set:
        a supervisor's, who changes only venues in those areas."""
        super().__init__()
        self.setObjectName("admin_venues")
        self.panel = panel
        self.editable_areas = editable_areas
        self.registers: Registers | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("venue_search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._fill())
        self.area = QComboBox()
        self.area.setObjectName("venue_area")
        self.area.currentIndexChanged.connect(lambda _i: self._fill())
        self.kind = QComboBox()
        self.kind.setObjectName("venue_kind")
        self.kind.currentIndexChanged.connect(lambda _i: self._fill())
        self.closed = QCheckBox()
        self.closed.setObjectName("venue_show_closed")
        self.closed.toggled.connect(lambda _on: self._fill())
        filters.addWidget(self.search, 3)
        filters.addWidget(self.area, 2)
        filters.addWidget(self.kind, 1)
        filters.addWidget(self.closed)
        layout.addLayout(filters)
        self.table = make_table("venue_table")
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._enable)
        layout.addWidget(self.table, 1)
        self.scope = make_label(role="hint")
        self.scope.setObjectName("venue_scope")
        self.scope.setVisible(editable_areas is not None)
        layout.addWidget(self.scope)
        self.count = make_label(role="hint", wrap=False)
        self.count.setObjectName("venue_count")
        layout.addWidget(self.count)
        self.new = make_button(role="primary")
        self.new.setObjectName("venue_new")
        self.new.clicked.connect(lambda: self.open_venue(None))
        self.edit = make_button()
        self.edit.setObjectName("venue_edit")
        self.edit.clicked.connect(self.edit_selected)
        self.close_venue = make_button(role="danger")
        self.close_venue.setObjectName("venue_close")
        self.close_venue.clicked.connect(self.close_selected)
        self.history = make_button()
        self.history.setObjectName("venue_history")
        self.history.clicked.connect(self.history_selected)
        self.import_button = make_button()
        self.import_button.setObjectName("venue_import")
        if on_import is not None:
            self.import_button.clicked.connect(on_import)
        # Only an administrator adds venues or imports a register.
        self.new.setVisible(editable_areas is None)
        self.import_button.setVisible(editable_areas is None and on_import is not None)
        layout.addLayout(
            button_bar(self.new, self.edit, self.close_venue, self.history, self.import_button)
        )
        self.retranslate()
        self._enable()

    def set_editable_areas(self, areas: frozenset[str]) -> None:
        """The areas a supervisor may change venues in (those of her teams)."""
        self.editable_areas = areas
        self._describe_scope()
        self._enable()

    def may_change(self, venue: Venue | None) -> bool:
        if venue is None:
            return False
        return self.editable_areas is None or venue.area in self.editable_areas

    def _enable(self) -> None:
        venue = self.venue(selected_key(self.table))
        allowed = self.may_change(venue)
        self.edit.setEnabled(allowed)
        self.close_venue.setEnabled(allowed and venue is not None and venue.active)
        self.history.setEnabled(venue is not None)

    def _describe_scope(self) -> None:
        areas = self.editable_areas
        if areas is None:
            return
        registers = self.registers
        names = {a.id: a.name for a in registers.areas} if registers is not None else {}
        listed = ", ".join(sorted(names.get(a, a) for a in areas))
        self.scope.setText(
            self.tr("You change venues in the areas of your teams: {areas}.").format(areas=listed)
            if listed
            else self.tr("Your teams have no areas: you can read the venues, not change them.")
        )

    def load(self) -> None:
        self.panel.run_admin(lambda admin: admin.registers(), self._loaded)

    def _loaded(self, registers: Registers) -> None:
        self.registers = registers
        chosen = self.area.currentData()
        self.area.blockSignals(True)
        self.area.clear()
        self.area.addItem(self.tr("All areas"), self.ALL)
        for area in sorted(registers.areas, key=lambda a: a.name):
            self.area.addItem(area.name, area.id)
        index = self.area.findData(chosen)
        self.area.setCurrentIndex(max(0, index))
        self.area.blockSignals(False)
        self._fill()
        self._describe_scope()
        self.loaded.emit()

    def shown(self) -> list[Venue]:
        registers = self.registers
        if registers is None:
            return []
        words = self.search.text().casefold().split()
        area, kind = self.area.currentData(), self.kind.currentData()
        rows = []
        for venue in registers.venues:
            if not venue.active and not self.closed.isChecked():
                continue
            if area and venue.area != area:
                continue
            if kind and venue.kind.value != kind:
                continue
            haystack = " ".join(
                (
                    venue.id,
                    venue.name,
                    venue.street,
                    venue.house_number,
                    venue.postcode,
                    venue.operator or "",
                    venue.permit_number or "",
                )
            ).casefold()
            if all(word in haystack for word in words):
                rows.append(venue)
        return sorted(rows, key=lambda v: v.name.casefold())

    def _fill(self) -> None:
        registers = self.registers
        areas = {a.id: a.name for a in registers.areas} if registers is not None else {}
        rows = self.shown()
        fill(
            self.table,
            [
                [
                    venue.name,
                    kind_name(venue.kind.value),
                    f"{venue.street} {venue.house_number}",
                    venue.postcode,
                    areas.get(venue.area, venue.area),
                    venue.operator or "",
                    venue.opening_hours or "",
                    self.tr("open") if venue.active else self.tr("closed"),
                ]
                for venue in rows
            ],
            [venue.id for venue in rows],
        )
        fit_columns(self.table)
        total = len(registers.venues) if registers is not None else 0
        self.count.setText(
            self.tr("{shown} of {total} venues").format(shown=len(rows), total=total)
        )
        self._enable()

    def venue(self, venue_id: str | None) -> Venue | None:
        registers = self.registers
        if registers is None or venue_id is None:
            return None
        return next((v for v in registers.venues if v.id == venue_id), None)

    def edit_selected(self) -> None:
        venue = self.venue(selected_key(self.table))
        if venue is None:
            return
        if not self.may_change(venue):
            # Outside the supervisor's areas: she reads the venue's record instead.
            self.history_selected()
            return
        key = venue.id
        # The dialog edits the venue as the central store has it now, at its version.
        self.panel.run_admin(
            lambda admin: (admin.venue_version(key), admin.registers()),
            lambda found: self._edit_current(key, *found),
        )

    def _edit_current(self, venue_id: str, version: int | None, registers: Registers) -> None:
        self.registers = registers
        current = self.venue(venue_id)
        if current is not None:
            self.open_venue(current, version)

    def open_venue(self, venue: Venue | None, version: int | None = None) -> VenueDialog | None:
        registers = self.registers
        if registers is None:
            return None
        dialog = VenueDialog(self.panel, registers, venue, self, areas=self.editable_areas)
        dialog.version = version
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self, venue_id: str) -> None:
        def reselect(registers: Registers) -> None:
            self._loaded(registers)
            self.closed.setChecked(self.closed.isChecked())
            select_key(self.table, venue_id)

        self.panel.run_admin(lambda admin: admin.registers(), reselect)

    def close_selected(self) -> None:
        venue = self.venue(selected_key(self.table))
        if venue is None or not venue.active:
            return
        question = self.tr(
            "Close {name}? It stays in the register (inspections refer to it) but is no "
            "longer offered for new work."
        ).format(name=venue.name)
        if not self.panel.confirm(question):
            return
        key = venue.id
        self.panel.run_admin(lambda admin: admin.close_venue(key), lambda _r: self._saved(key))

    def history_selected(self) -> None:
        venue = self.venue(selected_key(self.table))
        if venue is None:
            return
        self.panel.run_admin(
            lambda admin: admin.venue_history(venue.id),
            lambda edits: self._show_history(venue, edits),
        )

    def _show_history(self, venue: Venue, edits: list[VenueEdit]) -> None:
        dialog = HistoryDialog(venue, edits, self)
        dialog.open()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self._fill()
            self._describe_scope()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search name, address, operator, permit"))
        self.kind.blockSignals(True)
        chosen = self.kind.currentData()
        self.kind.clear()
        self.kind.addItem(self.tr("All kinds"), self.ALL)
        for kind in VenueKind:
            self.kind.addItem(kind_name(kind.value), kind.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(chosen)))
        self.kind.blockSignals(False)
        self.closed.setText(self.tr("Show closed"))
        self.new.setText(self.tr("New venue"))
        self.edit.setText(self.tr("Edit"))
        self.close_venue.setText(self.tr("Close venue"))
        self.history.setText(self.tr("History"))
        self.import_button.setText(self.tr("Import venues…"))
        set_headers(
            self.table,
            [
                self.tr("Name"),
                self.tr("Kind"),
                self.tr("Address"),
                self.tr("Postcode"),
                self.tr("Area"),
                self.tr("Operator"),
                self.tr("Opening hours"),
                self.tr("State"),
            ],
        )


class VenueDialog(QDialog):
    """Add or change one venue; the central store versions and audits the change.

    Signals:
        saved(str): the central store took it (the venue's id).
    """

    saved = Signal(str)

    def __init__(
        self,
        panel: VenueHost,
        registers: Registers,
        venue: Venue | None,
        parent: QWidget | None = None,
        *,
        areas: frozenset[str] | None = None,
    ) -> None:
        """`areas`: the areas a supervisor may move the venue between (None: any)."""
        super().__init__(parent)
        self.setObjectName("venue_dialog")
        self.panel = panel
        self.venue = venue
        #: The version of the last edit this change is based on (None: a new venue).
        self.version: int | None = None
        self.setMinimumWidth(640)
        self.setWindowTitle(self.tr("New venue") if venue is None else venue.name)
        self.banner = Banner()
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, label in (
            ("id", self.tr("Id (permit or registration number)")),
            ("name", self.tr("Name")),
            ("street", self.tr("Street")),
            ("house_number", self.tr("House number")),
            ("postcode", self.tr("Postcode")),
            ("lat", self.tr("Latitude")),
            ("lon", self.tr("Longitude")),
            ("permit_number", self.tr("Tolerance permit (coffeeshops)")),
            ("operator", self.tr("Permit holder or operator")),
            ("opening_hours", self.tr("Opening hours")),
        ):
            edit = QLineEdit()
            edit.setObjectName(f"venue_{key}")
            self.fields[key] = edit
            form.addRow(label, edit)
            if key == "name":
                self.kind = QComboBox()
                self.kind.setObjectName("venue_kind_choice")
                for kind in VenueKind:
                    self.kind.addItem(kind_name(kind.value), kind.value)
                form.addRow(self.tr("Kind"), self.kind)
        self.area = QComboBox()
        self.area.setObjectName("venue_area_choice")
        for area in sorted(registers.areas, key=lambda a: a.name):
            if areas is None or area.id in areas:
                self.area.addItem(area.name, area.id)
        form.addRow(self.tr("Area"), self.area)
        self.active = QCheckBox(self.tr("Open (unticked: closed)"))
        self.active.setObjectName("venue_active")
        self.active.setChecked(True)
        form.addRow("", self.active)
        self.notes_nl = QPlainTextEdit()
        self.notes_nl.setObjectName("venue_notes_nl")
        self.notes_en = QPlainTextEdit()
        self.notes_en.setObjectName("venue_notes_en")
        for note in (self.notes_nl, self.notes_en):
            note.setFixedHeight(72)
            note.setTabChangesFocus(True)
        form.addRow(self.tr("Note for officers (Dutch)"), self.notes_nl)
        form.addRow(self.tr("Note for officers (English)"), self.notes_en)
        layout.addLayout(form, 1)
        self.save = make_button(self.tr("Save"), role="primary")
        self.save.setObjectName("venue_save")
        self.save.clicked.connect(self.submit)
        cancel = make_button(self.tr("Close"))
        cancel.clicked.connect(self.reject)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(cancel)
        bar.addWidget(self.save)
        layout.addLayout(bar)
        if venue is not None:
            self._show(venue)

    def _show(self, venue: Venue) -> None:
        values = venue.model_dump()
        for key, edit in self.fields.items():
            value = values.get(key)
            edit.setText("" if value is None else str(value))
        self.fields["id"].setReadOnly(True)
        self.kind.setCurrentIndex(max(0, self.kind.findData(venue.kind.value)))
        self.area.setCurrentIndex(max(0, self.area.findData(venue.area)))
        self.active.setChecked(venue.active)
        notes = venue.notes or {}
        self.notes_nl.setPlainText(notes.get("nl", ""))
        self.notes_en.setPlainText(notes.get("en", ""))

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            key: edit.text().strip() or None for key, edit in self.fields.items()
        }
        for key in ("lat", "lon"):
            text = (values[key] or "").replace(",", ".")
            try:
                values[key] = float(text)
            except ValueError:
                values[key] = text or None
        postcode = (values["postcode"] or "").upper().replace(" ", "")
        if len(postcode) == 6:
            values["postcode"] = f"{postcode[:4]} {postcode[4:]}"
        values["kind"] = self.kind.currentData()
        values["area"] = self.area.currentData()
        values["active"] = self.active.isChecked()
        notes = {
            language: edit.toPlainText().strip()
            for language, edit in (("nl", self.notes_nl), ("en", self.notes_en))
            if edit.toPlainText().strip()
        }
        values["notes"] = notes or None
        return values

    def submit(self) -> None:
        values = self.values()
        version = self.version

        def work(admin: Administration) -> VenueEdit:
            return admin.save_venue(checked(Venue, **values), version)

        self.save.setEnabled(False)
        self.panel.run_admin(work, self._done, self._refused, self.banner)

    def _refused(self, error: BaseException) -> None:
        self.save.setEnabled(True)
        if isinstance(error, VenueConflict) and error.venue is not None:
            # Show how it is now and build the next save on it; what was typed stays.
            self.version = error.version
            now = error.venue
            lines = [
                self.tr("Now: {name}, {street} {number}, {postcode}").format(
                    name=now.name,
                    street=now.street,
                    number=now.house_number,
                    postcode=now.postcode,
                ),
                self.tr("Operator now: {operator}").format(operator=now.operator or "—"),
                self.tr("Opening hours now: {hours}").format(hours=now.opening_hours or "—"),
                self.tr("Now open") if now.active else self.tr("Now closed"),
            ]
            self.banner.say(self.banner.text.text(), lines)

    def _done(self, _edit: VenueEdit) -> None:
        self.save.setEnabled(True)
        self.saved.emit(str(self.values()["id"]))
        self.accept()


class HistoryDialog(QDialog):
    """Every edit of a venue, newest first: who, when, and each field's before and after."""

    def __init__(self, venue: Venue, edits: list[VenueEdit], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("venue_history_dialog")
        self.setWindowTitle(self.tr("History of {name}").format(name=venue.name))
        self.setMinimumSize(720, 480)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("venue_history_list")
        self.list.setWordWrap(True)
        for edit in edits:
            when = moment_text(edit.at)
            changes = _changes(edit)
            head = self.tr("Version {version}, {when}, by {actor}").format(
                version=edit.version, when=when, actor=edit.actor
            )
            self.list.addItem("\n".join([head, *changes]))
        layout.addWidget(self.list, 1)
        close = make_button(self.tr("Close"))
        close.clicked.connect(self.accept)
        layout.addLayout(button_bar(close))


def _changes(edit: VenueEdit) -> list[str]:
    after = edit.after.model_dump(mode="json")
    if edit.before is None:
        return ["  " + QCoreApplication.translate("HistoryDialog", "added to the register")]
    before = edit.before.model_dump(mode="json")
    return [
        f"  {key}: {before.get(key)!s} → {after.get(key)!s}"
        for key in after
        if before.get(key) != after.get(key)
    ]
