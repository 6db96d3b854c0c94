"""Signing in and checking the password again, on real SQLCipher profiles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fieldapp.app.session import verify_password
from fieldapp.store.errors import ProfileDamaged, WrongPassword
from fieldapp.store.keys import KEY_FILE
from tests.support.store import PASSWORD, new_profile


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
