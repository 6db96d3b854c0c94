"""Start-up (issue 18): the sign-in window first, the demo accounts a moment later, light.

The window is shown before the demo accounts are read, says meanwhile that they are
loading and takes a user name; the accounts then appear without blocking anything. The
sign-in path imports neither the store, the sync client, the server, the reports nor
their libraries (checked in a fresh process, started as `fieldapp` is). The demo's central
store starts in the background soon after the accounts are listed, and is stopped at the end.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

import fieldapp.app.demo as demo
import fieldapp.ui
from fieldapp.app import demo_roster
from fieldapp.app.errors import DemoServerFailed, DemoServerUnavailable
from fieldapp.app.settings import Settings
from fieldapp.ui.app import DEMO_STORE_DELAY_MS, build_context
from fieldapp.ui.context import AppContext
from fieldapp.ui.demo_store import DemoStore
from fieldapp.ui.errors import start_bug_log
from fieldapp.ui.signin import AccountsState
from fieldapp.ui.tasks import TaskRunner
from fieldapp.ui.theme import apply_theme
from fieldapp.ui.window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

WAIT = 15_000
ROOT = Path(__file__).resolve().parents[2]

#: Modules the sign-in screen must not need: the store and its encryption, the sync
#: client, the server, the reports, the demo world and the libraries under them.
HEAVY_PACKAGES = {
    "cryptography",
    "sqlcipher3",
    "reportlab",
    "openpyxl",
    "httpx",
    "pydantic",
    "yaml",
    "fastapi",
    "uvicorn",
    "sqlalchemy",
}
HEAVY_MODULES = (
    "fieldapp.store",
    "fieldapp.sync",
    "fieldapp.server",
    "fieldapp.reports",
    "fieldapp.protocol",
    "fieldapp.app.demo",
    "fieldapp.app.session",
    "fieldapp.app.syncing",
    "fieldapp.core.worldfile",
    "fieldapp.core.engine",
)

#: Runs `fieldapp --home HOME` as the command does, and notes the loaded modules at the
#: window's first shown turn of the event loop and where the app starts the demo store
#: (the accounts are listed then); that start is replaced, so no store is started.
START_AND_LOOK = """
import gc, json, sys, time
import PySide6.QtCore
import PySide6.QtWidgets
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from fieldapp.ui.demo_store import DemoStore
from fieldapp.ui.signin import SignInScreen

seen = {}
run_loop = QApplication.exec
list_accounts = SignInScreen._accounts_loaded

def list_and_note(self, roster):
    seen["at_accounts"] = [time.monotonic()]
    list_accounts(self, roster)

SignInScreen._accounts_loaded = list_and_note

def close_when_seen():
    if "shown" in seen and "listed" in seen:
        app = QApplication.instance()
        # Asked only now (asking makes the QStyle type, looked for below), and without the
        # style sheet, whose own style has no name.
        app.setStyleSheet("")
        seen["style"] = [app.style().name()]
        app.closeAllWindows()

def look(moment):
    seen["at_" + moment] = [time.monotonic()]
    seen["collecting_" + moment] = [gc.isenabled()]
    seen[moment] = sorted(sys.modules)
    # PySide6 makes a type (with all its enums) the first time it is used: which are made.
    seen["types_" + moment] = [
        name
        for module, name in ((PySide6.QtCore, "Qt"), (PySide6.QtWidgets, "QStyle"))
        if name in vars(module)
    ]
    close_when_seen()

def exec_and_look(self=None):
    app = QApplication.instance()

    def shown():
        app.processEvents()
        look("shown")

    QTimer.singleShot(0, shown)
    return run_loop()

def start_instead(self):
    buttons = [
        widget.objectName()
        for widget in QApplication.instance().allWidgets()
        if widget.objectName().startswith("account_") and widget.isVisible()
    ]
    seen["buttons"] = buttons
    look("listed")

