"""The `fieldapp sync` verb: one headless sync of a profile, for scripts and unattended use.

`fieldapp sync --home DIR [--server URL] [--user NAME] [--demo] [--ca-bundle PEM]
[--allow-insecure-http]`

* The password comes from FIELDAPP_PASSWORD (else a prompt on a terminal); it unlocks the
  profile and signs in to the central store.
* The server is `--server`, else the app's setting `server_url` in `<home>/settings.json`.
  With neither (or with `--demo` alone) it is the demo's own central store for this home
  (see `fieldapp.app.demo`): reused when running, else started for this sync and stopped
  afterwards.
* `--demo` signs in as the demo accounts, so a seeded demo profile — whose inspections
  were made by several demo users — syncs without further setup, also with a
  `fieldapp server --demo` started by hand (`--demo --server http://127.0.0.1:8765`).
* `http://` is refused to any host but this machine: the password would cross the
  network readable. `--allow-insecure-http` (or FIELDAPP_ALLOW_INSECURE_HTTP=1) allows it
  for a lab network. `--ca-bundle` (or FIELDAPP_CA_BUNDLE) names the CAs to trust.

Prints a short summary; the exit code is 0 only when everything was sent.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from fieldapp.cli.common import DEFAULT_USER, Verbs


def register(verbs: Verbs, common: argparse.ArgumentParser) -> None:
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
    sync.add_argument(
        "--ca-bundle",
        metavar="PEM",
        help="trust the certificate authorities in this PEM file (also FIELDAPP_CA_BUNDLE)",
    )
    sync.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="lab networks only: allow plain http:// to another machine (the password then "
        "crosses the network readable)",
    )
    sync.set_defaults(handler=_sync)


def _language(home: Path, args: argparse.Namespace) -> str:
    """`--lang`, else FIELDAPP_LANGUAGE, else the app's setting for this home, else English."""
    from fieldapp.app.settings import Settings
    from fieldapp.core.texts import LANGUAGES

    for chosen in (
        getattr(args, "lang", None),
        os.environ.get("FIELDAPP_LANGUAGE"),
        Settings.chosen(home, "language"),
    ):
        if chosen in LANGUAGES:
            return str(chosen)
    return "en"


def _sync(args: argparse.Namespace) -> int:
    from fieldapp.app.session import read_password
    from fieldapp.app.syncing import SyncError, server_trust, sync_profile
    from fieldapp.core.locations import home_directory

    home = home_directory(args.home)
    language = _language(home, args)
    password = read_password()
    try:
        report = sync_profile(
            home,
            args.user,
            password,
            server_url=args.server,
            demo=args.demo,
            language=language,
            trust=server_trust(
                home, allow_insecure_http=args.allow_insecure_http, ca_bundle=args.ca_bundle
            ),
        )
    except SyncError as error:
        if error.report is not None:
            print(error.report.summary(language))
        print(f"fieldapp sync: {error.text(language)}", file=sys.stderr)
        return 1
    print(report.summary(language))
    return 0 if report.complete and report.pending == 0 and report.held == 0 else 1
