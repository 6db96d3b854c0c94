"""The profile's data key: random, wrapped by a password-derived key, optionally in the OS keyring.

A random 256-bit data key encrypts everything in a profile. It is stored only wrapped
(AES-GCM) by a key derived from the person's password with Argon2id, in `keys.json` beside
the database. Changing the password re-wraps the data key; nothing else is re-encrypted.
From the data key two sub-keys are derived with HKDF: one for SQLCipher, one for attachment
files, so neither use can be turned against the other.

The data key may also be wrapped by the account's *profile key*, which the central store
hands out only after it checked the person's password. When an administrator sets a new
password on the central store, the device's old wrap no longer opens with what the person
types; the central store's profile key does, and the data key is re-wrapped with the new
password (`fieldapp.app.session`). Someone holding only the laptop gets no profile key:
the central store wants the password first, and refuses a deactivated account.

The same file counts wrong passwords: after five in a row every further try has to wait,
longer each time, and the count survives a restart. The count carries a MAC under a key
derived from this machine's identity (its OS machine id) and the file's salt, bound to the
wrapped key: editing the count, deleting it or moving the file to another machine makes it
count as tampered, and a tampered count is read as "the free tries are used up" (the next
try waits), never as zero. (Someone who copies the file can still guess offline, and
someone who can write the disk can put back an older copy; against both, Argon2id's cost
per guess is the protection.)

New passwords follow the rule of `fieldapp.core.passwords`, the central store's rule; the
demo's published password is allowed for demo profiles only (`PasswordRules.allowing`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldapp.core.files import write_atomically
from fieldapp.core.passwords import PasswordRules, password_problem
from fieldapp.store.errors import (
    ProfileDamaged,
    ProfileLocked,
    TooManyAttempts,
    WeakPassword,
    WrongPassword,
)

log = logging.getLogger(__name__)

KEY_FILE = "keys.json"
KEY_FILE_FORMAT = 2
#: Format 1 had no MAC on the count; such a file is read once as it is and saved as 2.
_FORMATS_READ = frozenset({1, 2})
#: Wrong passwords allowed before tries are slowed down.
FREE_ATTEMPTS = 5
#: The first wait after the free attempts, doubled at every further failure, capped.
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60
#: The device's password rule: the central store's default.
DEVICE_PASSWORD_RULES = PasswordRules()
KEYRING_SERVICE = "fieldapp"

WallClock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost; stored with each wrapped key so it can be raised later."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4

    @classmethod
    def fast_for_tests(cls) -> KdfParams:
        """Cheap parameters for test suites and benchmarks only; never for real profiles."""
        return cls(time_cost=1, memory_kib=1024, parallelism=1)


#: RFC 9106's second recommended option (64 MiB, 3 passes): ~0.1 s on a field laptop.
DEFAULT_KDF = KdfParams()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def derive_subkey(data_key: bytes, purpose: str) -> bytes:
    """A 256-bit key for one purpose ("sqlcipher", "attachments") from the data key."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"fieldapp {purpose} v1".encode()
    ).derive(data_key)


