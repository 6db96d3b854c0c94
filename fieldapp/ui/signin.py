"""The sign-in screen: user name and password unlock the person's encrypted profile.

In the demo the demo accounts are listed, grouped by role, with the demo password stated;
tapping one fills in the user name. The screen is shown before anything heavy is loaded:
the demo accounts (`fieldapp.app.demo_roster`, two small files, not the demo world) arrive
from the task runner a moment later, the screen saying meanwhile that they are loading
(`AccountsState`), and signing in (the demo world, password hashing, opening the database,
filling a new demo profile) runs there too. Nothing on this screen imports the store, the
sync client or the demo world before someone signs in.

With a central store, the people who have a profile on this device are listed (a shared
tablet), and "Another user" starts a first sign-in: the central store's address (preset
by IT, or typed here once and then remembered for this device), and a dialog that shows
how far pulling the person's work has come (`FirstSignInDialog`), fed by the task
runner's progress reports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app import demo_roster
from fieldapp.app.demo_roster import RosterEntry
from fieldapp.ui.context import AppContext
from fieldapp.ui.errors import describe
from fieldapp.ui.widgets import (
    SCROLL_BAR_ALWAYS_OFF,
    at_start,
    enable_kinetic_scrolling,
    make_button,
    make_card,
    make_label,
)

if TYPE_CHECKING:
    from fieldapp.app.session import SyncProgress

log = logging.getLogger(__name__)


class AccountsState(Enum):
    """Where the demo's list of accounts is: the form above it works in every state."""

    #: Being read on the task runner; the screen says so where the list will be.
    LOADING = "loading"
    #: Listed: a button per account.
    LISTED = "listed"
    #: The seed files could not be read; the screen says so, and typing a name still works.
    UNREADABLE = "unreadable"


def role_name(role: str) -> str:
    from PySide6.QtCore import QCoreApplication

    names = {
        "boa": QCoreApplication.translate("Roles", "Enforcement officer"),
        "mystery_guest": QCoreApplication.translate("Roles", "Mystery guest"),
        "supervisor": QCoreApplication.translate("Roles", "Supervisor"),
        "admin": QCoreApplication.translate("Roles", "Administrator"),
    }
    return names.get(role, role)


def role_group_name(role: str) -> str:
    from PySide6.QtCore import QCoreApplication

    names = {
        "boa": QCoreApplication.translate("Roles", "Enforcement officers"),
        "mystery_guest": QCoreApplication.translate("Roles", "Mystery guests"),
        "supervisor": QCoreApplication.translate("Roles", "Supervisors"),
        "admin": QCoreApplication.translate("Roles", "Administration"),
    }
    return names.get(role, role)


