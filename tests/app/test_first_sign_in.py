"""A new user on a new device: the first sign-in goes through a real central store (issue 12).

Against a central store started without the demo (tests/support/fresh.py): accounts made
as `fieldapp server adduser` makes them, real HTTP on 127.0.0.1, real SQLCipher profiles.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.app.errors import FirstSignInUnreachable, NeedsFirstSync
from fieldapp.app.session import Progress, SignedIn, sign_in
from fieldapp.core.entities import Role, Team
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.server.throttle import SignInLimits
from fieldapp.store import ProfileLocked, WrongPassword, known_usernames, profile_exists
from fieldapp.store.layout import PROFILES_FOLDER, staging_directory
from fieldapp.sync.errors import AccountDeactivated, SignInRefused
from fieldapp.sync.report import SyncProgress
from fieldapp.sync.transport import RetryPolicy
from tests.support.fresh import FreshCentral, fresh_central
from tests.support.store import FAST_KDF, fill_draft

BOB = "bob.devries"
BOB_PASSWORD = "lantaarn-en-fiets-1"
QUICK = RetryPolicy(attempts=1, budget=1.0)


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshCentral]:
    home = tmp_path_factory.mktemp("central")
    # Many sign-ins of one account from one address: more than the real throttle allows.
    limits = SignInLimits(per_username_burst=200, per_address_burst=500)
    with fresh_central("sqlite", home, "firstsignin", sign_in_limits=limits) as running:
        world = load_world(seeds_directory())
        running.register(world.areas, world.venues)
        running.add_team(
            Team(id="team-a", name="Team A", areas=[world.areas[0].id], supervisor="sanne.chef")
        )
        running.add_user("sanne.chef", Role.SUPERVISOR, "koffie-met-appeltaart-9")
        running.add_user(BOB, Role.BOA, BOB_PASSWORD, team="team-a")
        yield running


def _sign_in(
    home: Path,
    central: FreshCentral,
    password: str = BOB_PASSWORD,
    progress: Progress | None = None,
) -> SignedIn:
    return sign_in(
        home,
        BOB,
        password,
        None,
        kdf=FAST_KDF,
        server_url=central.url,
        retry=QUICK,
        progress=progress,
    )


def _leftovers(home: Path) -> list[str]:
    folder = home / PROFILES_FOLDER
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_first_sign_in_makes_the_profile_from_the_central_store_and_then_works_offline(
    tmp_path: Path, central: FreshCentral
) -> None:
    # Signing in as a user without a profile here once said "There is no profile of bob
    # on this device yet" and never asked the central store.
    steps: list[SyncProgress] = []
    signed = _sign_in(tmp_path, central, progress=steps.append)
    try:
        assert signed.user.username == BOB and signed.user.role is Role.BOA
        assert signed.user.team == "team-a"
        assert signed.teams == {"team-a": "Team A"}
        # The person's world came through the change feed: forms, areas and venues.
        world = load_world(seeds_directory())
        assert {f.form_id for f in signed.forms} >= {"neighbourhood_patrol"}
        assert {v.id for v in signed.profile.venues()} == {v.id for v in world.venues}
        assert any(step.step == "page_fetched" for step in steps)
        assert steps[-1].step == "done"
    finally:
        signed.profile.close()
    assert known_usernames(tmp_path) == [BOB]
    assert not staging_directory(tmp_path, BOB).exists()
    # From now on the device works offline: no central store needed to sign in.
    again = sign_in(tmp_path, BOB, BOB_PASSWORD, None, kdf=FAST_KDF, server_url=None)
    try:
        assert again.user.username == BOB and again.user.role is Role.BOA
    finally:
        again.profile.close()


def test_without_a_central_store_a_new_user_is_told_to_sign_in_online(tmp_path: Path) -> None:
    with pytest.raises(NeedsFirstSync):
        sign_in(tmp_path, BOB, BOB_PASSWORD, None, kdf=FAST_KDF, server_url=None)
    assert _leftovers(tmp_path) == []


def test_a_wrong_password_at_the_first_sign_in_leaves_nothing_behind(
    tmp_path: Path, central: FreshCentral
) -> None:
    with pytest.raises(SignInRefused) as refused:
        _sign_in(tmp_path, central, password="niet-het-wachtwoord")
    assert "wachtwoord" in refused.value.text("nl") and "password" in refused.value.text("en")
    assert not profile_exists(tmp_path, BOB)
    assert _leftovers(tmp_path) == []


def test_an_unreachable_central_store_at_the_first_sign_in_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    with pytest.raises(FirstSignInUnreachable) as unreachable:
        sign_in(
            tmp_path,
            BOB,
            BOB_PASSWORD,
            None,
            kdf=FAST_KDF,
            server_url="http://127.0.0.1:9",
            retry=QUICK,
        )
    # The person waits at the screen: what to check, not "the device tries again later".
    assert "niet bereikbaar" in unreachable.value.text("nl")
    assert "Check the network" in unreachable.value.text("en")
    assert _leftovers(tmp_path) == []


def test_a_first_sign_in_broken_off_while_pulling_leaves_no_profile_and_can_be_repeated(
    tmp_path: Path, central: FreshCentral
) -> None:
    class PulledThePlug(Exception):
        pass

    def interrupt(step: SyncProgress) -> None:
        if step.step == "page_fetched":
            raise PulledThePlug()

    with pytest.raises(PulledThePlug):
        _sign_in(tmp_path, central, progress=interrupt)
    assert not profile_exists(tmp_path, BOB)
    assert _leftovers(tmp_path) == []
    # A crash would leave the staging folder itself; the next attempt starts it afresh.
    staging = staging_directory(tmp_path, BOB)
    staging.mkdir(parents=True)
    (staging / "keys.json").write_text("half a key file", encoding="utf-8")
    signed = _sign_in(tmp_path, central)
    signed.profile.close()
    assert profile_exists(tmp_path, BOB) and not staging.exists()


def test_a_deactivated_account_locks_its_profile_at_the_next_contact(
    tmp_path: Path, central: FreshCentral
) -> None:
    _sign_in(tmp_path, central).profile.close()
    central.set_active(BOB, False)
    try:
        # The next contact: the sync signs in, the central store says deactivated.
        with pytest.raises(AccountDeactivated):
            from fieldapp.app.syncing import sync_profile

            sync_profile(
                tmp_path, BOB, BOB_PASSWORD, server_url=central.url, demo=False, language="nl"
            )
        # The right password no longer opens it, offline or online.
        with pytest.raises(ProfileLocked):
            sign_in(tmp_path, BOB, BOB_PASSWORD, None, kdf=FAST_KDF, server_url=None)
        with pytest.raises(ProfileLocked):
            _sign_in(tmp_path, central)
    finally:
        central.set_active(BOB, True)
    # Accepted again by the central store: the online sign-in lifts the lock.
    with pytest.raises(ProfileLocked):
        sign_in(tmp_path, BOB, BOB_PASSWORD, None, kdf=FAST_KDF, server_url=None)
    signed = _sign_in(tmp_path, central)
    signed.profile.close()
    sign_in(tmp_path, BOB, BOB_PASSWORD, None, kdf=FAST_KDF).profile.close()


def test_a_password_changed_on_the_central_store_is_taken_at_the_next_online_sign_in(
    tmp_path: Path, central: FreshCentral
) -> None:
    # The device's profile opened only with the password it was made with, so a password
    # an administrator reset on the central store locked the person out of their data.
    signed = _sign_in(tmp_path, central)
    draft = fill_draft(signed.profile, "neighbourhood_patrol", seed=3)
    answers = signed.profile.resume(draft).answers
    signed.profile.close()
    new_password = "nieuwe-fiets-op-de-dijk-2"
    central.set_password(BOB, new_password)
    try:
        # Offline the new password means nothing to the device yet.
        with pytest.raises(WrongPassword):
            sign_in(tmp_path, BOB, new_password, None, kdf=FAST_KDF, server_url=None)
        # Online: the central store accepts it and the profile is re-locked with it.
        signed = _sign_in(tmp_path, central, password=new_password)
        try:
            assert signed.profile.resume(draft).answers == answers
            actions = [entry.action for entry in signed.profile.audit_entries()]
            assert "password_changed_on_central_store" in actions
        finally:
            signed.profile.close()
        # From now on the new password opens it offline, and the old one no longer does.
        sign_in(tmp_path, BOB, new_password, None, kdf=FAST_KDF).profile.close()
        with pytest.raises(WrongPassword):
            sign_in(tmp_path, BOB, BOB_PASSWORD, None, kdf=FAST_KDF, server_url=central.url)
    finally:
        central.set_password(BOB, BOB_PASSWORD)


def test_a_password_the_central_store_refuses_never_re_locks_the_profile(
    tmp_path: Path, central: FreshCentral
) -> None:
    _sign_in(tmp_path, central).profile.close()
    with pytest.raises(WrongPassword):
        _sign_in(tmp_path, central, password="geraden-wachtwoord-77")
    # The right password still opens it: nothing was re-wrapped.
    sign_in(tmp_path, BOB, BOB_PASSWORD, None, kdf=FAST_KDF).profile.close()


def test_a_profile_missing_from_the_device_list_is_listed_at_its_next_sign_in(
    tmp_path: Path, central: FreshCentral
) -> None:
    # A crash between putting the profile in place and listing it, or a profile made
    # before the list existed, would stay off the sign-in screen for good.
    _sign_in(tmp_path, central).profile.close()
    (tmp_path / PROFILES_FOLDER / "accounts.json").unlink()
    assert known_usernames(tmp_path) == []
    sign_in(tmp_path, BOB, BOB_PASSWORD, None, kdf=FAST_KDF).profile.close()
    assert known_usernames(tmp_path) == [BOB]


def test_fieldapp_sync_on_a_device_without_a_profile_signs_in_at_the_preset_central_store(
    tmp_path: Path,
    central: FreshCentral,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `fieldapp sync --user bob` on a new device said "no profile of bob on this device
    # yet" and never asked the central store; IT presets its address for the machine.
    from fieldapp.cli import main

    monkeypatch.setenv("FIELDAPP_SERVER_URL", central.url)
    monkeypatch.delenv("FIELDAPP_PASSWORD", raising=False)
    arguments = ["sync", "--home", str(tmp_path), "--user", BOB, "--password-stdin"]
    monkeypatch.setattr("sys.stdin", io.StringIO("niet-het-wachtwoord\n"))
    assert main(["--lang", "nl", *arguments]) == 1
    assert "wachtwoord" in capsys.readouterr().err
    assert _leftovers(tmp_path) == []
    monkeypatch.setattr("sys.stdin", io.StringIO(BOB_PASSWORD + "\n"))
    assert main(arguments) == 0
    assert known_usernames(tmp_path) == [BOB]


def test_a_session_whose_account_is_deactivated_locks_the_profile_at_its_next_sync(
    tmp_path: Path, central: FreshCentral
) -> None:
    # The running app holds a token; deactivating revokes it, and the renewed sign-in is
    # what tells the device the account is gone.
    from fieldapp.sync.client import SyncClient
    from fieldapp.sync.transport import Credentials

    signed = _sign_in(tmp_path, central)
    client = SyncClient(
        signed.profile, central.url, credentials=Credentials(BOB, BOB_PASSWORD), retry=QUICK
    )
    try:
        client.sync_once()
        central.set_active(BOB, False)
        with pytest.raises(AccountDeactivated) as deactivated:
            client.sync_once()
        assert "gedeactiveerd" in deactivated.value.text("nl")
        assert "deactivated" in deactivated.value.text("en")
        assert signed.profile.locked
    finally:
        central.set_active(BOB, True)
        client.close()
        signed.profile.close()
