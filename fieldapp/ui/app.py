"""Start the app: settings, translations, theme, one application context, the window.

`run(args)` is what `fieldapp` without a verb calls. Only what the sign-in window needs is
imported before it shows; the store, the form engine and the demo world load on the task
runner afterwards, so the window is up about as fast as a bare Qt window
(bench/bench_start.py). In the demo, the demo's central store starts in the background soon
after the sign-in screen lists its accounts (`DemoStore`), and is stopped when the app ends.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer, SignalInstance
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from fieldapp import __version__
from fieldapp.app.settings import Settings
from fieldapp.core.environment import SERVER_URL_VARIABLE
from fieldapp.core.locations import home_directory, resources_directory
from fieldapp.ui.context import AppContext
from fieldapp.ui.demo_store import DemoStore
from fieldapp.ui.devices import DeviceSupport
from fieldapp.ui.errors import start_bug_log
from fieldapp.ui.i18n import Translations
from fieldapp.ui.presets import apply_presets, machine_presets
from fieldapp.ui.tasks import TaskRunner
from fieldapp.ui.theme import FUSION_SET, apply_theme

if TYPE_CHECKING:
    from fieldapp.app.review.desk import ReviewDesk
    from fieldapp.app.session import SignedIn
    from fieldapp.app.syncing import SyncConnection

log = logging.getLogger("fieldapp.ui")


def application() -> QApplication:
    """The QApplication (made once per process; tests share pytest-qt's)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Fractional scaling (125 %, 150 %) is Qt 6's own default rounding policy, PassThrough:
    # nothing to set, and Qt's namespace of enums is not made for it (see widgets.PLAIN_TEXT).
    # Fusion, which the theme wants, set by Qt's own option (see theme.FUSION_SET).
    app = QApplication([*sys.argv[:1], "-style", "fusion"])
    app.setProperty(FUSION_SET, True)
    set_identity(app)
    return app


#: The reverse-DNS name Linux desktops match the window to `nl.denhaag.fieldapp.desktop` by.
DESKTOP_FILE = "nl.denhaag.fieldapp"


def set_identity(app: QApplication) -> None:
    """Name, version, organisation and icon, as the desktop, the task bar and QSettings see them."""
    app.setApplicationName("fieldapp")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Gemeente Den Haag")
    app.setOrganizationDomain("denhaag.nl")
    app.setDesktopFileName(DESKTOP_FILE)
    app.setWindowIcon(QIcon(str(resources_directory() / "icons" / "fieldapp.png")))


def build_context(
    app: QCoreApplication, home: Path, settings: Settings, log_file: Path
) -> AppContext:
    """The one context of this run; the window and every screen get it passed in."""
    translations = Translations(app)
    translations.apply(settings.language)
    tasks = TaskRunner(app)
    return AppContext(
        home=home,
        settings=settings,
        tasks=tasks,
        translations=translations,
        devices=DeviceSupport(app),
        log_file=log_file,
        demo=not settings.server_url,
    )


def run(args: argparse.Namespace) -> int:
    """Show the sign-in window and run until the last window closes."""
    home = home_directory(getattr(args, "home", None))
    home.mkdir(parents=True, exist_ok=True)
    # IT's machine-wide presets (QSettings) first; the person's own settings win over them.
    settings = apply_presets(Settings.load(home), home, machine_presets(), os.environ)
    language = getattr(args, "lang", None)
    if language:
        # --lang is for this run only; the settings keep the person's own choice.
        settings = settings.with_value("language", language)
    preset = os.environ.get(SERVER_URL_VARIABLE, "").strip()
    if preset and not settings.server_url:
        # The address IT presets for every home on this machine; a typed one wins.
        settings = settings.with_value("server_url", preset)
    app = application()
    log_file = start_bug_log(home)
    _log_uncaught(log_file)
    apply_theme(app, settings.theme)
    context = build_context(app, home, settings, log_file)
    context.review_desk = review_desks(context)
    context.sync_connection = sync_connections(context)
    if context.demo:
        context.demo_store = DemoStore(home, context.tasks, app)

    from fieldapp.ui.window import MainWindow, show_later

    window = MainWindow(context)
    screen = app.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        window.resize(min(1280, available.width()), min(800, available.height()))
    demo_store = context.demo_store
    if demo_store is not None:
        start_after_accounts(window.sign_in.accounts_listed, demo_store)
    window.show()
    show_later(window)
    QTimer.singleShot(0, window, collect_garbage_from_now)
    try:
        return app.exec()
    finally:
        if demo_store is not None:
            demo_store.stop()
            # A start still under way gives up and stops the store it launched.
            context.tasks.wait()


#: How long after the demo accounts are listed the demo's store starts, in milliseconds.
#: Its start imports the store and the HTTP stack on a worker for a second or more, holding
#: Python's lock for most of that time. Started the moment the accounts were listed, it
#: often fell before the window's first frame, which then came a quarter later (190 ms
#: instead of 150 ms on a 2-core machine, bench/bench_start.py). The store takes seconds to
#: come up and a person longer to pick an account, so this wait costs nobody anything.
DEMO_STORE_DELAY_MS = 300


def start_after_accounts(accounts_listed: SignalInstance, demo_store: DemoStore) -> None:
    """Start `demo_store` `DEMO_STORE_DELAY_MS` after the sign-in screen lists its accounts:
    not earlier, where it would compete with the window for the processor."""

    def soon() -> None:
        # A timer still waiting when the event loop ends never fires: no store is started
        # for an app that is closing.
        QTimer.singleShot(DEMO_STORE_DELAY_MS, demo_store, demo_store.start)

    accounts_listed.connect(soon)


def collect_garbage_from_now() -> None:
    """Turn Python's cycle collector back on (the command turns it off for the start), with
    what the start made frozen: it lives as long as the app, and later collections, which
    can pause a swipe or a keystroke, need not walk it again."""
    gc.freeze()
    gc.enable()


def review_desks(context: AppContext) -> Callable[[SignedIn], ReviewDesk]:
    """The supervisor's review desk for this run's central store (the demo's, or the set one)."""

    def make(signed: SignedIn) -> ReviewDesk:
        from fieldapp.app.review.desk import open_desk

        return open_desk(
            context.home,
            context.settings.server_url,
            username=signed.user.username,
            password=signed.password,
            device_id=signed.profile.device_id,
        )

    return make


def sync_connections(context: AppContext) -> Callable[[SignedIn], SyncConnection]:
    """How this run connects a session for syncing: the demo's store, or the set one."""

    def make(signed: SignedIn) -> SyncConnection:
        # Imported here: the sync client is not needed before someone has signed in.
        from fieldapp.ui.syncing import connect

        return connect(context.home, context.settings.server_url, signed, context.language)

    return make


def _log_uncaught(log_file: Path) -> None:
    """A bug in a slot must not vanish: log its traceback; Qt keeps running."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        log.error("uncaught error (details in %s)", log_file, exc_info=(kind, error, trace))
        previous(kind, error, trace)

    sys.excepthook = hook
