"""Helpers shared by the store tests (tests/store/) and the crash-test child.

Real SQLCipher profiles in temporary folders; only the Argon2id cost is lowered, so a test
opens a profile in milliseconds instead of a tenth of a second. The helpers under "the raw
file" below reach past the store's API on purpose, to damage or inspect what is on disk
the way a crash, a restored server or a person with a SQL shell would; nothing else in the
tests may do that.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.store import KdfParams, Profile, StoreSettings, open_profile
from fieldapp.store.images import photo
from fieldapp.store.keys import DEVICE_PASSWORD_RULES
from fieldapp.store.reference import ReferenceSnapshot
from fieldapp.store.seed import (
    AnswerWalker,
    FilledForm,
    VisitPlanner,
    practice_round_id,
    reference_snapshot,
)

FAST_KDF = KdfParams.fast_for_tests()
USER = "fatima.elamrani"
PASSWORD = "demo"
#: The device's rule, with the demo's published password that the tests' accounts use.
DEMO_RULES = DEVICE_PASSWORD_RULES.allowing(PASSWORD)


@lru_cache(maxsize=1)
def snapshot() -> ReferenceSnapshot:
    return reference_snapshot()


class FakeClock:
    """A clock a test moves by hand (aware UTC datetimes and epoch seconds)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 12, 4, 20, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def seconds(self) -> float:
        return self.moment.timestamp()

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def new_profile(
    home: Path,
    *,
    username: str = USER,
    password: str = PASSWORD,
    settings: StoreSettings | None = None,
    clock: FakeClock | None = None,
) -> Profile:
    """Open (creating if needed) a profile with the demo reference data loaded."""
    profile = open_profile(
        home,
        username,
        password,
        kdf=FAST_KDF,
        settings=settings,
        clock=clock or FakeClock(),
        password_rules=DEMO_RULES,
    )
    if not profile.has_reference_data():
        profile.replace_reference_data(snapshot())
    return profile


def walked(profile: Profile, form_id: str, seed: int) -> tuple[FilledForm, dict[str, str | None]]:
    """A validly filled form (not yet in the profile) and where it takes place."""
    rng = random.Random(seed)
    world = load_world(seeds_directory())
    planner = VisitPlanner(world, rng, datetime(2026, 12, 20, 23, 0))
    visit = planner.plan(form_id)
    filled = AnswerWalker(world.venues, rng, photo_share=0.5).fill(profile.engine(form_id), visit)
    if form_id == "door_test":
        # The store's tests are not about rounds: a planned round's visit by this profile's
        # user (not its tester) would rightly be refused at finalize.
        filled.session.set_answer("test_id", practice_round_id(rng))
    place = {
        "venue_id": visit.venue.id if visit.venue else None,
        "area_id": visit.area.id if visit.area else None,
    }
    return filled, place


@lru_cache(maxsize=8)
def sample_photo(seed: int) -> bytes:
    return photo(seed, width=48, height=36)


def fill_draft(profile: Profile, form_id: str, seed: int = 1) -> str:
    """A draft with every relevant question validly answered, ready to finalize."""
    from fieldapp.store.seed import replay_answers

    filled, place = walked(profile, form_id, seed)
    inspection_id = profile.start_inspection(form_id, **place)
    replay_answers(
        profile, inspection_id, filled, [sample_photo(n) for n in range(3)], random.Random(seed)
    )
    return inspection_id


def find_bytes(directory: Path, needles: Iterable[bytes]) -> list[str]:
    """Every (file, needle) where a file below `directory` contains the needle."""
    found = []
    wanted = list(needles)
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        content = path.read_bytes()
        for needle in wanted:
            if needle in content:
                found.append(f"{path.relative_to(directory)}: {needle[:40]!r}")
    return found


class MemoryKeyring:
    """An OS keyring stand-in that keeps secrets in a dict (CI has no keyring)."""

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service_name: str, username: str) -> str | None:
        return self.secrets.get((service_name, username))

    def set_password(self, service_name: str, username: str, password: str) -> None:
        self.secrets[(service_name, username)] = password

    def delete_password(self, service_name: str, username: str) -> None:
        self.secrets.pop((service_name, username), None)


class NoKeyring:
    """What a machine without a keyring backend looks like through the keyring package."""

    def get_password(self, service_name: str, username: str) -> str | None:
        import keyring.errors

        raise keyring.errors.NoKeyringError("no backend")

    def set_password(self, service_name: str, username: str, password: str) -> None:
        import keyring.errors

        raise keyring.errors.NoKeyringError("no backend")

    def delete_password(self, service_name: str, username: str) -> None:
        import keyring.errors

        raise keyring.errors.NoKeyringError("no backend")


# -- the raw file ---------------------------------------------------------------------------
#
# The store keeps its database handle and attachment folder to itself. These helpers are the
# one place the tests (and bench/bench_store.py) reach past it, each named for what it
# exposes.


def raw_connection(profile: Profile) -> sqlite3.Connection:
    """The profile's own SQLCipher connection, as a person with the key and a SQL shell
    (or a crash, or a full disk) would meet it."""
    return profile._database.connection


@contextlib.contextmanager
def raw_transaction(profile: Profile, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
    """A write transaction on the profile's connection, outside every use case."""
    with profile._database.transaction(durable=durable) as connection:
        yield connection


def database_file(profile: Profile) -> Path:
    return profile._database.path


def wal_bytes(profile: Profile) -> int:
    """The size of the profile's write-ahead log now."""
    return profile._database.wal_bytes()


def wal_file(profile: Profile) -> Path:
    return profile._database.wal_path


def attachment_folder(profile: Profile) -> Path:
    return profile._attachments.root


def attachment_file(profile: Profile, inspection_id: str, sha256: str) -> Path:
    """Where the encrypted file of one inspection's attachment is (or would be)."""
    return profile._attachments.path_for(inspection_id, sha256)


def relative_attachment(profile: Profile, path: Path) -> str:
    """An attachment file's name as `verify` reports it."""
    return profile._attachments.relative(path)


def forget_receipt(profile: Profile, version_id: str) -> None:
    """Put an acknowledged version back to pending, as if its receipt was never recorded."""
    with raw_transaction(profile, durable=True) as connection:
        connection.execute(
            "UPDATE outbox SET state = 'pending', server_receipt = NULL, sent_at = NULL"
            " WHERE version_id = ?",
            (version_id,),
        )
