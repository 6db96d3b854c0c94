"""Connecting a profile to its central store, and one whole sync, for the app and the CLI.

Which store and which accounts, one rule for both: with a configured address the person's
own account signs in with the password typed at sign-in; without one it is the demo's own
central store for this home (started when it is not running: `fieldapp.app.demo`), where
the demo accounts sign in. `fieldapp sync --demo` signs in as the demo accounts also at a
given address (a `fieldapp server --demo` started by hand).

Which addresses and certificates are trusted (`server_trust`) comes from the settings
`allow_insecure_http` and `ca_bundle`, overridden by FIELDAPP_ALLOW_INSECURE_HTTP and
FIELDAPP_CA_BUNDLE, and for one run by the CLI's `--allow-insecure-http` / `--ca-bundle`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fieldapp.app.demo import (
    DemoAccounts,
    DemoServer,
    replay_demo_reviews,
    start_demo_server,
)
from fieldapp.app.settings import Settings
from fieldapp.core.environment import (
    CA_BUNDLE_VARIABLE,
    INSECURE_HTTP_VARIABLE,
    SERVER_URL_VARIABLE,
)
from fieldapp.store import Profile, open_profile, profile_exists
from fieldapp.store.errors import PasswordRequired
from fieldapp.sync.client import SyncClient
from fieldapp.sync.errors import ServerUnreachable, SyncCancelled, SyncError
from fieldapp.sync.report import SyncProgress, SyncReport, SyncStatus
from fieldapp.sync.transport import (
    Credentials,
    CredentialSource,
    RetryPolicy,
    ServerTrust,
)

# The sync layer's report, status, policy and errors are what the screens show and catch.
__all__ = [
    "CA_BUNDLE_VARIABLE",
    "SERVER_URL_VARIABLE",
    "RetryPolicy",
    "ServerTrust",
    "ServerUnreachable",
    "SyncCancelled",
    "SyncConnection",
    "SyncError",
    "SyncProgress",
    "SyncReport",
    "SyncStatus",
    "configured_server",
    "connect",
    "server_trust",
    "sync_profile",
]


def server_trust(
    home: Path, *, allow_insecure_http: bool = False, ca_bundle: str | None = None
) -> ServerTrust:
    """The trust this home's settings and the environment configure; arguments add to it."""
    settings = Settings.load(home)
    bundle = ca_bundle or os.environ.get(CA_BUNDLE_VARIABLE, "").strip() or settings.ca_bundle
    allowed = (
        allow_insecure_http
        or settings.allow_insecure_http
        or os.environ.get(INSECURE_HTTP_VARIABLE, "").strip().lower() in {"1", "true", "yes"}
    )
    return ServerTrust(allow_insecure_http=allowed, ca_bundle=bundle)


@dataclass
class SyncConnection:
    """A sync client for a profile and, in the demo, the demo store it may have started."""

    client: SyncClient
    server: DemoServer | None = None
    #: Signing in as the demo users: after a sync, the seeded reviews are made on the
    #: demo's store too (`replay_demo_reviews`), so both sides hold the same world.
    demo_accounts: bool = False

    def sync_once(self) -> SyncReport:
        """One whole sync; in the demo, then the reviews the server still lacks."""
        report = self.client.sync_once()
        if self.demo_accounts and report.complete:
            replay_demo_reviews(self.client.profile, self.client.line)
        return report

    def cancel(self) -> None:
        """Stop the sync under way, from any thread: it ends at once with
        `SyncCancelled`; the outbox keeps what was not sent."""
        self.client.line.cancel()

    def allow(self) -> None:
        """Let the next sync run after a cancelled one."""
        self.client.line.allow()

    @property
    def stops_a_store(self) -> bool:
        return self.server is not None and self.server.started_here

    def close(self) -> None:
        """Close the client; stop the demo store only if this connection started it."""
        self.client.close()
        if self.server is not None:
            self.server.stop()

    def __enter__(self) -> SyncConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def connect(
    home: Path,
    profile: Profile,
    *,
    server_url: str | None,
    password: str | None,
    demo_accounts: bool,
    language: str,
    retry: RetryPolicy | None = None,
    progress: Callable[[SyncProgress], None] | None = None,
    trust: ServerTrust | None = None,
) -> SyncConnection:
    """A connection for `profile` (blocking: it may start the demo's central store).

    No `server_url`: the demo's store of this home. `demo_accounts`: sign in as the demo
    users (each pushes the versions they made); else as the profile's owner with
    `password`, which must be known (`PasswordRequired`). `trust`: the home's
    `server_trust` when not given.
    """
    credentials: CredentialSource
    if demo_accounts:
        credentials = DemoAccounts()
    elif password is None:
        raise PasswordRequired()
    else:
        credentials = Credentials(profile.username, password)
    server: DemoServer | None = None
    if not server_url:
        server = start_demo_server(home)
        server_url = server.url
    client = SyncClient(
        profile,
        server_url,
        credentials=credentials,
        language=language,
        retry=retry,
        progress=progress,
        trust=trust or server_trust(home),
    )
    return SyncConnection(client, server, demo_accounts)


def configured_server(home: Path) -> str | None:
    """The central store of this home: the app's `server_url` setting (typed once on the
    sign-in screen, or written by IT), else FIELDAPP_SERVER_URL; None: the demo."""
    chosen = Settings.load(home).server_url.strip()
    return chosen or os.environ.get(SERVER_URL_VARIABLE, "").strip() or None


def sync_profile(
    home: Path,
    username: str,
    password: str,
    *,
    server_url: str | None,
    demo: bool,
    language: str,
    progress: Callable[[SyncProgress], None] | None = None,
    trust: ServerTrust | None = None,
) -> SyncReport:
    """One whole headless sync of `username`'s profile (what `fieldapp sync` does).

    The store is `server_url`, else the configured one, else the demo's (started for this
    sync and stopped afterwards when it was not running). Raises `SyncError` with its
    `report` when the sync could not go on. `progress` gets every step (a progress bar).

    A person without a profile on this device signs in at the central store first: the
    profile is made from it (`first_sign_in`), and that sync's report is returned.
    """
    url = server_url or (None if demo else configured_server(home))
    if url and not demo and not profile_exists(home, username):
        from fieldapp.app.session import first_sign_in

        profile, report = first_sign_in(
            home, username, password, url, language=language, progress=progress
        )
        profile.close()
        return report
    with (
        open_profile(home, username, password, create=False) as profile,
        connect(
            home,
            profile,
            server_url=url,
            password=password,
            demo_accounts=demo or url is None,
            language=language,
            progress=progress,
            trust=trust,
        ) as connection,
    ):
        return connection.sync_once()
