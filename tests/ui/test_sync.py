"""Syncing from the app: "Sync now", the status line, an unreachable store, signing out.

Real widgets (qtbot), real SQLCipher profiles and a real central store on 127.0.0.1
(conftest_server); the demo path starts the demo's own store in a temporary home.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldapp.app.demo import central_home
from fieldapp.app.session import KdfParams, SignedIn
from fieldapp.app.settings import Settings
from fieldapp.app.syncing import SyncConnection
from fieldapp.core.inspection import InspectionStatus
from fieldapp.sync.transport import RetryPolicy
from fieldapp.ui.app import build_context, sync_connections
from fieldapp.ui.context import AppContext
from fieldapp.ui.errors import start_bug_log
from fieldapp.ui.home import HomeScreen
from fieldapp.ui.syncing import connect
from fieldapp.ui.window import MainWindow
from tests.support.central import BOA, Central, running_central
from tests.support.store import fill_draft, new_profile
from tests.support.sync import server_versions

WAIT = 20_000
#: Gives up on a closed port within a fraction of a second instead of a minute.
QUICK = RetryPolicy(attempts=2, first_delay=0.05, max_delay=0.1, budget=5.0)
CANCELLED = (
    "De synchronisatie is afgebroken. Er gaat niets verloren: wat nog niet verzonden was, "
    "gaat mee met de volgende synchronisatie."
)
UNREACHABLE = "Geen verbinding met de centrale opslag; uw werk blijft veilig op dit apparaat."

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with running_central("sqlite", tmp_path_factory.mktemp("uisync"), "uisync") as running:
        yield running


def make_context(home: Path, server_url: str) -> AppContext:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    home.mkdir(parents=True, exist_ok=True)
    settings = (
        Settings.load(home)
        .with_value("idle_lock_minutes", 0)
        .with_value("server_url", server_url)
        .with_value("language", "nl")
    )
    context = build_context(app, home, settings, start_bug_log(home))
    context.kdf = KdfParams.fast_for_tests()

    def quick(signed: SignedIn) -> SyncConnection:
        return connect(home, server_url, signed, context.language, retry=QUICK)

    context.sync_connection = quick
    return context


@pytest.fixture
def contexts() -> Iterator[list[AppContext]]:
    made: list[AppContext] = []
    yield made
    for context in made:
        context.tasks.wait()
        context.translations.remove()


def open_window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    return window


def sign_in(qtbot: QtBot, window: MainWindow, username: str, password: str = "demo") -> HomeScreen:
    """Type the user name and password and press "Sign in", as a person would."""
    screen = window.sign_in
    qtbot.keyClicks(screen.username, username)
    qtbot.keyClicks(screen.password, password)
    qtbot.mouseClick(screen.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(window.home, HomeScreen), timeout=WAIT)
    home = window.home
    assert isinstance(home, HomeScreen)
    return home


def device_with_profile(home: Path) -> None:
    """The boa's profile exists on this device (its first sign-in was earlier)."""
    new_profile(home, username=BOA, password="demo").close()


def test_sync_now_sends_the_outbox_and_says_so(
    central: Central, contexts: list[AppContext], qtbot: QtBot, tmp_path: Path
) -> None:
    home_dir = tmp_path / "device"
    home_dir.mkdir()
    device_with_profile(home_dir)
    context = make_context(home_dir, central.url)
    contexts.append(context)
    window = open_window(qtbot, context)
    home = sign_in(qtbot, window, BOA)
    sync = window.sync
    assert sync is not None
    # The password typed at sign-in is what the sync signs in with (memory only).
    signed = context.signed_in
    assert signed is not None and signed.password == "demo"
    assert "password" not in repr(signed)
    # Signing in syncs by itself; wait for that first one to end.
    qtbot.waitUntil(lambda: not sync.running and sync.status is not None, timeout=WAIT)
    assert sync.problem is None
    button = home.sync_button
    assert button.isVisible() and button.isEnabled()
    assert button.text() == "Nu synchroniseren"
    assert button.toolTip() and button.accessibleName() == "Nu synchroniseren"

    inspection_id = fill_draft(signed.profile, "coffeeshop_inspection", 11)
    version = signed.profile.finalize(inspection_id)
    with qtbot.waitSignal(sync.sync_finished, timeout=WAIT) as finished:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        # One sync at a time: the button rests while it runs.
        assert sync.running and not button.isEnabled()
        assert home.bar.sync_status.text() == "Bezig met synchroniseren…"
    assert finished.args is not None
    report = finished.args[0]
    assert version.version_id in report.sent
    qtbot.waitUntil(lambda: sync.status is not None and sync.status.pending == 0, timeout=WAIT)
    status = home.bar.sync_status.text()
    assert status.startswith("Alles verzonden · laatst gesynchroniseerd "), status
    assert button.isEnabled()
    held = server_versions(central.store, BOA)
    assert version.version_id in held and held[version.version_id]["complete"]
    # The lists follow: the outbox is empty, the inspection is under "Sent".
    qtbot.waitUntil(
        lambda: (
            home.count(InspectionStatus.FINALIZED) == 0 and home.count(InspectionStatus.SENT) == 1
        ),
        timeout=WAIT,
    )


