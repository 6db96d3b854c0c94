"""`verify(profile)`: every problem a profile has, as plain sentences (see `fieldapp.store.checks`).

An empty list means the database and its encryption are intact, every finalized version
still hashes to what was recorded, the audit chain is unbroken, the outbox agrees with the
versions, and every file a row refers to is present and decrypts to what its name promises.
"""

from __future__ import annotations

from fieldapp.store.profile import Profile


def verify(profile: Profile, *, deep: bool = True) -> list[str]:
    """Every problem found; `deep=False` checks files by size instead of decrypting each."""
    return profile.verify(deep=deep)
