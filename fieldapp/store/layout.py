"""Where a person's profile lives below a home folder, and what its files are called.

Layout of a home folder::

    profiles/<hash of the username>/keys.json      wrapped data key, Argon2id parameters
    profiles/<hash of the username>/profile.db     SQLCipher database (+ -wal, -shm)
    profiles/<hash of the username>/attachments/   AES-GCM files named by SHA-256
    profiles/.new-<hash of the username>/          a first sign-in still pulling
    profiles/accounts.json                         who has a profile here (sign-in list)

The folder is named by a hash so a stolen laptop's file listing does not say whose it is.
`accounts.json` does name the people who signed in here, because a shared tablet's sign-in
screen lists them; it holds user names only, never what they did.

A first sign-in builds the profile in the `.new-` folder and renames it into place only
once the central store's data is in: a failed or interrupted first sign-in never leaves a
half profile that opens, and the next attempt starts its folder afresh.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

from fieldapp.core.files import write_atomically
from fieldapp.store.keys import KEY_FILE

log = logging.getLogger(__name__)

PROFILES_FOLDER = "profiles"
DATABASE_FILE = "profile.db"
ATTACHMENTS_FOLDER = "attachments"
ACCOUNTS_FILE = "accounts.json"
STAGING_PREFIX = ".new-"
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")


def _digest(username: str) -> str:
    return hashlib.sha256(f"fieldapp profile|{username}".encode()).hexdigest()[:24]


def profile_directory(home: Path, username: str) -> Path:
    """Where `username`'s profile lives below `home` (whether or not it exists yet)."""
    return Path(home) / PROFILES_FOLDER / _digest(username)


def staging_directory(home: Path, username: str) -> Path:
    """Where a first sign-in of `username` builds the profile before it is put in place."""
    return Path(home) / PROFILES_FOLDER / f"{STAGING_PREFIX}{_digest(username)}"


def known_usernames(home: Path) -> list[str]:
    """The people with a profile on this device, as the sign-in screen lists them."""
    path = Path(home) / PROFILES_FOLDER / ACCOUNTS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        log.warning("ignoring unreadable %s: %s", path, error)
        return []
    names = raw.get("usernames", []) if isinstance(raw, dict) else []
    return sorted(
        name
        for name in {n for n in names if isinstance(n, str) and _USERNAME.match(n)}
        if profile_exists(home, name)
    )


def remember_username(home: Path, username: str) -> None:
    """Add `username` to the device's sign-in list (once its profile is in place)."""
    check_username(username)
    names = {*known_usernames(home), username}
    document = {"usernames": sorted(names)}
    write_atomically(
        Path(home) / PROFILES_FOLDER / ACCOUNTS_FILE, json.dumps(document, indent=2) + "\n"
    )


def profile_exists(home: Path, username: str) -> bool:
    return (profile_directory(home, username) / KEY_FILE).exists()


def check_username(username: str) -> None:
    if not _USERNAME.match(username):
        raise ValueError(f"not a username: {username!r}")