class FirstSignInDialog(QDialog):
    """How far a first sign-in has come: signing in, receiving the person's work, saving.

    Window-modal over the sign-in screen and without buttons: the work runs on the task
    runner, and the dialog closes itself when the sign-in succeeds or fails.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_sign_in_dialog")
        self.setModal(True)
        self.setWindowTitle(self.tr("Setting up this device"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        self.heading = make_label(self.tr("Setting up this device"), "heading")
        self.explanation = make_label(
            self.tr(
                "The first sign-in fetches your work from the central store. After this "
                "the device works without a network."
            ),
            "hint",
        )
        self.status = make_label(self.tr("Signing in at the central store…"))
        self.status.setObjectName("first_sign_in_status")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # the feed's length is not known beforehand
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(self.tr("Progress"))
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        self.setMinimumWidth(460)
        self.received = 0

    def show_step(self, step: SyncProgress) -> None:
        """One step of the sync that builds the profile (see `SyncProgress`)."""
        if step.step == "page_fetched":
            self.received += step.done
            self.status.setText(
                self.tr("Receiving your work: %1 items").replace("%1", str(self.received))
            )
        elif step.step in ("signed_in", "meta"):
            self.status.setText(self.tr("Signed in. Receiving your work…"))
        elif step.step == "reference_replaced":
            self.status.setText(self.tr("Saving on this device…"))
        elif step.step == "done":
            self.status.setText(self.tr("Ready."))
            self.bar.setRange(0, 1)
            self.bar.setValue(1)


class SignInScreen(QWidget):
    """User name, password, and in the demo a list of accounts to choose from.

    Signals:
        signed_in(object): the profile is open; carries the `SignedIn`.
        language_requested(str): the person chose another language.
        accounts_listed(): the demo accounts are listed (the app then starts the demo's
            central store, which would compete with the listing if started earlier).
    """

    signed_in = Signal(object)
    language_requested = Signal(str)
    accounts_listed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("sign_in")
        self._roster: list[RosterEntry] = []
        self._accounts_state = AccountsState.LOADING
        self._busy = False
        self._account_buttons: dict[str, QPushButton] = {}
        self._profile_buttons: dict[str, QPushButton] = {}
        self._known: list[str] = []
        self.progress_dialog: FirstSignInDialog | None = None

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        brand = QFrame()
        brand.setObjectName("brand")
        brand.setProperty("role", "brand")
        brand.setMinimumWidth(380)
        brand.setMaximumWidth(460)
        side = QVBoxLayout(brand)
        side.setContentsMargins(40, 48, 40, 40)
        side.setSpacing(14)
        self.app_name = make_label("fieldapp", "brand_title")
        self.tagline = make_label(role="brand_text")
        self.about = make_label(role="brand_text")
        self.demo_badge = make_label(role="demo", wrap=False)
        side.addWidget(self.app_name)
        side.addWidget(self.tagline)
        side.addSpacing(12)
        side.addWidget(self.about)
        side.addStretch(1)
        side.addLayout(at_start(self.demo_badge))
        self.demo_badge.setHidden(not context.demo)
        layout.addWidget(brand)

        main = QVBoxLayout()
        main.setContentsMargins(48, 24, 48, 24)
        main.setSpacing(16)
        top = QHBoxLayout()
        top.addStretch(1)
        self.dutch = make_button("Nederlands", "segment")
        self.dutch.setObjectName("language_nl")
        self.english = make_button("English", "segment")
        self.english.setObjectName("language_en")
        for button, language in ((self.dutch, "nl"), (self.english, "en")):
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, code=language: self._language(code))
            top.addWidget(button)
        main.addLayout(top)

        card = make_card()
        card.setMaximumWidth(560)
        form = QVBoxLayout(card)
        form.setContentsMargins(28, 24, 28, 24)
        form.setSpacing(10)
        self.heading = make_label(role="title")
        self.user_label = make_label(role="label")
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.returnPressed.connect(self._to_password)
        self.password_label = make_label(role="label")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.submit)
        self.server_label = make_label(role="label")
        self.server = QLineEdit()
        self.server.setObjectName("server_address")
        self.server.setPlaceholderText("https://")
        self.server.setText(context.settings.server_url)
        self.server.returnPressed.connect(self.submit)
        self.message = make_label(role="issue")
        self.message.setObjectName("sign_in_message")
        self.message.hide()
        self.sign_in_button = make_button(role="primary")
        self.sign_in_button.setObjectName("sign_in_button")
        self.sign_in_button.clicked.connect(self.submit)
        form.addWidget(self.heading)
        form.addWidget(self.user_label)
        form.addWidget(self.username)
        form.addWidget(self.password_label)
        form.addWidget(self.password)
        form.addWidget(self.server_label)
        form.addWidget(self.server)
        form.addWidget(self.message)
        form.addLayout(at_start(self.sign_in_button))
        main.addWidget(card)

        # With a central store: the people with a profile on this device.
        self.profiles_heading = make_label(role="heading")
        self.profiles = QWidget()
        self.profiles_grid = QGridLayout(self.profiles)
        self.profiles_grid.setContentsMargins(0, 0, 0, 0)
        self.profiles_grid.setHorizontalSpacing(8)
        self.profiles_grid.setVerticalSpacing(6)
        self.another_user = make_button()
        self.another_user.setObjectName("another_user")
        self.another_user.clicked.connect(self.choose_another_user)
        main.addWidget(self.profiles_heading)
        main.addWidget(self.profiles)
        main.addLayout(at_start(self.another_user))
        for widget in (self.profiles_heading, self.profiles, self.another_user):
            widget.setHidden(context.demo)

        self.demo_heading = make_label(role="heading")
        self.demo_note = make_label(role="hint")
        self.demo_password = make_label(role="demo", wrap=False)
        self.demo_password.setObjectName("demo_password_note")
        self.accounts = QWidget()
        self.accounts_grid = QGridLayout(self.accounts)
        self.accounts_grid.setContentsMargins(0, 0, 0, 0)
        self.accounts_grid.setHorizontalSpacing(8)
        self.accounts_grid.setVerticalSpacing(6)
        self.loading = make_label(role="muted")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.accounts)
        scroll.setProperty("horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        enable_kinetic_scrolling(scroll, delay_ms=800)
        main.addWidget(self.demo_heading)
        note = QHBoxLayout()
        note.addWidget(self.demo_note, 1)
        note.addWidget(self.demo_password)
        main.addLayout(note)
        main.addWidget(self.loading)
        main.addWidget(scroll, 1)
        if not context.demo:
            main.addStretch(1)
        layout.addLayout(main, 1)
        for widget in (self.demo_heading, self.demo_note, self.demo_password, self.loading, scroll):
            widget.setHidden(not context.demo)

        self.setTabOrder(self.username, self.password)
        self.setTabOrder(self.password, self.server)
        self.setTabOrder(self.server, self.sign_in_button)
        self.retranslate()
        if not context.demo:
            self.refresh_profiles()
        else:
            self._show_server(False)
        if context.demo:
            self._load_accounts()

    # -- demo accounts ---------------------------------------------------------------------

    def _load_accounts(self) -> None:
        # The roster only: the demo world itself (its models and checks) is loaded when
        # someone signs in, by then usually imported already by the demo store's start.
        self._set_accounts_state(AccountsState.LOADING)
        self.context.tasks.run(
            demo_roster.read_demo_roster,
            self._accounts_loaded,
            self._accounts_unreadable,
            context=self,
        )

    @property
    def accounts_state(self) -> AccountsState:
        return self._accounts_state

    @property
    def accounts_ready(self) -> bool:
        return self._accounts_state is AccountsState.LISTED

    def _accounts_loaded(self, roster: list[RosterEntry]) -> None:
        self._roster = roster
        self._fill_accounts()
        self._set_accounts_state(AccountsState.LISTED)
        self.accounts_listed.emit()

    def _accounts_unreadable(self, error: BaseException) -> None:
        # The seed files are shipped with the app: unreadable is a broken installation.
        # Typing the user name still works, and signing in then says what is wrong.
        log.error("the demo accounts cannot be read", exc_info=error)
        self._set_accounts_state(AccountsState.UNREADABLE)

    def _set_accounts_state(self, state: AccountsState) -> None:
        self._accounts_state = state
        self.accounts.setHidden(state is not AccountsState.LISTED)
        self.loading.setHidden(state is AccountsState.LISTED)
        self._retranslate_accounts_state()

    def _retranslate_accounts_state(self) -> None:
        if self._accounts_state is AccountsState.UNREADABLE:
            self.loading.setText(
                self.tr("The demo accounts cannot be listed. Type a user name to sign in.")
            )
        else:
            self.loading.setText(self.tr("Loading the demo accounts…"))
        self.loading.setAccessibleName(self.loading.text())

    def _fill_accounts(self) -> None:
        while self.accounts_grid.count():
            item = self.accounts_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._account_buttons.clear()
        row = 0
        for role, entries in demo_roster.by_role(self._roster):
            header = make_label(role_group_name(role), "label")
            self.accounts_grid.addWidget(header, row, 0, 1, 2)
            row += 1
            for index, entry in enumerate(entries):
                # The group heading already says the role; the second line says the team.
                text = f"{entry.name}\n{entry.team or role_name(entry.role)}"
                button = make_button(text, "choice")
                button.setObjectName(f"account_{entry.username}")
                button.setAccessibleName(text.replace("\n", ", "))
                button.clicked.connect(lambda _=False, name=entry.username: self.choose(name))
                self._account_buttons[entry.username] = button
                self.accounts_grid.addWidget(button, row + index // 2, index % 2)
            row += (len(entries) + 1) // 2

    def account_button(self, username: str) -> QPushButton | None:
        """The demo account's button, once the accounts are listed."""
        return self._account_buttons.get(username)

    def choose(self, username: str) -> None:
        """Fill in an account's user name and go on to the password."""
        self.username.setText(username)
        self.password.setFocus()
        self.message.hide()

    # -- profiles on this device (with a central store) -------------------------------------

    def refresh_profiles(self) -> None:
        """List the people with a profile here; with nobody yet, start a first sign-in."""
        from fieldapp.app.session import profiles_on_device

        self._known = profiles_on_device(self.context.home)
        while self.profiles_grid.count():
            item = self.profiles_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._profile_buttons.clear()
        for index, username in enumerate(self._known):
            button = make_button(username, "choice")
            button.setObjectName(f"profile_{username}")
            button.clicked.connect(lambda _=False, name=username: self.choose_profile(name))
            self._profile_buttons[username] = button
            self.profiles_grid.addWidget(button, index // 2, index % 2)
        self.profiles_heading.setHidden(not self._known)
        self.profiles.setHidden(not self._known)
        self.another_user.setHidden(not self._known)
        self._show_server(not self._known)

    def profile_button(self, username: str) -> QPushButton | None:
        """The button of a person with a profile on this device."""
        return self._profile_buttons.get(username)

    def choose_profile(self, username: str) -> None:
        """Sign in as someone with a profile here: the password is all that is asked."""
        self.username.setText(username)
        self._show_server(False)
        self.password.setFocus()
        self.message.hide()

    def choose_another_user(self) -> None:
        """A first sign-in on this device: user name, password and the central store."""
        self.username.clear()
        self.password.clear()
        self._show_server(True)
        self.username.setFocus()
        self.message.hide()

    def _show_server(self, shown: bool) -> None:
        self.server_label.setHidden(not shown)
        self.server.setHidden(not shown)

    # -- signing in ------------------------------------------------------------------------

    def _to_password(self) -> None:
        self.password.setFocus()

    def submit(self) -> None:
        if self._busy:
            return
        # A new attempt: the previous attempt's message no longer applies.
        self.message.hide()
        username = self.username.text().strip()
        password = self.password.text()
        if not username or not password:
            self._refuse(self.tr("Fill in your user name and password."))
            return
        context = self.context
        demo = context.demo
        server_url = None if demo else self.server.text().strip() or None
        if server_url is not None and not server_url.startswith(("https://", "http://")):
            self._refuse(self.tr("The address of the central store starts with https://."))
            self.server.setFocus()
            return
        self._set_busy(True)
        language = context.language
        first = not demo and username.lower() not in self._known

        def work(report: Callable[[object], None]) -> object:
            from fieldapp.app.demo import load_demo_world
            from fieldapp.app.session import sign_in

            chosen = load_demo_world() if demo else None
            return sign_in(
                context.home,
                username,
                password,
                chosen,
                kdf=context.kdf,
                server_url=server_url,
                language=language,
                progress=report,
            )

        if first:
            self.progress_dialog = FirstSignInDialog(self)
            self.progress_dialog.open()

        def remember(signed: object) -> None:
            # The address that worked is this device's from now on (typed once).
            if first and server_url and server_url != context.settings.server_url:
                context.change_setting("server_url", server_url)
            self._done(signed)

        context.tasks.run_reporting(
            work, self._progressed, remember, self._failed, serial=True, context=self
        )

    def _progressed(self, step: object) -> None:
        from fieldapp.app.session import SyncProgress

        if self.progress_dialog is not None and isinstance(step, SyncProgress):
            self.progress_dialog.show_step(step)

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _done(self, signed: object) -> None:
        self._close_progress()
        self._set_busy(False)
        self.password.clear()
        if not self.context.demo:
            self.refresh_profiles()
        self.signed_in.emit(signed)

    def _failed(self, error: BaseException) -> None:
        self._close_progress()
        self._set_busy(False)
        self._refuse(describe(error, self.context.language, self.context.log_file))
        self.password.selectAll()
        self.password.setFocus()

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.sign_in_button.setEnabled(not busy)
        self.username.setEnabled(not busy)
        self.password.setEnabled(not busy)
        self.server.setEnabled(not busy)
        self.sign_in_button.setText(self.tr("Signing in…") if busy else self.tr("Sign in"))

    def reset(self) -> None:
        """Back to an empty form (after signing out)."""
        self.password.clear()
        self.message.hide()
        self._set_busy(False)
        if not self.context.demo:
            self.refresh_profiles()
        self.username.setFocus()

    # -- language --------------------------------------------------------------------------

    def _language(self, code: str) -> None:
        self.language_requested.emit(code)

    def retranslate(self) -> None:
        language = self.context.language
        self.dutch.setChecked(language == "nl")
        self.english.setChecked(language == "en")
        self.tagline.setText(self.tr("Enforcement and inspections · The Hague"))
        self.about.setText(
            self.tr(
                "Coffeeshop inspections, neighbourhood patrols and nightlife door tests. "
                "Works without a network: everything you enter is saved on this device, "
                "encrypted, and sent when there is a connection."
            )
        )
        self.demo_badge.setText(self.tr("Demo — fictional data"))
        self.heading.setText(self.tr("Sign in"))
        self.user_label.setText(self.tr("User name"))
        self.username.setAccessibleName(self.tr("User name"))
        self.password_label.setText(self.tr("Password"))
        self.password.setAccessibleName(self.tr("Password"))
        self.server_label.setText(self.tr("Address of the central store"))
        self.server.setAccessibleName(self.tr("Address of the central store"))
        self.profiles_heading.setText(self.tr("On this device"))
        self.another_user.setText(self.tr("Another user…"))
        self.sign_in_button.setText(self.tr("Signing in…") if self._busy else self.tr("Sign in"))
        self.demo_heading.setText(self.tr("Demo accounts"))
        self.demo_note.setText(self.tr("Choose an account, then type the password."))
        self.demo_password.setText(self.tr("Password of every demo account: demo"))
        self._retranslate_accounts_state()
        self.dutch.setAccessibleName("Nederlands")
        self.english.setAccessibleName("English")
        self._fill_accounts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
