"""Issue 14, finding 10 (device half): the wrong-password count holds, and weak passwords stay out.

Real profiles in temporary folders; the key file is edited on disk the way someone with
the laptop in hand would, and the count must hold. The device's password rule is the
central store's (one function in `fieldapp.core.passwords`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldapp.core import passwords
from fieldapp.server import identity
from fieldapp.store import TooManyAttempts, WeakPassword, WrongPassword, open_profile
from fieldapp.store import keys as key_module
from fieldapp.store.keys import KEY_FILE
from fieldapp.store.layout import profile_directory
from tests.support.store import FAST_KDF, PASSWORD, USER, FakeClock, new_profile

STRONG = "drie koffie zonder suiker"


def _key_path(home: Path) -> Path:
    return profile_directory(home, USER) / KEY_FILE


def _edit(home: Path, **changes: object) -> None:
    document = json.loads(_key_path(home).read_text())
    for name, value in changes.items():
        if value is None:
            document.pop(name, None)
        else:
            document[name] = value
    _key_path(home).write_text(json.dumps(document))


def _lock_out(home: Path, clock: FakeClock) -> None:
    for _ in range(5):
        with pytest.raises(WrongPassword):
            open_profile(home, USER, "a wrong guess", wall_clock=clock.seconds)
    with pytest.raises(TooManyAttempts):
        open_profile(home, USER, PASSWORD, wall_clock=clock.seconds)


@pytest.mark.parametrize(
    "edit",
    [
        {"failures": 0, "last_failure_at": 0.0},
        {"failures": None, "last_failure_at": None},
        {"failures": 0, "last_failure_at": 0.0, "counter_mac": None},
        {"failures": 0, "last_failure_at": 0.0, "counter_mac": "0" * 64},
    ],
    ids=["zeroed", "removed", "mac-removed", "mac-forged"],
)
def test_finding_10_editing_keys_json_does_not_reset_the_wrong_password_count(
    tmp_path: Path, edit: dict[str, object]
) -> None:
    clock = FakeClock()
    new_profile(tmp_path).close()
    _lock_out(tmp_path, clock)
    _edit(tmp_path, **edit)
    with pytest.raises(TooManyAttempts) as held:
        open_profile(tmp_path, USER, PASSWORD, wall_clock=clock.seconds)
    assert held.value.wait_seconds >= 30
    # The next guess is still not free: the edit bought nothing.
    clock.advance(31)
    with pytest.raises(WrongPassword) as wrong:
        open_profile(tmp_path, USER, "another wrong guess", wall_clock=clock.seconds)
    assert wrong.value.remaining_before_delay == 0
    with pytest.raises(TooManyAttempts):
        open_profile(tmp_path, USER, PASSWORD, wall_clock=clock.seconds)
    # The person who knows the password gets in after the wait, and the count is clean.
    clock.advance(61)
    open_profile(tmp_path, USER, PASSWORD, wall_clock=clock.seconds).close()
    assert json.loads(_key_path(tmp_path).read_text())["failures"] == 0


def test_finding_10_a_key_file_from_before_the_mac_opens_and_is_protected_from_then_on(
    tmp_path: Path,
) -> None:
    new_profile(tmp_path).close()
    _edit(tmp_path, format=1, counter_mac=None)
    open_profile(tmp_path, USER, PASSWORD).close()
    migrated = json.loads(_key_path(tmp_path).read_text())
    assert migrated["format"] == 2 and len(migrated["counter_mac"]) == 64


def test_finding_10_a_key_file_brought_from_another_machine_starts_with_a_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    new_profile(tmp_path).close()
    monkeypatch.setattr(key_module, "device_identity", lambda: b"another laptop")
    with pytest.raises(TooManyAttempts):
        open_profile(tmp_path, USER, PASSWORD, wall_clock=clock.seconds)
    clock.advance(31)
    open_profile(tmp_path, USER, PASSWORD, wall_clock=clock.seconds).close()


def test_finding_10_the_device_refuses_short_and_common_passwords(tmp_path: Path) -> None:
    for weak in ("demo", "abc12", "password1234", "qwertyuiop123", "aaaaaaaaaaaaaa", USER):
        with pytest.raises(WeakPassword):
            open_profile(tmp_path, USER, weak, kdf=FAST_KDF)
    assert not _key_path(tmp_path).exists()
    with pytest.raises(WeakPassword) as refused:
        open_profile(tmp_path, USER, "kort", kdf=FAST_KDF)
    assert "minstens 12 tekens" in refused.value.text("nl")
    assert "at least 12 characters" in refused.value.text("en")
    with open_profile(tmp_path, USER, STRONG, kdf=FAST_KDF) as profile:
        with pytest.raises(WeakPassword) as common:
            profile.change_password(STRONG, "password1234")
        assert "too common" in common.value.text("en")
        profile.change_password(STRONG, "een andere lange zin")
    open_profile(tmp_path, USER, "een andere lange zin").close()


def test_finding_10_server_and_device_share_one_password_rule() -> None:
    assert identity.password_problem is passwords.password_problem
    assert identity.PasswordRules is passwords.PasswordRules
    assert identity.PasswordRules() == key_module.DEVICE_PASSWORD_RULES
    # The demo's published password is allowed only where it is asked for explicitly.
    demo = key_module.DEVICE_PASSWORD_RULES.allowing("demo")
    assert passwords.password_problem("demo", USER, demo) is None
    assert passwords.password_problem("demo", USER) is not None