QApplication.exec = exec_and_look
DemoStore.start = start_instead
from fieldapp.cli import main
code = main(["--home", sys.argv[1]])
print(json.dumps(seen))
sys.exit(code)
"""


def heavy(modules: list[str]) -> list[str]:
    return [
        name
        for name in modules
        if name.split(".")[0] in HEAVY_PACKAGES
        or any(name == m or name.startswith(m + ".") for m in HEAVY_MODULES)
    ]


def start_and_look(home: Path) -> dict[str, list[Any]]:
    """What `fieldapp --home HOME` had loaded when its window showed and its accounts listed."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    environment.pop("FIELDAPP_SERVER_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", START_AND_LOOK, str(home)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    seen: dict[str, list[Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return seen


def test_the_command_shows_sign_in_and_accounts_without_the_heavy_modules(
    tmp_path: Path,
) -> None:
    seen = start_and_look(tmp_path / "home")
    # The window came up, and the demo store was asked for once the accounts were listed.
    assert "fieldapp.ui.window" in seen["shown"]
    assert "account_joost.vandermeer" in seen["buttons"]
    assert len(seen["buttons"]) == len(demo_roster.read_demo_roster())
    assert heavy(seen["shown"]) == []
    assert heavy(seen["listed"]) == []
    # Nor the verbs' modules: starting the app parses no verb.
    verbs = {"fieldapp.cli.forms", "fieldapp.cli.report", "fieldapp.cli.seed"}
    verbs |= {"fieldapp.cli.server", "fieldapp.cli.sync"}
    assert verbs.isdisjoint(seen["listed"])
    # The command turns Python's cycle collector off for the start; the app turns it back
    # on with the window up, or garbage cycles would pile up for as long as it runs.
    assert seen["collecting_listed"] == [True]


def test_the_demo_store_s_start_slowed_the_window_s_first_frame(tmp_path: Path) -> None:
    """The demo store's start imports for a second or more on a worker, holding Python's
    lock. Started the moment the accounts were listed, it often fell before the window's
    first frame, which then came 40 ms later (bench/bench_start.py). It starts a moment
    after the accounts are listed, after the window's first turn of the event loop."""
    seen = start_and_look(tmp_path / "home")
    [accounts], [shown], [started] = seen["at_accounts"], seen["at_shown"], seen["at_listed"]
    assert started - accounts >= DEMO_STORE_DELAY_MS / 1000 * 0.9
    assert started > shown


def test_the_sign_in_window_waited_for_qt_enums_it_does_not_use(tmp_path: Path) -> None:
    """PySide6 makes a Qt type's Python enums all at once, the first time the type is used:
    Qt's namespace (some ninety enums, from any `Qt.AlignmentFlag`, `Qt.TextFormat` …) and
    QStyle (from asking `app.style()`) took about 30 ms of a 130 ms bare window's start.
    The sign-in window and its accounts are shown without either, in Fusion all the same."""
    seen = start_and_look(tmp_path / "home")
    assert seen["types_shown"] == []
    assert seen["types_listed"] == []
    assert seen["style"] == ["fusion"]


def test_the_numbers_the_start_up_window_sets_are_qts() -> None:
    # The start-up window sets these through Qt's property system by number (widgets.py).
    from PySide6.QtCore import Qt

    from fieldapp.ui.widgets import PLAIN_TEXT, SCROLL_BAR_ALWAYS_OFF

    assert Qt.TextFormat.PlainText.value == PLAIN_TEXT
    assert Qt.ScrollBarPolicy.ScrollBarAlwaysOff.value == SCROLL_BAR_ALWAYS_OFF


@pytest.fixture
def context(qtbot: QtBot, tmp_path: Path) -> Iterator[AppContext]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    home = tmp_path / "home"
    home.mkdir()
    settings = Settings.load(home)
    assert not settings.server_url  # the demo
    apply_theme(app, settings.theme)
    built = build_context(app, home, settings, start_bug_log(home))
    yield built
    built.tasks.wait()
    built.translations.remove()
    app.setStyleSheet("")


