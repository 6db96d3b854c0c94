"""The `fieldapp sync` verb: one headless sync of a profile, for scripts and unattended use.

`fieldapp sync --home DIR [--server URL] [--user NAME] [--demo]`

* The password comes from FIELDAPP_PASSWORD (else a prompt on a terminal); it unlocks the
  profile and signs in to the central store.
* The server is `--server`, else the app's setting `server_url` in `<home>/settings.json`.
  With neither (or with `--demo` alone) it is the demo's own central store for this home
  (see `fieldapp.app.demo`): reused when running, else started for this sync and stopped
  afterwards.
* `--demo` signs in as the demo accounts, so a seeded demo profile — whose inspections
  were made by several demo users — syncs without further setup, also with a
  `fieldapp server --demo` started by hand (`--demo --server http://127.0.0.1:8765`).

Prints a short summary; the exit code is 0 only when everything was sent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_USER = "fatima.elamrani"


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add `sync` to the CLI's verbs."""
    sync = verbs.add_parser(
        "sync",
        parents=[common],
        help="sync a profile with the central store (headless)",
        description=(
            "Push finalized inspections, pull assignments, forms and reviews, and repair "
            "drift. The password comes from FIELDAPP_PASSWORD. Without --server or a "
            "configured server the demo's own central store for this home is used. Exit "
            "code 0 when everything was sent, 1 when something could not be sent."
        ),
    )
    sync.add_argument("--server", metavar="URL", help="the central store's address")
    sync.add_argument(
        "--user", default=DEFAULT_USER, help=f"whose profile to sync (default {DEFAULT_USER})"
    )
    sync.add_argument(
        "--demo",
        action="store_true",
        help="sign in as the demo accounts (a demo server); without --server: this home's "
        "own demo central store",
    )
    sync.set_defaults(handler=_sync)


def configured_server(home: Path) -> str | None:
    """The app's `server_url` setting for this home, when one is set."""
    try:
        raw = json.loads((home / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = raw.get("server_url") if isinstance(raw, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _language(home: Path, args: argparse.Namespace) -> str:
    chosen = getattr(args, "lang", None) or os.environ.get("FIELDAPP_LANGUAGE")
    if chosen in ("nl", "en"):
        return str(chosen)
    try:
        raw = json.loads((home / "settings.json").read_text(encoding="utf-8"))
        language = raw.get("language") if isinstance(raw, dict) else None
    except (OSError, ValueError):
        language = None
    return language if language in ("nl", "en") else "en"


def _sync(args: argparse.Namespace) -> int:
    from fieldapp.app.demo import DemoAccounts, DemoServer, start_demo_server
    from fieldapp.core.locations import home_directory
    from fieldapp.store.password import read_password
    from fieldapp.store.profile import open_profile
    from fieldapp.sync.client import SyncClient
    from fieldapp.sync.errors import SyncError
    from fieldapp.sync.transport import Credentials, CredentialSource

    home = home_directory(args.home)
    language = _language(home, args)
    server_url = args.server or (None if args.demo else configured_server(home))
    demo = args.demo or server_url is None
    password = read_password()
    profile = open_profile(home, args.user, password, create=False)
    demo_server: DemoServer | None = None
    try:
        if server_url is None:
            demo_server = start_demo_server(home)
            server_url = demo_server.url
        credentials: CredentialSource = (
            DemoAccounts() if demo else Credentials(profile.username, password)
        )
        with SyncClient(profile, server_url, credentials=credentials, language=language) as client:
            try:
                report = client.sync_once()
            except SyncError as error:
                if error.report is not None:
                    print(error.report.summary(language))
                print(f"fieldapp sync: {error.text(language)}", file=sys.stderr)
                return 1
        print(report.summary(language))
        return 0 if report.complete and report.pending == 0 and report.held == 0 else 1
    finally:
        if demo_server is not None:
            demo_server.stop()
        profile.close()