def test_an_unreachable_store_is_said_plainly_and_the_outbox_keeps_the_work(
    contexts: list[AppContext], qtbot: QtBot, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port is closed again: nothing answers there.
    home_dir = tmp_path / "device"
    home_dir.mkdir()
    profile = new_profile(home_dir, username=BOA, password="demo")
    inspection_id = fill_draft(profile, "coffeeshop_inspection", 12)
    profile.finalize(inspection_id)
    profile.close()
    context = make_context(home_dir, f"http://127.0.0.1:{port}")
    contexts.append(context)
    window = open_window(qtbot, context)
    home = sign_in(qtbot, window, BOA)
    sync = window.sync
    assert sync is not None
    # The sync after sign-in finds nobody at that address.
    qtbot.waitUntil(lambda: not sync.running and sync.problem is not None, timeout=WAIT)
    assert sync.problem == UNREACHABLE
    assert home.bar.sync_status.text() == UNREACHABLE
    assert home.sync_button.isEnabled()
    signed = context.signed_in
    assert signed is not None
    assert signed.profile.inspection(inspection_id).status is InspectionStatus.FINALIZED
    qtbot.waitUntil(lambda: home.count(InspectionStatus.FINALIZED) == 1, timeout=WAIT)


def test_finding_7_the_demo_store_lives_outside_the_home_says_so_and_stops_at_sign_out(
    contexts: list[AppContext], qtbot: QtBot, tmp_path: Path
) -> None:
    home_dir = tmp_path / "demo"
    # A demo store an older fieldapp kept inside the home (finding 7 of issue 14).
    old_store = home_dir / "central"
    old_store.mkdir(parents=True)
    (old_store / "demo-server.log").write_text("from before\n", encoding="utf-8")
    context = make_context(home_dir, "")
    # The app's own way of connecting: the demo's store, started for this home.
    context.sync_connection = sync_connections(context)
    contexts.append(context)
    window = open_window(qtbot, context)
    sign_in(qtbot, window, BOA)
    sync = window.sync
    assert sync is not None
    # The demo store starts as a process of its own (the app allows it 60 s); on a loaded
    # 2-core machine that start alone has taken over 30 s.
    qtbot.waitUntil(lambda: not sync.running and sync.connection is not None, timeout=90_000)
    assert sync.problem is None, sync.problem
    connection = sync.connection
    assert connection is not None and connection.server is not None
    server = connection.server
    assert server.started_here
    _the_demo_store_lives_outside_the_home_and_says_so(window, home_dir, server.home)
    process = server.process
    assert process is not None and process.poll() is None
    # Locking does not stop syncing.
    window.lock()
    assert window.sync is sync and not sync.closed
    qtbot.mouseClick(window.lock_screen.sign_out, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_screen is window.sign_in, timeout=WAIT)
    assert window.sync is None and sync.closed
    # stop() lets go of the process once it has ended and its record is gone.
    qtbot.waitUntil(lambda: server.process is None, timeout=WAIT)
    assert process.poll() is not None
    assert connection.client.line.http.is_closed
    assert not (central_home(home_dir) / "demo-server.json").exists()


def _the_demo_store_lives_outside_the_home_and_says_so(
    window: MainWindow, home_dir: Path, store: Path
) -> None:
    """Issue 14, finding 7: no unencrypted central store inside the device home."""
    assert store == central_home(home_dir)
    assert not store.resolve().is_relative_to(home_dir.resolve())
    assert (store / "central.db").exists()
    assert "from before" in (store / "demo-server.log").read_text(encoding="utf-8")
    assert not (home_dir / "central").exists()
    inside = [path.name for path in home_dir.rglob("*")]
    assert "central.db" not in inside and "blobs" not in inside, inside
    home = window.home
    assert isinstance(home, HomeScreen)
    note = home.bar.demo_store
    assert note.isVisible()
    assert note.text().startswith("Demo-opslag: deze app synchroniseert met een oefenopslag")


def test_finding_7_a_real_central_store_shows_no_demo_store_note(
    central: Central, contexts: list[AppContext], qtbot: QtBot, tmp_path: Path
) -> None:
    home_dir = tmp_path / "device"
    device_with_profile(home_dir)
    context = make_context(home_dir, central.url)
    contexts.append(context)
    window = open_window(qtbot, context)
    home = sign_in(qtbot, window, BOA)
    sync = window.sync
    assert sync is not None
    qtbot.waitUntil(lambda: not sync.running and sync.connection is not None, timeout=WAIT)
    assert not sync.demo_store and home.bar.demo_store.isHidden()


class HangingServer:
    """A server on 127.0.0.1 that takes every connection and reads, and never answers."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.asked = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return  # closed: the test is over
            self._held.append(connection)
            if connection.recv(65536):
                self.asked.set()  # a request came in; it stays unanswered

    def close(self) -> None:
        self.listener.close()
        for connection in self._held:
            connection.close()
        self._thread.join(5)


def test_a_sync_against_a_hanging_server_could_not_be_cancelled(
    contexts: list[AppContext], qtbot: QtBot, tmp_path: Path
) -> None:
    """Issue 15 item 14: a store that takes the connection and never answers held the app
    at "Syncing…" until the read timed out; Cancel now ends the sync at once, says so,
    and leaves the outbox as it was."""
    server = HangingServer()
    try:
        home_dir = tmp_path / "device"
        home_dir.mkdir()
        profile = new_profile(home_dir, username=BOA, password="demo")
        inspection_id = fill_draft(profile, "coffeeshop_inspection", 13)
        version = profile.finalize(inspection_id)
        profile.close()
        context = make_context(home_dir, server.url)
        contexts.append(context)
        window = open_window(qtbot, context)
        home = sign_in(qtbot, window, BOA)
        sync = window.sync
        assert sync is not None
        # The sync after sign-in has sent its first request and waits for the answer.
        qtbot.waitUntil(lambda: server.asked.is_set() and sync.running, timeout=WAIT)
        assert home.bar.sync_status.text() == "Bezig met synchroniseren…"
        cancel = home.cancel_sync
        assert cancel.isVisible() and cancel.isEnabled()
        assert cancel.text() == "Annuleren"
        assert not home.sync_button.isEnabled()
        with qtbot.waitSignal(sync.sync_failed, timeout=3_000) as failed:
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert not sync.running
        assert failed.args == [CANCELLED]
        assert home.bar.sync_status.text() == CANCELLED
        assert not cancel.isVisible() and home.sync_button.isEnabled()
        # Nothing was lost or counted as a failed attempt: the outbox is as it was.
        signed = context.signed_in
        assert signed is not None
        assert signed.profile.inspection(inspection_id).status is InspectionStatus.FINALIZED
        waiting = signed.profile.outbox()
        assert [summary.version_id for summary in waiting] == [version.version_id]
        assert waiting[0].outbox is not None and waiting[0].outbox.attempts == 0
        # The next sync runs again (and hangs again, until cancelled again).
        server.asked.clear()
        qtbot.mouseClick(home.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: server.asked.is_set() and sync.running, timeout=WAIT)
        with qtbot.waitSignal(sync.sync_failed, timeout=3_000):
            qtbot.mouseClick(home.cancel_sync, Qt.MouseButton.LeftButton)
    finally:
        server.close()
