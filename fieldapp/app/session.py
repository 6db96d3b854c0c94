"""Signing in, and checking the password again: who uses the app now, with which profile.

`sign_in` unlocks a person's profile (in the demo it makes and fills one on first use)
and returns the `SignedIn` session every other use case is given; `verify_password`
unlocks the idle lock. Qt-free: the sign-in screen runs them on the task runner.

With a central store configured, a person without a profile on this device signs in there
first (`first_sign_in`): the central store checks the password, the device makes the
encrypted profile in a folder of its own, pulls the person's world through the change
feed, and only then puts the profile in place; after that the device works offline. A
profile the central store deactivated (`ProfileLocked`) opens again only when the central
store accepts the person again at an online sign-in.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from fieldapp.app.demo import demo_reference
from fieldapp.app.errors import (
    FirstSignInUnreachable,
    NeedsFirstSync,
    UnknownAccount,
    WrongDemoPassword,
)
from fieldapp.app.inspections import FormChoice, forms_for
from fieldapp.app.syncing import server_trust
from fieldapp.app.venues import RegistryDirectory
from fieldapp.core.entities import Role, User
from fieldapp.core.files import fsync_directory
from fieldapp.core.worldfile import SeedWorld
from fieldapp.protocol.models import AccountInfo
from fieldapp.store import (
    KdfParams,
    Profile,
    ProfileExists,
    ProfileLocked,
    WrongPassword,
    known_usernames,
    open_profile,
    open_profile_in,
    open_profile_with_profile_key,
    profile_directory,
    profile_exists,
    remember_username,
    staging_directory,
)
from fieldapp.store.keys import DEVICE_PASSWORD_RULES
from fieldapp.store.password import read_password
from fieldapp.sync.client import SyncClient
from fieldapp.sync.errors import GaveUp, Refusal, ServerUnreachable, SyncError
from fieldapp.sync.report import SyncProgress, SyncReport
from fieldapp.sync.transport import CentralLine, Credentials, RetryPolicy, ServerTrust

log = logging.getLogger(__name__)

Progress = Callable[[SyncProgress], None]

# `KdfParams` is how costly new profiles' password hashing is (tests make it cheap);
# `read_password` is the password of a verb: FIELDAPP_PASSWORD, else a prompt.
__all__ = [
    "KdfParams",
    "Progress",
    "SignedIn",
    "SyncProgress",
    "first_sign_in",
    "profiles_on_device",
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
    server_url: str | None = None,
    language: str = "nl",
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
) -> SignedIn:
    """Unlock `username`'s profile; in the demo, create and fill it on first use.

    Outside the demo (`world` None) a person without a profile here signs in at
    `server_url` first (`first_sign_in`, which reports its steps to `progress`); without
    an address that is `NeedsFirstSync`.
    """
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
            if not server_url:
                raise NeedsFirstSync(username)
            profile, _report = first_sign_in(
                home,
                username,
                password,
                server_url,
                kdf=kdf,
                language=language,
                progress=progress,
                retry=retry,
            )
        else:
            profile = _open_known(home, username, password, server_url, retry)
        found = profile.account() or profile.user(username)
        if found is None:
            profile.close()
            raise NeedsFirstSync(username)
        user = found
        if username not in known_usernames(home):
            # A profile from before the list, or one whose first sign-in stopped between
            # putting it in place and listing it: listed from now on.
            remember_username(home, username)
    teams = {team.id: team.name for team in profile.teams()}
    venues = RegistryDirectory(profile.venues(), profile.areas(), recent_venue_ids(profile))
    # The demo signs in to its own store with the demo accounts: no password kept then.
    kept = None if world is not None else password
    return SignedIn(profile, user, venues, world is not None, teams, forms_for(profile, None), kept)


def first_sign_in(
    home: Path,
    username: str,
    password: str,
    server_url: str,
    *,
    kdf: KdfParams | None = None,
    language: str = "nl",
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
    trust: ServerTrust | None = None,
) -> tuple[Profile, SyncReport]:
    """Make `username`'s profile on this device from the central store at `server_url`.

    The central store checks the password (`SignInRefused`, `AccountDeactivated`,
    `FirstSignInUnreachable`, … on failure). The profile is built in its own folder, filled
    through the change feed, and moved into place only when all of that worked: any
    failure leaves no profile behind, and the next attempt starts afresh. Returns the
    open profile and the sync's report; the person is added to this device's sign-in
    list. `trust` defaults to what this home configures (`server_trust`): plain http to
    another machine is refused before the password is sent.
    """
    username = username.strip().lower()
    final = profile_directory(home, username)
    if profile_exists(home, username):
        raise ProfileExists(str(final))
    staging = staging_directory(home, username)
    # What an interrupted first sign-in left behind is never opened: start afresh.
    shutil.rmtree(staging, ignore_errors=True)
    profile = open_profile_in(staging, username, password, kdf=kdf)
    try:
        with SyncClient(
            profile,
            server_url,
            credentials=Credentials(username, password),
            language=language,
            # The person is waiting at the sign-in screen: a few tries, then say so.
            retry=retry or RetryPolicy(attempts=3, budget=20.0),
            progress=progress,
            trust=trust or server_trust(home),
        ) as client:
            report = client.sync_once()
            account = client.line.accounts.get(username)
        if account is not None:
            profile.remember_account(_user_of(account))
        profile.close()
        if final.exists():
            # Another process made it meanwhile: keep theirs, never mix two.
            raise ProfileExists(str(final))
        staging.replace(final)
        fsync_directory(final.parent)
    except BaseException as error:
        profile.close()
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, ServerUnreachable):
            raise FirstSignInUnreachable(server_url, network=error.network) from error
        raise
    remember_username(home, username)
    log.info("first sign-in of %s: profile made from %s", username, server_url)
    return open_profile(home, username, password, create=False), report


def _open_known(
    home: Path,
    username: str,
    password: str,
    server_url: str | None,
    retry: RetryPolicy | None,
) -> Profile:
    """Open a profile that is on this device.

    With a central store: a password that fails here may be one an administrator set
    there; when the central store accepts it, its profile key re-locks the profile with
    it. A locked profile opens only once the central store accepts the person again.
    """
    try:
        return open_profile(home, username, password, create=False)
    except ProfileLocked:
        if not server_url or _central_answer(home, server_url, username, password, retry) is None:
            raise
        return open_profile(home, username, password, create=False, even_locked=True)
    except WrongPassword:
        if not server_url:
            raise
        profile_key = _central_answer(home, server_url, username, password, retry)
        if not profile_key:
            raise
        log.info("%s signs in with a password set on the central store", username)
        return open_profile_with_profile_key(home, username, password, profile_key)


def _central_answer(
    home: Path, server_url: str, username: str, password: str, retry: RetryPolicy | None
) -> str | None:
    """Whether the central store signs the person in now: their profile key ("" when it
    sends none), or None when it refuses (wrong password, still deactivated) or cannot be
    reached. Refused or not reached, the profile stays as it was."""
    line = CentralLine(
        server_url,
        device_id=None,
        credentials=Credentials(username, password),
        # A typo offline must not keep the person waiting: one quick try.
        retry=retry or RetryPolicy(attempts=1, budget=5.0),
        timeout=httpx.Timeout(10.0, connect=5.0),
        trust=server_trust(home),
    )
    try:
        line.token(username)
    except (SyncError, Refusal, GaveUp):
        return None
    finally:
        line.close()
    return line.profile_keys.get(username, "")


def _user_of(account: AccountInfo) -> User:
    return User(
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        team=account.team,
        pseudonym=account.pseudonym,
        languages=account.languages or ["nl"],
    )


def profiles_on_device(home: Path) -> list[str]:
    """The people with a profile on this device (a shared tablet's sign-in list)."""
    return known_usernames(home)


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
