"""The `fieldapp sync` verb: one headless sync of a profile, for scripts and unattended use.

`fieldapp sync --home DIR [--server URL] [--user NAME] [--demo] [--password-stdin]
[--ca-bundle PEM] [--allow-insecure-http]`

* The password comes from FIELDAPP_PASSWORD, else standard input with `--password-stdin`,
  else a prompt on a terminal; it unlocks the profile and signs in to the central store.
* The server is `--server`, else the app's setting `server_url` in `<home>/settings.json`,
  else FIELDAPP_SERVER_URL. With none of them (or with `--demo` alone) it is the demo's
  own central store for this home (see `fieldapp.app.demo`): reused when running, else
  started for this sync and stopped afterwards.
* A user without a profile on this device signs in at the central store first: the
  profile is made from what it sends (the first sign-in), and nothing is left behind
  when that fails.
* `--demo` signs in as the demo accounts, so a seeded demo profile — whose inspections
  were made by several demo users — syncs without further setup, also with a
  `fieldapp server --demo` started by hand (`--demo --server http://127.0.0.1:8765`).
* `http://` is refused to any host but this machine: the password would cross the
  network readable. `--allow-insecure-http` (or FIELDAPP_ALLOW_INSECURE_HTTP=1) allows it
  for a lab network. `--ca-bundle` (or FIELDAPP_CA_BUNDLE) names the CAs to trust.

Prints a short summary (`--json`: the numbers and problems as JSON), with a progress line
on a terminal; the exit code is 0 only when everything was sent.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from fieldapp.cli.common import DEFAULT_USER, Verbs, chosen_language
from fieldapp.cli.output import add_json_option, print_json, progress, wants_json

if TYPE_CHECKING:
    from fieldapp.app.syncing import SyncProgress, SyncReport


def register(verbs: Verbs, common: argparse.ArgumentParser) -> None:
    """Add `sync` to the CLI's verbs."""
    sync = verbs.add_parser(
        "sync",
        parents=[common],
        help="sync a profile with the central store (headless)",
        description=(
            "Push finalized inspections, pull assignments, forms and reviews, and repair "
            "drift. The password comes from FIELDAPP_PASSWORD (or standard input with "
            "--password-stdin). A user without a profile here gets one made from the central "
            "store. Without --server or a configured server (settings, FIELDAPP_SERVER_URL) "
            "the demo's own central store for this home is used. Exit code 0 when everything "
            "was sent, 1 when something could not be sent."
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
        "--lang",
        choices=("nl", "en"),
        default=argparse.SUPPRESS,
        help="language of the summary (default: FIELDAPP_LANGUAGE, else the app's setting)",
    )
    sync.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
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
    add_json_option(sync)
    sync.set_defaults(handler=_sync)


def _sync(args: argparse.Namespace) -> int:
    from fieldapp.app.session import read_password
    from fieldapp.app.syncing import SyncError, server_trust, sync_profile
    from fieldapp.core.locations import home_directory

    home = home_directory(args.home)
    language = chosen_language(home, args, fallback="en")
    password = read_password(from_stdin=args.password_stdin)
    counts = {"sent": 0, "photos": 0, "pulled": 0}
    with progress(args, total=None, unit=" steps", desc="sync") as bar:

        def follow(step: SyncProgress) -> None:
            if step.step == "version_marked":
                counts["sent"] = step.done
            elif step.step == "blob_done":
                counts["photos"] = step.done
            elif step.step == "page_applied":
                counts["pulled"] += step.done
            bar.set_postfix(counts, refresh=False)
            bar.update()

        try:
            report = sync_profile(
                home,
                args.user,
                password,
                server_url=args.server,
                demo=args.demo,
                language=language,
                progress=follow,
                trust=server_trust(
                    home,
                    allow_insecure_http=args.allow_insecure_http,
                    ca_bundle=args.ca_bundle,
                ),
            )
        except SyncError as error:
            bar.close()
            if wants_json(args):
                print_json(_as_json(error.report, language) | {"error": error.text(language)})
            elif error.report is not None:
                # What was done and what waits; why it stopped goes to standard error once.
                print(error.report.summary(language, with_problem=False))
            print(f"fieldapp sync: {error.text(language)}", file=sys.stderr)
            return 1
    if wants_json(args):
        print_json(_as_json(report, language))
    else:
        print(report.summary(language))
    return 0 if report.complete and report.pending == 0 and report.held == 0 else 1


def _as_json(report: SyncReport | None, language: str) -> dict[str, Any]:
    """The numbers of a sync and its problems, for `--json`."""
    from fieldapp.core.texts import Text

    if report is None:
        return {"complete": False}
    return {
        "complete": report.complete,
        "sent": len(report.sent),
        "already_there": len(report.already_there),
        "attachments_uploaded": report.blobs_uploaded,
        "bytes_uploaded": report.bytes_uploaded,
        "pulled": report.pulled,
        "returns": report.returns,
        "approvals": report.approvals,
        "reset": report.reset,
        "drift_repaired": report.drift_repaired,
        "pending": report.pending,
        "held": report.held,
        "failed": [
            {
                "version_id": problem.version_id,
                "inspection_id": problem.inspection_id,
                "message": Text.of(problem.message).pick(language),
                "retryable": problem.retryable,
                "code": problem.code,
            }
            for problem in report.failed
        ],
        "problem": Text.of(report.problem).pick(language) if report.problem else None,
    }
