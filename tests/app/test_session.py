"""Signing in and checking the password again, on real SQLCipher profiles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fieldapp.app.demo import demo_reference, load_demo_world
from fieldapp.app.session import sign_in, teams_led_by, verify_password
from fieldapp.store.errors import ProfileDamaged, WrongPassword
from fieldapp.store.keys import KEY_FILE
from tests.support.store import FAST_KDF, PASSWORD, USER, new_profile


def test_verify_password_refuses_a_key_file_that_no_longer_matches_the_open_profile(
    tmp_path: Path,
) -> None:
    # The idle lock once checked only that the password opened the key file on disk, not
    # that the key it unwraps is the open profile's: a key file swapped in from another
    # profile of the same person unlocked the screen. The store's own check compares both.
    profile = new_profile(tmp_path / "device")
    other = new_profile(tmp_path / "elsewhere")
    try:
        verify_password(profile, PASSWORD)
        with pytest.raises(WrongPassword):
            verify_password(profile, "not the password")
        shutil.copyfile(other.directory / KEY_FILE, profile.directory / KEY_FILE)
        with pytest.raises(ProfileDamaged):
            verify_password(profile, PASSWORD)
    finally:
        other.close()
        profile.close()


def test_a_demo_profile_holds_the_teams_of_the_demo_world(tmp_path: Path) -> None:
    # The demo's reference data once left the teams out, so a supervisor's overview had to
    # read the seed world again to know which teams she leads, and a device never learned
    # what a demo central store would have sent it.
    world = load_demo_world()
    assert list(demo_reference(world).teams) == list(world.teams)
    signed = sign_in(tmp_path, "ingrid.verhoeven", world.demo_password, world, kdf=FAST_KDF)
    try:
        assert {team.id for team in signed.profile.teams()} == {team.id for team in world.teams}
        led = {team.id for team in world.teams if team.supervisor == "ingrid.verhoeven"}
        assert led and teams_led_by(signed.profile, "ingrid.verhoeven") == led
    finally:
        signed.profile.close()


def test_signing_in_without_the_demo_knows_the_team_names_the_device_holds(
    tmp_path: Path,
) -> None:
    # Only the demo's sign-in filled in the team names, so outside the demo a patrol's
    # 'team' question was never pre-filled and the overview showed team ids.
    new_profile(tmp_path).close()
    signed = sign_in(tmp_path, USER, PASSWORD, None, kdf=FAST_KDF)
    try:
        world = load_demo_world()
        assert signed.teams == {team.id: team.name for team in world.teams}
    finally:
        signed.profile.close()