def show(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def accounts_state(window: MainWindow) -> AccountsState:
    return window.sign_in.accounts_state


def account_buttons(window: MainWindow) -> list[str]:
    return [
        name
        for name in (entry.username for entry in demo_roster.read_demo_roster())
        if (button := window.sign_in.account_button(name)) is not None and button.isVisible()
    ]


def test_the_window_shows_before_the_accounts_and_lists_them_when_they_arrive(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    read = demo_roster.read_demo_roster

    def slow_roster(seeds: Path | None = None) -> list[demo_roster.RosterEntry]:
        # A slow disk: the screen must not wait for this (bounded, should it ever wait).
        release.wait(10)
        return read(seeds)

    monkeypatch.setattr(demo_roster, "read_demo_roster", slow_roster)
    try:
        window = show(qtbot, context)
        sign_in = window.sign_in
        assert window.current_screen is sign_in
        # The accounts are on their way, and the screen says so where they will be.
        assert accounts_state(window) is AccountsState.LOADING
        assert not sign_in.accounts_ready
        assert sign_in.loading.isVisible()
        assert sign_in.loading.text() == "Demo-accounts laden…"
        assert account_buttons(window) == []
        # Meanwhile the form takes a user name: nothing waits for the accounts.
        qtbot.keyClicks(sign_in.username, "joost.vandermeer")
        assert sign_in.username.text() == "joost.vandermeer"
        with qtbot.waitSignal(sign_in.accounts_listed, timeout=WAIT):
            release.set()
    finally:
        release.set()
    assert accounts_state(window) is AccountsState.LISTED
    assert not sign_in.loading.isVisible()
    assert account_buttons(window) == [e.username for e in demo_roster.read_demo_roster()]
    chosen = sign_in.account_button("fatima.elamrani")
    assert chosen is not None
    assert chosen.text().splitlines() == ["Fatima El Amrani", "Team Centrum"]
    chosen.click()
    assert sign_in.username.text() == "fatima.elamrani"


def test_unreadable_accounts_say_so_and_leave_the_form_usable(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(seeds: Path | None = None) -> list[demo_roster.RosterEntry]:
        raise OSError("users.csv: no such file")

    monkeypatch.setattr(demo_roster, "read_demo_roster", broken)
    failures: list[object] = []
    context.tasks.failed.connect(failures.append)
    window = show(qtbot, context)
    sign_in = window.sign_in
    qtbot.waitUntil(lambda: sign_in.accounts_state is AccountsState.UNREADABLE, timeout=WAIT)
    assert sign_in.loading.isVisible()
    assert sign_in.loading.text() == (
        "De demo-accounts kunnen niet worden getoond. Vul een gebruikersnaam in om aan te melden."
    )
    # Not stuck on "loading", no pop-up over the sign-in screen, and a name can be typed.
    assert failures == []
    assert window.findChild(QMessageBox) is None
    assert sign_in.username.isEnabled() and sign_in.password.isEnabled()


class FakeServer:
    """A demo store that is up at once and counts its stops."""

    url = "http://127.0.0.1:9"

    def __init__(self) -> None:
        self.stops = 0

    def stop(self) -> None:
        self.stops += 1


def test_the_demo_store_starts_once_in_the_background_and_stops_at_the_end(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = FakeServer()
    asked: list[tuple[Path, str | None]] = []

    def start_demo_server(home: Path, **_: object) -> FakeServer:
        asked.append((home, threading.current_thread().name))
        return server

    monkeypatch.setattr(demo, "start_demo_server", start_demo_server)
    tasks = TaskRunner()
    store = DemoStore(tmp_path, tasks)
    with qtbot.waitSignal(store.ready, timeout=WAIT) as ready:
        store.start()
        store.start()
    assert ready.args == [FakeServer.url]
    assert store.url == FakeServer.url
    assert len(asked) == 1 and asked[0][0] == tmp_path
    assert asked[0][1] != threading.current_thread().name  # on a worker, not the UI thread
    assert server.stops == 0
    store.stop()
    store.stop()
    assert server.stops == 1


def test_a_demo_store_still_starting_when_the_app_ends_is_abandoned_and_stopped(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = FakeServer()
    begun = threading.Event()
    release = threading.Event()
    abandoned_then: list[bool] = []

    def start_demo_server(home: Path, *, abandoned: Callable[[], bool]) -> FakeServer:
        abandoned_then.append(abandoned())
        begun.set()
        # Up just as the app ends (the real start would have given up on `abandoned`).
        release.wait(10)
        abandoned_then.append(abandoned())
        return server

    monkeypatch.setattr(demo, "start_demo_server", start_demo_server)
    tasks = TaskRunner()
    store = DemoStore(tmp_path, tasks)
    readies: list[str] = []
    store.ready.connect(readies.append)
    store.start()
    assert begun.wait(10)
    store.stop()  # the app ends while the store is still starting
    assert server.stops == 0
    release.set()
    assert tasks.wait(WAIT)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=WAIT)
    # The start was told nobody waits any more, and the store that came up was stopped.
    assert abandoned_then == [False, True]
    assert server.stops == 1
    assert readies == [] and store.url is None


def test_closing_the_window_abandons_a_demo_store_still_starting(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    gave_up = threading.Event()
    tick = threading.Event()

    def start_demo_server(home: Path, *, abandoned: Callable[[], bool]) -> FakeServer:
        # A store that takes its time to come up (bounded, should nobody ever give up).
        for _ in range(2000):
            if abandoned():
                gave_up.set()
                raise DemoServerFailed("abandoned")
            tick.wait(0.01)
        raise DemoServerFailed("no answer")

    monkeypatch.setattr(demo, "start_demo_server", start_demo_server)
    context.demo_store = DemoStore(context.home, context.tasks)
    window = show(qtbot, context)
    context.demo_store.start()
    window.close()
    # The close waits for background work; the start gave up instead of keeping it waiting.
    assert gave_up.is_set()
    assert not window.isVisible()


def test_a_demo_store_that_cannot_start_is_logged_not_shown(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def start_demo_server(home: Path, **_: object) -> FakeServer:
        raise DemoServerUnavailable(["fastapi"])

    monkeypatch.setattr(demo, "start_demo_server", start_demo_server)
    tasks = TaskRunner()
    failures: list[object] = []
    tasks.failed.connect(failures.append)
    store = DemoStore(tmp_path, tasks)
    with qtbot.waitSignal(store.unavailable, timeout=WAIT) as unavailable:
        store.start()
    assert isinstance(unavailable.args[0], DemoServerUnavailable)
    # The session that needs the store tells the person; the sign-in screen stays calm.
    assert failures == []
    assert store.url is None


def test_pyside_read_the_source_of_every_module_the_app_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PySide6's import hook read each new module's whole source file to look for "PySide6"
    # (8 ms of a 150 ms start); once fieldapp.ui is imported it sees no new module.
    looked_at = sys.modules["PySide6.support.feature"].pyside_feature_dict
    (tmp_path / "fieldapp_probe_after_ui.py").write_text("import PySide6\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        exec("import fieldapp_probe_after_ui")  # an import statement, as the app's modules
        assert "fieldapp_probe_after_ui" in sys.modules
        assert "fieldapp_probe_after_ui" not in looked_at
    finally:
        sys.modules.pop("fieldapp_probe_after_ui", None)


def test_no_module_of_fieldapp_asks_for_a_pyside_feature() -> None:
    # fieldapp.ui gives Python its own import back, which PySide6 needs for
    # `from __feature__ import …` (snake_case, true_property): nothing may ask for one,
    # and asking fails rather than being ignored.
    with pytest.raises(ImportError):
        exec("from __feature__ import snake_case")
    package = Path(fieldapp.ui.__file__).resolve().parents[1]
    asking = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"^\s*(from|import)\s+__feature__", path.read_text("utf-8"), re.M)
    ]
    assert asking == []
