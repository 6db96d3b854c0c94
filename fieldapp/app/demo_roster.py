"""The demo accounts as the sign-in screen lists them, read without loading the demo world.

Listing the accounts is the first thing a person sees of the demo, so it must not wait for
the whole seed world (`fieldapp.app.demo.load_demo_world`), whose models and checks take
several times longer to import than the window takes to show. The roster reads only the
two registers it shows, `users.csv` and `teams.csv`, in the same format as a
municipality's import (UTF-8 CSV, comma or semicolon, a header row). It checks nothing:
signing in loads and checks the whole world, and says plainly what is wrong with it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from fieldapp.core.locations import seeds_directory

#: The order the roles are listed in, each under its own heading.
ROLE_ORDER = ("boa", "mystery_guest", "supervisor", "admin")


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One demo account: who signs in, the name shown, the role and the team's name."""

    username: str
    #: A mystery guest is shown by pseudonym only, even here; everyone else by name.
    name: str
    role: str
    #: The team's name; None for someone without a team.
    team: str | None


def read_demo_roster(seeds: Path | None = None) -> list[RosterEntry]:
    """The demo accounts in the order of `users.csv`; `seeds` defaults to the shipped world."""
    folder = seeds or seeds_directory()
    teams = {row.get("id", ""): row.get("name", "") for row in _rows(folder / "teams.csv")}
    roster: list[RosterEntry] = []
    for row in _rows(folder / "users.csv"):
        username = row.get("username", "").strip().lower()
        if not username:
            continue
        team_id = row.get("team", "").strip()
        roster.append(
            RosterEntry(
                username=username,
                name=row.get("pseudonym", "").strip() or row.get("display_name", "").strip(),
                role=row.get("role", "").strip(),
                team=teams.get(team_id) if team_id else None,
            )
        )
    return roster


def by_role(roster: list[RosterEntry]) -> list[tuple[str, list[RosterEntry]]]:
    """The roster grouped by role, in `ROLE_ORDER`; roles without accounts are left out."""
    groups = [(role, [entry for entry in roster if entry.role == role]) for role in ROLE_ORDER]
    return [(role, entries) for role, entries in groups if entries]


def _rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    # As the register import decides: the separator the header uses most.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [{key.strip(): (value or "") for key, value in row.items() if key} for row in reader]
