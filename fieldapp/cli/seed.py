"""The `fieldapp seed` verb: fill a profile with realistic synthetic inspections.

What it does is `fieldapp.app.demo.seed_demo_profile`; the password comes from
FIELDAPP_PASSWORD or a prompt (`fieldapp.app.session.read_password`).
"""

from __future__ import annotations

import argparse
import sys

from fieldapp.cli.common import DEFAULT_USER, Verbs
from fieldapp.cli.output import add_json_option, print_json, progress, wants_json


def register(verbs: Verbs, common: argparse.ArgumentParser) -> None:
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
    seed.add_argument(
        "--inspections",
        type=int,
        default=100,
        metavar="N",
        help="how many finalized inspections to add (default 100)",
    )
    seed.add_argument(
        "--drafts", type=int, default=0, metavar="M", help="how many drafts to add (default 0)"
    )
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
    add_json_option(seed)
    seed.set_defaults(handler=_seed)


def _seed(args: argparse.Namespace) -> int:
    from fieldapp.app.demo import seed_demo_profile
    from fieldapp.app.session import read_password
    from fieldapp.core.locations import home_directory

    if args.inspections < 0 or args.drafts < 0:
        print("fieldapp seed: --inspections and --drafts are 0 or more", file=sys.stderr)
        return 2
    home = home_directory(args.home)
    password = read_password()

    with progress(args, total=args.inspections, unit=" inspections", desc="seed") as bar:

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        seeded = seed_demo_profile(
            home,
            args.user,
            password,
            args.inspections,
            args.drafts,
            seed=args.seed,
            photo_share=args.photos,
            progress=advance,
        )
    report = seeded.report
    if wants_json(args):
        print_json(
            {
                "inspections": report.inspections,
                "by_status": dict(report.by_status),
                "drafts": report.drafts,
                "attachments": report.attachments,
                "seconds": round(report.seconds, 3),
                "profile": str(seeded.directory),
                "problems": list(seeded.problems),
            }
        )
    else:
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(report.by_status.items()))
        print(
            f"{report.inspections} inspections ({statuses or 'none'}), {report.drafts} drafts, "
            f"{report.attachments} attachments in {report.seconds:.1f} s; "
            f"profile {seeded.directory}"
        )
    for problem in seeded.problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if seeded.problems else 0
