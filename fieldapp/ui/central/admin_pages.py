"""The pages of the administrator's tab: import, teams and people, forms (venues are in
`venue_pages`, which a supervisor's planning shares).

Each page asks its `AdminPanel` to run requests (on the task runner) and shows the answer;
dialogs keep what was typed until the central store took it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.administration import (
    Administration,
    ImportReport,
    problems_in,
)
from fieldapp.core.entities import Area, Role, Team
from fieldapp.protocol.models import AdminUser, PublishedForm, UserAnswer
from fieldapp.ui.central.base import (
    Banner,
    TranslatedPage,
    button_bar,
    fill,
    fit_columns,
    make_table,
    moment_text,
    selected_key,
    set_headers,
)
from fieldapp.ui.central.names import published_form_name, role_label
from fieldapp.ui.widgets import make_button, make_label

if TYPE_CHECKING:
    from fieldapp.ui.central.admin import AdminPanel


def choose_file(parent: QWidget, title: str, pattern: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", pattern)
    return Path(name) if name else None


# --- import ----------------------------------------------------------------------------------


class ImportPage(TranslatedPage):
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
        layout.addLayout(button_bar(self.check, self.apply))
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

        self.panel.run_admin(
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

        self.panel.run_admin(
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
        if report.dry_run and report.problems:
            # A file with problems is refused whole: its counts are what the clean rows
            # would do, said so, not a result under "nothing was changed".
            text = self.tr(
                "Rows without problems: {counts} (nothing is imported while the file has problems)"
            ).format(counts=text)
        elif report.dry_run:
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


class PeoplePage(TranslatedPage):
    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("admin_people")
        self.panel = panel
        self.teams: list[Team] = []
        self.users: list[AdminUser] = []
        self._areas: list[Area] = []
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
        layout.addLayout(button_bar(self.new_team, self.edit_team))
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
        layout.addLayout(button_bar(self.new_user, self.edit_user, self.active, self.password))
        self.user_table.itemSelectionChanged.connect(self._selection)
        self.retranslate()

    def load(self) -> None:
        def all_three(admin: Administration) -> tuple[list[Team], list[AdminUser], list[Area]]:
            return admin.teams(), admin.users(), admin.areas()

        self.panel.run_admin(all_three, self._show)

    def _show(self, loaded: tuple[list[Team], list[AdminUser], list[Area]]) -> None:
        self.teams, self.users, self._areas = loaded
        self._fill()
        self.panel.loaded.emit("people")

    def _fill(self) -> None:
        names = {u.username: u.display_name for u in self.users}
        # The areas by the names people know them by, not the register's ids.
        area_names = {area.id: area.name for area in self._areas}
        fill(
            self.team_table,
            [
                [
                    t.name,
                    t.id,
                    names.get(t.supervisor, t.supervisor),
                    ", ".join(area_names.get(area, area) for area in t.areas),
                ]
                for t in self.teams
            ],
            [t.id for t in self.teams],
        )
        fit_columns(self.team_table)
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
        fit_columns(self.user_table)
        self._selection()

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
        self.panel.run_admin(
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

        self.panel.run_admin(lambda admin: admin.reset_password(name), done, banner=self.banner)

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
        if self.users:
            # Roles and states in the new language.
            self._fill()


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
        self.panel.run_admin(
            self.work(), self._done, lambda _e: self.save.setEnabled(True), self.banner
        )

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


class FormsPage(TranslatedPage):
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
        layout.addLayout(button_bar(self.publish_button, self.retire, self.try_out))
        self.retranslate()

    def try_selected(self) -> None:
        """The device's newest version of the form in the runner; nothing is saved."""
        key = selected_key(self.table)
        if key is not None:
            self.panel.preview_requested.emit(key.split("/", 1)[0])

    def load(self) -> None:
        self.panel.run_admin(lambda admin: admin.forms(), self._show)

    def _show(self, forms: list[PublishedForm]) -> None:
        self.forms = sorted(forms, key=lambda f: (f.form_id, f.published_at), reverse=False)
        self._fill()
        self.panel.loaded.emit("forms")

    def _fill(self) -> None:
        language = self.panel.context.language
        fill(
            self.table,
            [
                [
                    published_form_name(f, language),
                    f.form_version,
                    ", ".join(role_label(r) for r in f.roles),
                    moment_text(f.published_at),
                    self.tr("live")
                    if f.live
                    else (self.tr("retired") if f.retired else self.tr("older version")),
                ]
                for f in self.forms
            ],
            [f"{f.form_id}/{f.form_version}" for f in self.forms],
        )
        fit_columns(self.table)

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
                ).format(
                    form=published_form_name(form, self.panel.context.language),
                    version=form.form_version,
                ),
                error=False,
            )
            self.load()

        self.panel.run_admin(lambda admin: admin.publish_form(path), done, banner=self.banner)

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
                ).format(
                    form=published_form_name(form, self.panel.context.language),
                    version=form.form_version,
                ),
                error=False,
            )
            self.load()

        self.panel.run_admin(
            lambda admin: admin.retire_form(form_id, version), done, banner=self.banner
        )

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
        if self.forms:
            # The forms' names and states in the new language.
            self._fill()