def _password_key(password: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _profile_key(profile_key: str, username: str) -> bytes:
    """The wrapping key from the central store's profile key (already 256 random bits:
    HKDF only binds it to its purpose and the person)."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"fieldapp profile key v1|{username}".encode(),
    ).derive(profile_key.encode("utf-8"))


def device_identity() -> bytes:
    """What names this machine and survives restarts: the OS's machine id.

    Linux and BSD: /etc/machine-id; Windows: the MachineGuid; macOS: the platform UUID;
    else the host name. Not secret (anyone with the disk can read it): it ties the count
    to this machine, so a file edited or brought from elsewhere shows.
    """
    for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        with contextlib.suppress(OSError):
            found = Path(candidate).read_text(encoding="ascii").strip()
            if found:
                return found.encode("ascii")
    if sys.platform == "win32":  # pragma: no cover - Windows
        with contextlib.suppress(OSError):
            import winreg

            with winreg.OpenKey(
                winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography"
            ) as key:
                return str(winreg.QueryValueEx(key, "MachineGuid")[0]).encode()
    if sys.platform == "darwin":  # pragma: no cover - macOS
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            listing = subprocess.run(
                ["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout
            for line in listing.splitlines():
                if "IOPlatformUUID" in line:
                    return line.split("=", 1)[1].strip().strip('"').encode()
    return socket.gethostname().encode("utf-8")


def _counter_mac(salt: bytes, wrapped: bytes, failures: int, last_failure_at: float) -> str:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"fieldapp attempt counter v1"
    ).derive(hashlib.sha256(device_identity()).digest())
    message = json.dumps([_b64(wrapped), failures, repr(float(last_failure_at))]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _wrap_aad(username: str) -> bytes:
    # Binding the username means a key file copied onto another user's profile will not open.
    return f"fieldapp data key v1|{username}".encode()


@dataclass(slots=True)
class KeyFile:
    """`keys.json`: the wrapped data key, its Argon2id parameters and the failure count."""

    path: Path
    salt: bytes
    kdf: KdfParams
    wrapped: bytes  # nonce (12 bytes) + AES-GCM ciphertext of the data key
    failures: int = 0
    last_failure_at: float = 0.0
    #: The central store deactivated the account: the right password no longer opens the
    #: profile until the central store accepts the person again (see `fieldapp.app.session`).
    locked: bool = False
    #: nonce + AES-GCM of the data key under a key derived from the profile key (or None).
    escrow: bytes | None = None
    #: The count did not carry this machine's MAC: edited, or brought from elsewhere.
    tampered: bool = False

    # -- making and reading ------------------------------------------------------------

    @classmethod
    def create(
        cls,
        directory: Path,
        username: str,
        password: str,
        kdf: KdfParams = DEFAULT_KDF,
        rules: PasswordRules = DEVICE_PASSWORD_RULES,
    ) -> tuple[KeyFile, bytes]:
        """A new random data key wrapped by `password`; returns the file and the key.
        `WeakPassword` when the rules refuse the password; `FileExistsError` when another
        process created the key file first."""
        check_password_policy(password, username, rules)
        data_key = secrets.token_bytes(32)
        key_file = cls._wrapped(directory / KEY_FILE, username, password, data_key, kdf)
        key_file.save(exclusive=True)
        return key_file, data_key

    @classmethod
    def _wrapped(
        cls, path: Path, username: str, password: str, data_key: bytes, kdf: KdfParams
    ) -> KeyFile:
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(_password_key(password, salt, kdf)).encrypt(
            nonce, data_key, _wrap_aad(username)
        )
        return cls(path=path, salt=salt, kdf=kdf, wrapped=nonce + sealed)

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if document.get("format") not in _FORMATS_READ:
                raise ValueError(f"unknown key file format {document.get('format')!r}")
            key_file = cls(
                path=path,
                salt=_unb64(document["salt"]),
                kdf=KdfParams(**document["kdf"]),
                wrapped=_unb64(document["wrapped_key"]),
                failures=int(document.get("failures", 0)),
                last_failure_at=float(document.get("last_failure_at", 0.0)),
                locked=document.get("locked") is True,
                escrow=_unb64(document["escrow_key"]) if document.get("escrow_key") else None,
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ProfileDamaged(f"{path.name}: {error}") from error
        if document["format"] == 1:
            key_file.save()  # from before the MAC: taken as it is, protected from now on
            return key_file
        given = document.get("counter_mac")
        if not isinstance(given, str) or not hmac.compare_digest(given, key_file._mac()):
            log.warning("%s: the wrong-password count was changed or made elsewhere", path)
            key_file.tampered = True
        return key_file

    def _mac(self) -> str:
        return _counter_mac(self.salt, self.wrapped, self.failures, self.last_failure_at)

    def save(self, *, exclusive: bool = False) -> None:
        document = {
            "format": KEY_FILE_FORMAT,
            "algorithm": "argon2id+aes-256-gcm",
            "kdf": asdict(self.kdf),
            "salt": _b64(self.salt),
            "wrapped_key": _b64(self.wrapped),
            "failures": self.failures,
            "last_failure_at": self.last_failure_at,
            "locked": self.locked,
            "escrow_key": _b64(self.escrow) if self.escrow is not None else None,
            "counter_mac": self._mac(),
        }
        write_atomically(
            self.path, json.dumps(document, indent=2).encode("utf-8"), exclusive=exclusive
        )

    # -- unlocking ---------------------------------------------------------------------

    def wait_seconds(self, now: float) -> int:
        """How long before the next try is accepted (0 when it is accepted now)."""
        if self.failures < FREE_ATTEMPTS:
            return 0
        delay = min(FIRST_DELAY_SECONDS * 2 ** (self.failures - FREE_ATTEMPTS), MAX_DELAY_SECONDS)
        # A clock set back must not lock the person out for longer than one delay.
        elapsed = max(0.0, now - self.last_failure_at)
        return max(0, int(delay - elapsed + 0.999))

    def unlock(
        self,
        username: str,
        password: str,
        clock: WallClock = time.time,
        *,
        even_locked: bool = False,
    ) -> bytes:
        """The data key, or `WrongPassword` / `TooManyAttempts` (both counted on disk).

        A locked profile raises `ProfileLocked` after the password was checked (a wrong
        password still counts), unless `even_locked`: the central store accepted the
        person again just now.
        """
        if self.tampered:
            # An edited count is no count: the free tries are gone, the wait starts now.
            self.failures = max(self.failures, FREE_ATTEMPTS)
            self.last_failure_at = clock()
            self.tampered = False
            self.save()
        wait = self.wait_seconds(clock())
        if wait > 0:
            raise TooManyAttempts(wait)
        try:
            data_key = self._open(username, password)
        except InvalidTag:
            self.failures += 1
            self.last_failure_at = clock()
            self.save()
            raise WrongPassword(self.failures, max(0, FREE_ATTEMPTS - self.failures)) from None
        if self.failures:
            self.failures = 0
            self.last_failure_at = 0.0
            self.save()
        if self.locked and not even_locked:
            raise ProfileLocked()
        return data_key

    def keep_profile_key(self, username: str, profile_key: str, data_key: bytes) -> bool:
        """Wrap the data key by the account's profile key too; False when it already is."""
        if self.open_with_profile_key(username, profile_key) == data_key:
            return False
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(_profile_key(profile_key, username)).encrypt(
            nonce, data_key, _wrap_aad(username)
        )
        self.escrow = nonce + sealed
        self.save()
        return True

    def open_with_profile_key(self, username: str, profile_key: str) -> bytes | None:
        """The data key from the profile-key wrap; None when there is none or it does not
        open with this key."""
        if self.escrow is None:
            return None
        nonce, sealed = self.escrow[:12], self.escrow[12:]
        try:
            return AESGCM(_profile_key(profile_key, username)).decrypt(
                nonce, sealed, _wrap_aad(username)
            )
        except InvalidTag:
            return None

    def set_locked(self, locked: bool) -> None:
        """Lock (the account was deactivated) or unlock (accepted again); saved at once."""
        if self.locked != locked:
            self.locked = locked
            self.save()

    def _open(self, username: str, password: str) -> bytes:
        nonce, sealed = self.wrapped[:12], self.wrapped[12:]
        key = _password_key(password, self.salt, self.kdf)
        return AESGCM(key).decrypt(nonce, sealed, _wrap_aad(username))

    def adopt(self) -> None:
        """Take this file's count as this machine's (a backup restored after its password
        was checked): saved with this machine's MAC."""
        self.tampered = False
        self.save()

    def rewrap(
        self,
        username: str,
        new_password: str,
        data_key: bytes,
        kdf: KdfParams,
        rules: PasswordRules | None = DEVICE_PASSWORD_RULES,
    ) -> None:
        """Wrap the same data key with a new password (and fresh salt); save atomically.

        `rules` None: the password is the current one (a re-wrap for a new cost)."""
        if rules is not None:
            check_password_policy(new_password, username, rules)
        fresh = KeyFile._wrapped(self.path, username, new_password, data_key, kdf)
        self.salt, self.kdf, self.wrapped = fresh.salt, fresh.kdf, fresh.wrapped
        self.failures, self.last_failure_at = 0, 0.0
        self.save()


def check_password_policy(
    password: str, username: str, rules: PasswordRules = DEVICE_PASSWORD_RULES
) -> None:
    """`WeakPassword` saying why, when the rules refuse `password` for `username`."""
    problem = password_problem(password, username, rules)
    if problem is not None:
        raise WeakPassword(problem)


# -- the OS keyring ----------------------------------------------------------------------


class KeyringBackend(Protocol):
    """The three calls of the `keyring` package we use; tests pass a small in-memory one."""

    def get_password(self, service_name: str, username: str) -> str | None: ...

    def set_password(self, service_name: str, username: str, password: str) -> None: ...

    def delete_password(self, service_name: str, username: str) -> None: ...


class SystemKeyring:
    """The OS keyring through the `keyring` package (Windows Credential Locker, macOS
    Keychain, Secret Service). Absent backends are normal: every call then reports failure
    instead of raising, and the app asks for the password as usual."""

    def get_password(self, service_name: str, username: str) -> str | None:
        import keyring
        import keyring.errors

        try:
            return keyring.get_password(service_name, username)
        except (keyring.errors.KeyringError, RuntimeError, OSError):
            log.info("no usable OS keyring", exc_info=True)
            return None

    def set_password(self, service_name: str, username: str, password: str) -> None:
        import keyring

        keyring.set_password(service_name, username, password)

    def delete_password(self, service_name: str, username: str) -> None:
        import keyring

        keyring.delete_password(service_name, username)


def keyring_entry(profile_directory: Path) -> str:
    """The keyring account name of a profile: its folder, so two homes never share one."""
    return str(profile_directory.resolve())


def store_in_keyring(backend: KeyringBackend, profile_directory: Path, data_key: bytes) -> bool:
    """Keep the data key in the OS keyring; False (and nothing stored) when there is none."""
    try:
        backend.set_password(KEYRING_SERVICE, keyring_entry(profile_directory), _b64(data_key))
    except Exception:  # any backend failure means "no keyring here", which is allowed
        log.info("the data key could not be stored in the OS keyring", exc_info=True)
        return False
    return True


def load_from_keyring(backend: KeyringBackend, profile_directory: Path) -> bytes | None:
    try:
        text = backend.get_password(KEYRING_SERVICE, keyring_entry(profile_directory))
        return None if text is None else _unb64(text)
    except Exception:
        log.info("the OS keyring could not be read", exc_info=True)
        return None


def remove_from_keyring(backend: KeyringBackend, profile_directory: Path) -> None:
    with contextlib.suppress(Exception):
        backend.delete_password(KEYRING_SERVICE, keyring_entry(profile_directory))
