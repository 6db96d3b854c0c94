"""The main window: sign-in, home, one inspection at a time, the idle lock and the cover.

It owns navigation only. Each step (sign in, open, start, finalize, lock) is a use case
run on the task runner; the window swaps screens when the answer arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.ui.context import AppContext
from fieldapp.ui.errors import describe
from fieldapp.ui.idle import IdleWatcher
from fieldapp.ui.signin import SignInScreen
from fieldapp.ui.theme import apply_theme

if TYPE_CHECKING:
    from fieldapp.app.session import SignedIn
    from fieldapp.ui.lock import Cover, LockScreen
    from fieldapp.ui.syncing import SyncController


class _Host(QWidget):
    """The central widget: the screens, with the lock screen and the cover laid over them."""

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class MainWindow(QMainWindow):
    """Signals:
    screen_changed(str): the object name of the screen now shown (for tests and logs).
    """

    screen_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("main_window")
        self.home: QWidget | None = None
        self.inspection: QWidget | None = None
        self.preview: QWidget | None = None
        # The signed-in session's syncing (officers and mystery guests, when this run
        # syncs); made at sign-in, closed at sign-out. Locking leaves it running.
        self.sync: SyncController | None = None
        self._hidden_dialogs: list[QWidget] = []
        self._closing = False
        self._close_insisted = False

        host = _Host()
        self._host = host
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.setCentralWidget(host)
        # The lock screen and the cover are made when first needed (after signing in):
        # the start-up window does not wait for them.
        self._lock_screen: LockScreen | None = None
        self._cover: Cover | None = None
        host.resized.connect(self._fit_overlays)

        self.sign_in = SignInScreen(context)
        self.sign_in.signed_in.connect(self._signed_in)
        self.sign_in.language_requested.connect(
            lambda code: context.change_setting("language", code)
        )
        self.stack.addWidget(self.sign_in)

        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)
        context.signals.changed.connect(self._setting_changed)
        context.tasks.failed.connect(self._task_failed)

        self._shortcuts_added = False
        self.retranslate()

    def _add_shortcuts(self) -> None:
        """F12 covers the screen, Ctrl+L locks it: both only once someone has signed in,
        so they are made then (once), not on the way to the sign-in window."""
        if self._shortcuts_added:
            return
        self._shortcuts_added = True
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence, QShortcut

        cover_key = QShortcut(QKeySequence(Qt.Key.Key_F12), self)
        cover_key.setContext(Qt.ShortcutContext.ApplicationShortcut)
        cover_key.activated.connect(self.toggle_cover)
        lock_key = QShortcut(QKeySequence("Ctrl+L"), self)
        lock_key.setContext(Qt.ShortcutContext.ApplicationShortcut)
        lock_key.activated.connect(self.lock)

    # -- screens -------------------------------------------------------------------------

    def _show(self, screen: QWidget) -> None:
        if self.stack.indexOf(screen) < 0:
            self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        self.screen_changed.emit(screen.objectName())

    def _drop(self, screen: QWidget | None) -> None:
        if screen is not None:
            self.stack.removeWidget(screen)
            screen.deleteLater()

    @property
    def current_screen(self) -> QWidget | None:
        return self.stack.currentWidget()

    def _signed_in(self, signed: object) -> None:
        from fieldapp.app.session import SignedIn

        assert isinstance(signed, SignedIn)
        self.context.signed_in = signed
        self._add_shortcuts()
        self._start_sync(signed)
        self._apply_look()
        self.show_home()
        # Watching every input event costs a little on each one: only while signed in.
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.idle.set_minutes(self.context.settings.idle_lock_minutes)

    def _start_sync(self, signed: SignedIn) -> None:
        connect = self.context.sync_connection
        # Supervisors review through their desk; their profile has no outbox to send.
        if connect is None or signed.role.value not in ("boa", "mystery_guest"):
            return
        from fieldapp.ui.syncing import SyncController

        self.sync = SyncController(self.context, signed, connect)
        self.sync.start()

    def _end_sync(self) -> None:
        sync, self.sync = self.sync, None
        if sync is not None:
            sync.close()

    def _form_titles(self) -> dict[str, dict[str, str]]:
        signed = self.context.signed_in
        if signed is None:
            return {}
        return {choice.form_id: dict(choice.definition.title) for choice in signed.forms}

    def show_home(self) -> None:
        signed = self.context.signed_in
        if signed is None:
            return
        if self.home is None:
            from fieldapp.ui.home import HomeScreen, SupervisorHome

            if signed.role.value in ("supervisor", "admin"):
                supervisor = SupervisorHome(self.context, signed, self._form_titles())
                supervisor.preview_requested.connect(self.try_form)
                supervisor.settings_requested.connect(self.open_settings)
                supervisor.lock_requested.connect(self.lock)
                supervisor.sign_out_requested.connect(self.sign_out)
                from fieldapp.ui.central import add_central_tabs

                central = add_central_tabs(supervisor.tabs, self.context, signed)
                preview = getattr(central, "preview_requested", None)
                if preview is not None:
                    preview.connect(self.try_form)
                self.home = supervisor
            else:
                home = HomeScreen(self.context, signed, self._form_titles(), sync=self.sync)
                home.open_requested.connect(self.open_inspection)
                home.assignment_chosen.connect(self.start_assignment)
                home.new_requested.connect(self.new_inspection)
                home.settings_requested.connect(self.open_settings)
                home.lock_requested.connect(self.lock)
                home.sign_out_requested.connect(self.sign_out)
                home.cover_requested.connect(self.toggle_cover)
                home.discreet_toggled.connect(
                    lambda on: self.context.change_setting("discreet_mode", on)
                )
                home.set_discreet(self._discreet())
                self.home = home
        else:
            refresh = getattr(self.home, "refresh", None)
            if callable(refresh):
                refresh()
        self._show(self.home)

    def open_inspection(self, inspection_id: str) -> None:
        signed = self.context.signed_in
        if signed is None:
            return
        from fieldapp.app.inspections import open_inspection

        profile = signed.profile
        self.context.tasks.run(
            lambda: open_inspection(profile, inspection_id),
            self._opened,
            self._failed,
            serial=True,
            context=self,
        )

    def _opened(self, opened: object) -> None:
        from fieldapp.app.inspections import OpenedInspection
        from fieldapp.ui.inspection import InspectionScreen

        signed = self.context.signed_in
        if signed is None or not isinstance(opened, OpenedInspection):
            return
        screen = InspectionScreen(self.context, signed, opened)
        screen.closed.connect(self._inspection_closed)
        screen.finalized.connect(self._inspection_finalized)
        screen.correction_requested.connect(self.correct_inspection)
        self._drop(self.inspection)
        self.inspection = screen
        self._show(screen)

    def start_assignment(self, row: object) -> None:
        from fieldapp.app.inspections import AssignmentRow, begin_inspection

        signed = self.context.signed_in
        if signed is None or not isinstance(row, AssignmentRow):
            return
        if row.inspection is not None:
            self.open_inspection(row.inspection.inspection_id)
            return
        assignment = row.assignment
        self.context.tasks.run(
            lambda: begin_inspection(signed, assignment.form_id.value, assignment_id=assignment.id),
            self.open_inspection,
            self._failed,
            serial=True,
            context=self,
        )

    def new_inspection(self) -> None:
        from fieldapp.app.inspections import begin_inspection
        from fieldapp.app.visits import ProfileVisits
        from fieldapp.ui.new_inspection import NewInspectionDialog

        signed = self.context.signed_in
        if signed is None:
            return
        forms = [c for c in signed.forms if signed.role.value in c.definition.roles]

        def start(form_id: str, venue_id: str | None, area_id: str | None, carry: bool) -> None:
            self.context.tasks.run(
                lambda: begin_inspection(
                    signed, form_id, venue_id=venue_id, area_id=area_id, carry_over=carry
                ),
                self.open_inspection,
                self._failed,
                serial=True,
                context=self,
            )

        NewInspectionDialog.ask(
            self,
            forms,
            signed.venues,
            self.context.language,
            start,
            devices=self.context.devices,
            visits=ProfileVisits(signed.profile),
            tasks=self.context.tasks,
        )

    def correct_inspection(self, inspection_id: str) -> None:
        from fieldapp.app.inspections import correct_inspection

        signed = self.context.signed_in
        if signed is None:
            return
        profile = signed.profile
        self.context.tasks.run(
            lambda: correct_inspection(profile, inspection_id),
            self._opened,
            self._failed,
            serial=True,
            context=self,
        )

    def _inspection_closed(self) -> None:
        screen = self.inspection
        self.inspection = None
        self.show_home()
        self._drop(screen)
        if self._closing:
            self.close()

    def _inspection_finalized(self, _inspection_id: str) -> None:
        from fieldapp.core.inspection import InspectionStatus

        screen = self.inspection
        opened = getattr(screen, "opened", None)
        subject = str(getattr(opened, "subject", "") or "")
        self._inspection_closed()
        confirm = getattr(self.home, "confirm_finalized", None)
        if callable(confirm):
            confirm(subject)
        if self.sync is not None:
            self.sync.sync_now()
        home = self.home
        show_list = getattr(home, "show_list", None)
        if callable(show_list):
            show_list(InspectionStatus.FINALIZED)

    def try_form(self, form_id: str) -> None:
        """A supervisor's try-out of a checklist: the real runner, nothing saved."""
        signed = self.context.signed_in
        if signed is None:
            return
        profile = signed.profile
        self.context.tasks.run(
            lambda: profile.engine(form_id), self._preview_ready, self._failed, context=self
        )

    def _preview_ready(self, engine: object) -> None:
        from fieldapp.app.maps import find_map_tiles
        from fieldapp.core.engine import FormEngine
        from fieldapp.ui.runner.runner import FormRunner
        from fieldapp.ui.runner.services import RunnerServices
        from fieldapp.ui.runner.sink import MemoryAnswerSink

        signed = self.context.signed_in
        if signed is None or not isinstance(engine, FormEngine):
            return
        services = RunnerServices(
            tasks=self.context.tasks,
            venues=signed.venues,
            devices=self.context.devices,
            photo_files=self.context.photo_files,
            clock=self.context.clock,
            map_tiles=find_map_tiles(self.context.home),
        )
        runner = FormRunner(
            engine.session(clock=self.context.clock),
            MemoryAnswerSink(),
            services,
            self.context.language,
            subject=self.tr("Try-out: nothing you enter here is saved"),
        )
        runner.setObjectName("form_preview")
        runner.close_requested.connect(self._preview_closed)
        runner.finalize_requested.connect(self._preview_closed)
        self._drop(self.preview)
        self.preview = runner
        self._show(runner)

    def _preview_closed(self) -> None:
        preview = self.preview
        self.preview = None
        self.show_home()
        self._drop(preview)

    def open_settings(self) -> None:
        from fieldapp.ui.settings_dialog import SettingsDialog

        SettingsDialog.ask(self, self.context, lambda: None)

    def sign_out(self) -> None:
        """Leave the form (everything saved), close the profile, back to sign-in."""
        inspection = self.inspection
        if inspection is not None:
            from fieldapp.ui.inspection import InspectionScreen

            assert isinstance(inspection, InspectionScreen)
            autosave = inspection.runner.autosave
            if not autosave.idle and autosave.failure is None:
                from PySide6.QtCore import Qt  # not on the way to the sign-in window

                # Once, however often the person clicks: sign out when the saves are in.
                inspection.closed.connect(self.sign_out, Qt.ConnectionType.UniqueConnection)
                inspection.close_inspection()
                return
            if autosave.failure is not None:
                # A save failed (disk full …): stay, so nothing typed is dropped; the form
                # shows the failure with its retry button.
                autosave.retry()
                return
        signed = self.context.signed_in
        self.context.signed_in = None
        # Before the profile closes: a running sync ends, then its connection closes.
        self._end_sync()
        self.idle.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        for overlay in self._overlays():
            overlay.hide()
        for dialog in self._hidden_dialogs:
            dialog.close()
        self._hidden_dialogs.clear()
        for screen in (self.inspection, self.preview, self.home):
            self._drop(screen)
        self.inspection = self.preview = self.home = None
        if signed is not None:
            self.context.tasks.run(signed.profile.close, serial=True)
        self._apply_look()
        self.sign_in.reset()
        self._show(self.sign_in)

    # -- lock and cover ------------------------------------------------------------------------

    @property
    def lock_screen(self) -> LockScreen:
        if self._lock_screen is None:
            from fieldapp.ui.lock import LockScreen

            self._lock_screen = LockScreen(self._host)
            self._lock_screen.unlock_requested.connect(self._unlock)
            self._lock_screen.sign_out_requested.connect(self.sign_out)
        return self._lock_screen

    @property
    def cover(self) -> Cover:
        if self._cover is None:
            from fieldapp.ui.lock import Cover

            self._cover = Cover(self._host)
            self._cover.uncover_requested.connect(self.uncover)
        return self._cover

    def _overlays(self) -> list[QWidget]:
        return [overlay for overlay in (self._lock_screen, self._cover) if overlay is not None]

    @property
    def locked(self) -> bool:
        return self._lock_screen is not None and self._lock_screen.isVisible()

    def lock(self) -> None:
        signed = self.context.signed_in
        if signed is None or self.locked:
            return
        self.idle.stop()
        # Dialogs (a signature pad, a venue search) would float above the lock: hide them
        # and bring them back as they were.
        self._hidden_dialogs = [
            widget
            for widget in QApplication.topLevelWidgets()
            if isinstance(widget, QDialog) and widget.isVisible()
        ]
        for dialog in self._hidden_dialogs:
            dialog.hide()
        self.lock_screen.show_for(signed.user.pseudonym or signed.user.display_name)

    def _unlock(self, password: str) -> None:
        signed = self.context.signed_in
        if signed is None:
            return
        from fieldapp.app.session import verify_password

        profile = signed.profile
        self.context.tasks.run(
            lambda: verify_password(profile, password),
            lambda _none: self._unlocked(),
            lambda error: self.lock_screen.refuse(
                describe(error, self.context.language, self.context.log_file)
            ),
            serial=True,
            context=self,
        )

    def _unlocked(self) -> None:
        self.lock_screen.hide()
        for dialog in self._hidden_dialogs:
            dialog.show()
        self._hidden_dialogs.clear()
        self.idle.set_minutes(self.context.settings.idle_lock_minutes)
        focus = self.stack.currentWidget()
        if focus is not None:
            focus.setFocus()

    def toggle_cover(self) -> None:
        if self._cover is not None and self._cover.isVisible():
            self.uncover()
        elif self.context.signed_in is not None:
            self.cover.cover()
            self.setWindowTitle(self.tr("Notes"))

    def uncover(self) -> None:
        if self._cover is not None:
            self._cover.hide()
        self.retranslate()

    def _fit_overlays(self) -> None:
        host = self._host
        for overlay in self._overlays():
            overlay.setGeometry(host.rect())

    # -- settings, look, errors ------------------------------------------------------------------

    def _discreet(self) -> bool:
        signed = self.context.signed_in
        return (
            signed is not None
            and signed.role.value == "mystery_guest"
            and self.context.settings.discreet_mode
        )

    def _apply_look(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.context.settings.theme, discreet=self._discreet())
        self.retranslate()

    def _setting_changed(self, name: str) -> None:
        context = self.context
        if name == "language":
            context.translations.apply(context.language)
            for screen in (self.inspection, self.preview):
                set_language = getattr(screen, "set_language", None)
                if callable(set_language):
                    set_language(context.language)
        elif name in ("theme", "discreet_mode"):
            self._apply_look()
            home = self.home
            set_discreet = getattr(home, "set_discreet", None)
            if callable(set_discreet):
                set_discreet(self._discreet())
        elif name == "idle_lock_minutes" and context.signed_in is not None:
            self.idle.set_minutes(context.settings.idle_lock_minutes)
        elif name == "sync_minutes" and self.sync is not None:
            self.sync.set_minutes(context.settings.sync_minutes)

    def _failed(self, error: BaseException) -> None:
        self._tell(describe(error, self.context.language, self.context.log_file))

    def _task_failed(self, error: object) -> None:
        if isinstance(error, BaseException):
            self._failed(error)

    def _tell(self, text: str) -> None:
        # Imported here: not on the way to the sign-in window (see widgets.PLAIN_TEXT).
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setObjectName("message")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("fieldapp")
        box.setText(text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.open()

    def retranslate(self) -> None:
        covered = self._cover is not None and self._cover.isVisible()
        title = self.tr("Notes") if covered else "fieldapp"
        if self.context.demo:
            title += " — " + self.tr("Demo")
        self.setWindowTitle(title)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        inspection = self.inspection
        if inspection is not None and not self._closing:
            from fieldapp.ui.inspection import InspectionScreen

            assert isinstance(inspection, InspectionScreen)
            autosave = inspection.runner.autosave
            if autosave.failure is not None and not self._close_insisted:
                # A save failed: closing now would drop what it holds. Try again and stay;
                # a second close is the person's decision and goes through.
                self._close_insisted = True
                event.ignore()
                autosave.retry()
                return
            if not autosave.idle:
                # Let the last changes reach the store first, then close for real.
                self._closing = True
                event.ignore()
                inspection.close_inspection()
                return
        signed = self.context.signed_in
        self.context.signed_in = None
        self._end_sync()
        if self.context.demo_store is not None:
            # A demo store still coming up gives up instead of keeping the close waiting.
            self.context.demo_store.stop()
        finished = self.context.tasks.wait(10_000)
        # Only when the store's lane is quiet: closing under a running write would race it
        # (the process exit then ends that write as a pulled battery would, safely).
        if signed is not None and finished:
            signed.profile.close()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        super().closeEvent(event)


def show_later(window: MainWindow) -> None:
    """Probe the camera and position source once the window is up (see DeviceSupport)."""
    QTimer.singleShot(1500, window, window.context.devices.probe)
