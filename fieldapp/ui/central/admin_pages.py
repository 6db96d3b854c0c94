"""The pages of the administrator's tab: venues, import, teams and people, forms.

Each page asks its `AdminPanel` to run requests (on the task runner) and shows the answer;
dialogs keep what was typed until the central store took it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.administration import (
    Administration,
    ImportReport,
    Registers,
    VenueConflict,
    checked,
    problems_in,
)
from fieldapp.core.entities import Role, Team, Venue, VenueKind
from fieldapp.protocol.models import AdminUser, PublishedForm, UserAnswer, VenueEdit
from fieldapp.ui.central.base import Banner, fill, make_table, select_key, selected_key, set_headers
from fieldapp.ui.central.names import form_name, kind_name, role_label
from fieldapp.ui.widgets import make_button, make_label

if TYPE_CHECKING:
    from fieldapp.ui.central.admin import AdminPanel


def choose_file(parent: QWidget, title: str, pattern: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", pattern)
    return Path(name) if name else None


def _buttons(*buttons: QWidget) -> QHBoxLayout:
    bar = QHBoxLayout()
    for button in buttons:
        bar.addWidget(button)
    bar.addStretch(1)
    return bar


# --- venues ----------------------------------------------------------------------------------


class VenuesPage(QWidget):
    ALL = ""

    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("admin_venues")
        self.panel = panel
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
        layout.addWidget(self.table, 1)
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
        self.import_button.clicked.connect(lambda: panel.imports.start("venues"))
        layout.addLayout(
            _buttons(self.new, self.edit, self.close_venue, self.history, self.import_button)
        )
        self.retranslate()

    def load(self) -> None:
        self.panel.run(lambda admin: admin.registers(), self._loaded)

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
        self.panel.loaded.emit("venues")

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
        self.table.resizeColumnsToContents()
        total = len(registers.venues) if registers is not None else 0
        self.count.setText(
            self.tr("{shown} of {total} venues").format(shown=len(rows), total=total)
        )

    def venue(self, venue_id: str | None) -> Venue | None:
        registers = self.registers
        if registers is None or venue_id is None:
            return None
        return next((v for v in registers.venues if v.id == venue_id), None)

    def edit_selected(self) -> None:
        venue = self.venue(selected_key(self.table))
        if venue is None:
            return
        key = venue.id
        # The dialog edits the venue as the central store has it now, at its version.
        self.panel.run(
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
        dialog = VenueDialog(self.panel, registers, venue, self)
        dialog.version = version
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self, venue_id: str) -> None:
        def reselect(registers: Registers) -> None:
            self._loaded(registers)
            self.closed.setChecked(self.closed.isChecked())
            select_key(self.table, venue_id)

        self.panel.run(lambda admin: admin.registers(), reselect)

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
        self.panel.run(lambda admin: admin.close_venue(key), lambda _r: self._saved(key))

    def history_selected(self) -> None:
        venue = self.venue(selected_key(self.table))
        if venue is None:
            return
        self.panel.run(
            lambda admin: admin.venue_history(venue.id),
            lambda edits: self._show_history(venue, edits),
        )

    def _show_history(self, venue: Venue, edits: list[VenueEdit]) -> None:
        dialog = HistoryDialog(venue, edits, self)
        dialog.open()

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
        panel: AdminPanel,
        registers: Registers,
        venue: Venue | None,
        parent: QWidget | None = None,
    ) -> None:
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
        self.panel.run(work, self._done, self._refused, self.banner)

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
            when = _moment(edit.at)
            changes = _changes(edit)
            head = self.tr("Version {version}, {when}, by {actor}").format(
                version=edit.version, when=when, actor=edit.actor
            )
            self.list.addItem("\n".join([head, *changes]))
        layout.addWidget(self.list, 1)
        close = make_button(self.tr("Close"))
        close.clicked.connect(self.accept)
        layout.addLayout(_buttons(close))


def _moment(moment: datetime) -> str:
    stamp = QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))
    return QLocale().toString(stamp, QLocale.FormatType.ShortFormat)


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


# --- import ----------------------------------------------------------------------------------


class ImportPage(QWidget):
    """Choose a file, check it (a dry run), then apply it: all or nothing."""

    REGISTERS = ("venues", "areas", "teams", "users")

    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("admin_import")
        self.panel = panel
        self.checked_for: tuple[str, str, bool] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        form = QFormLayout()
        self.register = QComboBox()
        self.register.setObjectName("import_register")
        self.register.currentIndexChanged.connect(lambda _i: self._changed())
        path_row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("import_path")
        self.path.textChanged.connect(lambda _t: self._changed())
        self.browse = make_button()
        self.browse.setObjectName("import_browse")
        self.browse.clicked.connect(self._browse)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)
        self.sync = QCheckBox()
        self.sync.setObjectName("import_sync")
        self.sync.toggled.connect(lambda _on: self._changed())
        self.register_label = make_label(wrap=False)
        self.file_label = make_label(wrap=False)
        form.addRow(self.register_label, self.register)
        form.addRow(self.file_label, path_row)
        form.addRow("", self.sync)
        layout.addLayout(form)
        self.check = make_button()
        self.check.setObjectName("import_check")
        self.check.clicked.connect(self.preview)
        self.apply = make_button(role="primary")
        self.apply.setObjectName("import_apply")
        self.apply.clicked.connect(self.run_import)
        self.apply.setEnabled(False)
        layout.addLayout(_buttons(self.check, self.apply))
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.result = make_label(role="heading")
        self.result.setObjectName("import_result")
        layout.addWidget(self.result)
        self.passwords = QListWidget()
        self.passwords.setObjectName("import_passwords")
        self.passwords.hide()
        layout.addWidget(self.passwords, 1)
        layout.addStretch(1)
        self.retranslate()

    def start(self, register: str) -> None:
        self.register.setCurrentIndex(self.REGISTERS.index(register))
        self.panel.pages.setCurrentWidget(self)

    def _browse(self) -> None:
        chosen = choose_file(
            self,
            self.tr("Choose the file to import"),
            self.tr("Register files (*.csv *.xlsx *.geojson *.json)"),
        )
        if chosen is not None:
            self.path.setText(str(chosen))

    def _key(self) -> tuple[str, str, bool]:
        return (self.register.currentData(), self.path.text().strip(), self.sync.isChecked())

    def _changed(self) -> None:
        # Only the file that was checked, as it was checked, may be applied.
        self.apply.setEnabled(self.checked_for is not None and self.checked_for == self._key())
        self.sync.setEnabled(self.register.currentData() in ("venues", "users"))

    def preview(self) -> None:
        register, path, sync = self._key()
        if not path:
            return
        self.checked_for = None
        self._changed()
        self.result.clear()
        self.passwords.hide()

        def checked_file(report: ImportReport) -> None:
            self._report(report)
            if report.problems:
                self.banner.say(
                    self.tr(
                        "The file has %n problem(s); nothing was changed.", "", len(report.problems)
                    ),
                    problems_in(self.panel.context.language, report.problems, report.problems_nl),
                )
            else:
                self.checked_for = (register, path, sync)
                self.banner.say(
                    self.tr("The file is fine. Check the counts, then import it."),
                    error=False,
                )
            self._changed()

        self.panel.run(
            lambda admin: admin.preview_import(register, Path(path), sync=sync),  # type: ignore[arg-type]
            checked_file,
            banner=self.banner,
        )

    def run_import(self) -> None:
        register, path, sync = self._key()

        def done(report: ImportReport) -> None:
            self.checked_for = None
            self._changed()
            self._report(report)
            self.banner.say(self.tr("Imported."), error=False)
            self.passwords.clear()
            for username, password in sorted(report.passwords.items()):
                self.passwords.addItem(
                    self.tr("{user}: one-time password {password}").format(
                        user=username, password=password
                    )
                )
            self.passwords.setVisible(bool(report.passwords))
            self.panel.refresh()

        self.panel.run(
            lambda admin: admin.apply_import(register, Path(path), sync=sync),  # type: ignore[arg-type]
            done,
            banner=self.banner,
        )

    def _report(self, report: ImportReport) -> None:
        text = self.tr("{added} added · {changed} changed · {unchanged} unchanged").format(
            added=report.added, changed=report.changed, unchanged=report.unchanged
        )
        if report.deactivated:
            text += " · " + self.tr("{count} deactivated").format(count=report.deactivated)
        if report.dry_run:
            text = self.tr("Check: {counts}").format(counts=text)
        self.result.setText(text)

    def retranslate(self) -> None:
        names = {
            "venues": self.tr("Venues"),
            "areas": self.tr("Areas"),
            "teams": self.tr("Teams"),
            "users": self.tr("Users"),
        }
        index = max(0, self.register.currentIndex())
        self.register.blockSignals(True)
        self.register.clear()
        for key in self.REGISTERS:
            self.register.addItem(names[key], key)
        self.register.setCurrentIndex(index)
        self.register.blockSignals(False)
        self.register_label.setText(self.tr("Register"))
        self.file_label.setText(self.tr("File"))
        self.path.setPlaceholderText(self.tr("A CSV, Excel (.xlsx) or GeoJSON file"))
        self.browse.setText(self.tr("Choose file…"))
        self.sync.setText(
            self.tr("The file is the whole register: deactivate what it does not list")
        )
        self.check.setText(self.tr("Check file"))
        self.apply.setText(self.tr("Import"))


# --- teams and people ------------------------------------------------------------------------


class PeoplePage(QWidget):
    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("admin_people")
        self.panel = panel
        self.teams: list[Team] = []
        self.users: list[AdminUser] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.teams_title = make_label(role="label")
        layout.addWidget(self.teams_title)
        self.team_table = make_table("team_table")
        self.team_table.setMaximumHeight(220)
        layout.addWidget(self.team_table)
        self.new_team = make_button()
        self.new_team.setObjectName("team_new")
        self.new_team.clicked.connect(lambda: self.open_team(None))
        self.edit_team = make_button()
        self.edit_team.setObjectName("team_edit")
        self.edit_team.clicked.connect(self._edit_team)
        layout.addLayout(_buttons(self.new_team, self.edit_team))
        self.users_title = make_label(role="label")
        layout.addWidget(self.users_title)
        self.user_table = make_table("user_table")
        self.user_table.doubleClicked.connect(lambda _i: self._edit_user())
        layout.addWidget(self.user_table, 1)
        self.new_user = make_button(role="primary")
        self.new_user.setObjectName("user_new")
        self.new_user.clicked.connect(lambda: self.open_user(None))
        self.edit_user = make_button()
        self.edit_user.setObjectName("user_edit")
        self.edit_user.clicked.connect(self._edit_user)
        self.active = make_button()
        self.active.setObjectName("user_active")
        self.active.clicked.connect(self._toggle_active)
        self.password = make_button()
        self.password.setObjectName("user_password")
        self.password.clicked.connect(self._reset_password)
        layout.addLayout(_buttons(self.new_user, self.edit_user, self.active, self.password))
        self.user_table.itemSelectionChanged.connect(self._selection)
        self.retranslate()

    def load(self) -> None:
        def both(admin: Administration) -> tuple[list[Team], list[AdminUser]]:
            return admin.teams(), admin.users()

        self.panel.run(both, self._show)

    def _show(self, loaded: tuple[list[Team], list[AdminUser]]) -> None:
        self.teams, self.users = loaded
        names = {u.username: u.display_name for u in self.users}
        fill(
            self.team_table,
            [
                [t.name, t.id, names.get(t.supervisor, t.supervisor), ", ".join(t.areas)]
                for t in self.teams
            ],
            [t.id for t in self.teams],
        )
        self.team_table.resizeColumnsToContents()
        team_names = {t.id: t.name for t in self.teams}
        fill(
            self.user_table,
            [
                [
                    u.display_name,
                    u.username,
                    role_label(u.role.value),
                    team_names.get(u.team or "", u.team or ""),
                    u.pseudonym or "",
                    self.tr("active") if u.active else self.tr("deactivated"),
                ]
                for u in self.users
            ],
            [u.username for u in self.users],
        )
        self.user_table.resizeColumnsToContents()
        self._selection()
        self.panel.loaded.emit("people")

    def user(self, username: str | None) -> AdminUser | None:
        return next((u for u in self.users if u.username == username), None)

    def _selection(self) -> None:
        user = self.user(selected_key(self.user_table))
        self.active.setText(
            self.tr("Activate") if user is not None and not user.active else self.tr("Deactivate")
        )
        for button in (self.edit_user, self.active, self.password):
            button.setEnabled(user is not None)

    def _edit_team(self) -> None:
        key = selected_key(self.team_table)
        team = next((t for t in self.teams if t.id == key), None)
        if team is not None:
            self.open_team(team)

    def _edit_user(self) -> None:
        user = self.user(selected_key(self.user_table))
        if user is not None:
            self.open_user(user)

    def open_team(self, team: Team | None) -> TeamDialog:
        dialog = TeamDialog(self.panel, team, self.users, self)
        dialog.done_with.connect(lambda _x: self.load())
        dialog.open()
        return dialog

    def open_user(self, user: AdminUser | None) -> UserDialog:
        dialog = UserDialog(self.panel, user, self.teams, self)
        dialog.done_with.connect(self._user_saved)
        dialog.open()
        return dialog

    def _user_saved(self, answer: object) -> None:
        if isinstance(answer, UserAnswer):
            self._tell_password(answer)
        self.load()

    def _tell_password(self, answer: UserAnswer) -> None:
        if answer.one_time_password:
            self.banner.say(
                self.tr(
                    "One-time password for {user}: {password} (shown once; hand it over in person)"
                ).format(user=answer.user.username, password=answer.one_time_password),
                error=False,
            )

    def _toggle_active(self) -> None:
        user = self.user(selected_key(self.user_table))
        if user is None:
            return
        name = user.username
        wanted = not user.active
        self.panel.run(
            lambda admin: admin.change_user(name, active=wanted),
            lambda _a: self.load(),
            banner=self.banner,
        )

    def _reset_password(self) -> None:
        user = self.user(selected_key(self.user_table))
        if user is None:
            return
        name = user.username

        def done(answer: UserAnswer) -> None:
            self._tell_password(answer)
            self.load()

        self.panel.run(lambda admin: admin.reset_password(name), done, banner=self.banner)

    def retranslate(self) -> None:
        self.teams_title.setText(self.tr("Teams"))
        self.users_title.setText(self.tr("People"))
        self.new_team.setText(self.tr("New team"))
        self.edit_team.setText(self.tr("Rename or change team"))
        self.new_user.setText(self.tr("New person"))
        self.edit_user.setText(self.tr("Change (name, role, team)"))
        self.password.setText(self.tr("Reset password"))
        self._selection()
        set_headers(
            self.team_table,
            [self.tr("Team"), self.tr("Id"), self.tr("Supervisor"), self.tr("Areas")],
        )
        set_headers(
            self.user_table,
            [
                self.tr("Name"),
                self.tr("Username"),
                self.tr("Role"),
                self.tr("Team"),
                self.tr("Pseudonym"),
                self.tr("State"),
            ],
        )


class _EditDialog(QDialog):
    """Signals:
    done_with(object): the central store's answer once it took the change.
    """

    done_with = Signal(object)

    def __init__(self, panel: AdminPanel, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.setMinimumWidth(560)
        self.banner = Banner()
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(self.form, 1)
        self.save = make_button(self.tr("Save"), role="primary")
        self.save.setObjectName("edit_save")
        self.save.clicked.connect(self.submit)
        close = make_button(self.tr("Close"))
        close.clicked.connect(self.reject)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(close)
        bar.addWidget(self.save)
        layout.addLayout(bar)

    def work(self) -> Callable[[Administration], object]:
        raise NotImplementedError

    def submit(self) -> None:
        self.save.setEnabled(False)
        self.panel.run(self.work(), self._done, lambda _e: self.save.setEnabled(True), self.banner)

    def _done(self, answer: object) -> None:
        self.save.setEnabled(True)
        self.done_with.emit(answer)
        self.accept()


class TeamDialog(_EditDialog):
    def __init__(
        self, panel: AdminPanel, team: Team | None, users: list[AdminUser], parent: QWidget | None
    ) -> None:
        super().__init__(panel, parent)
        self.setObjectName("team_dialog")
        self.team = team
        self.setWindowTitle(self.tr("New team") if team is None else team.name)
        self.team_id = QLineEdit(team.id if team else "")
        self.team_id.setObjectName("team_id")
        self.team_id.setReadOnly(team is not None)
        self.name = QLineEdit(team.name if team else "")
        self.name.setObjectName("team_name")
        self.supervisor = QComboBox()
        self.supervisor.setObjectName("team_supervisor")
        for user in users:
            if user.role is Role.SUPERVISOR and user.active:
                self.supervisor.addItem(user.display_name, user.username)
        if team is not None:
            self.supervisor.setCurrentIndex(max(0, self.supervisor.findData(team.supervisor)))
        self.areas = QLineEdit(" ".join(team.areas) if team else "")
        self.areas.setObjectName("team_areas")
        self.form.addRow(self.tr("Id"), self.team_id)
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Supervisor"), self.supervisor)
        self.form.addRow(self.tr("Area ids (separated by spaces)"), self.areas)

    def work(self) -> Callable[[Administration], object]:
        team_id, name = self.team_id.text().strip(), self.name.text().strip()
        supervisor = self.supervisor.currentData() or ""
        areas = self.areas.text().replace(",", " ").split()
        if self.team is None:
            return lambda admin: admin.add_team(team_id, name, supervisor, areas)
        return lambda admin: admin.change_team(
            team_id, name=name, supervisor=supervisor, areas=areas
        )


class UserDialog(_EditDialog):
    def __init__(
        self,
        panel: AdminPanel,
        user: AdminUser | None,
        teams: list[Team],
        parent: QWidget | None,
    ) -> None:
        super().__init__(panel, parent)
        self.setObjectName("user_dialog")
        self.user = user
        self.setWindowTitle(self.tr("New person") if user is None else user.display_name)
        self.username = QLineEdit(user.username if user else "")
        self.username.setObjectName("user_username")
        self.username.setReadOnly(user is not None)
        self.display_name = QLineEdit(user.display_name if user else "")
        self.display_name.setObjectName("user_display_name")
        self.role = QComboBox()
        self.role.setObjectName("user_role")
        for role in Role:
            self.role.addItem(role_label(role.value), role.value)
        self.team = QComboBox()
        self.team.setObjectName("user_team")
        self.team.addItem(self.tr("No team"), None)
        for team in teams:
            self.team.addItem(team.name, team.id)
        self.pseudonym = QLineEdit(user.pseudonym or "" if user else "")
        self.pseudonym.setObjectName("user_pseudonym")
        if user is not None:
            self.role.setCurrentIndex(max(0, self.role.findData(user.role.value)))
            self.team.setCurrentIndex(max(0, self.team.findData(user.team)))
        self.form.addRow(self.tr("Username"), self.username)
        self.form.addRow(self.tr("Name"), self.display_name)
        self.form.addRow(self.tr("Role"), self.role)
        self.form.addRow(self.tr("Team"), self.team)
        self.form.addRow(self.tr("Pseudonym (mystery guests)"), self.pseudonym)

    def work(self) -> Callable[[Administration], object]:
        username = self.username.text().strip()
        name = self.display_name.text().strip()
        role = Role(self.role.currentData())
        team = self.team.currentData()
        pseudonym = self.pseudonym.text().strip() or None
        if self.user is None:
            return lambda admin: admin.add_user(username, name, role, team, pseudonym)
        changes: dict[str, Any] = {"display_name": name, "role": role, "team": team}
        if pseudonym is not None:
            changes["pseudonym"] = pseudonym
        return lambda admin: admin.change_user(username, **changes)


# --- forms -----------------------------------------------------------------------------------


class FormsPage(QWidget):
    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("admin_forms")
        self.panel = panel
        self.forms: list[PublishedForm] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.table = make_table("form_table")
        layout.addWidget(self.table, 1)
        self.publish_button = make_button(role="primary")
        self.publish_button.setObjectName("form_publish")
        self.publish_button.clicked.connect(self._choose)
        self.retire = make_button(role="danger")
        self.retire.setObjectName("form_retire")
        self.retire.clicked.connect(self.retire_selected)
        self.try_out = make_button()
        self.try_out.setObjectName("form_try_out")
        self.try_out.clicked.connect(self.try_selected)
        layout.addLayout(_buttons(self.publish_button, self.retire, self.try_out))
        self.retranslate()

    def try_selected(self) -> None:
        """The device's newest version of the form in the runner; nothing is saved."""
        key = selected_key(self.table)
        if key is not None:
            self.panel.preview_requested.emit(key.split("/", 1)[0])

    def load(self) -> None:
        self.panel.run(lambda admin: admin.forms(), self._show)

    def _show(self, forms: list[PublishedForm]) -> None:
        self.forms = sorted(forms, key=lambda f: (f.form_id, f.published_at), reverse=False)
        fill(
            self.table,
            [
                [
                    form_name(f.form_id),
                    f.form_version,
                    ", ".join(role_label(r) for r in f.roles),
                    _moment(f.published_at),
                    self.tr("live")
                    if f.live
                    else (self.tr("retired") if f.retired else self.tr("older version")),
                ]
                for f in self.forms
            ],
            [f"{f.form_id}/{f.form_version}" for f in self.forms],
        )
        self.table.resizeColumnsToContents()
        self.panel.loaded.emit("forms")

    def _choose(self) -> None:
        chosen = choose_file(
            self, self.tr("Choose the form file"), self.tr("Form files (*.yaml *.yml)")
        )
        if chosen is not None:
            self.publish(chosen)

    def publish(self, path: Path) -> None:
        def done(form: PublishedForm) -> None:
            self.banner.say(
                self.tr(
                    "Published {form} version {version}; devices get it at their next sync."
                ).format(form=form_name(form.form_id), version=form.form_version),
                error=False,
            )
            self.load()

        self.panel.run(lambda admin: admin.publish_form(path), done, banner=self.banner)

    def retire_selected(self) -> None:
        key = selected_key(self.table)
        if key is None:
            return
        form_id, version = key.split("/", 1)

        def done(form: PublishedForm) -> None:
            self.banner.say(
                self.tr(
                    "Retired {form} version {version}: no new drafts on it; drafts begun on it "
                    "are finished on it."
                ).format(form=form_name(form.form_id), version=form.form_version),
                error=False,
            )
            self.load()

        self.panel.run(lambda admin: admin.retire_form(form_id, version), done, banner=self.banner)

    def retranslate(self) -> None:
        self.publish_button.setText(self.tr("Publish a form file…"))
        self.retire.setText(self.tr("Retire version"))
        self.try_out.setText(self.tr("Try out (nothing is saved)"))
        set_headers(
            self.table,
            [
                self.tr("Form"),
                self.tr("Version"),
                self.tr("Filled in by"),
                self.tr("Published"),
                self.tr("State"),
            ],
        )
