"""The sign-in screen with a central store: a shared device, a first sign-in, its progress.

Real widgets driven with qtbot, a real central store started without the demo
(tests/support/fresh.py) and real SQLCipher profiles.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldapp.app.session import KdfParams, SignedIn
from fieldapp.app.settings import Settings
from fieldapp.core.entities import Role
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.server.throttle import SignInLimits
from fieldapp.store import known_usernames, profile_exists
from fieldapp.ui.app import build_context
from fieldapp.ui.context import AppContext
from fieldapp.ui.errors import start_bug_log
from fieldapp.ui.signin import FirstSignInDialog, SignInScreen
from tests.support.fresh import FreshCentral, fresh_central

WAIT = 30_000
BOB = ("bob.devries", "lantaarn-en-fiets-1")
ANNA = ("anna.kok", "regen-op-het-plein-5")

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshCentral]:
    home = tmp_path_factory.mktemp("uifirst")
    # Many sign-ins of one account from one address: more than the real throttle allows.
    limits = SignInLimits(per_username_burst=200, per_address_burst=500)
    with fresh_central("sqlite", home, "uifirst", sign_in_limits=limits) as running:
        world = load_world(seeds_directory())
        running.register(world.areas[:2], world.venues[:5])
        running.add_user(BOB[0], Role.BOA, BOB[1])
        running.add_user(ANNA[0], Role.BOA, ANNA[1])
        yield running


@pytest.fixture
def contexts() -> Iterator[list[AppContext]]:
    """The contexts a test made; their Dutch catalogue must not outlive the test."""
    made: list[AppContext] = []
    yield made
    for context in made:
        context.tasks.wait()
        context.translations.remove()


def make_context(home: Path, server_url: str) -> AppContext:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    home.mkdir(parents=True, exist_ok=True)
    settings = Settings.load(home).with_value("idle_lock_minutes", 0)
    settings = settings.with_value("server_url", server_url).with_value("language", "nl")
    context = build_context(app, home, settings, start_bug_log(home))
    context.kdf = KdfParams.fast_for_tests()
    return context


def _sign_in(qtbot: QtBot, screen: SignInScreen, username: str, password: str) -> SignedIn:
    if username:
        qtbot.keyClicks(screen.username, username)
    qtbot.keyClicks(screen.password, password)
    with qtbot.waitSignal(screen.signed_in, timeout=WAIT) as signal:
        qtbot.mouseClick(screen.sign_in_button, Qt.MouseButton.LeftButton)
    signed = signal.args[0]
    assert isinstance(signed, SignedIn)
    return signed


def test_a_shared_device_lists_its_people_and_signs_in_another_user_through_the_central_store(
    qtbot: QtBot, tmp_path: Path, central: FreshCentral, contexts: list[AppContext]
) -> None:
    # A new user's sign-in said "no profile of bob on this device yet" and never asked the
    # central store; the screen listed nobody outside the demo.
    context = make_context(tmp_path / "tablet", central.url)
    contexts.append(context)
    screen = SignInScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    # A fresh device: nobody to list, the first sign-in with the preset address.
    assert screen.another_user.isHidden() and screen.profiles.isHidden()
    assert screen.server.isVisibleTo(screen) and screen.server.text() == central.url
    dialogs: list[FirstSignInDialog] = []

    qtbot.keyClicks(screen.username, BOB[0])
    qtbot.keyClicks(screen.password, BOB[1])
    with qtbot.waitSignal(screen.signed_in, timeout=WAIT) as signal:
        qtbot.mouseClick(screen.sign_in_button, Qt.MouseButton.LeftButton)
        assert screen.progress_dialog is not None  # shown at once, before the network
        dialogs.append(screen.progress_dialog)
        assert dialogs[0].isVisible()
    signed = signal.args[0]
    assert isinstance(signed, SignedIn)
    signed.profile.close()
    assert screen.progress_dialog is None and not dialogs[0].isVisible()
    assert dialogs[0].received > 0  # it counted what the change feed sent
    # Bob is listed now; "another user" starts Anna's first sign-in on the same tablet.
    button = screen.profile_button(BOB[0])
    assert button is not None and not screen.another_user.isHidden()
    assert screen.server.isHidden()
    qtbot.mouseClick(screen.another_user, Qt.MouseButton.LeftButton)
    assert screen.username.text() == "" and screen.server.isVisibleTo(screen)
    _sign_in(qtbot, screen, ANNA[0], ANNA[1]).profile.close()
    assert known_usernames(context.home) == sorted([ANNA[0], BOB[0]])
    # Bob again: tapping his name and the password is all; no progress dialog this time.
    screen.reset()
    button = screen.profile_button(BOB[0])
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert screen.username.text() == BOB[0]
    signed = _sign_in(qtbot, screen, "", BOB[1])
    signed.profile.close()
    assert signed.user.username == BOB[0]


def test_a_refused_first_sign_in_says_why_and_leaves_no_profile(
    qtbot: QtBot, tmp_path: Path, central: FreshCentral, contexts: list[AppContext]
) -> None:
    context = make_context(tmp_path / "tablet", central.url)
    contexts.append(context)
    screen = SignInScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.keyClicks(screen.username, BOB[0])
    qtbot.keyClicks(screen.password, "niet-mijn-wachtwoord")
    qtbot.mouseClick(screen.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.message.isVisibleTo(screen), timeout=WAIT)
    assert "wachtwoord" in screen.message.text()
    assert screen.progress_dialog is None
    assert not profile_exists(context.home, BOB[0])
    assert screen.sign_in_button.isEnabled()


def test_an_address_typed_once_is_remembered_for_this_device(
    qtbot: QtBot, tmp_path: Path, central: FreshCentral, contexts: list[AppContext]
) -> None:
    context = make_context(tmp_path / "tablet", "https://niet-hier.invalid")
    contexts.append(context)
    screen = SignInScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.server.clear()
    qtbot.keyClicks(screen.server, "ftp://verkeerd")
    qtbot.keyClicks(screen.username, BOB[0])
    qtbot.keyClicks(screen.password, BOB[1])
    qtbot.mouseClick(screen.sign_in_button, Qt.MouseButton.LeftButton)
    assert "https://" in screen.message.text() and not profile_exists(context.home, BOB[0])
    screen.server.clear()
    qtbot.keyClicks(screen.server, central.url)
    signed = _sign_in(qtbot, screen, "", "")
    signed.profile.close()
    assert context.settings.server_url == central.url
    context.tasks.wait()
    assert Settings.load(context.home).server_url == central.url
