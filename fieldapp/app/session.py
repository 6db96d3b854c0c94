"""Signing in, and checking the password again: who uses the app now, with which profile.

`sign_in` unlocks a person's profile (in the demo it makes and fills one on first use)
and returns the `SignedIn` session every other use case is given; `verify_password`
unlocks the idle lock. Qt-free: the sign-in screen runs them on the task runner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fieldapp.app.demo import demo_reference
from fieldapp.app.errors import NeedsFirstSync, UnknownAccount, WrongDemoPassword
from fieldapp.app.inspections import FormChoice, forms_for
from fieldapp.app.venues import RegistryDirectory
from fieldapp.core.entities import Role, User
from fieldapp.core.worldfile import SeedWorld
from fieldapp.store import KdfParams, Profile, open_profile, profile_exists
from fieldapp.store.keys import DEVICE_PASSWORD_RULES
from fieldapp.store.password import read_password

# `KdfParams` is how costly new profiles' password hashing is (tests make it cheap);
# `read_password` is the password of a verb: FIELDAPP_PASSWORD, else a prompt.
__all__ = [
    "KdfParams",
    "SignedIn",
    "read_password",
    "recent_venue_ids",
    "sign_in",
    "teams_led_by",
    "verify_password",
]


@dataclass
class SignedIn:
    """Who is signed in, with their unlocked profile and the venue registry to search."""

    profile: Profile
    user: User
    venues: RegistryDirectory
    demo: bool
    #: Team names by id, for pre-filling and for the supervisor's overview.
    teams: dict[str, str] = field(default_factory=dict)
    #: The newest version of every checklist on the device.
    forms: list[FormChoice] = field(default_factory=list)
    #: The password typed at sign-in, kept in memory for this session only: with a
    #: configured central store the sync and the review desk sign in with it. Never
    #: written anywhere, and left out of the repr so a log line cannot show it.
    password: str | None = field(default=None, repr=False)

    @property
    def role(self) -> Role:
        return self.user.role


def sign_in(
    home: Path,
    username: str,
    password: str,
    world: SeedWorld | None,
    *,
    kdf: KdfParams | None = None,
) -> SignedIn:
    """Unlock `username`'s profile; in the demo, create and fill it on first use."""
    username = username.strip().lower()
    if world is not None:
        try:
            user = world.user(username)
        except KeyError:
            raise UnknownAccount(username) from None
        if not profile_exists(home, username) and password != world.demo_password:
            # Never create a demo profile under a mistyped password.
            raise WrongDemoPassword()
        profile = open_profile(
            home,
            username,
            password,
            kdf=kdf,
            password_rules=DEVICE_PASSWORD_RULES.allowing(world.demo_password),
        )
        # A demo profile made before the demo's reference data held the teams gets them
        # now; one that synced already has them from the demo's central store.
        if not profile.has_reference_data() or not profile.teams():
            profile.replace_reference_data(demo_reference(world))
    else:
        if not profile_exists(home, username):
            raise NeedsFirstSync(username)
        profile = open_profile(home, username, password, create=False)
        found = profile.user(username)
        if found is None:
            profile.close()
            raise NeedsFirstSync(username)
        user = found
    teams = {team.id: team.name for team in profile.teams()}
    venues = RegistryDirectory(profile.venues(), profile.areas(), recent_venue_ids(profile))
    # The demo signs in to its own store with the demo accounts: no password kept then.
    kept = None if world is not None else password
    return SignedIn(profile, user, venues, world is not None, teams, forms_for(profile, None), kept)


def verify_password(profile: Profile, password: str) -> None:
    """Check the password of the signed-in person (unlocking the idle lock).

    The store's own check: wrong tries count and slow down exactly as at sign-in, and the
    key the password unwraps must still be the open profile's. Raises `WrongPassword`,
    `TooManyAttempts` or `ProfileDamaged`.
    """
    profile.check_password(password)


def teams_led_by(profile: Profile, username: str) -> set[str]:
    """The teams whose supervisor `username` is, as the profile's reference data says."""
    return {team.id for team in profile.teams() if team.supervisor == username}


def recent_venue_ids(profile: Profile, limit: int = 200) -> list[str]:
    """Venues of the most recently changed inspections, most recent first."""
    seen: dict[str, None] = {}
    for summary in profile.inspections(limit=limit):
        if summary.venue_id:
            seen.setdefault(summary.venue_id, None)
    return list(seen)
