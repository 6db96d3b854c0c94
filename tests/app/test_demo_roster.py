"""The sign-in screen's demo roster: what the demo world holds, read without loading it."""

from __future__ import annotations

import shutil
from pathlib import Path

from fieldapp.app.demo import load_demo_world
from fieldapp.app.demo_roster import ROLE_ORDER, RosterEntry, by_role, read_demo_roster
from fieldapp.core.locations import seeds_directory


def test_the_roster_lists_every_demo_user_as_the_world_has_them() -> None:
    world = load_demo_world()
    expected = [
        RosterEntry(
            username=user.username,
            name=user.pseudonym or user.display_name,
            role=user.role.value,
            team=world.team(user.team).name if user.team else None,
        )
        for user in world.users
    ]
    assert read_demo_roster() == expected
    # A mystery guest is listed by pseudonym only, never by name.
    guests = [user for user in world.users if user.role.value == "mystery_guest"]
    assert guests
    listed = {entry.name for entry in read_demo_roster()}
    assert not listed & {user.display_name for user in guests if user.pseudonym}


def test_the_roster_reads_semicolons_and_a_byte_order_mark_as_the_import_does(
    tmp_path: Path,
) -> None:
    (tmp_path / "teams.csv").write_text(
        "\ufeffid;name;supervisor;areas\nteam-a;Team A;sam.chef;centrum\n", encoding="utf-8"
    )
    (tmp_path / "users.csv").write_text(
        "\ufeffusername;display_name;role;team;pseudonym\n"
        "Ana.Boa;Ana Boa;boa;team-a;\n"
        "mo.guest;Mo Guest;mystery_guest;team-a;Gast 7\n"
        "sam.chef;Sam Chef;supervisor;;\n"
        ";;;;\n",
        encoding="utf-8",
    )
    assert read_demo_roster(tmp_path) == [
        RosterEntry("ana.boa", "Ana Boa", "boa", "Team A"),
        RosterEntry("mo.guest", "Gast 7", "mystery_guest", "Team A"),
        RosterEntry("sam.chef", "Sam Chef", "supervisor", None),
    ]


def test_the_roster_groups_by_role_in_the_screen_s_order_and_leaves_out_empty_roles(
    tmp_path: Path,
) -> None:
    roster = read_demo_roster()
    groups = by_role(roster)
    assert [role for role, _ in groups] == [
        role for role in ROLE_ORDER if any(e.role == role for e in roster)
    ]
    assert sorted(e.username for _, entries in groups for e in entries) == sorted(
        e.username for e in roster
    )
    shutil.copy(seeds_directory() / "teams.csv", tmp_path / "teams.csv")
    (tmp_path / "users.csv").write_text(
        "username,display_name,role\nsam.chef,Sam Chef,supervisor\n", encoding="utf-8"
    )
    assert [role for role, _ in by_role(read_demo_roster(tmp_path))] == ["supervisor"]
