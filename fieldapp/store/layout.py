"""Where a person's profile lives below a home folder, and what its files are called.

Layout of a home folder::

    profiles/<hash of the username>/keys.json      wrapped data key, Argon2id parameters
    profiles/<hash of the username>/profile.db     SQLCipher database (+ -wal, -shm)
    profiles/<hash of the username>/attachments/   AES-GCM files named by SHA-256

The folder is named by a hash so a stolen laptop's file listing does not say whose it is.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from fieldapp.store.keys import KEY_FILE

PROFILES_FOLDER = "profiles"
DATABASE_FILE = "profile.db"
ATTACHMENTS_FOLDER = "attachments"
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")


def profile_directory(home: Path, username: str) -> Path:
    """Where `username`'s profile lives below `home` (whether or not it exists yet)."""
    digest = hashlib.sha256(f"fieldapp profile|{username}".encode()).hexdigest()[:24]
    return Path(home) / PROFILES_FOLDER / digest


def profile_exists(home: Path, username: str) -> bool:
    return (profile_directory(home, username) / KEY_FILE).exists()


def check_username(username: str) -> None:
    if not _USERNAME.match(username):
        raise ValueError(f"not a username: {username!r}")
