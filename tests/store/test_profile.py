"""Opening a profile: passwords, slowed-down guessing, password changes, keyring and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldapp import cli
from fieldapp.store import (
    NoUnattendedKey,
    ProfileDamaged,
    ProfileNotFound,
    TooManyAttempts,
    WeakPassword,
    WrongPassword,
    open_profile,
    open_profile_unattended,
    profile_directory,
    profile_exists,
)
from fieldapp.store.keys import KEY_FILE, KdfParams, KeyFile, SystemKeyring
from tests.support.store import (
    DEMO_RULES,
    FAST_KDF,
    PASSWORD,
    USER,
    FakeClock,
    MemoryKeyring,
    NoKeyring,
    new_profile,
)


def test_first_use_creates_the_profile_and_the_password_opens_it_again(tmp_path: Path) -> None:
    assert not profile_exists(tmp_path, USER)
    with new_profile(tmp_path) as profile:
        draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
        profile.set_answer(draft, "inspectors", "BOA 4411")
    assert profile_exists(tmp_path, USER)
    with open_profile(tmp_path, USER, PASSWORD, create=False) as again:
        assert again.resume(draft).value("inspectors") == "BOA 4411"
        assert [e.action for e in again.audit_entries()][:2] == [
            "profile_created",
            "inspection_started",
        ]
    with pytest.raises(ProfileNotFound):
        open_profile(tmp_path, "joost.vandermeer", PASSWORD, create=False)


def test_the_folder_name_does_not_say_whose_profile_it_is(tmp_path: Path) -> None:
    with new_profile(tmp_path):
        pass
    directory = profile_directory(tmp_path, USER)
    assert USER not in str(directory)
    assert "fatima" not in (directory / KEY_FILE).read_text()


def test_a_wrong_password_is_refused_in_dutch_and_english(tmp_path: Path) -> None:
    with new_profile(tmp_path):
        pass
    with pytest.raises(WrongPassword) as caught:
        open_profile(tmp_path, USER, "wrong")
    assert "wachtwoord klopt niet" in caught.value.text("nl")
    assert "password is not correct" in caught.value.text("en")
    assert caught.value.remaining_before_delay == 4


def test_five_wrong_passwords_slow_down_further_tries_even_after_a_restart(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    with new_profile(tmp_path):
        pass

    def attempt(password: str) -> None:
        # A fresh call reads the count from disk each time, as a restarted app would.
        open_profile(tmp_path, USER, password, wall_clock=clock.seconds).close()

    for expected in (4, 3, 2, 1, 0):
        with pytest.raises(WrongPassword) as caught:
            attempt("wrong")
        assert caught.value.remaining_before_delay == expected
    with pytest.raises(TooManyAttempts) as waiting:
        attempt(PASSWORD)  # even the right password waits: otherwise guessing is free
    assert waiting.value.wait_seconds == 30
    assert "30 seconden" in waiting.value.text("nl")
    clock.advance(31)
    with pytest.raises(WrongPassword):
        attempt("still wrong")
    with pytest.raises(TooManyAttempts) as longer:
        attempt(PASSWORD)
    assert longer.value.wait_seconds == 60  # doubled
    clock.advance(61)
    attempt(PASSWORD)
    stored = json.loads((profile_directory(tmp_path, USER) / KEY_FILE).read_text())
    assert stored["failures"] == 0
    attempt(PASSWORD)  # and no wait any more


def test_an_idle_lock_checks_the_password_and_counts_wrong_tries(tmp_path: Path) -> None:
    with new_profile(tmp_path) as profile:
        profile.check_password(PASSWORD)
        for _ in range(5):
            with pytest.raises(WrongPassword):
                profile.check_password("wrong")
        with pytest.raises(TooManyAttempts):
            profile.check_password(PASSWORD)
    with pytest.raises(TooManyAttempts):  # the count is on disk, so a restart keeps it
        open_profile(tmp_path, USER, PASSWORD)


def test_changing_the_password_rewraps_the_key_without_touching_the_data(
    tmp_path: Path,
) -> None:
    with new_profile(tmp_path) as profile:
        draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
        profile.set_answer(draft, "inspectors", "BOA 4411")
        profile.checkpoint()
        database = profile.directory / "profile.db"
        before = database.read_bytes()
        with pytest.raises(WrongPassword):
            profile.change_password("not the old one", "nieuw-wachtwoord")
        with pytest.raises(WeakPassword):
            profile.change_password(PASSWORD, "abc")
        profile.change_password(PASSWORD, "nieuw-wachtwoord")
        profile.checkpoint()
        # Only the audit entry was added; the pages holding the answers kept their bytes.
        assert database.read_bytes()[:4096] == before[:4096]
    with pytest.raises(WrongPassword):
        open_profile(tmp_path, USER, PASSWORD)
    with open_profile(tmp_path, USER, "nieuw-wachtwoord") as reopened:
        assert reopened.resume(draft).value("inspectors") == "BOA 4411"
        assert reopened.audit_entries()[-1].action == "password_changed"


def test_argon2_cost_is_stored_and_can_be_raised(tmp_path: Path) -> None:
    with new_profile(tmp_path):
        pass
    stronger = KdfParams(time_cost=2, memory_kib=2048, parallelism=1)
    open_profile(tmp_path, USER, PASSWORD, kdf=stronger).close()
    stored = json.loads((profile_directory(tmp_path, USER) / KEY_FILE).read_text())
    assert stored["kdf"] == {"time_cost": 2, "memory_kib": 2048, "parallelism": 1}
    assert stored["algorithm"] == "argon2id+aes-256-gcm"
    open_profile(tmp_path, USER, PASSWORD).close()


def test_the_default_argon2_cost_follows_rfc_9106(tmp_path: Path) -> None:
    open_profile(tmp_path, USER, PASSWORD, password_rules=DEMO_RULES).close()
    stored = json.loads((profile_directory(tmp_path, USER) / KEY_FILE).read_text())
    assert stored["kdf"] == {"time_cost": 3, "memory_kib": 65536, "parallelism": 4}


def test_two_processes_creating_one_profile_end_up_with_one_key(tmp_path: Path) -> None:
    directory = profile_directory(tmp_path, USER)
    directory.mkdir(parents=True)
    KeyFile.create(directory, USER, PASSWORD, FAST_KDF, DEMO_RULES)
    with pytest.raises(FileExistsError):  # the second creator loses the race, atomically
        KeyFile.create(directory, USER, "another long password", FAST_KDF)
    with pytest.raises(WrongPassword):
        open_profile(tmp_path, USER, "another password")
    open_profile(tmp_path, USER, PASSWORD).close()


def test_a_lost_key_file_is_never_replaced_by_a_new_key(tmp_path: Path) -> None:
    with new_profile(tmp_path):
        pass
    (profile_directory(tmp_path, USER) / KEY_FILE).unlink()
    with pytest.raises(ProfileDamaged):
        open_profile(tmp_path, USER, PASSWORD, kdf=FAST_KDF)


def test_the_os_keyring_copy_allows_unattended_sync(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    with new_profile(tmp_path) as profile:
        draft = profile.start_inspection("door_test", venue_id="club-grotemarkt-20")
        assert profile.enable_unattended_sync(keyring)
    with open_profile_unattended(tmp_path, USER, keyring=keyring) as unattended:
        assert unattended.inspection(draft).venue_name
        unattended.disable_unattended_sync(keyring)
    with pytest.raises(NoUnattendedKey):
        open_profile_unattended(tmp_path, USER, keyring=keyring)


def test_without_a_keyring_backend_everything_degrades_to_the_password(tmp_path: Path) -> None:
    with new_profile(tmp_path) as profile:
        assert profile.enable_unattended_sync(NoKeyring()) is False
        profile.disable_unattended_sync(NoKeyring())
    with pytest.raises(NoUnattendedKey):
        open_profile_unattended(tmp_path, USER, keyring=NoKeyring())


def test_the_system_keyring_without_a_backend_reports_failure_quietly(tmp_path: Path) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        with new_profile(tmp_path) as profile:
            assert profile.enable_unattended_sync(SystemKeyring()) is False
        with pytest.raises(NoUnattendedKey):
            open_profile_unattended(tmp_path, USER)
    finally:
        keyring.set_keyring(previous)


def test_a_stale_keyring_key_is_not_trusted(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    with new_profile(tmp_path) as profile:
        profile.enable_unattended_sync(keyring)
    for key in keyring.secrets:
        keyring.secrets[key] = "A" * 44  # 32 zero bytes: some other key
    with pytest.raises(NoUnattendedKey):
        open_profile_unattended(tmp_path, USER, keyring=keyring)


def test_the_seed_verb_takes_the_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FIELDAPP_PASSWORD", PASSWORD)
    home = tmp_path / "home"
    # The profile is made first with a cheap key derivation; the verb then opens it.
    open_profile(home, USER, PASSWORD, kdf=FAST_KDF, password_rules=DEMO_RULES).close()
    assert cli.main(["seed", "--home", str(home), "--inspections", "12", "--drafts", "2"]) == 0
    out = capsys.readouterr().out
    assert "12 inspections" in out and "2 drafts" in out
    with open_profile(home, USER, PASSWORD) as profile:
        assert profile.count() == 14


def test_the_seed_verb_without_a_password_or_terminal_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FIELDAPP_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main(["seed", "--home", str(tmp_path), "--inspections", "1"]) == 1
    assert "FIELDAPP_PASSWORD" in capsys.readouterr().err
