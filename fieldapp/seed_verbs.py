"""The `fieldapp seed` verb: fill a profile with realistic synthetic inspections.

Registered through `fieldapp.cli.VERB_MODULES`; it lives outside the store package so that
building the parser imports none of the store, and `fieldapp --help` stays quick. The
password comes from `fieldapp.store.password.read_password`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

DEFAULT_USER = "fatima.elamrani"


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add `seed` to the CLI's verbs."""
    seed = verbs.add_parser(
        "seed",
        parents=[common],
        help="fill a profile with realistic synthetic inspections",
        description=(
            "Fill a profile with N finalized inspections across the three forms (sent, "
            "approved, returned or waiting in the outbox) and M drafts, made by the demo "
            "users, for demos, training and benchmarks. Creates the profile on first use."
        ),
    )
    seed.add_argument("--inspections", type=int, default=100, metavar="N")
    seed.add_argument("--drafts", type=int, default=0, metavar="M")
    seed.add_argument(
        "--user", default=DEFAULT_USER, help=f"whose profile to fill (default {DEFAULT_USER})"
    )
    seed.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    seed.add_argument(
        "--photos",
        type=float,
        default=0.3,
        metavar="SHARE",
        help="share of optional photo questions that get a photo (default 0.3)",
    )
    seed.set_defaults(handler=_seed)


def _seed(args: argparse.Namespace) -> int:
    from fieldapp.core.locations import home_directory
    from fieldapp.store.password import read_password
    from fieldapp.store.profile import open_profile
    from fieldapp.store.seed import seed_profile
    from fieldapp.store.verify import verify

    if args.inspections < 0 or args.drafts < 0:
        print("fieldapp seed: --inspections and --drafts are 0 or more", file=sys.stderr)
        return 2
    home = home_directory(args.home)
    password = read_password()
    profile = open_profile(home, args.user, password)
    try:

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                print(f"\r{done}/{total} inspections", end="", file=sys.stderr, flush=True)

        report = seed_profile(
            profile,
            args.inspections,
            args.drafts,
            seed=args.seed,
            photo_share=args.photos,
            progress=progress,
        )
        if sys.stderr.isatty():
            print(file=sys.stderr)
        statuses = ", ".join(
            f"{count} {status}" for status, count in sorted(report.by_status.items())
        )
        print(
            f"{report.inspections} inspections ({statuses or 'none'}), {report.drafts} drafts, "
            f"{report.attachments} attachments in {report.seconds:.1f} s; "
            f"profile {profile.directory}"
        )
        problems = verify(profile, deep=False)
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        return 1 if problems else 0
    finally:
        profile.close()
